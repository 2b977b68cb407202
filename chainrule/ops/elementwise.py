"""Elementwise functions of one variable (and arctan2), one line each.

``domain`` says where the tests draw inputs: "real", "positive", "unit" (-1, 1),
"above_one" (1, ∞), "nonzero".
"""
from __future__ import annotations

import math

import numpy as np

from ..primitive import into, primitive

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def _elementwise(name, impl, rule, save="inputs", domain="real", doc=None,
                 backward_name=None, donate=None):
    op = primitive(name, impl, (rule,), save=save, domain=domain,
                   backward_name=backward_name, jvp="elementwise", batch="elementwise",
                   donate=None if donate is None else (donate,))
    op.__doc__ = doc or f"Elementwise {name}."
    return op


sqrt = _elementwise("sqrt", np.sqrt, lambda g, ans, x: g / (2 * ans), save="output",
                    domain="positive",
                    donate=lambda g, ans, x: into(np.multiply, into(np.divide, g, ans), 0.5))
cbrt = _elementwise("cbrt", np.cbrt, lambda g, ans, x: g / (3 * (ans * ans)), save="output",
                    domain="nonzero")
exp = _elementwise("exp", np.exp, lambda g, ans, x: g * ans, save="output",
                   donate=lambda g, ans, x: into(np.multiply, g, ans))
expm1 = _elementwise("expm1", np.expm1, lambda g, ans, x: g * (ans + 1), save="output")
exp2 = _elementwise("exp2", np.exp2, lambda g, ans, x: g * (ans * LN2), save="output")
log = _elementwise("log", np.log, lambda g, ans, x: g / x, domain="positive",
                   donate=lambda g, ans, x: into(np.divide, g, x))
log1p = _elementwise("log1p", np.log1p, lambda g, ans, x: g / (x + 1), domain="positive")
log2 = _elementwise("log2", np.log2, lambda g, ans, x: g / (x * LN2), domain="positive")
log10 = _elementwise("log10", np.log10, lambda g, ans, x: g / (x * LN10), domain="positive")

sin = _elementwise("sin", np.sin, lambda g, ans, x: g * cos(x),
                   donate=lambda g, ans, x: into(np.multiply, g, np.cos(x)))
cos = _elementwise("cos", np.cos, lambda g, ans, x: -(g * sin(x)),
                   donate=lambda g, ans, x: into(np.negative, into(np.multiply, g, np.sin(x))))
tan = _elementwise("tan", np.tan, lambda g, ans, x: g * (ans * ans + 1), save="output",
                   domain="unit")
arcsin = _elementwise("arcsin", np.arcsin, lambda g, ans, x: g / sqrt(1 - x * x),
                      domain="unit", backward_name="AsinBackward")
arccos = _elementwise("arccos", np.arccos, lambda g, ans, x: -g / sqrt(1 - x * x),
                      domain="unit", backward_name="AcosBackward")
arctan = _elementwise("arctan", np.arctan, lambda g, ans, x: g / (x * x + 1),
                      backward_name="AtanBackward")
sinh = _elementwise("sinh", np.sinh, lambda g, ans, x: g * cosh(x))
cosh = _elementwise("cosh", np.cosh, lambda g, ans, x: g * sinh(x))
tanh = _elementwise("tanh", np.tanh, lambda g, ans, x: g * (1 - ans * ans), save="output",
                    donate=lambda g, ans, x: into(np.multiply, g, _one_minus_square(ans)))
arcsinh = _elementwise("arcsinh", np.arcsinh, lambda g, ans, x: g / sqrt(x * x + 1),
                       backward_name="AsinhBackward")
arccosh = _elementwise("arccosh", np.arccosh, lambda g, ans, x: g / sqrt(x * x - 1),
                       domain="above_one", backward_name="AcoshBackward")
arctanh = _elementwise("arctanh", np.arctanh, lambda g, ans, x: g / (1 - x * x),
                       domain="unit", backward_name="AtanhBackward")


def _one_minus_square(a):
    """1 - a², with one new array."""
    t = np.square(a)
    return np.subtract(1, t, out=t)


def _sigmoid_impl(x):
    # exp(-log(1 + e^-x)) neither overflows nor loses the tiny values for very negative x.
    return np.exp(-np.logaddexp(0, -x))


sigmoid = _elementwise("sigmoid", _sigmoid_impl, lambda g, ans, x: g * (ans * (1 - ans)),
                       save="output", doc="The logistic function 1 / (1 + exp(-x)).",
                       donate=lambda g, ans, x: into(np.multiply, g, ans * (1 - ans)))


def _relu_impl(x):
    return np.maximum(x, 0)


relu = _elementwise(
    "relu", _relu_impl, lambda g, ans, x: g * (ans > 0), save="output", domain="nonzero",
    donate=lambda g, ans, x: into(np.multiply, g, ans > 0),
    doc="max(x, 0). Its derivative at 0 is taken as 0 (PyTorch's convention). The "
        "cotangent is multiplied by the 0/1 mask (as hand-written NumPy does), so an "
        "infinite cotangent where x < 0 gives NaN rather than 0.")

arctan2 = primitive("arctan2", np.arctan2, (
    lambda g, ans, y, x: g * x / (x * x + y * y),
    lambda g, ans, y, x: -g * y / (x * x + y * y),
), nin=2, backward_name="Atan2Backward", jvp="elementwise", batch="elementwise",
    domain=("nonzero", "real"))
arctan2.__doc__ = "The angle of the point (x, y): arctan(y / x) in the right quadrant."

