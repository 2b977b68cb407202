"""torch.Tensor: chainrule's Tensor with PyTorch's names, ``dim=`` arguments, printing
and error messages. Mechanism stays in the core; this is spelling and policy."""
from __future__ import annotations

import builtins
import collections

import numpy as np

import chainrule as cr
from chainrule import errors
from chainrule.tensor import as_class

from ._printing import format_values

# PyTorch's first sentence for each of the core's errors; chainrule's explanation follows.
_FIRST_SENTENCE = [
    (errors.NonScalarOutputError, "grad can be implicitly created only for scalar outputs"),
    (errors.NoGradientError,
     "element 0 of tensors does not require grad and does not have a grad_fn"),
    (errors.GraphFreedError, "Trying to backward through the graph a second time (or "
                             "directly access saved tensors after they have already been "
                             "freed)."),
    (errors.LeafInPlaceError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    (errors.SavedValueModifiedError, "one of the variables needed for gradient computation "
                                     "has been modified by an inplace operation"),
    (errors.UnusedInputError, "One of the differentiated Tensors appears to not have been "
                              "used in the graph. Set allow_unused=True if this is the "
                              "desired behavior."),
]


torch_errors = errors.speaking(_FIRST_SENTENCE)  # the core's errors in PyTorch's words


class dtype:
    """A PyTorch dtype (``torch.float32``) standing for a NumPy one."""

    __slots__ = ("name", "dtype")

    def __init__(self, name: str, np_dtype) -> None:
        self.name = name
        self.dtype = np.dtype(np_dtype)  # np.dtype(torch.float32) reads this attribute

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __eq__(self, other) -> bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)

    @property
    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def __getattr__(self, name):
        return getattr(self.__getattribute__("dtype"), name)


DTYPES = {np.dtype(n): dtype(t, n) for t, n in [
    ("float32", "float32"), ("float64", "float64"), ("float16", "float16"),
    ("int64", "int64"), ("int32", "int32"), ("int16", "int16"), ("int8", "int8"),
    ("uint8", "uint8"), ("bool", "bool")]}


def to_np_dtype(value):
    if value is None:
        return None
    return value.dtype if isinstance(value, dtype) else np.dtype(value)


