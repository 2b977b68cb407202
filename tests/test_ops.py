"""Every differentiable function against central finite differences, first and second
order (reverse mode), from the table in op_specs.py."""
from __future__ import annotations

import importlib
import pkgutil
import zlib

import numpy as np
import pytest
from op_specs import CASES, REQUIRED, draw

import chainrule as cr
import chainrule.ops
from chainrule.ops import cos
from chainrule.primitive import primitive
from chainrule.testing import GradcheckError, check_grads, gradcheck, gradgradcheck


def make_inputs(case):
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    inputs = []
    for spec in case.inputs:
        if isinstance(spec, np.ndarray):
            inputs.append(cr.asarray(spec))
        else:
            domain, shape = spec
            inputs.append(cr.tensor(draw(domain, shape, rng), dtype=cr.float64,
                                    requires_grad=True))
    return inputs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_first_order(case):
    assert gradcheck(case.fn, make_inputs(case), **case.tolerances)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_second_order(case):
    assert gradgradcheck(case.fn, make_inputs(case), **case.tolerances)


def _float_outputs(value) -> list:
    outputs = value if isinstance(value, (tuple, list)) else [value]
    return [o for o in outputs if isinstance(o, cr.Tensor) and o.dtype.kind == "f"]


def numeric_gradients(fn, inputs, eps=1e-6) -> list:
    """Central differences of ⟨v, fn(inputs)⟩ for fixed random v, one array per input
    that requires grad: zero everywhere only if the Jacobian is."""
    rng = np.random.default_rng(0)
    weights = [rng.uniform(0.5, 1.5, o.shape) for o in _float_outputs(fn(*inputs))]

    def value() -> float:
        return sum(float(np.sum(o.numpy().astype(np.float64) * w))
                   for o, w in zip(_float_outputs(fn(*inputs)), weights))
    gradients = []
    for x in inputs:
        if not x.requires_grad:
            continue
        flat = x._data.reshape(-1)  # a view: writes go to x itself
        g = np.zeros(x.size)
        for j in range(x.size):
            original = flat[j]
            flat[j] = original + eps
            plus = value()
            flat[j] = original - eps
            minus = value()
            flat[j] = original
            g[j] = (plus - minus) / (2 * eps)
        gradients.append(g)
    return gradients


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_input_has_a_gradient_to_check(case):
    """A gradient check of an input whose gradient is zero everywhere (an input that never
    wins a maximum, a relu input drawn all negative) passes for any rule that returns
    zeros: each input must have a nonzero finite-difference gradient, unless the case
    declares it zero (``zero_gradient``), and then it must be zero."""
    inputs = make_inputs(case)
    differentiated = [i for i, x in enumerate(inputs) if x.requires_grad]
    for i, g in zip(differentiated, numeric_gradients(case.fn, inputs)):
        largest = float(np.max(np.abs(g), initial=0.0))
        if i in case.zero_gradient:
            assert largest < 1e-6, f"input {i} is declared to have a zero gradient: {g}"
        else:
            assert largest > 1e-4, (
                f"input {i} has a zero gradient at every element for these inputs, so the "
                f"check cannot fail: draw inputs that reach every branch ({g})")


def test_every_required_function_has_a_case():
    checked = {case.name for case in CASES}
    missing = [name for name in REQUIRED if name not in checked]
    assert not missing, f"no gradient check for: {missing}"


def _all_primitives():
    prims = {}
    for info in pkgutil.iter_modules(chainrule.ops.__path__):
        module = importlib.import_module(f"chainrule.ops.{info.name}")
        for value in vars(module).values():
            prim = getattr(value, "prim", None)
            if prim is not None:
                prims[id(prim)] = prim
    return list(prims.values())


def _graph_primitives(tensors):
    seen, found = set(), set()
    stack = [t.grad_fn for t in tensors if t is not None and t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.add(node.prim.name)
        stack.extend(p for p in node.parents if p is not None and not isinstance(p, cr.Tensor))
    return found


def test_every_differentiable_primitive_is_exercised():
    """Each table entry with rules appears in the graphs (forward and backward) of the
    cases above, so its rules are checked to second order."""
    exercised = set()
    for case in CASES:
        inputs = make_inputs(case)
        outputs = case.fn(*inputs)
        outputs = outputs if isinstance(outputs, (tuple, list)) else [outputs]
        outputs = [o for o in outputs if isinstance(o, cr.Tensor) and o.requires_grad]
        exercised |= _graph_primitives(outputs)
        if outputs:
            seeds = [cr.ones_like(o).requires_grad_() for o in outputs]
            grads = cr.autograd.grad(outputs, [x for x in inputs if x.requires_grad], seeds,
                                     create_graph=True, allow_unused=True)
            exercised |= _graph_primitives(grads)
    # Entries added with a property-test strategy of their own (tests/strategies_*.py)
    # are checked to second order in both modes there (tests/test_properties.py).
    from strategies import STRATEGIES
    table = {p.name for p in _all_primitives() if p.differentiable}
    assert table - exercised - set(STRATEGIES) == set()


def test_every_primitive_has_rules_for_every_mode():
    """Differentiable entries have VJP and JVP rules; every entry has a batching rule."""
    for prim in _all_primitives():
        assert prim.batch is not None, f"{prim.name} has no batching rule"
        if prim.differentiable:
            assert prim.jvp is not None and prim.vjps is not None, prim.name


def test_non_differentiable_outputs_do_not_require_grad():
    x = cr.tensor([-1.5, 0.2, 2.7], requires_grad=True)
    for out in (cr.sign(x), cr.floor(x), cr.ceil(x), cr.round(x), cr.trunc(x),
                cr.argmax(x), cr.argmin(x), x > 0, x == x, cr.isfinite(x),
                x // 1.0):
        assert not out.requires_grad and out.grad_fn is None
    y = cr.floor(x) * x  # floor is a constant factor
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.floor([-1.5, 0.2, 2.7]))


@pytest.mark.parametrize("op, expected", [
    (lambda x: cr.abs(x), 0.0), (lambda x: cr.relu(x), 0.0),
    (lambda x: cr.maximum(x, cr.zeros(())), 0.5), (lambda x: cr.minimum(x, 0.0), 0.5),
    (lambda x: cr.linalg.norm(cr.stack([x, x])), 0.0),
    (lambda x: cr.clip(x, 0.0, 1.0), 1.0), (lambda x: cr.max(cr.stack([x, x])), 1.0),
])
def test_kink_conventions(op, expected):
    """At kinks: |x|' = 0 and relu' = 0 at 0, ties split evenly, norm' = 0 at 0, clip
    passes the gradient on its boundary."""
    x = cr.tensor(0.0, requires_grad=True)
    op(x).backward()
    assert x.grad.item() == expected


def test_max_ties_share_gradient():
    x = cr.tensor([3.0, 1.0, 3.0], requires_grad=True)
    cr.max(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0.0, 0.5])


