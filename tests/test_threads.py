"""Threads: four threads run independent forward/backward loops at the same time, one of
them under no_grad, one through the transforms, one switching grad mode on and off and
using custom rules and checkpoint, and every gradient is checked against its analytic
value. Grad mode is per thread: the thread in no_grad never turns recording off for the
others. The interpreter switches threads every few microseconds while they run, a barrier
starts every round of iterations together, and the test asserts that the threads did
interleave (and that the others saw recording on while one was in no_grad), so a run
that happened to be sequential fails instead of passing for nothing."""
from __future__ import annotations

import os
import sys
import threading
import traceback

import numpy as np
import pytest

import chainrule as cr

THREADS = 4
ROUNDS = 25              # rounds, each begun together at a barrier
PER_ROUND = 8            # iterations between barriers: 200 iterations per thread
RTOL = 1e-12


def f64(values, requires_grad=False):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def close(actual, expected, what):
    actual = actual.numpy() if isinstance(actual, cr.Tensor) else np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=1e-14, err_msg=what)


class Run:
    """What the threads share: the barrier, a log of (thread, iteration) events, the
    errors they met, and how often each recorded while another thread was in no_grad."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(THREADS, timeout=120)
        self.log: list = []
        self.errors: list = []
        self.checked_during_no_grad = [0] * THREADS


# ---------------------------------------------------------------- the four loops
# Each takes its own data from its index, so no two threads compute the same numbers.


def backward_loop(run: Run, index: int, i: int, rng) -> None:
    """PyTorch's loop: leaves, a recorded loss, backward, .grad; and second order."""
    assert cr.is_grad_enabled(), "recording is off in a thread that never turned it off"
    w0 = rng.uniform(-2, 2, size=(3, 2))
    x0 = rng.uniform(-1, 1, size=(4, 3))
    w = f64(w0, requires_grad=True)
    x = f64(x0)
    h = x @ w                                    # (4, 2)
    loss = cr.sum(cr.sin(h) * h ** 2)
    assert loss.grad_fn is not None
    loss.backward(retain_graph=i % 3 == 0)
    h0 = x0 @ w0
    dh = np.cos(h0) * h0 ** 2 + 2 * h0 * np.sin(h0)
    close(w.grad, x0.T @ dh, f"thread {index}: d loss / d w")
    if i % 3 == 0:                               # a second sweep accumulates
        loss.backward()
        close(w.grad, 2 * x0.T @ dh, f"thread {index}: accumulated")
    v0 = rng.uniform(0.5, 1.5)
    v = f64(v0, requires_grad=True)
    (g,) = cr.autograd.grad(v ** 4 + cr.exp(v), v, create_graph=True)
    (gg,) = cr.autograd.grad(g, v)
    close(g.detach(), 4 * v0 ** 3 + np.exp(v0), f"thread {index}: first derivative")
    close(gg, 12 * v0 ** 2 + np.exp(v0), f"thread {index}: second derivative")


def no_grad_loop(run: Run, index: int, i: int, rng) -> None:
    """Forward passes in no_grad (nothing recorded), and now and then a recorded step in
    enable_grad inside it."""
    x0 = rng.uniform(-1, 1, size=5)
    x = f64(x0, requires_grad=True)
    with cr.no_grad():
        for _ in range(3):
            assert not cr.is_grad_enabled(), "no_grad was turned off by another thread"
            y = cr.tanh(x) * 2 + x ** 2
            assert y.grad_fn is None and not y.requires_grad, "recorded under no_grad"
            close(y, np.tanh(x0) * 2 + x0 ** 2, f"thread {index}: no_grad values")
        if i % 4 == 0:
            with cr.enable_grad():
                cr.sum(cr.tanh(x)).backward()
            close(x.grad, 1 - np.tanh(x0) ** 2, f"thread {index}: enable_grad in no_grad")
            assert not cr.is_grad_enabled()
    assert cr.is_grad_enabled()


