"""torch.Tensor: chainrule's Tensor with PyTorch's names, ``dim=`` arguments, printing
and error messages. Mechanism stays in the core; this is spelling and policy."""
from __future__ import annotations

import builtins
import collections

import numpy as np

import chainrule as cr
from chainrule import errors
from chainrule.ops.shape import reshape_p
from chainrule.tensor import as_class

from . import _names
from ._names import name as named
from ._printing import tensor_text

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
]


torch_errors = errors.speaking(_FIRST_SENTENCE)  # the core's errors in PyTorch's words


def check_can_require_grad(values: np.ndarray, sentence: str) -> None:
    """PyTorch's RuntimeError for a gradient on a tensor that is not floating point (the
    sentence differs between creation, ``requires_grad_()`` and the attribute)."""
    if values.dtype.kind not in "fc":
        raise RuntimeError(
            f"{sentence} (chainrule: this tensor has dtype {DTYPES.get(values.dtype)!r}; make "
            "it with a float dtype, e.g. torch.arange(4.0) or dtype=torch.float32)")


def check_gradient_shapes(outputs, gradients) -> None:
    """PyTorch's RuntimeError for a ``gradient=`` (``grad_outputs``) of the wrong shape."""
    for i, (y, g) in enumerate(zip(outputs, gradients)):
        if g is not None and tuple(np.shape(g)) != y._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(np.shape(g))!r} and "
                f"output[{i}] has a shape of {Size(y._data.shape)!r}. (chainrule: the gradient "
                "is the v of vᵀ·J, one entry for each element of the output)")


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
    ("uint8", "uint8"), ("bool", "bool"), ("complex64", "complex64"),
    ("complex128", "complex128")]}


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


