"""Indexing: x[index], its transpose (scatter-add), take, and recorded assignment.

Basic indices (ints, slices, ``None``, ``...``) give views; integer arrays and boolean
masks give copies. The backward of indexing adds the cotangent into zeros at the indexed
places, so an index repeated k times receives k contributions.
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import numpy as np

from ..primitive import primitive
from ..tensor import Tensor

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def normalize_index(index):
    """Tensors in an index become arrays, lists become integer or boolean arrays."""
    if isinstance(index, tuple):
        return tuple(_index_item(i) for i in index)
    return _index_item(index)


def _index_item(item):
    if isinstance(item, Tensor):
        item = item._data
    elif isinstance(item, list):
        try:  # an empty list selects nothing, as in NumPy (not a float index)
            item = np.asarray([i._data if isinstance(i, Tensor) else i for i in item],
                              dtype=np.intp if not item else None)
        except ValueError as exc:
            raise IndexError(f"an index list must be rectangular (every row the same "
                             f"length), got {item!r}: {exc}") from None
    if isinstance(item, np.ndarray):
        if item.dtype.kind not in "iub":
            raise IndexError(
                f"arrays and tensors used as indices must be integer or boolean, got "
                f"{item.dtype}; convert float indices with .astype(int64)")
        if item.ndim == 0 and item.dtype.kind in "iu":
            return int(item)
    elif not isinstance(item, _BASIC):
        raise IndexError(
            f"only integers, slices, None, ..., integer arrays and boolean masks are valid "
            f"indices, got {type(item).__name__}")
    return item


def is_basic(index) -> bool:
    if isinstance(index, tuple):
        return all(isinstance(i, _BASIC) for i in index)
    return isinstance(index, _BASIC)


def _getitem_impl(x, index, in_shape):
    return x[index]


def _scatter_impl(g, index, shape):
    out = np.zeros(shape, dtype=g.dtype)
    if is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


# ---------------------------------------------------------------- batching
#
# With the batch in front, an index (i, j) becomes (:, i, j). NumPy moves the axes of
# advanced (array) indices to the front when they are not next to each other, and then
# the batch axis comes right after them.


def _batched_index(index):
    index = index if isinstance(index, tuple) else (index,)
    return (slice(None),) + index


def _advanced(item) -> bool:
    return isinstance(item, np.ndarray) or (isinstance(item, (int, np.integer))
                                            and not isinstance(item, bool))


def batch_position(index: tuple) -> int:
    """Where the batch axis lands in x[index] for an index made by _batched_index."""
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if not arrays:
        return 0
    flags = [_advanced(i) for i in index]
    first = flags.index(True)
    last = len(flags) - 1 - flags[::-1].index(True)
    if all(flags[first:last + 1]):
        return 0
    ndims = [1 if i.dtype == bool else i.ndim for i in arrays]
    return max(ndims)


def _batch_getitem(prim, values, batched, params):
    from .shape import moveaxis
    index, in_shape = params
    value = values[0]
    full = _batched_index(index)
    out = prim.call(value, full, np.shape(value))
    position = batch_position(full)
    return moveaxis(out, position, 0) if position else out


def _batch_scatter_add(prim, values, batched, params):
    from .shape import moveaxis
    index, shape = params
    full = _batched_index(index)
    position = batch_position(full)
    c = values[0]
    size = np.shape(c)[0]
    if position:
        c = moveaxis(c, 0, position)
    return scatter_add(c, full, (size,) + tuple(shape))


def _index_put_jvp(tangents, ans, x, v, index):
    tx, tv = tangents
    if tv is None:
        return where(_written_mask(np.shape(ans), index), 0, tx)
    base = tx if tx is not None else np.zeros(np.shape(ans), dtype=ans.dtype)
    return index_put(base, tv, index)


def _batch_index_put(prim, values, batched, params):
    from ..batching import materialize, size_of
    from .shape import expand_dims, moveaxis, reshape
    (index,) = params
    size = size_of(values, batched)
    x = materialize(values[0], batched[0], size)
    full = _batched_index(index)
    position = batch_position(full)
    target_rank = len(np.empty(np.shape(x)[1:], dtype=bool)[index].shape)
    v = values[1]
    if batched[1]:
        vshape = np.shape(v)
        v = reshape(v, vshape[:1] + (1,) * (target_rank - len(vshape) + 1) + vshape[1:])
        v = moveaxis(v, 0, position)
    else:
        vshape = np.shape(v)
        v = reshape(v, (1,) * (target_rank - len(vshape)) + tuple(vshape))
        v = expand_dims(v, position)
    return index_put(x, v, full)


def _add_into_slice(prev, g, ans, x, index, in_shape) -> bool:
    """Accumulating variant of getitem's rule: g added into the indexed part of the
    pending cotangent (a view for basic indices), not into a new array of zeros."""
    if is_basic(index):
        part = prev[index]
        np.add(part, g, out=part, casting="unsafe")
    else:
        np.add.at(prev, index, g)
    return True


getitem_basic = primitive("getitem", _getitem_impl, (
    lambda g, ans, x, index, in_shape: scatter_add(g, index, in_shape),
), save="none", view=True, backward_name="SliceBackward", jvp="linear", batch=_batch_getitem,
    accumulate=(_add_into_slice,), domain="real")

getitem_advanced = primitive("getitem", _getitem_impl, (
    lambda g, ans, x, index, in_shape: scatter_add(g, index, in_shape),
), save="none", backward_name="IndexBackward", jvp="linear", batch=_batch_getitem,
    accumulate=(_add_into_slice,), domain="real")

scatter_add = primitive("scatter_add", _scatter_impl, (
    lambda g, ans, c, index, shape: getitem(g, index),
), save="none", aliases=True, backward_name="IndexAddBackward", jvp="linear", batch=_batch_scatter_add,
    domain="real")
scatter_add.__doc__ = "zeros(shape) with c added at index (repeated indices accumulate)."


def _batched_items(index) -> list:
    items = index if isinstance(index, tuple) else (index,)
    return [i for i in items if isinstance(i, Tensor) and i._aux is not None and i._aux.is_batch]


def _gather_batched(x, index):
    """x[index] inside vmap when the index itself varies across the batch: a gather with
    the batch position as the first advanced index."""
    from ..batching import make_batched, materialize
    items = list(index) if isinstance(index, tuple) else [index]
    level = max(i._aux.level for i in _batched_items(index))
    for i in items:
        if isinstance(i, Tensor) and i._aux is not None and i._aux.is_batch \
                and i._aux.level == level and i.dtype == bool:
            raise ValueError(
                "boolean mask indexing with a batched mask inside vmap: each example would "
                "select a different number of elements; use chainrule.where instead")
    batched_x = isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch \
        and x._aux.level == level
    size = next(i._aux.value.shape[0] for i in items if isinstance(i, Tensor)
                and i._aux is not None and i._aux.is_batch and i._aux.level == level)
    values = x._aux.value if batched_x else materialize(x, False, size)
    arrays = []
    for i in items:
        if isinstance(i, Tensor) and i._aux is not None and i._aux.is_batch \
                and i._aux.level == level:
            arrays.append(np.asarray(i._aux.value._data))
        else:
            arrays.append(i)
    ranks = [a.ndim - 1 for a, i in zip(arrays, items) if isinstance(i, Tensor)
             and i._aux is not None and i._aux.is_batch and i._aux.level == level]
    ranks += [np.ndim(a) for a, i in zip(arrays, items) if isinstance(a, (np.ndarray, list))
              and not (isinstance(i, Tensor) and i._aux is not None)]
    rank = max(ranks)
    aligned = []
    for a, i in zip(arrays, items):
        if isinstance(i, Tensor) and i._aux is not None and i._aux.is_batch \
                and i._aux.level == level:
            a = a.reshape(a.shape[:1] + (1,) * (rank - a.ndim + 1) + a.shape[1:])
        aligned.append(a)
    batch_index = np.arange(size).reshape((size,) + (1,) * rank)
    return make_batched(getitem(values, (batch_index,) + tuple(aligned)), level)


def getitem(x: ArrayLike, index: object) -> Array:
    """x[index] for NumPy indices; differentiable (repeated indices accumulate)."""
    if _batched_items(index):
        return _gather_batched(x, index)
    if isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch:
        _refuse_batched_mask(index)
    index = normalize_index(index)
    shape = np.shape(x)
    try:
        if is_basic(index):
            return getitem_basic(x, index, shape)
        return getitem_advanced(x, index, shape)
    except IndexError as exc:
        raise IndexError(f"index {index!r} is invalid for a tensor of shape {shape}: {exc}") \
            from None


def _refuse_batched_mask(index) -> None:
    items = index if isinstance(index, tuple) else (index,)
    for i in items:
        data = i._data if isinstance(i, Tensor) else i
        if isinstance(data, np.ndarray) and data.dtype == bool and isinstance(i, Tensor) \
                and i._aux is not None:
            raise ValueError(
                "boolean mask indexing inside vmap: each example would select a different "
                "number of elements (a value-dependent shape); use chainrule.where instead")


def take(x: ArrayLike, indices: ArrayLike, axis: Axis = None) -> Array:
    """Elements of x at ``indices`` along ``axis`` (of the flattened x when None)."""
    from .shape import normalize_axis, ravel
    indices = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
    if axis is None or np.ndim(x) == 0:  # a 0-d x is taken from as if of shape (1,)
        if axis is not None:
            normalize_axis(axis, 1, "take")
        return getitem(ravel(x), indices)
    axis = normalize_axis(axis, np.ndim(x), "take")
    return getitem(x, (slice(None),) * axis + (indices,))


# ---------------------------------------------------------------- recorded assignment


def _put_impl(x, v, index):
    out = np.array(x, copy=True)
    out[index] = v
    return out


def _written_mask(shape, index):
    """True where ``out[index] = v`` overwrote the original value."""
    mask = np.zeros(shape, dtype=bool)
    mask[index] = True
    return mask


def _winners(shape, index):
    """For each element of x[index]: True if no later element of the index wrote the same
    place (with repeated indices, only the last write survives an assignment)."""
    ids = np.full(shape, -1, dtype=np.int64)
    count = np.empty(shape)[index].shape
    order = np.arange(int(np.prod(count))).reshape(count)
    ids[index] = order
    return ids[index] == order


index_put = primitive("index_put", _put_impl, (
    lambda g, ans, x, v, index: where(_written_mask(np.shape(g), index), 0, g),
    lambda g, ans, x, v, index: where(_winners(np.shape(g), index), getitem(g, index), 0),
), nin=2, save="output", backward_name="IndexPutBackward", jvp=_index_put_jvp,
    batch=_batch_index_put, domain="real")
index_put.__doc__ = "A copy of x with v written at index (the recorded form of x[index] = v)."

from .arithmetic import where  # noqa: E402
