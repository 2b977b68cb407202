"""ai.djl.ndarray.NDArray: chainrule's Tensor with DJL's method names and printing."""
from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.tensor import as_class

from . import _engine
from ._engine import engine_errors
from ._printing import format_array
from ._types import (DataType, Device, IllegalArgumentException, IllegalStateException,
                     NDIndex, Shape)


def _key(index: tuple):
    """``get``/``set`` arguments as a NumPy index: an NDIndex, its string form (with
    its arguments), a boolean NDArray, or Java's ``long... indices``."""
    if len(index) == 1 and isinstance(index[0], NDIndex):
        return index[0].key
    if index and isinstance(index[0], str):
        return NDIndex(*index).key
    if len(index) == 1 and isinstance(index[0], cr.Tensor):
        return index[0]._data
    return tuple(int(i) for i in index)


class NDArray(cr.Tensor):
    """An n-dimensional array that speaks DJL."""

    __slots__ = ()
    _repr_html_ = None  # the Java notebook shows toString()

    def __repr__(self) -> str:
        header = f"{self.name or 'ND'}: {self.getShape()} {Device.cpu()} {self.getDataType()}"
        if self.hasGradient():
            header += " hasGradient"
        return format_array(self._data, header)

    __str__ = __repr__

    # ------------------------------------------------------------ attributes

    def getShape(self) -> Shape:
        return Shape(self._data.shape)

    def size(self, axis: int | None = None) -> int:
        return self._data.size if axis is None else self._data.shape[axis]

    def getDataType(self) -> DataType:
        return DataType.of(self._data.dtype)

    def getDevice(self) -> Device:
        return Device.cpu()

    def getName(self):
        return self.name

    def setName(self, name: str) -> None:
        self.name = name

    def isScalar(self) -> bool:
        return self._data.ndim == 0

    # ------------------------------------------------------------ gradients

    def attachGradient(self) -> None:
        """Allocate a gradient (zeros); operations on this array are recorded while a
        GradientCollector is open, and each backward overwrites the gradient."""
        if self._node is not None:
            self.detach_()  # the array becomes a new variable, cut from its history
        self._grad = as_class(cr.zeros_like(self), NDArray)
        self.grad_accumulation = "write"
        _engine.mark_variable(self)

    setRequiresGradient = attachGradient

    def hasGradient(self) -> bool:
        return _engine.is_variable(self)

    def getGradient(self) -> NDArray:
        if not self.hasGradient():
            raise IllegalStateException(
                "No gradient attached to this NDArray, please call array.attachGradient() "
                "on your NDArray")
        return self._grad

    def stopGradient(self) -> NDArray:
        """The same values, through which no gradient flows."""
        return self.detach()

    # ------------------------------------------------------------ values

    def _single(self, indices, dtype, required: str):
        value = self.get(*indices) if indices else self
        if value._data.size != 1:
            raise IllegalArgumentException("The supplied Index does not produce a scalar")
        return value._checked(dtype, required)[0]

    def _checked(self, dtype, required: str) -> list:
        if self._data.dtype != dtype:
            raise IllegalStateException(
                f"DataType mismatch, Required {required}, Actual {self.getDataType()}")
        return self._data.reshape(-1).tolist()

    def getFloat(self, *indices) -> float:
        return self._single(indices, np.float32, "float")

    def getInt(self, *indices) -> int:
        return self._single(indices, np.int32, "int")

    def getLong(self, *indices) -> int:
        return self._single(indices, np.int64, "long")

    def getBoolean(self, *indices) -> bool:
        return self._single(indices, np.bool_, "boolean")

    def toFloatArray(self) -> list:
        return self._checked(np.float32, "float")

    def toIntArray(self) -> list:
        return self._checked(np.int32, "int")

    def toLongArray(self) -> list:
        return self._checked(np.int64, "long")

    def toBooleanArray(self) -> list:
        return self._checked(np.bool_, "boolean")

    def toArray(self) -> list:
        """The values, flattened, as Python numbers (Java's Number[])."""
        return self._data.reshape(-1).tolist()

    def toType(self, dataType: DataType, copy: bool = False) -> NDArray:
        return cr.astype(self, dataType.numpy) if copy or dataType.numpy != self.dtype else self

    def duplicate(self) -> NDArray:
        return cr.copy(self)

    def contentEquals(self, other) -> bool:
        other = other._data if isinstance(other, cr.Tensor) else other
        return bool(np.shape(other) == self.shape and np.all(self._data == other))

    # ------------------------------------------------------------ indexing

    def get(self, *index) -> NDArray:
        """``get("1:3")``, ``get("{}:", n)``, ``get(NDIndex(...))``, ``get(1, 2)``."""
        return self[_key(index)]

    def set(self, index, value) -> None:
        """Write ``value`` (a number or an NDArray) at ``index`` (an NDIndex or its string)."""
        key = _key(index if isinstance(index, tuple) else (index,))
        self[key] = value

    # ------------------------------------------------------------ arithmetic

    def add(self, other):
        return cr.add(self, other)

    def sub(self, other):
        return cr.subtract(self, other)

    def mul(self, other):
        return cr.multiply(self, other)

    def div(self, other):
        return cr.divide(self, other)

    def pow(self, other):
        return cr.power(self, other)

    def neg(self):
        return cr.negative(self)

    def exp(self):
        return cr.exp(self)

    def log(self):
        return cr.log(self)

    def sin(self):
        return cr.sin(self)

    def cos(self):
        return cr.cos(self)

    def tanh(self):
        return cr.tanh(self)

    def abs(self):
        return cr.abs(self)

    def sqrt(self):
        return cr.sqrt(self)

    def square(self):
        return cr.square(self)

    def dot(self, other):
        return cr.dot(self, other)

    def matMul(self, other):
        return cr.matmul(self, other)

    # ------------------------------------------------------------ in place (Java's ...i)

    @engine_errors
    def addi(self, other):
        return self.add_(other)

    @engine_errors
    def subi(self, other):
        return self.sub_(other)

    @engine_errors
    def muli(self, other):
        return self.mul_(other)

    @engine_errors
    def divi(self, other):
        return self.div_(other)

    # ------------------------------------------------------------ comparisons

    def eq(self, other):
        return cr.equal(self, other)

    def neq(self, other):
        return cr.not_equal(self, other)

    def gt(self, other):
        return cr.greater(self, other)

    def gte(self, other):
        return cr.greater_equal(self, other)

    def lt(self, other):
        return cr.less(self, other)

    def lte(self, other):
        return cr.less_equal(self, other)

    # ------------------------------------------------------------ reductions

    def sum(self, axes=None, keepDims: bool = False):
        return cr.sum(self, _axes(axes), keepdims=keepDims)

    def mean(self, axes=None, keepDims: bool = False):
        return cr.mean(self, _axes(axes), keepdims=keepDims)

    def prod(self, axes=None, keepDims: bool = False):
        return cr.prod(self, _axes(axes), keepdims=keepDims)

    def max(self, axes=None, keepDims: bool = False):
        return cr.max(self, _axes(axes), keepdims=keepDims)

    def min(self, axes=None, keepDims: bool = False):
        return cr.min(self, _axes(axes), keepdims=keepDims)

    def argMax(self, axis=None):
        return cr.argmax(self, axis)

    def argMin(self, axis=None):
        return cr.argmin(self, axis)

    def norm(self, axes=None, keepDims: bool = False):
        """The L2 norm (of all the values, or along ``axes``)."""
        return cr.linalg.norm(self, None, _axes(axes), keepDims)

    # ------------------------------------------------------------ shape

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], Shape):
            shape = shape[0].getShape()
        return cr.reshape(self, *shape)

    def flatten(self):
        return cr.ravel(self)

    def transpose(self, *axes):
        return cr.transpose(self, axes or None)

    def expandDims(self, axis: int):
        return cr.expand_dims(self, axis)

    def squeeze(self, axes=None):
        return cr.squeeze(self, _axes(axes))

    def concat(self, other, axis: int = 0):
        return cr.concatenate([self, other], axis)

    def zerosLike(self):
        return as_class(cr.zeros_like(self), NDArray)

    def onesLike(self):
        return as_class(cr.ones_like(self), NDArray)


def _axes(axes):
    return tuple(axes) if isinstance(axes, (list, tuple)) else axes


# In-place updates speak the engine's errors too.
for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__setitem__"):
    setattr(NDArray, _name, engine_errors(getattr(cr.Tensor, _name)))
