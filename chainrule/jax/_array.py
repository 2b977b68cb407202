"""jax.Array: chainrule's Tensor with JAX's printing, dtypes and immutability.

JAX arrays are immutable (``x.at[idx].set(v)`` makes an updated copy, ``x += 1`` rebinds
x to a new array) and, with 64-bit mode off (JAX's default), 32-bit: Python floats are
float32, Python ints int32, and 64-bit NumPy data is narrowed on the way in. Values made
from Python scalars are weakly typed, and out-of-bounds indices are clamped or dropped,
as in JAX (see _rules.py).
"""
from __future__ import annotations

import functools

import numpy as np

import chainrule as cr
from chainrule.batching import BatchedTensor
from chainrule.ops import index_put, normalize_index, scatter_add
from chainrule.pytree import tree_map
from chainrule.tensor import as_class

from ._rules import OutOfBounds, clamped, in_bounds, is_weak, mark, weak_result

# x64 disabled: the 32-bit dtype JAX uses for each 64-bit one.
_NARROW = {np.dtype("float64"): np.dtype("float32"), np.dtype("int64"): np.dtype("int32"),
           np.dtype("uint64"): np.dtype("uint32"), np.dtype("complex128"): np.dtype("complex64")}


def canonical_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    return _NARROW.get(dtype, dtype)


def to_array(out, weak: bool = False):
    """A chainrule result (or a pytree of them) as JAX Arrays of 32-bit dtypes; a result
    that was weakly typed stays so, and ``weak=True`` makes them weakly typed."""
    def convert(t):
        if not isinstance(t, cr.Tensor) or isinstance(t, BatchedTensor):
            return t  # inside vmap, values are the core's batched tensors
        was_weak = weak or is_weak(t)
        if t._data.dtype in _NARROW:
            t = cr.astype(t, _NARROW[t._data.dtype])
        return mark(as_class(t, Array), was_weak)
    return tree_map(convert, out)


def array(obj, dtype=None, copy: bool = True) -> Array:
    """``jnp.array``: a new Array from numbers, nested lists, NumPy data or Arrays (a
    recorded copy of a tensor, so that gradients flow through it). A Python number makes
    a weakly typed array, as in JAX."""
    weak = dtype is None and is_weak(obj)
    dtype = None if dtype is None else canonical_dtype(dtype)
    if isinstance(obj, cr.Tensor):
        t = cr.copy(obj)
        return to_array(t if dtype is None or t.dtype == dtype else cr.astype(t, dtype), weak)
    return to_array(cr.tensor(obj, dtype), weak)


def asarray(obj, dtype=None) -> Array:
    """``jnp.asarray``: ``obj`` itself when it already is an Array of that dtype, else a
    new Array (never a view of NumPy data, which could change under it)."""
    if isinstance(obj, Array) and (dtype is None or obj.dtype == canonical_dtype(dtype)):
        return obj
    return array(obj, dtype)


# JAX's first sentences; chainrule's explanation follows.
_IMMUTABLE = ("JAX arrays are immutable and do not support in-place item assignment. Instead "
              "of x[idx] = y, use x = x.at[idx].set(y) or another .at[] method: "
              "https://docs.jax.dev/en/latest/_autosummary/jax.numpy.ndarray.at.html")


class Array(cr.Tensor):
    """A chainrule tensor that speaks JAX: immutable, printed as ``Array(..., dtype=...)``."""

    __slots__ = ()
    _repr_html_ = None  # Jupyter shows the text, as for JAX's arrays

    def __repr__(self) -> str:
        # JAX's ArrayImpl.__repr__: NumPy's array2string, then the dtype (and weak_type),
        # set off by six spaces instead of one when it would make the last line too long.
        prefix = "Array("
        dtype_text = f"dtype={self._data.dtype.name}" + (
            ", weak_type=True)" if is_weak(self) else ")")
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
        raise TypeError(f"{_IMMUTABLE} (chainrule.jax arrays are immutable too: "
                        ".at[idx].set(y) returns an updated copy, recorded so that gradients "
                        "flow through it)")

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

    def _python_scalar(self, kind):
        if self._data.ndim != 0:
            raise TypeError(
                "Only scalar arrays can be converted to Python scalars; got "
                f"arr.ndim={self._data.ndim} (chainrule: index the element first, e.g. "
                f"{kind.__name__}(x[0]), or use x.item())")
        return kind(self._data.item())

    def __float__(self) -> float:
        return self._python_scalar(float)

    def __int__(self) -> int:
        return self._python_scalar(int)

    def __complex__(self) -> complex:
        return self._python_scalar(complex)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                "The truth value of an array with more than one element is ambiguous. Use "
                f"a.any() or a.all() (chainrule: this array has shape {self._data.shape})")
        return bool(self._data.reshape(()))

    def __getitem__(self, index):
        """Out-of-bounds integer indices are clamped into range, as JAX retrieves."""
        index = clamped(normalize_index(index), self._data.shape)
        return mark(cr.Tensor.__getitem__(self, index), is_weak(self))


