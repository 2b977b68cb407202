"""Tensors leaving and entering chainrule: DLPack, and Python's copy and pickle protocols.

DLPack. ``from_dlpack(x)`` wraps the memory of any object with ``__dlpack__`` (NumPy
arrays, torch tensors, JAX arrays, chainrule tensors) without a copy, through
``numpy.from_dlpack``; ``Tensor.__dlpack__`` and ``__dlpack_device__`` hand the NumPy
data on, so ``np.from_dlpack(t)``, ``torch.from_dlpack(t)`` and ``jax.numpy.from_dlpack(t)``
share the tensor's memory where the consumer can (JAX copies buffers that are not
64-byte aligned, and converts float64 to float32 unless ``jax_enable_x64`` is set).

Copies. ``copy.copy``, ``copy.deepcopy`` and pickling give a tensor of the same class
with the same values, dtype, ``requires_grad``, ``.grad``, name and the state a front end
keeps in ``_extra``; subclasses that hold more (tf.Variable's trainability) extend
``__getstate__``/``__setstate__``. Never copied: the graph, the version counter, hooks,
retained-gradient marks, forward-mode tangents and vmap batches (copying a tensor inside
jvp or vmap is refused). Pickles run code when loaded: for files from elsewhere use
``chainrule.save``/``load``, which never unpickle.
"""
from __future__ import annotations

import copy as _copy
import importlib
import sys

import numpy as np

from .tensor import Tensor, wrap

# _extra entries that belong to the tensor's place in a computation, not to its value.
_NOT_COPIED = ("hooks", "retain", "onehot")


class DLPackExportError(BufferError, RuntimeError):
    """``__dlpack__`` of a tensor that requires grad: a BufferError, as the DLPack protocol
    (and PyTorch 2.13) raise it, and a RuntimeError, as PyTorch's ``numpy()`` does."""


# ---------------------------------------------------------------- DLPack

_IMPORT_ERRORS = (BufferError, TypeError, ValueError, RuntimeError)


def from_dlpack(x, /, *, device=None, copy=None) -> Tensor:
    """A tensor sharing the memory of ``x``, any object with ``__dlpack__``.

    Zero-copy unless ``copy=True`` (``copy=False`` refuses to copy, ``None`` copies only
    when it must). The result does not require grad: gradients do not flow back into the
    library that owns the memory. Data exported read-only (a read-only NumPy array, a JAX
    array) stays read-only; an in-place operation on the tensor then fails as NumPy fails.
    """
    if not hasattr(x, "__dlpack__"):
        raise TypeError(
            f"from_dlpack: a {type(x).__name__} has no __dlpack__ method; pass a NumPy "
            "array, a torch tensor, a JAX array or another DLPack exporter (chainrule.asarray "
            "takes lists and other array-likes)")
    try:
        array = np.from_dlpack(x, device=device, copy=copy)
    except _IMPORT_ERRORS as exc:
        # The exporter's words (e.g. torch's "use tensor.detach()") say what to do; say
        # whose they are, under the standard type (a library's own subclass, e.g. JAX's,
        # is not one a user of chainrule would catch; ours, first, is kept).
        kind = next(k for k in (DLPackExportError, *_IMPORT_ERRORS) if isinstance(exc, k))
        raise kind(f"from_dlpack: could not import the {type(x).__name__}: {exc}") from exc
    return wrap(array)


