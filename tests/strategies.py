"""Hypothesis strategies for the primitive table: what each entry's ``domain=`` means, and
what to draw for each primitive (shapes, parameters, which inputs are differentiated).

Values come from the table: each entry declares a domain, one name for all its tensor
inputs or a tuple with one name per input, and ``DOMAINS`` below says what each name
means (the names and intervals of tests/op_specs.py's draw(), checked to agree). Shapes
and parameters come from ``STRATEGIES``, one builder per primitive or family: 0-d
arrays, broadcast pairs, up to 4-d, small sides (the gradient checks build whole
Jacobians), and empty arrays on request.

A builder returns a ``Case``: the primitive called directly with its parameters as the
public function would pass them (so the draw exercises exactly that table entry), its
inputs as float64 arrays, and which of them are differentiated; the others are
constants (arrays, or Python floats for some 0-d ones), which reach the mixed call paths.
"""
from __future__ import annotations

import collections
import functools
import importlib
import math
import pkgutil
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule.ops
from chainrule.ops import elementwise
from chainrule.ops.indexing import normalize_index

MAX_DIMS = 4
MAX_SIDE = 3
MAX_SIZE = 24  # elements of one drawn input: the checks take one backward pass per output

# ---------------------------------------------------------------- the table


@functools.cache
def table() -> dict:
    """Every entry of the primitive table (chainrule.ops), by key: the entry's name, or,
    for entries that share a name (getitem's views and copies), the name of the function
    in chainrule.ops that applies it."""
    found = {}
    for info in pkgutil.iter_modules(chainrule.ops.__path__):
        module = importlib.import_module(f"chainrule.ops.{info.name}")
        for attr, value in vars(module).items():
            prim = getattr(value, "prim", None)
            if prim is not None and getattr(prim, "call", None) is value:
                found.setdefault(id(prim), (attr, prim))
    counts = collections.Counter(prim.name for _, prim in found.values())
    return dict(sorted((prim.name if counts[prim.name] == 1 else attr, prim)
                       for attr, prim in found.values()))


def differentiable() -> dict:
    return {key: prim for key, prim in table().items() if prim.differentiable}


def input_domains(prim, n: int) -> tuple:
    """The entry's domain, one name per tensor input (n of them)."""
    domain = prim.domain
    if isinstance(domain, str):
        return (domain,) * n
    if domain is None or len(domain) != n:
        raise ValueError(f"{prim.name}: domain {domain!r} does not name {n} inputs")
    return tuple(domain)


# ---------------------------------------------------------------- domains

INTERVALS = {"real": (-1.5, 1.5), "positive": (0.5, 2.0), "unit": (-0.8, 0.8),
             "above_one": (1.2, 3.0)}

DOMAINS = {
    "real": "any value in [-1.5, 1.5], zeros and ties included (smooth functions, and "
            "functions exact at zeros: prod, cumprod)",
    "positive": "[0.5, 2] (log, sqrt: away from the pole at 0)",
    "unit": "[-0.8, 0.8], inside (-1, 1) (arcsin, arctanh; tan away from its poles)",
    "above_one": "[1.2, 3], inside (1, inf) (arccosh)",
    "nonzero": "±[0.5, 2], either sign, away from 0 (kinks and poles at 0: abs, relu, "
               "the norm at the zero vector, a divisor)",
    "distinct": "in (-2, 2), every two values of all the inputs of one call drawn from "
                "'distinct' at least 2 / (n + 1) apart, n their number: no ties (maximum, "
                "minimum, clip, max, min), so finite differences never straddle a kink",
    "matrix": "stacks of square matrices, each row strictly diagonally dominant "
              "(entries in [-1, 1] plus (n + 1)·I, rows of random sign): invertible, "
              "condition number below 2n + 1, determinants of both signs",
    "boolean": "booleans, an input that is not differentiated (where's condition)",
}

_FLOATS = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _uniform(draw, low, high, shape) -> np.ndarray:
    return draw(hnp.arrays(np.float64, shape, elements=st.floats(low, high, **_FLOATS)))


