"""Splitting along an axis: array_split, split, hsplit, vsplit, dsplit. Each piece is a
basic slice (a view), so its gradient lands in its part of the input."""
from __future__ import annotations

import numpy as np

from ..ops import getitem
from ._convert import axis_index
from ._core import asarray_like

__all__ = ["array_split", "split", "hsplit", "vsplit", "dsplit"]


def _bounds(length: int, indices_or_sections, op: str) -> list:
    """Where the pieces start and end: at the given indices, or in n sections of which
    the first length % n are one longer (NumPy's rule)."""
    try:
        return [0] + list(indices_or_sections) + [length]
    except TypeError:
        pass
    try:
        sections = int(indices_or_sections)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: indices_or_sections must be an int or a sequence of ints, "
                        f"got {indices_or_sections!r}") from None
    if sections <= 0:
        raise ValueError(f"{op}: the number of sections must be larger than 0, got "
                         f"{sections}")
    each, extras = divmod(length, sections)
    sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
    return np.cumsum(sizes).tolist()


def array_split(ary, indices_or_sections, axis=0) -> list:
    """ary split along ``axis`` at the given indices, or into n nearly equal sections."""
    return _split(ary, indices_or_sections, axis, "array_split", equal=False)


def split(ary, indices_or_sections, axis=0) -> list:
    """ary split along ``axis`` at the given indices, or into n equal sections."""
    return _split(ary, indices_or_sections, axis, "split", equal=True)


def _split(ary, indices_or_sections, axis, op: str, equal: bool) -> list:
    ary = asarray_like(ary)
    if isinstance(indices_or_sections, np.ndarray) and indices_or_sections.ndim == 0:
        indices_or_sections = int(indices_or_sections)
    axis = axis_index(axis, ary.ndim, op)
    length = ary.shape[axis]
    if equal and not hasattr(indices_or_sections, "__len__"):
        sections = int(indices_or_sections)
        if sections > 0 and length % sections:
            raise ValueError(f"{op}: an axis of length {length} does not split into "
                             f"{sections} equal sections; use array_split, or give indices")
    bounds = _bounds(length, indices_or_sections, op)
    lead = (slice(None),) * axis
    return [getitem(ary, lead + (slice(start, stop),))
            for start, stop in zip(bounds[:-1], bounds[1:])]


def hsplit(ary, indices_or_sections) -> list:
    """split along the second axis (the first for 1-d arrays)."""
    ary = asarray_like(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions, got a 0-d one")
    return _split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0, "hsplit", equal=True)


def _split_deep(ary, indices_or_sections, ndim: int, axis: int, op: str) -> list:
    """split along ``axis``, of arrays of at least ndim dimensions."""
    ary = asarray_like(ary)
    if ary.ndim < ndim:
        raise ValueError(f"{op} only works on arrays of {ndim} or more dimensions, got shape "
                         f"{ary.shape}")
    return _split(ary, indices_or_sections, axis, op, equal=True)


def vsplit(ary, indices_or_sections) -> list:
    """split along the first axis, of arrays of 2 or more dimensions."""
    return _split_deep(ary, indices_or_sections, 2, 0, "vsplit")


def dsplit(ary, indices_or_sections) -> list:
    """split along the third axis, of arrays of 3 or more dimensions."""
    return _split_deep(ary, indices_or_sections, 3, 2, "dsplit")
