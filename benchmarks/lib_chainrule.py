"""The workloads in chainrule, written as its README and docs/transforms.md show."""
import functools

import numpy as np

import chainrule as cr

NAME = "chainrule"


def load() -> dict:
    return {"chainrule": cr.__version__, "numpy": np.__version__}


def to_numpy(value):
    return value.numpy() if isinstance(value, cr.Tensor) else np.asarray(value)


def chain(y, steps):
    for _ in range(steps):
        y = cr.sin(y) * 1.01 + 0.5
    return y


def w1(p):
    x = cr.tensor(p["x"], requires_grad=True)

    def fwd_bwd(steps):
        x.grad = None
        cr.sum(chain(x, steps)).backward()
        return x.grad

    def forward():
        with cr.no_grad():
            return cr.sum(chain(x, p["steps"]))

    return {"chainrule/fwd+bwd": lambda: fwd_bwd(p["steps"]),
            "chainrule/forward, no grad": forward,
            "chainrule/grad, 5 steps": lambda: fwd_bwd(p["check_steps"])}


def control_flow(a):
    """The chapter's f(a)."""
    b = a * 2
    while cr.linalg.norm(b) < 1000:
        b = b * 2
    if cr.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


def w2(p):
    a = cr.tensor(p["a"], requires_grad=True)
    return {"chainrule/grad": lambda: cr.autograd.grad(control_flow(a), a)[0]}


def mlp_loss(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    h = cr.relu(X @ W1 + b1)
    h = cr.relu(h @ W2 + b2)
    logp = cr.log_softmax(h @ W3 + b3, axis=1)
    return -cr.mean(logp[np.arange(len(y)), y])


def w3(p):
    params = [cr.tensor(q, requires_grad=True) for q in p["params"]]
    X, y = cr.tensor(p["X"]), p["y"]
    return {"chainrule/fwd+bwd": lambda: cr.autograd.grad(mlp_loss(params, X, y), params)}


def w8(p):
    def new_trainer():
        params = [cr.tensor(q.copy(), requires_grad=True) for q in p["params"]]
        X, y, lr = cr.tensor(p["X"]), p["y"], p["lr"]

        def train(steps):
            for _ in range(steps):
                mlp_loss(params, X, y).backward()
                with cr.no_grad():
                    for q in params:
                        q -= lr * q.grad
                        q.grad = None
            return params
        return train
    return {"chainrule/train": new_trainer}


def w4(p):
    x = cr.tensor(p["x"])

    def f(x):
        return cr.sum(cr.sin(x) * cr.exp(-x * x))

    value_and_grad = cr.value_and_grad(f)
    return {"chainrule/f": lambda: f(x), "chainrule/value+grad": lambda: value_and_grad(x)}


def w5(p):
    W, x = cr.tensor(p["W"]), cr.tensor(p["x"])

    def layer(v):
        return cr.tanh(W @ v)

    jacrev, jacfwd = cr.jacrev(layer), cr.jacfwd(layer)
    return {"chainrule/jacrev": lambda: jacrev(x), "chainrule/jacfwd": lambda: jacfwd(x)}


def rosenbrock(v):
    return cr.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)


def w6(p):
    x, v = cr.tensor(p["x"]), cr.tensor(p["v"])
    grad = cr.grad(rosenbrock)
    return {"chainrule/grad": lambda: grad(x), "chainrule/hvp": lambda: cr.hvp(rosenbrock, x, v)}


def w7(p):
    W, y0 = cr.tensor(p["W"], requires_grad=True), cr.tensor(p["y"])
    layers, every = p["layers"], p["every"]

    def block(y, W, n):
        for _ in range(n):
            y = cr.tanh(y @ W)
        return y

    def plain():
        return cr.autograd.grad(cr.sum(block(y0, W, layers)), W)[0]

    def checkpointed():
        y = y0
        for start in range(0, layers, every):
            n = min(every, layers - start)
            y = cr.checkpoint(functools.partial(block, n=n))(y, W)
        return cr.autograd.grad(cr.sum(y), W)[0]

    return {"chainrule/peak": plain, "chainrule/peak, checkpointed": checkpointed}


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}
