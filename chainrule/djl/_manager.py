"""ai.djl.ndarray.NDManager: where DJL's arrays are made.

Java's overloads become Python's types: ``arange(4.0)`` (Java's ``4f``) is float32 and
``arange(12)`` int32; in ``create``, Python floats are float32, ints int32 (Java's int),
booleans boolean, and NumPy arrays keep their dtype (a Java double[] is float64).
"""
from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.tensor import as_class

from ._ndarray import NDArray
from ._types import DataType, Device, Shape


def _new(t) -> NDArray:
    return as_class(t, NDArray)


def _dims(shape) -> tuple:
    if isinstance(shape, Shape):
        return shape.getShape()
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _numpy(data_type, default):
    return (data_type or default).numpy


class NDManager:
    """Makes arrays (in Java it also owns their memory; Python's collector does that here)."""

    @staticmethod
    def newBaseManager(device=None, engineName=None) -> NDManager:
        return NDManager()

    def newSubManager(self, device=None) -> NDManager:
        return NDManager()

    def getDevice(self) -> Device:
        return Device.cpu()

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> NDManager:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ creation

    def create(self, data, shape=None, dataType: DataType | None = None) -> NDArray:
        """An array from a number, a (nested) list, a NumPy array, or a Shape (zeros)."""
        if isinstance(data, Shape):
            return self.zeros(data, dataType)
        t = cr.tensor(data, dataType.numpy if dataType else None)
        if dataType is None and not isinstance(data, (np.ndarray, cr.Tensor)) \
                and t.dtype == np.int64:
            t = cr.astype(t, np.int32)  # a Java int[]
        return _new(t if shape is None else cr.reshape(t, _dims(shape)))

    def arange(self, *args, dataType: DataType | None = None) -> NDArray:
        """``arange(stop)``, ``arange(start, stop)``, ``arange(start, stop, step)`` (and a
        DataType last, as in Java); float arguments give float32, ints int32."""
        if args and isinstance(args[-1], DataType):
            *args, dataType = args
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
        floats = any(isinstance(a, (float, np.floating)) for a in (start, stop, step))
        dtype = _numpy(dataType, DataType.FLOAT32 if floats else DataType.INT32)
        return _new(cr.arange(start, stop, step, dtype))

    def zeros(self, shape, dataType: DataType | None = None) -> NDArray:
        return _new(cr.zeros(_dims(shape), _numpy(dataType, DataType.FLOAT32)))

    def ones(self, shape, dataType: DataType | None = None) -> NDArray:
        return _new(cr.ones(_dims(shape), _numpy(dataType, DataType.FLOAT32)))

    def full(self, shape, value, dataType: DataType | None = None) -> NDArray:
        default = DataType.INT32 if isinstance(value, int) else DataType.FLOAT32
        return _new(cr.full(_dims(shape), value, _numpy(dataType, default)))

    def eye(self, rows: int, cols: int | None = None, k: int = 0,
            dataType: DataType | None = None) -> NDArray:
        return _new(cr.eye(rows, cols, k, _numpy(dataType, DataType.FLOAT32)))

    def linspace(self, start, stop, num: int, endpoint: bool = True) -> NDArray:
        return _new(cr.linspace(start, stop, num, endpoint, np.float32))

    # ------------------------------------------------------------ random

    def randomNormal(self, *args) -> NDArray:
        """``randomNormal(shape)``, ``randomNormal(shape, dataType)`` or
        ``randomNormal(loc, scale, shape, dataType)``: samples of N(loc, scale²)."""
        if isinstance(args[0], (Shape, tuple)):
            loc, scale, shape, data_type = 0.0, 1.0, args[0], (args[1:] or (None,))[0]
        else:
            loc, scale, shape, data_type = (tuple(args) + (None,))[:4]
        return _new(cr.random.normal(loc, scale, _dims(shape),
                                     _numpy(data_type, DataType.FLOAT32)))

    def randomUniform(self, low, high, shape, dataType: DataType | None = None) -> NDArray:
        return _new(cr.random.uniform(low, high, _dims(shape),
                                      _numpy(dataType, DataType.FLOAT32)))
