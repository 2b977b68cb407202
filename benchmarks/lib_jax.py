"""The workloads in JAX, eager ("jax") and compiled ("jax.jit"). Every function waits for
its result (``block_until_ready``): JAX dispatches asynchronously."""
import functools

import numpy as np

NAME = "jax"
jax = jnp = lax = None


def load() -> dict:
    global jax, jnp, lax
    import jax
    import jax.numpy as jnp
    from jax import lax

    jax.config.update("jax_enable_x64", True)   # W6 is float64; float32 data stays float32
    return {"jax": jax.__version__, "jaxlib": jax.lib.__version__, "numpy": np.__version__}


def to_numpy(value):
    return np.asarray(value)


def ready(f):
    return lambda *args: jax.block_until_ready(f(*args))


def eager_and_jit(case, f, *args):
    """{"jax/case": f(*args), "jax.jit/case": jit(f)(*args)}, both waiting for the result."""
    jitted = jax.jit(f)
    return {f"jax/{case}": ready(lambda: f(*args)), f"jax.jit/{case}": ready(lambda: jitted(*args))}


def chain(y, steps):
    for _ in range(steps):
        y = jnp.sin(y) * 1.01 + 0.5
    return y


def w1(p):
    x = jnp.asarray(p["x"])

    def loss(x, steps):
        return jnp.sum(chain(x, steps))

    out = {}
    out.update(eager_and_jit("fwd+bwd", jax.grad(functools.partial(loss, steps=p["steps"])), x))
    out.update(eager_and_jit("forward, no grad", functools.partial(loss, steps=p["steps"]), x))
    out.update(eager_and_jit("grad, 5 steps",
                             jax.grad(functools.partial(loss, steps=p["check_steps"])), x))
    return out


def control_flow(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if jnp.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


def control_flow_lax(a):
    """The same f for jit: Python control flow on traced values becomes lax.while_loop and
    lax.cond. Reverse mode does not go through while_loop, so jit differentiates forward."""
    b = lax.while_loop(lambda b: jnp.linalg.norm(b) < 1000, lambda b: b * 2, a * 2)
    return lax.cond(jnp.sum(b) > 0, lambda b: b, lambda b: 100 * b, b)


def w2(p):
    a = jnp.asarray(p["a"])
    derivative = jax.jit(lambda a: jax.jvp(control_flow_lax, (a,), (jnp.ones_like(a),))[1])
    grad = jax.grad(control_flow)
    return {"jax/grad": ready(lambda: grad(a)), "jax.jit/grad": ready(lambda: derivative(a))}


def mlp_loss(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    h = jax.nn.relu(X @ W1 + b1)
    h = jax.nn.relu(h @ W2 + b2)
    logp = jax.nn.log_softmax(h @ W3 + b3, axis=1)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


def w3(p):
    params = [jnp.asarray(q) for q in p["params"]]
    return eager_and_jit("fwd+bwd", jax.grad(mlp_loss), params, jnp.asarray(p["X"]),
                         jnp.asarray(p["y"]))


def w8(p):
    X, y, lr = jnp.asarray(p["X"]), jnp.asarray(p["y"]), p["lr"]

    def sgd(params):
        return [q - lr * g for q, g in zip(params, jax.grad(mlp_loss)(params, X, y))]

    def trainer(step):
        def new_trainer():
            params = [jnp.asarray(q) for q in p["params"]]

            def train(steps):
                nonlocal params
                for _ in range(steps):
                    params = step(params)
                return jax.block_until_ready(params)
            return train
        return new_trainer

    return {"jax/train": trainer(sgd), "jax.jit/train": trainer(jax.jit(sgd))}


def w4(p):
    x = jnp.asarray(p["x"])

    def f(x):
        return jnp.sum(jnp.sin(x) * jnp.exp(-x * x))

    return {**eager_and_jit("f", f, x), **eager_and_jit("value+grad", jax.value_and_grad(f), x)}


def w5(p):
    W, x = jnp.asarray(p["W"]), jnp.asarray(p["x"])

    def layer(v):
        return jnp.tanh(W @ v)

    return {**eager_and_jit("jacrev", jax.jacrev(layer), x),
            **eager_and_jit("jacfwd", jax.jacfwd(layer), x)}


def rosenbrock(v):
    return jnp.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)


def w6(p):
    x, v = jnp.asarray(p["x"]), jnp.asarray(p["v"])

    def hvp(x, v):
        return jax.jvp(jax.grad(rosenbrock), (x,), (v,))[1]

    return {**eager_and_jit("grad", jax.grad(rosenbrock), x), **eager_and_jit("hvp", hvp, x, v)}


def w7(p):
    W, y0 = jnp.asarray(p["W"]), jnp.asarray(p["y"])
    layers, every = p["layers"], p["every"]

    def block(y, W, n):
        for _ in range(n):
            y = jnp.tanh(y @ W)
        return y

    def plain(W):
        return jnp.sum(block(y0, W, layers))

    def checkpointed(W):
        y = y0
        for start in range(0, layers, every):
            n = min(every, layers - start)
            y = jax.checkpoint(functools.partial(block, n=n))(y, W)
        return jnp.sum(y)

    out = {}
    for case, loss in (("peak", plain), ("peak, checkpointed", checkpointed)):
        grad = jax.grad(loss)
        out[f"jax/{case}"] = ready(functools.partial(grad, W))
        out[f"jax.jit/{case}"] = compiled_ahead(grad, W)
    return out


def compiled_ahead(f, *args):
    """jit(f)(*args), compiled by ``run.prepare()``: the worker calls it before measuring
    memory, so that compiling is not counted as the step's memory."""
    compiled = []

    def prepare():
        if not compiled:
            compiled.append(jax.jit(f).lower(*args).compile())

    def run():
        prepare()
        return jax.block_until_ready(compiled[0](*args))

    run.prepare = prepare
    return run


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}
