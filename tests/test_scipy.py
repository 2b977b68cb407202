"""chainrule.scipy.special and chainrule.scipy.stats: values against SciPy, derivatives
against finite differences (check_grads, second order, both modes) in x and in every
float parameter, SciPy's conventions at the edges (0·log 0, supports, invalid
parameters), the errors, and what happens without SciPy (in a subprocess that blocks it).

The comparisons with SciPy skip, saying so, when SciPy is not installed.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops import special as primitives
from chainrule.scipy import special as cs
from chainrule.scipy import stats as cst
from chainrule.testing import check_grads

needs_scipy = pytest.mark.skipif(
    not primitives.have_scipy(),
    reason="SciPy is not installed (pip install chainrule[scipy]): chainrule.scipy is "
           "checked against it")
if primitives.have_scipy():
    import scipy.special as sc
    import scipy.stats as ss

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(5)


def f64(values):
    return cr.tensor(np.asarray(values, dtype=np.float64), dtype=cr.float64)


def grads_ok(f, *args, order=2):
    return check_grads(f, tuple(f64(a) for a in args), order=order, modes=("fwd", "rev"))


def grads_in(function, args, differentiated) -> bool:
    """check_grads of function(*args) in the arguments at these indices (the others
    constant)."""
    def f(*xs):
        full = list(args)
        for i, x in zip(differentiated, xs):
            full[i] = x
        return function(*full)
    return grads_ok(f, *[args[i] for i in differentiated])


# ---------------------------------------------------------------- special functions

POSITIVE = np.array([0.6, 1.3, 2.7])
REAL = np.array([-1.4, 0.2, 0.9])
UNIT = np.array([-0.7, 0.1, 0.55])
PROBABILITY = np.array([0.05, 0.4, 0.93])

# name: (the arguments, in SciPy's order), the indices of the float ones differentiated.
SPECIAL = {
    "gammaln": ((POSITIVE,), (0,)),
    "digamma": ((POSITIVE,), (0,)),
    "psi": ((POSITIVE,), (0,)),
    "gamma": ((np.array([-1.5, 0.6, 3.2]),), (0,)),
    "erf": ((REAL,), (0,)),
    "erfc": ((REAL,), (0,)),
    "erfinv": ((UNIT,), (0,)),
    "erfcinv": ((np.array([0.1, 0.9, 1.7]),), (0,)),
    "ndtr": ((REAL,), (0,)),
    "ndtri": ((PROBABILITY,), (0,)),
    "log_ndtr": ((np.array([-9.0, -1.0, 2.5]),), (0,)),
    "i0": ((REAL,), (0,)),
    "i1": ((REAL,), (0,)),
    "expit": ((REAL,), (0,)),
    "logit": ((PROBABILITY,), (0,)),
    "log_expit": ((np.array([-40.0, -0.5, 0.0, 3.0]),), (0,)),
    "entr": ((POSITIVE,), (0,)),
    "xlogy": ((REAL, POSITIVE), (0, 1)),
    "xlog1py": ((REAL, UNIT), (0, 1)),
    "rel_entr": ((POSITIVE, POSITIVE[::-1]), (0, 1)),
    "kl_div": ((POSITIVE, POSITIVE[::-1]), (0, 1)),
    "beta": ((np.array([0.7, 2.0, -1.5]), np.array([1.2, 0.5, 0.7])), (0, 1)),
    "betaln": ((np.array([0.7, 2.0, -1.5]), np.array([1.2, 0.5, 0.7])), (0, 1)),
    "polygamma": ((2, POSITIVE), (1,)),
    "iv": ((1.5, POSITIVE), (1,)),
    "ive": ((-0.5, POSITIVE), (1,)),
    "gammainc": ((np.array([0.5, 1.0, 3.0]), POSITIVE), (1,)),
    "gammaincc": ((np.array([0.5, 1.0, 3.0]), POSITIVE), (1,)),
    "softmax": ((np.array([[0.5, -1.0], [2.0, 0.1]]),), (0,)),
    "log_softmax": ((np.array([[0.5, -1.0], [2.0, 0.1]]),), (0,)),
    "logsumexp": ((np.array([[0.5, -1.0], [2.0, 0.1]]),), (0,)),
    "j0": ((REAL,), (0,)),
    "j1": ((REAL,), (0,)),
    "jv": ((1.5, POSITIVE), (1,)),
    "jn": ((np.array([0, 1, 3]), REAL), (1,)),
    "y0": ((POSITIVE,), (0,)),
    "y1": ((POSITIVE,), (0,)),
    "yv": ((np.array([-0.5, 0.0, 2.5]), POSITIVE), (1,)),
    "yn": ((np.array([0, 1, 3]), POSITIVE), (1,)),
    # through the zeros of 1/Γ at 0, -1 and -2, where -digamma(x)/Γ(x) would be NaN
    "rgamma": ((np.array([-2.0, -1.3, -1.0, -0.3, 0.0, 0.7, 3.2]),), (0,)),
    "multigammaln": ((np.array([1.6, 2.3, 4.0]), 3), (0,)),
    "betainc": ((np.array([0.5, 1.0, 2.5]), np.array([1.5, 1.0, 0.7]), PROBABILITY), (2,)),
}
# Public but not differentiated (checked by test_gammasgn_is_a_value_without_gradient).
NOT_DIFFERENTIATED = ["gammasgn"]


def test_every_public_function_is_checked():
    assert sorted([*SPECIAL, *NOT_DIFFERENTIATED]) == sorted(cs.__all__)


@needs_scipy
@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values_match_scipy(name):
    args, _ = SPECIAL[name]
    got = getattr(cs, name)(*args)
    assert isinstance(got, cr.Tensor) and got.dtype == np.float64
    np.testing.assert_allclose(got.numpy(), getattr(sc, name)(*args), rtol=1e-12, atol=1e-14)


@needs_scipy
@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_derivatives(name):
    args, differentiated = SPECIAL[name]
    assert grads_in(getattr(cs, name), args, differentiated)


@needs_scipy
@pytest.mark.parametrize("n", [0, 1, 2])
def test_polygamma_to_third_order(n):
    assert grads_ok(lambda x: cs.polygamma(n, x), POSITIVE, order=3)
    # d³/dx³ polygamma(n, x) = polygamma(n + 3, x), by three nested grads
    third = cr.grad(cr.grad(cr.grad(lambda x: cs.polygamma(n, x))))(f64(1.3))
    assert np.isclose(third.item(), sc.polygamma(n + 3, 1.3), rtol=1e-12)


@needs_scipy
def test_gammaln_derivatives_are_the_polygammas():
    x = f64(0.8)
    first = cr.grad(cs.gammaln)(x)
    second = cr.grad(cr.grad(cs.gammaln))(x)
    assert np.isclose(first.item(), sc.digamma(0.8), rtol=1e-14)
    assert np.isclose(second.item(), sc.polygamma(1, 0.8), rtol=1e-14)


@needs_scipy
def test_nested_transforms_of_gammaln_are_polygammas():
    x = f64([0.7, 1.9])
    hessian = cr.hessian(lambda x: cr.sum(cs.gammaln(x)))(x)
    np.testing.assert_allclose(hessian.numpy(), np.diag(sc.polygamma(1, [0.7, 1.9])),
                               rtol=1e-12)
    # four nested levels, both modes mixed: the fourth derivative is polygamma(3, x)
    fourth = cr.jacfwd(cr.jacrev(cr.jacfwd(cr.jacrev(cs.gammaln))))(f64(0.7))
    assert np.isclose(fourth.item(), sc.polygamma(3, 0.7), rtol=1e-12)
    batched = cr.vmap(lambda x: cs.gammainc(2.0, x))(f64([[0.5, 1.0], [2.0, 3.0]]))
    np.testing.assert_allclose(batched.numpy(), sc.gammainc(2.0, [[0.5, 1.0], [2.0, 3.0]]))


@needs_scipy
def test_float32_inputs_keep_their_dtype():
    x32 = cr.tensor(POSITIVE, dtype=cr.float32)
    for out in (cs.gammaln(x32), cs.polygamma(1, x32), cs.iv(0.5, x32),
                cs.gammainc(np.array([0.5, 1.0, 3.0]), x32), cs.xlogy(x32, 2.0),
                cst.norm.logpdf(x32, 0.5, 2.0), cst.gamma.logpdf(x32, 2.0),
                cs.j1(x32), cs.jv(1.5, x32), cs.yn(2, x32), cs.y0(x32), cs.rgamma(x32),
                cs.betainc(2.0, 3.0, x32 * 0.3), cs.multigammaln(x32 + 1, 2)):
        assert out.dtype == np.float32, out
    assert cs.gammaln(np.float32(1.5)).dtype == np.float32
    assert cs.gammaln([1, 2]).dtype == np.float64  # integers become float64, as in NumPy
    assert cs.gammaln(2.5).dtype == np.float64


@needs_scipy
def test_float32_derivatives_of_the_new_functions_stay_float32():
    x32 = cr.tensor(np.array([-0.7, 0.3, 0.8]), dtype=cr.float32)
    for function in (cs.rgamma, cs.j0, cs.j1, lambda x: cs.jv(1.5, x + 1),
                     lambda x: cs.y1(x + 1), lambda x: cs.yn(2, x + 1),
                     lambda x: cs.betainc(2.0, 1.5, x * 0.5 + 0.5),
                     lambda x: cs.multigammaln(x + 2, 3)):
        second = cr.grad(lambda x: cr.sum(cr.grad(lambda x: cr.sum(function(x)))(x)))(x32)
        assert second.dtype == np.float32 and np.all(np.isfinite(second.numpy()))


@needs_scipy
def test_xlogy_conventions_at_zero():
    assert cs.xlogy(0.0, 0.0).item() == 0.0 and cs.xlog1py(0.0, -1.0).item() == 0.0
    gx, gy = cr.grad(cs.xlogy, argnums=(0, 1))(f64(0.0), f64(0.0))
    assert gy.item() == 0.0 and gx.item() == -np.inf  # d/dx is log y: -inf at y = 0
    gx, gy = cr.grad(cs.xlogy, argnums=(0, 1))(f64(0.0), f64(2.0))
    assert gy.item() == 0.0 and np.isclose(gx.item(), np.log(2.0))
    gx, gy = cr.grad(cs.xlog1py, argnums=(0, 1))(f64(0.0), f64(-1.0))
    assert gy.item() == 0.0 and gx.item() == -np.inf
    # the mixed second derivative at x = 0 is 1 / y, in either order
    for outer, inner in ((0, 1), (1, 0)):
        mixed = cr.grad(cr.grad(cs.xlogy, argnums=inner), argnums=outer)(f64(0.0), f64(4.0))
        assert np.isclose(mixed.item(), 0.25)


@needs_scipy
def test_edges_match_scipy():
    x = np.array([-1.0, 0.0, 0.5])
    np.testing.assert_array_equal(cs.entr(x).numpy(), sc.entr(x))
    y = np.array([0.0, 2.0, 1.0, 0.0, 2.0])
    xs = np.array([0.0, 1.0, -1.0, 1.0, 0.0])
    np.testing.assert_allclose(cs.rel_entr(xs, y).numpy(), sc.rel_entr(xs, y))
    np.testing.assert_allclose(cs.kl_div(xs, y).numpy(), sc.kl_div(xs, y))
    tiny = np.array([2.2250738585072014e-308, 1e-300])  # SciPy's iv gives NaN at the first
    assert np.all(np.isfinite(cs.iv(2.0, tiny).numpy()))
    assert np.all(np.isfinite(cr.grad(lambda v: cr.sum(cs.i1(v)))(f64(tiny)).numpy()))


@needs_scipy
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(axis, keepdims):
    a = RNG.standard_normal((2, 3))
    b = np.array([1.0, -0.5, 2.0])
    np.testing.assert_allclose(cs.logsumexp(a, axis, keepdims=keepdims).numpy(),
                               sc.logsumexp(a, axis, keepdims=keepdims), rtol=1e-12)
    value, signs = cs.logsumexp(a, axis, b=b, keepdims=keepdims, return_sign=True)
    want_value, want_signs = sc.logsumexp(a, axis, b=b, keepdims=keepdims, return_sign=True)
    np.testing.assert_allclose(value.numpy(), want_value, rtol=1e-12)
    np.testing.assert_array_equal(signs.numpy(), want_signs)
    positive = np.abs(b)
    np.testing.assert_allclose(cs.logsumexp(a, axis, b=positive, keepdims=keepdims).numpy(),
                               sc.logsumexp(a, axis, b=positive, keepdims=keepdims),
                               rtol=1e-12)


@needs_scipy
def test_logsumexp_derivatives_in_a_and_b():
    a = RNG.standard_normal((2, 3))
    b = np.array([[1.0, 0.5, 2.0], [0.3, 1.0, 0.7]])
    assert grads_ok(lambda a, b: cs.logsumexp(a, 1, b=b), a, b)
    assert grads_ok(lambda a, b: cs.logsumexp(a, b=b, return_sign=True)[0], a, -b)
    assert np.isnan(cs.logsumexp([1.0, 2.0], b=[1.0, -2.0]).item())  # as SciPy: no sign
    for a in ([-np.inf, -np.inf], [np.inf, 1.0]):
        with np.errstate(divide="ignore"):
            assert cs.logsumexp(a, b=[1.0, 2.0]).item() == sc.logsumexp(a, b=[1.0, 2.0])
    value, signs = cs.logsumexp([1.0, 2.0], return_sign=True)
    assert signs.item() == 1.0 and np.isclose(value.item(), np.logaddexp(1.0, 2.0))


def test_softmax_and_logsumexp_need_no_scipy():
    x = np.array([0.5, -1.0, 2.0])
    assert np.isclose(cs.logsumexp(x).item(), np.log(np.sum(np.exp(x))))
    np.testing.assert_allclose(cs.softmax(x).numpy(), np.exp(x) / np.sum(np.exp(x)))
    np.testing.assert_allclose(cs.expit(x).numpy(), 1 / (1 + np.exp(-x)))


COMPLEX = np.array([0.3 + 0.4j, -0.5 + 0.2j, 1.1 - 0.6j])
HOLOMORPHIC = {
    "erf": (cs.erf, lambda z: 2 / np.sqrt(np.pi) * np.exp(-z * z)),
    "erfc": (cs.erfc, lambda z: -2 / np.sqrt(np.pi) * np.exp(-z * z)),
    "ndtr": (cs.ndtr, lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)),
    "log_ndtr": (cs.log_ndtr, lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi) / sc.ndtr(z)),
    "xlogy": (lambda z: cs.xlogy(z, 1.5 + z), lambda z: np.log(1.5 + z) + z / (1.5 + z)),
    "xlog1py": (lambda z: cs.xlog1py(0.7, z), lambda z: 0.7 / (1 + z)),
    "iv": (lambda z: cs.iv(1.5, z), lambda z: (sc.iv(0.5, z) + sc.iv(2.5, z)) / 2),
    "jv": (lambda z: cs.jv(1.5, z), lambda z: (sc.jv(0.5, z) - sc.jv(2.5, z)) / 2),
}


@needs_scipy
@pytest.mark.parametrize("name", sorted(HOLOMORPHIC))
def test_complex_inputs(name):
    function, derivative = HOLOMORPHIC[name]
    z = cr.tensor(COMPLEX, dtype=cr.complex128)
    out = function(z)
    assert out.dtype == np.complex128
    reference = {"xlogy": lambda v: sc.xlogy(v, 1.5 + v), "xlog1py": lambda v: sc.xlog1py(0.7, v),
                 "iv": lambda v: sc.iv(1.5, v),
                 "jv": lambda v: sc.jv(1.5, v)}.get(name) or getattr(sc, name)
    np.testing.assert_allclose(out.numpy(), reference(COMPLEX), rtol=1e-12)
    # holomorphic: grad is f'(z); JVP and VJP (the plain transpose) to second order
    grad = cr.grad(function, holomorphic=True)(cr.tensor(COMPLEX[0], dtype=cr.complex128))
    np.testing.assert_allclose(grad.item(), derivative(COMPLEX[0]), rtol=1e-10)
    assert check_grads(function, (z,), order=2, modes=("fwd", "rev"))


@needs_scipy
def test_array_likes_follow_numpy_and_lists_of_tensors_keep_their_gradients():
    x = f64([0.3, 1.2])
    grad = cr.grad(lambda x: cs.logsumexp([x[0], x[1], 0.5]))(x)
    np.testing.assert_allclose(grad.numpy(), np.exp(x.numpy() - sc.logsumexp([0.3, 1.2, 0.5])))
    grad = cr.grad(lambda x: cr.sum(cst.norm.logpdf([x[1], 2.0], x[0])))(x)
    np.testing.assert_allclose(grad.numpy(), [(1.2 - 0.3) + (2.0 - 0.3), -(1.2 - 0.3)])
    assert cs.xlogy(np.float32(0.5), 2.0).dtype == np.float32  # a Python float is weak
    assert cs.xlogy(np.float32(0.5), np.float64(2.0)).dtype == np.float64


@needs_scipy
def test_scipy_ufuncs_on_tensors_run_these_functions():
    # scipy.special's ufuncs reach Tensor.__array_ufunc__, which runs chainrule.scipy.special
    x = f64([0.3, 1.2])
    for name in ("gammaln", "erf", "ndtri", "log_ndtr", "expit", "entr", "j0", "y1", "rgamma"):
        got = cr.grad(lambda x: cr.sum(getattr(sc, name)(x * 0.5)))(x)
        want = cr.grad(lambda x: cr.sum(getattr(cs, name)(x * 0.5)))(x)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert isinstance(sc.xlogy(0.5, x), cr.Tensor) and isinstance(sc.gammainc(2.0, x), cr.Tensor)
    got = cr.grad(lambda x: cr.sum(sc.betainc(2.0, 3.0, x * 0.5) + sc.jv(1.5, x)))(x)
    want = cr.grad(lambda x: cr.sum(cs.betainc(2.0, 3.0, x * 0.5) + cs.jv(1.5, x)))(x)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@needs_scipy
def test_rgamma_derivatives_at_its_zeros():
    # 1/Γ(x) has simple zeros at x = -n with slope (-1)^n n!, and 1/Γ(x) = x + γx² + ...
    # near 0, so its second derivative there is 2γ (Euler's γ)
    zeros = f64([0.0, -1.0, -2.0, -3.0])
    slope = cr.grad(lambda x: cr.sum(cs.rgamma(x)))(zeros)
    np.testing.assert_allclose(slope.numpy(), [1.0, -1.0, 2.0, -6.0], rtol=1e-12)
    curvature = cr.grad(cr.grad(cs.rgamma))(f64(0.0))
    assert np.isclose(curvature.item(), 2 * np.euler_gamma, rtol=1e-12)
    fwd = cr.jacfwd(cr.jacfwd(cs.rgamma))(f64(0.0))
    assert np.isclose(fwd.item(), 2 * np.euler_gamma, rtol=1e-12)
    # away from the zeros it is -digamma(x) / Γ(x), on both sides of the branch at 1/2
    x = np.array([-2.5, 0.3, 0.5, 0.6, 4.0])
    slope = cr.grad(lambda x: cr.sum(cs.rgamma(x)))(f64(x))
    np.testing.assert_allclose(slope.numpy(), -sc.digamma(x) * sc.rgamma(x), rtol=1e-12)


@needs_scipy
def test_bessel_derivatives_are_bessel_functions():
    x = np.array([0.4, 1.7, 5.2])
    pairs = [(cs.j0, -sc.j1(x)), (cs.y0, -sc.y1(x)),
             (cs.j1, (sc.j0(x) - sc.jv(2, x)) / 2), (cs.y1, (sc.y0(x) - sc.yn(2, x)) / 2),
             (lambda x: cs.jv(2.5, x), (sc.jv(1.5, x) - sc.jv(3.5, x)) / 2),
             (lambda x: cs.yn(2, x), (sc.yn(1, x) - sc.yn(3, x)) / 2),
             (lambda x: cs.jn(0, x), -sc.j1(x))]
    for function, want in pairs:
        got = cr.grad(lambda x: cr.sum(function(x)))(f64(x))
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)
    # the second derivative satisfies Bessel's equation x²y'' + xy' + (x² - v²)y = 0
    for v in (0.0, 1.5):
        for function in (cs.jv, cs.yv):
            first = cr.grad(lambda x: cr.sum(function(v, x)))
            second = cr.grad(lambda x: cr.sum(first(x)))(f64(x)).numpy()
            value = function(v, x).numpy()
            residual = x * x * second + x * first(f64(x)).numpy() + (x * x - v * v) * value
            np.testing.assert_allclose(residual, 0.0, atol=1e-12)
    assert grads_ok(lambda x: cs.jv(0.5, x), x, order=3)


@needs_scipy
def test_betainc_is_differentiated_in_x_as_its_density():
    a, b = np.array([0.5, 2.0, 3.0]), 1.5
    x = np.array([0.2, 0.5, 0.9])
    got = cr.grad(lambda x: cr.sum(cs.betainc(a, b, x)))(f64(x))
    np.testing.assert_allclose(got.numpy(), ss.beta.pdf(x, a, b), rtol=1e-12)
    # a = b = 1 is the uniform distribution: the slope is exactly 1, at the ends too
    ends = cr.grad(lambda x: cr.sum(cs.betainc(1.0, 1.0, x)))(f64([0.0, 1.0]))
    np.testing.assert_array_equal(ends.numpy(), [1.0, 1.0])
    # the parameters broadcast against x, as in SciPy
    out = cs.betainc(np.array([[1.0], [2.0]]), b, x)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), sc.betainc([[1.0], [2.0]], b, x), rtol=1e-12)


@needs_scipy
def test_multigammaln_is_a_sum_of_gammalns():
    a = np.array([1.6, 2.3, 4.0])
    for d in (1, 2, 4):
        a_d = a + d
        np.testing.assert_allclose(cs.multigammaln(a_d, d).numpy(), sc.multigammaln(a_d, d),
                                   rtol=1e-12)
        got = cr.grad(lambda a: cr.sum(cs.multigammaln(a, d)))(f64(a_d))
        want = sum(sc.digamma(a_d - j / 2) for j in range(d))
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    assert cs.multigammaln(3.5, np.int64(2)).item() == pytest.approx(sc.multigammaln(3.5, 2))


@needs_scipy
def test_gammasgn_is_a_value_without_gradient():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 3.0])
    got = cs.gammasgn(f64(x).requires_grad_())
    np.testing.assert_array_equal(got.numpy(), sc.gammasgn(x))
    assert not got.requires_grad
    # so gamma = gammasgn · exp(gammaln) is differentiated through gammaln alone
    slope = cr.grad(lambda x: cr.sum(cs.gamma(x)))(f64(x))
    np.testing.assert_allclose(slope.numpy(), sc.gamma(x) * sc.digamma(x), rtol=1e-12)


# ---------------------------------------------------------------- errors


@needs_scipy
def test_new_functions_refuse_bad_parameters():
    a = f64(2.0).requires_grad_()
    for call, name in ((lambda: cs.betainc(a, 1.5, 0.3), "a"),
                       (lambda: cs.betainc(2.0, a, 0.3), "b")):
        with pytest.raises(NotImplementedError, match=rf"^betainc: the derivative with "
                                                      rf"respect to {name} is not "
                                                      rf"implemented; pass {name} as a "
                                                      rf"constant"):
            call()
    for function, name in ((cs.jv, "v"), (cs.yv, "v"), (cs.jn, "n"), (cs.yn, "n")):
        with pytest.raises(NotImplementedError, match=rf"the derivative with respect to "
                                                      rf"{name} is not implemented"):
            function(a, 1.0)
    with pytest.raises(TypeError, match=r"^rgamma: complex input \(dtype complex128, shape "
                                        r"\(2,\)\) is not supported: the derivative of 1/Γ "
                                        r"needs gammaln and polygamma of complex"):
        cs.rgamma(cr.tensor(COMPLEX[:2], dtype=cr.complex128))
    with pytest.raises(TypeError, match=r"^yn: n must be an integer order .*got 1.5; for a "
                                        r"real order use yv\(v, x\)"):
        cs.yn(1.5, 2.0)
    assert cs.betainc(a.detach(), 1.5, 0.3).item() == pytest.approx(sc.betainc(2.0, 1.5, 0.3))
    for d in (0, 1.5, np.array([1, 2]), f64(2.0), True):
        with pytest.raises(ValueError, match=r"^multigammaln: d must be a positive integer "
                                             r"\(the dimension\), got"):
            cs.multigammaln(3.0, d)
    with pytest.raises(ValueError, match=r"^multigammaln: every a must be > \(d - 1\)/2 = 1.0 "
                                         r"for d = 3, but the smallest is 0.9 \(a shape "
                                         r"\(2,\)\)"):
        cs.multigammaln([0.9, 2.0], 3)
    with pytest.raises(ValueError):  # SciPy refuses it too
        sc.multigammaln(np.array([0.9, 2.0]), 3)




@needs_scipy
def test_polygamma_refuses_bad_orders():
    with pytest.raises(ValueError, match=r"polygamma: n must be a non-negative integer .*got -1"):
        cs.polygamma(-1, 1.0)
    with pytest.raises(TypeError, match=r"polygamma: n must be an integer \(the order\), got 1.5"):
        cs.polygamma(1.5, 1.0)
    with pytest.raises(TypeError, match=r"n must be one integer .* shape \(2,\); for several "
                                        "orders call polygamma once per order"):
        cs.polygamma(np.array([1, 2]), 1.0)
    with pytest.raises(TypeError, match="polygamma: n must be one integer"):
        cs.polygamma(cr.tensor(1.0, requires_grad=True), 1.0)
    assert cs.polygamma(np.int64(1), 1.0).item() == pytest.approx(sc.polygamma(1, 1.0))


@needs_scipy
def test_bad_arguments_name_the_function():
    with pytest.raises(TypeError, match=r"^erf: cannot make a tensor from a string"):
        cs.erf("a")
    with pytest.raises(TypeError, match=r"^xlogy: expected a number, an array or a tensor, "
                                        r"got None"):
        cs.xlogy(None, 1.0)
    with pytest.raises(ValueError, match=r"^norm.logpdf: cannot make a tensor from this data"):
        cst.norm.logpdf([1.0, [2.0, 3.0]])
    with pytest.raises(TypeError, match=r"^t.logpdf: cannot make a tensor from a string"):
        cst.t.logpdf(1.0, "x")


@needs_scipy
def test_constant_parameters_refuse_gradients():
    a = f64(2.0).requires_grad_()
    with pytest.raises(NotImplementedError, match=r"gammainc: the derivative with respect to "
                                                  r"a is not implemented; pass a as a constant"):
        cs.gammainc(a, 1.0)
    with pytest.raises(NotImplementedError, match="iv: the derivative with respect to v"):
        cs.iv(a, 1.0)
    with pytest.raises(NotImplementedError, match="poisson.logpmf: the derivative with "
                                                  "respect to k"):
        cst.poisson.logpmf(a, 1.0)
    with pytest.raises(TypeError, match="gammainc: a must be a real number or array, got str"):
        cs.gammainc("2", 1.0)


@needs_scipy
def test_multivariate_normal_refuses_bad_covariances():
    logpdf = cst.multivariate_normal.logpdf
    with pytest.raises(ValueError, match=r"multivariate_normal.logpdf: the covariance matrix "
                                         r"must be symmetric positive semidefinite; its "
                                         r"smallest eigenvalue is -1 \(cov shape \(2, 2\)\)"):
        logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(np.linalg.LinAlgError, match=r"allow_singular=False the covariance "
                                                    r"matrix must be symmetric positive "
                                                    r"definite.*pass allow_singular=True"):
        logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(NotImplementedError, match="pseudo-determinant"):
        logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], allow_singular=True)
    with pytest.raises(ValueError, match=r"x has shape \(3,\); its last axis must have the "
                                         r"dimension 2"):
        logpdf([1.0, 2.0, 3.0], [0.0, 0.0], np.eye(2))
    with pytest.raises(ValueError, match=r"cov has shape \(3,\); for a 2-dimensional"):
        logpdf([1.0, 2.0], [0.0, 0.0], [1.0, 2.0, 3.0])
    # SciPy agrees on the kinds of error
    with pytest.raises(ValueError):
        ss.multivariate_normal.logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(np.linalg.LinAlgError):
        ss.multivariate_normal.logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]])


@needs_scipy
def test_dirichlet_refuses_points_off_the_simplex():
    with pytest.raises(ValueError, match=r"dirichlet.logpdf: x must lie on the simplex \(its "
                                         r"columns sum to 1\), but they sum to 0.899"):
        cst.dirichlet.logpdf([0.2, 0.7], [1.5, 2.0])
    with pytest.raises(ValueError, match="every concentration in alpha must be > 0"):
        cst.dirichlet.logpdf([0.2, 0.8], [1.5, -2.0])
    with pytest.raises(ValueError, match=r"x has shape \(4,\); with 2 concentrations"):
        cst.dirichlet.logpdf([0.2, 0.3, 0.4, 0.1], [1.5, 2.0])


# ---------------------------------------------------------------- distributions

X = np.array([-0.4, 0.3, 1.7])
INSIDE = np.array([0.15, 0.5, 0.8])  # (the support of beta, and of gamma after loc)

# (distribution, its arguments (x first), the methods called with them): every float
# argument is differentiated, but poisson's k (a count).
CALLS = [
    ("norm", (X, 0.2, 1.3), ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]),
    ("norm", (INSIDE, 0.2, 1.3), ["ppf", "isf"]),
    ("t", (X, 2.5, 0.2, 1.3), ["logpdf", "pdf"]),
    ("gamma", (X, 2.5, -0.6, 1.3), ["logpdf", "pdf"]),
    ("gamma", (X, 0.8, -0.6, 1.3), ["pdf"]),
    ("beta", (INSIDE, 2.5, 1.5, -0.1, 1.2), ["logpdf", "pdf"]),
    ("beta", (INSIDE, 0.7, 1.5, 0.0, 1.0), ["pdf"]),
    ("expon", (X, -0.6, 1.3), ["logpdf", "pdf", "cdf", "sf"]),
    ("laplace", (X, 0.2, 1.3), ["logpdf", "pdf", "cdf"]),
    ("cauchy", (X, 0.2, 1.3), ["logpdf", "pdf", "cdf"]),
    ("logistic", (X, 0.2, 1.3), ["logpdf", "pdf", "cdf"]),
    ("poisson", (np.array([0.0, 1.0, 4.0]), 1.7), ["logpmf", "pmf"]),
    ("poisson", (np.array([0.0, 1.5, 4.0]), 1.7), ["cdf", "sf"]),
]
DISTRIBUTIONS = [(name, method, args, (1,) if name == "poisson" else tuple(range(len(args))))
                 for name, args, methods in CALLS for method in methods]


def _label(case):
    return f"{case[0]}.{case[1]}"


@needs_scipy
@pytest.mark.parametrize("case", DISTRIBUTIONS, ids=_label)
def test_distribution_values_match_scipy(case):
    name, method, args, _ = case
    got = getattr(getattr(cst, name), method)(*args)
    want = getattr(getattr(ss, name), method)(*args)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-14)


@needs_scipy
@pytest.mark.parametrize("case", DISTRIBUTIONS, ids=_label)
def test_distribution_derivatives(case):
    name, method, args, differentiated = case
    function = getattr(getattr(cst, name), method)
    if name == "laplace":  # away from the kink at x = loc
        args = (args[0] + 0.05,) + args[1:]
    assert grads_in(function, args, differentiated)


@needs_scipy
def test_distributions_outside_their_support_and_parameters():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    for name, args in (("gamma", (1.0,)), ("gamma", (2.0,)), ("gamma", (0.5,)),
                       ("beta", (1.0, 2.0)), ("beta", (2.0, 1.0)), ("beta", (0.5, 0.5)),
                       ("expon", ()), ("norm", (0.0, -1.0)), ("t", (-1.0,)),
                       ("gamma", (-1.0,)), ("cauchy", (0.0, 0.0))):
        with np.errstate(all="ignore"):
            want = getattr(ss, name).logpdf(x, *args)
        np.testing.assert_allclose(getattr(cst, name).logpdf(x, *args).numpy(), want,
                                   rtol=1e-12, atol=1e-15, err_msg=f"{name}{args}")
    k = np.array([-1.0, 0.0, 2.5, 3.0])
    np.testing.assert_allclose(cst.poisson.logpmf(k, 1.7, 1).numpy(),
                               ss.poisson.logpmf(k, 1.7, 1))
    assert np.isnan(cst.poisson.logpmf(1.0, -1.0).item())
    # the branch outside the support gives no NaN to the gradient
    g = cr.grad(lambda x: cr.sum(cst.gamma.logpdf(x, 2.0)))(f64([-1.0, 0.5]))
    np.testing.assert_allclose(g.numpy(), [0.0, 1 / 0.5 - 1])


@needs_scipy
def test_frozen_distributions():
    frozen = cst.norm(0.2, scale=1.3)
    np.testing.assert_allclose(frozen.logpdf(X).numpy(), ss.norm(0.2, 1.3).logpdf(X))
    np.testing.assert_allclose(cst.t(2.5).pdf(X).numpy(), ss.t(2.5).pdf(X))
    assert "frozen chainrule.scipy.stats.norm" in repr(frozen)


COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]])
POINTS = RNG.standard_normal((4, 3))
MEAN = np.array([0.1, -0.3, 0.5])


@needs_scipy
@pytest.mark.parametrize("x, mean, cov", [
    (POINTS, MEAN, COV), (POINTS[0], MEAN, COV), (POINTS, None, COV),
    (POINTS, MEAN, 2.0), (POINTS, MEAN, np.array([2.0, 1.0, 0.5])),
    (np.array([0.3, 1.2]), 0.5, 2.0), (0.3, 0.5, 2.0), (POINTS.reshape(2, 2, 3), MEAN, COV),
], ids=["points", "one point", "no mean", "scalar cov", "diagonal cov", "1-d points",
        "0-d", "stacked points"])
def test_multivariate_normal_matches_scipy(x, mean, cov):
    got = cst.multivariate_normal.logpdf(x, mean, cov)
    want = ss.multivariate_normal.logpdf(x, mean, cov)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(cst.multivariate_normal.pdf(x, mean, cov).numpy(),
                               ss.multivariate_normal.pdf(x, mean, cov), rtol=1e-12)


@needs_scipy
def test_multivariate_normal_derivatives():
    assert grads_ok(lambda x, mean, cov: cst.multivariate_normal.logpdf(x, mean, cov),
                    POINTS[:2], MEAN, COV)
    # the gradient in cov is symmetric, and is (Σ⁻¹ d dᵀ Σ⁻¹ - Σ⁻¹) / 2 for one point
    g = cr.grad(lambda cov: cst.multivariate_normal.logpdf(POINTS[0], MEAN, cov))(f64(COV))
    inverse = np.linalg.inv(COV)
    d = inverse @ (POINTS[0] - MEAN)
    np.testing.assert_allclose(g.numpy(), 0.5 * (np.outer(d, d) - inverse), rtol=1e-10)
    assert grads_ok(lambda v: cst.multivariate_normal.logpdf(POINTS, MEAN, v), 1.7)


@needs_scipy
def test_multivariate_normal_under_vmap_and_hessian():
    covs = np.stack([COV, 2 * COV])
    batched = cr.vmap(lambda cov: cst.multivariate_normal.logpdf(POINTS[0], MEAN, cov))(
        f64(covs))
    np.testing.assert_allclose(batched.numpy(), [
        ss.multivariate_normal.logpdf(POINTS[0], MEAN, c) for c in covs], rtol=1e-12)
    hessian = cr.hessian(lambda x: cst.multivariate_normal.logpdf(x, MEAN, COV))(f64(POINTS[0]))
    np.testing.assert_allclose(hessian.numpy(), -np.linalg.inv(COV), rtol=1e-10)


@needs_scipy
def test_dirichlet():
    alpha = np.array([1.5, 2.0, 0.7])
    x = np.array([[0.2, 0.3], [0.5, 0.1], [0.3, 0.6]])
    np.testing.assert_allclose(cst.dirichlet.logpdf(x, alpha).numpy(),
                               ss.dirichlet.logpdf(x, alpha), rtol=1e-12)
    np.testing.assert_allclose(cst.dirichlet.pdf(x[:, 0], alpha).numpy(),
                               ss.dirichlet.pdf(x[:, 0], alpha), rtol=1e-12)
    # x by its first K - 1 rows (so that finite differences stay on the simplex)
    assert grads_ok(lambda x, alpha: cst.dirichlet.logpdf(x, alpha), x[:2], alpha)


# ---------------------------------------------------------------- cdfs, chi2, entropy

WIDE = np.array([-2.0, -0.6, -0.4, 0.3, 1.1, 1.7, 6.0])  # below and inside the supports
T_POINTS = np.array([-9.0, -1.1, 0.2, 0.2 + 1e-9, 0.9, 40.0])  # loc 0.2: the centre too

# (distribution, method, its arguments (x first), the indices differentiated): the shape
# parameters of the cdfs (through gammainc and betainc) are constants, as in autograd.
CDFS = [
    *[("gamma", method, (X, a, -0.6, 1.3), (0, 2, 3))
      for method in ("cdf", "sf", "logcdf") for a in (2.5, 0.8)],
    ("beta", "cdf", (INSIDE, 2.5, 1.5, -0.1, 1.2), (0, 3, 4)),
    ("beta", "cdf", (INSIDE, 0.7, 1.0, 0.0, 1.0), (0,)),
    *[("t", method, (X, df, 0.2, 1.3), (0, 2, 3))
      for method in ("cdf", "logcdf") for df in (2.5, 0.7, 30.0)],
    *[("chi2", method, (X, 3.0, -0.6, 1.3), (0, 1, 2, 3)) for method in ("logpdf", "pdf")],
    *[("chi2", method, (X, 3.0, -0.6, 1.3), (0, 2, 3)) for method in ("cdf", "logcdf", "sf")],
]


@needs_scipy
@pytest.mark.parametrize("case", CDFS, ids=_label)
def test_cdf_values_match_scipy(case):
    name, method, args, _ = case
    points = T_POINTS if name == "t" else WIDE
    for x in (points, points[2]):
        got = getattr(getattr(cst, name), method)(x, *args[1:])
        with np.errstate(divide="ignore"):
            want = getattr(getattr(ss, name), method)(x, *args[1:])
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-15)
    frozen = getattr(cst, name)(*args[1:])
    np.testing.assert_allclose(getattr(frozen, method)(points).numpy(),
                               getattr(getattr(ss, name)(*args[1:]), method)(points),
                               rtol=1e-12, atol=1e-15)


@needs_scipy
@pytest.mark.parametrize("case", CDFS, ids=_label)
def test_cdf_derivatives(case):
    name, method, args, differentiated = case
    assert grads_in(getattr(getattr(cst, name), method), args, differentiated)


@needs_scipy
@pytest.mark.parametrize("df", [0.7, 2.5, 30.0])
def test_t_cdf_derivative_is_the_t_pdf_through_the_centre(df):
    loc, scale = 0.2, 1.3
    points = f64(T_POINTS)
    g = cr.grad(lambda x: cr.sum(cst.t.cdf(x, df, loc, scale)))(points)
    np.testing.assert_allclose(g.numpy(), ss.t.pdf(T_POINTS, df, loc, scale), rtol=1e-12)
    # the second derivative, pdf' = -pdf (df + 1) z / (df + z²) / scale, is 0 at the centre
    z = (T_POINTS - loc) / scale
    want = -ss.t.pdf(T_POINTS, df, loc, scale) * (df + 1) * z / (df + z * z) / scale
    gg = cr.grad(lambda x: cr.sum(cr.grad(lambda y: cr.sum(cst.t.cdf(y, df, loc, scale)))(x)))(
        points)
    np.testing.assert_allclose(gg.numpy(), want, rtol=1e-10, atol=1e-15)
    assert gg.numpy()[2] == 0.0
    # and logcdf's derivative is pdf / cdf
    g = cr.grad(lambda x: cr.sum(cst.t.logcdf(x, df, loc, scale)))(points)
    np.testing.assert_allclose(g.numpy(), np.exp(ss.t.logpdf(T_POINTS, df, loc, scale)
                                                 - ss.t.logcdf(T_POINTS, df, loc, scale)),
                               rtol=1e-10)


@needs_scipy
def test_t_logcdf_in_the_lower_tail():
    x = np.array([-1e3, -1e8, -1e150])
    for df in (0.7, 2.5, 30.0):
        np.testing.assert_allclose(cst.t.logcdf(x, df).numpy(), ss.t.logcdf(x, df),
                                   rtol=1e-12)
    # far in the tail the cdf is tiny but its log and the log's slope stay finite
    g = cr.grad(lambda v: cr.sum(cst.t.logcdf(v, 2.5)))(f64([-1e3, -1e8]))
    np.testing.assert_allclose(g.numpy(), np.exp(ss.t.logpdf([-1e3, -1e8], 2.5)
                                                 - ss.t.logcdf([-1e3, -1e8], 2.5)), rtol=1e-10)


@needs_scipy
def test_cdfs_outside_their_support_and_parameters():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    with np.errstate(all="ignore"):
        for name, method, args in (
                ("gamma", "cdf", (2.0,)), ("gamma", "cdf", (0.5, 0.0, -1.0)),
                ("gamma", "sf", (-1.0,)), ("gamma", "logcdf", (1.0,)),
                ("beta", "cdf", (2.0, 0.5)), ("beta", "cdf", (-1.0, 2.0)),
                ("beta", "cdf", (2.0, 2.0, 0.0, 0.0)), ("t", "cdf", (-1.0,)),
                ("t", "logcdf", (2.0, 0.0, -2.0)), ("chi2", "cdf", (0.0,)),
                ("chi2", "logpdf", (-2.0,)), ("chi2", "sf", (3.0,))):
            np.testing.assert_allclose(
                getattr(getattr(cst, name), method)(x, *args).numpy(),
                getattr(getattr(ss, name), method)(x, *args), rtol=1e-12, atol=1e-15,
                err_msg=f"{name}.{method}{args}")
    # outside the support the gradient is 0, not NaN (the branch not taken is safe)
    for function, want in ((lambda v: cst.gamma.cdf(v, 2.0), [0.0, 0.5 * np.exp(-0.5)]),
                           (lambda v: cst.gamma.logcdf(v, 2.0), [0.0, None]),
                           (lambda v: cst.beta.cdf(v, 2.0, 3.0), [0.0, None])):
        g = cr.grad(lambda v: cr.sum(function(v)))(f64([-1.0, 0.5])).numpy()
        assert g[0] == 0.0 and np.isfinite(g[1])
        if want[1] is not None:
            np.testing.assert_allclose(g[1], want[1], rtol=1e-12)
    g = cr.grad(lambda v: cr.sum(cst.beta.cdf(v, 2.0, 3.0)))(f64([1.5])).numpy()
    assert g[0] == 0.0


@needs_scipy
def test_chi2_is_gamma_of_half_df_and_scale_two():
    x = f64(INSIDE * 4)
    for method in ("logpdf", "cdf", "sf"):
        np.testing.assert_allclose(getattr(cst.chi2, method)(x, 3.0, 0.1, 1.5).numpy(),
                                   getattr(cst.gamma, method)(x, 1.5, 0.1, 3.0).numpy(),
                                   rtol=1e-15)
    # d/d df logpdf = (log(z/2) - digamma(df/2)) / 2
    g = cr.grad(lambda df: cr.sum(cst.chi2.logpdf(INSIDE * 4, df)))(f64(3.0))
    np.testing.assert_allclose(g.item(), np.sum(np.log(INSIDE * 2) - sc.digamma(1.5)) / 2,
                               rtol=1e-12)


@needs_scipy
@pytest.mark.parametrize("mean, cov", [
    (None, COV), (MEAN, COV), (MEAN, 2.0), (MEAN, np.array([2.0, 1.0, 0.5])), (None, 2.0),
    (0.5, 1.7)], ids=["matrix", "with mean", "scalar cov", "diagonal cov", "1-d", "0-d mean"])
def test_multivariate_normal_entropy_matches_scipy(mean, cov):
    want = ss.multivariate_normal.entropy(mean, cov)
    got = cst.multivariate_normal.entropy(mean, cov)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-13)
    np.testing.assert_allclose(cst.multivariate_normal(mean, cov).entropy().numpy(), want,
                               rtol=1e-13)
    np.testing.assert_allclose(cst.multivariate_normal.entropy(cov=cov, mean=mean).numpy(),
                               want, rtol=1e-13)


@needs_scipy
def test_multivariate_normal_entropy_derivatives():
    assert grads_ok(lambda cov: cst.multivariate_normal.entropy(MEAN, cov), COV)
    assert grads_ok(lambda v: cst.multivariate_normal.entropy(MEAN, v), np.array([2.0, 1.0, 0.5]))
    assert grads_ok(lambda v: cst.multivariate_normal.entropy(MEAN, v), 1.7)
    # d/dΣ of log det Σ / 2 is Σ⁻¹ / 2 (symmetric)
    g = cr.grad(lambda cov: cst.multivariate_normal.entropy(None, cov))(f64(COV))
    np.testing.assert_allclose(g.numpy(), 0.5 * np.linalg.inv(COV), rtol=1e-12)


@needs_scipy
def test_cdfs_of_float32_inputs_stay_float32():
    x = INSIDE.astype(np.float32)
    for name, method, args, _ in CDFS:
        out = getattr(getattr(cst, name), method)(x, *args[1:])
        assert out.dtype == np.float32, f"{name}.{method}"
        np.testing.assert_allclose(out.numpy(), getattr(getattr(ss, name), method)(
            INSIDE, *args[1:]), rtol=2e-5, err_msg=f"{name}.{method}")


@needs_scipy
def test_cdfs_refuse_gradients_in_their_shape_parameters():
    shape = cr.tensor(2.5, dtype=cr.float64, requires_grad=True)
    for call, op, name in (
            (lambda: cst.gamma.cdf(X, shape), "gamma.cdf", "a"),
            (lambda: cst.gamma.sf(X, shape), "gamma.sf", "a"),
            (lambda: cst.gamma.logcdf(X, shape), "gamma.cdf", "a"),
            (lambda: cst.beta.cdf(INSIDE, shape, 1.5), "beta.cdf", "a"),
            (lambda: cst.beta.cdf(INSIDE, 1.5, shape), "beta.cdf", "b"),
            (lambda: cst.t.cdf(X, shape), "t.cdf", "df"),
            (lambda: cst.t.logcdf(X, shape), "t.logcdf", "df"),
            (lambda: cst.chi2.cdf(X, shape), "chi2.cdf", "df"),
            (lambda: cst.chi2(shape).sf(X), "chi2.sf", "df")):
        with pytest.raises(NotImplementedError,
                           match=rf"^{op}: the derivative with respect to {name} is not "
                                 rf"implemented; pass {name} as a constant"):
            call()
    # a shape parameter that does not require grad is taken as a constant
    np.testing.assert_allclose(cst.t.cdf(X, shape.detach()).numpy(), ss.t.cdf(X, 2.5),
                               rtol=1e-12)


@needs_scipy
def test_multivariate_normal_entropy_refuses_bad_covariances():
    with pytest.raises(NotImplementedError,
                       match=r"^multivariate_normal.entropy: a singular covariance matrix "
                             r"\(smallest eigenvalue 0, cov shape \(2, 2\)\) needs the "
                             r"pseudo-determinant, not implemented; add a small multiple"):
        cst.multivariate_normal.entropy(None, np.diag([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"^multivariate_normal.entropy: the covariance "
                                         r"matrix must be symmetric positive semidefinite"):
        cst.multivariate_normal.entropy(None, np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"^multivariate_normal.entropy: cov has shape "
                                         r"\(2, 3\); for a 3-dimensional distribution"):
        cst.multivariate_normal.entropy(MEAN, np.ones((2, 3)))


# ---------------------------------------------------------------- without SciPy


def _without_scipy(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter in which ``import scipy`` fails."""
    blocked = "import sys; sys.modules['scipy'] = None\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", blocked], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_without_scipy_the_modules_import_and_calls_say_how_to_install_it():
    run = _without_scipy("""
        import numpy as np
        import chainrule as cr
        import chainrule.ops.special
        from chainrule.scipy import special, stats
        print(special.expit(0.0).item(), special.logsumexp([0.0, 0.0]).item(),
              stats.norm.logpdf(0.0).item())
        for call in (lambda: special.gammaln(1.5), lambda: special.polygamma(1, 1.5),
                     lambda: stats.norm.cdf(0.0), lambda: stats.t.logpdf(0.0, np.array(2.0))):
            try:
                call()
            except ImportError as exc:
                print("ImportError:", exc)
    """)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert np.allclose([float(v) for v in lines[0].split()],
                       [0.5, np.log(2.0), -0.5 * np.log(2 * np.pi)], rtol=1e-15)
    assert len(lines) == 5
    assert lines[1].startswith("ImportError: gammaln: chainrule's special functions compute "
                               "with SciPy, which is not installed: pip install "
                               "chainrule[scipy]")
    assert lines[3].startswith("ImportError: norm.cdf: ") and lines[4].startswith(
        "ImportError: t.logpdf: ")
    assert all("pip install chainrule[scipy]" in line for line in lines[1:])


def test_without_scipy_the_property_tests_of_these_entries_skip_saying_why():
    run = _without_scipy("""
        import pytest
        raise SystemExit(pytest.main(["tests/test_properties.py", "-q", "-rs", "-p",
                                      "no:cacheprovider", "-k",
                                      "test_float64_derivatives and (gammaln or xlogy)"]))
    """)
    assert run.returncode == 0, run.stdout + run.stderr
    # "SKIPPED [2] <where>: <reason>": both entries' draws skipped, with the reason
    assert "SKIPPED [2] " in run.stdout and "passed" not in run.stdout
    assert ("SciPy is not installed, and the special functions compute with it: pip "
            "install chainrule[scipy]") in run.stdout
