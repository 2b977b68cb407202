"""Property-based tests (hypothesis) over the whole primitive table.

Every differentiable entry of chainrule.ops, found by walking the table, gets calls drawn
by tests/strategies.py: values in the domain the entry declares (``domain=``), shapes
from 0-d to 4-d with broadcast pairs, parameters (axes, keepdims, indices, einsum
specifications, pad widths, ...), and which inputs are differentiated (the others are
constants, some of them Python floats). Each draw is checked:

- test_float64_derivatives: the VJP against central finite differences, one Jacobian row
  per output element (chainrule.testing.gradcheck, which also checks the gradients'
  shapes and dtypes, that a zero cotangent gives zeros, and that a second sweep agrees);
  then check_grads to order 2 in both modes: the JVP against finite differences and
  against the VJP (⟨vᵀJ, u⟩ = ⟨v, J·u⟩), and the same again for the derivative
  functions (second order: forward over forward, forward over reverse, reverse over
  reverse).
- test_float32_matches_float64: float32 is not checked against finite differences. A
  step small enough for their truncation error (1e-6) is below float32's resolution, and
  one large enough for its rounding error (1e-2) hides the errors of a rule. Instead the
  float32 output, VJP, JVP and second derivative (the JVP of the VJP) are computed on the
  same values (inputs and directions rounded to float32) as in float64, whose values the
  test above checks; they must have float32 dtypes (no silent promotion; the float64
  run must stay float64 too) and agree within float32 accuracy: rtol 1e-4 and
  atol 1e-4 · max(1, largest |float64 value|), about a thousand units in the last place
  of float32, which these well-conditioned domains stay far inside.
- test_vmap_matches_a_loop: the batching rules. vmap of the primitive, and of its VJP
  with batched cotangents (which runs the batching rules of the backward's own
  primitives), equals a loop over a batch of three draws (the drawn values scaled by
  1, 0.9 and 1.1), within float64 rounding; constant inputs stay unbatched.
- test_empty_arrays: draws with an empty input or output, in both dtypes. There is
  nothing to take finite differences of; the output must have NumPy's shape, the VJP,
  JVP and second derivative the shapes and dtypes of what they belong to, a VJP through
  an empty output must be zero and a JVP from empty inputs only must be zero.

The coverage test fails when a differentiable entry lacks a rule, a domain= or a
strategy here, unless EXEMPT says why; and when an entry in EXEMPT no longer needs to
be there. Profiles (tests/conftest.py): "default" for CI, "long" with ten times the
examples (``--hypothesis-profile=long``).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (AVOIDED, DOMAINS, NO_EMPTY, STRATEGIES, Case, cases, contains,
                        differentiable, draw_inputs, input_domains, table)

import chainrule as cr
from chainrule.primitive import EachInput, primitive
from chainrule.testing import check_grads, gradcheck

# Differentiable entries without a strategy or a domain here, each with the reason.
# The list only shrinks: an entry that has both fails the coverage test until removed.
EXEMPT: dict[str, str] = {}

CHECKED = sorted(key for key in differentiable() if key in STRATEGIES)
RTOL32 = 1e-4
ATOL32 = 1e-4


def _leaves(value) -> list:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _array(x) -> np.ndarray:
    return x.numpy() if isinstance(x, cr.Tensor) else np.asarray(x)


def directions(args, out_shape, seed: int):
    """Random directions u (one per input) and a cotangent v, rounded to float32 so that
    the float32 and float64 runs use the same ones."""
    rng = np.random.default_rng(seed)
    u = [rng.standard_normal(np.shape(a)).astype(np.float32) for a in args]
    v = rng.standard_normal(out_shape).astype(np.float32)
    return u, v


def derivatives(f, args, dtype, u, v) -> dict:
    """f's output, VJP of v, JVP along u and the second derivative (the JVP along u of
    x ↦ VJP of v at x), at ``args`` taken as ``dtype``."""
    xs = tuple(cr.tensor(a, dtype=dtype) for a in args)
    tangents = tuple(cr.tensor(t, dtype=dtype) for t in u)
    out, pullback = cr.vjp(f, *xs)
    cotangent = cr.tensor(v, dtype=out.dtype)
    vjp = _leaves(pullback(cotangent))
    _, jvp = cr.jvp(f, xs, tangents)
    _, second = cr.jvp(lambda *ys: cr.vjp(f, *ys)[1](cotangent), xs, tangents)
    return {"output": out, "VJP": vjp, "JVP": jvp, "second derivative": _leaves(second)}


def check_shapes_and_dtypes(result, args, dtype, out_shape, out_dtype) -> None:
    out, jvp = result["output"], result["JVP"]
    assert out.shape == out_shape, f"output shape {out.shape}, NumPy's is {out_shape}"
    assert out.dtype == out_dtype, f"output dtype {out.dtype}, expected {out_dtype}"
    assert jvp.shape == out.shape and jvp.dtype == out.dtype, (
        f"JVP {jvp.shape} {jvp.dtype} for an output {out.shape} {out.dtype}")
    for what in ("VJP", "second derivative"):
        for i, (g, a) in enumerate(zip(result[what], args)):
            assert g.shape == np.shape(a) and g.dtype == dtype, (
                f"{what} for input {i}: {g.shape} {g.dtype}, expected the input's "
                f"{np.shape(a)} {np.dtype(dtype)}")


def check_float32(case: Case, seed: int) -> None:
    """The float32 run against the float64 run on the same (rounded) values."""
    case = case.rounded(np.float32)
    f32, args32 = case.bind(np.float32)
    f64, args64 = case.bind(np.float64)
    out_shape = np.shape(f64(*args64))
    u, v = directions(args64, out_shape, seed)
    results = {}
    for dtype, f, args in ((np.float32, f32, args32), (np.float64, f64, args64)):
        results[dtype] = derivatives(f, args, dtype, u, v)
        check_shapes_and_dtypes(results[dtype], args, dtype, out_shape,
                                case.out_dtype or np.dtype(dtype))
    for what in results[np.float64]:
        for k, (low, high) in enumerate(zip(_leaves(results[np.float32][what]),
                                            _leaves(results[np.float64][what]))):
            low = _array(low).astype(np.float64)
            high = _array(high)
            scale = max(1.0, float(np.max(np.abs(high), initial=0.0)))
            if not np.allclose(low, high, rtol=RTOL32, atol=ATOL32 * scale):
                worst = float(np.max(np.abs(low - high)))
                raise AssertionError(
                    f"{case.key}: the float32 {what} (leaf {k}) differs from float64's on "
                    f"the same values by up to {worst:.3g} (scale {scale:.3g}):\n"
                    f"float32: {low.tolist()}\nfloat64: {high.tolist()}")


def check_empty(case: Case, seed: int) -> None:
    for dtype in (np.float32, np.float64):
        f, args = case.bind(dtype)
        out_shape = np.shape(f(*args))  # plain NumPy: no tensor among the arguments
        assert 0 in out_shape or any(0 in np.shape(a) for a in args), "nothing is empty"
        u, v = directions(args, out_shape, seed)
        result = derivatives(f, args, dtype, u, v)
        check_shapes_and_dtypes(result, args, dtype, out_shape,
                                case.out_dtype or np.dtype(dtype))
        if 0 in out_shape:
            for what in ("VJP", "second derivative"):
                for i, g in enumerate(result[what]):
                    assert not np.any(_array(g)), (
                        f"{what} for input {i} through an empty output is not zero")
        if all(np.size(a) == 0 for a in args):
            assert not np.any(_array(result["JVP"])), (
                "the JVP from empty inputs only is not zero")


def check_vmap(case: Case, seed: int) -> None:
    """vmap of f, and of its VJP (batched cotangents), against a loop over the batch."""
    f, args = case.bind(np.float64)
    # Scaled copies of the drawn values: the same signs, and inside every domain's
    # function domain (scaling keeps matrices invertible).
    batch = [[a * scale for a in args] for scale in (1.0, 0.9, 1.1)]
    stacked = [cr.tensor(np.stack(values), dtype=cr.float64) for values in zip(*batch)]
    out_shape = np.shape(f(*args))
    cotangents = np.random.default_rng(seed).standard_normal((len(batch),) + out_shape)

    def pulled(*xs_and_v):
        *xs, v = xs_and_v
        return tuple(_leaves(cr.vjp(f, *xs)[1](v)))

    for what, got, loop in (
            ("vmap", [cr.vmap(f)(*stacked)],
             [[f(*[cr.tensor(a, dtype=cr.float64) for a in b])] for b in batch]),
            ("vmap of the VJP", cr.vmap(pulled)(*stacked, cr.tensor(cotangents)),
             [pulled(*[cr.tensor(a, dtype=cr.float64) for a in b], cr.tensor(v))
              for b, v in zip(batch, cotangents)])):
        for k, leaf in enumerate(_leaves(got)):
            want = np.stack([_array(row[k]) for row in loop])
            have = _array(leaf)
            scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
            assert have.shape == want.shape and np.allclose(
                have, want, rtol=1e-9, atol=1e-12 * scale), (
                f"{case.key}: {what} (leaf {k}) differs from a loop over the batch:\n"
                f"vmap: {have.tolist()}\nloop: {want.tolist()}")


# ---------------------------------------------------------------- the properties


@pytest.mark.parametrize("key", CHECKED)
@given(data=st.data())
def test_float64_derivatives(key, data):
    case = data.draw(cases(key), label="case")
    f, args = case.bind(np.float64)
    inputs = [cr.tensor(a, dtype=cr.float64, requires_grad=True) for a in args]
    assert gradcheck(f, inputs, **case.tolerances)
    assert check_grads(f, tuple(cr.tensor(a, dtype=cr.float64) for a in args), order=2,
                       **case.tolerances)


@pytest.mark.parametrize("key", CHECKED)
@given(data=st.data())
def test_float32_matches_float64(key, data):
    case = data.draw(cases(key), label="case")
    check_float32(case, data.draw(st.integers(0, 2**32 - 1), label="seed"))


@pytest.mark.parametrize("key", CHECKED)
@given(data=st.data())
def test_vmap_matches_a_loop(key, data):
    case = data.draw(cases(key), label="case")
    check_vmap(case, data.draw(st.integers(0, 2**32 - 1), label="seed"))


EMPTY = [key for key in CHECKED if key not in NO_EMPTY]


@pytest.mark.parametrize("key", EMPTY)
@settings(max_examples=max(2, settings().max_examples // 2))
@given(data=st.data())
def test_empty_arrays(key, data):
    case = data.draw(cases(key, empty=True), label="case")
    check_empty(case, data.draw(st.integers(0, 2**32 - 1), label="seed"))


# ---------------------------------------------------------------- known bugs
#
# Bugs these properties found, each a minimal reproduction that asserts the right
# answer. Known ones are marked xfail (strict: once fixed the mark fails, and the entry
# and its avoidance in strategies.AVOIDED go); fixed ones stay as regression tests.


def _power_mixed_second_derivative():
    # d²(x**y)/dx dy = x**(y-1) (1 + y log x), 1 at x = 1, y = 0. Differentiated in y
    # first it is; in x first it is 0: the base's rule, where(y == 0, 0, y x**(y-1)),
    # is constant in y where y == 0 (the where is meant for x**0 at x = 0 only).
    x, y = cr.tensor(1.0, dtype=cr.float64), cr.tensor(0.0, dtype=cr.float64)
    assert cr.grad(cr.grad(cr.power, argnums=1), argnums=0)(x, y).item() == 1.0
    assert cr.grad(cr.grad(cr.power, argnums=0), argnums=1)(x, y).item() == 1.0


def _prod_second_derivative_near_zero():
    # prod of one value is x: its second derivative is 0. The rule for inputs without
    # zeros, g * ans / x, differentiated again, subtracts two terms of size 1/x.
    x = cr.tensor(1e-142, dtype=cr.float64)
    assert cr.grad(cr.grad(cr.prod))(x).item() == 0.0  # gives -1.35e+126


def _cumprod_second_derivative_near_zero():
    # The same for cumprod's JVP rule ans * cumsum(t / x), in float32 at x = 1e-5.
    x = cr.tensor(np.array([1e-5], dtype=np.float32))
    ones = cr.ones_like(x)
    inner = lambda z: cr.jvp(cr.cumprod, (z,), (ones,))[1]  # noqa: E731
    assert cr.jvp(inner, (x,), (ones,))[1].numpy().tolist() == [0.0]  # gives -0.0078125


def _det_gradient_of_0x0_matrix():
    # det of a 0 x 0 matrix is 1 (NumPy's answer); its gradient is a 0 x 0 array. The
    # backward raises: the cofactors are built from an index array of shape (0,).
    x = cr.zeros((0, 0), dtype=cr.float64, requires_grad=True)
    cr.linalg.det(x).backward()
    assert x.grad.shape == (0, 0)


def _roll_under_vmap_with_a_negative_axis():
    # roll's batching rule shifts its axis by one for the batch axis in front, so axis -1
    # becomes 0: vmap rolls the batch, and jacrev (vmap of the VJP) gives the transpose
    # of roll's Jacobian, silently.
    rows = np.arange(6.0).reshape(2, 3)
    got = cr.vmap(lambda x: cr.roll(x, 1, -1))(cr.tensor(rows, dtype=cr.float64))
    # gives [[3, 4, 5], [0, 1, 2]]
    assert got.numpy().tolist() == np.roll(rows, 1, -1).tolist()


KNOWN_BUGS: dict = {}  # name -> (reproduction, the exception it raises today)

FIXED_BUGS = {
    "power_mixed_second_derivative_at_exponent_zero": _power_mixed_second_derivative,
    "prod_second_derivative_near_zero": _prod_second_derivative_near_zero,
    "cumprod_second_derivative_near_zero": _cumprod_second_derivative_near_zero,
    "det_gradient_of_0x0_matrix": _det_gradient_of_0x0_matrix,
    "roll_under_vmap_with_a_negative_axis": _roll_under_vmap_with_a_negative_axis,
}


if KNOWN_BUGS:  # (an empty parametrization would show as a skip)
    @pytest.mark.parametrize("name", [
        pytest.param(name, marks=pytest.mark.xfail(raises=raises, strict=True,
                                                   reason="known bug, see its reproduction"))
        for name, (_, raises) in KNOWN_BUGS.items()])
    def test_known_bug(name):
        KNOWN_BUGS[name][0]()


@pytest.mark.parametrize("name", sorted(FIXED_BUGS))
def test_fixed_bug_stays_fixed(name):
    FIXED_BUGS[name]()


# ---------------------------------------------------------------- coverage


def _coverage_problems(key, prim) -> list:
    """What the entry lacks: rules, a domain this module knows, a strategy."""
    missing = []
    if prim.vjps is None or prim.jvp is None or prim.batch is None:
        missing.append("a VJP, JVP or batching rule")
    variadic = isinstance(prim.vjps, EachInput)
    if prim.domain is None:
        missing.append("a domain= in its table entry")
    elif variadic and not isinstance(prim.domain, str):
        missing.append(f"one domain name for all its inputs (variadic), not {prim.domain!r}")
    else:
        try:
            domains = input_domains(prim, 1 if variadic else prim.nin)
        except ValueError as exc:
            missing.append(str(exc))
            domains = ()
        unknown = sorted(set(domains) - set(DOMAINS))
        if unknown:
            missing.append(f"known domain names, not {unknown} (see strategies.DOMAINS)")
        if not variadic and prim.vjps is not None:
            for i, domain in enumerate(domains):
                if domain != "boolean" and prim.vjps[i] is None:
                    missing.append(f"a VJP rule for input {i} (its domain is {domain!r}; "
                                   "inputs without one are 'boolean')")
    if key not in STRATEGIES:
        missing.append("a strategy in tests/strategies.py (STRATEGIES)")
    return missing


def test_every_differentiable_primitive_is_covered():
    entries = differentiable()
    problems = []
    for key, prim in entries.items():
        missing = _coverage_problems(key, prim)
        if missing and key not in EXEMPT:
            problems.append(f"{key} lacks " + "; ".join(missing))
        elif not missing and key in EXEMPT:
            problems.append(f"{key} is exempt but now has rules, a domain and a strategy: "
                            "remove it from EXEMPT")
    problems += [f"EXEMPT names {key}, not a differentiable entry of the table"
                 for key in EXEMPT if key not in entries]
    problems += [f"STRATEGIES names {key}, not a differentiable entry of the table"
                 for key in STRATEGIES if key not in entries]
    problems += [f"NO_EMPTY names {key}, which has no strategy" for key in NO_EMPTY
                 if key not in STRATEGIES]
    problems += [f"strategies.AVOIDED[{key!r}] refers to {bug!r}, not in KNOWN_BUGS: fixed "
                 "bugs take their avoidance with them" for key, bug in AVOIDED.items()
                 if bug not in KNOWN_BUGS]
    assert not problems, "\n".join(problems)


def test_the_table_is_found():
    """The walk over chainrule.ops finds the entries (a table found empty would make
    every test above vacuous)."""
    keys = set(differentiable())
    assert {"add", "sum", "matmul", "getitem_basic", "getitem_advanced", "einsum"} <= keys
    assert len(keys) >= 60
    assert not table()["argmax"].differentiable


def test_domains_agree_with_op_specs():
    """The domain names that tests/op_specs.py's draw() knows mean the same here: its
    draws lie in the domains as defined in strategies.DOMAINS."""
    from op_specs import draw
    rng = np.random.default_rng(0)
    shared = [d for d in DOMAINS if d != "boolean"]
    for domain in shared:
        for shape in ((2, 3, 3), (3, 3)) if domain == "matrix" else ((), (6,), (2, 3)):
            assert contains(domain, [draw(domain, shape, rng)]), (domain, shape)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@given(data=st.data())
def test_strategies_draw_inside_their_domains(domain, data):
    count = data.draw(st.integers(1, 3))
    shapes = [data.draw(st.sampled_from([(), (1,), (4,), (2, 3), (2, 2, 2)]))
              for _ in range(count)]
    if domain == "matrix":
        shapes = [s[:-1] + (s[-1], s[-1]) if s else (1, 1) for s in shapes]
    arrays = draw_inputs(data.draw, [domain] * count, shapes)
    assert [a.shape for a in arrays] == shapes
    assert contains(domain, arrays)


# ---------------------------------------------------------------- the checks can fail


def _broken_sin(rule=None, jvp="elementwise"):
    from chainrule.ops import cos
    rule = rule or (lambda g, ans, x: g * cos(x))
    return primitive("broken_sin", np.sin, (rule,), jvp=jvp, batch="elementwise",
                     domain="real")


def _sin_case(op, shape=(3,), values=None):
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) if values is None \
        else values
    return Case("broken_sin", op, [x], (True,))


def test_float32_check_catches_a_rule_wrong_only_in_float32():
    from chainrule.ops import cos

    def rule(g, ans, x):
        return g * cos(x) * (1.001 if _array(g).dtype == np.float32 else 1.0)
    check_float32(_sin_case(_broken_sin()), seed=0)
    with pytest.raises(AssertionError, match="float32 VJP"):
        check_float32(_sin_case(_broken_sin(rule)), seed=0)


def test_float32_check_catches_a_promoting_forward():
    from chainrule.ops import cos
    promoting = primitive("promoting_sin", lambda x: np.sin(x).astype(np.float64),
                          (lambda g, ans, x: g * cos(x),), jvp="elementwise",
                          batch="elementwise", domain="real")
    with pytest.raises(AssertionError, match="output dtype float64, expected float32"):
        check_float32(_sin_case(promoting), seed=0)


def test_empty_check_catches_a_jvp_from_nothing():
    from chainrule.ops import broadcast_to, sum as total

    def broken_sum(jvp):
        return primitive("broken_sum", lambda x: np.sum(x, axis=0),
                         (lambda g, ans, x: broadcast_to(g, np.shape(x)),), jvp=jvp,
                         batch="elementwise", domain="real")
    case = lambda op: Case("broken_sum", op, [np.zeros((0, 2))], (True,))  # noqa: E731
    check_empty(case(broken_sum(lambda ts, ans, x: total(ts[0], 0))), seed=0)
    with pytest.raises(AssertionError, match="JVP from empty inputs"):
        check_empty(case(broken_sum(lambda ts, ans, x: total(ts[0], 0) + 1.0)), seed=0)