def _values(draw, domain: str, shape) -> np.ndarray:
    if domain in INTERVALS:
        return _uniform(draw, *INTERVALS[domain], shape)
    if domain == "nonzero":
        signs = draw(hnp.arrays(np.bool_, shape))
        return np.where(signs, -1.0, 1.0) * _uniform(draw, 0.5, 2.0, shape)
    if domain == "matrix":
        n = shape[-1]
        rows = draw(hnp.arrays(np.bool_, shape[:-1]))
        values = _uniform(draw, -1.0, 1.0, shape) + (n + 1) * np.eye(n)
        return values * np.where(rows, -1.0, 1.0)[..., None]
    if domain == "boolean":
        return draw(hnp.arrays(np.bool_, shape))
    raise ValueError(f"unknown domain {domain!r}; the domains are {sorted(DOMAINS)}")


def draw_inputs(draw, domains, shapes) -> list:
    """Arrays of these shapes in these domains; the 'distinct' ones drawn together."""
    arrays = [None] * len(shapes)
    together = [i for i, d in enumerate(domains) if d == "distinct"]
    if together:
        sizes = [math.prod(shapes[i]) for i in together]
        n = sum(sizes)
        ranks = np.array(draw(st.permutations(range(n))), dtype=np.float64)
        jitter = _uniform(draw, -0.25, 0.25, (n,))
        spacing = 4.0 / (n + 1)
        flat = -2.0 + spacing * (ranks + 1.0 + jitter)
        start = 0
        for i, size in zip(together, sizes):
            arrays[i] = flat[start:start + size].reshape(shapes[i])
            start += size
    for i, (domain, shape) in enumerate(zip(domains, shapes)):
        if domain != "distinct":
            arrays[i] = _values(draw, domain, shape)
    return arrays


def contains(domain: str, arrays) -> bool:
    """Whether these arrays (all the inputs drawn from ``domain`` in one call) lie in it."""
    flat = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)
    if domain in INTERVALS:
        low, high = INTERVALS[domain]
        return bool(np.all((flat >= low) & (flat <= high)))
    if domain == "nonzero":
        return bool(np.all((np.abs(flat) >= 0.5) & (np.abs(flat) <= 2.0)))
    if domain == "distinct":
        gaps = np.diff(np.sort(flat))
        least = 0.999 * 2.0 / (flat.size + 1)  # 2 / (n + 1), give or take rounding
        return bool(np.all(np.abs(flat) < 2.0) and np.all(gaps >= least))
    if domain == "matrix":
        for a in arrays:
            diagonal = np.abs(np.diagonal(a, axis1=-2, axis2=-1))
            off = np.sum(np.abs(a), axis=-1) - diagonal
            if not np.all(diagonal > off):
                return False
        return True
    if domain == "boolean":
        return all(np.asarray(a).dtype == np.bool_ for a in arrays)
    raise ValueError(domain)


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    """One call of a primitive: ``apply(*inputs)``."""

    key: str
    apply: object
    inputs: list            # float64 arrays; booleans for 'boolean' inputs
    differentiated: tuple   # per input: a tensor that is differentiated
    params: str = ""        # the parameters, for reports
    scalars: tuple = ()     # indices of constant 0-d inputs passed as Python floats
    tolerances: dict = field(default_factory=dict)  # finite differences (float64)
    out_dtype: object = None  # the output's dtype when it is not the inputs' (astype)

    def bind(self, dtype):
        """(f, args): f takes the differentiated inputs, given as ``args`` (arrays of
        ``dtype``); the other inputs are constants of ``dtype`` inside f."""
        values = [v.astype(dtype) if v.dtype.kind == "f" else v for v in self.inputs]
        constants = [float(v) if i in self.scalars else v for i, v in enumerate(values)]
        positions = [i for i, d in enumerate(self.differentiated) if d]
        apply = self.apply

        def f(*xs):
            full = list(constants)
            for i, x in zip(positions, xs):
                full[i] = x
            return apply(*full)
        return f, [values[i] for i in positions]

    def rounded(self, dtype) -> Case:
        """The same case with its float inputs rounded to ``dtype`` (kept as float64)."""
        inputs = [v.astype(dtype).astype(np.float64) if v.dtype.kind == "f" else v
                  for v in self.inputs]
        return Case(self.key, self.apply, inputs, self.differentiated, self.params,
                    self.scalars, self.tolerances, self.out_dtype)

    def __repr__(self) -> str:
        parts = []
        for i, (v, d) in enumerate(zip(self.inputs, self.differentiated)):
            role = "differentiated" if d else ("Python float" if i in self.scalars
                                               else "constant")
            parts.append(f"input {i} ({role}, shape {v.shape}) = {v.tolist()!r}")
        return f"Case({self.key}({self.params}): " + "; ".join(parts) + ")"

    def _repr_pretty_(self, printer, cycle) -> None:  # how hypothesis shows a draw
        printer.text(repr(self))


