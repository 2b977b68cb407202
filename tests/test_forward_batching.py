"""Every differentiable function of op_specs in forward mode (JVP against finite
differences and against the VJP, to second order) and under vmap (batching rules
against a loop over the batch, with in_axes 0, 1 and None)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from op_specs import CASES

import chainrule as cr
from chainrule.testing import check_grads

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


def _outputs(value):
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _stack_examples(case, n=3):
    return [draw_inputs(case, f"{case.id}/{b}") for b in range(n)]


@pytest.mark.parametrize("mode", ["axis0", "axis1", "unbatched"])
@pytest.mark.parametrize("case", BATCHABLE, ids=lambda c: c.id)
def test_batching_rule_matches_loop(case, mode):
    examples = _stack_examples(case)
    n_inputs = len(examples[0])
    in_axes, batched_args = [], []
    for i in range(n_inputs):
        values = [ex[i].numpy() for ex in examples]
        if mode == "unbatched" and i > 0:
            in_axes.append(None)
            batched_args.append(examples[0][i])
            for ex in examples:
                ex[i] = examples[0][i]
            continue
        axis = 1 if mode == "axis1" and values[0].ndim >= 1 else 0
        in_axes.append(axis)
        batched_args.append(cr.tensor(np.stack(values, axis=axis)))
    got = _outputs(cr.vmap(case.fn, in_axes=tuple(in_axes))(*batched_args))
    expected = [_outputs(case.fn(*ex)) for ex in examples]
    for k, g in enumerate(got):
        want = np.stack([e[k].numpy() for e in expected])
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-10, atol=1e-12)


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


def test_value_dependent_shapes_and_control_flow_say_why_under_vmap():
    x = cr.tensor([[1.0, -2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="inside vmap"):
        cr.vmap(lambda r: r[r > 0])(x)
    with pytest.raises(ValueError, match="control flow"):
        cr.vmap(lambda r: r if r.sum() > 0 else -r)(x)


NONDIFF = {
    "argmax": lambda x: cr.argmax(x), "argmax axis": lambda x: cr.argmax(x, axis=1),
    "argmin keepdims": lambda x: cr.argmin(x, axis=0, keepdims=True),
    "argmax all keepdims": lambda x: cr.argmax(x, keepdims=True),
    "comparison": lambda x: x > 0.1, "equal": lambda x: cr.equal(x, x * 2),
    "all": lambda x: cr.all(x > -1, axis=1), "any": lambda x: cr.any(x > 1),
    "count_nonzero": lambda x: cr.count_nonzero(x > 0, axis=0),
    "floor": cr.floor, "ceil": cr.ceil, "round": lambda x: cr.round(x, 1), "sign": cr.sign,
    "trunc": cr.trunc, "isfinite": cr.isfinite, "isnan": cr.isnan, "isinf": cr.isinf,
    "floor_divide": lambda x: x // 0.3, "logical": lambda x: cr.logical_or(x > 1, x < -1),
    "logical_not": lambda x: cr.logical_not(x > 0), "xor": lambda x: cr.logical_xor(x > 0, x > 1),
    "slogdet sign": lambda x: cr.linalg.slogdet(x[:, :2] @ x[:, :2].T + 1.0)[0],
}


@pytest.mark.parametrize("name", sorted(NONDIFF))
def test_non_differentiable_batching_rules_match_loop(name):
    fn = NONDIFF[name]
    batch = np.random.default_rng(1).normal(size=(4, 2, 3))
    got = cr.vmap(fn)(cr.tensor(batch))
    want = np.stack([fn(cr.tensor(example)).numpy() for example in batch])
    np.testing.assert_array_equal(got.numpy(), want)


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
