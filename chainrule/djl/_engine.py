"""Engine and GradientCollector: DJL's autograd policy on chainrule.

Operations are recorded only while a GradientCollector is open, on arrays that called
``attachGradient()`` (and what is computed from them): the arrays with a gradient are a
``chainrule.graph.Variables`` registry, and a collector is a ``recording`` of it. ``gc.backward(y)`` gives
the gradient of the sum of ``y`` and overwrites each array's gradient. DJL keeps no graph
for a second backward (the book's engine is MXNet, whose error DJL reports).
"""
from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.backward import backward as _backward
from chainrule import errors
from chainrule.graph import Variables, recording

from ._types import EngineException

_MXNET = "MXNet engine call failed: Check failed: "
NOT_IN_GRAPH = (
    _MXNET + "!AGInfo::IsNone(*i): Cannot differentiate node because it is not in a "
    "computational graph. You need to set is_recording to true or use autograd.record() to "
    "save computational graphs for backward. If you want to differentiate the same graph "
    "twice, you need to pass retain_graph=True to backward.")
IN_PLACE = (_MXNET + "AGInfo::IsNone(*output): NotImplementedError: Inplace operations "
            "(+=, -=, x[:]=, etc) are not supported when recording with autograd.")
_FIRST_SENTENCE = [(errors.GraphFreedError, NOT_IN_GRAPH), (errors.NoGradientError, NOT_IN_GRAPH),
                   (errors.InPlaceError, IN_PLACE)]


engine_errors = errors.speaking(_FIRST_SENTENCE, EngineException)


_attached = Variables()  # the live arrays with an attached gradient


def mark_variable(array) -> None:
    _attached.register(array)


def is_variable(array) -> bool:
    return array in _attached


class GradientCollector:
    """ai.djl.training.GradientCollector: records from creation until ``close()``; use it
    as ``with Engine.getInstance().newGradientCollector() as gc:``."""

    def __init__(self) -> None:
        self._mode = cr.enable_grad()
        self._mode.__enter__()
        self._scope = recording(variables=_attached)
        self._scope.__enter__()
        self._open = True

    def __enter__(self) -> GradientCollector:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @engine_errors
    def backward(self, target) -> None:
        """Overwrite each array's gradient with that of ``target`` (of its sum if it is not
        a scalar). The graph is released: it cannot be differentiated again."""
        # DJL never retains a graph: the backward uses all of it up.
        _backward([target], [np.ones(target.shape, target.dtype)], release="all")

    def zeroGradients(self) -> None:
        for array in _attached.members():
            if array._grad is not None:
                array._grad.zero_()

    def close(self) -> None:
        if self._open:
            self._open = False
            self._scope.__exit__(None, None, None)
            self._mode.__exit__(None, None, None)


class Engine:
    """ai.djl.engine.Engine: ``Engine.getInstance()``."""

    _instance = None

    @staticmethod
    def getInstance() -> Engine:
        if Engine._instance is None:
            Engine._instance = Engine()
        return Engine._instance

    def getEngineName(self) -> str:
        return "chainrule"

    def newGradientCollector(self) -> GradientCollector:
        return GradientCollector()

    def setRandomSeed(self, seed: int) -> None:
        cr.random.seed(seed)
