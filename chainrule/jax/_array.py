"""jax.Array: chainrule's Tensor with JAX's printing, dtypes and immutability.

JAX arrays are immutable (``x.at[idx].set(v)`` makes an updated copy, ``x += 1`` rebinds
x to a new array) and, with 64-bit mode off (JAX's default), 32-bit: Python floats are
float32, Python ints int32, and 64-bit NumPy data is narrowed on the way in.
"""
from __future__ import annotations

import functools

import numpy as np

import chainrule as cr
from chainrule.batching import BatchedTensor
from chainrule.ops import index_put, normalize_index, scatter_add
from chainrule.pytree import tree_map
from chainrule.tensor import as_class

# x64 disabled: the 32-bit dtype JAX uses for each 64-bit one.
_NARROW = {np.dtype("float64"): np.dtype("float32"), np.dtype("int64"): np.dtype("int32"),
           np.dtype("uint64"): np.dtype("uint32"), np.dtype("complex128"): np.dtype("complex64")}


def canonical_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    return _NARROW.get(dtype, dtype)


def to_array(out):
    """A chainrule result (or a pytree of them) as JAX Arrays of 32-bit dtypes."""
    def convert(t):
        if not isinstance(t, cr.Tensor) or isinstance(t, BatchedTensor):
            return t  # inside vmap, values are the core's batched tensors
        if t._data.dtype in _NARROW:
            t = cr.astype(t, _NARROW[t._data.dtype])
        return as_class(t, Array)
    return tree_map(convert, out)


def array(obj, dtype=None, copy: bool = True) -> Array:
    """``jnp.array``: a new Array from numbers, nested lists, NumPy data or Arrays (a
    recorded copy of a tensor, so that gradients flow through it)."""
    dtype = None if dtype is None else canonical_dtype(dtype)
    if isinstance(obj, cr.Tensor):
        t = cr.copy(obj)
        return to_array(t if dtype is None or t.dtype == dtype else cr.astype(t, dtype))
    return to_array(cr.tensor(obj, dtype))


def asarray(obj, dtype=None) -> Array:
    """``jnp.asarray``: ``obj`` itself when it already is an Array of that dtype, else a
    new Array (never a view of NumPy data, which could change under it)."""
    if isinstance(obj, Array) and (dtype is None or obj.dtype == canonical_dtype(dtype)):
        return obj
    return array(obj, dtype)


# JAX's first sentences; chainrule's explanation follows.
_IMMUTABLE = ("'<class 'jaxlib.xla_extension.ArrayImpl'>' object does not support item "
              "assignment. JAX arrays are immutable. Instead of ``x[idx] = y``, use "
              "``x = x.at[idx].set(y)`` or another .at[] method: "
              "https://jax.readthedocs.io/en/latest/_autosummary/jax.numpy.ndarray.at.html")


class Array(cr.Tensor):
    """A chainrule tensor that speaks JAX: immutable, printed as ``Array(..., dtype=...)``."""

    __slots__ = ()

    def __repr__(self) -> str:
        # JAX's ArrayImpl.__repr__: NumPy's array2string, then the dtype, set off by six
        # spaces instead of one when it would make the last line too long.
        prefix, dtype_text = "Array(", f"dtype={self._data.dtype.name})"
        width = np.get_printoptions()["linewidth"]
        if self._data.size == 0:
            text = f"[], shape={self._data.shape}"
        else:
            text = np.array2string(self._data, prefix=prefix, suffix=",", separator=", ",
                                   max_line_width=width)
        last_line = len(text) - text.rfind("\n") + 1
        sep = " " * len(prefix) if last_line + len(dtype_text) + 1 > width else " "
        return f"{prefix}{text},{sep}{dtype_text}"

    def __str__(self) -> str:
        return str(self._data)

    def __setitem__(self, index, value):
        raise TypeError(f"{_IMMUTABLE} (chainrule.jax arrays are immutable too: .at[idx].set(y) "
                        "returns an updated copy, recorded so that gradients flow through it)")

    # ``x += 1`` makes a new array, as Python does when an in-place operator is missing.
    def _rebinds(self, other):
        return NotImplemented

    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ipow__ = __imatmul__ = _rebinds

    @property
    def at(self) -> _IndexUpdateHelper:
        """``x.at[idx].set(v)``, ``.add(v)``, ``.multiply(v)``, ``.get()``...: updated copies."""
        return _IndexUpdateHelper(self)

    def block_until_ready(self) -> Array:
        return self

    def item(self, *args):
        return self._data.item(*args)


def _narrowing(method):
    @functools.wraps(method)
    def narrowed(self, *args, **kwargs):
        return to_array(method(self, *args, **kwargs))
    return narrowed


# NumPy sums integers in 64 bits and casts to whatever is asked: JAX stays in 32.
for _name in ("sum", "prod", "cumsum", "cumprod", "astype"):
    setattr(Array, _name, _narrowing(getattr(cr.Tensor, _name)))


class _IndexUpdateHelper:
    __slots__ = ("array",)

    def __init__(self, array: Array) -> None:
        self.array = array

    def __getitem__(self, index) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, index)


class _IndexUpdateRef:
    """``x.at[index]``: the functional updates of x at index (recorded, differentiable)."""

    __slots__ = ("array", "index")

    def __init__(self, array: Array, index) -> None:
        self.array = array
        self.index = index

    def get(self) -> Array:
        return self.array[self.index]

    def set(self, values) -> Array:
        x = self.array
        values = values if isinstance(values, cr.Tensor) else cr.asarray(values, x.dtype)
        if values.dtype != x.dtype:
            values = cr.astype(values, x.dtype)
        return to_array(index_put(x, values, normalize_index(self.index)))

    def add(self, values) -> Array:
        """Repeated indices add up, as in JAX."""
        x = self.array
        index = normalize_index(self.index)
        values = cr.broadcast_to(cr.asarray(values, x.dtype) if not isinstance(values, cr.Tensor)
                                 else cr.astype(values, x.dtype), x[index].shape)
        return to_array(x + scatter_add(values, index, x.shape))

    def multiply(self, values) -> Array:
        return self.set(self.array[self.index] * values)

    mul = multiply

    def divide(self, values) -> Array:
        return self.set(self.array[self.index] / values)

    def power(self, values) -> Array:
        return self.set(self.array[self.index] ** values)

    def min(self, values) -> Array:  # noqa: A003 - JAX's names
        return self.set(cr.minimum(self.array[self.index], values))

    def max(self, values) -> Array:  # noqa: A003
        return self.set(cr.maximum(self.array[self.index], values))