STRATEGIES: dict = {}  # key -> builder(draw, key, prim, empty) -> Case
NO_EMPTY: dict = {}    # key -> why the builder draws no empty arrays
# What the builders steer clear of because of a known bug: key -> the name of its
# reproduction in test_properties.KNOWN_BUGS (fixed, the reproduction fails as XPASS
# and both go). The five this file found are fixed (test_properties.FIXED_BUGS).
AVOIDED: dict = {}


def builds(*keys):
    def register(builder):
        for key in keys:
            STRATEGIES[key] = builder
        return builder
    return register


@st.composite
def cases(draw, key: str, empty: bool = False):
    """A Case of the primitive ``key``; with ``empty``, one with an empty input or
    output."""
    return STRATEGIES[key](draw, key, differentiable()[key], empty)


# ---------------------------------------------------------------- shapes


def _cap(dims, max_size=MAX_SIZE) -> list:
    dims = list(dims)
    while math.prod(dims) > max_size:
        i = dims.index(max(dims))
        dims[i] -= 1
    return dims


def _shape(draw, min_dims=0, max_dims=MAX_DIMS, empty=False, max_side=MAX_SIDE,
           max_size=MAX_SIZE) -> tuple:
    if empty:
        min_dims = max(min_dims, 1)
    dims = _cap(draw(st.lists(st.integers(1, max_side), min_size=min_dims,
                              max_size=max_dims)), max_size)
    if empty:
        dims[draw(st.integers(0, len(dims) - 1))] = 0
    return tuple(dims)


def _broadcast_shapes(draw, n: int, empty=False, full=None) -> list:
    """n shapes that broadcast together: suffixes of one shape, some sides set to 1.
    Operand ``full`` (and with ``empty`` some operand) has the whole shape."""
    whole = _shape(draw, empty=empty)
    if empty and full is None:
        full = draw(st.integers(0, n - 1))
    shapes = []
    for i in range(n):
        if i == full:
            shapes.append(whole)
            continue
        k = draw(st.integers(0, len(whole)))
        tail = whole[len(whole) - k:]
        ones = draw(st.lists(st.booleans(), min_size=k, max_size=k))
        shapes.append(tuple(1 if one else side for side, one in zip(tail, ones)))
    return shapes


def _roles(draw, domains, shapes, empty=False):
    """Which inputs are differentiated (at least one; with ``empty``, every empty one),
    and which constant 0-d inputs are Python floats."""
    constant = draw(st.lists(st.booleans(), min_size=len(domains), max_size=len(domains)))
    differentiated = [d != "boolean" and (not c or (empty and 0 in s))
                      for d, c, s in zip(domains, constant, shapes)]
    if not any(differentiated):
        differentiated[next(i for i, d in enumerate(domains) if d != "boolean")] = True
    scalars = tuple(i for i, (d, s) in enumerate(zip(differentiated, shapes))
                    if not d and s == () and domains[i] != "boolean" and draw(st.booleans()))
    return tuple(differentiated), scalars


def _axes(draw, ndim: int, allow_none=True):
    """None or a sorted tuple of distinct axes (as the public functions pass them)."""
    if ndim == 0:
        return None
    if allow_none and draw(st.booleans()):
        return None
    return tuple(sorted(draw(st.lists(st.integers(0, ndim - 1), unique=True,
                                      max_size=ndim))))


# ---------------------------------------------------------------- elementwise

ELEMENTWISE = {"add", "subtract", "multiply", "divide", "power", "maximum", "minimum",
               "remainder", "arctan2", "where", "negative", "absolute", "alias", "copy"}
ELEMENTWISE |= {value.prim.name for value in vars(elementwise).values()
                if getattr(value, "prim", None) is not None and value.prim.differentiable}


def _off_the_jumps(x, y):
    """x moved off the jumps of x mod y (x = k·y), by at most 0.1·y: finite differences
    must not straddle them."""
    y = np.broadcast_to(y, x.shape)
    q = x / y
    whole = np.floor(q)
    return y * (whole + np.clip(q - whole, 0.1, 0.9))


