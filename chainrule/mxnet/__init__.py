"""``from chainrule.mxnet import autograd, np, npx``: MXNet's autograd API on chainrule.

Policy (the table in DESIGN.md): operations are recorded only inside
``autograd.record()``, on arrays that called ``attach_grad()``; gradients go to the
arrays' ``.grad``, zeros until the first backward, overwritten by each backward
(``grad_req='add'`` accumulates); a non-scalar's backward gives the gradient of its sum;
a second backward through one graph needs ``retain_graph=True`` on the first. Arrays
default to float32 and print as MXNet prints them: ``array([0., 1., 2., 3.])``.
"""
from . import autograd
from . import numpy as np
from . import numpy_extension as npx
from ._ndarray import Context, ndarray
from .base import MXNetError

cpu = npx.cpu

__all__ = ["Context", "MXNetError", "autograd", "cpu", "ndarray", "np", "npx"]
