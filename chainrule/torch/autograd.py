"""``torch.autograd``: grad and backward with PyTorch's defaults and messages."""
from __future__ import annotations

import chainrule as cr
from chainrule.backward import backward as _backward
from chainrule.backward import grad as _grad

from ._tensor import check_gradient_shapes, torch_errors

no_grad = cr.no_grad
enable_grad = cr.enable_grad
set_grad_enabled = cr.set_grad_enabled


@torch_errors
def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs``; ``.grad`` is untouched."""
    listed = [inputs] if isinstance(inputs, cr.Tensor) else list(inputs)
    for i, t in enumerate(listed):
        if not t.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors does not require grad (chainrule: input {i}, "
                f"of shape {t.shape!r}, does not require grad, so no gradient can flow to it; "
                "create it with requires_grad=True or call .requires_grad_() on it first)")
    heads = [outputs] if isinstance(outputs, cr.Tensor) else list(outputs)
    if grad_outputs is not None:
        check_gradient_shapes(heads, [grad_outputs] if isinstance(grad_outputs, cr.Tensor)
                              else list(grad_outputs))
    grads = _grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused=True)
    for i, g in enumerate(grads):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior. (chainrule: the "
                f"outputs do not depend on input {i}, of shape {listed[i].shape!r})")
    return grads


@torch_errors
def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (one sweep)."""
    if grad_tensors is not None:
        check_gradient_shapes([tensors] if isinstance(tensors, cr.Tensor) else list(tensors),
                              [grad_tensors] if isinstance(grad_tensors, cr.Tensor)
                              else list(grad_tensors))
    _backward(tensors, grad_tensors, retain_graph, create_graph)
