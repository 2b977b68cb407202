"""The examples of the D2L "Automatic Differentiation" chapter (and the reader's notebook),
written with chainrule's native API, checked against the values the book prints."""
import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def x():
    """x = arange(4.0) with a place to store its gradient, as at the start of the chapter."""
    t = cr.arange(4.0)
    np.testing.assert_array_equal(t.numpy(), [0.0, 1.0, 2.0, 3.0])
    t.requires_grad_(True)
    assert t.grad is None  # the default value is None
    return t


def test_simple_function(x):
    y = 2 * cr.dot(x, x)
    assert y.item() == 28.0
    assert repr(y) == "tensor(28., grad_fn=<MulBackward>)"
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 4.0, 8.0, 12.0])
    assert (x.grad == 4 * x).all().item() is True
    assert x.grad.dtype == np.float32


def test_reset_then_gradient_of_sum(x):
    (2 * cr.dot(x, x)).backward()
    x.grad.zero_()
    y = x.sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0, 1.0])


def test_without_reset_gradients_accumulate(x):
    (2 * cr.dot(x, x)).backward()
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 5.0, 9.0, 13.0])


def test_backward_for_non_scalar_variables(x):
    x.sum().backward()
    x.grad.zero_()
    y = x * x
    np.testing.assert_array_equal(y.numpy(), [0.0, 1.0, 4.0, 9.0])
    y.backward(gradient=cr.ones(len(y)))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 4.0, 6.0])


def test_faster_sum_backward_gives_the_same(x):
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 4.0, 6.0])


def test_non_scalar_backward_needs_gradient(x):
    y = x * x
    with pytest.raises(RuntimeError, match=r"y\.sum\(\)\.backward\(\)"):
        y.backward()


def test_detaching_computation(x):
    x.sum().backward()
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    np.testing.assert_array_equal(z.numpy(), [0.0, 1.0, 8.0, 27.0])
    z.sum().backward()
    assert (x.grad == u).all().item() is True
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 4.0, 9.0])

    x.grad.zero_()
    y.sum().backward()
    assert (x.grad == 2 * x).all().item() is True
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 4.0, 6.0])


def test_stop_gradient_like_tensorflow(x):
    y = x * x
    u = cr.stop_gradient(y)
    z = u * x
    (gx,) = cr.autograd.grad(z.sum(), x)
    np.testing.assert_array_equal(gx.numpy(), u.numpy())


# ---------------------------------------------------------------- control flow


def f(a):
    b = a * 2
    while cr.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def _scale(a0):
    """The piecewise scale of f, computed by hand in float64."""
    b = np.asarray(a0, dtype=np.float64) * 2
    k = 2.0
    while np.linalg.norm(b) < 1000:
        b = b * 2
        k *= 2
    return k if b.sum() > 0 else 100 * k


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_control_flow_scalar(seed):
    cr.random.seed(seed)
    a = cr.random.normal(size=(), requires_grad=True)
    assert a.shape == ()
    d = f(a)
    d.backward()
    np.testing.assert_allclose(a.grad.item(), (d / a).item(), rtol=1e-6)
    assert a.grad.item() == _scale(a.item())


@pytest.mark.parametrize("a0, expected", [(0.5, 2048.0), (-0.5, 204800.0), (-0.0001, 1677721600.0),
                                          (600.0, 2.0)])
def test_control_flow_known_scales(a0, expected):
    a = cr.tensor(a0, requires_grad=True)
    d = f(a)
    d.backward()
    assert a.grad.item() == expected
    assert a.grad.item() == _scale(a0)
    np.testing.assert_allclose((d / a).item(), expected, rtol=1e-6)


def test_control_flow_notebook_value():
    # The notebook's run printed a.grad = 819200 = 100 * 2**13 for a negative a.
    a = cr.tensor(-185575.1406 / 819200.0, requires_grad=True)
    d = f(a)
    d.backward()
    assert a.grad.item() == 819200.0
    np.testing.assert_allclose(d.item(), -185575.1406, rtol=1e-6)


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
@pytest.mark.parametrize("seed", [0, 7])
def test_control_flow_vector_and_matrix(shape, seed):
    cr.random.seed(seed)
    a = cr.random.normal(size=shape, requires_grad=True)
    d = f(a)
    assert d.shape == shape
    with pytest.raises(RuntimeError, match="gradient="):
        d.backward(retain_graph=True)
    d.sum().backward()
    assert a.grad.shape == shape
    ratio = (d / a).numpy()
    np.testing.assert_allclose(a.grad.numpy(), ratio, rtol=1e-6)
    # f is linear with a piecewise scale: every entry of d / a is the same constant.
    np.testing.assert_allclose(ratio, np.full(shape, ratio.flat[0]), rtol=1e-6)
    np.testing.assert_array_equal(a.grad.numpy(), np.full(shape, _scale(a.numpy())))


def test_control_flow_with_float64_input():
    a = cr.tensor(np.array([[0.3, -0.2], [0.1, 0.05]]), requires_grad=True)
    d = f(a)
    d.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.full((2, 2), _scale(a.numpy())))
    np.testing.assert_allclose(a.grad.numpy(), (d / a).numpy(), rtol=1e-14)


# ---------------------------------------------------------------- exercises / notebook


def test_notebook_second_derivative_of_x_cubed():
    x = cr.tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(retain_graph=True)
    assert x.grad.item() == 12.0
    dy_dx = cr.autograd.grad(y, x, create_graph=True)[0]
    d2y_dx2 = cr.autograd.grad(dy_dx, x)[0]
    assert dy_dx.item() == 12.0
    assert d2y_dx2.item() == 12.0
    assert x.grad.item() == 12.0  # autograd.grad left .grad alone


def test_readme_quickstart_second_derivative():
    x = cr.tensor(2.0, requires_grad=True)
    (dy,) = cr.autograd.grad(x ** 3, x, create_graph=True)
    (d2y,) = cr.autograd.grad(dy, x)
    assert (dy.item(), d2y.item()) == (12.0, 12.0)


def test_running_backward_twice_raises(x):
    y = 2 * cr.dot(x, x)
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_sin_and_its_derivative_by_autodiff():
    xs = cr.linspace(-np.pi, np.pi, 101, dtype=np.float64, requires_grad=True)
    ys = cr.sin(xs)
    ys.backward(gradient=cr.ones_like(ys))
    np.testing.assert_allclose(xs.grad.numpy(), np.cos(xs.numpy()), rtol=1e-14, atol=1e-15)


def test_dependency_graph_exercise():
    # f(x) = log(x^2) sin(x) + 1/x; df/dx = 2 sin(x)/x + log(x^2) cos(x) - 1/x^2
    x0 = np.array([0.5, 1.0, 2.5])
    x = cr.tensor(x0, requires_grad=True)
    fx = cr.log(x ** 2) * cr.sin(x) + 1 / x
    fx.sum().backward()
    expected = 2 * np.sin(x0) / x0 + np.log(x0 ** 2) * np.cos(x0) - 1 / x0 ** 2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-13)
