"""Special functions (SciPy's forwards), one entry each: gammaln, digamma, polygamma, erf,
erfc, erfinv, ndtri, ndtr, log_ndtr, xlogy, xlog1py, i0, i1, iv, ive, gammainc, gammaincc,
j0, j1, jv, y0, y1, yv, yn, rgamma, betainc.

SciPy is an optional extra: this module imports without it (the property tests walk
every module of chainrule.ops), and SciPy is imported on the first call. The rules are
written in chainrule ops, each in terms of the table's own entries (the derivative of
polygamma n is polygamma n + 1, of iv v is made of iv v ± 1), so every order works.

Parameters that are not differentiated come after the tensor input (``polygamma_p(x, n)``,
``iv_p(x, v)``, ``gammainc_p(x, a)``, ``betainc_p(x, a, b)``); ``chainrule.scipy.special``
gives them SciPy's order and checks them. Complex inputs: erf, erfc, ndtr, log_ndtr, xlogy,
xlog1py, iv, jv and yv take them as SciPy does; their rules, g · f'(z), are holomorphic
(JAX's convention). Domains: "positive" (0.5, 2), "unit" (-0.8, 0.8), "real", and
"probability" (0.1, 0.9) for ndtri and betainc, whose arguments are probabilities.
"""
from __future__ import annotations

import math

import numpy as np

from ..primitive import primitive
from .arithmetic import logical_and, sign, where
from .compare import equal, greater
from .elementwise import cos, exp, log, log1p, sin

SQRT_PI_HALF = math.sqrt(math.pi) / 2
TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2 * math.pi)
INSTALL = "pip install chainrule[scipy] (or pip install scipy)"

_module: list = []


def scipy_special():
    """scipy.special, imported on first use; ImportError saying how to install it."""
    if not _module:
        try:
            import scipy.special
        except ImportError:
            raise ImportError("chainrule's special functions compute with SciPy, which is "
                              f"not installed: {INSTALL}") from None
        _module.append(scipy.special)
    return _module[0]


def have_scipy() -> bool:
    try:
        scipy_special()
    except ImportError:
        return False
    return True


def _dtype(x) -> np.dtype:
    dtype = np.asarray(x).dtype if not hasattr(x, "dtype") else np.dtype(x.dtype)
    return dtype if dtype.kind in "fc" else np.dtype(np.float64)


def _as(out, x):
    """SciPy's result in x's float (or complex) dtype (polygamma, and float64 parameters
    next to a float32 x, would promote)."""
    return np.asarray(out).astype(_dtype(x), copy=False)


def _forward(name):
    """The forward of a one-argument entry: SciPy's function of that name."""
    def impl(x):
        return _as(getattr(scipy_special(), name)(x), x)
    impl.__name__ = impl.__qualname__ = f"scipy.special.{name}"
    return impl


def _forward_with(name, cast=False):
    """The forward of an entry with parameters after x (``impl(x, *parameters)``): SciPy's
    function of that name, parameters first as SciPy takes them. ``cast``: float
    parameters in x's dtype, so that a float32 x is computed in float32 (not for integer
    orders such as yn's n)."""
    def impl(x, *parameters):
        if cast:
            parameters = [np.asarray(p, dtype=_dtype(x)) for p in parameters]
        return _as(getattr(scipy_special(), name)(*parameters, x), x)
    impl.__name__ = impl.__qualname__ = f"scipy.special.{name}"
    return impl


def _special(name, impl, rule, save="inputs", domain="positive", doc=None):
    op = primitive(name, impl, (rule,), save=save, domain=domain, jvp="elementwise",
                   batch="elementwise")
    op.__doc__ = doc or f"SciPy's {name}, elementwise."
    return op


# ---------------------------------------------------------------- gamma family


gammaln = _special("gammaln", _forward("gammaln"), lambda g, ans, x: g * digamma(x),
                   doc="log|Γ(x)|; its derivative is digamma.")
digamma = _special("digamma", _forward("digamma"), lambda g, ans, x: g * polygamma_p(x, 1),
                   doc="ψ(x) = d/dx log Γ(x); its derivative is polygamma(1, x).")
polygamma_p = _special("polygamma", _forward_with("polygamma"),
                       lambda g, ans, x, n: g * polygamma_p(x, n + 1),
                       doc="polygamma_p(x, n): the n-th derivative of digamma (an int n >= 0).")


def _gammainc_density(x, a):
    """d/dx P(a, x) = x^(a-1) e^(-x) / Γ(a). ``a`` is a constant: plain NumPy on it."""
    a = np.asarray(a, dtype=_dtype(x))
    return exp(xlogy(a - 1, x) - x - _as(scipy_special().gammaln(a), x))


gammainc_p = _special("gammainc", _forward_with("gammainc", cast=True),
                      lambda g, ans, x, a: g * _gammainc_density(x, a),
                      doc="gammainc_p(x, a): the regularized lower incomplete gamma P(a, x), "
                          "differentiated in x only.")