def _weak_operation(method):
    """The operator, whose result is weakly typed by JAX's rule."""
    @functools.wraps(method)
    def operation(self, *operands):
        out = method(self, *operands)
        if out is not NotImplemented and weak_result((self,) + operands):
            mark(out, True)
        return out
    return operation


def _narrowing(method):
    @functools.wraps(method)
    def narrowed(self, *args, **kwargs):
        return to_array(method(self, *args, **kwargs))
    return narrowed


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__eq__",
              "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__rand__",
              "__or__", "__ror__", "__xor__", "__rxor__", "__neg__", "__pos__", "__abs__",
              "__invert__", "reshape", "transpose", "ravel", "flatten", "squeeze", "swapaxes",
              "repeat", "clip"):
    setattr(Array, _name, _weak_operation(getattr(cr.Tensor, _name)))
Array.T = property(_weak_operation(cr.Tensor.T.fget))

# NumPy sums integers in 64 bits and casts to whatever is asked: JAX stays in 32. Their
# results are strongly typed, as JAX's reductions and astype are.
for _name in ("sum", "prod", "cumsum", "cumprod", "astype"):
    setattr(Array, _name, _narrowing(getattr(cr.Tensor, _name)))

# ``type(x)`` shows as JAX 0.10.2's array class, as the book shows JAX's.
Array.__module__, Array.__name__, Array.__qualname__ = "jaxlib._jax", "ArrayImpl", "ArrayImpl"


class _IndexUpdateHelper:
    __slots__ = ("array",)

    def __init__(self, array: Array) -> None:
        self.array = array

    def __getitem__(self, index) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, index)


class _IndexUpdateRef:
    """``x.at[index]``: the functional updates of x at index (recorded, differentiable).
    Updates at indices out of range are dropped, as in JAX; ``get`` clamps them."""

    __slots__ = ("array", "index")

    def __init__(self, array: Array, index) -> None:
        self.array = array
        self.index = index

    def get(self, mode=None) -> Array:
        return self.array[self.index]

    def _values(self, values):
        x = self.array
        values = values if isinstance(values, cr.Tensor) else cr.asarray(values, x.dtype)
        return values if values.dtype == x.dtype else cr.astype(values, x.dtype)

    def _in_bounds(self, values):
        """The index of the entries in range and the values written there (None, None
        when nothing is written)."""
        x = self.array
        index = normalize_index(self.index)
        try:
            kept, mask = in_bounds(index, x.shape)
        except OutOfBounds as exc:
            raise IndexError(f"index {self.index!r} is out of bounds for an array of shape "
                             f"{x.shape} ({exc})") from None
        if kept is None:
            return None, None
        values = self._values(values)
        if mask is not None:
            values = cr.broadcast_to(values, x[index].shape)[mask]
        return kept, values

    def _result(self, out) -> Array:
        return mark(to_array(out), is_weak(self.array))

    def set(self, values, mode=None) -> Array:
        index, values = self._in_bounds(values)
        if index is None:
            return self._result(cr.copy(self.array))
        return self._result(index_put(self.array, values, index))

    def add(self, values, mode=None) -> Array:
        """Repeated indices add up, as in JAX."""
        x = self.array
        index, values = self._in_bounds(values)
        if index is None:
            return self._result(cr.copy(x))
        values = cr.broadcast_to(values, x[index].shape)
        return self._result(x + scatter_add(values, index, x.shape))

    def multiply(self, values, mode=None) -> Array:
        return self.set(self.array[self.index] * values)

    mul = multiply

    def divide(self, values, mode=None) -> Array:
        return self.set(self.array[self.index] / values)

    def power(self, values, mode=None) -> Array:
        return self.set(self.array[self.index] ** values)

    def min(self, values, mode=None) -> Array:  # noqa: A003 - JAX's names
        return self.set(cr.minimum(self.array[self.index], values))

    def max(self, values, mode=None) -> Array:  # noqa: A003
        return self.set(cr.maximum(self.array[self.index], values))
