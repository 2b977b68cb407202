"""``Tensor.__array_ufunc__``: NumPy ufuncs applied to tensors run chainrule's ops, so
they are recorded (``np.sin(t)``, ``ndarray * tensor``, ``np.add.reduce(t)``).

``_UFUNCS`` maps every NumPy ufunc that tensors support to the op that computes it (called
with the ufunc's inputs, positionally; chainrule.numpy uses the same table). Ufuncs
without a derivative (comparisons, rint, bitwise and integer ufuncs) map to primitives
whose results do not require grad. The ufunc's methods: ``reduce`` and ``accumulate``
map to chainrule's reductions and scans where there is one (add: sum and cumsum, ...),
other binary ufuncs fold along the axis; ``outer`` broadcasts; ``at`` and ``reduceat``
are refused. ``out=`` writes NumPy's result into the given array when nothing requires
grad, and is refused when something does.
"""
from __future__ import annotations

import difflib
import functools
import itertools
import math
import sys

import numpy as np

from . import inplace, ops
from .graph import bump_version, grad_state
from .ops import ufuncs as uf
from .ops.elementwise import LN2
from .ops.shape import normalize_axis, normalize_axes, shape_of
from .tensor import Tensor, wrap


def _conjugate_if_complex(x):
    return ops.conj(x) if np.iscomplexobj(x._data if isinstance(x, Tensor) else x) else x


def _vecdot(x1, x2):
    return ops.sum(ops.multiply(_conjugate_if_complex(x1), x2), -1)


def _matvec(a, v):
    return ops.squeeze(ops.matmul(a, ops.expand_dims(v, -1)), -1)


def _vecmat(v, a):
    return ops.squeeze(ops.matmul(ops.expand_dims(_conjugate_if_complex(v), -2), a), -2)


def _divmod(x, y):
    return ops.floor_divide(x, y), ops.remainder(x, y)


_UFUNCS = {
    # arithmetic
    np.add: ops.add, np.subtract: ops.subtract, np.multiply: ops.multiply,
    np.true_divide: ops.divide, np.negative: ops.negative, np.positive: ops.copy,
    np.power: ops.power, np.float_power: uf.float_power, np.square: ops.square,
    np.reciprocal: ops.reciprocal, np.remainder: ops.remainder, np.fmod: uf.fmod,
    np.floor_divide: ops.floor_divide, np.divmod: _divmod,
    # selection and signs
    np.maximum: ops.maximum, np.minimum: ops.minimum, np.fmax: uf.fmax, np.fmin: uf.fmin,
    np.absolute: ops.absolute, np.fabs: uf.fabs, np.copysign: uf.copysign,
    np.conjugate: ops.conj,
    # exponentials and logarithms
    np.sqrt: ops.sqrt, np.cbrt: ops.cbrt, np.exp: ops.exp, np.expm1: ops.expm1,
    np.exp2: ops.exp2, np.log: ops.log, np.log1p: ops.log1p, np.log2: ops.log2,
    np.log10: ops.log10, np.logaddexp: uf.logaddexp, np.logaddexp2: uf.logaddexp2,
    np.ldexp: uf.ldexp,
    # trigonometric and hyperbolic
    np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.arcsin: ops.arcsin,
    np.arccos: ops.arccos, np.arctan: ops.arctan, np.arctan2: ops.arctan2,
    np.hypot: uf.hypot, np.sinh: ops.sinh, np.cosh: ops.cosh, np.tanh: ops.tanh,
    np.arcsinh: ops.arcsinh, np.arccosh: ops.arccosh, np.arctanh: ops.arctanh,
    np.deg2rad: uf.deg2rad, np.radians: uf.deg2rad, np.rad2deg: uf.rad2deg,
    np.degrees: uf.rad2deg, np.nextafter: uf.nextafter,
    # linear algebra (generalized ufuncs)
    np.matmul: ops.matmul,
    # not differentiable
    np.sign: ops.sign, np.floor: ops.floor, np.ceil: ops.ceil, np.trunc: ops.trunc,
    np.rint: uf.rint, np.heaviside: uf.heaviside, np.signbit: uf.signbit,
    np.equal: ops.equal, np.not_equal: ops.not_equal, np.less: ops.less,
    np.less_equal: ops.less_equal, np.greater: ops.greater,
    np.greater_equal: ops.greater_equal, np.logical_and: ops.logical_and,
    np.logical_or: ops.logical_or, np.logical_xor: ops.logical_xor,
    np.logical_not: ops.logical_not, np.isnan: ops.isnan, np.isinf: ops.isinf,
    np.isfinite: ops.isfinite, np.isnat: uf.isnat, np.bitwise_and: uf.bitwise_and,
    np.bitwise_or: uf.bitwise_or, np.bitwise_xor: uf.bitwise_xor, np.invert: uf.invert,
    np.left_shift: uf.left_shift, np.right_shift: uf.right_shift, np.gcd: uf.gcd,
    np.lcm: uf.lcm,
}
if hasattr(np, "vecdot"):  # NumPy 2
    _UFUNCS.update({np.vecdot: _vecdot, np.matvec: _matvec, np.vecmat: _vecmat,
                    np.bitwise_count: uf.bitwise_count})