@builds(*sorted(ELEMENTWISE))
def _elementwise_case(draw, key, prim, empty):
    n = prim.nin
    domains = input_domains(prim, n)
    shapes = _broadcast_shapes(draw, n, empty, full=0 if key == "remainder" else None)
    inputs = draw_inputs(draw, domains, shapes)
    if key == "remainder":
        inputs[0] = _off_the_jumps(*inputs)
    differentiated, scalars = _roles(draw, domains, shapes, empty)
    return Case(key, prim.call, inputs, differentiated, "", scalars)


@builds("clip")
def _clip_case(draw, key, prim, empty):
    absent = draw(st.sampled_from([None, 1, 2]))  # clip(x, None, hi), clip(x, lo, None)
    n = 3 if absent is None else 2
    domains = input_domains(prim, 3)[:n]
    shapes = _broadcast_shapes(draw, n, empty)
    inputs = draw_inputs(draw, domains, shapes)
    differentiated, scalars = _roles(draw, domains, shapes, empty)
    call = prim.call
    if absent is None:
        apply, params = call, ""
    elif absent == 1:
        apply, params = (lambda x, hi: call(x, None, hi)), "lo=None"
    else:
        apply, params = (lambda x, lo: call(x, lo, None)), "hi=None"
    return Case(key, apply, inputs, differentiated, params, scalars)


# ---------------------------------------------------------------- reductions and scans


def _unary(draw, key, prim, shape, params, label, **extra) -> Case:
    (domain,) = input_domains(prim, 1)
    (x,) = draw_inputs(draw, (domain,), (shape,))
    call = prim.call
    return Case(key, lambda x: call(x, *params), [x], (True,), label, **extra)


@builds("sum", "prod", "max", "min", "logsumexp", "norm")
def _reduction_case(draw, key, prim, empty):
    if empty and key in ("max", "min", "logsumexp"):
        # max and min have no identity (nor, here, logsumexp: its forward takes the
        # maximum first): the empty axis is one that is not reduced.
        shape = _shape(draw, min_dims=2, empty=True)
        zero = shape.index(0)
        others = [a for a in range(len(shape)) if a != zero]
        axes = tuple(sorted(draw(st.lists(st.sampled_from(others), unique=True,
                                          min_size=1))))
    else:
        shape = _shape(draw, empty=empty)
        axes = _axes(draw, len(shape))
    keepdims = draw(st.booleans())
    params = (axes, keepdims, shape)
    label = f"axes={axes}, keepdims={keepdims}"
    if key == "norm":
        p = draw(st.sampled_from([2, 3.0, 1.5]))
        params = (p,) + params
        label = f"p={p}, " + label
    return _unary(draw, key, prim, shape, params, label)


@builds("cumsum", "cumprod")
def _scan_case(draw, key, prim, empty):
    shape = _shape(draw, min_dims=1, empty=empty)
    axis = draw(st.integers(0, len(shape) - 1))
    return _unary(draw, key, prim, shape, (axis,), f"axis={axis}")


# ---------------------------------------------------------------- shape


def _prime_factors(n: int) -> list:
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


@builds("reshape")
def _reshape_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    size = math.prod(shape)
    if size == 0:
        target = list(draw(st.permutations(shape)))
        if len(target) < MAX_DIMS and draw(st.booleans()):
            target.insert(draw(st.integers(0, len(target))), 1)
    else:
        factors = list(draw(st.permutations(_prime_factors(size))))
        ndim = draw(st.integers(0 if size == 1 else 1, MAX_DIMS))
        inner = max(ndim - 1, 0)
        cuts = sorted(draw(st.lists(st.integers(0, len(factors)), min_size=inner,
                                    max_size=inner)))
        cuts = [0] + cuts + [len(factors)]
        target = [math.prod(factors[a:b]) for a, b in zip(cuts[:-1], cuts[1:])][:ndim]
    target = tuple(target)
    return _unary(draw, key, prim, shape, (target, shape), f"shape={target}")


@builds("transpose")
def _transpose_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    axes = tuple(draw(st.permutations(range(len(shape)))))
    return _unary(draw, key, prim, shape, (axes,), f"axes={axes}")


@builds("broadcast_to")
def _broadcast_to_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty and draw(st.booleans()))
    lead = draw(st.lists(st.integers(1, 2), max_size=MAX_DIMS - len(shape)))
    target = list(lead) + [draw(st.integers(1, MAX_SIDE)) if s == 1 else s for s in shape]
    if empty and 0 not in shape:
        # A side of length one (or a new one) broadcast to length zero.
        ones = [i for i, s in enumerate(target) if i < len(lead) or shape[i - len(lead)] == 1]
        if ones:
            target[draw(st.sampled_from(ones))] = 0
        else:
            target.insert(0, 0)
    target = tuple(target)
    return _unary(draw, key, prim, shape, (target, shape), f"shape={target}")


