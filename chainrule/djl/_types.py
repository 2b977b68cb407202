"""DJL's small types: Shape, DataType, NDIndex, Device, and Java's exception types."""
from __future__ import annotations

import numpy as np


class EngineException(RuntimeError):
    """ai.djl.engine.EngineException: the engine refused an operation."""


class IllegalArgumentException(ValueError):
    """java.lang.IllegalArgumentException."""


class IllegalStateException(RuntimeError):
    """java.lang.IllegalStateException."""


class Shape:
    """ai.djl.ndarray.types.Shape: ``Shape(2, 3)`` prints as ``(2, 3)``."""

    __slots__ = ("_dims",)

    def __init__(self, *dims) -> None:
        if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
            dims = tuple(dims[0])  # new Shape(long[]) or a Python tuple
        self._dims = tuple(int(d) for d in dims)

    def get(self, dimension: int) -> int:
        return self._dims[dimension]

    def getShape(self) -> tuple:
        return self._dims

    def dimension(self) -> int:
        return len(self._dims)

    def size(self) -> int:
        """The number of elements (the product of the dimensions)."""
        return int(np.prod(self._dims, dtype=np.int64))

    def head(self) -> int:
        return self._dims[0]

    def isScalar(self) -> bool:
        return not self._dims

    def __iter__(self):
        return iter(self._dims)

    def __eq__(self, other) -> bool:
        return isinstance(other, Shape) and self._dims == other._dims

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        return "(" + ", ".join(str(d) for d in self._dims) + ")"


class DataType:
    """ai.djl.ndarray.types.DataType: ``DataType.FLOAT32`` prints as ``float32``."""

    __slots__ = ("name", "numpy")
    FLOAT32 = FLOAT64 = FLOAT16 = INT8 = INT32 = INT64 = UINT8 = BOOLEAN = None

    def __init__(self, name: str, numpy_dtype) -> None:
        self.name, self.numpy = name, np.dtype(numpy_dtype)

    @staticmethod
    def of(numpy_dtype) -> DataType:
        return _BY_NUMPY[np.dtype(numpy_dtype)]

    def isFloating(self) -> bool:
        return self.numpy.kind == "f"

    def isInteger(self) -> bool:
        return self.numpy.kind in "iu"

    def __repr__(self) -> str:
        return self.name


for _name, _dtype in [("float32", np.float32), ("float64", np.float64),
                      ("float16", np.float16), ("int8", np.int8), ("int32", np.int32),
                      ("int64", np.int64), ("uint8", np.uint8), ("boolean", np.bool_)]:
    setattr(DataType, _name.upper(), DataType(_name, _dtype))
_BY_NUMPY = {t.numpy: t for t in (DataType.FLOAT32, DataType.FLOAT64, DataType.FLOAT16,
                                  DataType.INT8, DataType.INT32, DataType.INT64,
                                  DataType.UINT8, DataType.BOOLEAN)}


class Device:
    """ai.djl.Device; chainrule computes on the CPU, which DJL prints as ``cpu()``."""

    __slots__ = ()

    @staticmethod
    def cpu() -> Device:
        return _CPU

    def __repr__(self) -> str:
        return "cpu()"


_CPU = Device()


class NDIndex:
    """ai.djl.ndarray.index.NDIndex: ``NDIndex("1:3, -1")``, ``NDIndex("{}:", n)`` or
    ``NDIndex(1, 2)``; one entry per dimension, ``...`` for the dimensions not named."""

    __slots__ = ("key",)

    def __init__(self, indices="", *args) -> None:
        if not isinstance(indices, str):
            self.key = tuple(int(i) for i in (indices,) + args)
            return
        args = list(args)
        parts = [p.strip() for p in indices.split(",")] if indices.strip() else []
        self.key = tuple(_parse(part, args, indices) for part in parts)

    def __repr__(self) -> str:
        return f"NDIndex({self.key!r})"


def _parse(part: str, args: list, whole: str):
    def value(text: str):
        text = text.strip()
        if text == "{}":
            arg = args.pop(0)
            return arg._data if hasattr(arg, "_data") else arg
        try:
            return int(text) if text else None
        except ValueError:
            raise IllegalArgumentException(
                f"Invalid NDIndex {whole!r}: {text!r} is not an index; use integers, "
                "slices like 1:3 or ::2, '...' or {} with an argument") from None
    if part == "...":
        return Ellipsis
    if ":" in part:
        return slice(*(value(p) for p in part.split(":")))
    return value(part)
