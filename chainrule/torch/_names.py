"""PyTorch's names for the nodes of the graph: ``grad_fn=<MulBackward0>`` and
``type(y.grad_fn).__name__ == "MulBackward0"``, as torch 2.13 names them (each checked
against real torch by tests/dialects/test_torch_names.py).

The core records its own primitives under its own names; PyTorch names a node after the
ATen function that made it, numbered by overload. This dialect owns that naming: a
function that records one core primitive under PyTorch's name for it is named by
``BY_PRIMITIVE``; a function PyTorch names otherwise (a composite in chainrule, such as
mean, or one core primitive that PyTorch splits by arguments, such as matmul) names the
node it made, from ``BY_FUNCTION``, in a weak mapping beside the graph. Nothing is added
to the core's recording path.
"""
from __future__ import annotations

import weakref

from chainrule.graph import Node as _CoreNode

# The torch-level function -> the class name of the grad_fn it records.
BY_FUNCTION = {
    "dot": "DotBackward0",                 # torch.dot, Tensor.dot, matmul of two vectors
    "mv": "MvBackward0",                   # torch.mv, matmul of a matrix and a vector
    "mm": "MmBackward0",                   # torch.mm, matmul of two matrices
    "matmul(vector, matrix)": "SqueezeBackward4",
    "matmul(batched)": "UnsafeViewBackward0",
    "mean": "MeanBackward0",
    "mean(dim)": "MeanBackward1",
    "sum(dim)": "SumBackward1",
    "prod(dim)": "ProdBackward1",
    "norm": "LinalgVectorNormBackward0",   # Tensor.norm, torch.norm: linalg.vector_norm
    "stack": "StackBackward0",
    "max": "MaxBackward1",
    "max(dim)": "MaxBackward0",
    "min": "MinBackward1",
    "min(dim)": "MinBackward0",
    "var": "VarBackward0",
    "std": "StdBackward0",
    "softmax": "SoftmaxBackward0",
    "log_softmax": "LogSoftmaxBackward0",
    "unsqueeze": "UnsqueezeBackward0",     # also x[None]
    "squeeze": "SqueezeBackward0",
    "squeeze(dim)": "SqueezeBackward1",
    "t": "TBackward0",
    "transpose": "TransposeBackward0",
    "repeat": "RepeatBackward0",
    "square": "PowBackward0",              # PyTorch squares by pow(x, 2)
    "pow(tensor, tensor)": "PowBackward1",
    "pow(number, tensor)": "PowBackward2",  # 2 ** x
    "rsub": "RsubBackward1",               # 1 - x
    "rdiv": "MulBackward0",                # 1 / x: PyTorch multiplies by the reciprocal
    "clamp": "ClampBackward1",
    "select": "SelectBackward0",           # x[i], the last index an integer
    "slice": "SliceBackward0",             # x[a:b], the last index a slice
    "index": "IndexBackward0",             # x[tensor], x[mask], x[[0, 1]]
    "alias": "AliasBackward0",             # x[...]
}

# The core primitive -> PyTorch's name for the functions that record just that primitive
# (the operators, and the methods and functions that forward to one primitive).
BY_PRIMITIVE = {
    "add": "AddBackward0", "subtract": "SubBackward0", "multiply": "MulBackward0",
    "divide": "DivBackward0", "negative": "NegBackward0", "power": "PowBackward0",
    "absolute": "AbsBackward0", "clip": "ClampBackward1", "exp": "ExpBackward0",
    "exp2": "Exp2Backward0", "expm1": "Expm1Backward0", "log": "LogBackward0",
    "log2": "Log2Backward0", "log10": "Log10Backward0", "log1p": "Log1pBackward0",
    "sqrt": "SqrtBackward0", "sin": "SinBackward0", "cos": "CosBackward0",
    "tan": "TanBackward0", "sinh": "SinhBackward0", "cosh": "CoshBackward0",
    "tanh": "TanhBackward0", "arcsin": "AsinBackward0", "arccos": "AcosBackward0",
    "arctan": "AtanBackward0", "arctan2": "Atan2Backward0", "sigmoid": "SigmoidBackward0",
    "relu": "ReluBackward0", "maximum": "MaximumBackward0", "minimum": "MinimumBackward0",
    "where": "WhereBackward0", "sum": "SumBackward0", "prod": "ProdBackward0",
    "cumsum": "CumsumBackward0", "cumprod": "CumprodBackward0",
    "logsumexp": "LogsumexpBackward0", "max": "MaxBackward1", "min": "MinBackward1",
    "concatenate": "CatBackward0", "reshape": "ViewBackward0",
    "transpose": "PermuteBackward0", "broadcast_to": "ExpandBackward0",
    "copy": "CloneBackward0", "astype": "ToCopyBackward0", "matmul": "MmBackward0",
    "index_put": "CopySlices", "alias": "AliasBackward0", "flip": "FlipBackward0",
    "roll": "RollBackward0",
}

_named: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # core Node -> torch name


def name(out, function: str, *inputs):
    """Name the node that made ``out`` as PyTorch names what ``function`` records; a
    result that is one of the inputs (nothing new recorded) keeps its name."""
    node = getattr(out, "_node", None)
    if node is not None and all(node is not getattr(i, "_node", None) for i in inputs):
        _named[node] = BY_FUNCTION[function]
    return out


def node_name(node) -> str:
    """PyTorch's name for a core node: the one its function gave it, else PyTorch's name
    for its primitive, else the core's (a custom Function's ``NameBackward``, as in
    PyTorch)."""
    named = _named.get(node)
    if named is not None:
        return named
    return BY_PRIMITIVE.get(node.prim.name, node.prim.backward_name)


# ---------------------------------------------------------------- grad_fn objects


class Node:
    """A grad_fn as PyTorch shows it: an object whose class is named after the backward
    function (``MulBackward0``), over the core's node."""

    __slots__ = ("_node",)

    def __init__(self, node) -> None:
        self._node = node

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """``(grad_fn, 0)`` for each input: its node, ``AccumulateGrad`` for a leaf that
        requires grad, None for an input outside the graph."""
        return tuple((_next(parent), 0) for parent in self._node.parents)

    def register_hook(self, hook):
        return self._node.register_hook(hook)

    @property
    def metadata(self) -> dict:
        return {}

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and other._node is self._node

    def __hash__(self) -> int:
        return hash(self._node)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node that stores a leaf's gradient in ``.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        super().__init__(None)
        self.variable = variable

    @property
    def next_functions(self) -> tuple:
        return ()

    def __eq__(self, other) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)


AccumulateGrad.__module__ = Node.__module__ = "builtins"  # as PyTorch's node classes

_classes: dict = {}


def node_class(torch_name: str) -> type:
    """The class of grad_fn objects named ``torch_name`` (made once, then reused); like
    PyTorch's, it reports the module ``builtins``."""
    cls = _classes.get(torch_name)
    if cls is None:
        cls = _classes[torch_name] = type(torch_name, (Node,), {
            "__slots__": (), "__module__": "builtins", "__qualname__": torch_name})
    return cls


def grad_fn(node):
    """The grad_fn object of a core node (None for None)."""
    if node is None:
        return None
    return node_class(node_name(node))(node)


def _next(parent):
    if parent is None:
        return None
    if isinstance(parent, _CoreNode):
        return grad_fn(parent)
    return AccumulateGrad(parent) if parent._requires_grad else None
