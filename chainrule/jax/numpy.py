"""``from chainrule.jax import numpy as jnp``: NumPy's names, returning JAX Arrays of
32-bit dtypes (JAX's default, 64-bit mode off)."""
from __future__ import annotations

import functools as _functools
import types as _types

import numpy as _np

import chainrule as _cr

from ._array import Array, array, asarray  # noqa: F401 - jnp.array, jnp.asarray
from ._array import canonical_dtype as _canonical, to_array as _to_array
from ._rules import is_weak as _is_weak, mark as _mark, weak_result as _weak_result

ndarray = Array
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint32 = _np.uint8, _np.uint32
bool_ = _np.bool_
complex64 = _np.complex64
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, None


def _dtype(dtype, default=None):
    return default if dtype is None else _canonical(dtype)


def _returning_arrays(core, operands=None):
    """A jnp function: the core's, returning Arrays; weakly typed by JAX's rule over the
    ``operands`` of the call (None: a reduction, always strongly typed)."""
    @_functools.wraps(core)
    def jnp_function(*args, **kwargs):
        out = _to_array(core(*args, **kwargs))
        if operands is not None and _weak_result(operands(args)):
            for array in out if isinstance(out, list) else [out]:
                _mark(array, True)
        return out
    return jnp_function


def _all(args):
    return args


def _first(args):
    return args[:1]


def _sequence(args):
    return tuple(args[0]) if args else ()


_KINDS = {
    _all: """abs absolute add subtract multiply divide true_divide power negative sign floor
        ceil round square sqrt cbrt exp exp2 expm1 log log1p log2 log10 sin cos tan arcsin
        arccos arctan arctan2 sinh cosh tanh arcsinh arccosh arctanh maximum minimum clip
        remainder mod floor_divide equal not_equal less less_equal greater greater_equal
        logical_and logical_or logical_not logical_xor isnan isinf isfinite""",
    (lambda args: args[1:]): "where einsum",
    (lambda args: args[:2]): "dot vdot inner outer matmul tensordot",
    _first: """reshape ravel transpose swapaxes moveaxis squeeze expand_dims broadcast_to flip
        roll repeat tile pad take split""",
    _sequence: "concatenate stack hstack vstack",
    None: """sum mean prod max min amax amin argmax argmin var std cumsum cumprod all any
        count_nonzero allclose""",
}
for _operands, _names in _KINDS.items():
    for _name in _names.split():
        globals()[_name] = _returning_arrays(getattr(_cr, _name), _operands)

linalg = _types.SimpleNamespace(**{name: _returning_arrays(getattr(_cr.linalg, name))
                                   for name in ("norm", "inv", "det", "slogdet", "solve")})


def arange(start, stop=None, step=None, dtype=None) -> Array:
    """``arange(4.0)`` is float32, ``arange(4)`` int32."""
    return _to_array(_cr.arange(start, stop, 1 if step is None else step, _dtype(dtype)))


def zeros(shape, dtype=None) -> Array:
    return _to_array(_cr.zeros(shape, _dtype(dtype)))


def ones(shape, dtype=None) -> Array:
    return _to_array(_cr.ones(shape, _dtype(dtype)))


def empty(shape, dtype=None) -> Array:
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None) -> Array:
    """A Python number as the fill makes a weakly typed array, as in JAX."""
    return _to_array(_cr.full(shape, fill_value, _dtype(dtype)),
                     dtype is None and _is_weak(fill_value))


def zeros_like(a, dtype=None) -> Array:
    return _to_array(_cr.zeros_like(a, _dtype(dtype)), dtype is None and _is_weak(a))


def ones_like(a, dtype=None) -> Array:
    return _to_array(_cr.ones_like(a, _dtype(dtype)), dtype is None and _is_weak(a))


def full_like(a, fill_value, dtype=None) -> Array:
    return _to_array(_cr.full_like(a, fill_value, _dtype(dtype)), dtype is None and _is_weak(a))


def eye(N, M=None, k=0, dtype=None) -> Array:  # noqa: N803 - NumPy's names
    return _to_array(_cr.eye(N, M, k, _dtype(dtype)))


def linspace(start, stop, num=50, endpoint=True, dtype=None) -> Array:
    return _to_array(_cr.linspace(start, stop, num, endpoint, _dtype(dtype)))


def shape(a) -> tuple:
    return _np.shape(a)


def size(a) -> int:
    return _np.size(a)


def ndim(a) -> int:
    return _np.ndim(a)