gammaincc_p = _special("gammaincc", _forward_with("gammaincc", cast=True),
                       lambda g, ans, x, a: -(g * _gammainc_density(x, a)),
                       doc="gammaincc_p(x, a): Q(a, x) = 1 - P(a, x), differentiated in x only.")

# ---------------------------------------------------------------- error function, normal


def _erf_slope(x):
    """d/dx erf(x) = 2/√π e^(-x²) (and erfc's is its negative)."""
    return exp(-(x * x)) * TWO_OVER_SQRT_PI


erf = _special("erf", _forward("erf"), lambda g, ans, x: g * _erf_slope(x), domain="real")
erfc = _special("erfc", _forward("erfc"), lambda g, ans, x: -(g * _erf_slope(x)),
                domain="real")
erfinv = _special("erfinv", _forward("erfinv"),
                  lambda g, ans, x: g * (exp(ans * ans) * SQRT_PI_HALF),
                  save="output", domain="unit", doc="The inverse of erf on (-1, 1).")
ndtri = _special("ndtri", _forward("ndtri"),
                 lambda g, ans, x: g * (exp(ans * ans * 0.5) * SQRT_2PI),
                 save="output", domain="probability",
                 doc="The standard normal quantile: the inverse of ndtr on (0, 1).")
ndtr = _special("ndtr", _forward("ndtr"),
                lambda g, ans, x: g * (exp(x * x * -0.5) * (1 / SQRT_2PI)),
                domain="real", doc="The standard normal CDF.")
# φ(x) / Φ(x) as exp(-x²/2 - log Φ(x)): no 0 / 0 far in the lower tail.
log_ndtr = _special("log_ndtr", _forward("log_ndtr"),
                    lambda g, ans, x: g * (exp(x * x * -0.5 - ans) * (1 / SQRT_2PI)),
                    save="both", domain="real", doc="log of the standard normal CDF, accurate "
                                                    "in both tails.")


# ---------------------------------------------------------------- x log y


def _xlogy_impl(x, y):
    return scipy_special().xlogy(x, y)


def _xlog1py_impl(x, y):
    return scipy_special().xlog1py(x, y)


def _ratio(x, y):
    """x / y, 0 where x = y = 0: d/dy of x·log y at x = 0 is 0 even at y = 0 (the
    0·log 0 = 0 convention). Only the point (0, 0) is guarded, so the derivatives of
    x / y in x and y stay exact everywhere else."""
    return x / where(logical_and(equal(x, 0), equal(y, 0)), 1.0, y)


xlogy = primitive("xlogy", _xlogy_impl, (
    lambda g, ans, x, y: g * log(y),
    lambda g, ans, x, y: g * _ratio(x, y),
), nin=2, jvp="elementwise", batch="elementwise", domain=("real", "positive"))
xlogy.__doc__ = "x·log(y), 0 where x = 0 (whatever y)."

xlog1py = primitive("xlog1py", _xlog1py_impl, (
    lambda g, ans, x, y: g * log1p(y),
    lambda g, ans, x, y: g * _ratio(x, 1 + y),
), nin=2, jvp="elementwise", batch="elementwise", domain=("real", "unit"))
xlog1py.__doc__ = "x·log(1 + y), 0 where x = 0 (whatever y)."

# ---------------------------------------------------------------- modified Bessel


def _tiny_x(out, x, v):
    """SciPy's iv and ive give NaN for |x| near the smallest normal float (1e-308);
    there both are (x/2)^v / Γ(v + 1), the first term of the series (I_{-n} = I_n)."""
    bad = np.isnan(out) & (np.abs(x) < 1e-100)
    if not np.any(bad):
        return out
    order = abs(v) if float(v).is_integer() else v
    with np.errstate(all="ignore"):
        first = np.power(np.asarray(x) / 2, order) / scipy_special().gamma(order + 1)
    return np.where(bad, first, out)


def _iv_impl(x, v):
    return _as(_tiny_x(scipy_special().iv(v, x), x, v), x)


def _ive_impl(x, v):
    return _as(_tiny_x(scipy_special().ive(v, x), x, v), x)


# I_v' = (I_{v-1} + I_{v+1}) / 2, so i1' = (i0 + I_2) / 2 (not i0 - i1 / x: 0 / 0 at 0).
i0 = _special("i0", _forward("i0"), lambda g, ans, x: g * i1(x), domain="real",
              doc="The modified Bessel function of the first kind, order 0.")
i1 = _special("i1", _forward("i1"), lambda g, ans, x: g * ((i0(x) + iv_p(x, 2.0)) * 0.5),
              domain="real", doc="The modified Bessel function of the first kind, order 1.")
iv_p = _special("iv", _iv_impl,
                lambda g, ans, x, v: g * ((iv_p(x, v - 1) + iv_p(x, v + 1)) * 0.5),
                doc="iv_p(x, v): the modified Bessel function of the first kind of real "
                    "order v (not differentiated in v).")
