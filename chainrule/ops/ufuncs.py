"""NumPy's other ufuncs: hypot, logaddexp(2), fmax/fmin, sinc, degrees/radians, fabs,
fmod, copysign, ldexp, nextafter, and the ones without a derivative (rint, heaviside,
bitwise and integer ufuncs...).

Each entry reads: name, NumPy forward, one VJP rule per input ``rule(g, ans, *inputs)``,
written in chainrule ops so that they differentiate again. Kinks and special points are
stated where a function has them.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..primitive import primitive
from ..tensor import Tensor
from .arithmetic import (absolute, logical_and, logical_not, logical_or, power, sign, trunc,
                         where)
from .compare import isnan
from .elementwise import cos, exp, exp2
from .shape import astype

PI = math.pi


def _binary(name, impl, rules, domain, save="inputs", jvp="elementwise"):
    return primitive(name, impl, rules, nin=2, save=save, jvp=jvp, batch="elementwise",
                     domain=domain)


# ---------------------------------------------------------------- smooth binary

def _safe(ans):
    """ans with its zeros replaced by 1, to divide by: at hypot(0, 0) the numerator is 0."""
    return where(ans == 0, 1, ans)


hypot = _binary("hypot", np.hypot, (
    lambda g, ans, x, y: g * x / _safe(ans),
    lambda g, ans, x, y: g * y / _safe(ans),
), ("nonzero", "nonzero"), save="both")
hypot.__doc__ = """sqrt(x² + y²) without overflow. Its derivative is (x, y) / hypot, taken
as 0 at the origin (its kink), as for the norm at the zero vector."""

# exp(x - ans) <= 1 never overflows, unlike exp(x) / (exp(x) + exp(y)).
logaddexp = _binary("logaddexp", np.logaddexp, (
    lambda g, ans, x, y: g * exp(x - ans),
    lambda g, ans, x, y: g * exp(y - ans),
), "real", save="both")
logaddexp.__doc__ = "log(exp(x) + exp(y)), computed without overflow."

logaddexp2 = _binary("logaddexp2", np.logaddexp2, (
    lambda g, ans, x, y: g * exp2(x - ans),
    lambda g, ans, x, y: g * exp2(y - ans),
), "real", save="both")
logaddexp2.__doc__ = "log2(2**x + 2**y), computed without overflow."


# ---------------------------------------------------------------- NaN-ignoring selection

def _select_rule(pick, wins_over):
    # The input that is chosen gets g: the other is NaN, or it loses the comparison. Ties
    # split g evenly (as maximum does), so fmax(x, x) has derivative 1.
    def rule(g, ans, x, y):
        mine, other = (x, y) if pick == 0 else (y, x)
        chosen = logical_and(logical_not(isnan(mine)),
                             logical_or(isnan(other), wins_over(mine, other)))
        return where(chosen, g, where(x == y, g * 0.5, 0))
    return rule


fmax = _binary("fmax", np.fmax,
               (_select_rule(0, operator.gt), _select_rule(1, operator.gt)), "distinct")
fmax.__doc__ = """Elementwise maximum that ignores NaN (the other input is taken). At ties
each input gets half the gradient."""
fmin = _binary("fmin", np.fmin,
               (_select_rule(0, operator.lt), _select_rule(1, operator.lt)), "distinct")
fmin.__doc__ = """Elementwise minimum that ignores NaN (the other input is taken). At ties
each input gets half the gradient."""


# ---------------------------------------------------------------- sinc

# Near 0 the closed form (cos(πx) - sinc(x)) / x of sinc' is 0/0, and its own derivatives
# cancel ever worse: below SINC_SERIES the Taylor series of sinc' is used, which is exact to
# rounding there (the first omitted term is below 1e-17) and differentiates to any order.
SINC_SERIES = 0.1
_SINC_COEFFICIENTS = [(-1) ** k * 2 * k * PI ** (2 * k) / math.factorial(2 * k + 1)
                      for k in range(1, 9)]


def _sinc_slope(x):
    """sinc'(x), as chainrule ops (so that it differentiates again)."""
    small = absolute(x) < SINC_SERIES
    x2 = x * x
    series = _SINC_COEFFICIENTS[-1]
    for c in reversed(_SINC_COEFFICIENTS[:-1]):
        series = series * x2 + c
    series = series * x
    away = where(small, 1.0, x)  # no 0/0 on the branch that where() discards
    closed = (cos(away * PI) - sinc(away)) / away
    return where(small, series, closed)


sinc = primitive("sinc", np.sinc, (lambda g, ans, x: g * _sinc_slope(x),),
                 jvp="elementwise", batch="elementwise", domain="real")
sinc.__doc__ = """sin(πx) / (πx), 1 at 0 (NumPy's normalized sinc). Its derivative at 0 is
0, its second derivative there -π²/3."""


# ---------------------------------------------------------------- linear and sign-like

