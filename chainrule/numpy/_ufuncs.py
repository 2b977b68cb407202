"""The elementwise functions of ``chainrule.numpy``: one per NumPy ufunc that tensors
support, routed to the very op ``Tensor.__array_ufunc__`` uses (``ufunc_dispatch._UFUNCS``),
so ``chainrule.numpy.sin(x)`` and ``numpy.sin(x)`` record the same thing.

Inputs first take NumPy's dtypes: array-likes are read as NumPy reads them (floats are
float64), and each input is converted to the dtype the ufunc's own type resolution
computes it in (``np.sin(int array)`` is float64, int64 with float32 is float64), so the
core op runs in NumPy's result dtype. Keyword arguments (``dtype=``, ``where=``, ``out=``)
go through ``numpy.<ufunc>`` itself, so they are honoured or refused exactly as
``__array_ufunc__`` does; the ufunc's methods (``add.reduce``, ``add.accumulate``,
``multiply.outer``) do the same.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import ops
from ..ops import ufuncs as ufunc_ops
from ..tensor import Tensor
from ..ufunc_dispatch import _UFUNCS
from ._core import asarray_like, cast_to, float_result, no_out, ufunc_input_dtypes

_WEAK_SCALARS = (bool, int, float, complex)
_WEAK = frozenset(_WEAK_SCALARS)


def _prepare(ufunc, args) -> list:
    """The inputs as tensors (Python scalars stay weak next to a tensor) in the dtypes
    NumPy's type resolution picks."""
    inputs = [a if isinstance(a, (Tensor,) + _WEAK_SCALARS) else asarray_like(a) for a in args]
    if not any(isinstance(a, Tensor) for a in inputs):
        inputs = [asarray_like(a) for a in inputs]  # all scalars: NumPy's default dtypes
    dtypes = ufunc_input_dtypes(ufunc, inputs)
    if dtypes is None:
        return inputs
    return [cast_to(a, d) if isinstance(a, Tensor) and d.kind in "fc" and a.dtype != d else a
            for a, d in zip(inputs, dtypes)]


def _wrap_ufunc(name: str, ufunc, op):
    nin, nout = ufunc.nin, ufunc.nout
    # The per-op overhead is what loops feel: a tensor whose dtype NumPy computes the
    # ufunc in (a float tensor, for most) goes straight to the op; the answer is cached
    # per dtype. Everything else takes the general path.
    keeps = {}

    def function(*args, **kwargs):
        if nin == 1 and len(args) == 1 and not kwargs and isinstance(args[0], Tensor):
            x = args[0]
            direct = keeps.get(x.dtype)
            if direct is None:
                dtypes = ufunc_input_dtypes(ufunc, (x,))
                direct = keeps[x.dtype] = dtypes is None or dtypes[0] == x.dtype
            if direct:
                return op(x)
        elif nin == 2 and len(args) == 2 and not kwargs:
            x, y = args
            if isinstance(x, Tensor) and (isinstance(y, Tensor) or y.__class__ in _WEAK):
                key = (x.dtype, y.dtype if isinstance(y, Tensor) else y.__class__)
            elif isinstance(y, Tensor) and x.__class__ in _WEAK:
                key = (x.__class__, y.dtype)
            else:
                key = None
            if key is not None:
                direct = keeps.get(key)
                if direct is None:
                    dtypes = ufunc_input_dtypes(ufunc, args)
                    direct = keeps[key] = dtypes is None or all(
                        d == a.dtype for a, d in zip(args, dtypes) if isinstance(a, Tensor))
                if direct:
                    return op(x, y)
        if len(args) != nin:
            if nin < len(args) <= nin + nout and "out" not in kwargs:
                outs = args[nin:]  # NumPy's positional out (one per output, or the first)
                kwargs["out"] = outs[0] if nout == 1 else outs + (None,) * (nout - len(outs))
                args = args[:nin]
            else:
                raise TypeError(f"{name}() takes {nin} positional argument"
                                f"{'s' if nin > 1 else ''} but {len(args)} were given")
        inputs = _prepare(ufunc, args)
        if kwargs:
            return ufunc(*inputs, **kwargs)  # Tensor.__array_ufunc__ decides
        return op(*inputs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"NumPy's ``{ufunc.__name__}`` on tensors and array-likes, recorded "
                        f"(the ufunc's doc follows).\n\n{ufunc.__doc__}")
    function.ufunc = ufunc
    function.nin, function.nout, function.identity = ufunc.nin, ufunc.nout, ufunc.identity
    for method in ("reduce", "accumulate", "outer", "reduceat", "at"):
        setattr(function, method, _method(ufunc, method))
    return function


def _method(ufunc, method: str):
    bound = getattr(ufunc, method)

    def call(*args, **kwargs):
        if method == "outer":
            args = _prepare(ufunc, args)
        elif args:
            args = (asarray_like(args[0]),) + args[1:]
        return bound(*args, **kwargs)
    call.__name__ = f"{ufunc.__name__}.{method}"
    return call


@functools.cache
def ufunc_functions() -> dict:
    """Every name under which NumPy exposes a supported ufunc (aliases such as ``abs``,
    ``conj``, ``mod`` included), as its chainrule.numpy function."""
    functions = {}
    for name in dir(np):
        ufunc = getattr(np, name, None)
        if isinstance(ufunc, np.ufunc) and ufunc in _UFUNCS and not name.startswith("_"):
            functions[name] = _wrap_ufunc(name, ufunc, _UFUNCS[ufunc])
    return functions


# NumPy's elementwise functions that are not ufuncs (numpy.sinc(t) reaches them through
# __array_function__).


def sinc(x):
    """sin(πx) / (πx), 1 at 0 (NumPy's normalized sinc); float64 for integer input."""
    return ufunc_ops.sinc(float_result(asarray_like(x)))


def fix(x, out=None):
    """Rounded toward zero (NumPy's fix; not differentiable, as trunc)."""
    no_out("fix", out)
    x = asarray_like(x)
    return ops.trunc(x) if x.dtype.kind in "fc" else ops.copy(x)


globals().update(ufunc_functions())
__all__ = sorted(ufunc_functions()) + ["sinc", "fix"]
