"""``tf.math``: TensorFlow's elementwise and reduction functions, where ``log`` lives (TF 2
has no ``tf.log``)."""
from __future__ import annotations

import chainrule as cr

from . import (_unary, abs, add, cos, divide, equal, exp, floor, greater, less,  # noqa: F401
               maximum, minimum, multiply, negative, not_equal, pow, reduce_all,
               reduce_any, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
               round, sigmoid, sign, sin, sqrt, square, subtract, tanh)

log = _unary(cr.log)
log1p = _unary(cr.log1p)
expm1 = _unary(cr.expm1)
tan = _unary(cr.tan)