def transforms_loop(run: Run, index: int, i: int, rng) -> None:
    """grad, jacrev, jacfwd, vmap, hvp, jvp: pure functions of this thread's data."""
    assert cr.is_grad_enabled(), "recording is off in a thread that never turned it off"
    x0 = rng.uniform(-1, 1, size=3)
    x = f64(x0)

    def f(v):
        return cr.sum(cr.sin(v) * v ** 2)

    close(cr.grad(f)(x), np.cos(x0) * x0 ** 2 + 2 * x0 * np.sin(x0), f"thread {index}: grad")
    close(cr.jacrev(cr.tanh)(x), np.diag(1 - np.tanh(x0) ** 2), f"thread {index}: jacrev")
    close(cr.jacfwd(cr.exp)(x), np.diag(np.exp(x0)), f"thread {index}: jacfwd")
    batch0 = rng.uniform(-1, 1, size=(4, 3))
    close(cr.vmap(cr.grad(f))(f64(batch0)),
          np.cos(batch0) * batch0 ** 2 + 2 * batch0 * np.sin(batch0), f"thread {index}: vmap")
    t0 = rng.uniform(-1, 1, size=3)
    hessian_diag = -np.sin(x0) * x0 ** 2 + 4 * x0 * np.cos(x0) + 2 * np.sin(x0)
    hv = cr.hvp(f, (x,), (f64(t0),))
    close(hv, hessian_diag * t0, f"thread {index}: hvp")
    value, tangent = cr.jvp(cr.sin, (x,), (f64(t0),))
    close(tangent, np.cos(x0) * t0, f"thread {index}: jvp")


@cr.custom_vjp
def clip_gradient(v):
    return v


clip_gradient.defvjp(lambda v: (v, None), lambda residuals, g: (cr.clip(g, -1.0, 1.0),))


def block(v):
    for _ in range(3):
        v = cr.tanh(v * 1.1)
    return v


def switching_loop(run: Run, index: int, i: int, rng) -> None:
    """set_grad_enabled on and off, a custom rule and checkpoint."""
    x0 = rng.uniform(-1, 1, size=4)
    x = f64(x0, requires_grad=True)
    cr.set_grad_enabled(False)
    try:
        assert not cr.is_grad_enabled()
        assert (x * 3).grad_fn is None, "recorded with set_grad_enabled(False)"
    finally:
        cr.set_grad_enabled(True)
    assert cr.is_grad_enabled()
    cr.sum(clip_gradient(x) * 5.0).backward()
    close(x.grad, np.ones(4), f"thread {index}: custom_vjp clips")
    x.grad = None
    cr.sum(cr.checkpoint(block)(x)).backward()
    ref = x0
    derivative = np.ones(4)
    for _ in range(3):
        ref = np.tanh(ref * 1.1)
        derivative = derivative * 1.1 * (1 - ref ** 2)
    close(x.grad, derivative, f"thread {index}: checkpoint")


LOOPS = [backward_loop, no_grad_loop, transforms_loop, switching_loop]


NO_GRAD_THREAD = LOOPS.index(no_grad_loop)


def mode_check(run: Run, index: int) -> None:
    """Every thread at once: the no_grad thread holds no_grad open while each of the
    others records an operation, between two barriers."""
    if index == NO_GRAD_THREAD:
        with cr.no_grad():
            run.barrier.wait()
            assert not cr.is_grad_enabled()
            run.barrier.wait()
        return
    run.barrier.wait()
    x = f64([1.0, 2.0], requires_grad=True)
    assert cr.is_grad_enabled(), "another thread's no_grad turned recording off here"
    assert (x * 2).grad_fn is not None, "not recorded while another thread is in no_grad"
    run.checked_during_no_grad[index] += 1
    run.barrier.wait()


