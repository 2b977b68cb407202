"""Operators and NumPy-style methods of Tensor, bound straight to the ops.

Binary operators are the ops themselves (``Tensor.__mul__ is ops.multiply``), so an
operator costs no extra call; reflected forms swap the operands.
"""
from __future__ import annotations

import numpy as np

from . import inplace, interop, ops
from .function_dispatch import array_function
from .tensor import Tensor
from .ufunc_dispatch import array_ufunc


def _reflected(op):
    def method(self, other):
        return op(other, self)
    method.__name__ = f"__r{op.__name__}__"
    return method


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"{name}: out= is not supported for tensors; assign the result")


def _reduction(op, name):
    def method(self, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        _no_out(name, out)
        result = op(self, axis, keepdims=keepdims, **kwargs)
        return result if dtype is None else result.astype(dtype)
    method.__name__ = name
    method.__doc__ = op.__doc__
    return method


def _bind() -> None:
    T = Tensor
    # arithmetic
    T.__add__, T.__radd__ = ops.add, _reflected(ops.add)
    T.__sub__, T.__rsub__ = ops.subtract, _reflected(ops.subtract)
    T.__mul__, T.__rmul__ = ops.multiply, _reflected(ops.multiply)
    T.__truediv__, T.__rtruediv__ = ops.divide, _reflected(ops.divide)
    T.__floordiv__, T.__rfloordiv__ = ops.floor_divide, _reflected(ops.floor_divide)
    T.__mod__, T.__rmod__ = ops.remainder, _reflected(ops.remainder)
    T.__pow__, T.__rpow__ = ops.power, _reflected(ops.power)
    T.__matmul__, T.__rmatmul__ = ops.matmul, _reflected(ops.matmul)
    T.__neg__ = ops.negative
    T.__pos__ = lambda self: self
    T.__abs__ = ops.absolute
    T.__invert__ = ops.logical_not
    T.__and__, T.__rand__ = ops.logical_and, _reflected(ops.logical_and)
    T.__or__, T.__ror__ = ops.logical_or, _reflected(ops.logical_or)
    T.__xor__, T.__rxor__ = ops.logical_xor, _reflected(ops.logical_xor)
    # comparisons (not differentiable)
    T.__eq__, T.__ne__ = ops.equal, ops.not_equal
    T.__lt__, T.__le__ = ops.less, ops.less_equal
    T.__gt__, T.__ge__ = ops.greater, ops.greater_equal
    # indexing
    T.__getitem__ = ops.getitem
    T.__setitem__ = inplace.setitem
    # in-place
    for name, op, ufunc in (("add", ops.add, np.add), ("sub", ops.subtract, np.subtract),
                            ("mul", ops.multiply, np.multiply),
                            ("div", ops.divide, np.true_divide),
                            ("pow", ops.power, np.power)):
        setattr(T, f"{name}_", _inplace_method(op, ufunc, f"{name}_"))
    T.__iadd__, T.__isub__ = T.add_, T.sub_
    T.__imul__, T.__itruediv__, T.__ipow__ = T.mul_, T.div_, T.pow_
    T.zero_, T.fill_, T.copy_ = inplace.zero_, inplace.fill_, inplace.copy_
    # reductions
    for name in ("sum", "mean", "prod", "max", "min", "all", "any"):
        setattr(T, name, _reduction(getattr(ops, name), name))
    T.var = lambda self, axis=None, dtype=None, out=None, ddof=0, keepdims=False: \
        _cast(ops.var(self, axis, ddof=ddof, keepdims=keepdims), dtype, out, "var")
    T.std = lambda self, axis=None, dtype=None, out=None, ddof=0, keepdims=False: \
        _cast(ops.std(self, axis, ddof=ddof, keepdims=keepdims), dtype, out, "std")
    T.argmax = lambda self, axis=None, out=None, keepdims=False: \
        ops.argmax(self, axis, out, keepdims=keepdims)
    T.argmin = lambda self, axis=None, out=None, keepdims=False: \
        ops.argmin(self, axis, out, keepdims=keepdims)
    T.cumsum = lambda self, axis=None, dtype=None, out=None: \
        _cast(ops.cumsum(self, axis), dtype, out, "cumsum")
    T.cumprod = lambda self, axis=None, dtype=None, out=None: \
        _cast(ops.cumprod(self, axis), dtype, out, "cumprod")
    # shape
    T.reshape = ops.reshape
    T.ravel = ops.ravel
    T.flatten = ops.flatten
    T.transpose = lambda self, *axes: ops.transpose(
        self, axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else (axes or None))
    T.T = property(ops.transpose, doc="The tensor with its axes reversed.")
    T.mT = property(lambda self: ops.swapaxes(self, -1, -2),
                    doc="The last two axes swapped (transpose of each matrix in a stack).")
    T.swapaxes = ops.swapaxes
    T.squeeze = ops.squeeze
    T.repeat = ops.repeat
    T.astype = ops.astype
    T.copy = ops.copy
    T.clip = lambda self, min=None, max=None: ops.clip(self, min, max)
    T.round = ops.round
    T.dot = ops.dot
    T.real = property(ops.real, doc="The real part (a new tensor; x itself for real x).")
    T.imag = property(ops.imag, doc="The imaginary part (zeros for real x).")
    T.conj = T.conjugate = ops.conj
    T.take = ops.take
    T.__array_ufunc__ = array_ufunc        # NumPy's ufuncs on tensors: chainrule's ops
    T.__array_function__ = array_function  # NumPy's functions: chainrule.numpy's
    T.graph = _graph
    T._repr_html_ = _repr_html
    interop.bind(T)  # DLPack, copy and pickle


def _graph(self, gradients: bool = True):
    """The recorded dependency graph of this tensor (see chainrule.viz.graph)."""
    from .viz import graph
    return graph(self, gradients)


def _repr_html(self) -> str:
    """Jupyter's view: the values, then shape, dtype and where the tensor came from."""
    import html
    facts = [("shape", str(tuple(self.shape))), ("dtype", str(self.dtype))]
    if self._node is not None:
        facts.append(("grad_fn", self._node.prim.backward_name))
    elif self._requires_grad:
        facts.append(("requires_grad", "True (a leaf)"))
    if self._grad is not None:
        facts.append(("grad", "shape " + str(tuple(self._grad.shape))))
    cells = "".join(f"<td><b>{k}</b> {html.escape(v)}</td>" for k, v in facts)
    return (f"<pre>{html.escape(repr(self))}</pre>"
            f"<table><tr>{cells}</tr></table>")


def _cast(result, dtype, out, name):
    _no_out(name, out)
    return result if dtype is None else result.astype(dtype)


def _inplace_method(op, ufunc, name):
    def method(self, other):
        return inplace.apply_inplace(self, op, ufunc, other, name)
    method.__name__ = name
    return method


_bind()
