"""Array-likes to tensors, and NumPy's dtype rules, for the ``chainrule.numpy`` namespace.

The core follows deep-learning habits (Python floats are float32, an int64 tensor next to
a float32 one stays float32); ``chainrule.numpy`` promises NumPy's. That policy lives
here, in front of the core ops: inputs are converted to the dtype NumPy's result would
have (``numpy.result_type``, or the ufunc's own type resolution) before the op runs, so
the op computes in that dtype and its derivative does too.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import ops
from ..creation import as_ndarray
from ..tensor import Tensor, wrap

__all__ = ["asarray_like", "cast_to", "convert", "values_of", "float_result", "result_dtype",
           "traced", "ufunc_input_dtypes", "no_out", "unsupported_keywords"]

# Python scalars are "weak" in NumPy 2: next to an array they take its dtype. A cache key
# holds their type; promotion is asked with a sample value, since NumPy reads the type
# ``float`` as float64 but the value 0.0 as weak.
_WEAK = {bool: False, int: 0, float: 0.0, complex: 0j}


def asarray_like(x, dtype=None) -> Tensor:
    """``x`` as a tensor, the way NumPy reads an array-like.

    Tensors pass through (cast when ``dtype`` differs, recorded); ndarrays are wrapped
    without a copy; Python numbers and nested lists take NumPy's dtypes (floats are
    float64). Lists and tuples that hold tensors, also mixed with numbers and nested, are
    stacked with chainrule ops, so gradients reach each tensor.
    """
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else convert(x, dtype)
    if isinstance(x, list | tuple) and _holds_tensor(x):
        return _stack_nested(x, dtype)
    if isinstance(x, np.ndarray) and x.dtype.kind in "biufc":
        return wrap(x if dtype is None else x.astype(dtype, copy=False))
    return wrap(_numpy_value(x, dtype))


def _numpy_value(x, dtype) -> np.ndarray:
    """NumPy's array of x, refused (with creation's explanation) unless it holds numbers."""
    try:
        array = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biufc":
        # as_ndarray says why (None, strings, ragged lists, huge ints, non-numeric dtype)
        return as_ndarray(x, dtype if dtype is not None else np.float64)
    return array


def _holds_tensor(items) -> bool:
    for item in items:
        if isinstance(item, Tensor):
            return True
        if isinstance(item, list | tuple) and _holds_tensor(item):
            return True
    return False


def _stack_nested(items, dtype) -> Tensor:
    """Stack a (nested) list holding tensors along a new first axis, in NumPy's dtype for
    the whole list (list elements are not weak: ``[x32, 1.0]`` is float64, as in NumPy)."""
    parts = [item if isinstance(item, Tensor) else
             _stack_nested(item, None) if isinstance(item, list | tuple) and _holds_tensor(item)
             else wrap(_numpy_value(item, None)) for item in items]
    if dtype is None:
        dtype = np.result_type(*(part.dtype for part in parts))
    parts = [convert(part, dtype) for part in parts]
    shapes = {part.shape for part in parts}
    if len(shapes) > 1:
        raise ValueError(
            f"cannot make an array from a list whose items have the shapes "
            f"{sorted(shapes)}: the list is ragged (NumPy calls it inhomogeneous); give "
            "items of one shape, or stack them explicitly after broadcasting")
    return ops.stack(parts, 0)


def convert(x: Tensor, dtype) -> Tensor:
    """x converted to ``dtype`` (``astype``), recorded. Real to complex included: the
    core's astype rule sends the real part of a complex cotangent back."""
    dtype = np.dtype(dtype)
    return x if x.dtype == dtype else ops.astype(x, dtype)


def values_of(x) -> np.ndarray:
    """The NumPy values of x, for functions that compute on values (indices, tests):
    refused inside vmap, where a tensor's data holds the whole batch."""
    if not isinstance(x, Tensor):
        return asarray_like(x)._data
    if x._aux is not None and x._aux.is_batch:
        raise TypeError(
            "chainrule.numpy: this function computes on the values of its input (indices, "
            "tests or text: it has no derivative) and is not supported inside vmap, where "
            "a tensor holds the whole batch; call it outside the vmapped function")
    return x._data


def traced(x: Tensor) -> bool:
    """Whether x is in a graph or a transform (tangents, a batch): its values alone would
    lose something."""
    return x._requires_grad or x._aux is not None


def cast_to(x: Tensor, dtype) -> Tensor:
    """x in ``dtype`` for an op that computes in it (recorded, so gradients convert back).

    A float tensor meeting complex ones stays real: the op's NumPy forward promotes it
    anyway, and the engine takes the real part of the complex cotangent that comes back
    to a real input (an explicit real-to-complex cast would have to drop it itself)."""
    if x.dtype == dtype:
        return x
    dtype = np.dtype(dtype)
    if dtype.kind == "c" and x.dtype.kind == "f":
        return x
    return ops.astype(x, dtype)


def _dtype_key(x):
    if isinstance(x, Tensor | np.ndarray | np.generic):
        return x.dtype
    return x.__class__


@functools.lru_cache(maxsize=4096)
def _result_dtype(keys: tuple) -> np.dtype:
    return np.result_type(*(_WEAK.get(k, k) for k in keys))


def result_dtype(*values) -> np.dtype:
    """NumPy's result dtype of tensors, arrays and (weak) Python scalars, cached."""
    return _result_dtype(tuple(_dtype_key(v) for v in values))


@functools.lru_cache(maxsize=4096)
def _ufunc_dtypes(ufunc, keys: tuple):
    try:
        resolved = ufunc.resolve_dtypes(keys + (None,) * ufunc.nout)
    except TypeError:  # NumPy has no loop (UFuncTypeError is a TypeError)
        return None
    return resolved[:ufunc.nin]


def ufunc_input_dtypes(ufunc, values):
    """The dtypes NumPy's ``ufunc`` computes its inputs in (None if it has no loop)."""
    return _ufunc_dtypes(ufunc, tuple(_dtype_key(v) for v in values))


def float_result(x: Tensor) -> Tensor:
    """x for a float-valued function (mean, var, std): bools and integers become float64,
    as NumPy computes them; float16/32/64 and complex keep their dtype."""
    return x if x.dtype.kind in "fc" else ops.astype(x, np.dtype(np.float64))


def no_out(name: str, out) -> None:
    """Refuse ``out=``; ``name`` is the function's name under numpy (``linalg.norm``)."""
    if out is not None:
        raise TypeError(f"numpy.{name}: out= is not supported by chainrule.numpy (the result "
                        "would be written outside the graph); use the returned tensor")


def unsupported_keywords(name: str, **given) -> None:
    """Refuse NumPy keywords that chainrule does not honour, by name, when they are set."""
    for keyword, value in given.items():
        if value is not _NOT_GIVEN:
            raise TypeError(f"numpy.{name}: the argument {keyword}= is not supported by "
                            "chainrule.numpy; leave it out, or compute on .numpy() values "
                            "when no gradient is needed")


class _NotGiven:
    """NumPy's ``<no value>`` default: distinguishes 'not given' from None."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no value>"


_NOT_GIVEN = _NotGiven()

