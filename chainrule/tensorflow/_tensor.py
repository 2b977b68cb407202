"""tf.Tensor and tf.Variable: chainrule tensors with TensorFlow's names, printing and
errors. Mechanism stays in the core; this is spelling and policy.

TensorFlow's tensors are immutable and its Variables are the mutable state: an operation
on a Variable reads its value, so its result is a plain tf.Tensor, and an assignment
writes the Variable without being recorded (it is not differentiable in TensorFlow).
"""
from __future__ import annotations

import functools
import threading

import numpy as np

import chainrule as cr
from chainrule import errors, inplace
from chainrule.batching import BatchedTensor
from chainrule.graph import Variables
from chainrule.ops import alias
from chainrule.tensor import as_class

# TensorFlow's first sentence for each core error a tape can meet; chainrule's follows.
_FIRST_SENTENCE = [
    (errors.GraphFreedError, "A non-persistent GradientTape can only be used to compute one "
                             "set of gradients (or jacobians)"),
]


tf_errors = errors.speaking(_FIRST_SENTENCE)  # the core's errors in TensorFlow's words


# ---------------------------------------------------------------- dtypes and shapes


class DType:
    """A TensorFlow dtype (``tf.float32``) standing for a NumPy one."""

    __slots__ = ("name", "dtype")

    def __init__(self, np_dtype) -> None:
        self.dtype = np.dtype(np_dtype)  # np.dtype(tf.float32) reads this attribute
        self.name = self.dtype.name

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"

    def __eq__(self, other) -> bool:
        other = other.dtype if isinstance(other, DType) else other
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)

    @property
    def as_numpy_dtype(self):
        return self.dtype.type

    @property
    def is_floating(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self.dtype.kind in "iu"

    @property
    def is_bool(self) -> bool:
        return self.dtype.kind == "b"

    def __getattr__(self, name):
        return getattr(self.__getattribute__("dtype"), name)


DTYPES = {np.dtype(n): DType(n) for n in [
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint32",
    "bool", "complex64", "complex128"]}


def to_np_dtype(value):
    if value is None:
        return None
    return value.dtype if isinstance(value, DType) else np.dtype(value)


def tf_dtype(np_dtype):
    return DTYPES.get(np_dtype, np_dtype)


class TensorShape(tuple):
    """tf.TensorShape: a tuple of ints that prints as ``TensorShape([2, 3])``."""

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        return f"({self[0]},)" if len(self) == 1 else f"({', '.join(map(str, self))})"

    @property
    def rank(self) -> int:
        return len(self)

    def as_list(self) -> list:
        return list(self)

    def num_elements(self) -> int:
        return int(np.prod(self))


# ---------------------------------------------------------------- printing


def numpy_text(values: np.ndarray, is_repr: bool) -> str:
    """TensorFlow's ``numpy_text``: NumPy's repr (or str) of the value; a scalar prints as
    a NumPy scalar does (``28.0``); a value on several lines starts on a new line."""
    if values.ndim == 0:
        text = str(values[()])
    else:
        text = repr(values) if is_repr else str(values)
    return "\n" + text if "\n" in text else text


# ---------------------------------------------------------------- tensors


def _tensor(out):
    """A chainrule result as a tf.Tensor (tuples and lists of them too)."""
    if isinstance(out, BatchedTensor):
        return out  # inside vmap, values are the core's batched tensors
    if isinstance(out, cr.Tensor):
        if isinstance(out, _Reads) and out._extra is not None:
            out = alias(out)  # a Variable itself (or its slice), not a fresh result: read it
        return as_class(out, Tensor)
    if isinstance(out, (tuple, list)):
        return type(out)(_tensor(o) for o in out)
    return out


class Tensor(cr.Tensor):
    """A chainrule tensor that speaks TensorFlow (an immutable EagerTensor)."""

    __slots__ = ()
    _guards_conversion = False  # np.asarray of a watched tensor gives its values, as in TF
    _repr_html_ = None  # Jupyter shows the text, as for TensorFlow's tensors

    def __repr__(self) -> str:
        return (f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
                f"numpy={numpy_text(self._data, True)}>")

    def __str__(self) -> str:
        return (f"tf.Tensor({numpy_text(self._data, False)}, shape={self.shape}, "
                f"dtype={self.dtype.name})")

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._data.shape)

    @property
    def dtype(self):
        return tf_dtype(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def get_shape(self) -> TensorShape:
        return self.shape

    def numpy(self):
        """A copy of the values (a NumPy scalar for a 0-d tensor), as in TensorFlow."""
        return self._data[()] if self._data.ndim == 0 else self._data.copy()

    def __setitem__(self, index, value):
        raise TypeError(
            "'tensorflow.python.framework.ops.EagerTensor' object does not support item "
            "assignment (TensorFlow tensors are immutable: keep the value in a tf.Variable "
            "and write it with var[index].assign(value), or compute a new tensor)")

    # Tensors are immutable: ``x += 1`` makes a new tensor, as Python does when an
    # in-place operator is not implemented.
    def _rebinds(self, other):
        return NotImplemented

    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ipow__ = _rebinds


class _Reads(Tensor):
    """A value whose operations read it: their results are plain tf.Tensors."""

    __slots__ = ()


def _reading(method):
    @functools.wraps(method)
    def read(self, *args):
        return _tensor(method(self, *args))
    return read


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__",
              "__pos__", "__abs__", "__invert__", "__and__", "__rand__", "__or__", "__ror__",
              "__xor__", "__rxor__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
              "__ge__", "__getitem__"):
    setattr(_Reads, _name, _reading(getattr(cr.Tensor, _name)))


