"""The DJL dialect beyond the Java edition's cells (those run from seed 003, turned into
Python by seeds.JAVA, in test_book.py): the exercises, the collector's policy, printing
and section 2.1's data manipulation, written in Python with ``from chainrule.djl import
...``: Java's method names, its try-with-resources as ``with``, and DJL's printed outputs
(on the CPU: ``cpu()`` where the book ran on ``gpu(0)``). A cell shows the ``toString``
of its last expression, as the Java notebook does."""
from __future__ import annotations

import inspect
import re

import numpy
import pytest
from notebook import run_cell

from chainrule.djl import (DataType, Engine, EngineException, IllegalArgumentException,
                           IllegalStateException, NDIndex, NDManager, Shape)

# The Java imports (ai.djl.ndarray.*, ai.djl.training.GradientCollector, ai.djl.engine.Engine,
# ai.djl.ndarray.types.*) become one line.
IMPORTS = ("from chainrule.djl import DataType, Engine, NDIndex, NDManager, Shape\n"
           "manager = NDManager.newBaseManager()")

NOT_IN_GRAPH = ("MXNet engine call failed: Check failed: !AGInfo::IsNone(*i): Cannot "
                "differentiate node because it is not in a computational graph.")


def book(*cells, namespace=None):
    """Run (code, expected output) pairs in one namespace, as the notebook does."""
    namespace = {} if namespace is None else namespace
    for code, expected in cells:
        assert run_cell(code, namespace) == expected, code
    return namespace


def nd(header: str, *lines: str) -> str:
    return "\n".join(("ND: " + header,) + lines)


# The Java method `public NDArray f(NDArray a)` of the book, as a Python function.
CONTROL_FLOW = """
def f(a):
    b = a.mul(2)
    while b.norm().getFloat() < 1000:
        b = b.mul(2)
    if b.sum().getFloat() > 0:
        c = b
    else:
        c = b.mul(100)
    return c
"""

RANDOM_INPUT = """
a = manager.randomNormal(Shape(1))
a.attachGradient()
with Engine.getInstance().newGradientCollector() as gc:
    d = f(a)
    gc.backward(d)
    print(a.getGradient().eq(d.div(a)))
"""


def scale_of_f(a) -> float:
    """The k of f(a) = k * a, by the book's reasoning, in float64 NumPy."""
    b, k = 2 * numpy.asarray(a, numpy.float64), 2.0
    while numpy.linalg.norm(b) < 1000:
        b, k = 2 * b, 2 * k
    return k if b.sum() > 0 else 100 * k


# ---------------------------------------------------------------- the exercises


def test_exercise_second_derivative_has_no_api_in_djl_the_collector_gives_the_first():
    """Exercise 1. DJL has no API for a second derivative: GradientCollector.backward takes
    the target only (no create_graph, no autograd.grad), and the gradient it writes is a
    plain array outside the graph. The Java edition poses the exercise as a question (why
    the second derivative costs more than the first) with no code; what the collector
    computes is the first derivative: of x**3 it is 3x**2 (12 at x = 2)."""
    ns = book(
        (IMPORTS, ""),
        ("x = manager.create(2.0)\nx.attachGradient()\n"
         "with Engine.getInstance().newGradientCollector() as gc:\n"
         "    y = x.pow(3)\n    gc.backward(y)\nx.getGradient()", nd("() cpu() float32", "12.")),
        ("x = manager.arange(4.0)\nx.attachGradient()\n"
         "with Engine.getInstance().newGradientCollector() as gc:\n"
         "    y = x.pow(3)\n    gc.backward(y)\nx.getGradient()",
         nd("(4) cpu() float32", "[ 0.,  3., 12., 27.]")),
    )
    gc = Engine.getInstance().newGradientCollector()
    with gc:
        assert list(inspect.signature(gc.backward).parameters) == ["target"]
        with pytest.raises(TypeError):
            gc.backward(ns["x"].pow(3), create_graph=True)
    first = ns["x"].getGradient()
    assert not first.requires_grad  # a constant: nothing to differentiate again