# Ufuncs with a derivative that chainrule does not compute, and what to use instead.
_REFUSED = {
    np.frexp: "m, e = np.frexp(x.numpy()) for the exponent, then np.ldexp(x, -e) for a "
              "differentiable mantissa; or np.frexp(x.numpy()) if no gradient is needed",
    np.modf: "np.trunc(x) for the integral part (not differentiable) and x - np.trunc(x) "
             "for the fractional part (derivative 1); or np.modf(x.numpy()) if no gradient "
             "is needed",
    np.spacing: "np.spacing(x.numpy()) (its derivative is 0 almost everywhere, so no "
                "gradient is lost)",
}

# ---------------------------------------------------------------- the protocol


_OWN_ARRAYS = (Tensor, np.ndarray, np.generic)


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    for x in inputs:
        # An array type with a protocol of its own (not ndarray, not ours) goes first.
        if not isinstance(x, _OWN_ARRAYS) and hasattr(type(x), "__array_ufunc__"):
            return NotImplemented
    if method == "__call__" and not kwargs:  # the common case first: np.sin(x), a * x
        op = _UFUNCS.get(ufunc) or _scipy_counterpart(ufunc)
        if op is None:
            raise TypeError(_unsupported(ufunc))
        return op(*inputs)
    name = qualified_name(ufunc)
    if method in ("at", "reduceat"):
        raise TypeError(_refuse_method(ufunc, method))
    out = kwargs.pop("out", None)
    if out is not None:
        return _into(ufunc, method, inputs, out, kwargs)
    if method == "__call__":
        op = _UFUNCS.get(ufunc) or _scipy_counterpart(ufunc)
        if op is None:
            raise TypeError(_unsupported(ufunc))
        return _call_with_options(ufunc, name, op, inputs, kwargs)
    if method in ("reduce", "accumulate", "outer"):
        op = _UFUNCS.get(ufunc)
        if op is None or ufunc.nin != 2 or ufunc.nout != 1 or ufunc.signature:
            if op is None:
                raise TypeError(_unsupported(ufunc))
            raise ValueError(f"{name}.{method}: only binary ufuncs with one output have "
                             f"{method} (NumPy's rule)")
        if method == "outer":
            return _outer(ufunc, name, op, inputs, kwargs)
        if not _differentiable(op):
            return _on_values(ufunc, method, inputs, kwargs)
        return (_reduce if method == "reduce" else _accumulate)(ufunc, name, op, inputs[0],
                                                                 kwargs)
    raise TypeError(f"{name}.{method} is not supported on chainrule tensors")


