"""Two of JAX's rules for arrays that NumPy does not have, checked against JAX 0.10.2.

Weak types. A value made from a Python scalar (``jnp.array(3.0)``, ``jnp.full((2,), 7)``,
the ``2.0`` in ``grad(f)(2.0)``) is *weakly typed*: it takes the dtype of what it meets.
JAX prints such arrays with ``weak_type=True``. An operation's result is weak when the
kind of its weak operands (bool < int < float < complex) is above that of its strong
ones, or when it has only weak operands: ``jnp.array([1, 2]) * 1.5`` is a weak float32,
``jnp.arange(4.0) * 2.0`` is not. Shape functions and elementwise functions follow that
rule; reductions (sum, mean, max, norm...) and ``astype`` give strong results. The flag
lives in the tensor's ``_extra``, so arrays that are not weak cost nothing.

Out-of-bounds indices. JAX does not raise for them: retrieval clamps an integer index
into range (``x[5]`` of three elements is ``x[2]``), and an update at an index out of
range is dropped (``x.at[5].set(1.0)`` is x unchanged).
"""
from __future__ import annotations

import numpy as np

WEAK = "weak_type"
_RANK = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}


def is_weak(value) -> bool:
    """A Python int, float or complex (not a bool), or an Array flagged weak."""
    if type(value) in (int, float, complex):
        return True
    extra = getattr(value, "_extra", None)
    return extra is not None and extra.get(WEAK, False)


def _rank(value) -> int:
    if type(value) is bool:
        return 0
    if type(value) in (int, float, complex):
        return _RANK[np.dtype(type(value)).kind]
    dtype = getattr(value, "dtype", None)
    return _RANK.get(np.dtype(dtype).kind, 0) if dtype is not None else 0


def weak_result(operands) -> bool:
    """Whether an operation on ``operands`` (arrays and Python scalars) is weakly typed."""
    weak, strong = -1, -1
    for operand in operands:
        if operand is None:
            continue
        if is_weak(operand):
            weak = max(weak, _rank(operand))
        else:
            strong = max(strong, _rank(operand))
    return weak >= 0 and weak > strong


def mark(out, weak: bool):
    """Flag ``out`` (an Array) as weakly typed when ``weak``; return it."""
    if weak and out is not None and hasattr(out, "_extras"):
        out._extras()[WEAK] = True
    return out


# ---------------------------------------------------------------- out-of-bounds indices


class OutOfBounds(Exception):
    """An index form whose out-of-bounds entries this dialect does not drop."""


def _components(index, shape):
    """(component, axis length or None) for each part of ``index``, Ellipsis expanded."""
    parts = list(index) if isinstance(index, tuple) else [index]
    consumed = sum(_axes(p) for p in parts)
    out, axis = [], 0
    for part in parts:
        if part is Ellipsis:
            skipped = len(shape) - consumed
            out.extend((slice(None), shape[axis + k]) for k in range(skipped))
            axis += skipped
        elif part is None:
            out.append((None, None))
        elif isinstance(part, np.ndarray) and part.dtype.kind == "b":
            out.append((part, None))
            axis += part.ndim
        else:
            out.append((part, shape[axis] if axis < len(shape) else None))
            axis += 1
    return out


def _axes(part) -> int:
    """How many axes of the array an index component consumes."""
    if part is None or part is Ellipsis:
        return 0
    if isinstance(part, np.ndarray) and part.dtype.kind == "b":
        return part.ndim
    return 1


def _integer(part) -> bool:
    return isinstance(part, (int, np.integer)) and not isinstance(part, bool)


def _integers(part) -> bool:
    return isinstance(part, np.ndarray) and part.dtype.kind in "iu"


def clamped(index, shape):
    """``index`` (normalized by chainrule.ops.normalize_index) with its integer entries
    clamped into range, as JAX retrieves."""
    parts = []
    changed = False
    for part, n in _components(index, shape):
        if n is not None and _integer(part) and not -n <= part < n:
            part, changed = (n - 1 if part >= n else 0), True
        elif n is not None and _integers(part) and (np.any(part >= n) or np.any(part < -n)):
            part, changed = np.where(part >= n, n - 1, np.where(part < -n, 0, part)), True
        parts.append(part)
    if not changed:
        return index
    return tuple(parts) if isinstance(index, tuple) or len(parts) > 1 else parts[0]


def in_bounds(index, shape):
    """How JAX applies an update at ``index``: ``(index, None)`` when every entry is in
    range; ``(None, None)`` when an integer is out of range (nothing is written); for an
    index of integer arrays (then only slices), ``(index of the entries in range, mask)``
    where the mask, over the broadcast index, selects the values that are written."""
    components = _components(index, shape)
    for part, n in components:
        if n is not None and _integer(part) and not -n <= part < n:
            return None, None
    arrays = [(part, n) for part, n in components if _integers(part)]
    valid = np.ones(np.broadcast_shapes(*[a.shape for a, _ in arrays]) if arrays else (), bool)
    for part, n in arrays:
        valid = valid & (part >= -n) & (part < n)
    if valid.all():
        return index, None
    leading = len(arrays)
    if not all(_integers(part) for part, _ in components[:leading]) or not all(
            isinstance(part, slice) and part == slice(None) for part, _ in components[leading:]):
        raise OutOfBounds("chainrule.jax drops out-of-bounds update indices when the index is "
                          "integer arrays, then whole slices; write this update with an index "
                          "in range")
    kept = tuple(np.broadcast_to(part, valid.shape)[valid] for part, _ in arrays)
    return kept + tuple(part for part, _ in components[leading:]), valid
