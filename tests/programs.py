"""Random straight-line programs over the operations chainrule, PyTorch and JAX share.

A program is data: a few float64 inputs, then a list of steps, each an operation kind
(a key of ``KINDS``), its operands (indices of earlier values, or constant arrays) and
its parameters (axes, shapes, exponents, ...). ``run`` interprets one program with any
of four backends (NumPy, chainrule, PyTorch, JAX), each speaking the same small
vocabulary, so the same program is computed four ways and nothing is passed to eval.

The generator evaluates every step in NumPy as it goes and keeps a step only where the
comparison is about a smooth point:

- domains with a margin: log, sqrt, reciprocal, division, real powers see values
  >= 0.1 away from their boundary; arcsin, arccos, arctanh see |x| <= 0.9; arccosh
  x >= 1.1; tan |cos x| >= 0.2. Where a value is outside, a guard is inserted first
  (x*x + c, tanh(x)*0.8, a shift, or c*I added to a matrix) -- guards are ordinary steps;
- kinks and ties at least ``KINK`` = 1e-3 away: abs, relu, sign, floor, clip, where's
  condition, maximum and minimum (|x - y|), max/min reductions and the inf-norm (the
  two largest along each reduced slice), the 1-norm (no element near 0), std and the
  2-norm (not near 0), arctan2 (not near the origin nor its branch cut, y = 0 with x < 0);
- every value finite, |value| <= ``BOUND``, 1 to ``MAX_SIZE`` elements and at most 4-d;
- matrices given to det, inv, slogdet and solve have condition number <= ``MAX_COND``.

A step that fails its check (after its guard, if it has one) becomes tanh of the operand,
which is always valid. The three frameworks agree to ~1e-15 relative on forward values,
so a margin of 1e-3 cannot put them on different sides of a kink.

Left out, with reasons: cbrt (PyTorch has none), sort/argsort (chainrule has none),
axis=() (PyTorch reads an empty dim tuple as "all axes", NumPy as "none"), negative slice
steps (PyTorch has none; flip covers reversal), prod over several axes (PyTorch's prod
takes one dim), non-constant padding modes, in-place operations (JAX has none), and
empty arrays (the property tests cover those).
"""
from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

KINK = 1e-3          # distance kept from kinks, ties and branch cuts
DOMAIN = 0.1         # distance kept from a domain's boundary
BOUND = 1e3          # largest magnitude of any value
MAX_SIZE = 64        # largest number of elements of any value
MAX_NDIM = 4
MAX_COND = 50.0
MIN_OPS, MAX_OPS = 5, 30
MAX_INPUTS = 3


# --------------------------------------------------------------------------- programs

@dataclass(frozen=True)
class Step:
    kind: str
    args: tuple           # int (an earlier value) or np.ndarray (a constant)
    params: dict = field(default_factory=dict)

    def _repr_pretty_(self, printer, cycle):  # hypothesis prints failures with this
        printer.text(repr(self))

    def __repr__(self) -> str:
        args = ", ".join(f"v{a}" if isinstance(a, int) else _const_repr(a) for a in self.args)
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"{self.kind}({args}{params})"


@dataclass(frozen=True)
class Program:
    inputs: tuple         # float64 arrays, v0 .. v{n-1}
    steps: tuple          # Step, one value each: v{n}, v{n+1}, ...
    outputs: tuple        # indices of the values the scalar loss reads
    weights: tuple        # one array per output: loss = sum(sum(w * v) for outputs)
    tangents: tuple       # one array per input: the direction of the second-order check

    @property
    def kinds(self) -> list:
        return [step.kind for step in self.steps]

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def __repr__(self) -> str:
        n = len(self.inputs)
        lines = [f"v{i} = input {_const_repr(a)}" for i, a in enumerate(self.inputs)]
        lines += [f"v{n + i} = {step!r}" for i, step in enumerate(self.steps)]
        lines += [f"loss += sum({_const_repr(w)} * v{o})"
                  for o, w in zip(self.outputs, self.weights)]
        lines += [f"tangent of v{i} = {_const_repr(t)}" for i, t in enumerate(self.tangents)]
        return "Program(\n  " + "\n  ".join(lines) + "\n)"


def _const_repr(a) -> str:
    """One line that reads back exactly (Python floats print round-trip)."""
    return f"np.array({np.asarray(a).tolist()!r})"


def run(program: Program, backend, inputs) -> list:
    """Every value of the program (inputs first), computed with ``backend``."""
    values = list(inputs)
    for step in program.steps:
        operands = [values[a] if isinstance(a, int) else backend.const(a) for a in step.args]
        values.append(KINDS[step.kind].apply(backend, *operands, **step.params))
    return values


def loss(program: Program, backend, values):
    total = None
    for index, weight in zip(program.outputs, program.weights):
        term = backend.total(backend.const(weight) * values[index])
        total = term if total is None else total + term
    return total


# --------------------------------------------------------------------------- backends