def _dlpack(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """The tensor's NumPy data as a DLPack capsule (see ``numpy.ndarray.__dlpack__``).

    Refused for a tensor that requires grad, as PyTorch refuses it: the consumer could
    change the memory behind the graph (gradients silently wrong), and its computations
    would not be recorded. Read-only data is exported read-only to consumers that ask
    for DLPack 1.0 (``max_version=(1, 0)``), and refused with BufferError otherwise;
    the consumer decides what the flag means (NumPy keeps the array read-only, PyTorch
    2.13 ignores it and makes a writable tensor of the memory).
    """
    _outside_transforms(self, "export")
    if self._requires_grad:
        raise DLPackExportError(
            f"__dlpack__: cannot export a tensor that requires grad (shape {self.shape}, "
            f"{self.dtype}): the consumer could change memory the graph depends on, and "
            "its operations would not be recorded; call .detach() first (e.g. "
            "torch.from_dlpack(x.detach())) to share the values outside the graph")
    return self._data.__dlpack__(stream=stream, max_version=max_version,
                                 dl_device=dl_device, copy=copy)


def _outside_transforms(self, what: str) -> None:
    """Refuse a tensor that carries forward-mode tangents or a vmap batch (whose data is
    the whole batch): what leaves the tensor would lose them, or be the wrong values."""
    if self._aux is not None:
        raise RuntimeError(
            f"cannot {what} a tensor inside jvp or vmap (shape {self.shape}): the result "
            "would lose its tangents or its batch; use x.copy(), which the transform sees, "
            "or do it with the results after the transform has returned")


def _dlpack_device(self):
    return self._data.__dlpack_device__()


# ---------------------------------------------------------------- copy and pickle


def _getstate(self) -> dict:
    """What a copy or a pickle keeps. A non-leaf is kept as a detached value: PyTorch's
    deepcopy refuses non-leaves (it would have to copy the graph), but NumPy code copies
    and pickles arrays freely (snapshots, logs, containers of results), and what those
    uses want is the values; a recorded copy is ``x.copy()``. So a non-leaf's copy neither
    requires grad nor has a gradient, and its backward raises rather than reaching the
    original's inputs."""
    _outside_transforms(self, "copy or pickle")
    leaf = self._node is None
    extra = self._extra and {k: v for k, v in self._extra.items() if k not in _NOT_COPIED}
    return {"data": self._data, "requires_grad": self._requires_grad and leaf,
            "grad": self._grad if leaf else None, "extra": extra or None}


def _setstate(self, state: dict) -> None:
    self._data = state["data"]
    self._node = None
    self._requires_grad = state["requires_grad"]
    self._grad = state["grad"]
    self._version = None
    self._extra = state["extra"]
    self._aux = None


def _blank(cls) -> Tensor:
    return wrap(None, cls)


def _copy_tensor(self) -> Tensor:
    """copy.copy: new memory for the values and the gradient (as ``copy.copy`` of an
    ndarray copies it: two tensors sharing a buffer but not a version counter could
    change values each other's graphs saved); other state is shared, not copied."""
    state = self.__getstate__()
    state["data"] = state["data"].copy()
    if state["grad"] is not None:
        state["grad"] = _copy.copy(state["grad"])
    if state["extra"] is not None:
        state["extra"] = dict(state["extra"])
    out = _blank(self.__class__)
    out.__setstate__(state)
    return out


def _deepcopy_tensor(self, memo: dict) -> Tensor:
    """copy.deepcopy: as copy.copy, and the state deep-copied with ``memo``, so a tensor
    met twice in a container is copied once (shared identity is kept)."""
    state = self.__getstate__()
    out = memo[id(self)] = _blank(self.__class__)
    out.__setstate__(_copy.deepcopy(state, memo))
    return out


def _reduce_ex(self, protocol):
    """Pickling: the class by where it is defined (front ends give theirs the names of
    the framework they speak, which pickle cannot import), and the state of a copy."""
    return _rebuild, _class_path(self.__class__), self.__getstate__()


def _rebuild(module: str, name: str) -> Tensor:
    cls = importlib.import_module(module)
    for part in name.split("."):
        cls = getattr(cls, part)
    return _blank(cls)


_paths: dict = {}


def _class_path(cls) -> tuple:
    path = _paths.get(cls)
    if path is None:
        path = _paths[cls] = _find_class(cls)
    return path


def _find_class(cls) -> tuple:
    module = sys.modules.get(cls.__module__)
    found = module
    for part in cls.__qualname__.split("."):
        found = getattr(found, part, None)
    if found is cls:
        return cls.__module__, cls.__qualname__
    for name in sorted(sys.modules):
        if name == "chainrule" or name.startswith("chainrule."):
            for attr, value in list(vars(sys.modules[name]).items()):
                if value is cls:
                    return name, attr
    raise TypeError(
        f"cannot pickle a {cls.__qualname__}: the class is not reachable by its module "
        f"{cls.__module__!r}; define tensor subclasses at the top level of a module")


def bind(T) -> None:
    T.__dlpack__ = _dlpack
    T.__dlpack_device__ = _dlpack_device
    T.__getstate__ = _getstate
    T.__setstate__ = _setstate
    T.__copy__ = _copy_tensor
    T.__deepcopy__ = _deepcopy_tensor
    T.__reduce_ex__ = _reduce_ex
    T.__reduce__ = lambda self: _reduce_ex(self, 2)
