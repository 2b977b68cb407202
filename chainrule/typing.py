"""Type aliases for annotations of the public API."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

#: Anything that can become a tensor: tensors, NumPy arrays, numbers, nested sequences.
ArrayLike = Union["Tensor", np.ndarray, float, int, bool, Sequence]
#: The result of an op: a Tensor (or, for plain NumPy inputs to chainrule.ops, an ndarray).
Array = Union["Tensor", np.ndarray]
#: An axis argument: one axis, several, or None for all.
Axis = Union[int, Sequence[int], None]
#: A dtype argument.
DTypeLike = Union[np.dtype, type, str, None]
#: A shape argument.
ShapeLike = Union[int, Sequence[int]]
