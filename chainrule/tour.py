"""The chapter, step by step, in chainrule's own API and in each dialect: what
``python -m chainrule tour`` runs (and the example notebooks are made from).

Each step is a title and, per dialect, the code the reader types; the tour runs it and
shows what it prints, so the output is always the real one. The last four steps answer
exercises 4 to 8 with ``chainrule.viz``, which reads the graph of any dialect's tensors.
"""
from __future__ import annotations

DIALECTS = ("native", "torch", "mxnet", "tensorflow", "jax", "djl")
NAMES = {"native": "chainrule", "torch": "PyTorch", "mxnet": "MXNet",
         "tensorflow": "TensorFlow", "jax": "JAX", "djl": "DJL"}

IMPORTS = {
    "native": "import chainrule as cr",
    "torch": "import chainrule.torch as torch",
    "mxnet": "from chainrule.mxnet import autograd, np, npx\nnpx.set_np()",
    "tensorflow": "import chainrule.tensorflow as tf",
    "jax": "import chainrule.jax as jax\nfrom chainrule.jax import numpy as jnp, grad, random",
    "djl": "from chainrule.djl import Engine, NDManager, Shape\n"
           "manager = NDManager.newBaseManager()",
}

_CONTROL_FLOW = {
    "native": "cr.linalg.norm(b)", "torch": "b.norm()", "mxnet": "np.linalg.norm(b)",
    "tensorflow": "tf.norm(b)", "jax": "jnp.linalg.norm(b)", "djl": "b.norm().getFloat()",
}


def _f(dialect: str) -> str:
    norm = _CONTROL_FLOW[dialect]
    if dialect == "djl":
        return ("def f(a):\n    b = a.mul(2)\n    while b.norm().getFloat() < 1000:\n"
                "        b = b.mul(2)\n    return b if b.sum().getFloat() > 0 else b.mul(100)")
    total = "tf.reduce_sum(b)" if dialect == "tensorflow" else "b.sum()"
    return (f"def f(a):\n    b = a * 2\n    while {norm} < 1000:\n        b = b * 2\n"
            f"    if {total} > 0:\n        c = b\n    else:\n        c = 100 * b\n    return c")