# ive = iv·e^{-|x|}: its derivative adds -sign(x)·ive.
ive_p = _special("ive", _ive_impl,
               lambda g, ans, x, v: g * ((ive_p(x, v - 1) + ive_p(x, v + 1)) * 0.5
                                         - sign(x) * ans),
               save="both", doc="ive_p(x, v): iv scaled by exp(-|x|) (not differentiated in v).")


# For chainrule.scipy's gamma and beta, which are sign · exp(gammaln).
gammasgn = primitive("gammasgn", _forward("gammasgn"), None, batch="elementwise")
gammasgn.__doc__ = ("The sign of Γ(x): constant between the poles, so not differentiated (its "
                    "result never requires grad).")


# ---------------------------------------------------------------- Bessel, first and second kind
#
# J_v' = (J_{v-1} - J_{v+1}) / 2, and the same for Y_v (so j0' = -j1, y0' = -y1): each rule
# is made of the table's own entries, so every order works. Y_v has a pole at 0 (domain
# positive x), and so has J_v of non-integer order for x < 0 (SciPy gives NaN there).


j0 = _special("j0", _forward("j0"), lambda g, ans, x: -(g * j1(x)), domain="real",
              doc="The Bessel function of the first kind, order 0.")
j1 = _special("j1", _forward("j1"), lambda g, ans, x: g * ((j0(x) - jv_p(x, 2.0)) * 0.5),
              domain="real", doc="The Bessel function of the first kind, order 1.")
y0 = _special("y0", _forward("y0"), lambda g, ans, x: -(g * y1(x)),
              doc="The Bessel function of the second kind, order 0 (x > 0).")
y1 = _special("y1", _forward("y1"), lambda g, ans, x: g * ((y0(x) - yv_p(x, 2.0)) * 0.5),
              doc="The Bessel function of the second kind, order 1 (x > 0).")
jv_p = _special("jv", _forward_with("jv"),
                lambda g, ans, x, v: g * ((jv_p(x, v - 1) - jv_p(x, v + 1)) * 0.5),
                doc="jv_p(x, v): the Bessel function of the first kind of real order v (not "
                    "differentiated in v).")
yv_p = _special("yv", _forward_with("yv"),
                lambda g, ans, x, v: g * ((yv_p(x, v - 1) - yv_p(x, v + 1)) * 0.5),
                doc="yv_p(x, v): the Bessel function of the second kind of real order v "
                    "(x > 0; not differentiated in v).")
yn_p = _special("yn", _forward_with("yn"),
                lambda g, ans, x, n: g * ((yn_p(x, n - 1) - yn_p(x, n + 1)) * 0.5),
                doc="yn_p(x, n): the Bessel function of the second kind of integer order n "
                    "(x > 0; SciPy's integer-order algorithm).")


# ---------------------------------------------------------------- 1 / Γ


def _rgamma_slope(x):
    """d/dx 1/Γ(x), finite everywhere: 1/Γ is entire, with simple zeros at 0, -1, -2, ...
    where -digamma(x)/Γ(x) is NaN (∞ · 0). Above 1/2 it is -digamma(x) e^{-gammaln(x)}
    (Γ > 0 there); below, by the reflection 1/Γ(x) = sin(πx) Γ(1 - x) / π with Γ(1 - x) > 0,
    it is e^{gammaln(1 - x)} (cos(πx) - sin(πx) digamma(1 - x) / π), smooth through the
    zeros. Each branch reads x only where it is taken (elsewhere a safe point), so the
    branch not taken gives no NaN to any higher derivative."""
    upper = greater(x, 0.5)
    high = where(upper, x, 1.0)
    low = where(upper, 0.0, x)
    above = -(digamma(high) * exp(-gammaln(high)))
    reflected = 1 - low
    below = exp(gammaln(reflected)) * (cos(low * math.pi)
                                       - sin(low * math.pi) * digamma(reflected) * (1 / math.pi))
    return where(upper, above, below)


rgamma = _special("rgamma", _forward("rgamma"), lambda g, ans, x: g * _rgamma_slope(x),
                  domain="real", doc="1/Γ(x), 0 at the poles of Γ (0, -1, -2, ...); its "
                                     "derivative is -digamma(x)/Γ(x), finite at those zeros.")


# ---------------------------------------------------------------- regularized incomplete beta


def _betainc_density(x, a, b):
    """d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b); a and b are constants (plain NumPy
    on them). xlogy and xlog1py keep a = 1 or b = 1 exact at the ends x = 0 and x = 1."""
    a = np.asarray(a, dtype=_dtype(x))
    b = np.asarray(b, dtype=_dtype(x))
    log_beta = _as(scipy_special().betaln(a, b), x)
    return exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - log_beta)


betainc_p = _special("betainc", _forward_with("betainc", cast=True),
                     lambda g, ans, x, a, b: g * _betainc_density(x, a, b),
                     domain="probability",
                     doc="betainc_p(x, a, b): the regularized incomplete beta function "
                         "I_x(a, b), differentiated in x only.")