class Size(tuple):
    """torch.Size: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self))


_ValuesIndices = collections.namedtuple("_ValuesIndices", ["values", "indices"])


def _axis(dim):
    return tuple(dim) if isinstance(dim, list) else dim


def _wrap(value):
    """A chainrule result as a torch tensor (ops on torch tensors already are)."""
    if isinstance(value, cr.Tensor):
        return as_class(value, Tensor) if value.__class__ is cr.Tensor else value
    return value


class Tensor(cr.Tensor):
    """A chainrule tensor that speaks PyTorch."""

    __slots__ = ()

    # ------------------------------------------------------------ printing

    def __repr__(self) -> str:
        data = self._data
        text = "tensor(" + format_values(data, len("tensor("))
        extras = []
        if data.dtype not in (cr.get_default_dtype(), np.dtype(np.int64), np.dtype(bool)):
            extras.append(f"dtype={DTYPES.get(data.dtype, data.dtype)!r}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.prim.backward_name}0>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return text + "".join(", " + e for e in extras) + ")"

    __str__ = __repr__

    # ------------------------------------------------------------ attributes

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self):
        return DTYPES.get(self._data.dtype, self._data.dtype)

    @property
    def grad(self):
        return cr.Tensor.grad.fget(self)

    @grad.setter
    def grad(self, value) -> None:
        cr.Tensor.grad.fset(self, value)

    def size(self, dim=None):
        return self.shape if dim is None else self._data.shape[dim]

    def numel(self) -> int:
        return self._data.size

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numpy(self) -> np.ndarray:
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def float(self):
        return self.to(cr.float32)

    def double(self):
        return self.to(cr.float64)

    def long(self):
        return self.to(np.int64)

    def int(self):
        return self.to(np.int32)

    def bool(self):
        return self.to(np.bool_)

    def to(self, dtype=None, *args, **kwargs):
        if dtype is None or isinstance(dtype, str) and dtype in ("cpu", "cuda"):
            return self
        return cr.astype(self, to_np_dtype(dtype))

    def type(self, dtype=None):
        return f"torch.{type(self).__name__}" if dtype is None else self.to(dtype)

    def clone(self):
        return cr.copy(self)

    # ------------------------------------------------------------ autograd

    backward = torch_errors(cr.Tensor.backward)

    # ------------------------------------------------------------ reductions

    def sum(self, dim=None, keepdim=False, dtype=None):
        out = cr.sum(self, _axis(dim), keepdims=keepdim)
        return out if dtype is None else out.to(dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        out = cr.mean(self, _axis(dim), keepdims=keepdim)
        return out if dtype is None else out.to(dtype)

    def prod(self, dim=None, keepdim=False):
        return cr.prod(self, dim, keepdims=keepdim)

    def var(self, dim=None, unbiased=True, keepdim=False):
        return cr.var(self, _axis(dim), ddof=int(unbiased), keepdims=keepdim)

    def std(self, dim=None, unbiased=True, keepdim=False):
        return cr.std(self, _axis(dim), ddof=int(unbiased), keepdims=keepdim)

    def _extreme(self, op, arg, dim, keepdim):
        if dim is None:
            return op(self)
        return _ValuesIndices(op(self, dim, keepdims=keepdim),
                              _wrap(arg(self, dim, keepdims=keepdim)))

    def max(self, dim=None, keepdim=False):
        if isinstance(dim, cr.Tensor):
            return cr.maximum(self, dim)
        return self._extreme(cr.max, cr.argmax, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        if isinstance(dim, cr.Tensor):
            return cr.minimum(self, dim)
        return self._extreme(cr.min, cr.argmin, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return cr.argmax(self, dim, keepdims=keepdim)

    def argmin(self, dim=None, keepdim=False):
        return cr.argmin(self, dim, keepdims=keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        order = None if p in ("fro", 2) and dim is None else (None if p == "fro" else p)
        if dim is None and self._data.ndim > 1 and p not in ("fro", 2):
            return cr.linalg.norm(cr.ravel(self), order)
        return cr.linalg.norm(self if dim is not None else cr.ravel(self), order, _axis(dim),
                              keepdim)

    def cumsum(self, dim):
        return cr.cumsum(self, dim)

    def cumprod(self, dim):
        return cr.cumprod(self, dim)

    def logsumexp(self, dim, keepdim=False):
        return cr.logsumexp(self, _axis(dim), keepdims=keepdim)

    def softmax(self, dim):
        return cr.softmax(self, dim)

    def log_softmax(self, dim):
        return cr.log_softmax(self, dim)

    def all(self, dim=None, keepdim=False):
        return cr.all(self, dim, keepdims=keepdim)

    def any(self, dim=None, keepdim=False):
        return cr.any(self, dim, keepdims=keepdim)

    # ------------------------------------------------------------ shape

    def _shape_args(self, shape):
        if len(shape) == 1 and not isinstance(shape[0], (builtins.int, np.integer)):
            return tuple(shape[0])
        return shape

    def reshape(self, *shape):
        return cr.reshape(self, self._shape_args(shape))

    view = reshape

    def view_as(self, other):
        return cr.reshape(self, other.shape)

    def t(self):
        return cr.transpose(self)

    def transpose(self, dim0, dim1):
        return cr.swapaxes(self, dim0, dim1)

    def permute(self, *dims):
        return cr.transpose(self, self._shape_args(dims))

    def unsqueeze(self, dim):
        return cr.expand_dims(self, dim)

    def squeeze(self, dim=None):
        if dim is not None and self._data.shape[dim] != 1:
            return self  # PyTorch leaves an axis whose length is not 1
        return cr.squeeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        shape = self._data.shape
        if not shape:
            return cr.reshape(self, (1,))
        start, end = start_dim % len(shape), end_dim % len(shape)
        merged = int(np.prod(shape[start:end + 1]))
        return cr.reshape(self, shape[:start] + (merged,) + shape[end + 1:])

    def expand(self, *sizes):
        sizes = self._shape_args(sizes)
        shape = (1,) * (len(sizes) - self._data.ndim) + self._data.shape
        sizes = tuple(s if n != -1 else old for n, s, old in zip(sizes, sizes, shape))
        return cr.broadcast_to(self, sizes)

    def repeat(self, *sizes):
        return cr.tile(self, self._shape_args(sizes))

    # ------------------------------------------------------------ math methods

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

    def sigmoid(self):
        return cr.sigmoid(self)

    def relu(self):
        return cr.relu(self)

    def abs(self):
        return cr.abs(self)

    def sqrt(self):
        return cr.sqrt(self)

    def square(self):
        return cr.square(self)

    def pow(self, exponent):
        return cr.power(self, exponent)

    def clamp(self, min=None, max=None):  # noqa: A002 - PyTorch's names
        return cr.clip(self, min, max)

    clip = clamp

    def add(self, other, alpha=1):
        return cr.add(self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return cr.subtract(self, other if alpha == 1 else other * alpha)

    def mul(self, other):
        return cr.multiply(self, other)

    def div(self, other):
        return cr.divide(self, other)

    def neg(self):
        return cr.negative(self)

    def matmul(self, other):
        return cr.matmul(self, other)

    def mm(self, other):
        return cr.matmul(self, other)

    def mv(self, other):
        return cr.matmul(self, other)

    def dot(self, other):
        return _dot(self, other)

    def eq(self, other):
        return cr.equal(self, other)

    def ne(self, other):
        return cr.not_equal(self, other)

    def lt(self, other):
        return cr.less(self, other)

    def gt(self, other):
        return cr.greater(self, other)

    def le(self, other):
        return cr.less_equal(self, other)

    def ge(self, other):
        return cr.greater_equal(self, other)

    def equal(self, other) -> bool:
        return self.shape == other.shape and bool(np.all(self._data == other._data))


def _dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    return cr.dot(a, b)


# In-place operations speak PyTorch's errors too.
for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__setitem__",
              "add_", "sub_", "mul_", "div_", "pow_", "zero_", "fill_", "copy_"):
    setattr(Tensor, _name, torch_errors(getattr(cr.Tensor, _name)))
