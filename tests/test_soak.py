"""Long runs leave nothing behind: a short version of the soak (benchmarks/soak.py, W8's
MLP trained in a fresh process: resident memory flat after the warm-up, no chainrule
object left alive), and finished graphs that hold no reference cycles, so Python's cyclic
collector never has any chainrule object to find: after forward and backward, higher
order, the transforms, checkpoint, custom rules, and the chapter's code in every dialect.
Both checks are shown to fail on a leak or a cycle made on purpose."""
from __future__ import annotations

import contextlib
import gc
import io
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.graph import Node

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = os.path.dirname(cr.__file__)
ROW = re.compile(r"^\s*(\d+)\s+([\d.]+)\s+(\S*)\s+(\d+)\s+([\d.]+)")


# ---------------------------------------------------------------- the soak, short


def soak(*args) -> tuple[int, str, list]:
    """Run benchmarks.soak in a fresh process: (exit code, output, report rows as
    (step, resident MB, live objects, loss))."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.soak", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    rows = [(int(m[1]), float(m[2]), int(m[4]), float(m[5]))
            for m in map(ROW.match, proc.stdout.splitlines()) if m]
    return proc.returncode, proc.stdout + proc.stderr, rows


def test_short_soak_is_flat():
    code, out, rows = soak("--steps", "5000", "--every", "500", "--warmup", "1000")
    assert code == 0, out
    assert [r[0] for r in rows] == list(range(0, 5001, 500)), out
    baseline = next(r for r in rows if r[0] == 1000)
    after = [r for r in rows if r[0] > 1000]
    assert max(r[1] for r in after) <= 1.10 * baseline[1], out
    assert {r[2] for r in after} == {baseline[2]}, out  # the same objects alive
    assert rows[-1][3] < rows[0][3] / 10, out          # and it did train
    assert "PASS" in out


@pytest.mark.parametrize("leak, what", [
    ("memory", r"FAIL: .*resident memory at most [\d.]+ MB, \+\d\d+\.\d%"),
    ("graphs", r"FAIL: .*live chainrule objects at most \d+, \+[1-9]\d*"),
], ids=["memory", "graphs"])
def test_the_soak_fails_on_a_leak(leak, what):
    code, out, rows = soak("--steps", "3000", "--every", "500", "--leak", leak)
    assert code == 1, out
    assert re.search(what, out), out
    assert len(rows) == 7


def test_soak_arguments_are_checked():
    code, out, _ = soak("--steps", "0")
    assert code == 2 and "must be a positive whole number" in out


# ---------------------------------------------------------------- no reference cycles


def is_chainrule(obj) -> bool:
    """A chainrule object (a tensor of any dialect, a node, a rule's state...), or a
    function or frame of chainrule's code."""
    kind = type(obj)
    if issubclass(kind, types.FrameType):
        return obj.f_code.co_filename.startswith(PACKAGE)
    if issubclass(kind, (types.FunctionType, types.MethodType)):
        return (getattr(obj, "__module__", None) or "").startswith("chainrule")
    return kind.__module__.startswith("chainrule")


def live_chainrule_objects() -> int:
    # type(), not isinstance(): some objects' __class__ is a property (torch's deprecated
    # aliases warn when read).
    return sum(1 for o in gc.get_objects() if issubclass(type(o), (cr.Tensor, Node)))


def leftovers(workload) -> tuple[list, int]:
    """Run ``workload`` twice (the first run fills any cache); around the second, the
    chainrule objects that only the cyclic collector frees (with DEBUG_SAVEALL, it keeps
    what it finds in gc.garbage), and how many more tensors and nodes are alive after the
    run than before it, before any collection: both must be nothing."""
    with contextlib.redirect_stdout(io.StringIO()):
        workload()
    gc.collect()
    saved = list(gc.garbage)
    gc.garbage.clear()
    before = live_chainrule_objects()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            workload()
        still_alive = live_chainrule_objects() - before
        gc.collect()
        found = sorted({type(o).__qualname__ if type(o) is not types.FunctionType
                        else f"function {o.__qualname__}"
                        for o in gc.garbage if is_chainrule(o)})
    finally:
        gc.set_debug(0)
        gc.garbage[:] = saved
    return found, still_alive


def f64(values, requires_grad=False):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# The workloads: each makes its own tensors and drops them when it returns.

def backward_mlp():
    from benchmarks.lib_chainrule import mlp_loss
    from benchmarks.workloads import params
    p = params("W8", quick=True)
    weights = [cr.tensor(q, requires_grad=True) for q in p["params"]]
    X = cr.tensor(p["X"])
    for _ in range(3):
        mlp_loss(weights, X, p["y"]).backward()
        with cr.no_grad():
            for w in weights:
                w -= 0.05 * w.grad
                w.grad = None


def retained_graph():
    x = f64([0.5, 1.5], requires_grad=True)
    y = (cr.exp(x) * cr.sin(x)).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert np.all(np.isfinite(x.grad.numpy()))


def higher_order():
    x = f64(2.0, requires_grad=True)
    y = x ** 4
    (g1,) = cr.autograd.grad(y, x, create_graph=True)
    (g2,) = cr.autograd.grad(g1, x, create_graph=True)
    (g3,) = cr.autograd.grad(g2, x)
    assert g3.item() == 48.0
    z = cr.sin(x) * x
    (dz,) = cr.autograd.grad(z, x, create_graph=True)
    dz.backward()
    assert x.grad is not None


def hooks_views_and_inplace():
    x = f64(np.arange(6.0), requires_grad=True)
    h = x * 3
    h.retain_grad()
    h.register_hook(lambda g: g * 2)
    v = h.reshape(2, 3).T[1:]
    w = v * 1.0
    w += 1
    w *= v
    w.sum().backward()
    assert h.grad is not None and x.grad is not None


def forward_without_grad():
    x = f64([1.0, 2.0], requires_grad=True)
    with cr.no_grad():
        y = cr.tanh(x @ cr.ones((2, 3), dtype=cr.float64)).sum()
    assert y.grad_fn is None


def f(v):
    return cr.sum(cr.sin(v) * v ** 2)


def transforms():
    x = f64([0.3, -1.2, 2.0])
    cr.grad(f)(x)
    cr.value_and_grad(f)(x)
    out, pullback = cr.vjp(f, x)
    pullback(cr.ones_like(out))
    cr.jvp(f, (x,), (cr.ones_like(x),))
    value, tangent_map = cr.linearize(f, x)
    tangent_map(cr.ones_like(x))
    cr.jacrev(cr.sin)(x)
    cr.jacfwd(cr.sin)(x)
    cr.hessian(f)(x)
    cr.hvp(f, (x,), (cr.ones_like(x),))
    cr.vmap(cr.grad(f))(cr.stack([x, 2 * x]))
    cr.vmap(lambda v: cr.tanh(v) * 2)(x)
    cr.grad(cr.grad(lambda v: cr.sin(v) * v))(f64(0.5))
    cr.jacfwd(cr.jacrev(f))(x)


def forward_over_reverse():
    """Tangents of a recorded output that its rule saves (exp saves its output)."""
    x = f64([0.5, 3.0])
    cr.hvp(lambda v: cr.sum(cr.exp(v)), (x,), (cr.ones_like(x),))
    cr.jvp(log1pexp, (f64([0.5, 3.0], requires_grad=True),), (cr.ones_like(x),))


def block(v):
    for _ in range(5):
        v = cr.tanh(v * 1.1)
    return v


def checkpointed():
    x = f64([0.1, 0.2, 0.3], requires_grad=True)
    cr.sum(cr.checkpoint(block)(cr.checkpoint(block)(x))).backward()
    cr.grad(lambda v: cr.sum(cr.checkpoint(block)(v)))(x)


@cr.custom_vjp
def clip_gradient(v):
    return v


clip_gradient.defvjp(lambda v: (v, None), lambda residuals, g: (cr.clip(g, -1.0, 1.0),))


@cr.custom_jvp
def log1pexp(v):
    return cr.log(1.0 + cr.exp(v))


@log1pexp.defjvp
def log1pexp_jvp(primals, tangents):
    (v,), (t,) = primals, tangents
    return log1pexp(v), t * cr.sigmoid(v)


class Cube(cr.Function):
    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return v ** 3

    @staticmethod
    def backward(ctx, g):
        (v,) = ctx.saved_tensors
        return g * 3 * v ** 2


def custom_rules():
    x = f64([0.5, 3.0], requires_grad=True)
    cr.sum(clip_gradient(x) * 5.0).backward()
    cr.grad(lambda v: cr.sum(log1pexp(v)))(x)
    cr.jvp(log1pexp, (f64([0.5, 3.0]),), (cr.ones_like(x),))
    Cube.apply(x).sum().backward()
    cr.vmap(cr.grad(Cube.apply))(f64([1.0, 2.0]))
    cr.vmap(cr.grad(lambda v: cr.sum(clip_gradient(v))))(f64([[1.0], [2.0]]))


def files():
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.npz")
        cr.save({"w": f64([1.0, 2.0], requires_grad=True), "b": [f64(0.0)]}, path)
        loaded = cr.load(path)
        (loaded["w"] * 2).sum().backward()


def explain_formula():
    from chainrule import viz
    from chainrule.formula import parse
    print(viz.explain(parse("log(x**2)*sin(x) + 1/x"), x=2.0))


def chapter(dialect):
    """The chapter's code in ``dialect``, as the tour runs it (the exercise that draws
    with matplotlib left out)."""
    from chainrule.cli import run_session
    from chainrule.tour import IMPORTS, STEPS

    def run():
        namespace: dict = {}
        run_session(IMPORTS[dialect], namespace, sys.stdout)
        for title, codes in STEPS:
            if "sin and its derivative" not in title:
                run_session(codes[dialect], namespace, sys.stdout)
        namespace.clear()  # the tour's functions and their globals: the test's cycle
    run.__name__ = f"chapter_{dialect}"
    return run


# Found by this test and fixed: forward's saved-output tangents lived in a weak dictionary
# whose values kept their keys alive (every hvp leaked), and each checkpoint call's rule
# referred to itself (a cycle). forward_over_reverse and checkpointed guard them.

WORKLOADS = [backward_mlp, retained_graph, higher_order, hooks_views_and_inplace,
             forward_without_grad, transforms,
             forward_over_reverse, checkpointed,
             custom_rules, files, explain_formula] + [
    chapter(d) for d in ("native", "torch", "mxnet", "tensorflow", "jax", "djl")]


def _name(workload) -> str:
    return workload.__name__


@pytest.mark.parametrize("workload", WORKLOADS, ids=_name)
def test_finished_graphs_leave_no_cycles_and_nothing_alive(workload):
    found, still_alive = leftovers(workload)
    assert found == [], f"the cyclic collector found chainrule objects: {found}"
    assert still_alive <= 0, f"{still_alive} more tensors and nodes alive after the run"


def test_a_cycle_made_on_purpose_is_found():
    """A hook that holds its own tensor: the tensor, its node and the hook form a cycle
    that only the collector frees. The check above sees it."""
    def cycle():
        x = f64([1.0, 2.0], requires_grad=True)
        h = x * 2
        h.register_hook(lambda g: g * h.shape[0])
        h.sum().backward()

    found, still_alive = leftovers(cycle)
    assert "Tensor" in found and "Node" in found, found
    assert still_alive > 0


def test_a_kept_graph_is_seen_alive():
    kept = []

    def keep():
        x = f64([1.0, 2.0], requires_grad=True)
        kept.append((x * x).sum())

    found, still_alive = leftovers(keep)
    assert found == [] and still_alive >= 2  # no cycle, but a tensor and its graph kept
