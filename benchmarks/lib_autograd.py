"""The workloads in HIPS autograd (functional: ``grad(f)(x)``). It has no forward-mode
Jacobian, so W5 has jacrev (``autograd.jacobian``) only."""
import functools

import numpy as np

NAME = "autograd"
ag = anp = None


def load() -> dict:
    global ag, anp
    from importlib.metadata import version

    import autograd as ag
    import autograd.numpy as anp
    return {"autograd": version("autograd"), "numpy": np.__version__}


def to_numpy(value):
    return np.asarray(value)


def chain(y, steps):
    for _ in range(steps):
        y = anp.sin(y) * 1.01 + 0.5
    return y


def w1(p):
    x = p["x"]

    def loss(x, steps):
        return anp.sum(chain(x, steps))

    grad, grad5 = (ag.grad(functools.partial(loss, steps=s))
                   for s in (p["steps"], p["check_steps"]))
    return {"autograd/fwd+bwd": lambda: grad(x),
            "autograd/forward, no grad": lambda: loss(x, p["steps"]),
            "autograd/grad, 5 steps": lambda: grad5(x)}


def control_flow(a):
    b = a * 2
    while anp.linalg.norm(b) < 1000:
        b = b * 2
    if anp.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


def w2(p):
    grad = ag.grad(control_flow)
    return {"autograd/grad": lambda: grad(p["a"])}


def mlp_loss(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    h = anp.maximum(anp.dot(X, W1) + b1, 0.0)
    h = anp.maximum(anp.dot(h, W2) + b2, 0.0)
    z = anp.dot(h, W3) + b3
    z = z - anp.max(z, axis=1, keepdims=True)
    logp = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
    return -anp.mean(logp[np.arange(len(y)), y])


def w3(p):
    grad = ag.grad(mlp_loss)
    return {"autograd/fwd+bwd": lambda: grad(p["params"], p["X"], p["y"])}


def w8(p):
    grad = ag.grad(mlp_loss)

    def new_trainer():
        params = [q.copy() for q in p["params"]]

        def train(steps):
            nonlocal params
            for _ in range(steps):
                params = [q - p["lr"] * g for q, g in zip(params, grad(params, p["X"], p["y"]))]
            return params
        return train
    return {"autograd/train": new_trainer}


def w4(p):
    x = p["x"]

    def f(x):
        return anp.sum(anp.sin(x) * anp.exp(-x * x))

    value_and_grad = ag.value_and_grad(f)
    return {"autograd/f": lambda: f(x), "autograd/value+grad": lambda: value_and_grad(x)}


def w5(p):
    W = p["W"]
    jacobian = ag.jacobian(lambda v: anp.tanh(anp.dot(W, v)))
    return {"autograd/jacrev": lambda: jacobian(p["x"])}


def rosenbrock(v):
    return anp.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)


def w6(p):
    grad, hvp = ag.grad(rosenbrock), ag.hessian_vector_product(rosenbrock)
    return {"autograd/grad": lambda: grad(p["x"]), "autograd/hvp": lambda: hvp(p["x"], p["v"])}


def w7(p):
    W, y0, layers, every = p["W"], p["y"], p["layers"], p["every"]

    def block(y, W, n):
        for _ in range(n):
            y = anp.tanh(anp.dot(y, W))
        return y

    def checkpointed(W):
        y = y0
        for start in range(0, layers, every):
            n = min(every, layers - start)
            y = ag.checkpoint(functools.partial(block, n=n))(y, W)
        return anp.sum(y)

    plain = ag.grad(lambda W: anp.sum(block(y0, W, layers)))
    return {"autograd/peak": lambda: plain(W),
            "autograd/peak, checkpointed": lambda: ag.grad(checkpointed)(W)}


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}