class NumpyBackend:
    """The vocabulary the op table speaks, in NumPy: the reference the generator checks
    domains with. chainrule and JAX follow NumPy's names and reuse it."""

    name = "numpy"

    def __init__(self, ns=np, linalg=np.linalg):
        self.np = ns
        self.linalg = linalg

    def const(self, a):
        return a

    def total(self, x):
        return self.np.sum(x)

    def unary(self, name, x):
        return getattr(self.np, name)(x)

    def sigmoid(self, x):
        return 1.0 / (1.0 + np.exp(-x))

    def relu(self, x):
        return np.maximum(x, 0.0)

    def reduce(self, name, x, axis, keepdims):
        return getattr(self.np, name)(x, axis=axis, keepdims=keepdims)

    def logsumexp(self, x, axis, keepdims):
        top = np.max(x, axis=axis, keepdims=True)
        out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
        return out if keepdims else np.squeeze(out, axis=axis)

    def moment(self, name, x, axis, ddof, keepdims):
        return getattr(self.np, name)(x, axis=axis, ddof=ddof, keepdims=keepdims)

    def norm(self, x, ord, axis, keepdims):
        return self.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)

    def softmax(self, x, axis):
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return e / np.sum(e, axis=axis, keepdims=True)

    def log_softmax(self, x, axis):
        return x - self.logsumexp(x, axis, True)

    def cumulative(self, name, x, axis):
        return getattr(self.np, name)(x, axis=axis)

    def einsum(self, spec, *xs):
        return self.np.einsum(spec, *xs)

    def tensordot(self, a, b, axes):
        return self.np.tensordot(a, b, axes=axes)

    def outer(self, a, b):
        return self.np.outer(a, b)

    def inner(self, a, b):
        return self.np.inner(a, b)

    def det(self, x):
        return self.linalg.det(x)

    def inv(self, x):
        return self.linalg.inv(x)

    def slogdet(self, x):
        return self.linalg.slogdet(x)[1]

    def solve(self, a, b):
        return self.linalg.solve(a, b)

    def reshape(self, x, shape):
        return self.np.reshape(x, shape)

    def transpose(self, x, perm):
        return self.np.transpose(x, perm)

    def swapaxes(self, x, a, b):
        return self.np.swapaxes(x, a, b)

    def moveaxis(self, x, source, destination):
        return self.np.moveaxis(x, source, destination)

    def squeeze(self, x, axis):
        return self.np.squeeze(x, axis=axis)

    def expand_dims(self, x, axis):
        return self.np.expand_dims(x, axis)

    def broadcast_to(self, x, shape):
        return self.np.broadcast_to(x, shape)

    def flip(self, x, axis):
        return self.np.flip(x, axis=axis)

    def roll(self, x, shift, axis):
        return self.np.roll(x, shift, axis=axis)

    def repeat(self, x, repeats, axis):
        return self.np.repeat(x, repeats, axis=axis)

    def tile(self, x, reps):
        return self.np.tile(x, reps)

    def pad(self, x, widths, value):
        return self.np.pad(x, widths, constant_values=value)

    def take(self, x, indices, axis):
        return self.np.take(x, indices, axis=axis)

    def index(self, x, key):
        return x[key]

    def concatenate(self, xs, axis):
        return self.np.concatenate(xs, axis=axis)

    def stack(self, xs, axis):
        return self.np.stack(xs, axis=axis)

    def where(self, condition, x, y):
        return self.np.where(condition, x, y)

    def maximum(self, x, y):
        return self.np.maximum(x, y)

    def minimum(self, x, y):
        return self.np.minimum(x, y)

    def clip(self, x, low, high):
        return self.np.clip(x, low, high)

    def arctan2(self, y, x):
        return self.np.arctan2(y, x)


class ChainruleBackend(NumpyBackend):
    name = "chainrule"

    def __init__(self):
        import chainrule as cr
        super().__init__(cr, cr.linalg)
        self.cr = cr

    def const(self, a):
        return self.cr.tensor(a)

    def sigmoid(self, x):
        return self.cr.sigmoid(x)

    def relu(self, x):
        return self.cr.relu(x)

    def logsumexp(self, x, axis, keepdims):
        return self.cr.logsumexp(x, axis=axis, keepdims=keepdims)

    def softmax(self, x, axis):
        return self.cr.softmax(x, axis=axis)

    def log_softmax(self, x, axis):
        return self.cr.log_softmax(x, axis=axis)

    def slogdet(self, x):
        return self.cr.slogdet(x)[1]


class JaxBackend(NumpyBackend):
    name = "jax"

    def __init__(self):
        import jax
        import jax.numpy as jnp
        import jax.scipy.special
        super().__init__(jnp, jnp.linalg)
        self.jax = jax

    def const(self, a):
        return self.np.asarray(a)

    def sigmoid(self, x):
        return self.jax.nn.sigmoid(x)

    def relu(self, x):
        return self.jax.nn.relu(x)

    def logsumexp(self, x, axis, keepdims):
        return self.jax.scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)

    def softmax(self, x, axis):
        return self.jax.nn.softmax(x, axis=axis)

    def log_softmax(self, x, axis):
        return self.jax.nn.log_softmax(x, axis=axis)

    def slogdet(self, x):
        return self.linalg.slogdet(x)[1]


class TorchBackend:
    """The same vocabulary in PyTorch's names (dim/keepdim, correction, permute, ...)."""

    name = "torch"

    def __init__(self):
        import torch
        import torch.nn.functional
        self.torch = torch
        self.F = torch.nn.functional

    @staticmethod
    def _dims(x, axis):
        return tuple(range(x.ndim)) if axis is None else axis

    def const(self, a):
        if a.dtype == bool:
            return self.torch.from_numpy(a.copy())
        if a.dtype.kind == "i":
            return self.torch.from_numpy(a.astype(np.int64))
        return self.torch.tensor(a, dtype=self.torch.float64)

    def total(self, x):
        return x.sum()

    def unary(self, name, x):
        return getattr(self.torch, name)(x)

    def sigmoid(self, x):
        return self.torch.sigmoid(x)

    def relu(self, x):
        return self.torch.relu(x)

    def reduce(self, name, x, axis, keepdims):
        if name == "prod":
            if axis is None:
                out = self.torch.prod(x)
                return out.reshape((1,) * x.ndim) if keepdims else out
            return self.torch.prod(x, dim=axis, keepdim=keepdims)
        return getattr(self.torch, name)(x, dim=self._dims(x, axis), keepdim=keepdims)

    def logsumexp(self, x, axis, keepdims):
        return self.torch.logsumexp(x, dim=self._dims(x, axis), keepdim=keepdims)

    def moment(self, name, x, axis, ddof, keepdims):
        return getattr(self.torch, name)(x, dim=axis, correction=ddof, keepdim=keepdims)

    def norm(self, x, ord, axis, keepdims):
        if ord == "fro" or ord is None:
            ord = 2
        return self.torch.linalg.vector_norm(x, ord=ord, dim=axis, keepdim=keepdims)

    def softmax(self, x, axis):
        return self.torch.softmax(x, dim=axis)

    def log_softmax(self, x, axis):
        return self.torch.log_softmax(x, dim=axis)

    def cumulative(self, name, x, axis):
        return getattr(self.torch, name)(x, dim=axis)

    def einsum(self, spec, *xs):
        return self.torch.einsum(spec, *xs)

    def tensordot(self, a, b, axes):
        return self.torch.tensordot(a, b, dims=axes)

    def outer(self, a, b):
        return self.torch.outer(a, b)

    def inner(self, a, b):
        return self.torch.inner(a, b)

    def det(self, x):
        return self.torch.linalg.det(x)

    def inv(self, x):
        return self.torch.linalg.inv(x)

    def slogdet(self, x):
        return self.torch.linalg.slogdet(x).logabsdet

    def solve(self, a, b):
        return self.torch.linalg.solve(a, b)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def transpose(self, x, perm):
        return x.permute(perm)

    def swapaxes(self, x, a, b):
        return self.torch.swapaxes(x, a, b)

    def moveaxis(self, x, source, destination):
        return self.torch.moveaxis(x, source, destination)

    def squeeze(self, x, axis):
        return self.torch.squeeze(x) if axis is None else self.torch.squeeze(x, dim=axis)

    def expand_dims(self, x, axis):
        return self.torch.unsqueeze(x, axis)

    def broadcast_to(self, x, shape):
        return self.torch.broadcast_to(x, shape)

    def flip(self, x, axis):
        if axis is None:
            axis = tuple(range(x.ndim))
        return self.torch.flip(x, dims=(axis,) if isinstance(axis, int) else axis)

    def roll(self, x, shift, axis):
        if axis is None:
            return self.torch.roll(x, shift)
        return self.torch.roll(x, shift, dims=axis)

    def repeat(self, x, repeats, axis):
        return self.torch.repeat_interleave(x, repeats, dim=axis)

    def tile(self, x, reps):
        return self.torch.tile(x, reps)

    def pad(self, x, widths, value):
        flat = tuple(w for pair in reversed(widths) for w in pair)
        return self.F.pad(x, flat, mode="constant", value=value)

    def take(self, x, indices, axis):
        return self.torch.index_select(x, axis, indices)

    def index(self, x, key):
        key = tuple(self.const(k) if isinstance(k, np.ndarray) else k for k in key)
        return x[key]

    def concatenate(self, xs, axis):
        return self.torch.cat(list(xs), dim=axis)

    def stack(self, xs, axis):
        return self.torch.stack(list(xs), dim=axis)

    def where(self, condition, x, y):
        return self.torch.where(condition, x, y)

    def maximum(self, x, y):
        return self.torch.maximum(x, y)

    def minimum(self, x, y):
        return self.torch.minimum(x, y)

    def clip(self, x, low, high):
        return self.torch.clamp(x, low, high)

    def arctan2(self, y, x):
        return self.torch.arctan2(y, x)