@functools.cache
def qualified_name(ufunc) -> str:
    """numpy.sin, scipy.special.erf, or the bare name of a ufunc from elsewhere."""
    name = ufunc.__name__
    if getattr(np, name, None) is ufunc:
        return f"numpy.{name}"
    special = sys.modules.get("scipy.special")
    if special is not None and getattr(special, name, None) is ufunc:
        return f"scipy.special.{name}"
    return name


def _unsupported(ufunc) -> str:
    name = qualified_name(ufunc)
    instead = _REFUSED.get(ufunc)
    if instead is not None:
        return (f"{name} is not supported on chainrule tensors (chainrule does not "
                f"differentiate it); instead use {instead}")
    names = sorted(u.__name__ for u in _UFUNCS)
    close = difflib.get_close_matches(ufunc.__name__, names, n=1)
    hint = f"; the nearest supported ufunc is numpy.{close[0]}" if close else ""
    return (f"{name} is not supported on chainrule tensors (chainrule has no derivative "
            f"for it); convert with .numpy() if you do not need its gradient{hint}")


@functools.cache
def _scipy_counterpart(ufunc):
    """chainrule.scipy.special's function for one of SciPy's ufuncs (scipy.special.erf
    applied to a tensor runs chainrule.scipy.special.erf), or None."""
    try:
        import scipy.special
    except ImportError:
        return None
    name = ufunc.__name__
    if getattr(scipy.special, name, None) is not ufunc:
        return None
    from .scipy import special
    return getattr(special, name, None) if name in special.__all__ else None


def _refuse_method(ufunc, method: str) -> str:
    name = f"{qualified_name(ufunc)}.{method}"
    if method == "at":
        return (f"{name} is not supported on chainrule tensors: it changes its first "
                "argument in place (unbuffered), which cannot be recorded; write it out of "
                f"place, x = x + chainrule.ops.scatter_add(values, index, x.shape) for "
                f"add.at, or x[index] = {qualified_name(ufunc)}(x[index], values) when the "
                "indices are unique")
    return (f"{name} is not supported on chainrule tensors; reduce each slice with "
            f"{qualified_name(ufunc)}.reduce(x[i:j], axis) and stack the results "
            "(numpy.stack)")


def _differentiable(op) -> bool:
    prim = getattr(op, "prim", None)
    return prim is None or prim.differentiable


# ---------------------------------------------------------------- keyword arguments

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _call_with_options(ufunc, name, op, inputs, kwargs):
    """``dtype=`` and ``casting=`` honoured; ``order=`` and ``subok=True`` accepted (a
    result is always a new tensor); the others refused by name."""
    dtype = kwargs.pop("dtype", None)
    casting = kwargs.pop("casting", "same_kind")
    order = kwargs.pop("order", "K")
    subok = kwargs.pop("subok", True)
    where = kwargs.pop("where", True)
    if casting not in _CASTINGS:
        raise ValueError(f"{name}: casting must be one of {_CASTINGS}, got {casting!r}")
    if order not in ("K", "A", "C", "F", None):
        raise ValueError(f"{name}: order must be 'K', 'A', 'C' or 'F', got {order!r}")
    if subok is not True:
        raise TypeError(f"{name}: subok=False is not supported on chainrule tensors (the "
                        "result is a tensor); convert with .numpy() for an ndarray")
    if where is not True:
        raise TypeError(f"{name}: where= is not supported on chainrule tensors without "
                        "out= (NumPy leaves the result uninitialized where the mask is "
                        f"False); use numpy.where(mask, {name}(...), fill) instead")
    if kwargs:
        raise TypeError(f"{name}: the arguments {', '.join(sorted(kwargs))} are not "
                        "supported on chainrule tensors (dtype=, casting=, order= and "
                        "out= are)")
    if dtype is None:
        return op(*inputs)
    target = np.dtype(dtype)
    inputs = _cast_inputs(ufunc, name, inputs, target, casting)
    result = op(*inputs)
    results = result if isinstance(result, tuple) else (result,)
    results = tuple(r if r.dtype == target else ops.astype(r, target)
                    for r in results)
    return results if isinstance(result, tuple) else results[0]


