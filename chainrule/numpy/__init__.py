"""chainrule.numpy: NumPy's names, signatures and dtype rules, differentiable.

``import chainrule.numpy as np`` in user code, and a NumPy function written against it is
differentiable with ``chainrule.grad`` and friends, in both modes and to any order. The
functions accept tensors, ndarrays and array-likes (lists and tuples holding tensors are
stacked, so gradients reach each tensor) and return chainrule tensors, as jax.numpy
returns jax arrays; ``shape``, ``ndim``, ``size``, ``allclose`` return plain values.

Dtypes are NumPy's, not the core's deep-learning defaults: Python floats are float64
(``array([1.0])``, ``zeros(3)``, ``arange(4.0)``, ``sin(2.0)``), float-valued functions
of integers are float64, int64 with float32 is float64; float16 and float32 inputs keep
their dtype. ``numpy.X(tensor)`` runs ``chainrule.numpy.X`` through
``Tensor.__array_function__`` (see chainrule.function_dispatch).

NumPy cannot be asked to look inside lists: ``numpy.mean([x, x + 2])`` converts the
tensors with ``__array__`` before any protocol runs, so with the real NumPy write
``numpy.mean(chainrule.numpy.stack([x, x + 2]))``, or use ``chainrule.numpy.mean``, which
stacks lists that hold tensors.

Where things are: ``_core`` (array-likes to tensors, the dtype policy), ``_creation``,
``_ufuncs`` (one function per supported ufunc, the ops of ``__array_ufunc__``),
``_reductions``, ``_shapes``, ``_products``, ``_statistics``, ``_signal``, ``_complex``,
``_values`` (functions without derivatives), ``_dtype_queries`` (plain answers), and
``_composites`` (array manipulation and matrix structure), ``linalg``, ``fft``,
``random``.
"""
import numpy as _np

from . import fft, linalg, random  # noqa: F401
from ._core import asarray_like  # noqa: F401
from ._creation import *  # noqa: F401,F403
from ._products import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._shapes import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403
from ._complex import *  # noqa: F401,F403
from ._signal import *  # noqa: F401,F403
from ._statistics import *  # noqa: F401,F403
from ._values import *  # noqa: F401,F403
from ._composites import *  # noqa: F401,F403  (after the basics: its NumPy signatures win)

newaxis = None
pi = _np.pi
e = _np.e
inf = _np.inf
nan = _np.nan
euler_gamma = _np.euler_gamma

# Dtypes, dtype queries and errors are NumPy's own objects: they take no arrays.
from numpy import (bool_, complex64, complex128, dtype, finfo, float16, float32,  # noqa: E402,F401
                   float64, iinfo, int8, int16, int32, int64, integer, floating,
                   complexfloating, number, generic, issubdtype, uint8, uint16, uint32,
                   uint64)

from ._dtype_queries import *  # noqa: E402,F401,F403


def __getattr__(name: str):
    """A NumPy name chainrule.numpy lacks: say so, and where to look instead."""
    if name.startswith("_") or not hasattr(_np, name):
        raise AttributeError(f"module 'chainrule.numpy' has no attribute {name!r}")
    from ..function_dispatch import nearest_names
    raise AttributeError(
        f"chainrule.numpy has no {name!r}: numpy.{name} has no differentiable counterpart "
        f"here; {nearest_names(name)}, or call numpy.{name} on .numpy() values when no "
        "gradient is needed")