NUMPY = NumpyBackend()


# --------------------------------------------------------------------------- the op table

@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    apply: object                 # (backend, *operands, **params) -> value
    propose: object               # (builder, operand index) -> (args, params[, guards])
    #                               or None where the kind does not apply to the operand
    check: object = None          # (builder, operand arrays, params, result) -> bool
    repair: object = None         # (builder, args, params) -> (position, [(kind, params)])


KINDS: dict[str, Kind] = {}


def _kind(name, group, apply, propose, check=None, repair=None):
    KINDS[name] = Kind(name, group, apply, propose, check, repair)


# Checks and guards ------------------------------------------------------------------

def _away_from(points):
    """A check: every element of the first operand at least KINK from each point."""
    def check(b, xs, params, out):
        return all(np.min(np.abs(xs[0] - p)) >= KINK for p in points)
    return check


def _lower(bound, position=0):
    return lambda b, xs, params, out: np.min(xs[position]) >= bound


def _magnitude_at_least(bound, position=0):
    return lambda b, xs, params, out: np.min(np.abs(xs[position])) >= bound


def _inside(bound):
    return lambda b, xs, params, out: np.max(np.abs(xs[0])) <= bound


def _guard(position, steps):
    """A repair that passes operand ``position`` through fixed steps first."""
    return lambda b, args, params: (position, steps)


POSITIVE = [("square", {}), ("add_scalar", {"c": 0.5})]          # x*x + 0.5 >= 0.5
ABOVE_ONE = [("square", {}), ("add_scalar", {"c": 1.5})]         # >= 1.5
INSIDE_UNIT = [("tanh", {}), ("mul_scalar", {"c": 0.8})]         # |.| < 0.8


def _shift_repair(offsets_ok):
    """A repair adding a constant chosen so the shifted operand passes ``offsets_ok``."""
    def repair(b, args, params):
        x = b.value(args[0])
        rng = b.rng(17)
        for _ in range(20):
            c = float(np.round(rng.uniform(-0.5, 0.5), 3))
            if offsets_ok(x + c):
                return 0, [("add_scalar", {"c": c})]
        return None
    return repair


def _far_from_integers(x):
    return np.min(np.abs(x - np.round(x))) >= KINK


def _far_from_zero(x):
    return np.min(np.abs(x)) >= KINK


# Elementwise functions ----------------------------------------------------------------

def _unary_propose(b, i):
    return (i,), {}


def _unary(name, check=None, repair=None, apply=None):
    _kind(name, "elementwise", apply or (lambda B, x, _n=name: B.unary(_n, x)),
          _unary_propose, check, repair)


for _name in ["negative", "square", "exp", "expm1", "exp2", "sin", "cos", "arctan",
              "sinh", "cosh", "tanh", "arcsinh"]:
    _unary(_name)
for _name in ["sqrt", "log", "log2", "log10", "reciprocal"]:
    _unary(_name, _lower(DOMAIN), _guard(0, POSITIVE))
_unary("log1p", _lower(-1 + DOMAIN), _guard(0, [("square", {})]))
for _name in ["arcsin", "arccos", "arctanh"]:
    _unary(_name, _inside(1 - DOMAIN), _guard(0, INSIDE_UNIT))
_unary("arccosh", _lower(1 + DOMAIN), _guard(0, ABOVE_ONE))
_unary("tan", lambda b, xs, p, out: np.min(np.abs(np.cos(xs[0]))) >= 0.2,
       _guard(0, [("tanh", {})]))
_unary("abs", _away_from([0.0]), _shift_repair(_far_from_zero))
_unary("relu", _away_from([0.0]), _shift_repair(_far_from_zero),
       apply=lambda B, x: B.relu(x))
_unary("sigmoid", apply=lambda B, x: B.sigmoid(x))
# Not differentiable (zero derivative where defined): the gradient must not flow through.
_unary("sign", _away_from([0.0]), _shift_repair(_far_from_zero))
_unary("floor", lambda b, xs, p, out: _far_from_integers(xs[0]),
       _shift_repair(_far_from_integers))


# With a Python scalar: the operators, reflected ones included -------------------------

def _scalar_propose(values):
    def propose(b, i):
        return (i,), {"c": b.choose.element(values)}
    return propose


_kind("add_scalar", "scalar", lambda B, x, c: x + c, _scalar_propose([0.5, -1.25, 2.0]))
_kind("rsub_scalar", "scalar", lambda B, x, c: c - x, _scalar_propose([1.0, -0.75]))
_kind("mul_scalar", "scalar", lambda B, x, c: c * x, _scalar_propose([2.0, -0.5, 1.5]))
_kind("div_scalar", "scalar", lambda B, x, c: x / c, _scalar_propose([2.0, -3.0, 0.25]))
_kind("rdiv_scalar", "scalar", lambda B, x, c: c / x, _scalar_propose([1.0, -2.0]),
      _magnitude_at_least(DOMAIN), _guard(0, POSITIVE))