_WEAK_SCALARS = (bool, int, float, complex)


def _cast_inputs(ufunc, name, inputs, target, casting):
    """The inputs in the dtypes of the loop NumPy picks for outputs of dtype ``target``
    (dtype=int64 on int32 inputs computes in int64; dtype=bool on a comparison leaves
    its float inputs alone); Python scalars stay weak."""
    dtypes = [x.dtype if isinstance(x, Tensor | np.ndarray | np.generic) else
              np.dtype(bool) if isinstance(x, bool) else
              x.__class__ if isinstance(x, _WEAK_SCALARS) else
              np.asarray(x).dtype for x in inputs]
    try:
        loop = ufunc.resolve_dtypes(tuple(dtypes) + (None,) * ufunc.nout,
                                    signature=(None,) * ufunc.nin + (target,) * ufunc.nout,
                                    casting="unsafe")
    except TypeError as exc:  # no loop for dtype= (UFuncTypeError is a TypeError)
        raise TypeError(f"{name}: {exc}") from None
    cast = []
    for x, dtype, wanted in zip(inputs, dtypes, loop):
        if isinstance(x, _WEAK_SCALARS) or dtype == wanted:
            cast.append(x)
            continue
        if not np.can_cast(dtype, wanted, casting):
            raise TypeError(f"{name}: cannot cast an input of dtype {dtype} to dtype={target} "
                            f"with casting={casting!r} (NumPy computes it in {wanted}); pass "
                            "casting='unsafe' or convert it")
        cast.append(ops.astype(x, wanted) if isinstance(x, Tensor)
                    else np.asarray(x, dtype=wanted))
    return cast


# ---------------------------------------------------------------- out=


def _into(ufunc, method, inputs, out, kwargs):
    """NumPy's result written into ``out`` (tensors or ndarrays), when nothing requires
    grad; the tensors written into count a new version (see chainrule.inplace)."""
    name = qualified_name(ufunc) + ("" if method == "__call__" else f".{method}")
    outs = out if isinstance(out, tuple) else (out,)
    arrays = list(inputs) + list(outs) + [kwargs.get("where")]
    for x in arrays:
        if isinstance(x, Tensor) and (x._aux is not None
                                      or (x._requires_grad and grad_state.enabled)):
            raise TypeError(
                f"{name}: out= is not supported when an input or the out= tensor requires "
                "grad or is being transformed (the result would escape the graph, and its "
                f"gradient would be lost); assign the result instead, y = {name}(...), or "
                "compute it under chainrule.no_grad()")
    kwargs["out"] = tuple(o._data if isinstance(o, Tensor) else o for o in outs)
    results = _by_numpy(name, ufunc, method, inputs, kwargs)
    results = results if isinstance(results, tuple) else (results,)
    for o in outs:
        if isinstance(o, Tensor):
            bump_version(inplace._version_counter(o))
    cls = next(type(x) for x in arrays if isinstance(x, Tensor))
    given = tuple(o if o is not None else wrap(np.asarray(r), cls)
                  for o, r in zip(outs, results))
    return given if len(given) > 1 else given[0]


# ---------------------------------------------------------------- methods


def _on_values(ufunc, method, inputs, kwargs):
    """A method of a ufunc without a derivative, run by NumPy on the values: a tensor
    that does not require grad."""
    name = f"{qualified_name(ufunc)}.{method}"
    tensors = [x for x in (*inputs, kwargs.get("where")) if isinstance(x, Tensor)]
    if any(x._aux is not None and x._aux.is_batch for x in tensors):
        raise TypeError(f"{name} is not supported inside vmap; use a loop, or the "
                        "chainrule op (e.g. chainrule.all for logical_and.reduce)")
    return wrap(np.asarray(_by_numpy(name, ufunc, method, inputs, kwargs)), type(tensors[0]))