STEPS = [
    ("A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read", {
        "native": "x = cr.arange(4.0, requires_grad=True)\ny = 2 * cr.dot(x, x)\ny\n"
                  "y.backward()\nx.grad\nx.grad == 4 * x",
        "torch": "x = torch.arange(4.0)\nx.requires_grad_(True)\nx.grad\n"
                 "y = 2 * torch.dot(x, x)\ny\ny.backward()\nx.grad\nx.grad == 4 * x",
        "mxnet": "x = np.arange(4.0)\nx.attach_grad()\nx.grad\nwith autograd.record():\n"
                 "    y = 2 * np.dot(x, x)\ny\ny.backward()\nx.grad\nx.grad == 4 * x",
        "tensorflow": "x = tf.range(4, dtype=tf.float32)\nx = tf.Variable(x)\n"
                      "with tf.GradientTape() as t:\n    y = 2 * tf.tensordot(x, x, axes=1)\n"
                      "y\nx_grad = t.gradient(y, x)\nx_grad\nx_grad == 4 * x",
        "jax": "x = jnp.arange(4.0)\ny = lambda x: 2 * jnp.dot(x, x)\ny(x)\n"
               "x_grad = grad(y)(x)\nx_grad\nx_grad == 4 * x",
        "djl": "x = manager.arange(4.0)\nx.attachGradient()\nx.getGradient()\n"
               "with Engine.getInstance().newGradientCollector() as gc:\n"
               "    y = x.dot(x).mul(2)\n    print(y)\n    gc.backward(y)\nx.getGradient()\n"
               "x.getGradient().eq(x.mul(4))",
    }),
    ("Another function: gradients accumulate (PyTorch) or are overwritten", {
        "native": "x.grad.zero_()\ny = x.sum()\ny.backward()\nx.grad",
        "torch": "x.grad.zero_()\ny = x.sum()\ny.backward()\nx.grad",
        "mxnet": "with autograd.record():\n    y = x.sum()\ny.backward()\nx.grad",
        "tensorflow": "with tf.GradientTape() as t:\n    y = tf.reduce_sum(x)\nt.gradient(y, x)",
        "jax": "y = lambda x: x.sum()\ngrad(y)(x)",
        "djl": "with Engine.getInstance().newGradientCollector() as gc:\n    y = x.sum()\n"
               "    gc.backward(y)\nx.getGradient()",
    }),
    ("Backward for a non-scalar y: the gradient of its sum", {
        "native": "x.grad.zero_()\ny = x * x\ny.backward(gradient=cr.ones(len(y)))\nx.grad",
        "torch": "x.grad.zero_()\ny = x * x\ny.backward(gradient=torch.ones(len(y)))\nx.grad",
        "mxnet": "with autograd.record():\n    y = x * x\ny.backward()\nx.grad",
        "tensorflow": "with tf.GradientTape() as t:\n    y = x * x\nt.gradient(y, x)",
        "jax": "y = lambda x: x * x\ngrad(lambda x: y(x).sum())(x)",
        "djl": "with Engine.getInstance().newGradientCollector() as gc:\n    y = x.mul(x)\n"
               "    gc.backward(y)\nx.getGradient()",
    }),
    ("Detaching: u = y as a constant, so dz/dx for z = u·x is u", {
        "native": "x.grad.zero_()\ny = x * x\nu = y.detach()\nz = u * x\nz.sum().backward()\n"
                  "x.grad == u\nx.grad.zero_()\ny.sum().backward()\nx.grad == 2 * x",
        "torch": "x.grad.zero_()\ny = x * x\nu = y.detach()\nz = u * x\nz.sum().backward()\n"
                 "x.grad == u\nx.grad.zero_()\ny.sum().backward()\nx.grad == 2 * x",
        "mxnet": "with autograd.record():\n    y = x * x\n    u = y.detach()\n    z = u * x\n"
                 "z.backward()\nx.grad == u\ny.backward()\nx.grad == 2 * x",
        "tensorflow": "with tf.GradientTape(persistent=True) as t:\n    y = x * x\n"
                      "    u = tf.stop_gradient(y)\n    z = u * x\nx_grad = t.gradient(z, x)\n"
                      "x_grad == u\nt.gradient(y, x) == 2 * x",
        "jax": "y = lambda x: x * x\nu = jax.lax.stop_gradient(y(x))\nz = lambda x: u * x\n"
               "grad(lambda x: z(x).sum())(x) == y(x)\ngrad(lambda x: y(x).sum())(x) == 2 * x",
        "djl": "with Engine.getInstance().newGradientCollector() as gc:\n    y = x.mul(x)\n"
               "    u = y.stopGradient()\n    z = u.mul(x)\n    gc.backward(z)\n"
               "    print(x.getGradient().eq(u))",
    }),
    ("Python control flow: the graph is whatever ran", {
        d: _f(d) + "\n" + code for d, code in {
            "native": "cr.random.seed(0)\na = cr.random.normal(size=(), requires_grad=True)\n"
                      "d = f(a)\nd.backward()\na.grad == d / a",
            "torch": "torch.manual_seed(0)\na = torch.randn(size=(), requires_grad=True)\n"
                     "d = f(a)\nd.backward()\na.grad == d / a",
            "mxnet": "np.random.seed(0)\na = np.random.normal()\na.attach_grad()\n"
                     "with autograd.record():\n    d = f(a)\nd.backward()\na.grad == d / a",
            "tensorflow": "tf.random.set_seed(0)\na = tf.Variable(tf.random.normal(shape=()))\n"
                          "with tf.GradientTape() as t:\n    d = f(a)\n"
                          "d_grad = t.gradient(d, a)\nd_grad == d / a",
            "jax": "a = random.normal(random.PRNGKey(1), ())\nd = f(a)\nd_grad = grad(f)(a)\n"
                   "d_grad == d / a",
            "djl": "Engine.getInstance().setRandomSeed(0)\n"
                   "a = manager.randomNormal(Shape(1))\na.attachGradient()\n"
                   "with Engine.getInstance().newGradientCollector() as gc:\n    d = f(a)\n"
                   "    gc.backward(d)\n    print(a.getGradient().eq(d.div(a)))",
        }.items()}),
    ("Exercise: the second derivative of x³ at x = 2 (6x = 12)", {
        "native": "x = cr.tensor(2.0, requires_grad=True)\ny = x ** 3\n"
                  "(dy,) = cr.autograd.grad(y, x, create_graph=True)\n"
                  "(d2y,) = cr.autograd.grad(dy, x)\ndy, d2y",
        "torch": "x = torch.tensor(2.0, requires_grad=True)\ny = x**3\n"
                 "dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]\n"
                 "d2y_dx2 = torch.autograd.grad(dy_dx, x)[0]\ndy_dx.item(), d2y_dx2.item()",
        "mxnet": "x = np.array(2.0)\nx.attach_grad()\nwith autograd.record():\n    y = x ** 3\n"
                 "    dy = autograd.grad(y, x, create_graph=True)\ndy.backward()\ndy, x.grad",
        "tensorflow": "x = tf.Variable(2.0)\nwith tf.GradientTape() as outer:\n"
                      "    with tf.GradientTape() as inner:\n        y = x ** 3\n"
                      "    dy = inner.gradient(y, x)\nd2y = outer.gradient(dy, x)\ndy, d2y",
        "jax": "f3 = lambda x: x ** 3\ngrad(f3)(2.0), grad(grad(f3))(2.0)",
        "djl": "# DJL has no API for a second derivative; the first is 3x²\n"
               "x = manager.create(2.0)\nx.attachGradient()\n"
               "with Engine.getInstance().newGradientCollector() as gc:\n"
               "    gc.backward(x.mul(x).mul(x))\nx.getGradient()",
    }),
    ("Exercise: run backward twice", {
        "native": "x = cr.arange(4.0, requires_grad=True)\ny = 2 * cr.dot(x, x)\ny.backward()\n"
                  "try:\n    y.backward()\nexcept RuntimeError as error:\n"
                  "    print(str(error).split(':')[0])",
        "torch": "x = torch.arange(4.0, requires_grad=True)\ny = 2 * torch.dot(x, x)\n"
                 "y.backward()\ntry:\n    y.backward()\nexcept RuntimeError as error:\n"
                 "    print(str(error).split('.')[0])",
        "mxnet": "x = np.arange(4.0)\nx.attach_grad()\nwith autograd.record():\n"
                 "    y = 2 * np.dot(x, x)\ny.backward()\ntry:\n    y.backward()\n"
                 "except RuntimeError as error:\n    print(str(error).split('.')[0])",
        "tensorflow": "x = tf.Variable(tf.range(4, dtype=tf.float32))\n"
                      "with tf.GradientTape() as t:\n    y = 2 * tf.tensordot(x, x, axes=1)\n"
                      "t.gradient(y, x)\ntry:\n    t.gradient(y, x)\n"
                      "except RuntimeError as error:\n    print(str(error).split('(')[0])",
        "jax": "# JAX is pure: grad recomputes, so twice is fine\n"
               "g = grad(lambda x: 2 * jnp.dot(x, x))\ng(jnp.arange(4.0)), g(jnp.arange(4.0))",
        "djl": "x = manager.arange(4.0)\nx.attachGradient()\n"
               "with Engine.getInstance().newGradientCollector() as gc:\n"
               "    y = x.dot(x).mul(2)\n    gc.backward(y)\n    try:\n        gc.backward(y)\n"
               "    except Exception as error:\n        print(type(error).__name__)",
    }),
    ("Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)", {
        d: _f(d) + "\n" + code for d, code in {
            "native": "a = cr.random.normal(size=(3,), requires_grad=True)\nd = f(a)\n"
                      "d.sum().backward()\na.grad == d / a",
            "torch": "a = torch.randn(size=(3,), requires_grad=True)\nd = f(a)\n"
                     "d.sum().backward()\na.grad == d / a",
            "mxnet": "a = np.random.normal(size=(3,))\na.attach_grad()\n"
                     "with autograd.record():\n    d = f(a)\nd.backward()\na.grad == d / a",
            "tensorflow": "a = tf.Variable(tf.random.normal(shape=(3,)))\n"
                          "with tf.GradientTape() as t:\n    d = f(a)\n"
                          "t.gradient(d, a) == d / a",
            "jax": "# grad needs a scalar: the Jacobian of f is diagonal, k on the diagonal\n"
                   "a = random.normal(random.PRNGKey(2), (3,))\n"
                   "jnp.sum(jax.jacrev(f)(a), axis=1) == f(a) / a",
            "djl": "a = manager.randomNormal(Shape(3))\na.attachGradient()\n"
                   "with Engine.getInstance().newGradientCollector() as gc:\n    d = f(a)\n"
                   "    gc.backward(d)\n    print(a.getGradient().eq(d.div(a)))",
        }.items()}),
]