_kind("pow_int", "scalar", lambda B, x, c: x ** c, _scalar_propose([2, 3]))
_kind("pow_real", "scalar", lambda B, x, c: x ** c, _scalar_propose([0.5, 1.5, -0.5, 2.5]),
      _lower(DOMAIN), _guard(0, POSITIVE))
_kind("rpow_scalar", "scalar", lambda B, x, c: c ** x, _scalar_propose([2.0, 0.5, 3.0]))


# Binary, with broadcasting ------------------------------------------------------------

def _broadcastable(a, b) -> bool:
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return len(shape) <= MAX_NDIM and math.prod(shape) <= MAX_SIZE


def _const_shape_for(b, shape):
    """A shape broadcastable with ``shape``: a suffix of it, some dims set to 1."""
    start = b.choose.integer(0, len(shape))
    out = list(shape[start:])
    for k in range(len(out)):
        if b.choose.integer(0, 3) == 0:
            out[k] = 1
    return tuple(out)


def _binary_propose(low=-2.0, high=2.0):
    def propose(b, i):
        x = b.value(i)
        j = b.partner(i, lambda s: _broadcastable(x.shape, s),
                      lambda: b.rng(1).uniform(low, high, _const_shape_for(b, x.shape)))
        return (i, j), {}
    return propose


_kind("add", "binary", lambda B, x, y: x + y, _binary_propose())
_kind("subtract", "binary", lambda B, x, y: x - y, _binary_propose())
_kind("multiply", "binary", lambda B, x, y: x * y, _binary_propose())
_kind("divide", "binary", lambda B, x, y: x / y, _binary_propose(0.5, 2.0),
      _magnitude_at_least(DOMAIN, 1), _guard(1, POSITIVE))
_kind("power", "binary", lambda B, x, y: x ** y, _binary_propose(),
      _lower(DOMAIN, 0), _guard(0, POSITIVE))


def _no_ties(b, xs, params, out):
    return np.min(np.abs(xs[0] - xs[1])) >= KINK


_kind("maximum", "binary", lambda B, x, y: B.maximum(x, y), _binary_propose(), _no_ties)
_kind("minimum", "binary", lambda B, x, y: B.minimum(x, y), _binary_propose(), _no_ties)


def _arctan2_ok(b, xs, params, out):
    y, x = np.broadcast_arrays(xs[0], xs[1])
    return (np.min(x * x + y * y) >= DOMAIN ** 2
            and np.all((x >= 0) | (np.abs(y) >= KINK)))


_kind("arctan2", "binary", lambda B, y, x: B.arctan2(y, x), _binary_propose(), _arctan2_ok)


# Selection ----------------------------------------------------------------------------

def _where_propose(b, i):
    x = b.value(i)
    j = b.partner(i, lambda s: _broadcastable(x.shape, s),
                  lambda: b.rng(1).uniform(-2, 2, _const_shape_for(b, x.shape)))
    shape = np.broadcast_shapes(x.shape, b.value(j).shape)
    k = b.partner(i, lambda s: _broadcastable(shape, s), None, include_self=True)
    c = b.value(k)
    threshold = float(np.round(np.median(c) + b.rng(2).uniform(-0.1, 0.1), 3))
    return (k, i, j), {"threshold": threshold}


def _where_ok(b, xs, params, out):
    return np.min(np.abs(xs[0] - params["threshold"])) >= KINK


_kind("where", "selection",
      lambda B, c, x, y, threshold: B.where(c > threshold, x, y), _where_propose, _where_ok)


def _clip_propose(b, i):
    x = b.value(i)
    low, high = np.quantile(x, [0.25, 0.75]) if x.size > 1 else (x.item() - 0.5, x.item() + 0.5)
    rng = b.rng(1)
    return (i,), {"low": float(np.round(low + rng.uniform(-0.05, 0.05), 3)),
                  "high": float(np.round(high + rng.uniform(0.01, 0.1), 3))}


def _clip_ok(b, xs, params, out):
    return (params["low"] < params["high"]
            and np.min(np.abs(xs[0] - params["low"])) >= KINK
            and np.min(np.abs(xs[0] - params["high"])) >= KINK)


_kind("clip", "selection", lambda B, x, low, high: B.clip(x, low, high), _clip_propose,
      _clip_ok)


# Reductions ---------------------------------------------------------------------------

def _axis(b, ndim, tuples=True, none=True):
    """None, one axis (either sign), or a tuple of two or more distinct axes."""
    options = (["none"] if none or ndim == 0 else []) + (["int"] if ndim else [])
    if tuples and ndim >= 2:
        options.append("tuple")
    choice = b.choose.element(options)
    if choice == "none":
        return None
    if choice == "int":
        return b.choose.integer(-ndim, ndim - 1)
    count = b.choose.integer(2, ndim)
    axes = b.choose.permutation(list(range(ndim)))[:count]
    return tuple(a - ndim if b.choose.boolean() else a for a in axes)


def _reduce_propose(tuples=True, none=True, needs_ndim=0):
    def propose(b, i):
        x = b.value(i)
        if x.ndim < needs_ndim:
            return None
        return (i,), {"axis": _axis(b, x.ndim, tuples, none), "keepdims": b.choose.boolean()}
    return propose


def _slices(x, axis):
    """The reduced slices of x as rows of a 2-d array."""
    if axis is None:
        return x.reshape(1, -1)
    axes = (axis,) if isinstance(axis, int) else axis
    axes = tuple(a % x.ndim for a in axes)
    keep = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, keep + list(axes))
    return moved.reshape(math.prod(x.shape[a] for a in keep), -1)


def _unique_top(rows) -> bool:
    if rows.shape[1] < 2:
        return True
    ordered = np.sort(rows, axis=1)
    return np.min(ordered[:, -1] - ordered[:, -2]) >= KINK


for _name in ["sum", "mean"]:
    _kind(_name, "reduction",
          lambda B, x, axis, keepdims, _n=_name: B.reduce(_n, x, axis, keepdims),
          _reduce_propose())
_kind("prod", "reduction", lambda B, x, axis, keepdims: B.reduce("prod", x, axis, keepdims),
      _reduce_propose(tuples=False), _magnitude_at_least(0.01),
      _shift_repair(lambda x: np.min(np.abs(x)) >= 0.01))
_kind("amax", "reduction", lambda B, x, axis, keepdims: B.reduce("amax", x, axis, keepdims),
      _reduce_propose(), lambda b, xs, p, out: _unique_top(_slices(xs[0], p["axis"])))
