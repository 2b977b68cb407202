"""``import chainrule.tensorflow as tf``: TensorFlow's autograd API on chainrule.

Policy (DESIGN.md): operations are recorded inside a ``GradientTape`` on the values it
watches (trainable Variables automatically); ``tape.gradient`` returns the gradients
(of the sum, for a non-scalar target) and stores nothing; a tape that is not persistent
answers one ``gradient`` call. Tensors are immutable, Variables are assigned. Python
floats give float32 and Python ints int32.
"""
from __future__ import annotations

import builtins
import types

import numpy as np

import chainrule as cr

# The names TensorFlow exports, re-exported here (__all__ below lists them).
from . import random  # noqa: F401
from ._tape import GradientTape, UnconnectedGradients  # noqa: F401
from ._tensor import (DTYPES, DType, Tensor, TensorShape, Variable, _tensor,  # noqa: F401
                      constant, to_np_dtype)

float16 = DTYPES[np.dtype("float16")]
float32 = DTYPES[np.dtype("float32")]
float64 = double = DTYPES[np.dtype("float64")]
int8 = DTYPES[np.dtype("int8")]
int16 = DTYPES[np.dtype("int16")]
int32 = DTYPES[np.dtype("int32")]
int64 = DTYPES[np.dtype("int64")]
uint8 = DTYPES[np.dtype("uint8")]
bool = DTYPES[np.dtype("bool")]  # noqa: A001 - TensorFlow's name
complex64 = DTYPES[np.dtype("complex64")]
complex128 = DTYPES[np.dtype("complex128")]
newaxis = None


def _in(x):
    """An argument as a tensor (Python data takes TensorFlow's dtypes)."""
    return x if isinstance(x, cr.Tensor) else constant(x)


def _keep_int(out, x):
    """Integer reductions keep the input's dtype, as in TensorFlow (NumPy widens)."""
    kind = x._data.dtype.kind
    return out if kind not in "iu" or out.dtype == x._data.dtype else cr.astype(out, x._data.dtype)


# ---------------------------------------------------------------- creation


def convert_to_tensor(value, dtype=None, name=None) -> Tensor:
    if isinstance(value, cr.Tensor) and dtype is None:
        return _tensor(value)
    return constant(value, dtype)


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:  # noqa: A001
    values = (start, limit, delta)
    if dtype is None:
        floats = any(isinstance(v, (float, np.floating)) for v in values if v is not None)
        dtype = np.float32 if floats else np.int32
    return _tensor(cr.arange(start, limit, delta, to_np_dtype(dtype)))


def zeros(shape, dtype=float32, name=None) -> Tensor:
    return _tensor(cr.zeros(shape, to_np_dtype(dtype)))


def ones(shape, dtype=float32, name=None) -> Tensor:
    return _tensor(cr.ones(shape, to_np_dtype(dtype)))


def fill(dims, value, name=None) -> Tensor:
    return _tensor(cr.full(dims, constant(value)._data[()]))


def zeros_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002 - TensorFlow's names
    return _tensor(cr.zeros_like(_in(input)._data, to_np_dtype(dtype)))


def ones_like(input, dtype=None, name=None) -> Tensor:  # noqa: A002
    return _tensor(cr.ones_like(_in(input)._data, to_np_dtype(dtype)))


def eye(num_rows, num_columns=None, dtype=float32, name=None) -> Tensor:
    return _tensor(cr.eye(num_rows, num_columns, dtype=to_np_dtype(dtype)))


def linspace(start, stop, num, name=None) -> Tensor:
    return _tensor(cr.linspace(start, stop, num))


def function(func=None, **kwargs):
    """``@tf.function``: chainrule runs eagerly, so the function is returned as it is."""
    return func if func is not None else (lambda f: f)


# ---------------------------------------------------------------- operations


def _unary(core):
    def tf_function(x, name=None):
        return _tensor(core(_in(x)))
    tf_function.__name__ = core.__name__
    tf_function.__doc__ = core.__doc__
    return tf_function


def _binary(core):
    def tf_function(x, y, name=None):
        return _tensor(core(_in(x), _in(y)))
    tf_function.__name__ = core.__name__
    tf_function.__doc__ = core.__doc__
    return tf_function


