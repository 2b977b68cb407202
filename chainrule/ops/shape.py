"""Shape and layout: reshape, transpose, broadcasting, joining, flipping, padding, dtype.

Views (reshape, transpose, broadcast_to, flip) share memory with their input, as in NumPy;
their rules are views of the cotangent too (``aliases=True``).
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import builtins
import operator

import numpy as np

from ..primitive import EachInput, primitive
from ..tensor import Tensor


def ndim_of(x) -> int:
    return np.ndim(x)


def shape_of(x) -> tuple:
    return np.shape(x)


def normalize_axis(axis, ndim: int, op: str = "axis", shape: tuple | None = None) -> int:
    """``axis`` as a non-negative int. A 0-d tensor takes 0 or -1 (its one implicit axis
    of length one, as in PyTorch and NumPy's reductions); any other axis out of range
    raises NumPy's AxisError (a ValueError and an IndexError) naming the op and shape."""
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__}") from None
    bound = builtins.max(ndim, 1)
    if not -bound <= axis < bound:
        what = f"shape {tuple(shape)}" if shape is not None else f"dimension {ndim}"
        raise np.exceptions.AxisError(
            f"{op}: axis {axis} is out of bounds for a tensor of {what}; axes run from "
            f"{-bound} to {bound - 1}")
    return axis % bound