_kind("amin", "reduction", lambda B, x, axis, keepdims: B.reduce("amin", x, axis, keepdims),
      _reduce_propose(), lambda b, xs, p, out: _unique_top(-_slices(xs[0], p["axis"])))
_kind("logsumexp", "reduction",
      lambda B, x, axis, keepdims: B.logsumexp(x, axis, keepdims), _reduce_propose())


def _moment_propose(b, i):
    proposal = _reduce_propose(needs_ndim=1)(b, i)
    if proposal is None:
        return None
    args, params = proposal
    params["ddof"] = b.choose.element([0, 1])
    return args, params


_kind("var", "reduction",
      lambda B, x, axis, ddof, keepdims: B.moment("var", x, axis, ddof, keepdims),
      _moment_propose)
_kind("std", "reduction",
      lambda B, x, axis, ddof, keepdims: B.moment("std", x, axis, ddof, keepdims),
      _moment_propose, lambda b, xs, p, out: np.min(out) >= DOMAIN)


def _norm_propose(b, i):
    x = b.value(i)
    options = ["flat"] + (["vector"] if x.ndim >= 1 else []) + (["fro"] if x.ndim >= 2 else [])
    choice = b.choose.element(options)
    keepdims = b.choose.boolean()
    if choice == "flat":
        return (i,), {"ord": None, "axis": None, "keepdims": keepdims}
    if choice == "vector":
        ord = b.choose.element([2, 1, math.inf, 3])
        return (i,), {"ord": ord, "axis": b.choose.integer(-x.ndim, x.ndim - 1),
                      "keepdims": keepdims}
    axes = b.choose.permutation(list(range(x.ndim)))[:2]
    return (i,), {"ord": "fro", "axis": tuple(axes), "keepdims": keepdims}


def _norm_ok(b, xs, params, out):
    x, ord = xs[0], params["ord"]
    if ord == 1:
        return _far_from_zero(x)
    if ord == math.inf:
        rows = np.abs(_slices(x, params["axis"]))
        return np.min(rows.max(axis=1)) >= DOMAIN and _unique_top(rows)
    return np.min(out) >= DOMAIN


_kind("norm", "reduction", lambda B, x, ord, axis, keepdims: B.norm(x, ord, axis, keepdims),
      _norm_propose, _norm_ok)


def _along_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    return (i,), {"axis": b.choose.integer(-x.ndim, x.ndim - 1)}


_kind("cumsum", "reduction", lambda B, x, axis: B.cumulative("cumsum", x, axis), _along_propose)
_kind("cumprod", "reduction", lambda B, x, axis: B.cumulative("cumprod", x, axis),
      _along_propose, _magnitude_at_least(0.01),
      _shift_repair(lambda x: np.min(np.abs(x)) >= 0.01))
_kind("softmax", "reduction", lambda B, x, axis: B.softmax(x, axis), _along_propose)
_kind("log_softmax", "reduction", lambda B, x, axis: B.log_softmax(x, axis), _along_propose)


# Contractions -------------------------------------------------------------------------

def _matmul_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    k = x.shape[-1]

    def fits(s):
        if len(s) == 0 or (s[0] if len(s) == 1 else s[-2]) != k:
            return False
        if len(s) == 1 or x.ndim == 1:
            return True
        return _broadcastable(x.shape[:-2], s[:-2]) and len(
            np.broadcast_shapes(x.shape[:-2], s[:-2])) + 2 <= MAX_NDIM

    m = b.choose.integer(1, 3)
    j = b.partner(i, fits, lambda: b.rng(1).uniform(-1, 1, (k, m) if m > 1 else (k,)),
                  include_self=x.ndim == 1)
    return (i, j), {}


_kind("matmul", "contraction", lambda B, x, y: x @ y, _matmul_propose)

_EINSUM_UNARY = {1: ["i->"], 2: ["ij->ji", "ij->j"], 3: ["bij->bji", "bij->jb"]}
# (spec, the partner's shape from x's shape)
_EINSUM_BINARY = {
    1: [("i,i->", lambda s, m: s), ("i,j->ij", lambda s, m: (m,))],
    2: [("ij,jk->ik", lambda s, m: (s[1], m)), ("ij,ij->i", lambda s, m: s),
        ("ij,j->i", lambda s, m: (s[1],))],
    3: [("bij,bjk->bik", lambda s, m: (s[0], s[2], m))],
}


def _einsum_propose(b, i):
    x = b.value(i)
    options = list(_EINSUM_UNARY.get(x.ndim, []))
    if x.ndim == 2 and x.shape[0] == x.shape[1]:
        options.append("ii->i")
    options += [spec for spec, _ in _EINSUM_BINARY.get(x.ndim, [])]
    if not options:
        return None
    spec = b.choose.element(options)
    if "," not in spec:
        return (i,), {"spec": spec}
    if spec == "i,j->ij":  # any vector will do
        return (i, b.partner(i, lambda s: len(s) == 1, None, include_self=True)), {"spec": spec}
    wanted = dict(_EINSUM_BINARY[x.ndim])[spec](x.shape, b.choose.integer(1, 3))
    j = b.partner(i, lambda s: s == wanted, lambda: b.rng(1).uniform(-1, 1, wanted),
                  include_self=x.shape == wanted)
    return (i, j), {"spec": spec}


_kind("einsum", "contraction", lambda B, *xs, spec: B.einsum(spec, *xs), _einsum_propose)


def _tensordot_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    k = x.shape[-1]
    j = b.partner(i, lambda s: len(s) >= 1 and s[0] == k and x.ndim + len(s) - 2 <= MAX_NDIM,
                  lambda: b.rng(1).uniform(-1, 1, (k, b.choose.integer(1, 3))),
                  include_self=x.ndim == 1)
    return (i, j), {"axes": 1}


_kind("tensordot", "contraction", lambda B, x, y, axes: B.tensordot(x, y, axes),
      _tensordot_propose)


def _outer_propose(b, i):
    x = b.value(i)
    if x.ndim == 1:
        return (i, b.partner(i, lambda s: len(s) == 1, None, include_self=True)), {}
    if x.size > 8:
        return None
    return (i, b.partner(i, lambda s: len(s) == 1, lambda: b.rng(1).uniform(-1, 1, (3,)))), {}, [
        ("reshape", {"shape": (x.size,)})]


_kind("outer", "contraction", lambda B, x, y: B.outer(x, y), _outer_propose)


def _inner_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    j = b.partner(i, lambda s: len(s) >= 1 and s[-1] == x.shape[-1]
                  and x.ndim + len(s) - 2 <= MAX_NDIM, None, include_self=True)
    return (i, j), {}