@builds("concatenate")
def _concatenate_case(draw, key, prim, empty):
    base = list(_shape(draw, min_dims=1, max_size=12, empty=empty and draw(st.booleans())))
    axis = draw(st.integers(0, len(base) - 1))
    n = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(0, MAX_SIDE), min_size=n, max_size=n))
    if empty and 0 not in base[:axis] + base[axis + 1:]:
        sizes = [0] * n
    elif not empty and sum(sizes) == 0:
        sizes[0] = 1
    shapes = [tuple(base[:axis] + [s] + base[axis + 1:]) for s in sizes]
    (domain,) = set(input_domains(prim, n))
    inputs = draw_inputs(draw, (domain,) * n, shapes)
    differentiated, scalars = _roles(draw, (domain,) * n, shapes, empty)
    call, sizes = prim.call, tuple(sizes)
    return Case(key, lambda *xs: call(*xs, axis, sizes), inputs, differentiated,
                f"axis={axis}, sizes={sizes}", scalars)


@builds("flip")
def _flip_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    axes = _axes(draw, len(shape), allow_none=False) or ()
    return _unary(draw, key, prim, shape, (axes,), f"axes={axes}")


@builds("roll")
def _roll_case(draw, key, prim, empty):
    shape = _shape(draw, min_dims=1, empty=empty)
    n = len(shape)
    if draw(st.booleans()):
        axis = draw(st.integers(-n, n - 1))
        shift = draw(st.integers(-4, 4))
    else:
        axis = tuple(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n)))
        shift = tuple(draw(st.lists(st.integers(-4, 4), min_size=len(axis),
                                    max_size=len(axis))))
    return _unary(draw, key, prim, shape, (shift, axis), f"shift={shift}, axis={axis}")


@builds("pad")
def _pad_case(draw, key, prim, empty):
    shape = _shape(draw, max_size=12, empty=empty)
    widths = tuple(tuple(draw(st.lists(st.integers(0, 2), min_size=2, max_size=2)))
                   for _ in shape)
    value = draw(st.floats(-1.5, 1.5, **_FLOATS))
    return _unary(draw, key, prim, shape, (widths, value),
                  f"pad_width={widths}, value={value}")


@builds("astype")
def _astype_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    target = np.dtype(draw(st.sampled_from(["float32", "float64"])))
    (x,) = draw_inputs(draw, input_domains(prim, 1), (shape,))
    call = prim.call
    # Through a float32 output, finite differences need a larger step (it is linear).
    tolerances = dict(eps=1e-2, atol=1e-4) if target == np.float32 else {}
    return Case(key, lambda x: call(x, target, x.dtype), [x], (True,), f"dtype={target}",
                tolerances=tolerances, out_dtype=target)


# ---------------------------------------------------------------- indexing


def _slice(draw, side: int) -> slice:
    bound = st.one_of(st.none(), st.integers(-side - 1, side + 1))
    step = draw(st.sampled_from([None, 1, 2, -1, -2, 3]))
    return slice(draw(bound), draw(bound), step)


def _basic_index(draw, shape) -> tuple:
    items = []
    for side in shape:
        kinds = ["all", "slice"] + (["int"] if side else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "int":
            items.append(draw(st.integers(-side, side - 1)))
        elif kind == "slice":
            items.append(_slice(draw, side))
        else:
            items.append(slice(None))
    if draw(st.booleans()):
        # An ellipsis for one whole axis, or for none at the end.
        whole = [i for i, item in enumerate(items) if item == slice(None)]
        at = draw(st.sampled_from(whole)) if whole else len(items)
        items[at:at + 1] = [Ellipsis]
    else:
        while items and items[-1] == slice(None) and draw(st.booleans()):
            items.pop()  # trailing axes left implicit
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


def _int_array(draw, side: int, shape) -> np.ndarray:
    if side == 0 or 0 in shape:
        return np.zeros(shape if 0 in shape else (0,), dtype=np.int64)
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(-side, side - 1)))


