"""Unmodified NumPy code through NumPy's protocols (issue 8's acceptance).

The functions below are written with the real ``import numpy as np`` and nothing else:
called on chainrule tensors, NumPy hands every ufunc to ``Tensor.__array_ufunc__`` and
every other function to ``Tensor.__array_function__``, which run chainrule's ops, so
cr.grad, cr.jacrev and cr.hessian differentiate them. Each function is checked
against central finite differences computed with plain NumPy on the same function (which
runs on ndarrays too, with the same value). Then every refusal: an unsupported ufunc, an
unsupported function and out= on a tensor that requires grad each raise TypeError naming
what is refused and what to use instead.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule as cr

_rng = np.random.default_rng(88)
X = _rng.standard_normal((5, 3))
LABELS = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
INPUTS = _rng.standard_normal((4, 2))
TARGETS = _rng.standard_normal(4)
A = _rng.standard_normal((2, 3))
COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 1.0]])
MEAN = np.array([0.1, -0.2, 0.3])
M = np.array([[1.0, 0.5, -0.2], [0.5, 2.0, 0.1], [-0.2, 0.1, 0.7]])


def logistic_regression(w):
    margins = -LABELS * (X @ w)
    return np.mean(np.log1p(np.exp(margins))) + 0.01 * np.dot(w, w)


def softmax_cross_entropy(flat_logits):
    z = np.reshape(flat_logits, (2, 3))
    z = z - np.max(z, axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(ONE_HOT * log_p, axis=1))


def mlp(params):
    w1, b1, w2, b2 = np.reshape(params[:6], (2, 3)), params[6:9], params[9:12], params[12]
    hidden = np.tanh(INPUTS @ w1 + b1)
    return np.mean((hidden @ w2 + b2 - TARGETS) ** 2)


def polynomial(x):
    value = 0.0
    for c in (0.5, -1.0, 2.0, 0.3):  # Horner's rule
        value = value * x + c
    return np.sum(value)


def gaussian_log_density(theta):
    mean, log_sigma = np.split(theta, 2)
    z = (MEAN - mean) / np.exp(log_sigma)
    return -0.5 * np.sum(z ** 2) - np.sum(log_sigma) - 1.5 * np.log(2 * np.pi)


def multivariate_gaussian_log_density(x):
    d = x - MEAN
    _, log_det = np.linalg.slogdet(COV)
    return -0.5 * d @ np.linalg.solve(COV, d) - 0.5 * log_det - 1.5 * np.log(2 * np.pi)


def ridge(x):
    return np.sum((A @ x - 1.0) ** 2) + 0.1 * np.linalg.norm(x) ** 2


def features(x):
    z = np.concatenate([x, np.sin(x), [1.0]])
    return np.dot(z, z)


def leaky_relu_loss(x):
    return np.sum(np.where(x > 0, x, 0.1 * x) ** 2)


def clipped(x):
    return np.sum(np.clip(x, a_min=-0.5, a_max=0.5) * x)


def relu_cubed(x):
    return np.sum(np.maximum(x, 0) ** 3)


def weighted_squares(x):
    return np.add.reduce(x * x * np.arange(1.0, x.size + 1))


def tanh_layer_energy(x):
    return np.sum(np.tanh(A @ x) ** 2)


def log_sum_exp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def standardized_skew(x):
    return np.sum(((x - np.mean(x)) / np.std(x)) ** 3)


def quadratic_form(x):
    return np.einsum("i,ij,j->", x, M, x) + np.sum(np.cumsum(x) ** 2) + np.prod(x)


def mean_of_a_list(x):
    return np.mean([x, x + 2]) * np.sum(x)


SCALAR = {f.__name__: f for f in (
    logistic_regression, softmax_cross_entropy, mlp, polynomial, gaussian_log_density,
    multivariate_gaussian_log_density, ridge, features, leaky_relu_loss, clipped, relu_cubed,
    weighted_squares, tanh_layer_energy, log_sum_exp, standardized_skew, quadratic_form)}


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def tanh_layer(x):
    return np.tanh(A @ x + np.array([0.1, -0.3]))


def sin_cos(x):
    return np.stack([np.sin(x), np.cos(x) * x])


VECTOR = {f.__name__: f for f in (softmax, tanh_layer, sin_cos)}

# Points away from every kink: |x| > 0.1 everywhere, clip's bounds ±0.5 not within 0.1.
POINT = {"mlp": _rng.standard_normal(13), "softmax_cross_entropy": _rng.standard_normal(6),
         "gaussian_log_density": _rng.standard_normal(6)}
DEFAULT_POINT = np.array([0.7, -0.3, 1.2])


def point(name):
    return POINT.get(name, DEFAULT_POINT)


# ---------------------------------------------------------------- finite differences


def jacobian_differences(f, x, h=1e-6):
    """d f / d x by central differences, shape f(x).shape + x.shape, plain NumPy."""
    columns = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        columns.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * h))
    return np.stack(columns, axis=-1)


def hessian_differences(f, x, h=1e-4):
    """d² f / d x² by central differences of f's values, shape f(x).shape + (n, n)."""
    n = x.size
    out = np.zeros(np.shape(f(x)) + (n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[..., i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                              + f(x - ei - ej)) / (4 * h * h)
    return out


def assert_close(got, expected, rtol=1e-5, atol=1e-6):
    got = got.numpy() if isinstance(got, cr.Tensor) else np.asarray(got)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- the functions

ALL = {**SCALAR, **VECTOR}


@pytest.mark.parametrize("name", ALL)
def test_runs_unmodified_on_tensors_and_arrays(name):
    f, x = ALL[name], point(name)
    on_tensor = f(cr.tensor(x, requires_grad=True))
    assert isinstance(on_tensor, cr.Tensor) and on_tensor.requires_grad
    on_array = f(x)
    assert not isinstance(on_array, cr.Tensor)
    np.testing.assert_allclose(on_tensor.numpy(), on_array, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", SCALAR)
def test_grad(name):
    f, x = SCALAR[name], point(name)
    assert_close(cr.grad(f)(x), jacobian_differences(f, x))


@pytest.mark.parametrize("name", ALL)
def test_jacrev(name):
    f, x = ALL[name], point(name)
    assert_close(cr.jacrev(f)(x), jacobian_differences(f, x))


@pytest.mark.parametrize("name", ALL)
def test_hessian(name):
    f, x = ALL[name], point(name)
    assert_close(cr.hessian(f)(x), hessian_differences(f, x), rtol=1e-4, atol=1e-5)


def test_a_list_of_tensors_is_differentiated_or_refused():
    """NumPy converts a list argument with __array__, never looking for tensors inside it
    (np.mean([x, x + 2])): the gradient must then be right or refused, never silently
    zero (as a graph dropped by the conversion would make it)."""
    x = DEFAULT_POINT
    try:
        got = cr.grad(mean_of_a_list)(x)
    except (TypeError, RuntimeError) as error:
        assert "numpy" in str(error).lower()
    else:
        assert_close(got, jacobian_differences(mean_of_a_list, x))


def test_converting_a_tensor_that_requires_grad_does_not_drop_its_gradient_silently():
    """np.asarray on a tensor inside a transform: the same rule as the list above."""
    def f(x):
        return np.sum(np.asarray(x) * x)
    try:
        got = cr.grad(f)(DEFAULT_POINT)
    except (TypeError, RuntimeError) as error:
        assert "numpy" in str(error).lower()
    else:
        assert_close(got, 2 * DEFAULT_POINT)


# ---------------------------------------------------------------- refusals


def refusal(call) -> str:
    """The message of the TypeError that ``call`` raises, on its own and inside grad."""
    x = cr.tensor(DEFAULT_POINT, requires_grad=True)
    with pytest.raises(TypeError) as direct:
        call(x)
    with pytest.raises(TypeError) as traced:
        cr.grad(lambda x: cr.sum(call(x)))(DEFAULT_POINT)
    assert type(traced.value) is type(direct.value)
    return str(direct.value)


@pytest.mark.parametrize("ufunc", [np.frexp, np.spacing, np.modf],
                         ids=lambda u: u.__name__)
def test_an_unsupported_ufunc_is_refused(ufunc):
    nin = ufunc.nin
    message = refusal(lambda x: ufunc(*([x] * nin))[0] if ufunc.nout > 1 else ufunc(*([x] * nin)))
    assert f"numpy.{ufunc.__name__}" in message
    assert ".numpy()" in message, message  # the way out when no gradient is needed


def test_an_unsupported_function_is_refused_naming_the_nearest_alternative():
    message = refusal(lambda x: np.nanmedian(x))
    assert "numpy.nanmedian" in message
    assert re.search(r"\b(median|nanmean|mean|quantile|percentile)\b", message), message
    assert ".numpy()" in message


def test_a_function_without_counterpart_is_refused():
    message = refusal(lambda x: np.histogram(x)[0])
    assert "numpy.histogram" in message and ".numpy()" in message


@pytest.mark.parametrize("call", [
    lambda x: np.sin(x, out=np.empty(3)),
    lambda x: np.add(x, 1.0, out=np.empty(3)),
    lambda x: np.sum(x, out=np.empty(())),
    lambda x: np.multiply(x, 2.0, out=x),
], ids=["sin into an array", "add into an array", "sum into an array", "multiply into x"])
def test_out_on_a_tensor_that_requires_grad_is_refused(call):
    message = refusal(call)
    assert "out=" in message
    assert re.search(r"\b(sin|add|sum|multiply)\b", message), message
    assert re.search(r"assign|instead|return", message), message


def test_ufunc_at_is_refused():
    message = refusal(lambda x: np.add.at(x, [0, 0], 1.0))
    assert "add.at" in message


@pytest.mark.parametrize("target", ["ndarray", "tensor"])
def test_out_without_gradients_writes_as_numpy_does(target):
    x = cr.tensor(DEFAULT_POINT)
    out = np.zeros(3) if target == "ndarray" else cr.tensor(np.zeros(3))
    result = np.multiply(np.sin(x), 2.0, out=out)
    assert result is out
    np.testing.assert_allclose(np.asarray(out), 2.0 * np.sin(DEFAULT_POINT), rtol=1e-15)
