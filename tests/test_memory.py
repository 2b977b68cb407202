"""Deep graphs and memory: no recursion limits, saved values released by a non-retained
backward, and finished graphs freed by reference counting alone (no cycles)."""
import gc
import math
import weakref

import numpy as np
import pytest

import chainrule as cr

N = 100_000


@pytest.fixture
def no_gc():
    """Disable the cyclic collector: whatever dies here dies by reference counting."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def f64(value, requires_grad=True):
    return cr.tensor(np.asarray(value, dtype=np.float64), requires_grad=requires_grad)


# ---------------------------------------------------------------- deep chains


def test_long_affine_chain_backward():
    x = f64(1.0)
    y = x
    for _ in range(N):
        y = y * 1.0001 + 0.0
    y.backward()  # 200,000 nodes: an iterative sweep, no RecursionError
    np.testing.assert_allclose(x.grad.item(), 1.0001 ** N, rtol=1e-9)
    np.testing.assert_allclose(y.item(), 1.0001 ** N, rtol=1e-9)


def test_long_sin_chain_backward():
    x = f64(1.0)
    y = x
    for _ in range(N):
        y = cr.sin(y)
    (g,) = cr.autograd.grad(y, x)
    value, derivative = 1.0, 1.0
    for _ in range(N):
        derivative *= math.cos(value)
        value = math.sin(value)
    np.testing.assert_allclose(y.item(), value, rtol=1e-12)
    np.testing.assert_allclose(g.item(), derivative, rtol=1e-9)


def test_long_chain_of_vector_ops():
    x = cr.tensor(np.array([0.5, -0.25, 1.0]), requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y + x * 0.001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 1 + 20_000 * 0.001), rtol=1e-12)


def test_deleting_a_deep_unused_graph_does_not_overflow(no_gc):
    x = f64(1.0)
    y = x
    for _ in range(N):
        y = cr.sin(y) * 1.0
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None
    assert x.grad is None


def test_deep_chain_freed_after_backward_and_del(no_gc):
    x = f64(1.0)
    y = x
    first = None
    for i in range(N):
        y = y * 1.0001
        if i == 0:
            first = weakref.ref(y.grad_fn)
    last = weakref.ref(y.grad_fn)
    y.backward()
    assert last() is not None  # y still holds its graph structure
    del y
    assert first() is None
    assert last() is None
    np.testing.assert_allclose(x.grad.item(), 1.0001 ** N, rtol=1e-9)


# ---------------------------------------------------------------- saved values released


def _graph_with_intermediate(x):
    """y = sum(sin(exp(x) * 3)), returning y and weak references to the intermediates."""
    h = cr.exp(x)
    k = h * 3
    y = cr.sin(k).sum()
    refs = {"h tensor": weakref.ref(h), "k tensor": weakref.ref(k),
            # detach().numpy() is the buffer itself (numpy() of a tensor that requires
            # grad is a read-only view of it)
            "h array": weakref.ref(h.detach().numpy()),
            "k array": weakref.ref(k.detach().numpy())}
    return y, refs


def test_backward_releases_saved_values(no_gc):
    x = f64([0.1, 0.2, 0.3])
    y, refs = _graph_with_intermediate(x)
    assert all(r() is not None for r in refs.values())  # saved for backward
    y.backward()
    alive = [name for name, r in refs.items() if r() is not None]
    assert alive == [], f"still held by the graph after backward: {alive}"
    assert y.grad_fn is not None
    x0 = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(x.grad.numpy(), np.cos(3 * np.exp(x0)) * 3 * np.exp(x0),
                               rtol=1e-14)


def test_autograd_grad_releases_saved_values(no_gc):
    x = f64([0.1, 0.2])
    y, refs = _graph_with_intermediate(x)
    cr.autograd.grad(y, x)
    assert [name for name, r in refs.items() if r() is not None] == []


def test_retain_graph_keeps_saved_values_until_the_graph_dies(no_gc):
    x = f64([0.1, 0.2])
    y, refs = _graph_with_intermediate(x)
    y.backward(retain_graph=True)
    assert refs["k array"]() is not None
    assert refs["k tensor"]() is not None
    y.backward()
    assert [name for name, r in refs.items() if r() is not None] == []
    x0 = np.array([0.1, 0.2])
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(3 * np.exp(x0)) * 3 * np.exp(x0),
                               rtol=1e-14)


def test_unused_graph_is_freed_with_its_output(no_gc):
    x = f64([0.1, 0.2])
    y, refs = _graph_with_intermediate(x)
    node = weakref.ref(y.grad_fn)
    del y
    assert node() is None
    assert [name for name, r in refs.items() if r() is not None] == []


def test_saved_output_released_after_backward(no_gc):
    x = f64([0.5, 1.0])
    y = cr.exp(x)
    out = weakref.ref(y.detach().numpy())
    z = y.sum()
    del y
    assert out() is not None  # exp saves its output for the backward
    z.backward()
    assert out() is None
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-14)


# ---------------------------------------------------------------- nothing keeps graphs alive


def test_nodes_die_after_del_without_gc(no_gc):
    x = f64([1.0, 2.0])
    a = x * 2
    b = cr.sin(a)
    c = b * a
    y = c.sum()
    nodes = [weakref.ref(t.grad_fn) for t in (a, b, c, y)]
    del a, b, c
    assert all(r() is not None for r in nodes)  # y's graph holds them
    y.backward()
    del y
    assert [r() for r in nodes] == [None] * 4
    assert x.grad is not None
    assert x.grad.grad_fn is None


def test_nodes_die_after_del_without_backward(no_gc):
    x = f64([1.0, 2.0])
    y = (cr.exp(x) * x).sum()
    nodes = [weakref.ref(y.grad_fn)] + [weakref.ref(p) for p in y.grad_fn.next_functions
                                        if isinstance(p, cr.autograd.Node)]
    assert len(nodes) >= 2
    del y
    assert all(r() is None for r in nodes)


def test_graph_does_not_keep_leaf_alive_after_del(no_gc):
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    leaf = weakref.ref(x)
    del x
    assert leaf() is not None  # the graph of y reaches the leaf
    y.backward()
    assert leaf().grad is not None
    del y
    assert leaf() is None


def test_retain_grad_creates_no_cycle(no_gc):
    x = f64([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    y = (h * h).sum()
    y.backward()
    np.testing.assert_array_equal(h.grad.numpy(), [6.0, 12.0])
    node = weakref.ref(h.grad_fn)
    tensor = weakref.ref(h)
    del h, y
    assert tensor() is None
    assert node() is None


def test_hooks_create_no_cycle(no_gc):
    x = f64([1.0, 2.0])
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    node = weakref.ref(h.grad_fn)
    tensor = weakref.ref(h)
    y = h.sum()
    del h
    y.backward()
    del y
    assert tensor() is None
    assert node() is None
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])


def test_inplace_history_creates_no_cycle(no_gc):
    x = f64([1.0, 2.0])
    y = x * 2
    y += x
    y *= 2
    node = weakref.ref(y.grad_fn)
    tensor = weakref.ref(y)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])
    del y
    assert tensor() is None
    assert node() is None


def test_views_create_no_cycle(no_gc):
    x = f64(np.arange(6.0))
    v = x.reshape(2, 3).T[1:]
    y = (v * v).sum()
    refs = [weakref.ref(v), weakref.ref(v.grad_fn), weakref.ref(y.grad_fn)]
    del v
    y.backward()
    del y
    assert [r() for r in refs] == [None, None, None]
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 4.0, 0.0, 8.0, 10.0])


def test_second_order_graph_freed_without_gc(no_gc):
    x = f64(2.0)
    y = x ** 3
    (g,) = cr.autograd.grad(y, x, create_graph=True)
    refs = [weakref.ref(y.grad_fn), weakref.ref(g.grad_fn)]
    (h,) = cr.autograd.grad(g, x)
    assert h.item() == 12.0
    del y, g
    assert [r() for r in refs] == [None, None]


def test_node_supports_weakref():
    x = f64(1.0)
    y = x * 2
    ref = weakref.ref(y.grad_fn)
    assert ref() is y.grad_fn
    assert isinstance(y.grad_fn, cr.autograd.Node)