def _by_numpy(name, ufunc, method, inputs, kwargs):
    """NumPy's ufunc method on the values of the inputs (and of a where= mask), its
    errors naming it."""
    raw = [x._data if isinstance(x, Tensor) else x for x in inputs]
    if isinstance(kwargs.get("where"), Tensor):
        kwargs["where"] = kwargs["where"]._data
    try:
        return getattr(ufunc, method)(*raw, **kwargs)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}: {exc}") from None


_NO_VALUE = object()


def _method_options(name, x, kwargs, allowed):
    """The tensor (cast to ``dtype=``), and the options left; unknown ones refused."""
    unknown = sorted(set(kwargs) - set(allowed) - {"dtype"})
    if unknown:
        raise TypeError(f"{name}: the arguments {', '.join(unknown)} are not supported on "
                        f"chainrule tensors ({', '.join(sorted(allowed + ('dtype',)))} "
                        "are)")
    if not isinstance(x, Tensor):
        x = wrap(np.asarray(x))
    dtype = kwargs.pop("dtype", None)
    if dtype is not None and np.dtype(dtype) != x.dtype:
        x = ops.astype(x, np.dtype(dtype))
    return x


# The reductions that chainrule has as one op: (reduction, the value a where= mask fills
# in, how the initial value joins the result). The fills are Python numbers, weak, so an
# integer tensor stays integer; where ±inf cannot be, the initial value fills in.
_REDUCTIONS = {
    np.add: (ops.sum, 0, ops.add),
    np.multiply: (ops.prod, 1, ops.multiply),
    np.maximum: (ops.max, -math.inf, ops.maximum),
    np.minimum: (ops.min, math.inf, ops.minimum),
    np.logaddexp: (ops.logsumexp, -math.inf, uf.logaddexp),
    np.logaddexp2: (lambda x, axis, keepdims=False:
                    ops.logsumexp(x * LN2, axis, keepdims=keepdims) * (1 / LN2),
                    -math.inf, uf.logaddexp2),
}


def _reduce(ufunc, name, op, x, kwargs):
    name = f"{name}.reduce"
    x = _method_options(name, x, kwargs, ("axis", "keepdims", "initial", "where"))
    axis = kwargs.get("axis", 0)
    keepdims = bool(kwargs.get("keepdims", False))
    initial = kwargs.get("initial", _NO_VALUE)
    where = kwargs.get("where", True)
    if isinstance(where, Tensor):
        where = where._data
    if ufunc in _REDUCTIONS:
        reduction, fill, join = _REDUCTIONS[ufunc]
        if where is not True:
            if initial is _NO_VALUE and ufunc.identity is None:
                raise ValueError(f"{name}: {ufunc.__name__} has no identity, so a where= "
                                 "mask needs initial= (NumPy's rule)")
            if x.dtype.kind not in "fc" and math.isinf(fill):
                fill = initial  # maximum and minimum of integers (initial= is required)
            x = ops.where(where, x, fill)
        if initial is not _NO_VALUE and _reduced_size(x, axis) == 0:
            return ops.sum(x, axis, keepdims=keepdims) * 0 + initial  # no values: initial
        result = reduction(x, axis, keepdims=keepdims)
        return result if initial is _NO_VALUE else join(result, initial)
    if where is not True:
        raise TypeError(f"{name}: where= is not supported on chainrule tensors for "
                        f"{ufunc.__name__}, which is folded element by element")
    axes = _fold_axes(name, ufunc, x, axis)
    if not axes:
        return x
    if _reduced_size(x, axes) == 0:
        if initial is _NO_VALUE:
            initial = ufunc.identity  # hypot's 0; None for most
        if initial is None:
            raise ValueError(f"{name}: zero-size reduction over axis {axis} of shape "
                             f"{x.shape} has no identity; give initial=")
        return ops.sum(x, axes, keepdims=keepdims) * 0 + initial  # no values: initial
    if len(axes) == 1:
        return _fold(op, x, axes[0], keepdims, initial)
    # Reorderable (NumPy's flag, for fmax, fmin, hypot): one axis at a time, then initial.
    result = x
    for a in axes:
        result = _fold(op, result, a, True, _NO_VALUE)
    if initial is not _NO_VALUE:
        result = op(initial, result)
    return result if keepdims else ops.squeeze(result, axes)


