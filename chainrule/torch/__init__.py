"""``import chainrule.torch as torch``: PyTorch's autograd API on chainrule.

Policy (see docs/dialects.md): operations are recorded whenever an input requires grad;
gradients accumulate into the leaves' ``.grad`` (None until the first backward);
backward of a non-scalar needs ``gradient=``; a second backward needs
``retain_graph=True``. Float tensors default to float32, integers to int64.
"""
from __future__ import annotations

import builtins

import numpy as np

import chainrule as cr
from chainrule.tensor import as_class

from . import autograd
from ._names import name as _named
from ._tensor import (DTYPES, Size, Tensor, _dot, _wrap, check_can_require_grad, to_np_dtype,
                      torch_errors)

float32 = float = DTYPES[np.dtype("float32")]  # noqa: A001 - PyTorch's names
float64 = double = DTYPES[np.dtype("float64")]
float16 = half = DTYPES[np.dtype("float16")]
int64 = long = DTYPES[np.dtype("int64")]
int32 = int = DTYPES[np.dtype("int32")]  # noqa: A001
int16 = DTYPES[np.dtype("int16")]
int8 = DTYPES[np.dtype("int8")]
uint8 = DTYPES[np.dtype("uint8")]
bool = DTYPES[np.dtype("bool")]  # noqa: A001
complex64 = cfloat = DTYPES[np.dtype("complex64")]
complex128 = cdouble = DTYPES[np.dtype("complex128")]

no_grad = cr.no_grad
enable_grad = cr.enable_grad
set_grad_enabled = cr.set_grad_enabled
is_grad_enabled = cr.is_grad_enabled


def _new(t, requires_grad=False) -> Tensor:
    t = as_class(t, Tensor)
    if requires_grad:
        check_can_require_grad(t._data, "Only Tensors of floating point and complex dtype can "
                                        "require gradients")
        t._requires_grad = True
    return t


def _size(args, size=None) -> tuple:
    """PyTorch takes sizes as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``."""
    if size is not None:
        return tuple(size) if not isinstance(size, (builtins.int, np.integer)) else (size,)
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)):
        return tuple(args[0])
    return tuple(args)


# ---------------------------------------------------------------- creation


def tensor(data, dtype=None, requires_grad=False) -> Tensor:
    """A new tensor holding a copy of ``data``."""
    return _new(cr.tensor(data, to_np_dtype(dtype)), requires_grad)


def as_tensor(data, dtype=None) -> Tensor:
    return _new(cr.asarray(data, to_np_dtype(dtype)))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a NumPy array."""
    return _new(cr.asarray(array))


def is_tensor(obj) -> builtins.bool:
    return isinstance(obj, cr.Tensor)


def numel(t) -> builtins.int:
    return t.numel()


def arange(start, end=None, step=1, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.arange(start, end, step, to_np_dtype(dtype)), requires_grad)


def _filled(fill, shape, dtype, requires_grad):
    return _new(cr.full(shape, fill, to_np_dtype(dtype) or cr.get_default_dtype()),
                requires_grad)


def zeros(*args, size=None, dtype=None, requires_grad=False) -> Tensor:
    return _filled(0, _size(args, size), dtype, requires_grad)


def ones(*args, size=None, dtype=None, requires_grad=False) -> Tensor:
    return _filled(1, _size(args, size), dtype, requires_grad)


def empty(*args, size=None, dtype=None, requires_grad=False) -> Tensor:
    return _filled(0, _size(args, size), dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.full(tuple(size), fill_value, to_np_dtype(dtype)), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.zeros_like(t, to_np_dtype(dtype)), requires_grad)


def ones_like(t, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.ones_like(t, to_np_dtype(dtype)), requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.full_like(t, fill_value, to_np_dtype(dtype)), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.eye(n, m, dtype=to_np_dtype(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.linspace(start, end, steps, dtype=to_np_dtype(dtype)), requires_grad)


# ---------------------------------------------------------------- random


def manual_seed(seed: builtins.int):
    cr.random.seed(seed)


def randn(*args, size=None, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.random.normal(size=_size(args, size), dtype=to_np_dtype(dtype)),
                requires_grad)


def rand(*args, size=None, dtype=None, requires_grad=False) -> Tensor:
    return _new(cr.random.uniform(size=_size(args, size), dtype=to_np_dtype(dtype)),
                requires_grad)


def randint(low, high=None, size=(), dtype=None) -> Tensor:
    return _new(cr.random.randint(low, high, tuple(size), dtype=to_np_dtype(dtype)))


def normal(mean, std, size=None) -> Tensor:
    return _new(cr.random.normal(mean, std, size))


def randperm(n: builtins.int) -> Tensor:
    return _new(cr.random.permutation(n))


# ---------------------------------------------------------------- operations


def _functions():
    """Functions of PyTorch that are the Tensor methods of the same name."""
    names = ["sum", "mean", "prod", "max", "min", "argmax", "argmin", "norm", "cumsum",
             "cumprod", "logsumexp", "softmax", "log_softmax", "exp", "log", "sin", "cos",
             "tanh", "sigmoid", "relu", "abs", "sqrt", "square", "pow", "clamp", "clip",
             "matmul", "mm", "mv", "reshape", "t", "transpose", "permute", "unsqueeze",
             "squeeze", "flatten", "eq", "ne", "lt", "gt", "le", "ge", "equal", "all", "any",
             "var", "std", "neg", "add", "sub", "mul", "div", "clone"]
    table = {}
    for name in names:
        method = getattr(Tensor, name)
        # Any chainrule tensor keeps its history (a core one too: its result is a torch
        # tensor); other data is made a tensor first, as torch.tensor would.
        table[name] = (lambda m: lambda input, *args, **kwargs: _wrap(
            m(input if isinstance(input, cr.Tensor) else tensor(input), *args, **kwargs))
                       )(method)
    return table


globals().update(_functions())


def dot(input, other) -> Tensor:
    """The inner product of two 1-D tensors."""
    return _dot(input, other)


def cat(tensors, dim=0) -> Tensor:
    """Join tensors along an existing dimension."""
    return _wrap(cr.concatenate(list(tensors), dim))


concat = cat


def stack(tensors, dim=0) -> Tensor:
    tensors = list(tensors)
    return _named(_wrap(cr.stack(tensors, dim)), "stack", *tensors)


def where(condition, input, other) -> Tensor:
    return _wrap(cr.where(condition, input, other))


def maximum(input, other) -> Tensor:
    return cr.maximum(input, other)


def minimum(input, other) -> Tensor:
    return cr.minimum(input, other)


def exp2(input) -> Tensor:
    return cr.exp2(input)


def einsum(equation, *operands) -> Tensor:
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return _wrap(cr.einsum(equation, *operands))


def tensordot(a, b, dims=2) -> Tensor:
    return cr.tensordot(a, b, dims)


def outer(input, vec2) -> Tensor:
    return cr.outer(input, vec2)


def detach(input) -> Tensor:
    return input.detach()


__all__ = [name for name in globals() if not name.startswith("_")] + ["torch_errors"]