_kind("inner", "contraction", lambda B, x, y: B.inner(x, y), _inner_propose)


# Linear algebra -----------------------------------------------------------------------

def _square(x) -> bool:
    return x.ndim in (2, 3) and x.shape[-1] == x.shape[-2]


def _conditioned(b, xs, params, out):
    return np.max(np.linalg.cond(xs[0])) <= MAX_COND


def _diagonal_repair(b, args, params):
    x = b.value(args[0])
    n = x.shape[-1]
    c = float(np.ceil(n * np.max(np.abs(x)) + 1.0))
    return 0, [("add", {}, c * np.eye(n))]


def _square_block(x, i):
    """Guards making value i a square matrix (or a stack of them) and its shape: the
    leading square block of a matrix, the outer product of a vector with itself, a 1 x 1
    matrix of a 0-d value."""
    if x.ndim == 0:
        return [("reshape", {"shape": (1, 1)})], (1, 1)
    if x.ndim == 1:
        return ([("outer", {}, i)], x.shape * 2) if x.size <= 4 else (None, None)
    if x.ndim > 3:
        return None, None
    n = min(x.shape[-2:])
    guards = [] if _square(x) else [("getitem", {"key": (Ellipsis, slice(0, n), slice(0, n))})]
    return guards, x.shape[:-2] + (n, n)


def _matrix_propose(b, i):
    pre, _ = _square_block(b.value(i), i)
    return None if pre is None else ((i,), {}, pre)


def _solve_propose(b, i):
    x = b.value(i)
    pre, shape = _square_block(x, i)
    if pre is None:
        return None
    rows = shape[:-1]
    m = b.choose.integer(1, 2)
    j = b.partner(i, lambda s: len(s) == len(shape) and s[:-1] == rows,
                  lambda: b.rng(1).uniform(-1, 1, rows + (m,)))
    return (i, j), {}, pre


_kind("det", "linalg", lambda B, x: B.det(x), _matrix_propose, _conditioned, _diagonal_repair)
_kind("inv", "linalg", lambda B, x: B.inv(x), _matrix_propose, _conditioned, _diagonal_repair)
_kind("slogdet", "linalg", lambda B, x: B.slogdet(x), _matrix_propose, _conditioned,
      _diagonal_repair)
_kind("solve", "linalg", lambda B, x, y: B.solve(x, y), _solve_propose, _conditioned,
      _diagonal_repair)


# Shapes -------------------------------------------------------------------------------

def _factorizations(size, max_ndim=3):
    """The shapes of ``size`` elements, up to max_ndim axes, with at most one axis of 1."""
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    shapes = [()] if size == 1 else []
    for ndim in range(1, max_ndim + 1):
        for dims in itertools.product(divisors, repeat=ndim):
            if math.prod(dims) == size and dims.count(1) <= 1:
                shapes.append(dims)
    return shapes


_FACTORIZATIONS = {n: _factorizations(n) for n in range(1, MAX_SIZE + 1)}


def _reshape_propose(b, i):
    x = b.value(i)
    options = [s for s in _FACTORIZATIONS[x.size] if s != x.shape]
    if not options:
        return None
    return (i,), {"shape": b.choose.element(options)}


def _needs_ndim(n, propose):
    """``propose`` for values of n dimensions or more; fewer get leading axes of size 1
    first (expand_dims guards)."""
    def wrapped(b, i):
        x = b.value(i)
        missing = max(0, n - x.ndim)
        args, params = propose(b, i, x.reshape((1,) * missing + x.shape))
        return args, params, [("expand_dims", {"axis": 0})] * missing
    return wrapped


_kind("reshape", "shape", lambda B, x, shape: B.reshape(x, shape), _reshape_propose)
_kind("transpose", "shape", lambda B, x, perm: B.transpose(x, perm), _needs_ndim(
    2, lambda b, i, x: ((i,), {"perm": tuple(b.choose.permutation(list(range(x.ndim))))})))
_kind("swapaxes", "shape", lambda B, x, a, b: B.swapaxes(x, a, b), _needs_ndim(
    2, lambda b, i, x: ((i,), {"a": b.choose.integer(-x.ndim, x.ndim - 1),
                               "b": b.choose.integer(0, x.ndim - 1)})))
_kind("moveaxis", "shape", lambda B, x, source, destination: B.moveaxis(x, source, destination),
      _needs_ndim(2, lambda b, i, x: ((i,), {
          "source": b.choose.integer(-x.ndim, x.ndim - 1),
          "destination": b.choose.integer(0, x.ndim - 1)})))


def _squeeze_propose(b, i):
    x = b.value(i)
    ones = [a for a, n in enumerate(x.shape) if n == 1]
    if not ones:  # make one: squeeze then undoes the guard's expand_dims
        if x.ndim >= MAX_NDIM:
            return None
        axis = b.choose.integer(0, x.ndim)
        return (i,), {"axis": axis}, [("expand_dims", {"axis": axis})]
    choice = b.choose.integer(0, 2)
    if choice == 0:
        return (i,), {"axis": None}
    if choice == 1 or len(ones) == 1:
        return (i,), {"axis": b.choose.element(ones)}
    return (i,), {"axis": tuple(ones)}


_kind("squeeze", "shape", lambda B, x, axis: B.squeeze(x, axis), _squeeze_propose)


def _expand_propose(b, i):
    x = b.value(i)
    if x.ndim >= MAX_NDIM:
        return None
    return (i,), {"axis": b.choose.integer(-x.ndim - 1, x.ndim)}


_kind("expand_dims", "shape", lambda B, x, axis: B.expand_dims(x, axis), _expand_propose)


def _broadcast_propose(b, i):
    x = b.value(i)
    shape = [b.choose.integer(2, 3) if n == 1 and b.choose.boolean() else n for n in x.shape]
    fewest = 0 if tuple(shape) != x.shape else 1  # some change, not the same shape
    if fewest > MAX_NDIM - x.ndim:
        return None
    lead = b.choose.integer(fewest, MAX_NDIM - x.ndim)
    shape = [b.choose.integer(1, 3) for _ in range(lead)] + shape
    return (i,), {"shape": tuple(shape)}


_kind("broadcast_to", "shape", lambda B, x, shape: B.broadcast_to(x, shape), _broadcast_propose)
_kind("flip", "shape", lambda B, x, axis: B.flip(x, axis),
      lambda b, i: ((i,), {"axis": _axis(b, b.value(i).ndim)}))


def _roll_propose(b, i):
    x = b.value(i)
    shift = b.choose.element([1, -1, 2, -3])
    if x.ndim == 0 or b.choose.boolean():
        return (i,), {"shift": shift, "axis": None}
    return (i,), {"shift": shift, "axis": b.choose.integer(-x.ndim, x.ndim - 1)}


