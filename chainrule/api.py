"""The public functions: the ops of ``chainrule.ops`` made to always return tensors.

An op called on plain NumPy data computes plain NumPy (that is what lets derivative
rules run at NumPy speed); the public version first turns array-likes into tensors, so
``chainrule.sin([0.0, 1.0])`` is a tensor like ``chainrule.sin(x)``.
"""
from __future__ import annotations

import builtins
import functools
import inspect

from . import ops
from .creation import asarray
from .tensor import Tensor


def _as_tensor(x, name: str) -> Tensor:
    """x as a tensor; a creation error names the function it was given to."""
    try:
        return asarray(x)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


def _unary(op):
    prim = getattr(op, "prim", None)
    if prim is not None and prim.call is op and prim.public is not None:
        return _fast_public(prim)
    name = op.__name__
    if prim is not None and prim.nin == 1 and prim.call is op:
        def public(x):
            return op(x if isinstance(x, Tensor) else _as_tensor(x, name))
    else:
        def public(x, *args, **kwargs):
            return op(x if isinstance(x, Tensor) else _as_tensor(x, name), *args, **kwargs)
    return functools.update_wrapper(public, op)


def _fast_public(prim):
    """The primitive's own public variant: no wrapper call at all on the hot path."""
    public = prim.public
    functools.update_wrapper(public, prim.call)
    public.prim = prim
    return public


def _binary(op):
    prim = getattr(op, "prim", None)
    if prim is not None and prim.call is op and prim.public is not None:
        return _fast_public(prim)

    name = op.__name__

    def public(x1, x2, *args, **kwargs):
        if not isinstance(x1, Tensor) and not isinstance(x2, Tensor):
            x1 = _as_tensor(x1, name)
        return op(x1, x2, *args, **kwargs)
    return functools.update_wrapper(public, op)


def _ternary(op):
    name = op.__name__

    def public(a, b, c, *args, **kwargs):
        if not isinstance(a, Tensor):
            a = _as_tensor(a, name)  # the condition: None or a string would pick a side
        return op(a, b, c, *args, **kwargs)
    return functools.update_wrapper(public, op)


def _sequence(op):
    name = op.__name__

    def public(arrays, *args, **kwargs):
        if isinstance(arrays, str | bytes) or not hasattr(arrays, "__iter__"):
            raise TypeError(f"{name}: expected a sequence of tensors (a list or tuple), "
                            f"got {type(arrays).__name__}")
        arrays = [a if isinstance(a, Tensor) else _as_tensor(a, name) for a in arrays]
        return op(arrays, *args, **kwargs)
    return functools.update_wrapper(public, op)


def _einsum(subscripts, *operands):
    if operands and not builtins.any(isinstance(o, Tensor) for o in operands):
        operands = (_as_tensor(operands[0], "einsum"),) + operands[1:]
    return ops.einsum(subscripts, *operands)


_UNARY = """absolute abs negative sign floor ceil trunc round square reciprocal copy
sqrt cbrt exp expm1 exp2 log log1p log2 log10 sin cos tan arcsin arccos arctan sinh cosh
tanh arcsinh arccosh arctanh sigmoid relu logical_not isnan isinf isfinite
sum mean prod max min amax amin argmax argmin var std cumsum cumprod logsumexp softmax
log_softmax all any count_nonzero reshape ravel flatten transpose swapaxes moveaxis squeeze
expand_dims broadcast_to sum_to flip roll repeat tile pad take astype atleast_1d atleast_2d
split getitem norm inv det slogdet clip real imag conj angle""".split()

_BINARY = """add subtract multiply divide power maximum minimum arctan2 remainder mod
floor_divide equal not_equal less less_equal greater greater_equal logical_and logical_or
logical_xor matmul dot vdot inner outer tensordot solve""".split()

_TERNARY = ["where"]
_SEQUENCE = ["concatenate", "stack", "hstack", "vstack"]

def _annotate(public, op) -> None:
    """Public functions take array-likes and always return tensors: say so in the
    signature that help() and editors show."""
    signature = inspect.signature(op)
    params = [p if p.annotation is not p.empty or p.kind is p.VAR_KEYWORD
              or p.default is not p.empty else p.replace(annotation="ArrayLike")
              for p in signature.parameters.values() if not p.name.startswith("_")]
    public.__signature__ = signature.replace(parameters=params, return_annotation="Tensor")


_exports = {}
for _names, _wrap in ((_UNARY, _unary), (_BINARY, _binary), (_TERNARY, _ternary),
                      (_SEQUENCE, _sequence)):
    for _name in _names:
        _exports[_name] = _wrap(getattr(ops, _name))
        _annotate(_exports[_name], getattr(ops, _name))
_exports["einsum"] = functools.update_wrapper(_einsum, ops.einsum)
_annotate(_exports["einsum"], ops.einsum)
_exports["allclose"] = ops.allclose
globals().update(_exports)

true_divide = _exports["divide"]
__all__ = sorted(_exports) + ["true_divide"]
