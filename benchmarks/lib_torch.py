"""The workloads in PyTorch (CPU, eager), written the way its documentation shows."""
import functools

import numpy as np

NAME = "torch"
torch = None


def load() -> dict:
    global torch
    import torch
    import torch.func  # noqa: F401
    import torch.utils.checkpoint  # noqa: F401

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    return {"torch": torch.__version__, "numpy": np.__version__}


def to_numpy(value):
    return value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


def chain(y, steps):
    for _ in range(steps):
        y = torch.sin(y) * 1.01 + 0.5
    return y


def w1(p):
    x = torch.tensor(p["x"], requires_grad=True)

    def fwd_bwd(steps):
        x.grad = None
        chain(x, steps).sum().backward()
        return x.grad

    def forward():
        with torch.no_grad():
            return chain(x, p["steps"]).sum()

    return {"torch/fwd+bwd": lambda: fwd_bwd(p["steps"]),
            "torch/forward, no grad": forward,
            "torch/grad, 5 steps": lambda: fwd_bwd(p["check_steps"])}


def control_flow(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def w2(p):
    a = torch.tensor(p["a"], requires_grad=True)
    return {"torch/grad": lambda: torch.autograd.grad(control_flow(a), a)[0]}


def mlp_loss(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    h = torch.relu(X @ W1 + b1)
    h = torch.relu(h @ W2 + b2)
    return torch.nn.functional.cross_entropy(h @ W3 + b3, y)


def w3(p):
    params = [torch.tensor(q, requires_grad=True) for q in p["params"]]
    X, y = torch.from_numpy(p["X"]), torch.from_numpy(p["y"])
    return {"torch/fwd+bwd": lambda: torch.autograd.grad(mlp_loss(params, X, y), params)}


def w8(p):
    def new_trainer():
        params = [torch.tensor(q, requires_grad=True) for q in p["params"]]
        X, y, lr = torch.from_numpy(p["X"]), torch.from_numpy(p["y"]), p["lr"]

        def train(steps):
            for _ in range(steps):
                mlp_loss(params, X, y).backward()
                with torch.no_grad():
                    for q in params:
                        q -= lr * q.grad
                        q.grad = None
            return params
        return train
    return {"torch/train": new_trainer}


def w4(p):
    x = torch.from_numpy(p["x"])
    xg = x.clone().requires_grad_()

    def f(x):
        return torch.sum(torch.sin(x) * torch.exp(-x * x))

    def value_and_grad():
        value = f(xg)
        return value, torch.autograd.grad(value, xg)[0]

    return {"torch/f": lambda: f(x), "torch/value+grad": value_and_grad}


def w5(p):
    W, x = torch.from_numpy(p["W"]), torch.from_numpy(p["x"])

    def layer(v):
        return torch.tanh(W @ v)

    jacrev, jacfwd = torch.func.jacrev(layer), torch.func.jacfwd(layer)
    return {"torch.func/jacrev": lambda: jacrev(x), "torch.func/jacfwd": lambda: jacfwd(x)}


def rosenbrock(v):
    return torch.sum(100 * (v[1:] - v[:-1] ** 2) ** 2 + (1 - v[:-1]) ** 2)


def w6(p):
    x, v = torch.from_numpy(p["x"]), torch.from_numpy(p["v"])
    xg = x.clone().requires_grad_()

    def grad():
        return torch.autograd.grad(rosenbrock(xg), xg)[0]

    def grad_of_grad():
        (g,) = torch.autograd.grad(rosenbrock(xg), xg, create_graph=True)
        return torch.autograd.grad(g, xg, v)[0]

    func_grad = torch.func.grad(rosenbrock)
    return {"torch/grad": grad, "torch/hvp": grad_of_grad,
            "torch.func/grad": lambda: func_grad(x),
            "torch.func/hvp": lambda: torch.func.jvp(func_grad, (x,), (v,))[1]}


def w7(p):
    W, y0 = torch.tensor(p["W"], requires_grad=True), torch.from_numpy(p["y"])
    layers, every = p["layers"], p["every"]

    def block(y, W, n):
        for _ in range(n):
            y = torch.tanh(y @ W)
        return y

    def plain():
        return torch.autograd.grad(block(y0, W, layers).sum(), W)[0]

    def checkpointed():
        y = y0
        for start in range(0, layers, every):
            n = min(every, layers - start)
            y = torch.utils.checkpoint.checkpoint(functools.partial(block, n=n), y, W,
                                                  use_reentrant=False)
        return torch.autograd.grad(y.sum(), W)[0]

    return {"torch/peak": plain, "torch/peak, checkpointed": checkpointed}


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}
