"""``torch.autograd``: grad and backward with PyTorch's defaults and messages."""
from __future__ import annotations

import chainrule as cr
from chainrule.backward import backward as _backward
from chainrule.backward import grad as _grad

from ._tensor import torch_errors

no_grad = cr.no_grad
enable_grad = cr.enable_grad
set_grad_enabled = cr.set_grad_enabled


@torch_errors
def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs``; ``.grad`` is untouched."""
    listed = [inputs] if isinstance(inputs, cr.Tensor) else list(inputs)
    if any(not t.requires_grad for t in listed):
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return _grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)


@torch_errors
def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (one sweep)."""
    _backward(tensors, grad_tensors, retain_graph, create_graph)