def worker(run: Run, index: int) -> None:
    rng = np.random.default_rng(1000 + index)
    loop = LOOPS[index]
    try:
        for round_ in range(ROUNDS):
            run.barrier.wait()
            mode_check(run, index)
            for j in range(PER_ROUND):
                i = round_ * PER_ROUND + j
                run.log.append((index, i, "start"))
                loop(run, index, i, rng)
                run.log.append((index, i, "end"))
    except threading.BrokenBarrierError:
        pass  # another thread failed: its error is reported
    except BaseException:
        run.errors.append(f"thread {index} ({loop.__name__}):\n{traceback.format_exc()}")
        run.barrier.abort()


@pytest.fixture
def fast_switching():
    """Switch threads every 5 µs (instead of 5 ms), so they interleave inside operations,
    not only between iterations."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(5e-6)
    yield
    sys.setswitchinterval(previous)


def test_four_threads_get_correct_gradients_concurrently(fast_switching):
    run = Run()
    threads = [threading.Thread(target=worker, args=(run, k), name=f"loop-{k}")
               for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not run.errors, "\n".join(run.errors)

    iterations = ROUNDS * PER_ROUND
    for k in range(THREADS):
        mine = [e for e in run.log if e[0] == k]
        assert len(mine) == 2 * iterations, f"thread {k} ran {len(mine) // 2} iterations"
    # They overlapped: most iterations began while another thread was inside one (about
    # 500-600 of the 800 on two cores; a sequential run would give almost none).
    overlapping = 0
    open_iterations = set()
    for thread, _, what in run.log:
        if what == "start":
            overlapping += bool(open_iterations - {thread})
            open_iterations.add(thread)
        else:
            open_iterations.discard(thread)
    assert overlapping > THREADS * iterations // 4, \
        f"only {overlapping} of {THREADS * iterations} iterations began during another's"
    # Each round, every other thread recorded while the no_grad thread was in no_grad.
    assert run.checked_during_no_grad == [0 if k == NO_GRAD_THREAD else ROUNDS
                                          for k in range(THREADS)]
    assert cr.is_grad_enabled()


def test_a_new_thread_records_even_when_its_parent_is_in_no_grad():
    seen = {}

    def child():
        x = f64([1.0, 2.0], requires_grad=True)
        seen["enabled"] = cr.is_grad_enabled()
        cr.sum(x * x).backward()
        seen["grad"] = x.grad.numpy().copy()

    with cr.no_grad():
        t = threading.Thread(target=child)
        t.start()
        t.join()
        assert not cr.is_grad_enabled()
    assert seen["enabled"] is True
    np.testing.assert_array_equal(seen["grad"], [2.0, 4.0])


def test_one_graph_swept_in_another_thread():
    """A graph recorded in one thread and differentiated in another gives the gradient;
    the sweeping thread's grad mode applies to what the sweep records."""
    x = f64([0.5, 1.5], requires_grad=True)
    y = cr.sum(cr.exp(x))
    out = {}

    def sweep():
        with cr.no_grad():  # the sweep itself works in no_grad (it records nothing)
            (out["g"],) = cr.autograd.grad(y, x)

    t = threading.Thread(target=sweep)
    t.start()
    t.join()
    np.testing.assert_allclose(out["g"].numpy(), np.exp([0.5, 1.5]), rtol=RTOL)
    assert out["g"].grad_fn is None


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the race needs two cores to show")
def test_concurrent_backward_into_a_shared_leaf_accumulates_every_gradient():
    """Not independent loops: four threads differentiate their own graphs of one shared
    parameter (Hogwild-style); .grad must end as the sum of all their gradients."""
    w = f64(np.ones(1_000_000), requires_grad=True)
    sweeps = 40
    barrier = threading.Barrier(THREADS)

    def work():
        barrier.wait()
        for _ in range(sweeps):
            (w * 1.0).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lost = int(np.count_nonzero(w.grad.numpy() != THREADS * sweeps))
    assert lost == 0, f"{lost:,} of {w.size:,} elements lost gradient updates"