def int_tuple(value, op: str, what: str) -> tuple:
    """An int or a sequence of ints (a shape, reps, shifts) as a tuple of ints. Floats
    are refused, as NumPy does: truncating 2.5 would hide a mistake."""
    if isinstance(value, str | bytes):
        raise TypeError(f"{op}: {what} must be an int or a sequence of ints, got the string "
                        f"{value!r}")
    try:
        return (operator.index(value),)
    except TypeError:
        pass
    try:
        if not isinstance(value, tuple | list | range | np.ndarray | Tensor):
            raise TypeError  # a set or a dict has no order to take sizes in
        return tuple(operator.index(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int or a sequence of ints, got "
                        f"{value!r}") from None


def normalize_axes(axis, ndim: int, op: str = "axis", shape: tuple | None = None) -> tuple | None:
    """Axis argument (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        axes = tuple(normalize_axis(a, ndim, op, shape) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"{op}: repeated axis in {tuple(axis)}")
        return tuple(sorted(axes))
    return (normalize_axis(axis, ndim, op, shape),)


# ---------------------------------------------------------------- reshape / transpose


def _batch_reshape(prim, values, batched, params):
    shape, in_shape = params
    b = (np.shape(values[0])[0],)
    return reshape_p(values[0], b + shape, b + in_shape)


def _reshape_impl(x, shape, in_shape):
    return np.reshape(x, shape)


reshape_p = primitive("reshape", _reshape_impl, (
    lambda g, ans, x, shape, in_shape: reshape_p(g, in_shape, shape_of(g)),
), save="none", aliases=True, view=True, backward_name="ViewBackward", jvp="linear", batch=_batch_reshape,
    domain="real")


def reshape(x: ArrayLike, *shape) -> Array:
    """The values of x in a new shape (a view when possible). One entry may be -1."""
    if len(shape) == 1 and not isinstance(shape[0], int | np.integer):
        shape = shape[0]
    shape = int_tuple(shape, "reshape", "the shape")
    in_shape = shape_of(x)
    size = int(np.prod(in_shape))
    target = shape
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1]))
        if shape.count(-1) == 1 and known and size % known == 0:
            target = tuple(size // known if s == -1 else s for s in shape)
    if int(np.prod(target)) != size or builtins.min(target, default=0) < 0:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {in_shape} "
                         f"({size} elements) into shape {shape}")
    if target == in_shape:
        return x
    return reshape_p(x, target, in_shape)


def ravel(x: ArrayLike) -> Array:
    """The values of x as a 1-D tensor."""
    return reshape(x, -1)


def flatten(x: ArrayLike) -> Array:
    return reshape(x, -1)


def _batch_transpose(prim, values, batched, params):
    return transpose_p(values[0], (0,) + tuple(a + 1 for a in params[0]))


def _transpose_impl(x, axes):
    return np.transpose(x, axes)


transpose_p = primitive("transpose", _transpose_impl, (
    lambda g, ans, x, axes: transpose_p(g, tuple(np.argsort(axes))),
), save="none", aliases=True, view=True, backward_name="PermuteBackward", jvp="linear", batch=_batch_transpose,
    domain="real")


def transpose(x: ArrayLike, axes: Axis | int = None) -> Array:
    """Permute the axes (reverse them when ``axes`` is None)."""
    n = ndim_of(x)
    if axes is None:
        axes = tuple(range(n - 1, -1, -1))
    else:
        axes = tuple(normalize_axis(a, n, "transpose") for a in axes)
        if sorted(axes) != list(range(n)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of {n} axes")
    if axes == tuple(range(n)):
        return x
    return transpose_p(x, axes)


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> Array:
    n = ndim_of(x)
    a, b = normalize_axis(axis1, n, "swapaxes"), normalize_axis(axis2, n, "swapaxes")
    axes = list(range(n))
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def moveaxis(x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Array:
    n = ndim_of(x)
    src = [normalize_axis(a, n, "moveaxis") for a in np.atleast_1d(source).tolist()]
    dst = [normalize_axis(a, n, "moveaxis") for a in np.atleast_1d(destination).tolist()]
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    order = [a for a in range(n) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, order)


def squeeze(x: ArrayLike, axis: Axis = None) -> Array:
    """Remove axes of length one (all of them, or those in ``axis``)."""
    shape = shape_of(x)
    if axis is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        axes = normalize_axes(axis, len(shape), "squeeze", shape)
        if not shape:
            axes = ()  # a 0-d tensor's one implicit axis has length one
        for a in axes:
            if shape[a] != 1:
                raise ValueError(f"squeeze: cannot select axis {a}, its length is {shape[a]}, "
                                 "not 1")
    return reshape(x, tuple(s for i, s in enumerate(shape) if i not in axes))


def expand_dims(x: ArrayLike, axis: Axis) -> Array:
    """Insert axes of length one at the positions in ``axis``."""
    shape = list(shape_of(x))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    n = len(shape) + len(axes)
    for a in sorted(normalize_axis(a, n, "expand_dims") for a in axes):
        shape.insert(a, 1)
    return reshape(x, tuple(shape))


# ---------------------------------------------------------------- broadcasting


def _batch_broadcast_to(prim, values, batched, params):
    shape, in_shape = params
    value = values[0]
    b = (np.shape(value)[0],)
    lifted = b + (1,) * (len(shape) - len(in_shape)) + tuple(in_shape)
    return broadcast_to_p(reshape_p(value, lifted, np.shape(value)), b + shape, lifted)


def _broadcast_impl(x, shape, in_shape):
    return np.broadcast_to(x, shape)


broadcast_to_p = primitive("broadcast_to", _broadcast_impl, (
    lambda g, ans, x, shape, in_shape: sum_to(g, in_shape),
), save="none", view=True, backward_name="ExpandBackward", jvp="linear", batch=_batch_broadcast_to,
    domain="real")


def broadcast_to(x: ArrayLike, shape: ShapeLike) -> Array:
    """x repeated along new or length-one axes to ``shape`` (a read-only view)."""
    shape = int_tuple(shape, "broadcast_to", "shape")
    in_shape = shape_of(x)
    if in_shape == shape:
        return x
    try:
        if builtins.min(shape, default=0) < 0 or len(shape) < len(in_shape) or \
                np.broadcast_shapes(in_shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {in_shape} to {shape}: each "
                         "axis of x must be 1 or the target's length, and x may not have "
                         "more axes than the target") from None
    return broadcast_to_p(x, shape, in_shape)


def sum_to(x: ArrayLike, shape: ShapeLike) -> Array:
    """Sum x over broadcast axes so that it has ``shape`` (undoes broadcasting)."""
    xshape = shape_of(x)
    shape = int_tuple(shape, "sum_to", "shape")
    if xshape == shape:
        return x
    lead = len(xshape) - len(shape)
    if lead < 0 or builtins.any(s not in (1, t) for s, t in zip(shape, xshape[lead:])):
        raise ValueError(f"sum_to: cannot sum shape {xshape} to {shape}; the target must "
                         "be a shape that x's shape broadcasts from")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and xshape[lead + i] != 1)
    if axes:
        x = sum_p(x, axes, True, xshape)
    return reshape(x, shape)


def _sum_impl(x, axes, keepdims, shape):
    return np.sum(x, axis=axes, keepdims=keepdims)


def unreduce(g, axes, keepdims, shape):
    """Broadcast the cotangent of a reduction back to the reduced input's shape."""
    if not keepdims:
        kept = tuple(1 if (axes is None or i in axes) else s for i, s in enumerate(shape))
        g = reshape(g, kept)
    return broadcast_to(g, shape)


sum_p = primitive("sum", _sum_impl, (
    lambda g, ans, x, axes, keepdims, shape: unreduce(g, axes, keepdims, shape),
), save="none", aliases=True, jvp="linear", batch="reduction", domain="real")


# ---------------------------------------------------------------- joining


def _concatenate_impl(*args):
    *arrays, axis, sizes = args
    return np.concatenate(arrays, axis=axis)


def _concatenate_rule(i, g, ans, *args):
    axis, sizes = args[-2], args[-1]
    start = builtins.sum(sizes[:i])
    index = (slice(None),) * axis + (slice(start, start + sizes[i]),)
    return getitem(g, index)


def _concatenate_jvp(tangents, ans, *args):
    axis, sizes = args[-2], args[-1]
    shape = list(np.shape(ans))
    parts = []
    for t, size in zip(tangents, sizes):
        if t is None:
            shape[axis] = size
            t = np.zeros(shape, dtype=ans.dtype)
        parts.append(t)
    return concatenate_p(*parts, axis, sizes)


def _batch_concatenate(prim, values, batched, params):
    from ..batching import materialize, size_of
    axis, sizes = params
    size = size_of(values, batched)
    parts = [materialize(v, b, size) for v, b in zip(values, batched)]
    return concatenate_p(*parts, axis + 1, sizes)


concatenate_p = primitive("concatenate", _concatenate_impl, EachInput(_concatenate_rule),
                          nin=2, save="none", aliases=True, variadic=True,
                          backward_name="CatBackward", jvp=_concatenate_jvp, batch=_batch_concatenate,
                          domain="real")


def concatenate(arrays: Sequence[ArrayLike], axis: int = 0) -> Array:
    """Join a sequence of tensors along an existing axis."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("concatenate: need at least one tensor")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    ndim = ndim_of(arrays[0])
    if ndim == 0:
        raise ValueError("concatenate: 0-d tensors cannot be concatenated; use stack")
    axis = normalize_axis(axis, ndim, "concatenate")
    shapes = [shape_of(a) for a in arrays]
    for s in shapes:
        if len(s) != ndim or s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]:
            raise ValueError(
                f"concatenate: all shapes must match except along axis {axis}, got {shapes}")
    if len(arrays) == 1:
        return arrays[0]
    return concatenate_p(*arrays, axis, tuple(s[axis] for s in shapes))


def stack(arrays: Sequence[ArrayLike], axis: int = 0) -> Array:
    """Join tensors of the same shape along a new axis."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("stack: need at least one tensor")
    shapes = {shape_of(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    axis = normalize_axis(axis, ndim_of(arrays[0]) + 1, "stack")
    return concatenate([expand_dims(a, axis) for a in arrays], axis)


def hstack(arrays: Sequence[ArrayLike]) -> Array:
    arrays = [atleast_1d(a) for a in arrays]
    return concatenate(arrays, 0 if ndim_of(arrays[0]) == 1 else 1)


def vstack(arrays: Sequence[ArrayLike]) -> Array:
    return concatenate([atleast_2d(a) for a in arrays], 0)


def atleast_1d(x: ArrayLike) -> Array:
    return reshape(x, (1,)) if ndim_of(x) == 0 else x


def atleast_2d(x: ArrayLike) -> Array:
    n = ndim_of(x)
    return reshape(x, (1,) * (2 - n) + shape_of(x)) if n < 2 else x


def split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list:
    """Split x into pieces along ``axis``: n equal sections, or at the given indices."""
    shape = shape_of(x)
    axis = normalize_axis(axis, len(shape), "split")
    length = shape[axis]
    if isinstance(indices_or_sections, int | np.integer):
        n = int(indices_or_sections)
        if n <= 0 or length % n:
            raise ValueError(f"split: axis {axis} of length {length} cannot be split into "
                             f"{n} equal sections; use array_split or give indices")
        bounds = [i * (length // n) for i in range(n + 1)]
    else:
        bounds = [0] + list(int_tuple(indices_or_sections, "split",
                                      "indices_or_sections")) + [length]
    lead = (slice(None),) * axis
    return [getitem(x, lead + (slice(a, b),)) for a, b in zip(bounds[:-1], bounds[1:])]


# ---------------------------------------------------------------- reordering and copies


def _flip_impl(x, axes):
    return np.flip(x, axes)


flip_p = primitive("flip", _flip_impl, (
    lambda g, ans, x, axes: flip_p(g, axes),
), save="none", aliases=True, view=True, jvp="linear", batch="axis", domain="real")


def flip(x: ArrayLike, axis: Axis = None) -> Array:
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    axes = normalize_axes(axis, ndim_of(x), "flip")
    if axes is None:
        axes = tuple(range(ndim_of(x)))
    return flip_p(x, axes)


def _roll_impl(x, shift, axis):
    return np.roll(x, shift, axis)


def _negate(shift):
    return tuple(-s for s in shift) if isinstance(shift, tuple) else -shift


def _batch_roll(prim, values, batched, params):
    from ..batching import shift_axis
    shift, axis = params
    return roll_p(values[0], shift, shift_axis(axis))


roll_p = primitive("roll", _roll_impl, (
    lambda g, ans, x, shift, axis: roll_p(g, _negate(shift), axis),
), save="none", jvp="linear", batch=_batch_roll, domain="real")


def roll(x: ArrayLike, shift: int | Sequence[int], axis: Axis = None) -> Array:
    """Shift elements cyclically along ``axis`` (over the flattened tensor when None)."""
    shift = int_tuple(shift, "roll", "shift")
    shift = shift[0] if len(shift) == 1 else shift
    if isinstance(axis, list):
        axis = tuple(axis)
    if axis is not None:  # checked here, so that the error names roll and x's shape
        axes = normalize_axes(axis, ndim_of(x), "roll", shape_of(x))
        count = len(axes) if isinstance(axis, tuple) else 1
        if isinstance(shift, tuple) and len(shift) != count:
            raise ValueError(f"roll: {len(shift)} shifts for {count} axes; give one shift "
                             "per axis")
    if axis is None:
        return reshape(roll_p(ravel(x), shift, 0), shape_of(x))
    return roll_p(x, shift, axis)


def repeat(x: ArrayLike, repeats: int | ArrayLike, axis: Axis = None) -> Array:
    """Repeat each element ``repeats`` times along ``axis`` (flattened when None)."""
    if axis is not None and not shape_of(x):  # NumPy repeats a 0-d x as one axis
        normalize_axis(axis, 0, "repeat", ())
        axis = None
    if axis is None:
        x = ravel(x)
        axis = 0
    shape = shape_of(x)
    axis = normalize_axis(axis, len(shape), "repeat", shape)
    if isinstance(repeats, Tensor):
        repeats = repeats._data
    if isinstance(repeats, int | np.integer) or (
            isinstance(repeats, np.ndarray) and repeats.ndim == 0):
        r = _repeat_count(repeats)
        expanded = broadcast_to(expand_dims(x, axis + 1),
                                shape[:axis + 1] + (r,) + shape[axis + 1:])
        return reshape(expanded, shape[:axis] + (shape[axis] * r,) + shape[axis + 1:])
    counts = [_repeat_count(r) for r in int_tuple(repeats, "repeat", "repeats")]
    if len(counts) not in (1, shape[axis]):
        raise ValueError(f"repeat: {len(counts)} repeats for axis {axis} of length "
                         f"{shape[axis]}; give one count, or one per element")
    index = np.repeat(np.arange(shape[axis]), counts)
    return getitem(x, (slice(None),) * axis + (index,))


def _repeat_count(r) -> int:
    try:
        r = operator.index(r)
    except TypeError:
        raise TypeError(f"repeat: repeats must be ints, got {r!r}") from None
    if r < 0:
        raise ValueError(f"repeat: repeats must be 0 or more, got {r}")
    return r


def tile(x: ArrayLike, reps: int | Sequence[int]) -> Array:
    """Repeat the whole of x ``reps`` times (per axis)."""
    reps = int_tuple(reps, "tile", "reps")
    if builtins.min(reps, default=0) < 0:
        raise ValueError(f"tile: reps must be 0 or more, got {reps}")
    shape = shape_of(x)
    n = builtins.max(len(shape), len(reps))
    shape = (1,) * (n - len(shape)) + shape
    reps = (1,) * (n - len(reps)) + reps
    interleaved = tuple(v for s in shape for v in (1, s))
    tiled = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    x = broadcast_to(reshape(x, interleaved), tiled)
    return reshape(x, tuple(r * s for r, s in zip(reps, shape)))


def _pad_impl(x, pad_width, value):
    if not pad_width:  # a 0-d x has no axis to pad; NumPy returns a copy
        return x.copy()
    return np.pad(x, pad_width, mode="constant", constant_values=value)


def _unpad(g, ans, x, pad_width, value):
    index = tuple(slice(before, s - after)
                  for (before, after), s in zip(pad_width, shape_of(g)))
    return getitem(g, index)


def _pad_jvp(tangents, ans, x, pad_width, value):
    return pad_p(tangents[0], pad_width, 0)


def _batch_pad(prim, values, batched, params):
    pad_width, value = params
    return pad_p(values[0], ((0, 0),) + pad_width, value)


pad_p = primitive("pad", _pad_impl, (_unpad,), save="none", aliases=True,
                  backward_name="ConstantPadBackward", jvp=_pad_jvp, batch=_batch_pad, domain="real")


def pad(x: ArrayLike, pad_width: int | Sequence, mode: str = "constant", constant_values: float = 0) -> Array:
    """Pad with a constant value (the only differentiable mode)."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
    n = ndim_of(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (n, 2))
    except (TypeError, ValueError):
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit a tensor of shape {shape_of(x)}; give "
            "an int, one (before, after) pair, or one pair per axis") from None
    if (widths < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width}")
    widths = tuple((int(a), int(b)) for a, b in widths)
    return pad_p(x, widths, constant_values)


def _astype_impl(x, dtype, from_dtype):
    return x.astype(dtype)


def _astype_vjp(g, ans, x, dtype, from_dtype):
    # The transpose of a real value's cast to complex (x ↦ x + 0i) is the real part.
    if g.dtype.kind == "c" and np.dtype(from_dtype).kind != "c":
        from .complex import real
        g = real(g)
    return astype_p(g, from_dtype, g.dtype)


astype_p = primitive("astype", _astype_impl, (_astype_vjp,), save="none", backward_name="AstypeBackward", jvp="linear", batch="elementwise",
    domain="real")


def astype(x: ArrayLike, dtype: DTypeLike) -> Array:
    """x converted to ``dtype``; differentiable between float dtypes."""
    try:
        if dtype is None:  # NumPy would read None as float64
            raise TypeError
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"astype: {dtype!r} is not a dtype; use e.g. 'float32' or "
                        "chainrule.float64") from None
    if dtype.kind not in "biufc":
        raise TypeError(f"astype: {dtype} is not a numeric dtype, and tensors hold numbers; "
                        "use e.g. 'float32', 'int64' or 'bool'")
    from_dtype = np.asarray(x).dtype if not hasattr(x, "dtype") else x.dtype
    return astype_p(x, dtype, from_dtype)


from .indexing import getitem  # noqa: E402  (rules look these up when they run)
