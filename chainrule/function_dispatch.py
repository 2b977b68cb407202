"""``Tensor.__array_function__``: NumPy functions called on tensors run chainrule.numpy's.

``numpy.X(tensor)`` runs ``chainrule.numpy.X``, ``numpy.linalg.X`` runs
``chainrule.numpy.linalg.X`` and ``numpy.fft.X`` runs ``chainrule.numpy.fft.X``, found by
the function's module and name, so existing NumPy code records on tensors. A function
with no counterpart raises TypeError naming it and the nearest names chainrule.numpy has:
silently converting the tensor to an array would cut the graph and give wrong (zero)
gradients without a word.

The dialect classes inherit this and dispatch too, so ``np.sum(torch_tensor)`` is
recorded and keeps the dialect's class. That is more than the frameworks do (PyTorch,
TensorFlow and JAX arrays do not implement the protocol: NumPy converts them, and torch
refuses a tensor that requires grad; MXNet's np.ndarray does dispatch), and it is what
``__array_ufunc__`` already does for them; nothing in the chapter, nor matplotlib's
plotting of tensors, needs the conversion. A class that wants the frameworks' behaviour
says ``_numpy_function_policy = "convert"``: NumPy functions then run NumPy's own
implementation on its values, as for a class without the protocol.
"""
from __future__ import annotations

import difflib
import importlib

import numpy as np

from .tensor import Tensor

# NumPy's public modules and the chainrule.numpy modules holding their counterparts.
_NAMESPACES = {"numpy": "chainrule.numpy", "numpy.linalg": "chainrule.numpy.linalg",
               "numpy.fft": "chainrule.numpy.fft"}

_counterparts: dict = {}


def _namespace(module: str | None):
    name = _NAMESPACES.get(module)
    return importlib.import_module(name) if name is not None else None


def counterpart(func):
    """chainrule's function for the NumPy function ``func``, or None."""
    try:
        return _counterparts[func]
    except (KeyError, TypeError):
        pass
    namespace = _namespace(getattr(func, "__module__", None))
    target = getattr(namespace, func.__name__, None) if namespace is not None else None
    if target is func or not callable(target):
        target = None  # NumPy's own function re-exported would only call us again
    _counterparts[func] = target
    return target


def _public_names(namespace) -> list:
    names = getattr(namespace, "__all__", None) or dir(namespace)
    return [n for n in names if not n.startswith("_")
            and _is_function(getattr(namespace, n, None))]


def _is_function(obj) -> bool:
    return callable(obj) and not isinstance(obj, type)  # dtypes are callable classes


def nearest_names(name: str, module: str = "numpy") -> str:
    """Where to look instead of ``module.name``: the closest names chainrule has."""
    namespace = _namespace(module) or _namespace("numpy")
    home = _NAMESPACES.get(module, "chainrule.numpy")
    close = difflib.get_close_matches(name, _public_names(namespace), n=3, cutoff=0.6)
    return (f"the closest names in {home}: {', '.join(close)}" if close
            else f"{home} has no function close to that name")


def unsupported_message(func) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    return (f"{module}.{func.__name__} is not supported on chainrule tensors (it has no "
            "chainrule counterpart, so its result could not be differentiated); "
            f"{nearest_names(func.__name__, module)}, or convert with .numpy() (or "
            "numpy.asarray) when no gradient is needed")


def array_function(self, func, types, args, kwargs):
    for kind in types:
        if not issubclass(kind, Tensor | np.ndarray):
            return NotImplemented  # another library's array: let it answer
    if getattr(type(self), "_numpy_function_policy", "dispatch") == "convert":
        return func._implementation(*args, **kwargs)
    target = counterpart(func)
    if target is None:
        raise TypeError(unsupported_message(func))
    return target(*args, **kwargs)