def test_getitem_repeated_indices_accumulate():
    x = cr.arange(4.0, requires_grad=True)
    x[[0, 0, 3, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 0.0, 1.0])


def test_prod_with_several_zeros():
    x = cr.tensor([0.0, 2.0, 0.0, 3.0], dtype=cr.float64, requires_grad=True)
    cr.prod(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 0.0])
    x = cr.tensor([0.0, 2.0, 5.0], dtype=cr.float64, requires_grad=True)
    cr.prod(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [10.0, 0.0, 0.0])


# ---------------------------------------------------------------- the checks can fail
#
# gradcheck, gradgradcheck and check_grads pass every case above; these primitives have
# deliberately wrong rules, and each check must catch the one it is there for.


def _raw_cos(x):
    # Raw NumPy on the values (np.asarray would refuse a tensor in a graph): a constant
    # to a recorded backward.
    return np.cos(x.numpy() if isinstance(x, cr.Tensor) else x)


_sin_vjp_off = primitive("sin_vjp_off", np.sin, (lambda g, ans, x: g * (1.01 * cos(x)),),
                         jvp=lambda ts, ans, x: ts[0] * cos(x), batch="elementwise")
_sin_raw_vjp = primitive("sin_raw_vjp", np.sin, (lambda g, ans, x: g * _raw_cos(x),),
                         jvp=lambda ts, ans, x: ts[0] * cos(x), batch="elementwise")
_sin_jvp_off = primitive("sin_jvp_off", np.sin, (lambda g, ans, x: g * cos(x),),
                         jvp=lambda ts, ans, x: ts[0] * (1.01 * cos(x)), batch="elementwise")
_sin_ignores_g = primitive("sin_ignores_g", np.sin, (lambda g, ans, x: cos(x) + 0 * g,),
                           jvp=lambda ts, ans, x: ts[0] * cos(x), batch="elementwise")


def _x():
    return cr.tensor([0.3, -1.1, 2.0], dtype=cr.float64, requires_grad=True)


def test_gradcheck_fails_on_a_wrong_vjp():
    with pytest.raises(GradcheckError, match=r"^Jacobian mismatch for output 0 with respect "
                                             r"to input 0:(.|\n)*largest difference"):
        gradcheck(_sin_vjp_off, [_x()])
    assert gradcheck(_sin_vjp_off, [_x()], raise_exception=False) is False
    assert gradcheck(cr.sin, [_x()])  # the right rule passes the same check


def test_gradcheck_fails_on_a_vjp_that_ignores_the_cotangent():
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(_sin_ignores_g, [_x()])


def test_gradgradcheck_fails_on_a_vjp_written_in_raw_numpy():
    """Right at first order, but the backward is not differentiable: recorded, its
    cos(x) is a constant, so the second derivative -sin(x) comes out 0."""
    assert gradcheck(_sin_raw_vjp, [_x()])
    with pytest.raises(GradcheckError, match=r"^Jacobian mismatch for output 0 with respect "
                                             r"to input 0"):
        gradgradcheck(_sin_raw_vjp, [_x()])
    assert gradgradcheck(cr.sin, [_x()])


def test_check_grads_fails_on_a_wrong_jvp_or_vjp():
    x = cr.tensor([0.3, -1.1, 2.0], dtype=cr.float64)
    with pytest.raises(GradcheckError, match=r"^check_grads \(order 1\): JVP disagrees with "
                                             r"finite differences"):
        check_grads(_sin_jvp_off, (x,), order=1, modes=("fwd",))
    with pytest.raises(GradcheckError, match=r"^check_grads \(order 1\): ⟨vᵀJ, u⟩ \(VJP\) "
                                             r"disagrees with ⟨v, J·u⟩ \(finite differences\)"):
        check_grads(_sin_vjp_off, (x,), order=1, modes=("rev",))
    assert check_grads(_sin_raw_vjp, (x,), order=1, modes=("rev",))
    with pytest.raises(GradcheckError, match=r"^check_grads \(order 2\): ⟨vᵀJ, u⟩ \(VJP\) "
                                             r"disagrees"):
        check_grads(_sin_raw_vjp, (x,), order=2, modes=("rev",))  # wrong at second order
    assert check_grads(cr.sin, (x,), order=2)