_kind("roll", "shape", lambda B, x, shift, axis: B.roll(x, shift, axis), _roll_propose)


def _repeat_propose(b, i):
    x = b.value(i)
    repeats = b.choose.integer(2, 3)
    if x.ndim == 0 or b.choose.boolean():
        return (i,), {"repeats": repeats, "axis": None}
    return (i,), {"repeats": repeats, "axis": b.choose.integer(-x.ndim, x.ndim - 1)}


_kind("repeat", "shape", lambda B, x, repeats, axis: B.repeat(x, repeats, axis), _repeat_propose)


def _tile_propose(b, i):
    x = b.value(i)
    length = b.choose.integer(1, min(x.ndim + 1, MAX_NDIM))
    reps, size = [], x.size
    for _ in range(length):  # doubling only while the result stays within MAX_SIZE
        reps.append(b.choose.integer(1, 2) if 2 * size <= MAX_SIZE else 1)
        size *= reps[-1]
    return (i,), {"reps": tuple(reps)}


_kind("tile", "shape", lambda B, x, reps: B.tile(x, reps), _tile_propose)


def _pad_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    widths = tuple((b.choose.integer(0, 2), b.choose.integer(0, 1)) for _ in range(x.ndim))
    return (i,), {"widths": widths, "value": b.choose.element([0.0, 0.5])}


_kind("pad", "shape", lambda B, x, widths, value: B.pad(x, widths, value), _pad_propose)


def _indices(b, n, count):
    return np.array([b.choose.integer(0, n - 1) for _ in range(count)], dtype=np.int64)


def _take_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    axis = b.choose.integer(-x.ndim, x.ndim - 1)
    return (i, _indices(b, x.shape[axis], b.choose.integer(1, 4))), {"axis": axis}


_kind("take", "shape", lambda B, x, indices, axis: B.take(x, indices, axis), _take_propose)


def _index_component(b, n):
    choice = b.choose.integer(0, 2)
    if choice == 0:
        return b.choose.integer(-n, n - 1)
    start = b.choose.integer(0, n - 1)
    stop = b.choose.integer(start + 1, n)
    step = b.choose.integer(1, 2)
    return slice(start, stop if stop < n or b.choose.boolean() else None, step)


def _getitem_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return (i,), {"key": (None,) if b.choose.boolean() else ()}
    if b.choose.integer(0, 3) == 0:
        key = (Ellipsis, _index_component(b, x.shape[-1]))
    else:
        count = b.choose.integer(1, x.ndim)
        key = tuple(_index_component(b, x.shape[a]) for a in range(count))
    if x.ndim < MAX_NDIM and b.choose.integer(0, 3) == 0:
        key = (None,) + key
    return (i,), {"key": key}


def _getitem_array_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    axis = b.choose.integer(0, x.ndim - 1)
    indices = _indices(b, x.shape[axis], b.choose.integer(1, 4))
    if b.choose.boolean():
        indices = indices - x.shape[axis] * (indices % 2)  # some negative indices
    return (i,), {"key": (slice(None),) * axis + (indices,)}


def _getitem_mask_propose(b, i):
    x = b.value(i)
    if x.ndim == 0:
        return None
    mask = b.rng(1).uniform(size=x.shape) < 0.5
    mask.reshape(-1)[b.choose.integer(0, x.size - 1)] = True
    return (i,), {"key": (mask,)}


for _name, _propose in [("getitem", _getitem_propose), ("getitem_array", _getitem_array_propose),
                        ("getitem_mask", _getitem_mask_propose)]:
    _kind(_name, "shape", lambda B, x, key: B.index(x, key), _propose)


def _join_propose(stack):
    def propose(b, i):
        x = b.value(i)
        if x.ndim == 0 and not stack:
            return None
        if stack:
            axis = b.choose.integer(-x.ndim - 1, x.ndim)
            fits = lambda s: s == x.shape  # noqa: E731
        else:
            axis = b.choose.integer(-x.ndim, x.ndim - 1)
            keep = [a for a in range(x.ndim) if a != axis % x.ndim]
            fits = lambda s: len(s) == x.ndim and all(s[a] == x.shape[a] for a in keep)  # noqa
        parts = [i] + [b.partner(i, fits, None, include_self=True)
                       for _ in range(b.choose.integer(1, 2))]
        if b.choose.boolean():
            parts.reverse()
        return tuple(parts), {"axis": axis}
    return propose


_kind("concatenate", "shape", lambda B, *xs, axis: B.concatenate(xs, axis), _join_propose(False))
_kind("stack", "shape", lambda B, *xs, axis: B.stack(xs, axis), _join_propose(True))

KIND_NAMES = tuple(KINDS)
GROUPS = {group: tuple(k for k in KIND_NAMES if KINDS[k].group == group)
          for group in dict.fromkeys(KINDS[k].group for k in KIND_NAMES)}
# A step draws a group, then a kind in it: the weights (repeats) give the few linear
# algebra and contraction kinds, which need particular shapes, more chances than the
# uniform 1/86, and the 28 elementwise ones a little less.
GROUP_DRAWS = ("elementwise",) * 6 + ("shape",) * 6 + ("reduction",) * 4 + (
    "binary", "binary", "binary", "contraction", "contraction", "contraction", "linalg",
    "linalg", "linalg", "scalar", "scalar", "selection", "selection")
assert set(GROUP_DRAWS) == set(GROUPS)
FALLBACK = "tanh"
ATTEMPTS = 3  # kinds tried on a step before it falls back to tanh, operands for a kind


# --------------------------------------------------------------------------- generation

class RandomChoices:
    """The choices a generator makes, from a seeded ``random.Random``."""

    def __init__(self, random):
        self.random = random

    def integer(self, low, high):
        return self.random.randint(low, high)

    def element(self, options):
        return options[self.random.randrange(len(options))]

    def boolean(self):
        return self.random.random() < 0.5

    def permutation(self, items):
        items = list(items)
        self.random.shuffle(items)
        return items


class DrawnChoices(RandomChoices):
    """The same choices drawn by hypothesis, so failures shrink to small programs."""

    def __init__(self, draw):
        from hypothesis import strategies
        self.draw = draw
        self.st = strategies

    def integer(self, low, high):
        return self.draw(self.st.integers(low, high))

    def element(self, options):
        return self.draw(self.st.sampled_from(options))

    def boolean(self):
        return self.draw(self.st.booleans())

    def permutation(self, items):
        return self.draw(self.st.permutations(list(items)))


