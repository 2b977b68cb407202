"""The chain rule applied by hand in NumPy: the floor for a NumPy-based library.

Written as a careful user would write it: the analytic derivative, temporaries reused in
place where that is natural, nothing heroic.

Every library module has the same shape: ``load()`` imports the library and returns its
versions, ``to_numpy`` converts its results, and ``BUILDERS[key](p)`` returns
``{"impl/case": function}`` for workload ``key`` with the parameters ``p`` of
``workloads.params``. A function of a timed case takes no argument and returns its
result; W8's ``train`` returns a fresh trainer, ``trainer(steps)`` returns the parameters.
"""
import numpy as np

NAME = "numpy"


def load() -> dict:
    return {"numpy": np.__version__}


def to_numpy(value):
    return np.asarray(value)


# ---------------------------------------------------------------- W1, W2


def w1(p):
    x0 = p["x"]

    def chain(x, steps):
        y = x
        for _ in range(steps):
            y = np.sin(y) * 1.01 + 0.5
        return y

    def fwd_bwd(steps):
        # Forward, keeping each sin's input; backward: d/dy [sin(y) * 1.01 + 0.5] = 1.01 cos(y).
        ys = []
        y = x0
        for _ in range(steps):
            ys.append(y)
            y = np.sin(y) * 1.01 + 0.5
        g = np.ones_like(y)                 # d sum(y) / dy
        for y in reversed(ys):
            g = g * (np.cos(y) * 1.01)
        return g

    return {"numpy/fwd+bwd": lambda: fwd_bwd(p["steps"]),
            "numpy/forward, no grad": lambda: np.sum(chain(x0, p["steps"])),
            "numpy/grad, 5 steps": lambda: fwd_bwd(p["check_steps"])}


def w2(p):
    a = p["a"]

    def grad(a):
        # f(a): b = 2a, doubled while |b| < 1000, then c = b or 100 b: c = k a, f' = k.
        b, k = a * 2, np.float32(2)
        while np.abs(b) < 1000:
            b, k = b * 2, k * 2
        return k if b.sum() > 0 else 100 * k

    return {"numpy/grad": lambda: grad(a)}


# ---------------------------------------------------------------- W3, W8: the MLP


def mlp_grads(params, X, y):
    W1, b1, W2, b2, W3, b3 = params
    n = X.shape[0]
    a1 = X @ W1
    a1 += b1
    np.maximum(a1, 0, out=a1)
    a2 = a1 @ W2
    a2 += b2
    np.maximum(a2, 0, out=a2)
    z = a2 @ W3
    z += b3
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)       # softmax probabilities
    z[np.arange(n), y] -= 1                 # d loss / d logits, times n
    z /= n
    gW3, gb3 = a2.T @ z, z.sum(axis=0)
    d2 = z @ W3.T
    d2 *= a2 > 0
    gW2, gb2 = a1.T @ d2, d2.sum(axis=0)
    d1 = d2 @ W2.T
    d1 *= a1 > 0
    gW1, gb1 = X.T @ d1, d1.sum(axis=0)
    return [gW1, gb1, gW2, gb2, gW3, gb3]


def w3(p):
    return {"numpy/fwd+bwd": lambda: mlp_grads(p["params"], p["X"], p["y"])}


def w8(p):
    def new_trainer():
        params = [q.copy() for q in p["params"]]
        lr = np.float32(p["lr"])

        def train(steps):
            for _ in range(steps):
                for q, g in zip(params, mlp_grads(params, p["X"], p["y"])):
                    q -= lr * g
            return params
        return train
    return {"numpy/train": new_trainer}


# ---------------------------------------------------------------- W4, W5, W6


def w4(p):
    x = p["x"]

    def f():
        return np.sum(np.sin(x) * np.exp(-x * x))

    def value_and_grad():
        s = np.sin(x)
        e = -x * x
        np.exp(e, out=e)
        value = np.dot(s, e)
        g = np.cos(x)                       # d/dx = e (cos x - 2 x sin x)
        s *= x
        s *= 2
        g -= s
        g *= e
        return value, g

    return {"numpy/f": f, "numpy/value+grad": value_and_grad}


def w5(p):
    W, x = p["W"], p["x"]

    def jacobian():
        t = np.tanh(W @ x)
        return (1 - t * t)[:, None] * W     # diag(1 - tanh²) @ W, without forming diag

    return {"numpy/jacrev": jacobian, "numpy/jacfwd": jacobian}


def w6(p):
    x, v = p["x"], p["v"]

    def grad():
        head, tail = x[:-1], x[1:]
        d = tail - head * head
        g = np.zeros_like(x)
        g[:-1] = -400.0 * head * d - 2.0 * (1.0 - head)
        g[1:] += 200.0 * d
        return g

    def hvp():
        head, tail = x[:-1], x[1:]
        hv = np.zeros_like(x)
        hv[:-1] = (1200.0 * head * head - 400.0 * tail + 2.0) * v[:-1] - 400.0 * head * v[1:]
        hv[1:] += 200.0 * v[1:] - 400.0 * head * v[:-1]
        return hv

    return {"numpy/grad": grad, "numpy/hvp": hvp}


# ---------------------------------------------------------------- W7


def w7(p):
    W, y0, layers = p["W"], p["y"], p["layers"]

    def step():
        ys = [y0]
        for _ in range(layers):
            ys.append(np.tanh(ys[-1] @ W))
        g = np.ones_like(ys[-1])            # d sum(y) / dy
        gW = np.zeros_like(W)
        for _ in range(layers):
            t = ys.pop()
            g *= 1 - t * t
            gW += ys[-1].T @ g
            g = g @ W.T
        return gW

    return {"numpy/peak": step}


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}