def _reduced_size(x, axis) -> int:
    shape = x.shape
    if axis is None:
        return math.prod(shape)
    axes = axis if isinstance(axis, tuple | list) else (axis,)
    return math.prod(shape[a] for a in axes) if shape else 1


@functools.cache
def _reorderable(ufunc) -> bool:
    """Whether NumPy reduces ``ufunc`` over several axes at once (its flag is not public)."""
    try:
        ufunc.reduce(np.ones((1, 1)), axis=None)
    except (TypeError, ValueError):
        return False
    return True


def _fold_axes(name, ufunc, x, axis) -> tuple:
    """The axes to fold along, sorted; one unless NumPy may reorder the ufunc."""
    if axis is None:
        if x.ndim > 1 and not _reorderable(ufunc):
            raise ValueError(f"{name}: {ufunc.__name__} is not reorderable, so axis=None "
                             f"needs at most a 1-d tensor, got shape {x.shape}")
        return tuple(range(x.ndim)) or (0,)
    if isinstance(axis, tuple | list) and len(axis) > 1 and not _reorderable(ufunc):
        raise ValueError(f"{name}: {ufunc.__name__} is not reorderable, so at most one "
                         f"axis may be given (NumPy's rule), got axis={axis}")
    return normalize_axes(axis, x.ndim, name, x.shape)


def _slices(x, axis) -> list:
    """The slices of x along axis, in order (a 0-d x is one slice)."""
    moved = ops.moveaxis(ops.reshape(x, (1,)) if x.ndim == 0 else x, axis, 0)
    return [moved[i] for i in range(moved.shape[0])]


def _fold(op, x, axis, keepdims, initial):
    """op(...op(op(x[0], x[1]), x[2])..., x[n-1]) along a non-empty axis (initial first
    if given)."""
    items = _slices(x, axis)
    if initial is not _NO_VALUE:
        items.insert(0, initial)  # op broadcasts it against the first slice
    result = functools.reduce(op, items)
    return ops.expand_dims(result, axis) if keepdims else result


_SCANS = {np.add: ops.cumsum, np.multiply: ops.cumprod}


def _accumulate(ufunc, name, op, x, kwargs):
    name = f"{name}.accumulate"
    x = _method_options(name, x, kwargs, ("axis",))
    axis = kwargs.get("axis", 0)
    if x.ndim == 0:
        raise ValueError(f"{name}: cannot accumulate on a 0-d tensor (NumPy's rule)")
    if axis is None or isinstance(axis, tuple | list):
        raise TypeError(f"{name}: axis must be an int, got {axis!r}")
    axis = normalize_axis(axis, x.ndim, name, x.shape)
    if ufunc in _SCANS:
        return _SCANS[ufunc](x, axis)
    steps = list(itertools.accumulate(_slices(x, axis), op))
    return ops.moveaxis(ops.stack(steps, 0), 0, axis) if steps else ops.copy(x)


def _outer(ufunc, name, op, inputs, kwargs):
    a, b = (x if isinstance(x, Tensor) else np.asarray(x) for x in inputs)
    a = ops.reshape(a, shape_of(a) + (1,) * len(shape_of(b)))  # (shapes seen inside vmap)
    if kwargs:
        return _call_with_options(ufunc, f"{name}.outer", op, (a, b), kwargs)
    return op(a, b)
