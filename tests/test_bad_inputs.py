"""Bad inputs walked through the public API: wrong types, wrong shapes, wrong dtypes, None,
strings, nested ragged lists, NaN seeds, non-tensor gradients, mismatched ``gradient=``.

Each case expects a TypeError, ValueError or RuntimeError (or a subclass: NumPy's
AxisError, which is a ValueError and an IndexError, LinAlgError, which is a ValueError,
NotImplementedError, which is a RuntimeError), or the standard type of a failed lookup
(IndexError for an index, as Python and NumPy raise, KeyError for a name) or of a missing
file (OSError), whose message names the function or the argument, so that it says where
the mistake is: never a bare NumPy message. Inputs that chainrule
accepts on purpose (NumPy does too) are in ACCEPTED, each checked against the right
result, so that nothing is silently wrong. docs/errors.md is the catalogue of these
messages, with their causes and fixes.
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule import formula
from chainrule.viz import render

STANDARD = (TypeError, ValueError, RuntimeError)
LOOKUP = (IndexError, KeyError, OSError)


class Junk:
    """An object that is not data of any kind."""

    def __repr__(self) -> str:
        return "Junk()"


NAN = float("nan")
RAGGED = [[1.0, 2.0], [3.0]]
DEEP_RAGGED = [[[1.0, 2.0], [3.0, 4.0]], [[1.0], [2.0, 3.0]]]


def m23(**kwargs):
    return cr.ones((2, 3), **kwargs)


def leaf(shape=(2, 3)):
    return cr.ones(shape, requires_grad=True)


@dataclass
class Case:
    api: str          # the public function (or method, or operator) under test
    bad: str          # what is wrong with the input
    call: object      # () -> never returns
    error: type | tuple
    names: str        # a regex the message must contain: the function or the argument

    @property
    def id(self) -> str:
        return f"{self.api}[{self.bad}]"


def case(api, bad, call, error, names):
    return Case(api, bad, call, error, names)


# ---------------------------------------------------------------- helpers for cases


def _backward(gradient, shape=(2, 3)):
    y = leaf(shape) * 2.0
    y.backward(gradient=gradient)


def _grad_outputs(grad_outputs):
    x = leaf()
    cr.autograd.grad(x * 2.0, x, grad_outputs=grad_outputs)


def _second_backward():
    y = (leaf() * leaf()).sum()
    y.backward()
    y.backward()


def _saved_then_modified():
    x = leaf()
    y = cr.exp(x)
    y.add_(1.0)           # exp saved its output for the backward
    y.sum().backward()


def _view_modified():
    y = leaf() * 1.0
    y[0].add_(1.0)
    y.sum().backward()


def _hook(returns):
    x = leaf()
    x.register_hook(lambda g: returns)
    (x * 2.0).sum().backward()


def _custom_vjp(fwd, bwd, arg=None):
    f = cr.custom_vjp(lambda a: cr.sin(a))
    f.defvjp(fwd, bwd)
    x = leaf((3,)) if arg is None else arg
    f(x).sum().backward()


def _custom_jvp(rule):
    f = cr.custom_jvp(lambda a: cr.sin(a))
    f.defjvp(rule)
    cr.jvp(f, (cr.ones(3),), (cr.ones(3),))


def _function(backward):
    class Op(cr.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2.0

    if backward is not None:
        Op.backward = staticmethod(backward)
    Op.apply(leaf((3,))).sum().backward()


def _residual_fwd(a):
    return cr.sin(a), a


def _setitem(index, value, x=None):
    x = m23() if x is None else x
    x[index] = value


SIN = lambda a: cr.sin(a)           # noqa: E731
SUM_SIN = lambda a: cr.sin(a).sum()  # noqa: E731


# ---------------------------------------------------------------- the cases

CASES = [
    # ------------------------------------------------------------ creation and dtypes
    case("tensor", "None", lambda: cr.tensor(None), TypeError, r"tensor from None"),
    case("tensor", "string", lambda: cr.tensor("1.5"), TypeError, r"from a string"),
    case("tensor", "bytes", lambda: cr.tensor(b"1"), TypeError, r"from a string"),
    case("tensor", "ragged list", lambda: cr.tensor(RAGGED), ValueError, r"rectangular"),
    case("tensor", "deep ragged list", lambda: cr.tensor(DEEP_RAGGED), ValueError,
         r"rectangular"),
    case("tensor", "list with a string", lambda: cr.tensor([1.0, "a"]), TypeError,
         r"dtype <U"),
    case("tensor", "list with None", lambda: cr.tensor([1.0, None]), TypeError, r"None"),
    case("tensor", "object", lambda: cr.tensor(Junk()), TypeError, r"from Junk data"),
    case("tensor", "dict", lambda: cr.tensor({"a": 1}), TypeError, r"from dict data"),
    case("tensor", "set", lambda: cr.tensor({1, 2}), TypeError, r"from set data"),
    case("tensor", "int beyond int64", lambda: cr.tensor(10 ** 30), TypeError,
         r"does not fit in int64"),
    case("tensor", "string array", lambda: cr.tensor(np.array(["a"])), TypeError,
         r"NumPy array of dtype <U1"),
    case("tensor", "object array", lambda: cr.tensor(np.array([1, None], dtype=object)),
         TypeError, r"NumPy array of dtype object"),
    case("tensor", "dtype='junk'", lambda: cr.tensor(1.0, dtype="junk"), TypeError,
         r"'junk' is not a dtype"),
    case("tensor", "dtype=5", lambda: cr.tensor(1.0, dtype=5), TypeError, r"not a dtype"),
    case("tensor", "dtype=object", lambda: cr.tensor(1.0, dtype=object), TypeError,
         r"not a numeric dtype"),
    case("tensor", "dtype=str", lambda: cr.tensor(1.0, dtype=str), TypeError,
         r"not a numeric dtype"),
    case("tensor", "requires_grad on an int", lambda: cr.tensor(1, requires_grad=True),
         TypeError, r"only floating point and complex tensors can require gradients.*int64"),
    case("tensor", "requires_grad='yes'", lambda: cr.tensor(1.0, requires_grad="yes"),
         TypeError, r"requires_grad must be True or False"),
    case("tensor", "requires_grad=None", lambda: cr.tensor(1.0, requires_grad=None),
         TypeError, r"requires_grad must be True or False"),
    case("tensor", "int dtype, requires_grad",
         lambda: cr.tensor(1.0, dtype="int32", requires_grad=True), TypeError, r"int32"),
    case("asarray", "None", lambda: cr.asarray(None), TypeError, r"tensor from None"),
    case("asarray", "string", lambda: cr.asarray("1.0"), TypeError, r"from a string"),
    case("asarray", "ragged list", lambda: cr.asarray([[1], [2, 3]]), ValueError,
         r"rectangular"),
    case("asarray", "object array", lambda: cr.asarray(np.array([Junk()])), TypeError,
         r"dtype object"),
    case("asarray", "tensor, dtype='junk'", lambda: cr.asarray(m23(), dtype="junk"),
         TypeError, r"'junk' is not a dtype"),
    case("asarray", "int tensor, requires_grad",
         lambda: cr.asarray(cr.arange(3), requires_grad=True), TypeError, r"floating point"),
    case("zeros", "None", lambda: cr.zeros(None), TypeError, r"zeros: shape"),
    case("zeros", "string", lambda: cr.zeros("a"), TypeError, r"zeros: shape.*string"),
    case("zeros", "-1", lambda: cr.zeros(-1), ValueError, r"zeros: shape .*negative"),
    case("zeros", "(2, -1)", lambda: cr.zeros((2, -1)), ValueError, r"zeros: shape"),
    case("zeros", "2.5", lambda: cr.zeros(2.5), TypeError, r"zeros: shape"),
    case("zeros", "(2.5,)", lambda: cr.zeros((2.5,)), TypeError, r"zeros: shape"),
    case("zeros", "nested shape", lambda: cr.zeros([[2]]), TypeError, r"zeros: shape"),
    case("zeros", "dtype='junk'", lambda: cr.zeros(2, dtype="junk"), TypeError,
         r"not a dtype"),
    case("zeros", "int dtype, requires_grad",
         lambda: cr.zeros(2, dtype="int64", requires_grad=True), TypeError,
         r"floating point"),
    case("ones", "object", lambda: cr.ones(Junk()), TypeError, r"ones: shape"),
    case("ones", "NaN", lambda: cr.ones(NAN), TypeError, r"ones: shape"),
    case("empty", "-3", lambda: cr.empty(-3), ValueError, r"empty: shape"),
    case("full", "string fill", lambda: cr.full(2, "a"), TypeError, r"full: fill_value"),
    case("full", "None fill", lambda: cr.full(2, None), TypeError, r"full: fill_value"),
    case("full", "fill of another shape", lambda: cr.full(2, [1.0, 2.0, 3.0]), ValueError,
         r"full: cannot fill shape \(2,\)"),
    case("full", "-1", lambda: cr.full(-1, 1.0), ValueError, r"full: shape"),
    case("full", "int fill, requires_grad", lambda: cr.full(2, 1, requires_grad=True),
         TypeError, r"floating point"),
    case("eye", "string", lambda: cr.eye("a"), TypeError, r"eye: N"),
    case("eye", "None", lambda: cr.eye(None), TypeError, r"eye: N"),
    case("eye", "-1", lambda: cr.eye(-1), ValueError, r"eye: N"),
    case("eye", "2.5", lambda: cr.eye(2.5), TypeError, r"eye: N"),
    case("eye", "M string", lambda: cr.eye(2, "b"), TypeError, r"eye: M"),
    case("eye", "k string", lambda: cr.eye(2, k="c"), TypeError, r"eye: k"),
    case("eye", "dtype='junk'", lambda: cr.eye(2, dtype="junk"), TypeError, r"not a dtype"),
    case("arange", "string", lambda: cr.arange("a"), TypeError, r"arange: start"),
    case("arange", "None", lambda: cr.arange(None), TypeError, r"arange: start"),
    case("arange", "step 0", lambda: cr.arange(0, 10, 0), ValueError, r"arange: step"),
    case("arange", "NaN stop", lambda: cr.arange(NAN), ValueError, r"arange: .*finite"),
    case("arange", "inf stop", lambda: cr.arange(math.inf), ValueError, r"arange: .*finite"),
    case("arange", "tensor of two", lambda: cr.arange(cr.ones(2)), TypeError,
         r"arange: start"),
    case("arange", "int, requires_grad", lambda: cr.arange(4, requires_grad=True),
         TypeError, r"floating point"),
    case("linspace", "string start", lambda: cr.linspace("a", 1), TypeError,
         r"linspace: start"),
    case("linspace", "None start", lambda: cr.linspace(None, 1), TypeError,
         r"linspace: start"),
    case("linspace", "num -1", lambda: cr.linspace(0, 1, -1), ValueError, r"linspace: num"),
    case("linspace", "num 2.5", lambda: cr.linspace(0, 1, 2.5), TypeError, r"linspace: num"),
    case("linspace", "num string", lambda: cr.linspace(0, 1, "a"), TypeError,
         r"linspace: num"),
    case("linspace", "endpoint string", lambda: cr.linspace(0, 1, 3, endpoint="no"),
         TypeError, r"linspace: endpoint"),
    case("zeros_like", "None", lambda: cr.zeros_like(None), TypeError, r"tensor from None"),
    case("ones_like", "ragged list", lambda: cr.ones_like(RAGGED), ValueError,
         r"rectangular"),
    case("full_like", "string fill", lambda: cr.full_like(m23(), "a"), TypeError,
         r"full_like: fill_value"),
    case("full_like", "None fill", lambda: cr.full_like(m23(), None), TypeError,
         r"full_like: fill_value"),
    case("empty_like", "object", lambda: cr.empty_like(Junk()), TypeError, r"Junk"),
    case("set_default_dtype", "int32", lambda: cr.set_default_dtype("int32"), TypeError,
         r"set_default_dtype: .*float"),
    case("set_default_dtype", "'junk'", lambda: cr.set_default_dtype("junk"), TypeError,
         r"set_default_dtype: 'junk' is not a dtype"),
    case("set_default_dtype", "None", lambda: cr.set_default_dtype(None), TypeError,
         r"set_default_dtype: None"),
    case("random.seed", "NaN", lambda: cr.random.seed(NAN), ValueError,
         r"seed must be a finite integer"),
    case("random.seed", "inf", lambda: cr.random.seed(math.inf), ValueError,
         r"seed must be a finite"),
    case("random.seed", "-inf", lambda: cr.random.seed(-math.inf), ValueError,
         r"seed must be a finite"),
    case("random.seed", "NumPy NaN", lambda: cr.random.seed(np.float64("nan")), ValueError,
         r"seed must be a finite"),
    case("random.seed", "-1", lambda: cr.random.seed(-1), TypeError,
         r"seed must be a non-negative"),
    case("random.seed", "2.5", lambda: cr.random.seed(2.5), TypeError, r"seed must be"),
    case("random.seed", "string", lambda: cr.random.seed("a"), TypeError, r"seed must be"),
    case("random.seed", "None", lambda: cr.random.seed(None), TypeError, r"seed must be"),
    case("random.seed", "list", lambda: cr.random.seed([1, 2]), TypeError, r"seed must be"),
    case("random.normal", "size string", lambda: cr.random.normal(size="a"), TypeError,
         r"normal: shape"),
    case("random.normal", "size -1", lambda: cr.random.normal(size=-1), ValueError,
         r"normal: shape"),
    case("random.normal", "size 2.5", lambda: cr.random.normal(size=2.5), TypeError,
         r"normal: shape"),
    case("random.normal", "scale -1", lambda: cr.random.normal(scale=-1.0), ValueError,
         r"normal: scale"),
    case("random.normal", "loc string", lambda: cr.random.normal(loc="a"), TypeError,
         r"normal: loc"),
    case("random.normal", "loc None", lambda: cr.random.normal(loc=None), TypeError,
         r"normal: loc"),
    case("random.normal", "int dtype", lambda: cr.random.normal(size=2, dtype="int64"),
         TypeError, r"normal: dtype must be a float dtype"),
    case("random.normal", "dtype='junk'", lambda: cr.random.normal(dtype="junk"), TypeError,
         r"normal: 'junk' is not a dtype"),
    case("random.uniform", "low > high", lambda: cr.random.uniform(2.0, 1.0, size=3),
         ValueError, r"uniform: "),
    case("random.uniform", "infinite low", lambda: cr.random.uniform(-math.inf, 1.0),
         ValueError, r"uniform: "),
    case("random.uniform", "size object", lambda: cr.random.uniform(size=Junk()), TypeError,
         r"uniform: shape"),
    case("random.uniform", "int dtype", lambda: cr.random.uniform(dtype="int32"), TypeError,
         r"uniform: dtype"),
    case("random.randint", "low >= high", lambda: cr.random.randint(5, 1), ValueError,
         r"randint: low >= high"),
    case("random.randint", "string", lambda: cr.random.randint("a"), TypeError,
         r"randint: low"),
    case("random.randint", "2.5", lambda: cr.random.randint(2.5), TypeError,
         r"randint: low and high must be integers"),
    case("random.randint", "None", lambda: cr.random.randint(None), TypeError,
         r"randint: low"),
    case("random.randint", "dtype='junk'", lambda: cr.random.randint(5, dtype="junk"),
         TypeError, r"randint: 'junk' is not a dtype"),
    case("random.permutation", "string", lambda: cr.random.permutation("abc"), TypeError,
         r"permutation: x"),
    case("random.permutation", "None", lambda: cr.random.permutation(None), TypeError,
         r"permutation: x"),
    case("random.permutation", "2.5", lambda: cr.random.permutation(2.5), TypeError,
         r"permutation: x"),
    case("random.permutation", "axis 5", lambda: cr.random.permutation(m23(), axis=5),
         np.exceptions.AxisError, r"permutation: axis 5"),
    # ------------------------------------------------------------ elementwise operations
    case("sin", "string array", lambda: cr.sin(np.array(["a"])), TypeError, r"dtype <U1"),
    case("exp", "object", lambda: cr.exp(Junk()), TypeError, r"Junk"),
    case("add", "shapes (2, 3) and (2,)", lambda: m23() + cr.ones(2), ValueError,
         r"add: .*\(2, 3\) float32, \(2,\) float32"),
    case("add", "list of another shape", lambda: m23() + [1.0, 2.0], ValueError, r"add: "),
    case("add", "string", lambda: cr.add(m23(), "a"), TypeError, r"add: "),
    case("add", "None", lambda: m23() + None, TypeError, r"operand of type NoneType"),
    case("add", "object", lambda: m23() + Junk(), TypeError, r"operand of type Junk"),
    case("add", "ragged list", lambda: m23() + RAGGED, TypeError, r"operand of type list"),
    case("add", "both None", lambda: cr.add(None, None), TypeError, r"tensor from None"),
    case("multiply", "string on the left", lambda: "a" * m23(), TypeError, r"multiply: "),
    case("multiply", "dict", lambda: m23() * {}, TypeError, r"operand of type dict"),
    case("subtract", "shapes (2, 3) and (4,)", lambda: cr.subtract(m23(), cr.ones(4)),
         ValueError, r"subtract: "),
    case("divide", "shapes (2, 3) and (3, 2)", lambda: m23() / cr.ones((3, 2)), ValueError,
         r"divide: "),
    case("power", "string exponent", lambda: cr.power(m23(), "a"), TypeError, r"power: "),
    case("power", "None exponent", lambda: m23() ** None, TypeError, r"operand"),
    case("maximum", "shapes (2, 3) and (4,)", lambda: cr.maximum(m23(), cr.ones(4)),
         ValueError, r"maximum: "),
    case("minimum", "string", lambda: cr.minimum(m23(), "a"), TypeError, r"minimum: "),
    case("arctan2", "shapes (2, 3) and (2,)", lambda: cr.arctan2(m23(), cr.ones(2)),
         ValueError, r"arctan2: "),
    case("remainder", "string", lambda: cr.remainder(m23(), "a"), TypeError,
         r"remainder: "),
    case("equal", "string", lambda: cr.equal(m23(), "a"), TypeError, r"equal: "),
    case("less", "string", lambda: m23() < "a", TypeError, r"less: "),
    case("where", "None condition", lambda: cr.where(None, m23(), m23() * 2), TypeError,
         r"where: .*None"),
    case("where", "string condition", lambda: cr.where("a", m23(), m23() * 2), TypeError,
         r"where: .*string"),
    case("where", "shapes that do not broadcast",
         lambda: cr.where(m23() > 0, m23(), cr.ones(2)), ValueError, r"where: "),
    case("clip", "no bounds", lambda: cr.clip(m23()), ValueError, r"clip: give a_min"),
    case("clip", "string bound", lambda: cr.clip(m23(), "a", 1.0), TypeError, r"clip: "),
    case("clip", "bound of another shape", lambda: cr.clip(m23(), cr.ones(2), 1.0),
         ValueError, r"clip: "),
    case("round", "string decimals", lambda: cr.round(m23(), "a"), TypeError, r"round"),
    case("allclose", "string", lambda: cr.allclose(m23(), "a"), TypeError, r"string"),
    case("allclose", "shapes (2, 3) and (2,)", lambda: cr.allclose(m23(), cr.ones(2)),
         ValueError, r"allclose: .*\(2, 3\) float32 and \(2,\) float32"),
    # ------------------------------------------------------------ reductions
    case("sum", "axis 5", lambda: cr.sum(m23(), axis=5), np.exceptions.AxisError,
         r"sum: axis 5 is out of bounds for a tensor of shape \(2, 3\)"),
    case("sum", "axis string", lambda: cr.sum(m23(), axis="a"), TypeError,
         r"sum: axis must be an int"),
    case("sum", "axis 1.5", lambda: cr.sum(m23(), axis=1.5), TypeError, r"sum: axis"),
    case("sum", "repeated axis", lambda: cr.sum(m23(), axis=(0, 0)), ValueError,
         r"sum: repeated axis"),
    case("sum", "nested axis", lambda: cr.sum(m23(), axis=[[0]]), TypeError, r"sum: axis"),
    case("sum", "dtype='junk'", lambda: cr.sum(m23(), dtype="junk"), TypeError,
         r"sum: dtype must be a dtype"),
    case("sum", "keepdims as third positional", lambda: cr.sum(m23(), 0, True), TypeError,
         r"sum: dtype .*keepdims=True"),
    case("sum", "out=", lambda: cr.sum(m23(), out=cr.zeros(3)), TypeError,
         r"sum: out= is not supported"),
    case("mean", "axis -3", lambda: cr.mean(m23(), axis=-3), np.exceptions.AxisError,
         r"mean: axis -3"),
    case("prod", "axis 2", lambda: cr.prod(m23(), axis=2), np.exceptions.AxisError,
         r"prod: axis 2"),
    case("max", "empty", lambda: cr.max(cr.ones(0)), ValueError,
         r"max: zero-size reduction"),
    case("min", "empty along axis", lambda: cr.min(cr.ones((0, 3)), axis=0), ValueError,
         r"min: zero-size reduction"),
    case("argmax", "axis string", lambda: cr.argmax(m23(), axis="a"), TypeError,
         r"argmax: axis"),
    case("argmax", "empty", lambda: cr.argmax(cr.ones(0)), ValueError, r"argmax: "),
    case("argmin", "axis 3", lambda: cr.argmin(m23(), axis=3), np.exceptions.AxisError,
         r"argmin: axis 3"),
    case("cumsum", "tuple axis", lambda: cr.cumsum(m23(), axis=(0, 1)), TypeError,
         r"cumsum: axis"),
    case("cumprod", "axis 4", lambda: cr.cumprod(m23(), axis=4), np.exceptions.AxisError,
         r"cumprod: axis 4"),
    case("var", "ddof string", lambda: cr.var(m23(), ddof="a"), TypeError,
         r"var: ddof must be a number"),
    case("std", "ddof None", lambda: cr.std(m23(), ddof=None), TypeError, r"std: ddof"),
    case("var", "axis 2", lambda: cr.var(m23(), axis=2), np.exceptions.AxisError,
         r"var: axis 2"),
    case("logsumexp", "axis string", lambda: cr.logsumexp(m23(), axis="a"), TypeError,
         r"logsumexp: axis"),
    case("softmax", "axis 3", lambda: cr.softmax(m23(), axis=3), np.exceptions.AxisError,
         r"^softmax: axis 3"),
    case("log_softmax", "axis -4", lambda: cr.log_softmax(m23(), axis=-4),
         np.exceptions.AxisError, r"^log_softmax: axis -4"),
    case("all", "axis 5", lambda: cr.all(m23(), axis=5), np.exceptions.AxisError,
         r"^all: axis 5"),
    case("any", "axis string", lambda: cr.any(m23(), axis="a"), TypeError, r"^any: axis"),
    case("count_nonzero", "axis 5", lambda: cr.count_nonzero(m23(), axis=5),
         np.exceptions.AxisError, r"^count_nonzero: axis 5"),
    case("norm", "ord 'nuc'", lambda: cr.norm(m23(), ord="nuc"), NotImplementedError,
         r"norm: the matrix norm ord='nuc'"),
    case("norm", "vector ord string", lambda: cr.norm(cr.ones(3), ord="a"), ValueError,
         r"norm: ord='a'"),
    case("norm", "three axes", lambda: cr.norm(m23(), axis=(0, 1, 2)),
         np.exceptions.AxisError, r"norm: axis 2"),
    case("norm", "3-d with ord", lambda: cr.norm(cr.ones((2, 2, 2)), ord=2), ValueError,
         r"norm: .*give axis"),
    # ------------------------------------------------------------ products
    case("matmul", "(2, 3) @ (2, 3)", lambda: m23() @ m23(), ValueError,
         r"matmul: .*\(2, 3\) float32, \(2, 3\) float32"),
    case("matmul", "(2, 3) @ (2,)", lambda: m23() @ cr.ones(2), ValueError, r"matmul: "),
    case("matmul", "0-d operands", lambda: cr.matmul(2.0, 3.0), ValueError,
         r"matmul: 0-d operands.*multiply"),
    case("matmul", "string", lambda: cr.matmul(m23(), "a"), TypeError,
         r"matmul: unsupported operand of type str"),
    case("matmul", "None", lambda: cr.matmul(m23(), None), TypeError, r"operand"),
    case("dot", "(2, 3) . (2, 3)", lambda: cr.dot(m23(), m23()), ValueError, r"matmul: "),
    case("dot", "vectors of 3 and 4", lambda: cr.dot(cr.ones(3), cr.ones(4)), ValueError,
         r"size 4 is different from 3"),
    case("vdot", "vectors of 3 and 4", lambda: cr.vdot(cr.ones(3), cr.ones(4)), ValueError,
         r"matmul: "),
    case("inner", "(2, 3) and (2, 2)", lambda: cr.inner(m23(), cr.ones((2, 2))), ValueError,
         r"tensordot: shape mismatch"),
    case("outer", "string", lambda: cr.outer(cr.ones(3), "a"), TypeError, r"multiply: "),
    case("tensordot", "axes 5", lambda: cr.tensordot(m23(), m23(), axes=5), ValueError,
         r"tensordot: axes=5"),
    case("tensordot", "axes -1", lambda: cr.tensordot(m23(), m23(), axes=-1), ValueError,
         r"tensordot: axes=-1"),
    case("tensordot", "axes string", lambda: cr.tensordot(m23(), m23(), axes="a"),
         TypeError, r"tensordot: axes must be"),
    case("tensordot", "axis out of range",
         lambda: cr.tensordot(m23(), cr.ones((3, 4)), axes=([3], [0])),
         np.exceptions.AxisError, r"tensordot: axis 3 is out of bounds for a"),
    case("tensordot", "repeated axes", lambda: cr.tensordot(m23(), m23(), axes=([0, 0], [0, 1])),
         ValueError, r"tensordot: repeated axis"),
    case("tensordot", "0-d operand", lambda: cr.tensordot(2.0, cr.ones(3), axes=([0], [0])),
         np.exceptions.AxisError, r"tensordot: axis 0 is out of bounds for a of shape \(\)"),
    case("einsum", "index lengths differ", lambda: cr.einsum("ij,jk->ik", m23(), m23()),
         ValueError, r"einsum: index 'j' has length 3 .* and 2"),
    case("einsum", "too few operands", lambda: cr.einsum("ij,jk->ik", m23()), ValueError,
         r"einsum: 2 subscripts for 1 operands"),
    case("einsum", "bad character", lambda: cr.einsum("ij->?", m23()), ValueError,
         r"einsum: "),
    case("einsum", "None subscripts", lambda: cr.einsum(None, m23()), TypeError,
         r"einsum: subscripts must be a string"),
    case("einsum", "two arrows", lambda: cr.einsum("ij->ji->ij", m23()), ValueError,
         r"einsum: .*more than one"),
    case("einsum", "subscript of the wrong length", lambda: cr.einsum("ijk->i", m23()),
         ValueError, r"einsum: subscript 'ijk' does not match"),
    case("einsum", "unknown output index", lambda: cr.einsum("ij->k", m23()), ValueError,
         r"einsum: "),
    # ------------------------------------------------------------ shapes
    case("reshape", "5 elements", lambda: cr.reshape(m23(), 5), ValueError,
         r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape "
         r"\(5,\)"),
    case("reshape", "string", lambda: cr.reshape(m23(), "a"), TypeError,
         r"reshape: the shape must be an int"),
    case("reshape", "None", lambda: cr.reshape(m23(), None), TypeError, r"reshape: "),
    case("reshape", "two -1", lambda: cr.reshape(m23(), (-1, -1)), ValueError,
         r"reshape: cannot reshape"),
    case("reshape", "(2.0, 3)", lambda: cr.reshape(m23(), (2.0, 3)), TypeError,
         r"reshape: the shape"),
    case("reshape", "(2.5, 3)", lambda: m23().reshape(2.5, 3), TypeError, r"reshape: "),
    case("reshape", "negative", lambda: cr.reshape(m23(), (-2, -3)), ValueError,
         r"reshape: "),
    case("transpose", "repeated axes", lambda: cr.transpose(m23(), (0, 0)), ValueError,
         r"transpose: axes \(0, 0\) are not a permutation"),
    case("transpose", "string", lambda: cr.transpose(m23(), "a"), TypeError,
         r"transpose: axis"),
    case("swapaxes", "axis 5", lambda: cr.swapaxes(m23(), 0, 5), np.exceptions.AxisError,
         r"swapaxes: axis 5"),
    case("moveaxis", "axis 5", lambda: cr.moveaxis(m23(), 0, 5), np.exceptions.AxisError,
         r"moveaxis: axis 5"),
    case("moveaxis", "counts differ", lambda: cr.moveaxis(m23(), (0, 1), 0), ValueError,
         r"moveaxis: source and destination"),
    case("squeeze", "axis of length 2", lambda: cr.squeeze(m23(), 0), ValueError,
         r"squeeze: cannot select axis 0"),
    case("expand_dims", "axis 5", lambda: cr.expand_dims(m23(), 5), np.exceptions.AxisError,
         r"expand_dims: axis 5"),
    case("broadcast_to", "fewer axes", lambda: cr.broadcast_to(m23(), (3,)), ValueError,
         r"broadcast_to: cannot broadcast shape \(2, 3\) to \(3,\)"),
    case("broadcast_to", "(4, 3)", lambda: cr.broadcast_to(m23(), (4, 3)), ValueError,
         r"broadcast_to: "),
    case("broadcast_to", "string", lambda: cr.broadcast_to(m23(), "a"), TypeError,
         r"broadcast_to: shape"),
    case("broadcast_to", "negative", lambda: cr.broadcast_to(cr.ones(1), (-1,)), ValueError,
         r"broadcast_to: "),
    case("sum_to", "(4,)", lambda: cr.sum_to(m23(), (4,)), ValueError,
         r"sum_to: cannot sum shape \(2, 3\) to \(4,\)"),
    case("sum_to", "more axes", lambda: cr.sum_to(m23(), (1, 2, 3)), ValueError,
         r"sum_to: "),
    case("sum_to", "string", lambda: cr.sum_to(m23(), "a"), TypeError, r"sum_to: shape"),
    case("flip", "axis 5", lambda: cr.flip(m23(), 5), np.exceptions.AxisError,
         r"flip: axis 5"),
    case("roll", "string shift", lambda: cr.roll(m23(), "a"), TypeError, r"roll: shift"),
    case("roll", "axis 5", lambda: cr.roll(m23(), 1, axis=5), np.exceptions.AxisError,
         r"roll: axis 5"),
    case("roll", "shifts for other axes", lambda: cr.roll(m23(), (1, 2), axis=0),
         ValueError, r"roll: 2 shifts for 1 axes"),
    case("repeat", "-1", lambda: cr.repeat(m23(), -1), ValueError, r"repeat: repeats"),
    case("repeat", "string", lambda: cr.repeat(m23(), "a"), TypeError, r"repeat: repeats"),
    case("repeat", "counts for another length", lambda: cr.repeat(m23(), [1, 2], axis=1),
         ValueError, r"repeat: 2 repeats for axis 1 of length 3"),
    case("repeat", "2.5", lambda: cr.repeat(m23(), 2.5), TypeError, r"repeat: "),
    case("tile", "string", lambda: cr.tile(m23(), "a"), TypeError, r"tile: reps"),
    case("tile", "-1", lambda: cr.tile(m23(), -1), ValueError, r"tile: reps"),
    case("pad", "-1", lambda: cr.pad(m23(), -1), ValueError, r"pad: pad widths"),
    case("pad", "string", lambda: cr.pad(m23(), "a"), ValueError, r"pad: pad_width"),
    case("pad", "mode='reflect'", lambda: cr.pad(m23(), 1, mode="reflect"), ValueError,
         r"pad: only mode='constant'"),
    case("pad", "widths for three axes", lambda: cr.pad(m23(), ((1, 1),) * 3), ValueError,
         r"pad: pad_width"),
    case("take", "index 9", lambda: cr.take(m23(), [9]), IndexError, r"shape \(6,\)"),
    case("take", "string index", lambda: cr.take(m23(), "a"), IndexError,
         r"indices must be integer or boolean"),
    case("take", "float index", lambda: cr.take(m23(), [0.5]), IndexError,
         r"indices must be integer.*float64"),
    case("take", "axis 5", lambda: cr.take(m23(), [0], axis=5), np.exceptions.AxisError,
         r"take: axis 5"),
    case("astype", "'junk'", lambda: cr.astype(m23(), "junk"), TypeError,
         r"astype: 'junk' is not a dtype"),
    case("astype", "None", lambda: m23().astype(None), TypeError, r"astype: None"),
    case("astype", "object", lambda: cr.astype(m23(), object), TypeError,
         r"astype: object is not a numeric dtype"),
    case("astype", "str", lambda: m23().astype(str), TypeError, r"astype: .*numeric"),
    case("split", "4 sections of 3", lambda: cr.split(m23(), 4, axis=1), ValueError,
         r"split: axis 1 of length 3 cannot be split into 4"),
    case("split", "string", lambda: cr.split(m23(), "a"), TypeError,
         r"split: indices_or_sections"),
    case("split", "0 sections", lambda: cr.split(m23(), 0), ValueError, r"split: "),
    case("split", "axis 5", lambda: cr.split(m23(), 2, axis=5), np.exceptions.AxisError,
         r"split: axis 5"),
    case("concatenate", "empty list", lambda: cr.concatenate([]), ValueError,
         r"concatenate: need at least one tensor"),
    case("concatenate", "(2, 3) and (3,)", lambda: cr.concatenate([m23(), cr.ones(3)]),
         ValueError, r"concatenate: all shapes must match"),
    case("concatenate", "None", lambda: cr.concatenate(None), TypeError,
         r"concatenate: expected a sequence"),
    case("concatenate", "string", lambda: cr.concatenate("ab"), TypeError,
         r"concatenate: expected a sequence"),
    case("concatenate", "None in the list", lambda: cr.concatenate([m23(), None]),
         TypeError, r"concatenate: .*None"),
    case("concatenate", "string in the list", lambda: cr.concatenate([m23(), "a"]),
         TypeError, r"concatenate: .*string"),
    case("concatenate", "0-d tensors", lambda: cr.concatenate([cr.tensor(1.0)] * 2),
         ValueError, r"concatenate: 0-d tensors"),
    case("concatenate", "axis 5", lambda: cr.concatenate([m23(), m23()], axis=5),
         np.exceptions.AxisError, r"concatenate: axis 5"),
    case("concatenate", "axis string", lambda: cr.concatenate([m23(), m23()], axis="a"),
         TypeError, r"concatenate: axis"),
    case("stack", "(2, 3) and (3,)", lambda: cr.stack([m23(), cr.ones(3)]), ValueError,
         r"stack: all tensors must have the same shape"),
    case("stack", "empty list", lambda: cr.stack([]), ValueError, r"stack: need"),
    case("stack", "axis 5", lambda: cr.stack([m23(), m23()], axis=5),
         np.exceptions.AxisError, r"stack: axis 5"),
    case("stack", "object", lambda: cr.stack(Junk()), TypeError, r"stack: expected"),
    case("hstack", "(2, 3) and (3, 3)", lambda: cr.hstack([m23(), cr.ones((3, 3))]),
         ValueError, r"concatenate: all shapes must match except along axis 1"),
    case("vstack", "(2, 3) and (3, 2)", lambda: cr.vstack([m23(), cr.ones((3, 2))]),
         ValueError, r"concatenate: all shapes must match except along axis 0"),
    case("atleast_2d", "None", lambda: cr.atleast_2d(None), TypeError, r"None"),
    # ------------------------------------------------------------ indexing
    case("getitem", "index 5 of 2", lambda: m23()[5], IndexError,
         r"index 5 is invalid for a tensor of shape \(2, 3\)"),
    case("getitem", "three indices", lambda: m23()[0, 0, 0], IndexError,
         r"shape \(2, 3\).*too many indices"),
    case("getitem", "string", lambda: m23()["a"], IndexError, r"valid indices, got str"),
    case("getitem", "float", lambda: m23()[1.5], IndexError, r"valid indices, got float"),
    case("getitem", "list with 5", lambda: m23()[[0, 5]], IndexError, r"shape \(2, 3\)"),
    case("getitem", "object", lambda: m23()[Junk()], IndexError, r"got Junk"),
    case("getitem", "float tensor", lambda: m23()[cr.tensor([0.0])], IndexError,
         r"integer or boolean, got float32"),
    case("getitem", "mask of 3 for 2 rows", lambda: m23()[cr.tensor([True, False, True])],
         IndexError, r"shape \(2, 3\).*boolean index"),
    case("getitem", "ragged list", lambda: m23()[[[0], [0, 1]]], IndexError,
         r"index list must be rectangular"),
    case("getitem", "dict", lambda: m23()[{}], IndexError, r"got dict"),
    case("getitem", "function form, string", lambda: cr.getitem(m23(), "a"), IndexError,
         r"got str"),
    case("setitem", "None", lambda: _setitem(0, None), TypeError,
         r"x\[index\] = value: .*None"),
    case("setitem", "string", lambda: _setitem(0, "1.5"), ValueError,
         r"x\[index\] = value: .*'1.5'"),
    case("setitem", "value of 4 into 3", lambda: _setitem(0, cr.ones(4)), ValueError,
         r"x\[index\] = value: cannot assign a value of shape \(4,\)"),
    case("setitem", "index 9", lambda: _setitem(9, 1.0), IndexError,
         r"x\[index\] = value: .*index 9"),
    case("setitem", "string index", lambda: _setitem("a", 1.0), IndexError, r"got str"),
    case("setitem", "string array", lambda: _setitem(0, np.array(["a", "b", "c"])),
         TypeError, r"x\[index\] = value: .*dtype <U1"),
    case("fill_", "string", lambda: m23().fill_("a"), ValueError, r"fill_: cannot fill"),
    case("fill_", "None", lambda: m23().fill_(None), TypeError, r"fill_: .*None"),
    case("copy_", "None", lambda: m23().copy_(None), TypeError, r"copy_: .*None"),
    case("copy_", "shape (4,)", lambda: m23().copy_(cr.ones(4)), ValueError,
         r"copy_: cannot assign a value of shape \(4,\)"),
    case("add_", "string", lambda: m23().add_("a"), TypeError, r"add_: "),
    case("add_", "None", lambda: m23().add_(None), TypeError, r"add_: "),
    case("add_", "shape (4,)", lambda: m23().add_(cr.ones(4)), ValueError,
         r"add_: cannot update a tensor of dtype float32 and shape \(2, 3\)"),
    case("mul_", "shape (4,)", lambda: m23().mul_(cr.ones(4)), ValueError, r"mul_: "),
    case("__iadd__", "float into int", lambda: cr.arange(3).__iadd__(1.5), TypeError,
         r"add_: .*int64"),
    # ------------------------------------------------------------ linear algebra
    case("linalg.inv", "(2, 3)", lambda: cr.linalg.inv(m23()), np.linalg.LinAlgError,
         r"inv: the last two dimensions must be square, got shape \(2, 3\)"),
    case("linalg.inv", "vector", lambda: cr.inv(cr.ones(3)), np.linalg.LinAlgError,
         r"inv: .*square"),
    case("linalg.inv", "singular", lambda: cr.inv(cr.zeros((2, 2))), np.linalg.LinAlgError,
         r"inv: Singular matrix"),
    case("linalg.inv", "None", lambda: cr.linalg.inv(None), TypeError, r"None"),
    case("linalg.det", "(2, 3)", lambda: cr.linalg.det(m23()), np.linalg.LinAlgError,
         r"det: .*square"),
    case("linalg.det", "0-d", lambda: cr.det(cr.tensor(1.0)), np.linalg.LinAlgError,
         r"det: .*shape \(\)"),
    case("linalg.slogdet", "(2, 3)", lambda: cr.slogdet(m23()), np.linalg.LinAlgError,
         r"slogdet: "),
    case("linalg.solve", "(3, 3) and (2,)", lambda: cr.solve(cr.ones((3, 3)), cr.ones(2)),
         ValueError, r"solve: "),
    case("linalg.solve", "(2, 3)", lambda: cr.solve(m23(), cr.ones(3)),
         np.linalg.LinAlgError, r"solve: .*square"),
    case("linalg.solve", "singular", lambda: cr.solve(cr.zeros((3, 3)), cr.ones(3)),
         np.linalg.LinAlgError, r"solve: Singular"),
    case("linalg.solve", "None", lambda: cr.solve(cr.ones((3, 3)), None), TypeError,
         r"operand"),
    case("linalg.norm", "string", lambda: cr.linalg.norm("a"), TypeError, r"string"),
    # ------------------------------------------------------------ tensors
    case("Tensor.item", "6 elements", lambda: m23().item(), ValueError,
         r"item\(\): only a tensor with one element"),
    case("float", "6 elements", lambda: float(m23()), TypeError,
         r"Python floats.*shape \(2, 3\)"),
    case("int", "6 elements", lambda: int(m23()), TypeError, r"Python ints"),
    case("bool", "6 elements", lambda: bool(m23()), ValueError,
         r"truth value of a tensor with 6 elements"),
    case("len", "0-d", lambda: len(cr.tensor(1.0)), TypeError, r"len\(\) of a 0-d tensor"),
    case("iter", "0-d", lambda: iter(cr.tensor(1.0)), TypeError, r"iteration over a 0-d"),
    case("range", "float tensor", lambda: range(cr.tensor(1.5)), TypeError,
         r"only integer tensors can be used as an index"),
    case("np.asarray", "copy=False with a dtype",
         lambda: np.asarray(m23(), dtype=np.float64, copy=False), ValueError,
         r"Unable to avoid copy.*copy=False"),
    case("Tensor.requires_grad", "int tensor",
         lambda: setattr(cr.arange(2), "requires_grad", True), TypeError,
         r"only floating point and complex tensors"),
    case("Tensor.requires_grad", "bool tensor", lambda: cr.tensor([True]).requires_grad_(),
         TypeError, r"dtype bool"),
    case("Tensor.requires_grad", "string", lambda: setattr(m23(), "requires_grad", "a"),
         TypeError, r"requires_grad must be True or False, got 'a'"),
    case("Tensor.requires_grad", "None", lambda: m23().requires_grad_(None), TypeError,
         r"requires_grad must be True or False"),
    case("Tensor.requires_grad", "clear on a computed tensor",
         lambda: setattr(leaf() * 2.0, "requires_grad", False), RuntimeError,
         r"requires_grad can only be changed on leaf tensors.*multiply"),
    case("Tensor.grad", "string", lambda: setattr(leaf(), "grad", "a"), TypeError,
         r"assigned grad must be a Tensor or None, got str"),
    case("Tensor.grad", "ndarray", lambda: setattr(leaf(), "grad", np.ones((2, 3))),
         TypeError, r"got ndarray"),
    case("Tensor.grad", "shape (3,)", lambda: setattr(leaf(), "grad", cr.ones(3)),
         cr.errors.GradShapeError, r"gradient has shape \(3,\), the tensor \(2, 3\)"),
    case("Tensor.grad", "float64", lambda: setattr(leaf(), "grad", m23(dtype="float64")),
         cr.errors.GradDtypeError, r"gradient has dtype float64, the tensor float32"),
    case("Tensor.register_hook", "not callable", lambda: leaf().register_hook(5),
         TypeError, r"register_hook expects a callable, got int"),
    case("Tensor.register_hook", "no grad", lambda: m23().register_hook(lambda g: g),
         RuntimeError, r"cannot register a hook on a tensor that does not require grad"),
    case("Tensor.grad_accumulation", "'x'",
         lambda: setattr(leaf(), "grad_accumulation", "x"), ValueError,
         r"grad_accumulation must be"),
    case("numpy ufunc", "out=", lambda: np.sin(leaf(), out=np.zeros((2, 3))), TypeError,
         r"numpy.sin: out= is not supported when an input"),
    case("numpy ufunc", "not differentiable by chainrule", lambda: np.frexp(m23()),
         TypeError, r"numpy.frexp is not supported on chainrule tensors"),
    case("numpy ufunc", "where=", lambda: np.sin(m23(), where=m23() > 0), TypeError,
         r"numpy.sin: where= is not supported"),
    case("numpy ufunc", "at", lambda: np.add.at(m23(), [0], 1.0), TypeError,
         r"numpy.add.at is not supported"),
    # ------------------------------------------------------------ reverse mode
    case("Tensor.backward", "non-scalar without gradient", lambda: (leaf() * 2.0).backward(),
         cr.errors.NonScalarOutputError, r"backward: the output has shape \(2, 3\)"),
    case("Tensor.backward", "gradient of shape (3,)", lambda: _backward(cr.ones(3)),
         RuntimeError, r"backward: gradient has shape \(3,\) but the output has shape "
                       r"\(2, 3\)"),
    case("Tensor.backward", "NumPy gradient of shape (3,)", lambda: _backward(np.ones(3)),
         RuntimeError, r"backward: gradient has shape \(3,\)"),
    case("Tensor.backward", "gradient list of shape (2,)", lambda: _backward([1.0, 2.0]),
         RuntimeError, r"backward: gradient has shape \(2,\)"),
    case("Tensor.backward", "scalar gradient for (2, 3)", lambda: _backward(1.0),
         RuntimeError, r"backward: gradient has shape \(\)"),
    case("Tensor.backward", "string gradient", lambda: _backward("a"), TypeError,
         r"backward: gradient must be a Tensor or an array of numbers, got str"),
    case("Tensor.backward", "object gradient", lambda: _backward(Junk()), TypeError,
         r"backward: gradient .*got Junk"),
    case("Tensor.backward", "ragged gradient", lambda: _backward(RAGGED), TypeError,
         r"backward: gradient .*got list"),
    case("Tensor.backward", "string-array gradient",
         lambda: _backward(np.full((2, 3), "a")), TypeError, r"backward: gradient"),
    case("Tensor.backward", "object-array gradient",
         lambda: _backward(np.full((2, 3), None)), TypeError, r"backward: gradient"),
    case("Tensor.backward", "gradient of shape (2,) for a scalar",
         lambda: (leaf() * 2.0).sum().backward(gradient=cr.ones(2)), RuntimeError,
         r"backward: gradient has shape \(2,\) but the output has shape \(\)"),
    case("Tensor.backward", "nothing recorded", lambda: m23().sum().backward(),
         cr.errors.NoGradientError, r"backward: this tensor does not require grad"),
    case("Tensor.backward", "int tensor", lambda: cr.arange(3).sum().backward(),
         cr.errors.NoGradientError, r"backward: "),
    case("Tensor.backward", "second sweep", _second_backward, cr.errors.GraphFreedError,
         r"backward through the graph a second time.*retain_graph=True"),
    case("Tensor.backward", "saved output modified in place", _saved_then_modified,
         cr.errors.SavedValueModifiedError, r"exp: its output \(shape \(2, 3\)\)"),
    case("Tensor.backward", "view modified in place", _view_modified,
         cr.errors.SharedMemoryInPlaceError, r"add_: this tensor shares memory"),
    case("Tensor.backward", "hook returns a string", lambda: _hook("a"), TypeError,
         r"a gradient hook must return a Tensor or None, got str"),
    case("Tensor.backward", "hook returns an ndarray", lambda: _hook(np.ones((2, 3))),
         TypeError, r"hook must return a Tensor"),
    case("Tensor.backward", "hook returns shape (7,)", lambda: _hook(cr.ones(7)),
         RuntimeError, r"a gradient hook returned shape \(7,\) for a gradient of shape "
                       r"\(2, 3\)"),
    case("Tensor.add_", "leaf that requires grad", lambda: leaf().add_(1.0),
         cr.errors.LeafInPlaceError, r"add_: a leaf tensor that requires grad"),
    case("autograd.backward", "string", lambda: cr.autograd.backward("a"), TypeError,
         r"backward expects a Tensor, got str"),
    case("autograd.backward", "list with a string",
         lambda: cr.autograd.backward([leaf().sum(), "a"]), TypeError,
         r"backward expects a Tensor"),
    case("autograd.backward", "two gradients for one tensor",
         lambda: cr.autograd.backward([leaf().sum()], [None, None]), ValueError,
         r"backward: 2 gradients for 1 tensors"),
    case("autograd.backward", "release='x'",
         lambda: cr.autograd.backward(leaf().sum(), release="x"), ValueError,
         r"backward: release must be"),
    case("autograd.grad", "non-scalar output", lambda: cr.autograd.grad(leaf() * 2.0, leaf()),
         cr.errors.NonScalarOutputError, r"grad: the output has shape \(2, 3\)"),
    case("autograd.grad", "None outputs", lambda: cr.autograd.grad(None, leaf()), TypeError,
         r"grad: outputs must be a Tensor"),
    case("autograd.grad", "None inputs", lambda: cr.autograd.grad(leaf().sum(), None),
         TypeError, r"grad: inputs must be a Tensor"),
    case("autograd.grad", "string inputs", lambda: cr.autograd.grad(leaf().sum(), "a"),
         TypeError, r"grad: inputs\[0\] must be a Tensor, got str"),
    case("autograd.grad", "list with a string",
         lambda: cr.autograd.grad(leaf().sum(), [leaf(), "a"]), TypeError,
         r"grad: inputs\[1\]"),
    case("autograd.grad", "ndarray inputs",
         lambda: cr.autograd.grad(leaf().sum(), np.ones(2)), TypeError, r"grad: inputs\[0\]"),
    case("autograd.grad", "unused input", lambda: cr.autograd.grad(leaf().sum(), leaf()),
         cr.errors.UnusedInputError, r"grad: input 0 .*allow_unused=True"),
    case("autograd.grad", "grad_outputs of shape (3,)", lambda: _grad_outputs(cr.ones(3)),
         RuntimeError, r"grad: grad_outputs\[0\] has shape \(3,\) but the output has shape"),
    case("autograd.grad", "string grad_outputs", lambda: _grad_outputs("a"), TypeError,
         r"grad: grad_outputs\[0\] must be a Tensor or an array of numbers"),
    case("autograd.grad", "object grad_outputs", lambda: _grad_outputs([Junk()]), TypeError,
         r"grad: grad_outputs\[0\]"),
    case("autograd.grad", "two grad_outputs for one output",
         lambda: _grad_outputs([None, None]), ValueError,
         r"grad: got 2 grad_outputs for 1 outputs"),
    case("autograd.grad", "output that does not require grad",
         lambda: cr.autograd.grad(m23().sum(), leaf()), cr.errors.NoGradientError,
         r"grad: output 0 .*does not require grad"),
    case("no_grad", "argument", lambda: cr.no_grad(5), TypeError,
         r"no_grad\(\) takes no arguments"),
    case("enable_grad", "argument", lambda: cr.enable_grad("a"), TypeError,
         r"enable_grad\(\) takes no arguments"),
    # ------------------------------------------------------------ transforms
    case("grad", "f is an int", lambda: cr.grad(5), TypeError,
         r"grad: f must be a function"),
    case("grad", "f is None", lambda: cr.grad(None), TypeError, r"grad: f must be"),
    case("grad", "non-scalar f", lambda: cr.grad(SIN)(cr.ones(3)),
         cr.errors.NonScalarFunctionError, r"grad requires f to return a single float value.*"
                                           r"shape \(3,\)"),
    case("grad", "int argument", lambda: cr.grad(SUM_SIN)(cr.arange(3)), TypeError,
         r"grad: can only differentiate with respect to floating point \(or complex\) inputs"),
    case("grad", "Python int argument", lambda: cr.grad(SUM_SIN)(3), TypeError,
         r"grad: .*int64"),
    case("grad", "string argument", lambda: cr.grad(SUM_SIN)("a"), TypeError,
         r"grad: an argument to differentiate: .*string"),
    case("grad", "object argument", lambda: cr.grad(SUM_SIN)(Junk()), TypeError,
         r"grad: an argument"),
    case("grad", "no arguments", lambda: cr.grad(SUM_SIN)(), ValueError,
         r"grad: argnums 0 is out of range for 0 positional arguments"),
    case("grad", "argnums 3", lambda: cr.grad(SUM_SIN, argnums=3)(cr.ones(3)), ValueError,
         r"grad: argnums 3"),
    case("grad", "argnums string", lambda: cr.grad(SUM_SIN, argnums="a")(cr.ones(3)),
         TypeError, r"grad: argnums must be an int"),
    case("grad", "argnums 1.5", lambda: cr.grad(SUM_SIN, argnums=1.5)(cr.ones(3)),
         TypeError, r"grad: argnums"),
    case("grad", "f returns a string", lambda: cr.grad(lambda a: "a")(cr.ones(3)), TypeError,
         r"grad: f's output: .*string"),
    case("grad", "f returns None", lambda: cr.grad(lambda a: None)(cr.ones(3)),
         cr.errors.NonScalarFunctionError, r"grad requires f to return a single float"),
    case("grad", "f returns an int", lambda: cr.grad(lambda a: cr.arange(1).sum())(cr.ones(3)),
         cr.errors.NonScalarFunctionError, r"dtype int64"),
    case("grad", "f returns a tuple", lambda: cr.grad(lambda a: (a.sum(), a.sum()))(cr.ones(3)),
         cr.errors.NonScalarFunctionError, r"2 outputs"),
    case("grad", "has_aux without a pair", lambda: cr.grad(SUM_SIN, has_aux=True)(cr.ones(3)),
         TypeError, r"grad: with has_aux=True the function must return a pair"),
    case("value_and_grad", "non-scalar f", lambda: cr.value_and_grad(SIN)(cr.ones(3)),
         cr.errors.NonScalarFunctionError, r"single float value"),
    case("value_and_grad", "f is a string", lambda: cr.value_and_grad("f"), TypeError,
         r"value_and_grad: f must be"),
    case("vjp", "f is an int", lambda: cr.vjp(5, cr.ones(3)), TypeError, r"vjp: f must be"),
    case("vjp", "string primal", lambda: cr.vjp(SIN, "a"), TypeError, r"vjp: an argument"),
    case("vjp", "cotangent of shape (2,)", lambda: cr.vjp(SIN, cr.ones(3))[1](cr.ones(2)),
         ValueError, r"vjp: a cotangent has shape \(2,\) but its output has shape \(3,\)"),
    case("vjp", "None cotangent", lambda: cr.vjp(SIN, cr.ones(3))[1](None), ValueError,
         r"vjp: the cotangent has structure"),
    case("vjp", "string cotangent", lambda: cr.vjp(SIN, cr.ones(3))[1]("a"), TypeError,
         r"vjp: the cotangent: .*string"),
    case("vjp", "two cotangents for one output",
         lambda: cr.vjp(SIN, cr.ones(3))[1]((cr.ones(3), cr.ones(3))), ValueError,
         r"vjp: the cotangent has structure \(\*, \*\)"),
    case("jvp", "f is None", lambda: cr.jvp(None, (cr.ones(3),), (cr.ones(3),)), TypeError,
         r"jvp: f must be"),
    case("jvp", "primals not a tuple", lambda: cr.jvp(SIN, cr.ones(3), cr.ones(3)),
         TypeError, r"jvp: primals and tangents must be tuples"),
    case("jvp", "tangent of shape (2,)", lambda: cr.jvp(SIN, (cr.ones(3),), (cr.ones(2),)),
         ValueError, r"jvp: a tangent has shape \(2,\) but its primal has shape \(3,\)"),
    case("jvp", "two tangents for one primal",
         lambda: cr.jvp(SIN, (cr.ones(3),), (cr.ones(3), cr.ones(3))), ValueError,
         r"jvp: tangents have structure"),
    case("jvp", "None tangent", lambda: cr.jvp(SIN, (cr.ones(3),), (None,)), ValueError,
         r"jvp: tangents have structure"),
    case("jvp", "string tangent", lambda: cr.jvp(SIN, (cr.ones(3),), ("a",)), TypeError,
         r"jvp: a tangent: .*string"),
    case("jvp", "int primal", lambda: cr.jvp(SIN, (cr.arange(3),), (cr.arange(3),)),
         TypeError, r"jvp: can only differentiate"),
    case("jvp", "has_aux without a pair",
         lambda: cr.jvp(SIN, (cr.ones(3),), (cr.ones(3),), has_aux=True), TypeError,
         r"jvp: with has_aux=True"),
    case("linearize", "tangent of shape (2,)",
         lambda: cr.linearize(SIN, cr.ones(3))[1](cr.ones(2)), ValueError,
         r"linearize: a tangent has shape \(2,\)"),
    case("linearize", "two tangents", lambda: cr.linearize(SIN, cr.ones(3))[1](cr.ones(3),
                                                                              cr.ones(3)),
         ValueError, r"linearize: tangents have structure"),
    case("linearize", "f is an int", lambda: cr.linearize(5, cr.ones(3)), TypeError,
         r"linearize: f must be"),
    case("jacrev", "None argument", lambda: cr.jacrev(SIN)(None), TypeError, r"None"),
    case("jacrev", "int argument", lambda: cr.jacrev(SIN)(cr.arange(3)), TypeError,
         r"jacrev: can only differentiate"),
    case("jacrev", "f returns a string", lambda: cr.jacrev(lambda a: "a")(cr.ones(3)),
         TypeError, r"jacrev: f's output"),
    case("jacrev", "f is an int", lambda: cr.jacrev(3), TypeError, r"jacrev: f must be"),
    case("jacfwd", "string argument", lambda: cr.jacfwd(SIN)("a"), TypeError,
         r"jacfwd: an argument"),
    case("jacfwd", "argnums 2", lambda: cr.jacfwd(SIN, argnums=2)(cr.ones(3)), ValueError,
         r"jacfwd: argnums 2"),
    case("hessian", "int argument", lambda: cr.hessian(SUM_SIN)(cr.arange(3)), TypeError,
         r"can only differentiate"),
    case("hessian", "f is a list", lambda: cr.hessian([]), TypeError, r"hessian: f must be"),
    case("hvp", "tangent of shape (2,)", lambda: cr.hvp(SUM_SIN, (cr.ones(3),), (cr.ones(2),)),
         ValueError, r"tangent has shape \(2,\)"),
    case("hvp", "non-scalar f", lambda: cr.hvp(SIN, (cr.ones(3),), (cr.ones(3),)),
         cr.errors.NonScalarFunctionError, r"single float value"),
    case("hvp", "string tangent", lambda: cr.hvp(SUM_SIN, (cr.ones(3),), ("a",)), TypeError,
         r"hvp: a tangent"),
    case("vmap", "f is an int", lambda: cr.vmap(5), TypeError, r"vmap: f must be"),
    case("vmap", "0-d argument", lambda: cr.vmap(SIN)(cr.tensor(1.0)), ValueError,
         r"vmap: in_axes says to map axis 0 of an argument with no axes"),
    case("vmap", "in_axes 5", lambda: cr.vmap(SIN, in_axes=5)(cr.ones(3)), ValueError,
         r"vmap: in_axes 5 is out of range for an argument of shape \(3,\)"),
    case("vmap", "in_axes string", lambda: cr.vmap(SIN, in_axes="a")(cr.ones(3)), TypeError,
         r"vmap: in_axes entries must be ints or None, got 'a'"),
    case("vmap", "in_axes 1.5", lambda: cr.vmap(SIN, in_axes=1.5)(cr.ones(3)), TypeError,
         r"vmap: in_axes entries"),
    case("vmap", "in_axes for two arguments",
         lambda: cr.vmap(SIN, in_axes=(0, 0))(cr.ones(3)), ValueError,
         r"vmap in_axes: \(0, 0\) does not match the structure of the arguments"),
    case("vmap", "in_axes all None", lambda: cr.vmap(SIN, in_axes=None)(cr.ones(3)),
         ValueError, r"vmap: in_axes maps no argument"),
    case("vmap", "batch sizes 3 and 4", lambda: cr.vmap(cr.add)(cr.ones(3), cr.ones(4)),
         ValueError, r"vmap: the mapped axes have different sizes \[3, 4\]"),
    case("vmap", "out_axes 5", lambda: cr.vmap(SIN, out_axes=5)(cr.ones(3)), ValueError,
         r"vmap: out_axes 5 is out of range"),
    case("vmap", "out_axes string", lambda: cr.vmap(SIN, out_axes="a")(cr.ones(3)), TypeError,
         r"vmap: out_axes entries must be ints or None"),
    case("vmap", "out_axes None for a batched output",
         lambda: cr.vmap(SIN, out_axes=None)(cr.ones(3)), ValueError,
         r"vmap: out_axes=None for an output that varies"),
    case("vmap", "string argument", lambda: cr.vmap(SIN)("a"), TypeError,
         r"vmap: mapped argument 0: .*string"),
    case("vmap", "f returns a string", lambda: cr.vmap(lambda a: "a")(cr.ones(3)), TypeError,
         r"vmap: f's output"),
    case("vmap", "Python if on a batched value",
         lambda: cr.vmap(lambda a: a if a > 0 else -a)(cr.ones(3)), ValueError,
         r"the truth value of a batched value inside vmap"),
    case("vmap", "float() of a batched value", lambda: cr.vmap(float)(cr.ones(3)),
         ValueError, r"float\(\) of a batched value inside vmap"),
    case("vmap", "backward inside", lambda: cr.vmap(lambda a: a.backward())(cr.ones(3)),
         RuntimeError, r"backward\(\) is not available inside vmap"),
    case("vmap", "dict in_axes of other keys",
         lambda: cr.vmap(lambda d: d["a"], in_axes=({"b": 0},))({"a": cr.ones(3)}),
         ValueError, r"vmap in_axes: the dict"),
    case("vmap", "boolean mask of a batched value",
         lambda: cr.vmap(lambda a: a[a > 0])(m23()), ValueError,
         r"boolean mask indexing .*inside vmap"),
    case("vmap", "grad of a non-scalar inside", lambda: cr.vmap(cr.grad(SIN))(m23()),
         cr.errors.NonScalarFunctionError, r"single float value"),
    # ------------------------------------------------------------ custom rules, checkpoint
    case("custom_vjp", "fun is an int", lambda: cr.custom_vjp(5), TypeError,
         r"custom_vjp: the decorated fun must be a function"),
    case("custom_vjp", "called before defvjp", lambda: cr.custom_vjp(SIN)(leaf((3,))),
         TypeError, r"call defvjp\(fwd, bwd\)"),
    case("custom_vjp", "defvjp of ints", lambda: cr.custom_vjp(SIN).defvjp(5, 5), TypeError,
         r"defvjp's fwd must be a function"),
    case("custom_vjp", "defvjp bwd None", lambda: cr.custom_vjp(SIN).defvjp(SIN, None),
         TypeError, r"defvjp's bwd must be a function"),
    case("custom_vjp", "fwd returns one value",
         lambda: _custom_vjp(lambda a: cr.sin(a), lambda r, g: (g,)), TypeError,
         r"the forward rule \(fwd\) must return a pair"),
    case("custom_vjp", "fwd returns a string",
         lambda: _custom_vjp(lambda a: ("a", a), lambda r, g: (g,)), TypeError,
         r"custom rules need float or complex outputs, got <U1"),
    case("custom_vjp", "fwd returns ints",
         lambda: _custom_vjp(lambda a: (cr.arange(3), a), lambda r, g: (g,)), TypeError,
         r"custom rules need float or complex outputs, got int64"),
    case("custom_vjp", "bwd returns two gradients",
         lambda: _custom_vjp(_residual_fwd, lambda r, g: (g, g)), RuntimeError,
         r"the backward must return one gradient per argument \(1\)"),
    case("custom_vjp", "bwd returns shape (2,)",
         lambda: _custom_vjp(_residual_fwd, lambda r, g: (cr.ones(2),)), RuntimeError,
         r"the backward returned a gradient of shape \(2,\) for an input of shape \(3,\)"),
    case("custom_vjp", "bwd returns a string",
         lambda: _custom_vjp(_residual_fwd, lambda r, g: ("a",)), RuntimeError,
         r"the backward returned a str as a gradient"),
    case("custom_vjp", "bwd returns a list of numbers",
         lambda: _custom_vjp(_residual_fwd, lambda r, g: ([1.0, 1.0, 1.0],)), RuntimeError,
         r"a gradient does not match its argument's structure"),
    case("custom_vjp", "bwd raises", lambda: _custom_vjp(_residual_fwd, lambda r, g: 1 / 0),
         RuntimeError, r"the backward \(VJP\) of <lambda> for input 0 failed: "
                       r"ZeroDivisionError"),
    case("custom_vjp", "string argument",
         lambda: _custom_vjp(_residual_fwd, lambda r, g: (g,), arg="a"), TypeError,
         r"string"),
    case("custom_vjp", "under jvp",
         lambda: (lambda f: (f.defvjp(_residual_fwd, lambda r, g: (g,)),
                             cr.jvp(f, (cr.ones(3),), (cr.ones(3),))))(cr.custom_vjp(SIN)),
         TypeError, r"forward mode \(jvp, jacfwd, hessian\) cannot differentiate a "
                    r"custom_vjp function"),
    case("custom_jvp", "fun is None", lambda: cr.custom_jvp(None), TypeError,
         r"custom_jvp: the decorated fun must be"),
    case("custom_jvp", "called before defjvp", lambda: cr.custom_jvp(SIN)(cr.ones(3)),
         TypeError, r"call defjvp\(rule\)"),
    case("custom_jvp", "defjvp of an int", lambda: cr.custom_jvp(SIN).defjvp(3), TypeError,
         r"defjvp's rule must be a function"),
    case("custom_jvp", "rule returns one value", lambda: _custom_jvp(lambda p, t: t[0]),
         TypeError, r"the JVP rule must return a pair \(primal_out, tangent_out\)"),
    case("custom_jvp", "rule returns a string", lambda: _custom_jvp(lambda p, t: "a"),
         TypeError, r"the JVP rule must return a pair"),
    case("custom_jvp", "rule returns None", lambda: _custom_jvp(lambda p, t: None),
         TypeError, r"the JVP rule must return a pair"),
    case("custom_jvp", "tangent of shape (2,)",
         lambda: _custom_jvp(lambda p, t: (cr.sin(p[0]), cr.ones(2))), ValueError,
         r"the JVP rule returned a tangent of shape \(2,\) for an output of shape \(3,\)"),
    case("custom_jvp", "two tangents for one output",
         lambda: _custom_jvp(lambda p, t: (cr.sin(p[0]), (t[0], t[0]))), ValueError,
         r"the JVP rule's tangent has structure"),
    case("custom_jvp", "string tangent",
         lambda: _custom_jvp(lambda p, t: (cr.sin(p[0]), "a")), TypeError,
         r"returned a str"),
    case("Function", "no backward", lambda: _function(None), RuntimeError,
         r"backward \(VJP\) of Op .*NotImplementedError: a Function subclass must define "
         r"backward"),
    case("Function", "backward returns a string", lambda: _function(lambda ctx, g: "a"),
         RuntimeError, r"Op: the backward returned a str"),
    case("Function", "backward returns shape (7,)",
         lambda: _function(lambda ctx, g: cr.ones(7)), RuntimeError,
         r"Op: the backward returned a gradient of shape \(7,\)"),
    case("Function", "backward returns two", lambda: _function(lambda ctx, g: (g, g)),
         RuntimeError, r"Op: the backward must return one gradient per argument"),
    case("Function", "no forward", lambda: cr.Function.apply(leaf()), NotImplementedError,
         r"a Function subclass must define forward"),
    case("checkpoint", "f is an int", lambda: cr.checkpoint(5), TypeError,
         r"checkpoint: f must be a function"),
    case("checkpoint", "f is None", lambda: cr.checkpoint(None), TypeError,
         r"checkpoint: f must be"),
    case("checkpoint", "f returns a string",
         lambda: cr.checkpoint(lambda a: "a")(leaf()), TypeError,
         r"custom rules need float or complex outputs"),
    case("checkpoint", "non-scalar backward",
         lambda: cr.checkpoint(lambda a: a * 2.0)(leaf()).backward(),
         cr.errors.NonScalarOutputError, r"backward: the output has shape \(2, 3\)"),
    # ------------------------------------------------------------ testing
    case("testing.gradcheck", "float32 input",
         lambda: cr.testing.gradcheck(lambda a: a.sum(), (leaf(),)), ValueError,
         r"gradcheck needs float64 inputs"),
    case("testing.gradcheck", "no input requires grad",
         lambda: cr.testing.gradcheck(lambda a: a.sum(), (cr.ones(3, dtype="float64"),)),
         ValueError, r"gradcheck: no input requires grad"),
    case("testing.gradcheck", "fn is an int",
         lambda: cr.testing.gradcheck(5, (cr.ones(3, dtype="float64", requires_grad=True),)),
         TypeError, r"gradcheck: the function to check must be a callable"),
    case("testing.gradcheck", "computed input",
         lambda: cr.testing.gradcheck(lambda a: a.sum(),
                                      (cr.ones(3, dtype="float64", requires_grad=True) * 2,)),
         ValueError, r"gradcheck inputs must be leaf tensors"),
    case("testing.check_grads", "float32 argument",
         lambda: cr.testing.check_grads(lambda a: a.sum(), (cr.ones(3),), order=1),
         ValueError, r"check_grads needs float64 \(or complex128\) arguments, got float32"),
    case("testing.check_grads", "order 0",
         lambda: cr.testing.check_grads(lambda a: a.sum(), (cr.ones(3, dtype="float64"),),
                                        order=0), ValueError, r"check_grads: order"),
    case("testing.check_grads", "order string",
         lambda: cr.testing.check_grads(lambda a: a.sum(), (cr.ones(3, dtype="float64"),),
                                        order="a"), ValueError, r"check_grads: order"),
    case("testing.check_grads", "unknown mode",
         lambda: cr.testing.check_grads(lambda a: a.sum(), (cr.ones(3, dtype="float64"),),
                                        modes=("x",)), ValueError, r"check_grads: modes"),
    case("testing.check_grads", "no mode",
         lambda: cr.testing.check_grads(lambda a: a.sum(), (cr.ones(3, dtype="float64"),),
                                        modes=()), ValueError, r"check_grads: modes"),
    case("testing.check_grads", "f is None",
         lambda: cr.testing.check_grads(None, (cr.ones(3, dtype="float64"),)), TypeError,
         r"check_grads: the function to check"),
    # ------------------------------------------------------------ viz
    case("viz.graph", "None", lambda: cr.viz.graph(None), TypeError,
         r"graph: expected a tensor, got NoneType"),
    case("viz.graph", "no history", lambda: cr.viz.graph(m23()), ValueError,
         r"graph: this tensor has no recorded history"),
    case("viz.graph", "node name not there", lambda: cr.viz.graph(leaf() * 2.0).node("zz"),
         KeyError, r"no node named 'zz'"),
    case("viz.trace", "f is an int", lambda: cr.viz.trace(5, x=2.0), TypeError,
         r"trace: f must be a function"),
    case("viz.trace", "string input", lambda: cr.viz.trace(lambda x: x * 2, x="a"),
         TypeError, r"trace: the input x must be a number"),
    case("viz.trace", "ragged input", lambda: cr.viz.trace(lambda x: x * 2, x=RAGGED),
         ValueError, r"trace: the input x"),
    case("viz.trace", "f returns a string", lambda: cr.viz.trace(lambda x: "a", x=2.0),
         TypeError, r"trace: f must return a tensor or a number, got str"),
    case("viz.explain", "f is None", lambda: cr.viz.explain(None, 2.0), TypeError,
         r"explain: f must be a function"),
    case("viz.explain", "None input", lambda: cr.viz.explain(lambda x: x * x, None),
         TypeError, r"explain: the input x must be a number"),
    case("viz.plot", "order -1", lambda: cr.viz.plot(SIN, 0.0, 1.0, order=-1), ValueError,
         r"plot: order must be 0 or more"),
    case("viz.plot", "lo > hi", lambda: cr.viz.plot(SIN, 1.0, 0.0), ValueError,
         r"plot: the interval must have lo < hi"),
    case("Graph.render", "extension .txt",
         lambda: cr.viz.graph(leaf() * 2.0).render("graph.txt"), ValueError,
         r"render: cannot write .txt"),
    case("viz.render", "engine 'x'",
         lambda: render.render(cr.viz.graph(leaf() * 2.0), "graph.svg", engine="x"),
         ValueError, r"render: engine must be 'dot' or 'builtin'"),
    # ------------------------------------------------------------ formulas (the CLI's)
    case("formula.parse", "not text", lambda: formula.parse(None), formula.FormulaError,
         r"the formula must be text"),
    case("formula.parse", "empty", lambda: formula.parse("  "), formula.FormulaError,
         r"the formula is empty"),
    case("formula.parse", "syntax", lambda: formula.parse("x +"), formula.FormulaError,
         r"not a formula"),
    case("formula.parse", "import", lambda: formula.parse("__import__('os')"),
         formula.FormulaError, r"calling __import__ is not allowed"),
    case("formula.parse", "attribute", lambda: formula.parse("x.real"),
         formula.FormulaError, r"attribute access \(.real\) is not allowed"),
    case("formula.parse", "unknown name", lambda: formula.parse("y + 1"),
         formula.FormulaError, r"unknown name 'y': the variable is x"),
    case("formula.parse", "string constant", lambda: formula.parse("'a'"),
         formula.FormulaError, r"the constant 'a' is not a number"),
]

if hasattr(cr, "save") and hasattr(cr, "load"):
    CASES += [
        case("save", "object", lambda: cr.save(Junk(), "x.npz"), TypeError, r"save: obj"),
        case("save", "path None", lambda: cr.save(m23(), None), TypeError, r"save: the path"),
        case("save", "extension .txt", lambda: cr.save(m23(), "x.txt"), ValueError,
             r"save: 'x.txt' does not end in .npz"),
        case("save", "string array", lambda: cr.save(np.array(["a"]), "x.npz"), TypeError,
             r"save: obj has dtype <U1"),
        case("load", "path 5", lambda: cr.load(5), TypeError, r"load: the path"),
        case("load", "extension .pkl", lambda: cr.load("x.pkl"), ValueError,
             r"load: 'x.pkl' does not end in .npz"),
        case("load", "missing file", lambda: cr.load("/nonexistent/x.npz"),
             FileNotFoundError, r"/nonexistent/x.npz"),
    ]


@pytest.fixture(autouse=True)
def _restore_state():
    """Cases change the default dtype or the generator's seed when they fail to fail."""
    yield
    cr.set_default_dtype(cr.float32)


