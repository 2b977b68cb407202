"""What to check for every differentiable function: inputs drawn from each one's domain,
on broadcast shapes, 0-d inputs, and (for reductions) axis tuples and keepdims.

A case is a function of tensors and the inputs to draw for it: ``(domain, shape)`` pairs,
or fixed arrays for inputs that are not differentiated.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import chainrule as cr
import chainrule.ops as chainrule_ops


@dataclass
class Case:
    name: str             # the function under test (as in the issue's list)
    fn: object            # callable on tensors
    inputs: tuple         # ((domain, shape) | np.ndarray, ...)
    label: str = ""
    tolerances: dict = field(default_factory=dict)  # eps / atol / rtol overrides
    zero_gradient: tuple = ()  # inputs whose gradient is zero everywhere, by design

    @property
    def id(self) -> str:
        shapes = ",".join(str(i[1]) if isinstance(i, tuple) else "const" for i in self.inputs)
        return f"{self.name}[{self.label or shapes}]"


def draw(domain: str, shape, rng) -> np.ndarray:
    if domain == "real":
        return rng.uniform(-1.5, 1.5, shape)
    if domain == "positive":
        return rng.uniform(0.5, 2.0, shape)
    if domain == "unit":
        return rng.uniform(-0.8, 0.8, shape)
    if domain == "probability":  # ndtri (tests/strategies_special.py)
        return rng.uniform(0.1, 0.9, shape)
    if domain == "above_one":
        return rng.uniform(1.2, 3.0, shape)
    if domain == "nonzero":
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)
    if domain == "both_signs":  # nonzero, and both signs once there are two elements
        n = int(np.prod(shape))
        signs = rng.permutation(np.resize([1.0, -1.0], n))
        return (signs * rng.uniform(0.5, 2.0, n)).reshape(shape)
    if domain == "distinct":  # no ties, far from each other (max, min, sort)
        # Inside (-2, 2), not at its ends: a single value is near 0, so it falls among
        # the values of another input (a 0-d input of maximum must win some, lose some).
        n = int(np.prod(shape))
        values = rng.permutation(np.linspace(-2.0, 2.0, n + 2)[1:-1])
        return (values + rng.uniform(-0.05, 0.05, n)).reshape(shape)
    if domain == "given":  # fixed values, still differentiated: given(...) below
        return np.array(shape, dtype=np.float64)
    if domain == "with_zeros":
        values = rng.uniform(0.5, 2.0, shape)
        flat = values.reshape(-1)
        flat[:: 3] = 0.0
        return values
    if domain == "matrix":  # well-conditioned square matrices
        n = shape[-1]
        return rng.uniform(-1, 1, shape) + 3 * np.eye(n)
    raise ValueError(domain)


def given(values) -> tuple:
    """An input with these values (differentiated), for cases that must reach branches."""
    return ("given", np.asarray(values, dtype=np.float64))


BROADCAST_PAIRS = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ())]
UNARY_SHAPES = [(), (3,), (2, 3)]
REDUCE_AXES = [None, 0, -1, (0, 2), (1,)]

CASES: list[Case] = []


def add(name, fn, *inputs, label="", zero_gradient=(), **tolerances):
    CASES.append(Case(name, fn, tuple(inputs), label, tolerances, tuple(zero_gradient)))


# ---------------------------------------------------------------- elementwise, one input

ELEMENTWISE = {
    "sqrt": "positive", "cbrt": "nonzero", "exp": "real", "expm1": "real", "exp2": "real",
    "log": "positive", "log1p": "positive", "log2": "positive", "log10": "positive",
    "sin": "real", "cos": "real", "tan": "unit", "arcsin": "unit", "arccos": "unit",
    "arctan": "real", "sinh": "real", "cosh": "real", "tanh": "real", "arcsinh": "real",
    "arccosh": "above_one", "arctanh": "unit", "negative": "real", "abs": "nonzero",
    "reciprocal": "nonzero", "square": "real", "sigmoid": "real", "relu": "both_signs",
    "copy": "real",
}
for _name, _domain in ELEMENTWISE.items():
    for _shape in UNARY_SHAPES:
        add(_name, getattr(cr, _name), (_domain, _shape))
add("abs", abs, ("nonzero", (3,)), label="operator")
add("negative", lambda x: -x, ("real", (3,)), label="operator")

# ---------------------------------------------------------------- elementwise, two inputs

BINARY = {
    "add": ("real", "real"), "subtract": ("real", "real"), "multiply": ("real", "real"),
    "divide": ("real", "nonzero"), "power": ("positive", "real"),
    "maximum": ("distinct", "distinct"), "minimum": ("distinct", "distinct"),
    "arctan2": ("real", "nonzero"),
}
for _name, (_da, _db) in BINARY.items():
    for _sa, _sb in BROADCAST_PAIRS:
        add(_name, getattr(cr, _name), (_da, _sa), (_db, _sb))
for _name, _op in [("add", lambda x, y: x + y), ("subtract", lambda x, y: x - y),
                   ("multiply", lambda x, y: x * y), ("divide", lambda x, y: x / y)]:
    add(_name, lambda x, _op=_op: _op(x, 1.7), ("real", (3,)), label="tensor-scalar")
    add(_name, lambda x, _op=_op: _op(1.7, x), ("nonzero", (3,)), label="scalar-tensor")
add("power", lambda x: x ** 2, ("real", (3,)), label="x**2")
add("power", lambda x: x ** 3, ("real", ()), label="x**3 0-d")
add("power", lambda x: x ** 0.5, ("positive", (2, 3)), label="x**0.5")
add("power", lambda x: x ** -1.5, ("positive", (3,)), label="x**-1.5")
add("power", lambda x: 2.0 ** x, ("real", (3,)), label="2**x")
add("remainder", lambda x: cr.remainder(x, 1.7), ("positive", (3,)), label="x % 1.7")
add("remainder", lambda y: cr.remainder(cr.tensor([2.5, 3.1, 4.4], dtype=cr.float64), y),
    ("above_one", (3,)), label="c % y")

# ---------------------------------------------------------------- selection

_COND = np.array([[True, False, True], [False, True, True]])
add("where", lambda x, y: cr.where(_COND, x, y), ("real", (2, 3)), ("real", (3,)))
add("where", lambda x: cr.where(_COND, x, 0.0), ("real", (2, 3)), label="scalar y")
add("where", lambda x: cr.where(x > 0, x, 2 * x), ("both_signs", (2, 3)), label="cond on x")
add("where", lambda x, y: cr.where(np.array(True), x, y), ("real", ()), ("real", ()),
    zero_gradient=(1,), label="0-d")
add("where", lambda x: cr.where(x > 0, x, 2 * x), ("real", ()), label="0-d cond on x")
add("clip", lambda x: cr.clip(x, -0.5, 0.7), ("distinct", (6,)), label="scalar bounds")
add("clip", lambda x: cr.clip(x, None, 0.3), ("distinct", (2, 3)), label="upper only")
# Each input decides some element: x[0, 0] and x[1, 1] are below lo, x[0, 2] above hi.
add("clip", lambda x, lo, hi: cr.clip(x, lo, hi),
    given([[-1.8, 0.1, 1.9], [0.3, -0.9, 1.2]]), given([-1.0, -0.5, 0.0]),
    given([[0.8], [1.5]]), label="tensor bounds")
add("clip", lambda x: cr.clip(x, -0.5, 0.7), given(0.3), label="0-d")
add("clip", lambda x, lo, hi: cr.clip(x, lo, hi), given(0.2), given(-1.0), given(1.0),
    zero_gradient=(1, 2), label="0-d tensors, inside")
add("clip", lambda x, lo, hi: cr.clip(x, lo, hi), given(-1.5), given(-1.0), given(1.0),
    zero_gradient=(0, 2), label="0-d tensors, below")

# ---------------------------------------------------------------- reductions

for _name in ("sum", "mean", "prod", "var", "std", "logsumexp"):
    _domain = "positive" if _name == "prod" else "real"
    # One value: its variance is 0 whatever it is (and std's gradient there is 0).
    add(_name, getattr(cr, _name), (_domain, ()), label="0-d",
        zero_gradient=(0,) if _name in ("var", "std") else ())
    add(_name, lambda x, _f=getattr(cr, _name): _f(x, axis=0, keepdims=True), (_domain, ()),
        label="0-d axis=0", zero_gradient=(0,) if _name in ("var", "std") else ())
    for _axis in REDUCE_AXES:
        for _keep in (False, True):
            add(_name, lambda x, _f=getattr(cr, _name), _a=_axis, _k=_keep: _f(x, _a, keepdims=_k),
                (_domain, (2, 3, 4)), label=f"axis={_axis},keepdims={_keep}")
add("prod", lambda x: cr.prod(x, 1), ("with_zeros", (2, 4)), label="zeros axis=1")
# Two zeros: every first derivative is 0 (the second derivatives are not).
add("prod", lambda x: cr.prod(x), ("with_zeros", (2, 3)), label="zeros all",
    zero_gradient=(0,))
add("prod", lambda x: cr.prod(x), ("with_zeros", (3,)), label="one zero all")
add("var", lambda x: cr.var(x, 1, ddof=1), ("real", (2, 4)), label="ddof=1")
for _name in ("max", "min"):
    add(_name, getattr(cr, _name), ("distinct", ()), label="0-d")
    add(_name, lambda x, _f=getattr(cr, _name): _f(x, -1), ("distinct", ()), label="0-d axis=-1")
    for _axis in REDUCE_AXES:
        for _keep in (False, True):
            add(_name, lambda x, _f=getattr(cr, _name), _a=_axis, _k=_keep: _f(x, _a, keepdims=_k),
                ("distinct", (2, 3, 4)), label=f"axis={_axis},keepdims={_keep}")
for _name in ("cumsum", "cumprod"):
    for _axis in (None, 0, 1, -1):
        add(_name, lambda x, _f=getattr(cr, _name), _a=_axis: _f(x, _a),
            ("positive", (2, 3)), label=f"axis={_axis}")
add("cumprod", lambda x: cr.cumprod(x, 1), ("with_zeros", (2, 4)), label="zeros")
add("cumsum", lambda x: cr.cumsum(x, 0), ("real", ()), label="0-d")
add("cumprod", cr.cumprod, ("positive", ()), label="0-d")
add("cumprod", lambda x: cr.cumprod(x, -1), ("positive", ()), label="0-d axis=-1")
for _name in ("softmax", "log_softmax"):
    add(_name, getattr(cr, _name), ("real", (2, 3)))
    add(_name, lambda x, _f=getattr(cr, _name): _f(x, axis=0), ("real", (3, 2)), label="axis=0")
    add(_name, getattr(cr, _name), ("real", (4,)), label="1-d")
    add(_name, lambda x, _f=getattr(cr, _name): _f(x, axis=(0, 2)), ("real", (2, 2, 3)),
        label="axis=(0, 2)")
    # One value on its own: softmax 1, log_softmax 0, whatever the value.
    add(_name, getattr(cr, _name), ("real", ()), label="0-d", zero_gradient=(0,))
    add(_name, lambda x, _f=getattr(cr, _name): (_f(x * x) + 2.0) * x, ("real", ()),
        label="0-d in a product")
add("logsumexp", lambda x: cr.logsumexp(x * 400.0, 1), ("real", (2, 3)),
    label="large values")

# ---------------------------------------------------------------- products, linear algebra

for _sa, _sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2))]:
    add("matmul", cr.matmul, ("real", _sa), ("real", _sb))
add("matmul", lambda x, y: x @ y, ("real", (2, 3)), ("real", (3, 2)), label="operator")
for _sa, _sb in [((3,), (3,)), ((2, 3), (3, 2)), ((2, 3), (3,)), ((), (3,)), ((2, 2, 3), (4, 3, 2))]:
    add("dot", cr.dot, ("real", _sa), ("real", _sb))
add("vdot", cr.vdot, ("real", (2, 3)), ("real", (2, 3)))
add("inner", cr.inner, ("real", (2, 3)), ("real", (4, 3)))
add("inner", cr.inner, ("real", (3,)), ("real", (3,)), label="vectors")
add("outer", cr.outer, ("real", (3,)), ("real", (2, 2)))
for _name in ("vdot", "inner", "outer", "dot"):
    add(_name, getattr(cr, _name), ("real", ()), ("real", ()), label="0-d")
add("inner", cr.inner, ("real", ()), ("real", (2, 3)), label="0-d with (2, 3)")
add("outer", cr.outer, ("real", ()), ("real", (3,)), label="0-d with (3,)")
add("tensordot", lambda a, b: cr.tensordot(a, b, 0), ("real", ()), ("real", ()),
    label="axes=0 0-d")
add("tensordot", lambda a, b: cr.tensordot(a, b, 0), ("real", (2,)), ("real", (3,)),
    label="axes=0")
add("einsum", lambda a, b: cr.einsum(",->", a, b), ("real", ()), ("real", ()), label=",->")
add("einsum", lambda a, b: cr.einsum(",i->i", a, b), ("real", ()), ("real", (3,)),
    label=",i->i")
add("tensordot", lambda a, b: cr.tensordot(a, b, 1), ("real", (2, 3)), ("real", (3, 2)),
    label="axes=1")
add("tensordot", lambda a, b: cr.tensordot(a, b, ([0, 2], [1, 0])), ("real", (2, 3, 4)),
    ("real", (4, 2, 2)), label="axes pairs")
add("tensordot", lambda a, b: cr.tensordot(a, b, 2), ("real", (2, 3, 2)), ("real", (3, 2)),
    label="axes=2")
for _spec, _shapes in [("ij,jk->ik", [(2, 3), (3, 2)]), ("ii->", [(3, 3)]), ("ii->i", [(3, 3)]),
                       ("i,i->", [(3,), (3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
                       ("...ij->...ji", [(2, 2, 3)]), ("ij->", [(2, 3)]),
                       ("ij,ij->ij", [(2, 3), (2, 3)]), ("ij,jk", [(2, 3), (3, 2)]),
                       ("i,j,k->ijk", [(2,), (3,), (2,)]), ("iij,j->i", [(2, 2, 3), (3,)]),
                       ("ij,j->i", [(2, 3), (3,)])]:
    add("einsum", lambda *ops, _s=_spec: cr.einsum(_s, *ops), *[("real", s) for s in _shapes],
        label=_spec)
for _label, _kw, _shape in [("2-norm", {}, (4,)), ("ord=1", {"ord": 1}, (4,)),
                            ("ord=inf", {"ord": math.inf}, (4,)),
                            ("ord=-inf", {"ord": -math.inf}, (4,)),
                            ("ord=3", {"ord": 3}, (4,)), ("fro", {}, (2, 3)),
                            ("axis=1", {"axis": 1}, (2, 3)),
                            ("axis=0 keepdims", {"axis": 0, "keepdims": True}, (2, 3)),
                            ("matrix ord=1", {"ord": 1}, (3, 3)),
                            ("matrix ord=inf", {"ord": math.inf}, (3, 3)),
                            ("matrix fro axes", {"ord": "fro", "axis": (1, 2)}, (2, 2, 3)),
                            ("0-d", {}, ())]:
    add("linalg.norm", lambda x, _k=_kw: cr.linalg.norm(x, **_k), ("distinct", _shape),
        label=_label)
add("linalg.inv", cr.linalg.inv, ("matrix", (3, 3)))
add("linalg.inv", cr.linalg.inv, ("matrix", (2, 3, 3)), label="batched")
add("linalg.det", cr.linalg.det, ("matrix", (3, 3)))
add("linalg.det", cr.linalg.det, ("matrix", (2, 2, 2)), label="batched")
# Singular matrices: the derivative is the cofactor matrix (there det · X⁻ᵀ is 0 · ∞).
add("linalg.det", cr.linalg.det, given(np.ones((2, 2))), label="singular")
add("linalg.det", cr.linalg.det, given([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]),
    label="singular, rank 2")
add("linalg.det", cr.linalg.det,
    given([[[1.0, 2.0], [2.0, 4.0 + 1e-12]], [[2.0, 1.0], [1.0, 3.0]]]),
    label="batched, nearly singular")
add("linalg.det", cr.linalg.det, given([[[0.7]], [[0.0]]]), label="1x1")
add("linalg.slogdet", lambda x: cr.linalg.slogdet(x)[1], ("matrix", (3, 3)))
add("linalg.slogdet", lambda x: cr.linalg.slogdet(-x)[1], ("matrix", (2, 3, 3)),
    label="negative det, batched")
add("linalg.solve", cr.linalg.solve, ("matrix", (3, 3)), ("real", (3,)), label="vector b")
add("linalg.solve", cr.linalg.solve, ("matrix", (3, 3)), ("real", (3, 2)), label="matrix b")
add("linalg.solve", cr.linalg.solve, ("matrix", (2, 3, 3)), ("real", (1, 3, 2)),
    label="batched a")

# ---------------------------------------------------------------- shape and indexing

add("reshape", lambda x: cr.reshape(x, (3, 2)), ("real", (2, 3)))
add("reshape", lambda x: x.reshape(-1, 1), ("real", (2, 3)), label="method -1")
add("reshape", lambda x: cr.reshape(x, (1, 1)), ("real", ()), label="0-d")
add("ravel", cr.ravel, ("real", (2, 3)))
add("ravel", cr.ravel, ("real", ()), label="0-d")
add("transpose", cr.transpose, ("real", (2, 3, 4)))
add("transpose", lambda x: cr.transpose(x, (1, 2, 0)), ("real", (2, 3, 4)), label="axes")
add("transpose", lambda x: x.T, ("real", (2, 3)), label=".T")
add("transpose", cr.transpose, ("real", ()), label="0-d")
add("transpose", lambda x: cr.transpose(x, ()), ("real", ()), label="0-d axes=()")
add("swapaxes", lambda x: cr.swapaxes(x, 0, 2), ("real", (2, 3, 4)))
add("moveaxis", lambda x: cr.moveaxis(x, 0, -1), ("real", (2, 3, 4)))
add("squeeze", cr.squeeze, ("real", (2, 1, 3, 1)))
add("squeeze", lambda x: cr.squeeze(x, 1), ("real", (2, 1, 3)), label="axis")
add("squeeze", cr.squeeze, ("real", ()), label="0-d")
add("squeeze", lambda x: cr.squeeze(x, 0), ("real", ()), label="0-d axis=0")
add("squeeze", cr.squeeze, ("real", (1, 1)), label="to 0-d")
add("expand_dims", lambda x: cr.expand_dims(x, (0, 2)), ("real", (2, 3)))
add("expand_dims", lambda x: cr.expand_dims(x, 0), ("real", ()), label="0-d")
add("expand_dims", lambda x: cr.expand_dims(x, (0, -1)), ("real", ()), label="0-d two axes")
add("broadcast_to", lambda x: cr.broadcast_to(x, (2, 2, 3)), ("real", (2, 1)))
add("broadcast_to", lambda x: cr.broadcast_to(x, (2, 3)), ("real", (3,)), label="(3,)->(2,3)")
add("broadcast_to", lambda x: cr.broadcast_to(x, (3,)), ("real", ()), label="0-d")
add("concatenate", lambda a, b: cr.concatenate([a, b], 1), ("real", (2, 3)), ("real", (2, 1)))
add("concatenate", lambda a, b, c: cr.concatenate([a, b, c]), ("real", (2,)), ("real", (3,)),
    ("real", (1,)), label="three")
add("stack", lambda a, b: cr.stack([a, b], 1), ("real", (2, 3)), ("real", (2, 3)))
add("stack", lambda a, b: cr.stack([a, b]), ("real", ()), ("real", ()), label="0-d")
add("hstack", lambda a, b: cr.hstack([a, b]), ("real", (3,)), ("real", (2,)))
add("hstack", lambda a, b: cr.hstack([a, b]), ("real", (2, 2)), ("real", (2, 1)), label="2-d")
add("vstack", lambda a, b: cr.vstack([a, b]), ("real", (3,)), ("real", (2, 3)))
add("hstack", lambda a, b: cr.hstack([a, b]), ("real", ()), ("real", ()), label="0-d")
add("hstack", lambda a, b: cr.hstack([a, b]), ("real", ()), ("real", (2,)), label="0-d, (2,)")
add("vstack", lambda a, b: cr.vstack([a, b]), ("real", ()), ("real", ()), label="0-d")
add("vstack", lambda a, b: cr.vstack([a, b]), ("real", ()), ("real", (2, 1)),
    label="0-d, (2, 1)")
add("split", lambda x: cr.split(x, 3, 1)[1] * 2 + cr.split(x, 3, 1)[2],
    ("real", (2, 6)), label="sections")
add("split", lambda x: cr.concatenate(cr.split(x, [1, 3])[::-1]), ("real", (5,)),
    label="indices")
add("flip", lambda x: cr.flip(x, 1), ("real", (2, 3)))
add("flip", cr.flip, ("real", (2, 3)), label="all axes")
add("flip", cr.flip, ("real", ()), label="0-d")
add("roll", lambda x: cr.roll(x, 1, 1), ("real", (2, 3)))
add("roll", lambda x: cr.roll(x, -2), ("real", (2, 3)), label="flattened")
add("roll", lambda x: cr.roll(x, (1, 2), (0, 1)), ("real", (2, 3)), label="tuples")
add("roll", lambda x: cr.roll(x, 1), ("real", ()), label="0-d")
add("repeat", lambda x: cr.repeat(x, 2, 1), ("real", (2, 3)))
add("repeat", lambda x: cr.repeat(x, [1, 0, 3], 0), ("real", (3, 2)), label="array repeats")
add("repeat", lambda x: cr.repeat(x, 2), ("real", (2, 2)), label="flattened")
add("repeat", lambda x: cr.repeat(x, 3), ("real", ()), label="0-d")
add("repeat", lambda x: cr.repeat(x, 2, 0), ("real", ()), label="0-d axis=0")
add("tile", lambda x: cr.tile(x, (2, 1, 2)), ("real", (2, 3)))
add("tile", lambda x: cr.tile(x, 3), ("real", ()), label="0-d")
add("pad", lambda x: cr.pad(x, ((1, 0), (2, 1)), constant_values=0.5), ("real", (2, 3)))
add("pad", lambda x: cr.pad(x, 1), ("real", (3,)), label="scalar width")
add("pad", lambda x: cr.pad(x, 0), ("real", ()), label="0-d")
add("pad", lambda x: cr.pad(x, 2, constant_values=0.5), ("real", ()), label="0-d width 2")
add("take", lambda x: cr.take(x, [0, 2, 2], axis=1), ("real", (2, 3)))
add("take", lambda x: cr.take(x, [5, 0, 5]), ("real", (2, 3)), label="flattened")
add("take", lambda x: cr.take(x, [0, 0]), ("real", ()), label="0-d")
add("take", lambda x: cr.take(x, 0), ("real", ()), label="0-d scalar index")
add("take", lambda x: cr.take(x, [0, 0], axis=0), ("real", ()), label="0-d along axis 0")
add("getitem", lambda x: x[1:, ::2], ("real", (3, 4)), label="slices")
add("getitem", lambda x: x[..., None, 1], ("real", (2, 3)), label="ellipsis None int")
add("getitem", lambda x: x[[0, 2, 0, 0]], ("real", (3, 2)), label="repeated ints")
add("getitem", lambda x: x[np.array([[0, 1], [1, 1]]), 1:], ("real", (3, 2)),
    label="int array + slice")
add("getitem", lambda x: x[x > 0], ("both_signs", (2, 3)), label="mask")
add("getitem", lambda x: x[1], ("real", (2, 3)), label="int")
add("getitem", lambda x: x[()], ("real", ()), label="0-d x[()]")
add("getitem", lambda x: x[None], ("real", ()), label="0-d x[None]")
add("getitem", lambda x: x[..., None, None] * x[...], ("real", ()), label="0-d ellipsis")
add("setitem", lambda x, v: _assign(x, (slice(None), [2, 0, 2]), v), ("real", (2, 3)),
    ("real", (3,)), label="x[:, [2, 0, 2]] = v (repeated)")
add("setitem", lambda x, v: _assign(x, 1, v), ("real", (3, 2)), ("real", ()), label="x[1] = v")
# The functional form that x[index] = v records: under vmap it can write a batched v
# into an unbatched x (which x[index] = v cannot do in place).
add("index_put", lambda x, v: chainrule_ops.index_put(x, v, chainrule_ops.normalize_index(
    (slice(None), [2, 0, 2]))), ("real", (2, 3)), ("real", (3,)), label="x[:, [2, 0, 2]]")
add("index_put", lambda x, v: chainrule_ops.index_put(x, v, chainrule_ops.normalize_index(1)),
    ("real", (3, 2)), ("real", ()), label="x[1]")
add("astype", lambda x: cr.astype(cr.astype(x, np.float32), np.float64), ("real", (3,)),
    label="float64->float32->float64", eps=1e-2, atol=1e-4)
add("astype", lambda x: x.astype(np.float32) * 2.0, ("real", (2,)),
    label="float32 output", eps=1e-2, atol=1e-4)
add("astype", lambda x: cr.astype(cr.astype(x, np.float32), np.float64), ("real", ()),
    label="0-d", eps=1e-2, atol=1e-4)

# The identity that transforms record for their inputs.
add("alias", chainrule_ops.alias, ("real", (2, 3)))

# ---------------------------------------------------------------- composites in the chapter
add("chapter control flow",
    lambda a: _control_flow(a), ("nonzero", (3,)), label="vector")


def _assign(x, index, v):
    y = x * 1.0
    y[index] = v
    return y


def _control_flow(a):
    b = a * 2
    while cr.linalg.norm(b) < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


# Every function named in the core's list must be checked here.
REQUIRED = """add subtract multiply divide negative power reciprocal square sqrt cbrt exp
expm1 exp2 log log1p log2 log10 sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh
arcsinh arccosh arctanh abs maximum minimum where clip sum mean prod max min var std
cumsum cumprod logsumexp softmax log_softmax sigmoid relu dot vdot matmul tensordot einsum
outer inner linalg.norm linalg.inv linalg.det linalg.slogdet linalg.solve reshape ravel
transpose swapaxes moveaxis squeeze expand_dims broadcast_to concatenate stack hstack vstack
split flip roll repeat tile pad take getitem setitem astype""".split()