def test_exercise_redesigned_control_flow():
    """Exercise 4 of the Java edition: another function with control flow. g doubles a
    until its sum passes 10 and halves it where it is negative: piecewise linear again,
    so its gradient is the scale of each entry, which d / a gives back."""
    ns = book((IMPORTS, ""), ("""
def g(a):
    b = a
    steps = 0
    while b.sum().getFloat() < 10 and steps < 20:
        b = b.mul(2)
        steps += 1
    return b.mul(b.gt(0).toType(DataType.FLOAT32, False).add(1).div(2))
""", ""))
    manager = NDManager.newBaseManager()
    a = manager.create([0.5, -0.25, 1.0])
    a.attachGradient()
    with Engine.getInstance().newGradientCollector() as gc:
        d = ns["g"](a)
        gc.backward(d)
    assert a.getGradient().toFloatArray() == [8.0, 4.0, 8.0]
    assert a.getGradient().eq(d.div(a)).toArray() == [True, True, True]


def test_exercise_backward_twice_raises_the_engines_error():
    """Exercise 2. DJL keeps no graph after a backward and has no retain_graph: the second
    backward fails in the engine (MXNet's message, as the book's engine is MXNet)."""
    manager = NDManager.newBaseManager()
    x = manager.arange(4.0)
    x.attachGradient()
    with Engine.getInstance().newGradientCollector() as gc:
        y = x.dot(x).mul(2)
        gc.backward(y)
        with pytest.raises(EngineException) as info:
            gc.backward(y)
    message = str(info.value)
    assert message.startswith(NOT_IN_GRAPH)
    assert "differentiate the same graph twice" in message and "released" in message
    assert isinstance(info.value, RuntimeError)
    assert repr(x.getGradient()) == nd("(4) cpu() float32", "[ 0.,  4.,  8., 12.]")
    with pytest.raises(TypeError):
        gc.backward(y, retain_graph=True)
    # What works is what the book does: compute y again in a new collector.
    with Engine.getInstance().newGradientCollector() as gc:
        y = x.dot(x).mul(2)
        gc.backward(y)
    assert repr(x.getGradient()) == nd("(4) cpu() float32", "[ 0.,  4.,  8., 12.]")


def test_backward_twice_of_a_graph_that_saved_nothing_raises_too():
    manager = NDManager.newBaseManager()
    x = manager.arange(4.0)
    x.attachGradient()
    with Engine.getInstance().newGradientCollector() as gc:
        y = x.sum()
        gc.backward(y)
        with pytest.raises(EngineException, match=re.escape(NOT_IN_GRAPH)):
            gc.backward(y)


def test_freed_values_of_a_shared_graph_raise_the_engines_error():
    manager = NDManager.newBaseManager()
    x = manager.arange(4.0)
    x.attachGradient()
    with Engine.getInstance().newGradientCollector() as gc:
        y = x.mul(x)
        gc.backward(y.mul(2))
        with pytest.raises(EngineException, match=re.escape(NOT_IN_GRAPH) + ".*a second time"):
            gc.backward(y.mul(3))