def _advanced_index(draw, shape) -> tuple:
    """An index with integer arrays (repeats included) or a boolean mask, and slices or
    ints on the other axes."""
    n = len(shape)
    kind = draw(st.sampled_from(["array", "mask"] + (["two arrays"] if n >= 2 else [])))
    items = [slice(None) if draw(st.booleans()) else _slice(draw, s) for s in shape]
    if kind == "mask":
        k = draw(st.integers(1, n))
        items[:k] = [draw(hnp.arrays(np.bool_, shape[:k]))]
    else:
        axes = sorted(draw(st.lists(st.integers(0, n - 1), unique=True,
                                    min_size=1 if kind == "array" else 2, max_size=2)))
        shapes = _broadcast_shapes_small(draw, len(axes))
        if any(shape[a] == 0 for a in axes):  # no index into an empty axis but none
            shapes = [(0,)] * len(axes)
        for a, s in zip(axes, shapes):
            items[a] = _int_array(draw, shape[a], s)
        if kind == "array" and n >= 2 and draw(st.booleans()):
            # An int beside the array is an advanced index too.
            others = [a for a in range(n) if a not in axes and shape[a]]
            if others:
                a = draw(st.sampled_from(others))
                items[a] = draw(st.integers(-shape[a], shape[a] - 1))
    return tuple(items)


def _broadcast_shapes_small(draw, n: int) -> list:
    whole = tuple(draw(st.lists(st.integers(1, MAX_SIDE), min_size=1, max_size=2)))
    shapes = [whole]
    for _ in range(n - 1):
        k = draw(st.integers(1, len(whole)))
        shapes.append(tuple(1 if draw(st.booleans()) else s for s in whole[len(whole) - k:]))
    return shapes


def _index(draw, key, shape) -> tuple:
    advanced = key == "getitem_advanced" or (
        key != "getitem_basic" and len(shape) and draw(st.booleans()))
    index = _advanced_index(draw, shape) if advanced else _basic_index(draw, shape)
    return normalize_index(index)


def _index_label(index) -> str:
    return repr(tuple(i.tolist() if isinstance(i, np.ndarray) else i for i in index))


@builds("getitem_basic", "getitem_advanced")
def _getitem_case(draw, key, prim, empty):
    min_dims = 1 if key == "getitem_advanced" else 0
    shape = _shape(draw, min_dims=min_dims, empty=empty)
    index = _index(draw, key, shape)
    return _unary(draw, key, prim, shape, (index, shape), f"index={_index_label(index)}")


@builds("scatter_add")
def _scatter_add_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    index = _index(draw, key, shape)
    c_shape = np.empty(shape)[index].shape
    (c,) = draw_inputs(draw, input_domains(prim, 1), (c_shape,))
    call = prim.call
    return Case(key, lambda c: call(c, index, shape), [c], (True,),
                f"index={_index_label(index)}, shape={shape}")


@builds("index_put")
def _index_put_case(draw, key, prim, empty):
    shape = _shape(draw, empty=empty)
    index = _index(draw, key, shape)
    target = np.empty(shape)[index].shape
    k = draw(st.integers(0, len(target)))
    v_shape = tuple(1 if draw(st.booleans()) else s for s in target[len(target) - k:])
    domains = input_domains(prim, 2)
    shapes = [shape, v_shape]
    inputs = draw_inputs(draw, domains, shapes)
    differentiated, scalars = _roles(draw, domains, shapes, empty)
    call = prim.call
    return Case(key, lambda x, v: call(x, v, index), inputs, differentiated,
                f"index={_index_label(index)}", scalars)


# ---------------------------------------------------------------- linear algebra


def _sides(draw, count: int, empty: bool) -> list:
    sides = draw(st.lists(st.integers(1, MAX_SIDE), min_size=count, max_size=count))
    if empty:
        sides[draw(st.integers(0, count - 1))] = 0
    return sides


def _batch_shapes(draw, n: int, max_dims: int = 2) -> list:
    """Batch shapes (possibly none) of n operands that broadcast together."""
    whole = tuple(draw(st.lists(st.integers(1, 2), max_size=max_dims)))
    shapes = []
    for _ in range(n):
        k = draw(st.integers(0, len(whole)))
        shapes.append(tuple(1 if draw(st.booleans()) else s for s in whole[len(whole) - k:]))
    return shapes


