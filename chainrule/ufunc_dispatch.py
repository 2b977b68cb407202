"""``Tensor.__array_ufunc__``: NumPy ufuncs applied to tensors run chainrule's ops, so
they are recorded (``np.sin(t)``, ``ndarray * tensor``, ``np.add.reduce(t)``)."""
from __future__ import annotations

import numpy as np

from . import ops


# NumPy ufuncs applied to tensors run chainrule's ops, so they are recorded.
_UFUNCS = {
    np.add: ops.add, np.subtract: ops.subtract, np.multiply: ops.multiply,
    np.true_divide: ops.divide, np.negative: ops.negative, np.power: ops.power,
    np.float_power: ops.power, np.maximum: ops.maximum, np.minimum: ops.minimum,
    np.absolute: ops.absolute, np.sign: ops.sign, np.floor: ops.floor, np.ceil: ops.ceil,
    np.trunc: ops.trunc, np.sqrt: ops.sqrt, np.cbrt: ops.cbrt, np.exp: ops.exp,
    np.expm1: ops.expm1, np.exp2: ops.exp2, np.log: ops.log, np.log1p: ops.log1p,
    np.log2: ops.log2, np.log10: ops.log10, np.sin: ops.sin, np.cos: ops.cos,
    np.tan: ops.tan, np.arcsin: ops.arcsin, np.arccos: ops.arccos, np.arctan: ops.arctan,
    np.arctan2: ops.arctan2, np.sinh: ops.sinh, np.cosh: ops.cosh, np.tanh: ops.tanh,
    np.arcsinh: ops.arcsinh, np.arccosh: ops.arccosh, np.arctanh: ops.arctanh,
    np.square: ops.square, np.reciprocal: ops.reciprocal, np.remainder: ops.remainder,
    np.floor_divide: ops.floor_divide, np.matmul: ops.matmul, np.equal: ops.equal,
    np.not_equal: ops.not_equal, np.less: ops.less, np.less_equal: ops.less_equal,
    np.greater: ops.greater, np.greater_equal: ops.greater_equal,
    np.logical_and: ops.logical_and, np.logical_or: ops.logical_or,
    np.logical_xor: ops.logical_xor, np.logical_not: ops.logical_not,
    np.isnan: ops.isnan, np.isinf: ops.isinf, np.isfinite: ops.isfinite,
}
_REDUCE = {np.add: ops.sum, np.multiply: ops.prod, np.maximum: ops.max, np.minimum: ops.min}


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    name = f"numpy.{ufunc.__name__}"
    if kwargs.get("out") is not None:
        raise TypeError(f"{name}: out= is not supported with chainrule tensors (the result "
                        "would escape the graph); assign the result instead")
    kwargs.pop("out", None)
    if method == "__call__":
        op = _UFUNCS.get(ufunc)
        if op is None:
            raise TypeError(f"{name} is not supported on chainrule tensors (chainrule cannot "
                            "differentiate it); convert with .numpy() if you do not need "
                            "its gradient")
        if kwargs:
            raise TypeError(f"{name}: the arguments {sorted(kwargs)} are not supported on "
                            "chainrule tensors")
        return op(*inputs)
    if method == "reduce" and ufunc in _REDUCE:
        axis = kwargs.pop("axis", 0)
        keepdims = kwargs.pop("keepdims", False)
        if kwargs.pop("dtype", None) is not None or kwargs:
            raise TypeError(f"{name}.reduce: only axis= and keepdims= are supported on tensors")
        return _REDUCE[ufunc](inputs[0], axis, keepdims=keepdims)
    raise TypeError(f"{name}.{method} is not supported on chainrule tensors")