Size.__module__ = "torch"  # shown as torch.Size, as the book shows PyTorch's


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

    _conjugate_grads = True  # PyTorch's .grad of a complex leaf is ∂L/∂x + i·∂L/∂y

    __slots__ = ()
    _repr_html_ = None  # Jupyter shows the text, as for PyTorch's tensors

    # ------------------------------------------------------------ printing

    def __repr__(self) -> str:
        data = self._data
        node = self._node
        return tensor_text(data, repr(DTYPES.get(data.dtype, data.dtype)), cr.get_default_dtype(),
                           None if node is None else _names.node_name(node), self._requires_grad)

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

    @property
    def grad_fn(self):
        """The node that made this tensor, as PyTorch shows it (``<MulBackward0 ...>``)."""
        return _names.grad_fn(self._node)

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag) -> None:
        if self._node is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. (chainrule: this "
                "tensor was computed by an operation; use y.detach() for its value outside "
                "the graph)")
        if flag:
            check_can_require_grad(self._data, "only Tensors of floating point and complex "
                                               "dtype can require gradients")
        cr.Tensor.requires_grad.fset(self, flag)

    def requires_grad_(self, requires_grad: bool = True):
        if requires_grad:
            check_can_require_grad(self._data, "only Tensors of floating point dtype can "
                                               "require gradients")
        return cr.Tensor.requires_grad_(self, requires_grad)

    # ------------------------------------------------------------ Python numbers

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar "
                "(chainrule: index it first, e.g. x[0].item(), or reduce it, e.g. x.sum().item())")
        return self._data.reshape(()).item()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            how_many = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(
                f"Boolean value of Tensor with {how_many} is ambiguous (chainrule: its shape "
                f"is {self.shape!r}; use .any() or .all() for one truth value)")
        return bool(self._data.reshape(()))

    def _python_number(self, kind):
        if self._data.size != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars (chainrule: "
                f"this one has shape {self.shape!r}; index it first, e.g. {kind.__name__}(x[0]))")
        return kind(self._data.reshape(()).item())

    def __float__(self) -> float:
        return self._python_number(builtins.float)

    def __int__(self) -> int:
        return self._python_number(builtins.int)

    def size(self, dim=None):
        return self.shape if dim is None else self._data.shape[dim]

    def numel(self) -> int:
        return self._data.size

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numpy(self) -> np.ndarray:
        if self._requires_grad:
            raise self._conversion_error()
        return self._data

    def _conversion_error(self) -> Exception:  # np.asarray of a tensor in a graph
        return RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                            "tensor.detach().numpy() instead. (chainrule: the NumPy array "
                            "shares memory with the tensor, outside the graph)")

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
        dtype = to_np_dtype(dtype)
        return self if dtype == self._data.dtype else cr.astype(self, dtype)  # as PyTorch

    def type(self, dtype=None):
        return f"torch.{type(self).__name__}" if dtype is None else self.to(dtype)

    def clone(self):
        return cr.copy(self)

    # ------------------------------------------------------------ autograd

    @torch_errors
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the leaves' ``.grad``; a non-scalar
        tensor needs ``gradient``, the v of vᵀ·J."""
        check_gradient_shapes([self], [gradient])
        cr.Tensor.backward(self, gradient, retain_graph, create_graph)

    # ------------------------------------------------------------ reductions

    def sum(self, dim=None, keepdim=False, dtype=None):
        out = cr.sum(self, _axis(dim), keepdims=keepdim)
        if dim is not None:
            named(out, "sum(dim)", self)
        return out if dtype is None else out.to(dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        out = named(cr.mean(self, _axis(dim), keepdims=keepdim), "mean" if dim is None else
                   "mean(dim)", self)
        return out if dtype is None else out.to(dtype)

    def prod(self, dim=None, keepdim=False):
        out = cr.prod(self, dim, keepdims=keepdim)
        return out if dim is None else named(out, "prod(dim)", self)

    def var(self, dim=None, unbiased=True, keepdim=False):
        return named(cr.var(self, _axis(dim), ddof=int(unbiased), keepdims=keepdim), "var", self)

    def std(self, dim=None, unbiased=True, keepdim=False):
        return named(cr.std(self, _axis(dim), ddof=int(unbiased), keepdims=keepdim), "std", self)

    def _extreme(self, op, arg, dim, keepdim, function):
        if dim is None:
            return named(op(self), function, self)
        return _ValuesIndices(named(op(self, dim, keepdims=keepdim), function + "(dim)", self),
                              _wrap(arg(self, dim, keepdims=keepdim)))

    def max(self, dim=None, keepdim=False):
        if isinstance(dim, cr.Tensor):
            return cr.maximum(self, dim)
        return self._extreme(cr.max, cr.argmax, dim, keepdim, "max")

    def min(self, dim=None, keepdim=False):
        if isinstance(dim, cr.Tensor):
            return cr.minimum(self, dim)
        return self._extreme(cr.min, cr.argmin, dim, keepdim, "min")

    def argmax(self, dim=None, keepdim=False):
        return cr.argmax(self, dim, keepdims=keepdim)

    def argmin(self, dim=None, keepdim=False):
        return cr.argmin(self, dim, keepdims=keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        order = None if p in ("fro", 2) and dim is None else (None if p == "fro" else p)
        if dim is None and self._data.ndim > 1 and p not in ("fro", 2):
            out = cr.linalg.norm(cr.ravel(self), order)
        else:
            out = cr.linalg.norm(self if dim is not None else cr.ravel(self), order, _axis(dim),
                                 keepdim)
        return named(out, "norm", self)

    def cumsum(self, dim):
        return cr.cumsum(self, dim)

    def cumprod(self, dim):
        return cr.cumprod(self, dim)

    def logsumexp(self, dim, keepdim=False):
        return cr.logsumexp(self, _axis(dim), keepdims=keepdim)

    def softmax(self, dim):
        return named(cr.softmax(self, dim), "softmax", self)

    def log_softmax(self, dim):
        return named(cr.log_softmax(self, dim), "log_softmax", self)

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
        out = cr.reshape(self, self._shape_args(shape))
        # PyTorch records a view even to the same shape (ViewBackward0); the core's reshape
        # hands back the tensor itself then.
        return reshape_p(self, self.shape, self.shape) if out is self else out

    view = reshape

    def view_as(self, other):
        return self.reshape(other.shape)

    def t(self):
        return named(cr.transpose(self), "t", self)

    @property
    def mT(self):  # noqa: N802 - PyTorch's name
        return self.transpose(-2, -1)

    def transpose(self, dim0, dim1):
        return named(cr.swapaxes(self, dim0, dim1), "transpose", self)

    def permute(self, *dims):
        return cr.transpose(self, self._shape_args(dims))

    def unsqueeze(self, dim):
        return named(cr.expand_dims(self, dim), "unsqueeze", self)

    def squeeze(self, dim=None):
        if dim is not None and self._data.shape[dim] != 1:
            return self  # PyTorch leaves an axis whose length is not 1
        return named(cr.squeeze(self, dim), "squeeze" if dim is None else "squeeze(dim)", self)

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
        return named(cr.tile(self, self._shape_args(sizes)), "repeat", self)

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
        return named(cr.square(self), "square", self)

    def pow(self, exponent):
        return self ** exponent

    def __pow__(self, exponent):
        out = cr.Tensor.__pow__(self, exponent)
        return named(out, "pow(tensor, tensor)", self) if isinstance(exponent, cr.Tensor) else out

    def __rpow__(self, base):
        return named(cr.Tensor.__rpow__(self, base), "pow(number, tensor)", self)

    def __rsub__(self, other):
        return named(cr.Tensor.__rsub__(self, other), "rsub", self)

    def __rtruediv__(self, other):
        return named(cr.Tensor.__rtruediv__(self, other), "rdiv", self)

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
        return self @ other

    def __matmul__(self, other):
        return named(cr.Tensor.__matmul__(self, other), _matmul_function(self, other), self,
                    other)

    def __rmatmul__(self, other):
        return named(cr.Tensor.__rmatmul__(self, other), _matmul_function(other, self), self,
                    other)

    def mm(self, other):
        return named(cr.matmul(self, other), "mm", self, other)

    def mv(self, other):
        return named(cr.matmul(self, other), "mv", self, other)

    def dot(self, other):
        return _dot(self, other)

    def __getitem__(self, index):
        return named(cr.Tensor.__getitem__(self, index), _index_function(index), self)

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
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors "
                           "(chainrule: dot is the inner product of two vectors; use "
                           "torch.matmul for matrices)")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            f"to have the same number of elements, but got {a.shape[0]} and {b.shape[0]} "
            "elements respectively (chainrule: the two vectors of dot must have one length)")
    return named(cr.dot(a, b), "dot", a, b)


def _matmul_function(a, b) -> str:
    """PyTorch's matmul dispatches on the dimensions, and names the node by what it ran."""
    dims = (np.ndim(a), np.ndim(b))
    return {(1, 1): "dot", (2, 1): "mv", (2, 2): "mm", (1, 2): "matmul(vector, matrix)"}.get(
        dims, "matmul(batched)")


def _index_function(index) -> str:
    """PyTorch indexes one dimension after another; the node is that of the last step."""
    parts = index if isinstance(index, tuple) else (index,)
    last = "alias"
    for part in parts:
        if isinstance(part, (builtins.bool, np.bool_)) or not (
                part is None or part is Ellipsis or isinstance(part, (builtins.int, np.integer,
                                                                      slice))):
            return "index"  # a tensor, a list, a mask: advanced indexing
        if part is None:
            last = "unsqueeze" if last == "alias" else last
        elif isinstance(part, slice):
            last = "slice"
        elif part is not Ellipsis:
            last = "select"
    return last


# The book shows ``type(B)`` as ``torch.Tensor``: so does this class, and torch.Size.
Tensor.__module__ = "torch"


# In-place operations speak PyTorch's errors too.
for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__setitem__",
              "add_", "sub_", "mul_", "div_", "pow_", "zero_", "fill_", "copy_"):
    setattr(Tensor, _name, torch_errors(getattr(cr.Tensor, _name)))
