"""Tensor: a NumPy array plus the autograd state that records what is computed on it.

Arithmetic operators and the NumPy-style methods are bound in ``tensor_methods.py``, where
they forward straight to the primitives in ``ops``; this file holds the state itself.
"""
from __future__ import annotations

import warnings
import weakref

import numpy as np

from . import dtypes
from .errors import GradDtypeError, GradShapeError
from .graph import Node, grad_state

ndarray = np.ndarray
_new = object.__new__


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    Made by :func:`chainrule.tensor` (copies its data) or :func:`chainrule.asarray`
    (wraps NumPy data without a copy). ``requires_grad=True`` marks a leaf whose gradient
    a backward pass stores in ``.grad``.
    """

    # _extra holds the rarely used state (hooks, name, retain_grad, accumulation mode) so
    # that making a tensor, which happens for every operation, stays cheap. _aux is None
    # unless a transform is at work: forward-mode tangents (forward.Tangents) or, for a
    # tensor batched by vmap, its batch (batching.BatchInfo).
    __slots__ = ("_data", "_node", "_requires_grad", "_grad", "_version", "_extra", "_aux",
                 "__weakref__")
    __array_priority__ = 1000
    # The gradient of a real loss with respect to a complex leaf z = x + iy: the core's
    # (and JAX's) ∂L/∂x − i·∂L/∂y, or its conjugate where a dialect says so (PyTorch's
    # .grad). docs/complex.md.
    _conjugate_grads = False
    # NumPy's converters refuse tensors in a graph (see __array__), unless a dialect's
    # framework lets them through (TensorFlow, MXNet).
    _guards_conversion = True

    def __init__(self, data, dtype=None, requires_grad: bool = False, name: str | None = None):
        from .creation import as_ndarray
        array = as_ndarray(data, dtype, copy=True)
        self._data = array
        self._node = None
        self._requires_grad = False
        self._grad = None
        self._version = None
        self._extra = None
        self._aux = None
        if requires_grad:
            self.requires_grad = True
        if name is not None:
            self.name = name

    # ------------------------------------------------------------ array attributes

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def data(self) -> Tensor:
        """The values as a tensor outside the graph, sharing memory and not version-tracked."""
        return wrap(self._data, self.__class__)

    @data.setter
    def data(self, value) -> None:
        array = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._data = array

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array, without a copy.

        A tensor that does not require grad shares writeable memory with the array (as
        in PyTorch: ``np`` code may change it). For one that requires grad (a parameter,
        or a value computed from one) the array is a read-only view: a write would change
        a value that the graph saved or will differentiate, and give wrong gradients
        silently. Use ``np.array(x)`` for a copy, or ``x.detach().numpy()`` to write into
        the tensor's memory deliberately.
        """
        if self._requires_grad:
            view = self._data.view()
            view.flags.writeable = False
            return view
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """NumPy's array protocol (NumPy 2): ``copy=True`` always copies, ``copy=False``
        never does (ValueError when a dtype conversion would need to), ``copy=None``
        copies only to convert. Without a copy the array is what ``numpy()`` returns.

        Refused for a tensor in a graph or a transform: NumPy's converters (np.asarray,
        np.array, a list of tensors given to a NumPy function) would give its values
        without their history, and gradients would be silently wrong."""
        if (self._requires_grad or self._aux is not None) and self._guards_conversion:
            raise self._conversion_error()
        data = self._data
        if copy:
            return np.array(data, dtype=dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != data.dtype:
            if copy is False:
                raise ValueError(
                    f"Unable to avoid copy while creating an array as requested: the tensor "
                    f"has dtype {data.dtype}, and {np.dtype(dtype)} was asked for with "
                    "copy=False; use copy=None (np.asarray) to allow the conversion")
            return data.astype(dtype)
        return self.numpy()

    def _conversion_error(self) -> Exception:
        what = "requires grad" if self._aux is None else "is being transformed (grad, jvp, vmap)"
        return TypeError(
            f"NumPy converted a tensor that {what} to an array (np.asarray, np.array, or a "
            "list of tensors given to a NumPy function), which would drop it from the graph "
            "and make gradients silently wrong. Keep it a tensor: chainrule.numpy.asarray, "
            "chainrule.numpy.stack([...]) for a list (chainrule.numpy.mean([x, y]) rather "
            "than numpy.mean([x, y])); or take its values explicitly with x.detach() or "
            "x.numpy() when no gradient should flow")

    def item(self):
        if self._data.size != 1:
            raise ValueError(
                f"item(): only a tensor with one element can be converted to a Python scalar, "
                f"this one has shape {self.shape}; index it first, e.g. x[0].item()")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def _scalar(self, kind: str):
        if self._data.size != 1:
            raise TypeError(
                f"only tensors with one element can be converted to Python {kind}s, "
                f"this one has shape {self.shape}")
        return self._data.reshape(()).item()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self._data.size} elements (shape "
                f"{self.shape}) is ambiguous; use .any() or .all()")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype}")
        return int(self._scalar("int"))

    __hash__ = object.__hash__  # __eq__ compares elementwise, identity stays the hash

    # ------------------------------------------------------------ autograd state

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag is not True and flag is not False and not isinstance(flag, np.bool_):
            raise TypeError(f"requires_grad must be True or False, got {flag!r} "
                            f"({type(flag).__name__})")
        if self._node is not None:
            if flag:
                return
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; this tensor was "
                f"computed by {self._node.prim.name}. Use y = y.detach() to get a tensor "
                "outside the graph")
        if flag:
            dtypes.check_grad_dtype(self._data.dtype)
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return this tensor."""
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors not computed by a recorded operation (inputs and parameters)."""
        return self._node is None

    @property
    def grad_fn(self) -> Node | None:
        """The node that computed this tensor, or None for leaves."""
        return self._node

    @property
    def grad(self) -> Tensor | None:
        """The gradient stored by backward: leaves, and non-leaves after ``retain_grad()``.

        Reading it on another non-leaf is None and warns (a UserWarning saying to call
        ``retain_grad()``). Each read warns, as in PyTorch; Python's default warning
        filter shows it once per line of code that reads it, and "always" or "error"
        filters see every read."""
        if self._node is not None and not self.retains_grad:
            _warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad must be a Tensor or None, got {type(value).__name__}; "
                    "wrap an array with chainrule.asarray")
            if value._data.dtype != self._data.dtype:
                raise GradDtypeError(
                    f"assigned grad has data of a different type: the gradient has dtype "
                    f"{value.dtype}, the tensor {self.dtype}; a gradient has its tensor's "
                    "dtype, so convert it first: x.grad = g.astype(x.dtype)")
            if value._data.shape != self._data.shape:
                raise GradShapeError(
                    f"assigned grad has data of a different size: the gradient has shape "
                    f"{value.shape}, the tensor {self.shape}; a gradient has its tensor's "
                    "shape")
        self._grad = value

    @property
    def name(self) -> str | None:
        return None if self._extra is None else self._extra.get("name")

    @name.setter
    def name(self, value: str | None) -> None:
        self._extras()["name"] = value

    @property
    def retains_grad(self) -> bool:
        return self._extra is not None and self._extra.get("retain", False)

    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` after backward."""
        if self._node is None:
            return  # leaves keep their gradients anyway
        if self.retains_grad:
            return
        self._extras()["retain"] = True
        ref = weakref.ref(self)

        def store(grad):
            tensor = ref()
            if tensor is not None:
                if tensor._grad is None or grad._node is not None:
                    stored = grad if grad._node is not None else wrap(grad._data.copy())
                    tensor._grad = stored if tensor._grad is None else tensor._grad + stored
                else:
                    tensor._grad = wrap(tensor._grad._data + grad._data)
        store.retain_grad = True
        self._node.register_hook(store)

    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` with this tensor's gradient during backward.

        The hook may return a tensor to use instead of the gradient. Returns a handle
        whose ``remove()`` unregisters the hook.
        """
        if not callable(hook):
            raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that does not require grad; call "
                "x.requires_grad_() first")
        if self._node is None:
            hooks = self._extras().setdefault("hooks", [])
        else:
            if self._node.hooks is None:
                self._node.hooks = []
            hooks = self._node.hooks
        # Retained gradients see what the user's hooks returned, so they stay last.
        position = sum(1 for h in hooks if not getattr(h, "retain_grad", False))
        hooks.insert(position, hook)
        return RemovableHandle(hooks, hook)

    @property
    def grad_accumulation(self) -> str:
        """How backward stores this leaf's gradient: "add" (default), "write" or "null"."""
        return "add" if self._extra is None else self._extra.get("accum", "add")

    @grad_accumulation.setter
    def grad_accumulation(self, mode: str) -> None:
        if mode not in ("add", "write", "null"):
            raise ValueError(
                f'grad_accumulation must be "add", "write" or "null", got {mode!r}')
        self._extras()["accum"] = mode

    def detach(self) -> Tensor:
        """The same values outside the graph (shares memory and the version counter)."""
        out = wrap(self._data, self.__class__)
        out._version = share_version(self, view=False)
        return out

    def detach_(self) -> Tensor:
        """Make this tensor a leaf that does not require grad, in place."""
        self._node = None
        self._requires_grad = False
        return self

    def backward(self, gradient=None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Backpropagate from this tensor, accumulating gradients into the leaves' ``.grad``.

        A non-scalar tensor needs ``gradient``, the vector v in vᵀ·J (or call
        ``y.sum().backward()``). ``retain_graph=True`` keeps the saved values for another
        backward; ``create_graph=True`` records the backward pass, for higher derivatives.
        """
        from .backward import backward
        backward([self], [gradient], retain_graph, create_graph)

    # ------------------------------------------------------------ helpers

    def _extras(self) -> dict:
        if self._extra is None:
            self._extra = {}
        return self._extra

    def __repr__(self) -> str:
        from .printing import tensor_repr
        return tensor_repr(self)

    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad))


def _rebuild(data, requires_grad):
    out = wrap(data)
    out._requires_grad = requires_grad
    return out


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass


def _warn_non_leaf_grad() -> None:
    # Warned on every read; Python's filters decide what is shown (by default once per
    # place in the user's code: stacklevel points there). Not once per tensor: another
    # line making the same mistake deserves its own warning.
    warnings.warn(
        "the .grad of a non-leaf tensor is not populated by backward and is None; call "
        ".retain_grad() on it before backward if you want its gradient, or use "
        "chainrule.autograd.grad(y, x)", UserWarning, stacklevel=3)


def wrap(data: np.ndarray, cls=Tensor) -> Tensor:
    """A tensor around ``data`` (an ndarray, not copied) that is outside any graph."""
    out = _new(cls)
    out._data = data
    out._node = None
    out._requires_grad = False
    out._grad = None
    out._version = None
    out._extra = None
    out._aux = None
    return out


def share_version(base: Tensor, view: bool = True) -> list:
    """The version counter of ``base``, to share with a tensor that aliases its memory.

    ``view=True`` also marks the memory as aliased by graph-connected tensors, so that
    recorded in-place operations on either are refused (their graphs would disagree).
    """
    counter = base._version
    if counter is None:
        counter = base._version = [0, view]
    elif view:
        counter[1] = True
    return counter


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def grad_enabled() -> bool:
    return grad_state.enabled


def as_class(t: Tensor, cls) -> Tensor:
    """Give a tensor just made (by an op or a creation function) the class ``cls``, a
    Tensor subclass with no slots of its own: front ends make their own tensor type."""
    if t.__class__ is not cls:
        t.__class__ = cls
    return t