# The live trainable Variables: a tape that watches accessed variables is a recording of
# them (and of those made while it is open).
TRAINABLE = Variables()


class _Active(threading.local):
    def __init__(self) -> None:
        self.tapes = []  # the tapes recording in this thread, outermost first


active = _Active()


class Variable(_Reads):
    """tf.Variable: mutable state, written by ``assign`` (not recorded), watched by tapes
    when trainable."""

    __slots__ = ()

    def __init__(self, initial_value, trainable: bool = True, name: str | None = None,
                 dtype=None) -> None:
        super().__init__(constant_array(initial_value, dtype), name=name or "Variable")
        if trainable:
            TRAINABLE.register(self)

    def __repr__(self) -> str:
        return (f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={numpy_text(self._data, True)}>")

    __str__ = __repr__

    @property
    def name(self) -> str:
        return cr.Tensor.name.fget(self) + ":0"

    @name.setter
    def name(self, value: str) -> None:
        cr.Tensor.name.fset(self, value)

    @property
    def trainable(self) -> bool:
        return self in TRAINABLE

    # A copy (copy, deepcopy, pickle) of a trainable Variable is trainable, as in TensorFlow.
    def __getstate__(self) -> dict:
        return {**super().__getstate__(), "trainable": self.trainable}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({k: v for k, v in state.items() if k != "trainable"})
        if state.get("trainable"):
            TRAINABLE.register(self)

    def __setitem__(self, index, value):
        raise TypeError("'ResourceVariable' object does not support item assignment (use "
                        "var[index].assign(value))")

    def _in_place(self, other):
        raise RuntimeError("`variable += value` with `tf.Variable`s is not supported. Use "
                           "`variable.assign_add(value)` to modify the variable, or `out = "
                           "variable + value` if you need to get a new output Tensor.")

    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ipow__ = _in_place

    def __getitem__(self, index):
        out = as_class(cr.Tensor.__getitem__(self, index), _SliceOfVariable)
        out._extras()["slice_of"] = (self, index)
        return out

    def _write(self, index, value) -> Variable:
        # Reads taken before (slices, values saved by a tape) keep the old values, as in
        # TensorFlow: write a fresh buffer with a version counter of its own; the core's
        # in-place write then marks this variable as changed.
        self.data = self._data.copy()
        self._version = None
        with cr.no_grad():
            inplace.setitem(self, index, value._data if isinstance(value, cr.Tensor) else value)
        return self

    def assign(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        return self._write(Ellipsis, value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True) -> Variable:
        return self._write(Ellipsis, self._data + np.asarray(delta))

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True) -> Variable:
        return self._write(Ellipsis, self._data - np.asarray(delta))

    def numpy(self):
        return self._data[()] if self._data.ndim == 0 else self._data.copy()

    def value(self) -> Tensor:
        return _tensor(self)

    read_value = value


class _SliceOfVariable(_Reads):
    """``var[index]``: a tf.Tensor of those values whose ``assign`` writes them back."""

    __slots__ = ()

    def assign(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        variable, index = self._extra["slice_of"]
        return variable._write(index, value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True) -> Variable:
        return self.assign(self._data + np.asarray(delta))

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True) -> Variable:
        return self.assign(self._data - np.asarray(delta))


# ``type(x)`` shows as TensorFlow's classes, as the book shows them.
for _cls in (Tensor, _Reads, _SliceOfVariable):
    _cls.__module__, _cls.__name__, _cls.__qualname__ = (
        "tensorflow.python.framework.ops", "EagerTensor", "EagerTensor")
Variable.__module__ = "tensorflow.python.ops.resource_variable_ops"
Variable.__name__ = Variable.__qualname__ = "ResourceVariable"


# ---------------------------------------------------------------- constants


def constant_array(value, dtype=None) -> np.ndarray:
    """The values of ``tf.constant(value, dtype)``: Python floats are float32 and Python
    ints int32 (TensorFlow's defaults); NumPy data and tensors keep their dtype."""
    dtype = to_np_dtype(dtype)
    if dtype is None and not isinstance(value, (cr.Tensor, np.ndarray, np.generic)):
        array = cr.tensor(value).numpy()
        if array.dtype == np.int64:
            return array.astype(np.int32)
        return array
    return cr.tensor(value, dtype).numpy()


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    array = constant_array(value, dtype)
    if shape is not None:
        array = np.broadcast_to(array, tuple(shape)).copy()
    return as_class(cr.asarray(array), Tensor)
