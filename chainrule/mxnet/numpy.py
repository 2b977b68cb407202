"""``mxnet.numpy`` (``from mxnet import np``): NumPy's names and signatures on chainrule,
with MXNet's default: arrays made from Python data, ranges and shapes are float32."""
from __future__ import annotations

import functools
import types

import numpy as _onp

import chainrule as cr
from chainrule.tensor import as_class

from ._ndarray import ndarray

ndarray.__module__ = "mxnet.numpy"  # type(x) shows as MXNet's, as the book shows it

float16, float32, float64 = _onp.float16, _onp.float32, _onp.float64
int8, int32, int64, uint8, bool_ = _onp.int8, _onp.int32, _onp.int64, _onp.uint8, _onp.bool_
pi, e, inf, nan, newaxis = _onp.pi, _onp.e, _onp.inf, _onp.nan, None


def _out(value):
    """Results as mxnet arrays (operations on mxnet arrays already are)."""
    if isinstance(value, cr.Tensor):
        return value if isinstance(value, ndarray) else as_class(value, ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_out(v) for v in value)
    return value


def _wrap(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return _out(fn(*args, **kwargs))
    return wrapper


# ---------------------------------------------------------------- creation (float32)


def array(object, dtype=None, ctx=None) -> ndarray:
    """A copy of ``object``; Python data becomes float32, arrays keep their dtype."""
    if dtype is None:
        dtype = getattr(object, "dtype", float32)
    return _out(cr.tensor(object, dtype))


def asarray(a, dtype=None, ctx=None) -> ndarray:
    return a if isinstance(a, ndarray) and dtype is None else array(a, dtype)


def arange(start, stop=None, step=1, dtype=None, ctx=None) -> ndarray:
    return _out(cr.arange(start, stop, step, dtype or float32))


def zeros(shape, dtype=None, order="C", ctx=None) -> ndarray:
    return _out(cr.zeros(shape, dtype or float32))


def ones(shape, dtype=None, order="C", ctx=None) -> ndarray:
    return _out(cr.ones(shape, dtype or float32))


empty = zeros


def full(shape, fill_value, dtype=None, order="C", ctx=None) -> ndarray:
    return _out(cr.full(shape, fill_value, dtype or float32))


def eye(N, M=None, k=0, dtype=None, ctx=None) -> ndarray:
    return _out(cr.eye(N, M, k, dtype or float32))


def identity(n, dtype=None, ctx=None) -> ndarray:
    return eye(n, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None, ctx=None) -> ndarray:
    return _out(cr.linspace(start, stop, num, endpoint, dtype or float32))


# ---------------------------------------------------------------- operations

_NAMES = """abs absolute add subtract multiply divide true_divide power mod remainder maximum
minimum negative sign floor ceil trunc round square reciprocal sqrt cbrt exp expm1 exp2 log
log1p log2 log10 sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh arcsinh arccosh
arctanh sum mean prod max min amax amin argmax argmin var std cumsum cumprod all any
count_nonzero equal not_equal less less_equal greater greater_equal logical_and logical_or
logical_xor logical_not isnan isinf isfinite dot vdot inner outer matmul tensordot einsum
reshape ravel transpose swapaxes moveaxis squeeze expand_dims broadcast_to flip roll repeat
tile pad take split concatenate stack hstack vstack where clip copy atleast_1d atleast_2d
zeros_like ones_like full_like empty_like""".split()

globals().update({name: _wrap(getattr(cr, name)) for name in _NAMES})

linalg = types.SimpleNamespace(**{name: _wrap(getattr(cr.linalg, name))
                                  for name in cr.linalg.__all__})


def _normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    return _out(cr.random.normal(loc, scale, size, dtype))


def _uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    return _out(cr.random.uniform(low, high, size, dtype))


def _randint(low, high=None, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    return _out(cr.random.randint(low, high, size, dtype))


random = types.SimpleNamespace(
    seed=cr.random.seed, normal=_normal, uniform=_uniform, randint=_randint,
    randn=lambda *size: _normal(size=size), rand=lambda *size: _uniform(size=size))

__all__ = ["ndarray", "array", "asarray", "arange", "zeros", "ones", "empty", "full", "eye",
           "identity", "linspace", "linalg", "random", "float16", "float32", "float64",
           "int8", "int32", "int64", "uint8", "bool_", "pi", "e", "inf", "nan",
           "newaxis"] + _NAMES
