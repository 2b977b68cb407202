"""The workloads: what is timed, in which unit, at which size, on which data.

Every library module builds the same workloads from ``params(key, quick)`` (sizes and
NumPy data drawn from a fixed seed, so every process sees the same numbers). Only NumPy is
imported here, and only inside ``params``: the worker sets the thread variables first.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    name: str
    unit: str                   # "µs/op", "µs", "ms" or "MB"
    timed: bool = True          # False: computed for the correctness check only
    ref: str | None = None      # the NumPy case its result is checked against (default: itself)
    per: int = 1                # units per call (W1 is timed per recorded op)


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    kind: str                   # "time", "memory" (W7) or "soak" (W8)
    cases: tuple
    rtol: float                 # max |result - numpy| / max |numpy| allowed by the check
    ratios: tuple = field(default=())   # (label, numerator case, denominator case)

    def case(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)


W1_STEPS = 300
W1_OPS = 3 * W1_STEPS           # sin, multiply, add

WORKLOADS = {w.key: w for w in [
    Workload("W1", "small-op chain: 300 × [y = sin(y) * 1.01 + 0.5] on 4 floats, sum, backward",
             "time", (Case("fwd+bwd", "µs/op", per=W1_OPS),
                      Case("forward, no grad", "µs/op", per=W1_OPS),
                      Case("grad, 5 steps", "", timed=False)), rtol=1e-4),
    Workload("W2", "control flow: f(a) with a while loop and an if, a = 0.1234 (12 iterations)",
             "time", (Case("grad", "µs"),), rtol=1e-6),
    Workload("W3", "MLP step 784-512-512-10, ReLU, softmax cross-entropy, batch 256, float32",
             "time", (Case("fwd+bwd", "ms"),), rtol=1e-3),
    Workload("W4", "large elementwise: sum(sin(x) * exp(-x*x)), float32",
             "time", (Case("f", "ms"), Case("value+grad", "ms")), rtol=1e-3,
             ratios=(("grad/f", "value+grad", "f"),)),
    Workload("W5", "Jacobian of tanh(W @ x), W 256×256 float32",
             "time", (Case("jacrev", "ms"), Case("jacfwd", "ms")), rtol=1e-4),
    Workload("W6", "Rosenbrock, n = 100,000, float64: gradient and Hessian-vector product",
             "time", (Case("grad", "ms"), Case("hvp", "ms")), rtol=1e-9,
             ratios=(("hvp/grad", "hvp", "grad"),)),
    Workload("W7", "memory: L × [y = tanh(y @ W)], float32, gradient w.r.t. W",
             "memory", (Case("peak", "MB"), Case("peak, checkpointed", "MB", ref="peak")),
             rtol=1e-3),
    Workload("W8", "soak: a small MLP (64-128-128-10, batch 64) trained by SGD",
             "soak", (Case("train", "MB"),), rtol=1e-3),
]}


# How a library does a case when that is not obvious from its name (printed under the table).
NOTES = {
    ("W2", "jax.jit"): "lax.while_loop and lax.cond, differentiated by jvp (reverse mode does "
                       "not go through while_loop)",
    ("W5", "numpy"): "(1 - t*t)[:, None] * W: diag(1 - tanh²) @ W without forming the diagonal",
    ("W5", "autograd"): "autograd.jacobian (reverse mode); autograd has no forward-mode Jacobian",
    ("W6", "torch"): "hvp as grad of grad (torch.autograd.grad, create_graph=True)",
    ("W6", "torch.func"): "torch.func.grad, and hvp as torch.func.jvp of it",
    ("W6", "jax"): "hvp as jax.jvp of jax.grad",
    ("W7", "jax.jit"): "compiled before the measurement; checkpointed: jax.checkpoint",
    ("W7", "torch"): "checkpointed: torch.utils.checkpoint.checkpoint(use_reentrant=False)",
    ("W7", "autograd"): "checkpointed: autograd.checkpoint",
}


def params(key: str, quick: bool) -> dict:
    """Sizes and data of workload ``key``: NumPy arrays from a fixed seed."""
    import numpy as np

    rng = np.random.default_rng(int(key[1:]))
    f32 = np.float32
    if key == "W1":
        return {"x": np.arange(4.0, dtype=f32), "steps": W1_STEPS, "check_steps": 5}
    if key == "W2":
        return {"a": np.asarray(0.1234, dtype=f32)}
    if key == "W3":
        return mlp_data(rng, (784, 512, 512, 10), 256)
    if key == "W4":
        n = 1_000_000 if quick else 10_000_000
        return {"n": n, "x": rng.standard_normal(n, dtype=f32)}
    if key == "W5":
        n = 256
        return {"n": n, "W": (rng.standard_normal((n, n), dtype=f32) / np.sqrt(n)).astype(f32),
                "x": rng.standard_normal(n, dtype=f32)}
    if key == "W6":
        n = 100_000
        return {"n": n, "x": rng.uniform(-1.0, 2.0, n), "v": rng.standard_normal(n)}
    if key == "W7":
        layers, width, batch, every = (64, 256, 256, 8) if quick else (200, 1024, 256, 14)
        return {"layers": layers, "every": every,
                "W": (rng.standard_normal((width, width), dtype=f32) * (1.1 / np.sqrt(width))
                      ).astype(f32),
                "y": rng.standard_normal((batch, width), dtype=f32)}
    if key == "W8":
        data = mlp_data(rng, (64, 128, 128, 10), 64)
        data.update(steps=200 if quick else 2000, check_steps=3, lr=0.05)
        return data
    raise KeyError(key)


def mlp_data(rng, sizes, batch) -> dict:
    """Inputs, integer labels and He-initialised [W1, b1, W2, b2, W3, b3] in float32."""
    import numpy as np

    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((rng.standard_normal((fan_in, fan_out), dtype=np.float32)
                       * np.float32(np.sqrt(2.0 / fan_in))))
        params.append(rng.standard_normal(fan_out, dtype=np.float32) * np.float32(0.1))
    return {"X": rng.standard_normal((batch, sizes[0]), dtype=np.float32),
            "y": rng.integers(0, sizes[-1], batch), "params": params}

