"""Tensor.__array_function__: NumPy functions called on tensors run chainrule.numpy's
counterparts and are recorded; functions without one are refused by name."""
import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.function_dispatch import counterpart
from chainrule.testing import check_grads

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 4))
W = RNG.normal(size=(4, 2))


# Functions written with the real NumPy, as users have them.
def _sin_times_x(x):
    return np.sum(np.sin(x) * x)


def _shapes_and_joins(x, w):
    h = np.tanh(np.dot(x, w))
    joined = np.concatenate([h, np.reshape(np.transpose(h), (3, 2))], axis=1)
    stacked = np.stack([joined, joined * 2], axis=0)
    return np.mean(np.where(stacked > 0, stacked, 0.5 * stacked), axis=(0, 2))


def _reductions(x):
    return np.var(x, axis=1, ddof=1) + np.std(x, axis=1) + np.max(x, axis=1) \
        + np.prod(np.clip(x, a_min=-1.0, a_max=1.0), axis=1) + np.amin(x, axis=1)


def _products(x, w):
    return np.tensordot(x, w, axes=1) + np.einsum("ij,jk->ik", x, w) \
        + np.outer(x[:, 0], w[0]) + np.inner(x, w.T)


def _cumulative(x):
    return np.cumsum(np.squeeze(np.expand_dims(x, 0), 0), axis=0) + np.flip(x, axis=1)


@pytest.mark.parametrize("f, args", [
    (_sin_times_x, (X,)), (_shapes_and_joins, (X, W)), (_reductions, (X,)),
    (_products, (X, W)), (_cumulative, (X,)),
], ids=["sum-sin", "shapes-joins", "reductions", "products", "cumulative"])
def test_numpy_functions_on_tensors_are_recorded_and_differentiable(f, args):
    tensors = [cr.tensor(a, requires_grad=True) for a in args]
    out = f(*tensors)
    assert isinstance(out, cr.Tensor) and out.requires_grad
    np.testing.assert_allclose(out.numpy(), f(*args), rtol=1e-12)  # same code on ndarrays
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_grad_of_real_numpy_code_matches_the_closed_form():
    gradient = cr.grad(_sin_times_x)(X)
    np.testing.assert_allclose(gradient.numpy(), np.sin(X) + X * np.cos(X))


def test_counterparts_are_found_by_module_and_name():
    assert counterpart(np.sum) is cnp.sum
    assert counterpart(np.concatenate) is cnp.concatenate
    assert counterpart(np.nanmedian) is None
    for name in ("det", "inv", "norm"):  # chainrule.numpy.linalg has them all
        assert counterpart(getattr(np.linalg, name)) is getattr(cnp.linalg, name)
    for name in ("fft", "rfft"):
        assert counterpart(getattr(np.fft, name)) is getattr(cnp.fft, name)


def test_shape_queries_return_plain_values():
    x = cr.tensor(X, requires_grad=True)
    assert np.shape(x) == (3, 4) and type(np.shape(x)) is tuple
    assert np.ndim(x) == 2 and np.size(x) == 12
    assert np.allclose(x, X) is True
    assert np.result_type(x, 1.0) == np.float64
    assert np.shares_memory(x, x.numpy()) is True
    assert np.may_share_memory(x, X.copy()) is False


def test_an_unsupported_function_is_refused_naming_it_and_the_nearest_alternative():
    x = cr.tensor(X, requires_grad=True)
    with pytest.raises(TypeError) as info:
        np.nanmedian(x)
    message = str(info.value)
    assert message.startswith("numpy.nanmedian is not supported on chainrule tensors")
    assert "the closest names in chainrule.numpy: nanmean, nanmin, median" in message
    assert "convert with .numpy()" in message
    with pytest.raises(TypeError, match=r"numpy.histogram is not supported .* "
                                        r"chainrule.numpy has no function close"):
        np.histogram(x)


def test_values_without_gradients_still_run_through_numpy_after_conversion():
    x = cr.tensor(X)
    assert np.nanmedian(x.numpy()) == pytest.approx(np.median(X))
    assert np.histogram(np.asarray(x), bins=3)[0].sum() == X.size


class _Other:
    """Another library's array type: its own __array_function__ must get its turn."""

    def __array_function__(self, func, types, args, kwargs):
        return ("other", func.__name__)


def test_another_librarys_array_gets_its_turn():
    assert np.concatenate([cr.tensor(X), _Other()]) == ("other", "concatenate")


class _Converting(cr.Tensor):
    """A dialect-style tensor whose framework does not implement the protocol."""

    __slots__ = ()
    _numpy_function_policy = "convert"


def test_a_converting_class_runs_numpys_own_implementation_on_its_values():
    from chainrule.tensor import wrap
    x = wrap(X.copy(), _Converting)
    result = np.concatenate([x, x])
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, np.concatenate([X, X]))
    assert np.shape(x) == (3, 4)


@pytest.mark.parametrize("kind", ["plot", "scatter", "bar", "hist", "fill_between",
                                  "errorbar", "imshow", "boxplot"])
def test_matplotlib_plots_tensors(kind):
    """matplotlib calls NumPy functions (atleast_1d, broadcast_arrays with None style
    arguments, histogram on converted values ...) on what users plot: detached values of
    tensors that require grad, as in the chapter."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x = cr.tensor(np.linspace(0.0, 1.0, 5), requires_grad=True)
    y = cr.sin(x)
    x, y = x.detach(), y.detach()
    calls = {"plot": lambda ax: ax.plot(x, y, "-"), "scatter": lambda ax: ax.scatter(x, y),
             "bar": lambda ax: ax.bar(x, y), "hist": lambda ax: ax.hist(y),
             "fill_between": lambda ax: ax.fill_between(x, y, 0),
             "errorbar": lambda ax: ax.errorbar(x, y, yerr=y * 0.1),
             "imshow": lambda ax: ax.imshow(cr.outer(x, y)), "boxplot": lambda ax: ax.boxplot(y)}
    figure, axes = plt.subplots()
    try:
        calls[kind](axes)
        figure.canvas.draw()
        if kind == "plot":
            (line,) = axes.get_lines()
            np.testing.assert_allclose(np.asarray(line.get_ydata(), float), np.sin(x.numpy()))
        assert axes.has_data()
    finally:
        plt.close(figure)
