"""checkpoint: the same derivatives as the plain function (first and second order, under
every transform), f recomputed in the backward pass, and a lower peak of memory."""
import gc
import tracemalloc

import numpy as np
import pytest

import chainrule as cr

RTOL = 1e-10
ATOL = 1e-12


def f64(value, requires_grad=False):
    return cr.tensor(np.asarray(value, dtype=np.float64), dtype=cr.float64,
                     requires_grad=requires_grad)


def arr(value):
    if isinstance(value, cr.Tensor):
        return value.numpy()
    return np.asarray(value)


def close(actual, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(arr(actual), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(99)


def block(x, w):
    for _ in range(5):
        x = cr.tanh(x * w + 0.1) * 1.3
    return x


def plain_loss(x, w):
    return cr.sum(block(block(x, w), w) ** 2)


def checkpointed_loss(x, w):
    seg = cr.checkpoint(block)
    return cr.sum(seg(seg(x, w), w) ** 2)


def numpy_block(x, w):
    for _ in range(5):
        x = np.tanh(x * w + 0.1) * 1.3
    return x


# ---------------------------------------------------------------- values and gradients


def test_checkpoint_value_equals_plain(rng):
    xv, wv = rng.normal(size=4), rng.normal(size=4)
    close(cr.checkpoint(block)(f64(xv), f64(wv)), numpy_block(xv, wv))
    close(checkpointed_loss(f64(xv), f64(wv)),
          np.sum(numpy_block(numpy_block(xv, wv), wv) ** 2))


def test_checkpoint_first_order_gradients_equal_plain(rng):
    xv, wv = rng.normal(size=4), rng.normal(size=4)
    for argnums in (0, 1, (0, 1)):
        plain = cr.grad(plain_loss, argnums=argnums)(f64(xv), f64(wv))
        ck = cr.grad(checkpointed_loss, argnums=argnums)(f64(xv), f64(wv))
        if isinstance(plain, tuple):
            for p, c in zip(plain, ck):
                close(c, arr(p))
        else:
            close(ck, arr(plain))
    # and against finite differences of the NumPy function
    eps = 1e-6
    g = cr.grad(checkpointed_loss)(f64(xv), f64(wv)).numpy()
    for i in range(4):
        d = np.zeros(4)
        d[i] = eps
        fd = (np.sum(numpy_block(numpy_block(xv + d, wv), wv) ** 2)
              - np.sum(numpy_block(numpy_block(xv - d, wv), wv) ** 2)) / (2 * eps)
        np.testing.assert_allclose(g[i], fd, rtol=1e-6, atol=1e-8)


def test_checkpoint_vjp_and_jacrev_equal_plain(rng):
    xv, wv, vv = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    out_p, pull_p = cr.vjp(block, f64(xv), f64(wv))
    out_c, pull_c = cr.vjp(cr.checkpoint(block), f64(xv), f64(wv))
    close(out_c, arr(out_p))
    for a, b in zip(pull_c(f64(vv)), pull_p(f64(vv))):
        close(a, arr(b))
    close(cr.jacrev(cr.checkpoint(block))(f64(xv), f64(wv)),
          arr(cr.jacrev(block)(f64(xv), f64(wv))))


def test_checkpoint_second_order_equals_plain(rng):
    xv, wv = rng.normal(size=3), rng.normal(size=3)
    H_plain = cr.jacrev(cr.jacrev(plain_loss))(f64(xv), f64(wv)).numpy()
    # the plain Hessian is symmetric and agrees with forward over reverse
    close(H_plain, H_plain.T, rtol=1e-9, atol=1e-10)
    close(cr.hessian(plain_loss)(f64(xv), f64(wv)), H_plain, rtol=1e-9, atol=1e-10)
    close(cr.jacrev(cr.jacrev(checkpointed_loss))(f64(xv), f64(wv)), H_plain,
          rtol=1e-9, atol=1e-10)
    close(cr.hessian(checkpointed_loss)(f64(xv), f64(wv)), H_plain, rtol=1e-9, atol=1e-10)
    vv = rng.normal(size=3)
    close(cr.hvp(lambda x: checkpointed_loss(x, f64(wv)), f64(xv), f64(vv)), H_plain @ vv,
          rtol=1e-9, atol=1e-10)


def test_checkpoint_grad_of_grad_scalar():
    def f(x):
        return cr.sin(x) * cr.exp(x)

    ck = cr.checkpoint(f)
    for xs in (-0.7, 0.4, 1.9):
        d2 = 2 * np.cos(xs) * np.exp(xs)                   # (sin·exp)'' = 2 cos·exp
        d3 = 2 * (np.cos(xs) - np.sin(xs)) * np.exp(xs)
        close(cr.grad(cr.grad(ck))(f64(xs)), d2)
        close(cr.grad(cr.grad(f))(f64(xs)), d2)
        close(cr.grad(cr.grad(cr.grad(ck)))(f64(xs)), d3)


def test_checkpoint_of_checkpoint_and_pytree_output(rng):
    def two(x, y):
        return {"p": x * y, "s": cr.sin(x) + y}

    ck = cr.checkpoint(cr.checkpoint(two))
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    out = ck(f64(xv), f64(yv))
    close(out["p"], xv * yv)
    close(out["s"], np.sin(xv) + yv)

    def loss(x, y, fn):
        o = fn(x, y)
        return cr.sum(o["p"] * 2.0) + cr.sum(o["s"] ** 2)

    gx, gy = cr.grad(loss, argnums=(0, 1))(f64(xv), f64(yv), ck)
    s = np.sin(xv) + yv
    close(gx, 2 * yv + 2 * s * np.cos(xv))
    close(gy, 2 * xv + 2 * s)


def test_checkpoint_with_non_tensor_arguments(rng):
    def layers(x, n, scale):
        for _ in range(n):
            x = cr.tanh(x * scale)
        return x

    xv = rng.normal(size=3)
    plain = cr.grad(lambda x: cr.sum(layers(x, 3, 0.8)))(f64(xv))
    ck = cr.grad(lambda x: cr.sum(cr.checkpoint(layers)(x, 3, 0.8)))(f64(xv))
    close(ck, arr(plain))


def test_checkpoint_with_closure_over_parameters(rng):
    wv, xv = rng.normal(size=3), rng.normal(size=3)

    def loss(w, x, use_checkpoint):
        def body(v):
            return cr.tanh(v * w) * w

        fn = cr.checkpoint(body) if use_checkpoint else body
        return cr.sum(fn(fn(x)))

    g_plain = cr.grad(loss, argnums=(0, 1))(f64(wv), f64(xv), False)
    g_ck = cr.grad(loss, argnums=(0, 1))(f64(wv), f64(xv), True)
    for a, b in zip(g_ck, g_plain):
        close(a, arr(b))


def test_checkpoint_closure_parameter_gets_its_gradient_with_backward(rng):
    wv, xv = rng.normal(size=3), rng.normal(size=3)
    w = f64(wv, requires_grad=True)
    x = f64(xv, requires_grad=True)
    cr.sum(cr.checkpoint(lambda v: cr.tanh(v * w))(x)).backward()
    assert w.grad is not None, "the closed-over parameter got no gradient"
    close(w.grad, (1 - np.tanh(xv * wv) ** 2) * xv)
    close(x.grad, (1 - np.tanh(xv * wv) ** 2) * wv)


# ---------------------------------------------------------------- recomputation


def test_checkpoint_runs_f_again_in_the_backward_pass():
    calls = []

    def f(x):
        calls.append(1)
        return cr.exp(x) * x

    ck = cr.checkpoint(f)
    close(ck(f64([0.5, 1.0])), np.exp([0.5, 1.0]) * [0.5, 1.0])
    assert len(calls) == 1                     # no differentiation: runs once
    calls.clear()
    g = cr.grad(lambda x: cr.sum(ck(x)))(f64([0.5, 1.0]))
    close(g, np.exp([0.5, 1.0]) * (1 + np.array([0.5, 1.0])))
    assert len(calls) == 2                     # forward, then recomputed in backward


def test_checkpoint_chain_recomputes_each_segment_once():
    calls = []

    def seg(x):
        calls.append(1)
        return cr.tanh(x * 1.1)

    ck = cr.checkpoint(seg)

    def loss(x):
        for _ in range(6):
            x = ck(x)
        return cr.sum(x)

    x0 = np.array([0.3, -0.2])
    g = cr.grad(loss)(f64(x0))
    assert len(calls) == 12
    v, d = x0.copy(), np.ones(2)
    for _ in range(6):
        v = np.tanh(v * 1.1)
        d = d * (1 - v ** 2) * 1.1
    close(g, d)


# ---------------------------------------------------------------- other transforms


def test_checkpoint_under_jvp_and_jacfwd(rng):
    xv, wv, tv = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    out_p, t_p = cr.jvp(block, (f64(xv), f64(wv)), (f64(tv), f64(np.zeros(3))))
    out_c, t_c = cr.jvp(cr.checkpoint(block), (f64(xv), f64(wv)), (f64(tv), f64(np.zeros(3))))
    close(out_c, arr(out_p))
    close(t_c, arr(t_p))
    close(cr.jacfwd(cr.checkpoint(block))(f64(xv), f64(wv)),
          arr(cr.jacrev(block)(f64(xv), f64(wv))))


def test_checkpoint_under_vmap(rng):
    X, wv = rng.normal(size=(4, 3)), rng.normal(size=3)
    ck = cr.checkpoint(block)
    out = cr.vmap(ck, in_axes=(0, None))(f64(X), f64(wv))
    close(out, numpy_block(X, wv))
    per_example = cr.vmap(cr.grad(lambda x, w: cr.sum(ck(x, w))), in_axes=(0, None))(
        f64(X), f64(wv))
    plain = cr.vmap(cr.grad(lambda x, w: cr.sum(block(x, w))), in_axes=(0, None))(
        f64(X), f64(wv))
    close(per_example, arr(plain))
    g_w = cr.grad(lambda w: cr.sum(cr.vmap(ck, in_axes=(0, None))(f64(X), w)))(f64(wv))
    g_w_plain = cr.grad(lambda w: cr.sum(block(f64(X), w)))(f64(wv))
    close(g_w, arr(g_w_plain))


def test_checkpoint_is_pure_and_works_with_backward(rng):
    xv, wv = rng.normal(size=3), rng.normal(size=3)
    x = f64(xv, requires_grad=True)
    g = cr.grad(checkpointed_loss)(x, f64(wv))
    assert x.grad is None
    checkpointed_loss(x, f64(wv)).backward()
    close(x.grad, arr(g))
    close(g, arr(cr.grad(plain_loss)(f64(xv), f64(wv))))


# ---------------------------------------------------------------- memory


SIZE = 256
LAYERS = 100
EVERY = 10


def _layers(y, W, n):
    for _ in range(n):
        y = cr.tanh(y @ W)
    return y


def _plain_chain(x, W):
    return cr.sum(_layers(x, W, LAYERS))


def _checkpointed_chain(x, W):
    segment = cr.checkpoint(lambda y, W: _layers(y, W, EVERY))
    for _ in range(LAYERS // EVERY):
        x = segment(x, W)
    return cr.sum(x)


def _peak_bytes(fn, *args):
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = fn(*args)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, result


def test_checkpoint_lowers_peak_memory_of_a_100_layer_chain(rng):
    W = f64(rng.normal(size=(SIZE, SIZE)) / np.sqrt(SIZE))
    X = f64(rng.normal(size=(SIZE, SIZE)))
    one_array = SIZE * SIZE * 8
    peak_plain, g_plain = _peak_bytes(cr.grad(_plain_chain), X, W)
    peak_ck, g_ck = _peak_bytes(cr.grad(_checkpointed_chain), X, W)
    close(g_ck, g_plain.numpy(), rtol=1e-9, atol=1e-12)
    # the plain backward keeps at least one activation per layer
    assert peak_plain > 0.8 * LAYERS * one_array
    assert peak_ck < 0.6 * peak_plain, (
        f"checkpointed peak {peak_ck / 1e6:.1f} MB is not clearly below the plain peak "
        f"{peak_plain / 1e6:.1f} MB")


def test_checkpoint_lowers_peak_memory_with_backward_method(rng):
    W = f64(rng.normal(size=(SIZE, SIZE)) / np.sqrt(SIZE))
    Xv = rng.normal(size=(SIZE, SIZE))

    def run(loss):
        x = f64(Xv, requires_grad=True)
        loss(x, W).backward()
        return x.grad.numpy()

    peak_plain, g_plain = _peak_bytes(run, _plain_chain)
    peak_ck, g_ck = _peak_bytes(run, _checkpointed_chain)
    close(g_ck, g_plain, rtol=1e-9, atol=1e-12)
    assert peak_ck < 0.6 * peak_plain, (
        f"checkpointed peak {peak_ck / 1e6:.1f} MB is not clearly below the plain peak "
        f"{peak_plain / 1e6:.1f} MB")


@pytest.mark.parametrize("api", ["backward", "grad"])
def test_checkpointed_backward_holds_one_segment_at_a_time(rng, api):
    # Peak = the segment inputs + one recomputed segment + a few cotangents. A node that
    # kept its rule's results after the sweep used them (e.g. the gradient of W of every
    # segment) would add arrays per segment.
    Wv = rng.normal(size=(SIZE, SIZE)) / np.sqrt(SIZE)
    Xv = rng.normal(size=(SIZE, SIZE))

    def run(loss):
        if api == "grad":  # a transform keeps its recording for the whole pullback
            gx, gW = cr.grad(loss, argnums=(0, 1))(f64(Xv), f64(Wv))
            return gx.numpy(), gW.numpy()
        x, W = f64(Xv, requires_grad=True), f64(Wv, requires_grad=True)
        loss(x, W).backward()
        return x.grad.numpy(), W.grad.numpy()

    one_array = SIZE * SIZE * 8
    peak_ck, (gx, gW) = _peak_bytes(run, _checkpointed_chain)
    _, (gx_plain, gW_plain) = _peak_bytes(run, _plain_chain)
    close(gx, gx_plain, rtol=1e-9, atol=1e-12)
    close(gW, gW_plain, rtol=1e-9, atol=1e-12)
    budget = LAYERS // EVERY + EVERY + 10
    assert peak_ck < budget * one_array, (
        f"checkpointed backward peaked at {peak_ck / one_array:.1f} arrays; "
        f"one segment at a time needs fewer than {budget}")