@builds("matmul")
def _matmul_case(draw, key, prim, empty):
    kind = draw(st.sampled_from(["matrix @ matrix", "matrix @ vector", "vector @ matrix",
                                 "vector @ vector"]))
    m, n, k = _sides(draw, 3, False)
    used = {"matrix @ matrix": "mnk", "matrix @ vector": "mn", "vector @ matrix": "nk",
            "vector @ vector": "n"}[kind]
    if empty:
        zero = draw(st.sampled_from(used))
        m, n, k = (0 if zero == side else size for side, size in zip("mnk", (m, n, k)))
    bx, by = _batch_shapes(draw, 2)
    x_shape = (n,) if kind.startswith("vector") else bx + (m, n)
    y_shape = (n,) if kind.endswith("vector") else by + (n, k)
    domains = input_domains(prim, 2)
    shapes = [x_shape, y_shape]
    inputs = draw_inputs(draw, domains, shapes)
    differentiated, _ = _roles(draw, domains, shapes, empty)
    return Case(key, prim.call, inputs, differentiated, kind)


@builds("einsum")
def _einsum_case(draw, key, prim, empty):
    letters = "abcd"
    sizes = dict(zip(letters, _sides(draw, len(letters), empty)))
    n = draw(st.integers(1, 3))
    subscripts = ["".join(draw(st.lists(st.sampled_from(letters), max_size=3)))
                  for _ in range(n)]
    used = sorted(set("".join(subscripts)))
    out = "".join(draw(st.permutations(used))[:draw(st.integers(0, len(used)))])
    if empty and not any(sizes[c] == 0 for c in "".join(subscripts)):
        subscripts[0] += next(c for c in letters if sizes[c] == 0)
    spec = ",".join(subscripts) + "->" + out
    shapes = [tuple(sizes[c] for c in s) for s in subscripts]
    (domain,) = set(input_domains(prim, n))
    inputs = draw_inputs(draw, (domain,) * n, shapes)
    differentiated, scalars = _roles(draw, (domain,) * n, shapes, empty)
    call = prim.call
    return Case(key, lambda *xs: call(*xs, spec), inputs, differentiated, repr(spec), scalars)


@builds("diagonal_embed")
def _diagonal_embed_case(draw, key, prim, empty):
    sizes = dict(zip("abc", _sides(draw, 3, empty)))
    target = "".join(draw(st.lists(st.sampled_from("abc"), min_size=1, max_size=4)))
    unique = "".join(dict.fromkeys(target))
    if empty and not any(sizes[c] == 0 for c in unique):
        target += next(c for c in "abc" if sizes[c] == 0)
        unique = "".join(dict.fromkeys(target))
    spec, shape = f"{target}->{unique}", tuple(sizes[c] for c in target)
    x_shape = tuple(sizes[c] for c in unique)
    return _unary(draw, key, prim, x_shape, (spec, shape), f"{spec!r}, shape={shape}")


def _matrix_shape(draw, empty: bool, batch=None) -> tuple:
    """A stack of n x n matrices; with ``empty``, n = 0 or (with a batch of its own) a
    batch of no matrices."""
    n = draw(st.integers(0 if empty else 1, MAX_SIDE))
    if batch is None:
        batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
        if empty and n and batch:
            batch = (0,) + batch[1:]
    if empty and 0 not in batch:
        n = 0
    return batch + (n, n)


@builds("inv", "det", "slogdet")
def _square_case(draw, key, prim, empty):
    shape = _matrix_shape(draw, empty)
    return _unary(draw, key, prim, shape, (), f"shape={shape}")


@builds("solve")
def _solve_case(draw, key, prim, empty):
    ba, bb = _batch_shapes(draw, 2)
    a_shape = _matrix_shape(draw, empty, ba)
    n = a_shape[-1]
    k = draw(st.integers(1, MAX_SIDE))
    b_shape = bb + (n, k)
    domains = input_domains(prim, 2)
    shapes = [a_shape, b_shape]
    inputs = draw_inputs(draw, domains, shapes)
    differentiated, _ = _roles(draw, domains, shapes, empty)
    return Case(key, prim.call, inputs, differentiated, f"a {a_shape}, b {b_shape}")



# Strategies of the other areas of the table (linear algebra, FFT, special functions, ...)
# live beside this file, one module each (tests/strategies_<area>.py); they register with
# @builds like the builders above.
for _path in sorted(__import__("pathlib").Path(__file__).parent.glob("strategies_*.py")):
    importlib.import_module(_path.stem)