@pytest.mark.parametrize("bad", CASES, ids=lambda c: c.id)
def test_bad_input_raises_a_standard_error_naming_the_argument(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # save/load cases write nowhere else
    expected = bad.error if isinstance(bad.error, tuple) else (bad.error,)
    assert all(issubclass(kind, STANDARD + LOOKUP) for kind in expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # NumPy's warnings on the way are not the point
        with pytest.raises(expected) as info:
            bad.call()
    message = str(info.value)
    assert re.search(bad.names, message), f"{bad.id}: {type(info.value).__name__}: {message}"
    assert "Traceback" not in message


def test_the_cases_cover_the_public_api():
    """Every function the issue names has bad inputs here, and the figures for
    docs/reliability.md come from this list."""
    apis = {c.api.split("[")[0] for c in CASES}
    for name in ("tensor", "asarray", "arange", "zeros", "full", "eye", "linspace",
                 "random.seed", "random.normal", "random.uniform", "random.randint",
                 "random.permutation", "sum", "matmul", "dot", "reshape", "concatenate",
                 "getitem", "linalg.inv", "linalg.solve", "Tensor.backward", "autograd.grad",
                 "Tensor.requires_grad", "grad", "vmap", "jacrev", "jvp", "custom_vjp",
                 "checkpoint"):
        assert name in apis, name
    assert len({c.id for c in CASES}) == len(CASES), "two cases with one id"


# ---------------------------------------------------------------- accepted on purpose


def _grad_with(gradient):
    x = leaf()
    (x * 2.0).backward(gradient=gradient)
    return x.grad.numpy()


def _custom_vjp_grad(bwd):
    f = cr.custom_vjp(lambda a: cr.sin(a))
    f.defvjp(_residual_fwd, bwd)
    x = leaf((3,))
    f(x).sum().backward()
    return x.grad


def _seeded(value):
    cr.random.seed(value)
    return cr.random.normal(size=3).numpy()


ACCEPTED = {
    # a one-element int tensor is a valid size and a valid seed, as in NumPy
    "arange(int tensor)": (lambda: cr.arange(cr.tensor(3)).numpy(), np.arange(3)),
    "seed(int tensor) = seed(3)": (lambda: _seeded(cr.tensor(3)), lambda: _seeded(3)),
    "seed(3.0) = seed(3)": (lambda: _seeded(3.0), lambda: _seeded(3)),
    # a 2-d tensor is a sequence of rows, as np.concatenate reads it
    "concatenate(2-d tensor)": (lambda: cr.concatenate(cr.arange(6.0).reshape(2, 3)).numpy(),
                                np.concatenate(np.arange(6.0).reshape(2, 3))),
    "x[[]]": (lambda: cr.arange(3.0)[[]].numpy(), np.arange(3.0)[[]]),
    "full(2, tensor of 2)": (lambda: cr.full(2, cr.tensor([1.0, 2.0])).numpy(),
                             np.array([1.0, 2.0], np.float32)),
    "linspace with NaN": (lambda: cr.linspace(NAN, 1.0, 3).numpy(),
                          np.linspace(NAN, 1.0, 3).astype(np.float32)),
    "permutation(-1)": (lambda: cr.random.permutation(-1).numpy(),
                        np.random.default_rng(0).permutation(-1)),
    "floor_divide by 0": (lambda: cr.floor_divide(cr.arange(3), 0).numpy(),
                          lambda: np.floor_divide(np.arange(3), 0)),
    "randint float dtype": (lambda: cr.random.randint(1, size=3, dtype="float32").numpy(),
                            np.zeros(3, np.float32)),
    # gradients of another numeric dtype are converted to the output's, as PyTorch does
    "backward(gradient=int tensor)": (lambda: _grad_with(cr.full((2, 3), 3)),
                                      np.full((2, 3), 6.0, np.float32)),
    "backward(gradient=bool tensor)": (lambda: _grad_with(cr.ones((2, 3), dtype="bool")),
                                       np.full((2, 3), 2.0, np.float32)),
    "backward(gradient=nested list)": (lambda: _grad_with([[1.0, 2.0, 3.0]] * 2),
                                       np.array([[2.0, 4.0, 6.0]] * 2, np.float32)),
    "backward(gradient=float64)": (lambda: _grad_with(cr.full((2, 3), 0.5, dtype="float64")),
                                   np.ones((2, 3), np.float32)),
    # a NaN seed propagates as NaN (never silently zero)
    "backward(gradient=NaN)": (lambda: _grad_with(cr.full((2, 3), NAN)),
                               np.full((2, 3), NAN, np.float32)),
    "backward(gradient=requires_grad)": (lambda: _grad_with(leaf()),
                                         np.full((2, 3), 2.0, np.float32)),
    "grad(f returns a float)": (lambda: cr.grad(lambda a: 1.0)(cr.ones(3)).numpy(),
                                np.zeros(3, np.float32)),
    "grad(argnums=-1)": (lambda: cr.grad(lambda a, b: (a * b).sum(), argnums=-1)(
        cr.ones(3), cr.full(3, 2.0)).numpy(), np.ones(3, np.float32)),
    "jvp(int tangent)": (lambda: cr.jvp(SIN, (cr.zeros(3),), (cr.arange(3),))[1].numpy(),
                         np.arange(3.0, dtype=np.float32)),
    "vjp(int cotangent)": (lambda: cr.vjp(SIN, cr.zeros(3))[1](cr.arange(3))[0].numpy(),
                           np.arange(3.0, dtype=np.float32)),
    "custom bwd returns a bare tensor": (lambda: _custom_vjp_grad(lambda r, g: g * 3.0).numpy(),
                                         np.full(3, 3.0, np.float32)),
    "custom bwd returns an ndarray": (lambda: _custom_vjp_grad(
        lambda r, g: (np.full(3, 2.0, np.float32),)).numpy(), np.full(3, 2.0, np.float32)),
    "custom bwd returns None": (lambda: _custom_vjp_grad(lambda r, g: (None,)), None),
    "vmap(in_axes=[0])": (lambda: cr.vmap(SIN, in_axes=[0])(cr.zeros(3)).numpy(),
                          np.zeros(3, np.float32)),
    "hvp(non-tuple primals)": (lambda: cr.hvp(lambda a: (a ** 3).sum(), cr.ones(2),
                                              cr.ones(2)).numpy(), np.full(2, 6.0, np.float32)),
    "requires_grad=np.True_": (lambda: cr.tensor(1.0, requires_grad=np.True_).requires_grad,
                               True),
    "tensordot(axes=0)": (lambda: cr.tensordot(cr.arange(2.0), cr.arange(3.0), 0).numpy(),
                          np.tensordot(np.arange(2.0), np.arange(3.0), 0).astype(np.float32)),
    "einsum broadcasts a length-1 index": (
        lambda: cr.einsum("ij,jk->ik", cr.ones((2, 1)), cr.ones((3, 4))).numpy(),
        np.einsum("ij,jk->ik", np.ones((2, 1)), np.ones((3, 4))).astype(np.float32)),
    "repeat with a count per element": (lambda: cr.repeat(cr.arange(3.0), [1, 0, 2]).numpy(),
                                        np.repeat(np.arange(3.0), [1, 0, 2])),
    "roll with a shift per axis": (
        lambda: cr.roll(cr.arange(6.0).reshape(2, 3), (1, 1), axis=(0, 1)).numpy(),
        np.roll(np.arange(6.0).reshape(2, 3), (1, 1), axis=(0, 1))),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_inputs_give_the_right_result(name):
    got, expected = ACCEPTED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # floor_divide by 0 warns, as NumPy does
        cr.random.seed(0)
        got = got()
        if callable(expected):
            expected = expected()
    if expected is None or isinstance(expected, bool):
        assert got is expected, (name, got)
    else:
        assert np.shape(got) == np.shape(expected), (name, got, expected)
        np.testing.assert_array_equal(got, expected, err_msg=name)


# ---------------------------------------------------------------- known gaps

# The operand conversion of the primitives (chainrule/primitive.py, being changed by its
# owner) names the operand's type but not the op, and lets NumPy arrays of objects
# through (equal then compares objects; arctan2 fails inside NumPy, named). strict: once
# primitive.py does both, these pass, and the marker must go.
OBJECTS = np.array([None, 1], dtype=object)


@pytest.mark.parametrize("call", [
    lambda: cr.ones(3) + None, lambda: cr.sin(None), lambda: cr.exp("a"),
    lambda: cr.multiply(cr.ones(3), {}), lambda: cr.add(None, None),
    lambda: cr.equal(cr.ones(2), OBJECTS), lambda: cr.arctan2(cr.ones(2), OBJECTS)],
    ids=["add None", "sin None", "exp string", "multiply dict", "add both None",
         "equal object array", "arctan2 object array"])
def test_operand_errors_name_the_op(call):
    with pytest.raises(TypeError) as info:
        call()
    assert re.match(r"(add|sin|exp|multiply|equal|arctan2): ", str(info.value)), \
        str(info.value)


# ---------------------------------------------------------------- junk, drawn at random

JUNK = st.one_of(
    st.none(), st.text(max_size=5), st.binary(max_size=5), st.builds(Junk),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.sets(st.integers(), min_size=1, max_size=3).map(frozenset),
    st.lists(st.one_of(st.none(), st.text(min_size=1, max_size=2)), min_size=1, max_size=3),
    # ragged nests of floats: two rows of different lengths, at some depth
    st.tuples(st.integers(1, 3), st.integers(1, 3)).filter(lambda t: t[0] != t[1]).map(
        lambda t: [[1.0] * t[0], [2.0] * t[1]]),
    st.integers(1, 3).map(lambda n: [[[1.0]] * n, [[1.0, 2.0]] * n]),
    st.just(lambda: None), st.just(object), st.just(Ellipsis),
    st.sampled_from([np.array(["a", "b"]), np.array([None, 1], dtype=object),
                     np.array([object()])]),
)

UNARY = ["sin", "exp", "log", "sqrt", "tanh", "negative", "abs", "square", "sigmoid", "relu",
         "sum", "mean", "max", "var", "cumsum", "softmax", "logsumexp", "ravel", "flip",
         "transpose", "atleast_2d", "copy", "argmax", "isnan", "norm"]
CREATION = ["tensor", "asarray", "zeros_like", "ones_like", "empty_like"]
SHAPES = ["zeros", "ones", "empty"]


def _examples(factor: int) -> int:
    return factor * settings().max_examples


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(UNARY + CREATION), junk=JUNK)
def test_junk_data_is_refused_with_a_standard_error(name, junk):
    """Data that is not numbers never becomes a tensor: no object or string tensor,
    no NaN for None; a creation error, a TypeError or a ValueError."""
    with pytest.raises((TypeError, ValueError)) as info:
        getattr(cr, name)(junk)
    assert re.search(r"tensor|string|dtype|None|rectangular|numbers", str(info.value)), \
        (name, junk, str(info.value))


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(SHAPES), junk=st.one_of(
    JUNK.filter(lambda j: not (isinstance(j, list) and j and isinstance(j[0], list))),
    st.floats(allow_nan=True).filter(lambda f: not float(f).is_integer()),
    st.integers(-5, -1), st.tuples(st.integers(1, 3), st.floats(0.5, 2.5))))
def test_junk_shapes_are_refused_naming_the_function(name, junk):
    with pytest.raises((TypeError, ValueError)) as info:
        getattr(cr, name)(junk)
    assert str(info.value).startswith(f"{name}: shape"), str(info.value)


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["add", "subtract", "multiply", "divide", "power", "maximum",
                             "arctan2", "matmul", "equal", "less"]),
       junk=JUNK.filter(lambda j: not (isinstance(j, np.ndarray) and j.dtype == object)),
       left=st.booleans())