class _Builder:
    def __init__(self, choose, seed, inputs, n_ops):
        self.choose = choose
        self.n_ops = n_ops
        self.seed = seed
        self.values = [np.asarray(a) for a in inputs]
        self.n_inputs = len(inputs)
        self.steps = []
        self.used = set()

    def value(self, index):
        return index if isinstance(index, np.ndarray) else self.values[index]

    def rng(self, salt):
        return np.random.default_rng([self.seed, len(self.values), salt])

    def operand(self):
        """An input no step has used yet half the time, else any value counted back from
        the latest (the choice shrinks to the latest value)."""
        unused = [j for j in range(self.n_inputs) if j not in self.used]
        if unused and self.choose.boolean():
            return unused[0]
        back = self.choose.integer(0, len(self.values) - 1)
        return len(self.values) - 1 - back

    def partner(self, i, fits, make_const, include_self=False):
        """A second operand for value i: an unused input first, then the most recent values
        that fit, then (when ``make_const`` is given) a constant; value i itself when
        nothing else fits."""
        unused = [j for j in range(self.n_inputs) if j not in self.used and j != i
                  and fits(self.values[j].shape)]
        recent = [j for j in reversed(range(len(self.values)))
                  if j not in unused and (j != i or include_self) and fits(self.values[j].shape)]
        options = unused + recent + (["const"] if make_const is not None else [])
        if not options:
            return i
        choice = options[self.choose.integer(0, len(options) - 1)]
        return make_const() if choice == "const" else choice

    def evaluate(self, kind, args, params):
        operands = [self.value(a) for a in args]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # var with ddof >= count
            try:
                out = np.asarray(KINDS[kind].apply(NUMPY, *operands, **params))
            except np.linalg.LinAlgError:  # singular: the guard adds c*I
                return None
        valid = (out.dtype == np.float64 and 0 < out.size <= MAX_SIZE and out.ndim <= MAX_NDIM
                 and bool(np.all(np.isfinite(out))) and np.max(np.abs(out)) <= BOUND)
        if valid and KINDS[kind].check is not None:
            valid = bool(KINDS[kind].check(self, operands, params, out))
        return out if valid else None

    def append(self, kind, args, params, out):
        self.steps.append(Step(kind, tuple(args), dict(params)))
        self.used.update(a for a in args if isinstance(a, int))
        self.values.append(out)
        return len(self.values) - 1

    def guarded(self, args, position, guards, room):
        """args with operand ``position`` passed through ``guards`` (steps appended), or
        None when they do not fit in ``room`` steps or one of them fails its check."""
        if len(guards) > room:
            return None
        j = args[position]
        for guard_kind, guard_params, *const in guards:
            guard_args = (j,) + tuple(const)
            out = self.evaluate(guard_kind, guard_args, guard_params)
            if out is None:
                return None
            j = self.append(guard_kind, guard_args, guard_params, out)
        return args[:position] + (j,) + args[position + 1:]

    def attempt(self, kind, i, room) -> bool | None:
        """Append a step of ``kind`` on value i (with its guards) if it can be valid: True
        when it did, False when the step failed its checks, None when the kind does not
        apply to value i (its shape)."""
        spec = KINDS[kind]
        proposal = spec.propose(self, i)
        if proposal is None:
            return None
        args, params, *pre = proposal
        if pre and pre[0]:
            args = self.guarded(args, 0, pre[0], room - 1)
            if args is None:
                return False
        out = self.evaluate(kind, args, params)
        if out is None and spec.repair is not None and len(self.steps) + 1 < self.n_ops:
            fix = spec.repair(self, args, params)
            if fix is not None:
                args = self.guarded(args, fix[0], fix[1], self.n_ops - len(self.steps) - 1)
                out = None if args is None else self.evaluate(kind, args, params)
        if out is None:
            return False
        self.append(kind, args, params, out)
        return True


def _input_shapes(choose, count):
    first = tuple(choose.integer(1, 4) for _ in range(choose.integer(0, 3)))
    shapes = [first]
    for _ in range(count - 1):
        relation = choose.element(["same", "suffix", "ones", "scalar", "other"])
        if relation == "same":
            shapes.append(first)
        elif relation == "suffix":
            shapes.append(first[choose.integer(0, len(first)):])
        elif relation == "ones":
            shapes.append(tuple(1 if choose.boolean() else n for n in first))
        elif relation == "scalar":
            shapes.append(())
        else:
            shapes.append(tuple(choose.integer(1, 4) for _ in range(choose.integer(0, 3))))
    return shapes


def _rotated(choose, options, offset):
    """An option, the list turned by ``offset`` (the program's seed): hypothesis draws the
    first option far more often than the others (a tenth of all kinds were "negative"),
    and turning the list by the seed spreads that excess over every kind."""
    return options[(choose.integer(0, len(options) - 1) + offset) % len(options)]


def generate(choose) -> Program:
    """One program from a source of choices (``RandomChoices`` or ``DrawnChoices``)."""
    seed = choose.integer(0, 2 ** 32 - 1)
    rng = np.random.default_rng([seed, 0])
    shapes = _input_shapes(choose, choose.integer(1, MAX_INPUTS))
    inputs = tuple(np.asarray(rng.uniform(-2.0, 2.0, s)) for s in shapes)
    n_ops = choose.integer(MIN_OPS, MAX_OPS)
    b = _Builder(choose, seed, inputs, n_ops)
    while len(b.steps) < n_ops:
        for _ in range(ATTEMPTS):
            kind = _rotated(choose, GROUPS[_rotated(choose, GROUP_DRAWS, seed)], seed)
            for _ in range(ATTEMPTS):  # operands until one suits the kind
                i = b.operand()
                done = b.attempt(kind, i, n_ops - len(b.steps))
                if done is not None:
                    break
            if done:
                break
        else:
            if len(b.steps) < n_ops:
                args, params = (i,), {}
                b.append(FALLBACK, args, params, b.evaluate(FALLBACK, args, params))
    consumed = {a for step in b.steps for a in step.args if isinstance(a, int)}
    outputs = tuple(j for j in range(b.n_inputs, len(b.values)) if j not in consumed)
    weights = tuple(np.asarray(rng.uniform(-1.0, 1.0, b.values[j].shape)) for j in outputs)
    tangents = tuple(np.asarray(rng.uniform(-1.0, 1.0, a.shape)) for a in inputs)
    return Program(inputs, tuple(b.steps), outputs, weights, tangents)


def programs():
    """The hypothesis strategy of programs."""
    from hypothesis import strategies
    return strategies.composite(lambda draw: generate(DrawnChoices(draw)))()