# TensorFlow 2 has these at the top level too; log and a few more are in tf.math only.
for _name, _core in [("exp", cr.exp), ("sin", cr.sin), ("cos", cr.cos),
                     ("tanh", cr.tanh), ("sigmoid", cr.sigmoid), ("sqrt", cr.sqrt),
                     ("square", cr.square), ("abs", cr.abs), ("negative", cr.negative),
                     ("sign", cr.sign), ("floor", cr.floor), ("round", cr.round)]:
    globals()[_name] = _unary(_core)
for _name, _core in [("add", cr.add), ("subtract", cr.subtract), ("multiply", cr.multiply),
                     ("divide", cr.divide), ("pow", cr.power), ("maximum", cr.maximum),
                     ("minimum", cr.minimum), ("equal", cr.equal), ("not_equal", cr.not_equal),
                     ("less", cr.less), ("greater", cr.greater), ("matmul", cr.matmul)]:
    globals()[_name] = _binary(_core)


def _reduction(core, keeps_int):
    def tf_function(input_tensor, axis=None, keepdims=False, name=None):
        x = _in(input_tensor)
        out = core(x, tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)
        return _tensor(_keep_int(out, x) if keeps_int else out)
    tf_function.__name__ = f"reduce_{core.__name__}"
    return tf_function


reduce_sum = _reduction(cr.sum, True)
reduce_prod = _reduction(cr.prod, True)
reduce_max = _reduction(cr.max, True)
reduce_min = _reduction(cr.min, True)
reduce_mean = _reduction(cr.mean, True)
reduce_all = _reduction(cr.all, False)
reduce_any = _reduction(cr.any, False)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None) -> Tensor:
    """The norm of ``tensor``: the 2-norm of all its entries unless ``axis`` is given."""
    x = _in(tensor)
    order = None if ord in ("euclidean", "fro", 2) else ord
    if axis is None:
        return _tensor(cr.linalg.norm(cr.ravel(x), order, None, builtins.bool(keepdims)))
    return _tensor(cr.linalg.norm(x, order, axis, builtins.bool(keepdims)))


def tensordot(a, b, axes, name=None) -> Tensor:
    return _tensor(cr.tensordot(_in(a), _in(b), axes))


def reshape(tensor, shape, name=None) -> Tensor:
    return _tensor(cr.reshape(_in(tensor), tuple(int(s) for s in np.asarray(shape).ravel())))


def concat(values, axis, name="concat") -> Tensor:
    return _tensor(cr.concatenate([_in(v) for v in values], axis))


def stack(values, axis=0, name="stack") -> Tensor:
    return _tensor(cr.stack([_in(v) for v in values], axis))


def transpose(a, perm=None, conjugate=False, name="transpose") -> Tensor:
    return _tensor(cr.transpose(_in(a), perm))


def expand_dims(input, axis, name=None) -> Tensor:  # noqa: A002
    return _tensor(cr.expand_dims(_in(input), axis))


def squeeze(input, axis=None, name=None) -> Tensor:  # noqa: A002
    return _tensor(cr.squeeze(_in(input), axis))


def where(condition, x=None, y=None, name=None) -> Tensor:
    return _tensor(cr.where(_in(condition), _in(x), _in(y)))


def argmax(input, axis=None, output_type=int64, name=None) -> Tensor:  # noqa: A002
    return _tensor(cr.astype(cr.argmax(_in(input), 0 if axis is None else axis),
                             to_np_dtype(output_type)))


def cast(x, dtype, name=None) -> Tensor:
    return _tensor(cr.astype(_in(x), to_np_dtype(dtype)))


def size(input, out_type=int32, name=None) -> Tensor:  # noqa: A002
    return constant(_in(input)._data.size, out_type)


def shape(input, out_type=int32, name=None) -> Tensor:  # noqa: A002
    return constant(list(_in(input)._data.shape), out_type)


def identity(input, name=None) -> Tensor:  # noqa: A002
    return _tensor(cr.ops.alias(_in(input)))


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    """The values of ``input``; no gradient flows back through the result."""
    return _tensor(cr.stop_gradient(_in(input)))


from . import math  # noqa: E402 - tf.math takes its functions from the names above

__all__ = [name for name, value in globals().items() if not name.startswith("_")
           and (not isinstance(value, types.ModuleType) or name in ("random", "math"))
           and name != "annotations"]
