"""Every differentiable function of op_specs in forward mode (JVP against finite
differences and against the VJP, to second order) and under vmap (batching rules
against a loop over the batch, with in_axes 0, 1 and None on either operand); every
non-differentiable primitive under vmap; and a check that every primitive's JVP and
batching rules are reached."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from op_specs import CASES
from test_ops import _all_primitives as all_primitives

import chainrule as cr
import chainrule.ops as chainrule_ops
from chainrule.pytree import flatten, tree_map, unflatten
from chainrule.testing import GradcheckError, check_grads

# Cases whose output shape depends on the values (a boolean mask), or whose Python
# control flow reads the values: vmap cannot batch them (see the test at the end).
NOT_BATCHABLE = {"getitem[mask]", "getitem[0-d mask]", "chapter control flow[vector]"}
BATCHABLE = [c for c in CASES if c.id not in NOT_BATCHABLE]


def draw_inputs(case, seed_text):
    from op_specs import draw
    rng = np.random.default_rng(zlib.crc32(seed_text.encode()))
    return [cr.asarray(spec) if isinstance(spec, np.ndarray)
            else cr.tensor(draw(spec[0], spec[1], rng), dtype=cr.float64)
            for spec in case.inputs]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jvp_and_vjp_to_second_order(case):
    tolerances = {k: v for k, v in case.tolerances.items() if k in ("eps", "atol", "rtol")}
    assert check_grads(case.fn, draw_inputs(case, case.id), order=2, **tolerances)


def test_check_grads_reaches_the_jvp_rules_of_backward_only_primitives(monkeypatch):
    """scatter_add appears only in getitem's backward pass: its JVP rule runs only when
    the pullback is differentiated with respect to its cotangent. Break that rule and the
    second-order check must fail (the first-order one cannot see it)."""
    prim = chainrule_ops.scatter_add.prim
    rule = prim.jvp
    monkeypatch.setattr(prim, "jvp", lambda tangents, ans, *args: 2.0 * rule(tangents, ans, *args))
    x = cr.tensor([0.3, -1.2, 0.8], dtype=cr.float64)
    fn = lambda v: v[[0, 2, 0]] * 1.5  # noqa: E731
    assert check_grads(fn, (x,), order=1)
    with pytest.raises(GradcheckError, match=r"order 2\): JVP"):
        check_grads(fn, (x,), order=2)


def _outputs(value):
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _stack_examples(case, n=3):
    return [draw_inputs(case, f"{case.id}/{b}") for b in range(n)]


# How the inputs are batched. "axis0" / "axis1": every input, on that axis (axis 0 for an
# input with no axes). With several inputs, "first_only" and "last_only" batch one input
# and pass the others with in_axes None (the same for every example), so that each rule
# meets an unbatched operand on either side.
MODES = {
    "axis0": lambda i, n: 0,
    "axis1": lambda i, n: 1,
    "first_only": lambda i, n: 0 if i == 0 else None,
    "last_only": lambda i, n: 0 if i == n - 1 else None,
}


def modes_for(n_inputs):
    return ["axis0", "axis1"] + (["first_only", "last_only"] if n_inputs > 1 else [])


def vmap_against_loop(fn, examples, mode, loop=True):
    """The outputs of fn under vmap, the inputs batched as ``mode`` says, and (with
    ``loop``) the same outputs from a Python loop over the examples, stacked."""
    examples = [list(ex) for ex in examples]
    n = len(examples[0])
    in_axes, args = [], []
    for i in range(n):
        axis = MODES[mode](i, n)
        if axis is None:
            for ex in examples:
                ex[i] = examples[0][i]
            in_axes.append(None)
            args.append(examples[0][i])
            continue
        values = [ex[i].numpy() for ex in examples]
        axis = axis if values[0].ndim >= axis else 0
        in_axes.append(axis)
        args.append(cr.tensor(np.stack(values, axis=axis)))
    got = _outputs(cr.vmap(fn, in_axes=tuple(in_axes))(*args))
    if not loop:
        return got, None
    expected = [_outputs(fn(*ex)) for ex in examples]
    return got, [np.stack([e[k].numpy() for e in expected]) for k in range(len(got))]


# x[index] = v stores in place: a v that varies across the batch cannot go into an x
# that does not (the index_put cases check the functional form in that mode).
IN_PLACE = {c.id for c in BATCHABLE if c.name == "setitem"}


@pytest.mark.parametrize("case, mode", [
    pytest.param(c, m, id=f"{c.id}-{m}") for c in BATCHABLE for m in modes_for(len(c.inputs))])
def test_batching_rule_matches_loop(case, mode):
    if case.id in IN_PLACE and mode == "last_only":
        with pytest.raises(ValueError, match="varies across a vmap batch.*new tensor"):
            vmap_against_loop(case.fn, _stack_examples(case), mode)
        return
    got, want = vmap_against_loop(case.fn, _stack_examples(case), mode)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", BATCHABLE, ids=lambda c: c.id)
def test_batched_gradients_match_loop(case):
    """vmap of grad batches the derivative rules' primitives too."""
    examples = _stack_examples(case)

    def total(*xs):
        return sum((o * o).sum() for o in _outputs(case.fn(*xs)))

    n_inputs = len(examples[0])
    argnums = tuple(range(n_inputs))
    batched = [cr.tensor(np.stack([ex[i].numpy() for ex in examples])) for i in range(n_inputs)]
    got = cr.vmap(cr.grad(total, argnums))(*batched)
    for i in range(n_inputs):
        want = np.stack([cr.grad(total, argnums)(*ex)[i].numpy() for ex in examples])
        np.testing.assert_allclose(got[i].numpy(), want, rtol=1e-9, atol=1e-12)


