"""Arithmetic: the binary operators, selection (maximum, minimum, where, clip) and rounding.

Each entry reads: name, NumPy forward, then one VJP rule per input,
``rule(g, ans, *inputs)``. Rules are written in these same ops, so they differentiate
again. Kink conventions are stated where a function has one.
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import inspect

import numpy as np

from .. import backward
from ..primitive import into, primitive
from ..tensor import Tensor


def _is_zero_free_constant(y) -> bool:
    """True when y is a constant (not recorded) exponent with no zeros: no guard needed."""
    if isinstance(y, Tensor):
        return False
    return not np.any(np.asarray(y) == 0)


def _where0(mask, g):
    """g where mask holds, zero elsewhere (in g's dtype)."""
    return where(mask, g, 0)


# ---------------------------------------------------------------- the four operations

add = primitive("add", np.add, (
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: g,
), nin=2, save="none", aliases=True, jvp="elementwise", batch="elementwise",
    domain="real")

def subtract_from(prev, g, *_) -> bool:
    """Accumulating variant of a rule whose cotangent is -g."""
    if prev.shape != g.shape:
        return False
    np.subtract(prev, g, out=prev, casting="unsafe")
    return True


def _subtract_jvp(tangents, ans, x, y):
    # t0 - t1 in one pass (the elementwise shorthand would negate, then add)
    t0, t1 = tangents
    if t1 is None:
        return t0
    return -t1 if t0 is None else subtract(t0, t1)


subtract = primitive("subtract", np.subtract, (
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g,
), nin=2, save="none", aliases=True, backward_name="SubBackward", jvp=_subtract_jvp,
    batch="elementwise", accumulate=(None, subtract_from), domain="real")


def _times(g, y):
    """g * y, the cotangent of one factor of a product. When g is a large array of ones
    spread from one value (the cotangent of a sum, as in sum(a * b)), y itself, as a
    read-only view so that the sweep never writes into it: a pass over memory saved."""
    if (type(g) is np.ndarray and g.size >= backward.DONATE_SIZE and g.base is not None
            and type(y) is np.ndarray and y.shape == g.shape and y.dtype == g.dtype
            and not any(g.strides) and g.flat[0] == 1):
        view = y.view()
        view.flags.writeable = False
        return view
    return g * y


multiply = primitive("multiply", np.multiply, (
    lambda g, ans, x, y: _times(g, y),
    lambda g, ans, x, y: _times(g, x),
), nin=2, backward_name="MulBackward", donate=(
    lambda g, ans, x, y: into(np.multiply, g, y),
    lambda g, ans, x, y: into(np.multiply, g, x),
), jvp="elementwise", batch="elementwise", domain="real")

divide = primitive("divide", np.true_divide, (
    lambda g, ans, x, y: g / y,
    lambda g, ans, x, y: -g * x / (y * y),
), nin=2, backward_name="DivBackward", donate=(
    lambda g, ans, x, y: into(np.divide, g, y),
    None,
), jvp="elementwise", batch="elementwise", domain=("real", "nonzero"))

negative = primitive("negative", np.negative, (
    lambda g, ans, x: -g,
), save="none", backward_name="NegBackward", donate=(lambda g, ans, x: np.negative(g, out=g),),
    jvp="elementwise", batch="elementwise", accumulate=(subtract_from,), domain="real")


def _power_base(g, ans, x, y):
    # g is scaled first: when g is a constant (the tangent in a Hessian-vector product,
    # the seed of a double backward) that product is not recorded, one node fewer.
    if _is_zero_free_constant(y):
        if np.ndim(y) == 0 and y == 2.0:
            return (g * 2.0) * x  # the common square: two passes, not three
        return (g * y) * power(x, y - 1)
    # x**0 is constant: its derivative is 0 even at x = 0, where y * x**(y-1) is 0 * inf.
    # Only there is the base moved (to 1): elsewhere y * x**(y-1) keeps its dependence on
    # y, so that the mixed second derivative at y = 0 is x**-1, not 0.
    base = where(y == 0, where(x == 0, 1, x), x)
    return (g * y) * power(base, y - 1)


def _power_exponent(g, ans, x, y):
    # d/dy x**y = x**y log x; at x = 0 (and y > 0) the value is 0, so is the derivative.
    return g * ans * log(where(x == 0, 1, x))


power = primitive("power", np.power, (_power_base, _power_exponent),
                  nin=2, save="both", backward_name="PowBackward", jvp="elementwise", batch="elementwise",
                  domain=("positive", "real"))
power.__doc__ = """x ** y. Derivative in x: y·x**(y-1) (0 where y == 0); in y: x**y·log x
(0 where x == 0)."""


def reciprocal(x: ArrayLike) -> Array:
    """1 / x."""
    return divide(1.0, x)


def square(x: ArrayLike) -> Array:
    """x * x."""
    return multiply(x, x)


alias = primitive("alias", lambda x: x, (lambda g, ans, x: g,), save="none", aliases=True,
                  view=True, jvp="linear", batch="elementwise", backward_name="AliasBackward",
                  domain="real")
alias.__doc__ = """The same values as a new tensor of the graph (an identity that is recorded).
Transforms use it to give their inputs an identity of their own."""


def zeros_like_op(x):
    """Zeros with the (logical) shape and dtype of x, as a plain array."""
    return np.zeros(np.shape(x), dtype=getattr(x, "dtype", None) or np.asarray(x).dtype)


copy = primitive("copy", np.copy, (lambda g, ans, x: g,), save="none", aliases=True,
                 backward_name="CloneBackward", jvp="linear", batch="elementwise", domain="real")


# ---------------------------------------------------------------- selection

def _maximum_rule(pick):
    # Ties split the gradient evenly between the two inputs (the convention of JAX and
    # PyTorch), so maximum(x, x) has derivative 1, as x does.
    def rule(g, ans, x, y):
        if pick == 0:
            wins, ties = x > y, x == y
        else:
            wins, ties = y > x, x == y
        return where(wins, g, where(ties, g * 0.5, 0))
    return rule


def _minimum_rule(pick):
    def rule(g, ans, x, y):
        if pick == 0:
            wins, ties = x < y, x == y
        else:
            wins, ties = y < x, x == y
        return where(wins, g, where(ties, g * 0.5, 0))
    return rule


maximum = primitive("maximum", np.maximum, (_maximum_rule(0), _maximum_rule(1)), nin=2, jvp="elementwise", batch="elementwise",
                    domain="distinct")
maximum.__doc__ = "Elementwise maximum. At ties each input gets half the gradient."
minimum = primitive("minimum", np.minimum, (_minimum_rule(0), _minimum_rule(1)), nin=2, jvp="elementwise", batch="elementwise",
                    domain="distinct")
minimum.__doc__ = "Elementwise minimum. At ties each input gets half the gradient."


def _where_impl(condition, x, y):
    return np.where(condition, x, y)


where = primitive("where", _where_impl, (
    None,
    lambda g, ans, c, x, y: where(c, g, 0),
    lambda g, ans, c, x, y: where(c, 0, g),
), nin=3, jvp="elementwise", batch="elementwise", domain=("boolean", "real", "real"))
where.__doc__ = "x where condition holds, else y. The condition is not differentiated."
where.__signature__ = inspect.signature(lambda condition, x, y: None)


def _clip_impl(x, lo, hi):
    return np.clip(x, lo, hi)


def _clip_x(g, ans, x, lo, hi):
    # Inside [lo, hi], boundaries included, the gradient passes (PyTorch's convention).
    if lo is None:
        return where(x <= hi, g, 0)
    if hi is None:
        return where(x >= lo, g, 0)
    return where(logical_and(x >= lo, x <= hi), g, 0)


def _clip_lo(g, ans, x, lo, hi):
    # clip is minimum(maximum(x, lo), hi): lo wins where x < lo, unless hi is lower still.
    below = x < lo
    return where(below if hi is None else logical_and(below, lo <= hi), g, 0)


def _clip_hi(g, ans, x, lo, hi):
    above = x > hi
    return where(above if lo is None else logical_or(above, lo > hi), g, 0)


clip_p = primitive("clip", _clip_impl, (_clip_x, _clip_lo, _clip_hi), nin=3,
                   backward_name="ClampBackward", jvp="elementwise", batch="elementwise",
                   domain="distinct")


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Array:
    """Limit a to [a_min, a_max] (either may be None). The gradient passes where
    a_min <= a <= a_max, boundaries included, and goes to the bound where a lies outside."""
    if a_min is None and a_max is None:
        raise ValueError("clip: give a_min, a_max or both")
    return clip_p(a, a_min, a_max)


def _abs_rule(g, ans, x):
    if x.dtype.kind == "c":  # d|z| = Re(conj(z)·dz) / |z|, whose transpose is g·conj(z)/|z|
        from .complex import conj, unit
        return g * conj(unit(x))
    return g * sign(x)


def _abs_jvp(tangents, ans, x):
    if x.dtype.kind == "c":
        from .complex import conj, real, unit
        return real(conj(unit(x)) * tangents[0])
    return tangents[0] * sign(x)


absolute = primitive("absolute", np.absolute, (_abs_rule,), backward_name="AbsBackward",
                     jvp=_abs_jvp, batch="elementwise", domain="nonzero")
absolute.__doc__ = ("|x|. Its derivative is sign(x), taken as 0 at x = 0; for complex x "
                    "the cotangent is g·conj(x)/|x| (0 at 0).")

# ---------------------------------------------------------------- not differentiable
# Piecewise constant: their derivative is zero wherever it exists, so their outputs do
# not require grad and gradients do not flow through them.

sign = primitive("sign", np.sign, None, batch="elementwise")
floor = primitive("floor", np.floor, None, batch="elementwise")
ceil = primitive("ceil", np.ceil, None, batch="elementwise")
trunc = primitive("trunc", np.trunc, None, batch="elementwise")


def _round_impl(x, decimals):
    return np.round(x, decimals)


round_ = primitive("round", _round_impl, None, nin=1, batch="elementwise")

for _op, _what in ((sign, "the sign of x (-1, 0 or 1)"), (floor, "the largest integer <= x"),
                   (ceil, "the smallest integer >= x"), (trunc, "x rounded towards zero"),
                   (round_, "x rounded to ``decimals`` places, halves to even")):
    _op.__doc__ = (f"{_what[0].upper()}{_what[1:]}. Not differentiable (piecewise constant): "
                   "the result does not require grad and no gradient flows through it.")
del _op, _what


def round(x: ArrayLike, decimals: int = 0) -> Array:  # noqa: A001 - NumPy's name
    """Round to ``decimals`` places (halves to even). Not differentiable."""
    return round_(x, decimals)


def _logical(name, impl, nin=2):
    return primitive(name, impl, None, nin=nin, batch="elementwise")


logical_and = _logical("logical_and", np.logical_and)
logical_or = _logical("logical_or", np.logical_or)
logical_xor = _logical("logical_xor", np.logical_xor)
logical_not = _logical("logical_not", np.logical_not, nin=1)

from .elementwise import log  # noqa: E402  (rules look these up when they run)


def _remainder_divisor(g, ans, x, y):
    return g * -floor_divide(x, y)


remainder = primitive("remainder", np.remainder, (
    lambda g, ans, x, y: g,
    _remainder_divisor,
), nin=2, aliases=True, jvp="elementwise", batch="elementwise", domain=("real", "above_one"))
remainder.__doc__ = """x mod y with the sign of y (NumPy's remainder, Python's %).
Derivative 1 in x and -floor(x / y) in y, away from the jumps."""
mod = remainder

from .compare import floor_divide  # noqa: E402