deg2rad = primitive("deg2rad", np.deg2rad, (lambda g, ans, x: g * (PI / 180),),
                    save="none", jvp="elementwise", batch="elementwise", domain="real")
deg2rad.__doc__ = "Degrees to radians (NumPy's radians)."
rad2deg = primitive("rad2deg", np.rad2deg, (lambda g, ans, x: g * (180 / PI),),
                    save="none", jvp="elementwise", batch="elementwise", domain="real")
rad2deg.__doc__ = "Radians to degrees (NumPy's degrees)."

fabs = primitive("fabs", np.fabs, (lambda g, ans, x: g * sign(x),), jvp="elementwise",
                 batch="elementwise", domain="nonzero")
fabs.__doc__ = "|x| of real x. Its derivative is sign(x), taken as 0 at x = 0."


def _fmod_divisor(g, ans, x, y):
    return g * -trunc(x / y)


fmod = _binary("fmod", np.fmod, (lambda g, ans, x, y: g, _fmod_divisor),
               ("real", "above_one"))
fmod.__doc__ = """x mod y with the sign of x (C's fmod). Derivative 1 in x and -trunc(x / y)
in y, away from the jumps."""


def _sign_of(y):
    """±1 by y's sign bit (so -0.0 counts as negative, as in copysign)."""
    return where(signbit(y), -1.0, 1.0)


def _copysign_x(g, ans, x, y):
    return g * (sign(x) * _sign_of(y))


# In y, copysign is piecewise constant: its derivative there is 0 (None), not recorded.
copysign = _binary("copysign", np.copysign, (_copysign_x, lambda g, ans, x, y: None),
                   ("nonzero", "nonzero"))
copysign.__doc__ = """|x| with the sign of y. Differentiated in x only (in y it is piecewise
constant); the derivative in x at x = 0 is taken as 0, as for abs."""


# x · 2**n is linear in x; n is an integer, not differentiated ('boolean' in the tests:
# exponents 0 and 1). Its rule is None, which the elementwise JVP skips.
ldexp_p = _binary("ldexp", np.ldexp, (lambda g, ans, x, n: ldexp_p(g, n), None),
                  ("real", "boolean"))


def ldexp(x, n):
    """x · 2**n for integer n; differentiated in x."""
    if isinstance(n, int | np.integer) and not isinstance(n, bool):
        n = np.asarray(n)  # an integer array: a Python int would be made x's float dtype
    return ldexp_p(x, n)


# nextafter moves x by one unit in the last place: its derivative in x is 1, in y 0.
nextafter = _binary("nextafter", np.nextafter, (lambda g, ans, x, y: g,
                                                lambda g, ans, x, y: None),
                    ("real", "real"), save="none")
nextafter.__doc__ = """The next float after x towards y. Derivative 1 in x, 0 in y."""


def float_power(x, y):
    """x ** y computed in float64 (complex128 for complex inputs), as NumPy's
    float_power; its derivatives are power's."""
    return power(_as_wide(x), _as_wide(y))


def _as_wide(value):
    if isinstance(value, Tensor | np.ndarray):
        wide = np.complex128 if value.dtype.kind == "c" else np.float64
        return value if value.dtype == wide else astype(value, wide)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return np.float64(value)
    return value


# ---------------------------------------------------------------- not differentiable
# Piecewise constant or integer-valued: their outputs do not require grad.

def _nondiff(name, impl, what):
    op = primitive(name, impl, None, nin=impl.nin, batch="elementwise")
    op.__doc__ = f"{what}. Not differentiable: the result does not require grad."
    return op


rint = _nondiff("rint", np.rint, "x rounded to the nearest integer, halves to even")
heaviside = _nondiff("heaviside", np.heaviside, "The step function: 0, x2 at 0, 1")
signbit = _nondiff("signbit", np.signbit, "Whether the sign bit is set (True for -0.0)")
bitwise_and = _nondiff("bitwise_and", np.bitwise_and, "Bitwise and of integers or booleans")
bitwise_or = _nondiff("bitwise_or", np.bitwise_or, "Bitwise or of integers or booleans")
bitwise_xor = _nondiff("bitwise_xor", np.bitwise_xor, "Bitwise xor of integers or booleans")
invert = _nondiff("invert", np.invert, "Bitwise not of integers or booleans")
left_shift = _nondiff("left_shift", np.left_shift, "Integer bits shifted left")
right_shift = _nondiff("right_shift", np.right_shift, "Integer bits shifted right")
gcd = _nondiff("gcd", np.gcd, "Greatest common divisor of integers")
lcm = _nondiff("lcm", np.lcm, "Least common multiple of integers")
isnat = _nondiff("isnat", np.isnat, "Whether a datetime is NaT")
if hasattr(np, "bitwise_count"):  # NumPy 2
    bitwise_count = _nondiff("bitwise_count", np.bitwise_count, "The number of 1 bits")
