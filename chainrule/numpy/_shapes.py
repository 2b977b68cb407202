"""Shapes, joining, selection and the plain-value queries of ``chainrule.numpy``, with
NumPy's signatures. The joined inputs take NumPy's common dtype first."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..tensor import Tensor
from ._core import (_NOT_GIVEN, _holds_tensor, asarray_like, cast_to, no_out, result_dtype,
                    values_of)
from ._convert import sequence_of_tensors
from ._joining import in_common_dtype
from ._rearranging import _one_or_tuple

__all__ = ["reshape", "ravel", "transpose", "squeeze", "expand_dims", "swapaxes", "moveaxis",
           "broadcast_to", "broadcast_arrays", "concatenate", "stack", "flip", "roll",
           "repeat", "tile", "pad", "take", "copy", "astype", "atleast_1d", "atleast_2d",
           "shape", "ndim", "size", "where", "nonzero", "argwhere", "flatnonzero", "clip",
           "round", "around", "isclose", "allclose", "array_equal", "concat", "permute_dims",
           "matrix_transpose", "unstack"]


def reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    """The values of ``a`` in a new shape (one entry may be -1)."""
    if newshape is not None:
        if shape is not None:
            raise TypeError("reshape: give shape or newshape, not both")
        shape = newshape
    if shape is None:
        raise TypeError("reshape() missing the required argument 'shape'")
    _order_c("reshape", order)
    return ops.reshape(asarray_like(a), shape)


def _order_c(name, order):
    if order not in ("C", "K", "A", None):
        raise ValueError(f"{name}: only order='C' is supported (tensors are row-major), "
                         f"got order={order!r}")


def ravel(a, order="C"):
    """The values of ``a`` as a 1-d tensor."""
    _order_c("ravel", order)
    return ops.ravel(asarray_like(a))


def transpose(a, axes=None):
    """``a`` with its axes permuted (reversed when ``axes`` is None)."""
    return ops.transpose(asarray_like(a), axes)


def squeeze(a, axis=None):
    return ops.squeeze(asarray_like(a), axis)


def expand_dims(a, axis):
    return ops.expand_dims(asarray_like(a), axis)


def swapaxes(a, axis1, axis2):
    return ops.swapaxes(asarray_like(a), axis1, axis2)


def moveaxis(a, source, destination):
    return ops.moveaxis(asarray_like(a), source, destination)


def broadcast_to(array, shape, subok=False):
    return ops.broadcast_to(asarray_like(array), shape)


def broadcast_arrays(*args, subok=False):
    """The arguments broadcast against each other (a tuple, as NumPy 2 returns). Values
    that are not numbers (None, objects: matplotlib broadcasts its style arguments with
    the data) stay NumPy object arrays; the rest become tensors."""
    values = [a if isinstance(a, Tensor) else _numeric_or_object(a) for a in args]
    target = np.broadcast_shapes(*(v.shape for v in values))
    return tuple(ops.broadcast_to(v, target) if isinstance(v, Tensor)
                 else np.broadcast_to(v, target) for v in values)


def _numeric_or_object(value):
    array = np.asarray(value) if not isinstance(value, list | tuple) else None
    if array is not None and array.dtype.kind not in "biufc":
        return array
    return asarray_like(value)


def _joined(name, arrays, dtype, casting):
    tensors = sequence_of_tensors(arrays, name)
    if not tensors:
        raise ValueError(f"{name}: need at least one array to {name}")
    return in_common_dtype(tensors, name, dtype, casting)


def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays along an existing axis (flattened first when ``axis`` is None)."""
    no_out("concatenate", out)
    return ops.concatenate(_joined("concatenate", arrays, dtype, casting), axis)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays of one shape along a new axis."""
    no_out("stack", out)
    return ops.stack(_joined("stack", arrays, dtype, casting), axis)


def flip(m, axis=None):
    return ops.flip(asarray_like(m), axis)


def roll(a, shift, axis=None):
    return ops.roll(asarray_like(a), shift, axis)


def repeat(a, repeats, axis=None):
    return ops.repeat(asarray_like(a), repeats, axis)


def tile(A, reps):  # noqa: N803 - NumPy's name
    return ops.tile(asarray_like(A), reps)


def pad(array, pad_width, mode="constant", **kwargs):
    """``array`` padded; mode 'constant' (with ``constant_values``) is differentiable."""
    if mode != "constant" or set(kwargs) - {"constant_values"}:
        raise ValueError(f"pad: only mode='constant' with constant_values= is supported on "
                         f"tensors, got mode={mode!r} and {sorted(kwargs)}; compose other "
                         "modes from concatenate and flip")
    return ops.pad(asarray_like(array), pad_width, mode, kwargs.get("constant_values", 0))


def take(a, indices, axis=None, out=None, mode="raise"):
    no_out("take", out)
    if mode != "raise":
        raise ValueError(f"take: only mode='raise' is supported on tensors, got {mode!r}")
    if isinstance(indices, Tensor):
        indices = indices.numpy()
    return ops.take(asarray_like(a), indices, axis)


def copy(a, order="K", subok=False):
    """A copy of ``a`` (recorded: gradients flow through it)."""
    return ops.copy(asarray_like(a))


def astype(x, dtype, /, *, copy=True, device=None):
    return asarray_like(x, np.dtype(dtype))


def atleast_1d(*arys):
    return _one_or_tuple([ops.atleast_1d(asarray_like(a)) for a in arys])


def atleast_2d(*arys):
    return _one_or_tuple([ops.atleast_2d(asarray_like(a)) for a in arys])


def _sized(a):
    """Something with a shape: lists holding tensors are read as chainrule.numpy reads
    them (NumPy's own shape() would convert the tensors)."""
    if isinstance(a, Tensor | np.ndarray):
        return a
    return asarray_like(a) if isinstance(a, list | tuple) and _holds_tensor(a) \
        else np.asarray(a)


def shape(a):
    """The shape, a plain tuple."""
    return _sized(a).shape


def ndim(a):
    """The number of axes, a plain int."""
    return _sized(a).ndim


def size(a, axis=None):
    """The number of elements (along ``axis`` when given), a plain int."""
    a = _sized(a)
    return a.size if axis is None else a.shape[axis]


def where(condition, x=_NOT_GIVEN, y=_NOT_GIVEN, /):
    """``x`` where ``condition`` holds, else ``y`` (differentiable in both); with the
    condition alone, the indices of its non-zero elements, as ``nonzero``."""
    if x is _NOT_GIVEN and y is _NOT_GIVEN:
        return nonzero(condition)
    if x is _NOT_GIVEN or y is _NOT_GIVEN:
        raise ValueError("where: either both or neither of x and y should be given")
    condition = asarray_like(condition, np.dtype(bool))  # no copy when it is bool already
    x, y = (v if isinstance(v, bool | int | float | complex) else asarray_like(v)
            for v in (x, y))
    target = result_dtype(x, y)
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x = asarray_like(np.asarray(x, target))
    x, y = (cast_to(v, target) if isinstance(v, Tensor) else v for v in (x, y))
    return ops.where(condition, x, y)


def nonzero(a):
    """The indices of the non-zero elements, one int64 tensor per axis (not
    differentiable)."""
    return tuple(asarray_like(i) for i in np.nonzero(values_of(a)))


def argwhere(a):
    return asarray_like(np.argwhere(values_of(a)))


def flatnonzero(a):
    return asarray_like(np.flatnonzero(values_of(a)))


def clip(a, a_min=_NOT_GIVEN, a_max=_NOT_GIVEN, out=None, *, min=_NOT_GIVEN,  # noqa: A002
         max=_NOT_GIVEN, **kwargs):  # noqa: A002
    """``a`` limited to [a_min, a_max] (``min=``/``max=`` are NumPy 2.1's names); the
    gradient passes inside the bounds and goes to the bound outside."""
    no_out("clip", out)
    if kwargs:
        raise TypeError(f"clip: the arguments {sorted(kwargs)} are not supported by "
                        "chainrule.numpy")
    if min is not _NOT_GIVEN:
        if a_min is not _NOT_GIVEN:
            raise ValueError("clip: give a_min or min, not both")
        a_min = min
    if max is not _NOT_GIVEN:
        if a_max is not _NOT_GIVEN:
            raise ValueError("clip: give a_max or max, not both")
        a_max = max
    a_min = None if a_min is _NOT_GIVEN else a_min
    a_max = None if a_max is _NOT_GIVEN else a_max
    a = asarray_like(a)
    bounds = [b if b is None or isinstance(b, bool | int | float) else asarray_like(b)
              for b in (a_min, a_max)]
    target = result_dtype(a, *(b for b in bounds if b is not None))
    a_min, a_max = (cast_to(b, target) if isinstance(b, Tensor) else b for b in bounds)
    return ops.clip(cast_to(a, target), a_min, a_max)


def round(a, decimals=0, out=None):  # noqa: A001 - NumPy's name
    """Rounded to ``decimals`` places (not differentiable: its derivative is 0 almost
    everywhere, so it is declared as such)."""
    no_out("round", out)
    return ops.round(asarray_like(a), decimals)


around = round


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise closeness, a bool tensor (not differentiable)."""
    return asarray_like(np.isclose(values_of(a), values_of(b), rtol, atol, equal_nan))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements are close, a plain bool (as NumPy returns)."""
    return bool(np.allclose(values_of(a), values_of(b), rtol, atol, equal_nan))


def array_equal(a1, a2, equal_nan=False):
    """Whether the arrays have one shape and equal elements, a plain bool."""
    return bool(np.array_equal(values_of(a1), values_of(a2), equal_nan=equal_nan))


# NumPy 2's array-API names.

def concat(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """NumPy 2's name for ``concatenate``."""
    return concatenate(arrays, axis, out, dtype=dtype, casting=casting)


def permute_dims(a, axes=None):
    """NumPy 2's name for ``transpose``."""
    return transpose(a, axes)


def matrix_transpose(x, /):
    """Each matrix of a stack transposed (the last two axes swapped)."""
    x = asarray_like(x)
    if x.ndim < 2:
        raise ValueError(f"numpy.matrix_transpose: the input must be at least 2-d, got "
                         f"shape {x.shape}")
    return ops.swapaxes(x, -1, -2)


def unstack(x, /, *, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple (the inverse of ``stack``)."""
    x = asarray_like(x)
    if x.ndim == 0:
        raise ValueError("numpy.unstack: the input must be at least 1-d")
    moved = ops.moveaxis(x, axis, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))
