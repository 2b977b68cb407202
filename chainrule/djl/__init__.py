"""``from chainrule.djl import NDManager, Engine, Shape``: the Deep Java Library's autograd
API on chainrule, spelled as in Java (``manager.arange(4.0)``, ``x.attachGradient()``,
``x.getGradient()``, ``gc.backward(y)``) and printing as DJL prints.

Policy (the table in DESIGN.md): operations are recorded only while a GradientCollector
is open (``with Engine.getInstance().newGradientCollector() as gc:``), on arrays that
called ``attachGradient()``; gradients go to ``getGradient()``, zeros until the first
backward and overwritten by each; a non-scalar's backward gives the gradient of its sum;
a graph is differentiated once (DJL has no retain_graph and no higher-order gradients).
A Java method such as the book's ``f`` is a Python function here.
"""
from ._engine import Engine, GradientCollector
from ._manager import NDManager
from ._ndarray import NDArray
from ._types import (DataType, Device, EngineException, IllegalArgumentException,
                     IllegalStateException, NDIndex, Shape)

__all__ = ["DataType", "Device", "Engine", "EngineException", "GradientCollector",
           "IllegalArgumentException", "IllegalStateException", "NDArray", "NDIndex",
           "NDManager", "Shape"]