def batched_pullback(case, loop=True, n=3):
    """vmap of the case's pullback over n cotangents (the primitives of the backward pass
    itself batched, as jacrev runs them), and the loop over those cotangents."""
    inputs = draw_inputs(case, case.id)
    out, pullback = cr.vjp(case.fn, *inputs)
    leaves, tree = flatten(out)
    rng = np.random.default_rng(zlib.crc32(f"{case.id}/cotangents".encode()))
    cotangents = [[rng.standard_normal(np.shape(o)) for o in leaves] for _ in range(n)]
    stacked = [cr.tensor(np.stack([c[k] for c in cotangents])) for k in range(len(leaves))]
    got = flatten(cr.vmap(pullback)(unflatten(tree, stacked)))[0]
    if not loop:
        return got, None
    per_example = [flatten(pullback(unflatten(tree, [cr.tensor(v) for v in c])))[0]
                   for c in cotangents]
    return got, [np.stack([p[k].numpy() for p in per_example]) for k in range(len(got))]


@pytest.mark.parametrize("case", BATCHABLE, ids=lambda c: c.id)
def test_batched_cotangents_match_loop(case):
    got, want = batched_pullback(case)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-10, atol=1e-12)


def test_value_dependent_shapes_and_control_flow_say_why_under_vmap():
    x = cr.tensor([[1.0, -2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="inside vmap"):
        cr.vmap(lambda r: r[r > 0])(x)
    with pytest.raises(ValueError, match="control flow"):
        cr.vmap(lambda r: r if r.sum() > 0 else -r)(x)


# Every non-differentiable primitive: (function, number of inputs, values to draw).
# "ints": small whole numbers, so that comparisons meet ties and both outcomes;
# "special": real values among infinities and NaNs.
from chainrule.ops.decompositions import svd_complement as _svd_complement  # noqa: E402
from chainrule.ops.sorting import argpartition_p as _argpartition_p  # noqa: E402
from chainrule.ops.sorting import argsort_p as _argsort_p  # noqa: E402
from chainrule.ops.special import gammasgn as _gammasgn  # noqa: E402

NONDIFF = {
    "argmax": (lambda x: cr.argmax(x), 1, "real"),
    "argmax axis": (lambda x: cr.argmax(x, axis=1), 1, "real"),
    "argmin keepdims": (lambda x: cr.argmin(x, axis=0, keepdims=True), 1, "real"),
    "argmax all keepdims": (lambda x: cr.argmax(x, keepdims=True), 1, "real"),
    "greater": (lambda x, y: x > y, 2, "ints"),
    "greater_equal": (lambda x, y: x >= y, 2, "ints"),
    "less": (lambda x, y: x < y, 2, "ints"),
    "less_equal": (lambda x, y: x <= y, 2, "ints"),
    "equal": (cr.equal, 2, "ints"),
    "not_equal": (lambda x, y: x != y, 2, "ints"),
    "all": (lambda x: cr.all(x > -1, axis=1), 1, "ints"),
    "any": (lambda x: cr.any(x > 1), 1, "ints"),
    "count_nonzero": (lambda x: cr.count_nonzero(x > 0, axis=0), 1, "ints"),
    "floor": (cr.floor, 1, "real"), "ceil": (cr.ceil, 1, "real"),
    "round": (lambda x: cr.round(x, 1), 1, "real"), "sign": (cr.sign, 1, "ints"),
    "trunc": (cr.trunc, 1, "real"),
    "isfinite": (cr.isfinite, 1, "special"), "isnan": (cr.isnan, 1, "special"),
    "isinf": (cr.isinf, 1, "special"),
    "floor_divide": (lambda x, y: x // (y * y + 0.5), 2, "real"),
    "logical_and": (lambda x, y: cr.logical_and(x > 0, y > 0), 2, "ints"),
    "logical_or": (lambda x, y: cr.logical_or(x > 0, y < 0), 2, "ints"),
    "logical_xor": (lambda x, y: cr.logical_xor(x > 0, y > 0), 2, "ints"),
    "logical_not": (lambda x: cr.logical_not(x > 0), 1, "ints"),
    "slogdet sign": (lambda x: cr.linalg.slogdet(x[:, :2] @ x[:, :2].T + 1.0)[0], 1, "real"),
    # the non-differentiable ufuncs (chainrule/ops/ufuncs.py), through NumPy's protocol;
    # the integer ones on int64 values, shifts by 0 to 4 bits
    "rint": (np.rint, 1, "real"), "signbit": (np.signbit, 1, "special"),
    "heaviside": (np.heaviside, 2, "ints"),
    **{name: (lambda x, y, _u=getattr(np, name): _u(x.astype("int64"), y.astype("int64")),
              2, "ints") for name in ("bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm")},
    **{name: (lambda x, y, _u=getattr(np, name): _u(x.astype("int64"),
                                                    (y * y).astype("int64")), 2, "ints")
       for name in ("left_shift", "right_shift")},
    "invert": (lambda x: np.invert(x.astype("int64")), 1, "ints"),
    "bitwise_count": (lambda x: np.bitwise_count(x.astype("int64")), 1, "ints"),
    # orders, signs and bases that the differentiable functions build on
    "argsort": (lambda x: _argsort_p(x, 1), 1, "ints"),
    "argpartition": (lambda x: _argpartition_p(x, 1, 1), 1, "real"),
    "gammasgn": (lambda x: _gammasgn(x), 1, "real"),
    "svd_complement": (lambda x: _svd_complement(x[:, :1]), 1, "real"),
}


def nondiff_examples(name, n=4):
    _, arity, domain = NONDIFF[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))

    def one():
        if domain == "ints":
            return rng.integers(-2, 3, size=(2, 3)).astype(np.float64)
        values = rng.normal(size=(2, 3)) * 2.0
        if domain == "special":
            values.reshape(-1)[rng.permutation(6)[:3]] = [np.inf, -np.inf, np.nan]
        return values
    return [[cr.tensor(one()) for _ in range(arity)] for _ in range(n)]


@pytest.mark.parametrize("name, mode", [
    pytest.param(n, m, id=f"{n}-{m}") for n in sorted(NONDIFF) for m in modes_for(NONDIFF[n][1])])
def test_non_differentiable_batching_rules_match_loop(name, mode):
    got, want = vmap_against_loop(NONDIFF[name][0], nondiff_examples(name), mode)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w)


# Rules that no check above can reach, each with the reason. Keep it empty if you can.
UNEXERCISED: dict[str, str] = {
    "isnat": "tensors hold numbers, not datetimes: on a tensor isnat raises NumPy's TypeError",
}


def test_every_jvp_and_batching_rule_is_exercised(monkeypatch):
    """Every table entry's JVP rule and batching rule runs in the checks of this file
    (the same passes, without the loops they are compared with): an entry lacking one,
    or one that no case reaches, fails here unless UNEXERCISED says why. (Entries the
    table declares not differentiable have no JVP rule, by design.)"""
    ran = {"jvp": set(), "batch": set()}
    missing = []
    prims = all_primitives()
    for prim in prims:
        for kind in ("jvp", "batch"):
            rule = getattr(prim, kind)
            if rule is None:
                if kind == "batch" or prim.differentiable:
                    missing.append(f"{prim.name} has no {kind} rule")
                continue

            def recording(*args, _rule=rule, _seen=ran[kind], _key=id(prim)):
                _seen.add(_key)
                return _rule(*args)
            monkeypatch.setattr(prim, kind, recording)
    for case in CASES:
        inputs = draw_inputs(case, case.id)
        cr.jvp(case.fn, tuple(inputs), tuple(cr.ones_like(x) for x in inputs))
        out, pullback = cr.vjp(case.fn, *inputs)
        cotangent = tree_map(cr.ones_like, out)
        cr.jvp(pullback, (cotangent,), (cotangent,))  # the backward pass's own JVP rules
    for case in BATCHABLE:
        for mode in modes_for(len(case.inputs)):
            if not (case.id in IN_PLACE and mode == "last_only"):
                vmap_against_loop(case.fn, _stack_examples(case), mode, loop=False)
        batched_pullback(case, loop=False)
    for name in NONDIFF:
        for mode in modes_for(NONDIFF[name][1]):
            vmap_against_loop(NONDIFF[name][0], nondiff_examples(name), mode, loop=False)
    for prim in prims:
        for kind in ("jvp", "batch"):
            if getattr(prim, kind) is not None and id(prim) not in ran[kind]:
                missing.append(f"{prim.name}'s {kind} rule never runs")
    # Entries with a property-test strategy (tests/strategies_*.py) have their JVP and
    # batching rules run there (check_grads in both modes, check_vmap).
    from strategies import STRATEGIES
    missing = [m for m in missing
               if m.split("'")[0].split(" has")[0] not in UNEXERCISED.keys() | STRATEGIES.keys()]
    assert not missing, missing


@pytest.mark.parametrize("case", BATCHABLE, ids=lambda c: c.id)
def test_linearize_tangent_sweep_matches_jvp(case):
    """The tangent sweep over a recorded evaluation gives the JVP (every rule works from
    what its entry saved)."""
    inputs = draw_inputs(case, case.id)
    rng = np.random.default_rng(7)
    tangents = tuple(cr.tensor(rng.standard_normal(x.shape)) for x in inputs)
    _, jvp_fn = cr.linearize(case.fn, *inputs)
    _, expected = cr.jvp(case.fn, tuple(inputs), tangents)
    for got, want in zip(_outputs(jvp_fn(*tangents)), _outputs(expected)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


def test_linearize_with_inputs_that_do_not_depend_on_the_primals():
    x = cr.tensor([1.0, 2.0], dtype=cr.float64)
    t = cr.ones(2, dtype=cr.float64)
    for f in (lambda v: cr.concatenate([cr.ones(3, dtype=cr.float64), cr.sin(v)]) * 2,
              lambda v: cr.stack([v, cr.zeros(2, dtype=cr.float64)]).sum(0) * v,
              lambda v: cr.where(v > 1.5, v, cr.ones(2, dtype=cr.float64))):
        _, jvp_fn = cr.linearize(f, x)
        np.testing.assert_allclose(jvp_fn(t).numpy(), cr.jvp(f, (x,), (t,))[1].numpy())


def test_stop_gradient_inside_vmap():
    out = cr.vmap(lambda t: cr.stop_gradient(t) * t)(cr.arange(3.0))
    np.testing.assert_array_equal(out.numpy(), [0.0, 1.0, 4.0])
    g = cr.vmap(cr.grad(lambda t: cr.stop_gradient(t) * t))(cr.arange(3.0))
    np.testing.assert_array_equal(g.numpy(), [0.0, 1.0, 2.0])