@pytest.mark.parametrize("shape, printed", [
    ((4,), nd("(4) cpu() boolean", "[ true,  true,  true,  true]")),
    ((2, 3), nd("(2, 3) cpu() boolean", "[[ true,  true,  true],", " [ true,  true,  true],",
                "]")),
])
def test_exercise_control_flow_with_vector_and_matrix_input(shape, printed):
    """Exercise 3: f(a) is k * a with one k for the whole array (the norm and the sum
    decide it); the backward of the non-scalar d is that of its sum: k everywhere."""
    ns = book((IMPORTS + "\nEngine.getInstance().setRandomSeed(0)", ""), (CONTROL_FLOW, ""))
    ns["shape"] = Shape(shape)
    book((RANDOM_INPUT.replace("Shape(1)", "shape"), printed), namespace=ns)
    a, d = ns["a"], ns["d"]
    k = scale_of_f(a.numpy())
    assert d.getShape() == Shape(shape)
    assert a.getGradient().toFloatArray() == [k] * a.size()
    numpy.testing.assert_allclose(d.numpy(), k * a.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- recording policy


def test_operations_are_recorded_only_inside_a_collector():
    manager = NDManager.newBaseManager()
    x = manager.arange(3.0)
    x.attachGradient()
    outside = x.mul(2)
    with Engine.getInstance().newGradientCollector() as gc:
        assert x.requires_grad
        with pytest.raises(EngineException, match=re.escape(NOT_IN_GRAPH)):
            gc.backward(outside)
        inside = x.mul(x).sum()
    assert not x.requires_grad and inside.requires_grad
    collector = Engine.getInstance().newGradientCollector()  # records from creation
    late = x.mul(3).sum()
    collector.backward(late)
    collector.close()
    assert repr(x.getGradient()) == nd("(3) cpu() float32", "[3., 3., 3.]")
    assert not x.mul(3).requires_grad


def test_gradient_is_overwritten_and_collector_can_zero_it():
    manager = NDManager.newBaseManager()
    x = manager.arange(3.0)
    x.attachGradient()
    for _ in range(2):
        with Engine.getInstance().newGradientCollector() as gc:
            gc.backward(x.mul(5).sum())
    assert repr(x.getGradient()) == nd("(3) cpu() float32", "[5., 5., 5.]")
    with Engine.getInstance().newGradientCollector() as gc:
        gc.zeroGradients()
    assert repr(x.getGradient()) == nd("(3) cpu() float32", "[0., 0., 0.]")


def test_gradient_of_an_array_without_one():
    manager = NDManager.newBaseManager()
    x = manager.arange(3.0)
    assert not x.hasGradient()
    with pytest.raises(IllegalStateException, match="No gradient attached to this NDArray"):
        x.getGradient()
    x.attachGradient()
    assert x.hasGradient() and repr(x).startswith("ND: (3) cpu() float32 hasGradient\n")


def test_in_place_update_of_a_variable_while_recording():
    manager = NDManager.newBaseManager()
    x = manager.arange(3.0)
    x.attachGradient()
    with Engine.getInstance().newGradientCollector():
        with pytest.raises(EngineException, match=r"Inplace operations \(\+=, -=, x\[:\]=, "
                                                  r"etc\) are not supported when recording"):
            x.addi(1)
        with pytest.raises(EngineException, match="Inplace operations"):
            x.set(NDIndex("0"), 5)
    assert x.addi(1) is x and x.toFloatArray() == [1.0, 2.0, 3.0]


# ---------------------------------------------------------------- printing


def test_printing_follows_djl():
    manager = NDManager.newBaseManager()
    assert str(Shape(4)) == "(4)" and repr(Shape(2, 3)) == "(2, 3)" and repr(Shape()) == "()"
    assert repr(manager.create([-1.5, 2.25, 0.0])) == nd("(3) cpu() float32",
                                                         "[-1.5 ,  2.25,  0.  ]")
    assert repr(manager.create([[1, -20], [3, 4]])) == nd(
        "(2, 2) cpu() int32", "[[  1, -20],", " [  3,   4],", "]")
    assert repr(manager.create(7)) == nd("() cpu() int32", "7")
    assert repr(manager.create(True)) == nd("() cpu() boolean", " true")
    assert repr(manager.create([1e-5, 1.0])) == nd("(2) cpu() float32",
                                                   "[ 9.99999975e-06,  1.00000000e+00]")
    assert repr(manager.create([float("nan"), 1.0])) == nd("(2) cpu() float32", "[nan,  1.]")
    assert repr(manager.zeros(Shape(0))) == nd("(0) cpu() float32", "[]")
    assert repr(manager.arange(200.0)) == nd("(200) cpu() float32", "[ Exceed max print size ]")
    assert repr(manager.arange(25)).endswith(", 19, ... 5 more]")
    named = manager.ones(Shape(1))
    named.setName("w")
    assert repr(named) == "w: (1) cpu() float32\n[1.]"
    assert str(DataType.FLOAT64) == "float64" and DataType.INT32.isInteger()


# ---------------------------------------------------------------- section 2.1


def test_data_manipulation():
    ns = book(
        (IMPORTS, ""),
        ("x = manager.arange(12)\nx",
         nd("(12) cpu() int32", "[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11]")),
        ("x.getShape()", "(12)"),
        ("x.size()", "12"),
        ("x = x.reshape(3, 4)\nx",
         nd("(3, 4) cpu() int32", "[[ 0,  1,  2,  3],", " [ 4,  5,  6,  7],",
            " [ 8,  9, 10, 11],", "]")),
        ("manager.zeros(Shape(2, 3, 4))",
         nd("(2, 3, 4) cpu() float32", "[[[0., 0., 0., 0.],", "  [0., 0., 0., 0.],",
            "  [0., 0., 0., 0.],", " ],", " [[0., 0., 0., 0.],", "  [0., 0., 0., 0.],",
            "  [0., 0., 0., 0.],", " ],", "]")),
        ("manager.ones(Shape(2, 3))",
         nd("(2, 3) cpu() float32", "[[1., 1., 1.],", " [1., 1., 1.],", "]")),
        ("manager.create([2.0, 1, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1], Shape(3, 4))",
         nd("(3, 4) cpu() float32", "[[2., 1., 4., 3.],", " [1., 2., 3., 4.],",
            " [4., 3., 2., 1.],", "]")),
        ("x = manager.create([1.0, 2, 4, 8])\ny = manager.create([2.0, 2, 2, 2])\nx.add(y)",
         nd("(4) cpu() float32", "[ 3.,  4.,  6., 10.]")),
        ("x.sub(y)", nd("(4) cpu() float32", "[-1.,  0.,  2.,  6.]")),
        ("x.mul(y)", nd("(4) cpu() float32", "[ 2.,  4.,  8., 16.]")),
        ("x.div(y)", nd("(4) cpu() float32", "[0.5, 1. , 2. , 4. ]")),
        ("x.pow(y)", nd("(4) cpu() float32", "[ 1.,  4., 16., 64.]")),
        ("X = manager.arange(12.0).reshape(3, 4)\n"
         "Y = manager.create([2.0, 1, 4, 3, 1, 2, 3, 4, 4, 3, 2, 1], Shape(3, 4))\n"
         "X.concat(Y) # default axis = 0",
         nd("(6, 4) cpu() float32", "[[ 0.,  1.,  2.,  3.],", " [ 4.,  5.,  6.,  7.],",
            " [ 8.,  9., 10., 11.],", " [ 2.,  1.,  4.,  3.],", " [ 1.,  2.,  3.,  4.],",
            " [ 4.,  3.,  2.,  1.],", "]")),
        ("X.concat(Y, 1)",
         nd("(3, 8) cpu() float32", "[[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],",
            " [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],",
            " [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.],", "]")),
        ("X.eq(Y)",
         nd("(3, 4) cpu() boolean", "[[false,  true, false,  true],",
            " [false, false, false, false],", " [false, false, false, false],", "]")),
        ("X.sum()", nd("() cpu() float32", "66.")),
        ("a = manager.arange(3).reshape(3, 1)\nb = manager.arange(2).reshape(1, 2)\na.add(b)",
         nd("(3, 2) cpu() int32", "[[ 0,  1],", " [ 1,  2],", " [ 2,  3],", "]")),
        ("X.get(-1)", nd("(4) cpu() float32", "[ 8.,  9., 10., 11.]")),
        ("X.get(\"1:3\")",
         nd("(2, 4) cpu() float32", "[[ 4.,  5.,  6.,  7.],", " [ 8.,  9., 10., 11.],", "]")),
        ("X.set(NDIndex(\"1, 2\"), 9)\nX",
         nd("(3, 4) cpu() float32", "[[ 0.,  1.,  2.,  3.],", " [ 4.,  5.,  9.,  7.],",
            " [ 8.,  9., 10., 11.],", "]")),
        ("X.set(NDIndex(\"0:2, :\"), 12)\nX",
         nd("(3, 4) cpu() float32", "[[12., 12., 12., 12.],", " [12., 12., 12., 12.],",
            " [ 8.,  9., 10., 11.],", "]")),
        ("original = manager.zeros(Y.getShape())\nactual = original.addi(X)\n"
         "original is actual  # Java: original == actual", "True"),
        ("A = X.toFloatArray()\nB = manager.create(A, X.getShape())\nB.contentEquals(X)",
         "True"),
        ("a = manager.create([3.5])\nprint(a)\na.getFloat()",
         nd("(1) cpu() float32", "[3.5]") + "\n3.5"),
    )
    A = ns["A"]
    assert isinstance(A, list) and A[:4] == [12.0, 12.0, 12.0, 12.0]


def test_conversion_to_numpy_and_back():
    manager = NDManager.newBaseManager()
    X = manager.arange(6.0).reshape(2, 3)
    A = numpy.asarray(X)
    assert isinstance(A, numpy.ndarray) and A.dtype == numpy.float32 and A.shape == (2, 3)
    B = manager.create(A)
    assert B.getDataType() is DataType.FLOAT32 and B.contentEquals(X)
    D = manager.create(numpy.array([1.5, 2.5]))  # a Java double[]
    assert repr(D) == nd("(2) cpu() float64", "[1.5, 2.5]")
    assert X.toArray() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert manager.arange(3).toIntArray() == [0, 1, 2]


def test_scalars_and_their_errors():
    manager = NDManager.newBaseManager()
    X = manager.arange(6.0).reshape(2, 3)
    assert X.getFloat(1, 2) == 5.0 and manager.create(3.5).getFloat() == 3.5
    with pytest.raises(IllegalArgumentException, match="does not produce a scalar"):
        X.getFloat()
    with pytest.raises(IllegalStateException, match="DataType mismatch, Required float, "
                                                    "Actual int32"):
        manager.arange(3).getFloat(0)
    assert manager.arange(3).getInt(2) == 2


def test_creation_and_types():
    manager = NDManager.newBaseManager()
    assert manager.arange(1, 7, 2).toIntArray() == [1, 3, 5]
    assert manager.arange(0.0, 1.0, 0.25).toFloatArray() == [0.0, 0.25, 0.5, 0.75]
    assert manager.arange(3, DataType.FLOAT64).getDataType() is DataType.FLOAT64
    sample = manager.randomNormal(0.0, 1.0, Shape(3, 4), DataType.FLOAT32)
    assert sample.getShape() == Shape(3, 4) and sample.getDataType() is DataType.FLOAT32
    shown = repr(sample)
    assert shown.startswith("ND: (3, 4) cpu() float32\n[[") and shown.endswith("],\n]")
    uniform = manager.randomUniform(2.0, 3.0, Shape(100))
    assert 2.0 <= min(uniform.toFloatArray()) and max(uniform.toFloatArray()) < 3.0
    assert manager.full(Shape(2), 7).toIntArray() == [7, 7]
    assert manager.create(Shape(2, 2)).getShape() == Shape(2, 2)
    assert manager.zeros(Shape(2), DataType.INT32).toIntArray() == [0, 0]
    assert X_shape_ops(manager) == [(3, 2), (6,), (1, 6), (6,)]
    exp = manager.create([1.0, 2, 4, 8]).exp()
    book_exp = nd("(4) cpu() float32",
                  "[ 2.71828175e+00,  7.38905621e+00,  5.45981483e+01,  2.98095801e+03]")
    assert re.sub(r"\d", "#", repr(exp)) == re.sub(r"\d", "#", book_exp)
    numpy.testing.assert_allclose(exp.toFloatArray(), numpy.exp([1.0, 2, 4, 8]), rtol=3e-7)


def X_shape_ops(manager):
    X = manager.arange(6.0).reshape(Shape(2, 3))
    return [X.transpose().getShape().getShape(), X.flatten().getShape().getShape(),
            X.reshape(1, -1).getShape().getShape(), X.reshape(1, 6).squeeze().shape]
