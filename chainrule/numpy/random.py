"""chainrule.numpy.random: NumPy's random functions, for code written against ``numpy``.

``import chainrule.numpy as np`` keeps ``np.random.seed(0)``, ``np.random.randn(3, 2)``,
``np.random.default_rng(0).normal(...)`` working as they did: every name of
``numpy.random`` is here, drawing from NumPy's own global RandomState (so
``chainrule.numpy.random.seed`` and ``numpy.random.seed`` are one stream) and returning
what NumPy returns, NumPy arrays and scalars, float64 by default. The draws are not
differentiated, as in HIPS autograd's ``autograd.numpy.random``: a sample is a constant
of the computation. Tensors that do not require grad may be passed where NumPy takes
arrays; a tensor that requires grad, or carries jvp tangents or a vmap batch, is refused
(its derivative would be dropped silently): draw standard samples and transform them
(``loc + scale * np.random.standard_normal(n)``, ``x[np.random.permutation(len(x))]``),
which is differentiable in loc, scale and x.
``shuffle`` of a tensor shuffles it in place through chainrule's in-place assignment
(version-tracked, refused on a leaf that requires grad, as ``x[...] = v`` is).

``Generator``, ``RandomState``, ``default_rng`` and the bit generators are NumPy's
classes themselves; their methods read tensors through ``__array__``, which refuses a
tensor that requires grad or is being transformed (with its general message), so pass
them constants.

This is not ``chainrule.random``, the core's random tensors (float32 by default, one
generator of its own, results are tensors that can require grad).
"""
from __future__ import annotations

import functools

import numpy.random as _npr

from chainrule.inplace import setitem
from chainrule.numpy._core import _holds_tensor, traced
from chainrule.tensor import Tensor

__all__ = list(_npr.__all__)

# The classes and default_rng are NumPy's, unwrapped (see the module docstring).
_AS_IS = {"Generator", "RandomState", "SeedSequence", "BitGenerator", "MT19937", "Philox",
          "PCG64", "PCG64DXSM", "SFC64", "default_rng", "get_state", "set_state", "seed"}
_INDEXING = {"choice", "permutation"}  # draws that pick from their argument


def _constant(value, function: str, argument):
    """``value`` as NumPy sees it; a tensor (also inside a list or tuple) that requires
    grad or is being transformed (its tangents, or its data the whole vmap batch) is
    refused, any other is its data. ``argument``: the keyword, or the position."""
    if isinstance(value, Tensor):
        if traced(value):
            fix = ("index with drawn positions instead, x[np.random.permutation(len(x))] "
                   "or x[np.random.choice(len(x), size)]" if function in _INDEXING else
                   "draw standard samples and transform them, e.g. loc + scale * "
                   "np.random.standard_normal(size)")
            what = ("requires grad" if value._aux is None else
                    "is being transformed (jvp, vmap)")
            if isinstance(argument, int):
                argument = f"argument {argument}"
            raise TypeError(
                f"numpy.random.{function}: {argument} is a tensor that {what} "
                f"(shape {value.shape}); random draws are not differentiated, so its "
                f"derivative would be lost: {fix}, or pass x.detach() for a constant")
        return value._data
    if isinstance(value, list | tuple) and _holds_tensor(value):  # others pass as they are
        return type(value)(_constant(v, function, argument) for v in value)
    return value


def _wrap(name: str):
    draw = getattr(_npr, name)

    @functools.wraps(draw)
    def function(*args, **kwargs):
        args = [_constant(a, name, i) for i, a in enumerate(args)]
        kwargs = {k: _constant(v, name, k) for k, v in kwargs.items()}
        return draw(*args, **kwargs)
    function.__module__ = __name__
    return function


def shuffle(x) -> None:
    """Shuffle ``x`` in place along its first axis, as ``numpy.random.shuffle`` does (the
    same draws); a tensor is written by chainrule's ``x[...] = x[order]``."""
    if not isinstance(x, Tensor):
        return _npr.shuffle(x)
    if x.ndim == 0:
        raise TypeError("numpy.random.shuffle: cannot shuffle a 0-d tensor; it has no "
                        "first axis to shuffle")
    order = _npr.permutation(len(x))
    setitem(x, Ellipsis, x[order], "numpy.random.shuffle")


for _name in __all__:
    if _name not in globals():
        globals()[_name] = getattr(_npr, _name) if _name in _AS_IS else _wrap(_name)
del _name