# ---------------------------------------------------------------- exercises 4 to 8

_SIN_HEADER = 'print("    x   sin(x)  autodiff d/dx   cos(x)")\n'
_SIN_ROW = ('    print(f"{a:5.1f}  {s:7.4f}  {d:13.4f}  {math.cos(a):7.4f}")')
_EXERCISE = {
    "native": "cr.log(x ** 2) * cr.sin(x) + 1 / x", "torch": "torch.log(x ** 2) * torch.sin(x) + 1 / x",
    "mxnet": "np.log(x ** 2) * np.sin(x) + 1 / x", "tensorflow": "tf.math.log(x ** 2) * tf.sin(x) + 1 / x",
    "jax": "jnp.log(x ** 2) * jnp.sin(x) + 1 / x", "djl": "x.pow(2).log().mul(x.sin()).add(x.pow(-1))",
}


def _exercise_function(dialect: str) -> str:
    return f"def f(x):\n    return {_EXERCISE[dialect]}\n"


STEPS += [
    ("Exercise 4: sin and its derivative by autodiff, beside cos", {
         d: "import math\n" + code + _SIN_HEADER + "for a, s, d in zip(" + rows + "):\n" + _SIN_ROW
         for d, (code, rows) in {
             "native": ("x = cr.linspace(-3.0, 3.0, 7, requires_grad=True)\ny = cr.sin(x)\n"
                        "y.sum().backward()\n", "x.tolist(), y.tolist(), x.grad.tolist()"),
             "torch": ("x = torch.linspace(-3.0, 3.0, 7, requires_grad=True)\ny = torch.sin(x)\n"
                       "y.sum().backward()\n", "x.tolist(), y.tolist(), x.grad.tolist()"),
             "mxnet": ("x = np.linspace(-3.0, 3.0, 7)\nx.attach_grad()\n"
                       "with autograd.record():\n    y = np.sin(x)\ny.backward()\n",
                       "x.tolist(), y.tolist(), x.grad.tolist()"),
             "tensorflow": ("x = tf.Variable(tf.linspace(-3.0, 3.0, 7))\n"
                            "with tf.GradientTape() as t:\n    y = tf.sin(x)\n"
                            "dy_dx = t.gradient(y, x)\n",
                            "x.numpy().tolist(), y.numpy().tolist(), dy_dx.numpy().tolist()"),
             "jax": ("x = jnp.linspace(-3.0, 3.0, 7)\ndy_dx = jax.vmap(grad(jnp.sin))(x)\n",
                     "x.tolist(), jnp.sin(x).tolist(), dy_dx.tolist()"),
             "djl": ("x = manager.linspace(-3.0, 3.0, 7)\nx.attachGradient()\n"
                     "with Engine.getInstance().newGradientCollector() as gc:\n"
                     "    y = x.sin()\n    gc.backward(y)\n",
                     "x.toArray(), y.toArray(), x.getGradient().toArray()"),
         }.items()}),
    ("Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its "
     "edges", {
         d: "from chainrule import viz\n" + _exercise_function(d) + code
         + ("" if d == "jax" else "print(viz.graph(y).summary())")
         for d, code in {
             "native": "x = cr.tensor(2.0, requires_grad=True, name=\"x\")\ny = f(x)\n",
             "torch": "x = torch.tensor(2.0, requires_grad=True)\ny = f(x)\n",
             "mxnet": "x = np.array(2.0)\nx.attach_grad()\nwith autograd.record():\n"
                      "    y = f(x)\n",
             "tensorflow": "x = tf.Variable(2.0, name=\"x\")\n"
                           "with tf.GradientTape() as t:\n    y = f(x)\n",
             "jax": "# JAX records nothing outside a transform: viz.trace runs f and keeps "
                    "its graph\nx = 2.0\nprint(viz.trace(f, x=x).summary())",
             "djl": "x = manager.create(2.0)\nx.attachGradient()\n"
                    "with Engine.getInstance().newGradientCollector() as gc:\n    y = f(x)\n",
         }.items()}),
    ("Exercise 7: f'(2) forward (from x to f) and backward (from f to x)", {
         d: "print(viz.explain(f, x))" for d in DIALECTS}),
    ("Exercise 8: forward or backward? What the whole Jacobian costs", {
         d: f"print(viz.explain({many}, {ones}).cost_table())\n"
            f"print(viz.explain({spread}, {half}).cost_table())"
         for d, (many, ones, spread, half) in {
             "native": ("lambda v: cr.sum(cr.sin(v) * v)", "cr.ones(3)",
                        "lambda t: cr.sin(t * cr.arange(1.0, 4.0))", "cr.tensor(0.5)"),
             "torch": ("lambda v: (torch.sin(v) * v).sum()", "torch.ones(3)",
                       "lambda t: torch.sin(t * torch.arange(1.0, 4.0))", "torch.tensor(0.5)"),
             "mxnet": ("lambda v: (np.sin(v) * v).sum()", "np.ones(3)",
                       "lambda t: np.sin(t * np.arange(1.0, 4.0))", "np.array(0.5)"),
             "tensorflow": ("lambda v: tf.reduce_sum(tf.sin(v) * v)", "tf.ones(3)",
                            "lambda t: tf.sin(t * tf.range(1.0, 4.0))", "tf.constant(0.5)"),
             "jax": ("lambda v: jnp.sum(jnp.sin(v) * v)", "jnp.ones(3)",
                     "lambda t: jnp.sin(t * jnp.arange(1.0, 4.0))", "0.5"),
             "djl": ("lambda v: v.sin().mul(v).sum()", "manager.ones(Shape(3))",
                     "lambda t: t.mul(manager.arange(1.0, 4.0)).sin()", "manager.create(0.5)"),
         }.items()}),
]

PICTURES = ('The same as pictures: python -m chainrule plot "sin(x)" --from -6.3 --to 6.3 '
            '-o sin.png\nand python -m chainrule graph "log(x**2)*sin(x) + 1/x" --at 2 '
            '-o graph.svg (viz.graph(y).render("graph.svg") in Python).')