def test_junk_operands_are_refused(name, junk, left):
    """An op between a tensor and junk raises; the message names the op or the operand."""
    x = cr.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((TypeError, ValueError)) as info:
            getattr(cr, name)(*((junk, x) if left else (x, junk)))
    message = str(info.value)
    assert re.search(rf"^{name}: |operand|tensor from", message), (name, junk, message)


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(gradient=st.one_of(JUNK.filter(lambda j: j is not None),  # None: "no gradient"
                          st.integers(1, 4).map(lambda n: cr.ones(n)),
                          st.integers(1, 4).map(lambda n: np.ones((n, 1)))))
def test_junk_gradients_are_refused_naming_gradient(gradient):
    x = leaf()
    y = x * 2.0
    with pytest.raises((TypeError, RuntimeError)) as info:
        y.backward(gradient=gradient)
    assert str(info.value).startswith("backward: gradient "), str(info.value)
    assert x.grad is None   # nothing was accumulated on the way


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.one_of(st.floats().filter(lambda f: not (math.isfinite(f) and f.is_integer()
                                                        and f >= 0)),
                      st.integers(max_value=-1), JUNK))
def test_bad_seeds_are_refused(seed):
    with pytest.raises((TypeError, ValueError)) as info:
        cr.random.seed(seed)
    assert str(info.value).startswith("seed must be"), str(info.value)


@settings(max_examples=_examples(5), suppress_health_check=[HealthCheck.too_slow])
@given(transform=st.sampled_from(["grad", "value_and_grad", "jacrev", "jacfwd", "hessian",
                                  "vmap", "checkpoint"]),
       junk=st.one_of(JUNK.filter(lambda j: not callable(j)), st.integers(), st.floats()))
def test_transforms_refuse_a_junk_function_at_once(transform, junk):
    with pytest.raises(TypeError) as info:
        getattr(cr, transform)(junk)
    assert str(info.value).startswith(f"{transform}: f must be a function"), str(info.value)
