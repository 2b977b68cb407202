"""NumPy ufuncs on tensors: the primitives of chainrule/ops/ufuncs.py, Tensor.__array_ufunc__
(calls, methods, keyword arguments, out=, refusals) and NumPy's derivative conventions at
special points (ties, kinks, 0·∞), in both modes and to second order or more."""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops import ufuncs as uf
from chainrule.testing import check_grads
from chainrule.ufunc_dispatch import _REFUSED, _UFUNCS


def f64(values, requires_grad=False):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


X = np.array([[0.3, -0.7, 1.2], [-1.1, 0.5, 0.9]])
Y = np.array([0.6, 0.4, -0.8])  # broadcasts against X


# ---------------------------------------------------------------- the new primitives

SMOOTH_BINARY = {
    "hypot": (uf.hypot, X, Y),
    "logaddexp": (uf.logaddexp, X, Y),
    "logaddexp2": (uf.logaddexp2, X, Y),
    "fmax": (uf.fmax, X, Y),
    "fmin": (uf.fmin, X, Y),
    "fmod": (uf.fmod, X, np.abs(Y) + 1.3),
    "copysign": (uf.copysign, X, Y),
    "nextafter": (uf.nextafter, X, Y),
    "float_power": (uf.float_power, np.abs(X) + 0.5, Y),
}
UNARY = {"sinc": uf.sinc, "deg2rad": uf.deg2rad, "rad2deg": uf.rad2deg, "fabs": uf.fabs}


@pytest.mark.parametrize("name", sorted(SMOOTH_BINARY))
def test_binary_primitive_values_and_derivatives(name):
    op, x, y = SMOOTH_BINARY[name]
    out = op(f64(x), f64(y))
    np.testing.assert_allclose(out.numpy(), getattr(np, name)(x, y), rtol=1e-15)
    assert check_grads(op, (f64(x), f64(y)), order=2, modes=("fwd", "rev"))
    assert check_grads(lambda a: op(a, 0.65), (f64(x),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_primitive_values_and_derivatives(name):
    op = UNARY[name]
    np.testing.assert_allclose(op(f64(X)).numpy(), getattr(np, name)(X), rtol=1e-15)
    assert check_grads(op, (f64(X),), order=2, modes=("fwd", "rev"))


def test_ldexp_is_linear_in_x_and_keeps_the_dtype():
    n = np.array([1, -2, 3])
    assert check_grads(lambda a: uf.ldexp(a, n), (f64(X),), order=2, modes=("fwd", "rev"))
    x = cr.tensor(X.astype(np.float32), requires_grad=True)
    out = np.ldexp(x, n)
    np.testing.assert_array_equal(out.numpy(), np.ldexp(X.astype(np.float32), n))
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), np.broadcast_to(2.0 ** n, X.shape))
    for exponent in (3, np.int64(3)):  # a Python int stays an integer exponent
        np.testing.assert_array_equal(np.ldexp(x, exponent).numpy(), 8 * x.numpy())


def test_float_power_computes_in_float64():
    x = cr.tensor([1.5, 2.0], dtype="float32", requires_grad=True)
    out = np.float_power(x, 2)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), np.float_power(np.float32([1.5, 2.0]), 2))
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_logaddexp_does_not_overflow():
    big = f64([1000.0, -1000.0, 800.0], requires_grad=True)
    for op, base, power in ((np.logaddexp, math.e, np.exp), (np.logaddexp2, 2.0, np.exp2)):
        out = op(big, big)
        np.testing.assert_allclose(out.numpy(), big.numpy() + math.log(2.0, base))
        (grad,) = cr.grad(lambda a: op(a, a).sum())(big),
        np.testing.assert_allclose(grad.numpy(), 1.0)
        (g_x, g_y) = cr.grad(lambda a, b: op(a, b).sum(), argnums=(0, 1))(
            big, f64([0.0, 0.0, 0.0]))
        np.testing.assert_allclose(g_x.numpy(), [1.0, 0.0, 1.0], atol=1e-300)
        # d/dy = base ** (y - ans), finite where base ** x alone would overflow
        np.testing.assert_allclose(g_y.numpy(), power(0.0 - op(big.numpy(), 0.0)), rtol=1e-12)


def test_fmax_and_fmin_ignore_nan_in_values_and_gradients():
    a = np.array([np.nan, 1.0, np.nan, 3.0, 2.0])
    b = np.array([0.5, np.nan, np.nan, 1.0, 2.0])
    for op, ufunc in ((uf.fmax, np.fmax), (uf.fmin, np.fmin)):
        out = op(f64(a), f64(b))
        np.testing.assert_array_equal(out.numpy(), ufunc(a, b))  # NaN where both are
        g_a, g_b = cr.grad(lambda x, y: op(x, y).sum(), argnums=(0, 1))(f64(a), f64(b))
        chosen_a = np.where(np.isnan(b), ~np.isnan(a), ufunc(a, b) == a)
        tie = a == b
        np.testing.assert_array_equal(g_a.numpy(), np.where(tie, 0.5, chosen_a * 1.0))
        chosen_b = ~np.isnan(b) & (np.isnan(a) | (ufunc(a, b) == b))
        np.testing.assert_array_equal(g_b.numpy(), np.where(tie, 0.5, chosen_b * 1.0))
    # NumPy's maximum propagates NaN where fmax ignores it.
    assert np.isnan(np.maximum(f64(a), f64(b)).numpy()[1])
    assert np.fmax(f64(a), f64(b)).numpy()[1] == 1.0


def test_sinc_at_zero_first_second_and_third_derivatives():
    zero = f64(0.0)
    sinc = uf.sinc
    for first in (cr.grad(sinc), cr.jacfwd(sinc)):
        assert first(zero).item() == 0.0
    for second in (cr.hessian(sinc), cr.jacfwd(cr.jacfwd(sinc)), cr.jacfwd(cr.grad(sinc)),
                   cr.jacrev(cr.grad(sinc))):
        np.testing.assert_allclose(second(zero).item(), -math.pi ** 2 / 3, rtol=1e-14)
    third = cr.jacfwd(cr.jacrev(cr.grad(sinc)))(zero).item()
    assert abs(third) < 1e-12  # sinc is even
    fourth = cr.jacfwd(cr.jacfwd(cr.jacrev(cr.grad(sinc))))(zero).item()
    np.testing.assert_allclose(fourth, math.pi ** 4 / 5, rtol=1e-10)


def test_sinc_on_both_sides_of_the_series_switch():
    # The series (below 0.1) and the closed form (above) give the same derivatives.
    near = f64([0.0, 1e-9, -0.03, 0.0999999, 0.1, 0.1000001, -0.25, 2.5])
    assert check_grads(uf.sinc, (near,), order=3, modes=("fwd", "rev"))
    x = near.numpy()
    closed = (np.cos(np.pi * x[3:]) - np.sinc(x[3:])) / x[3:]
    np.testing.assert_allclose(cr.grad(lambda a: uf.sinc(a).sum())(near).numpy()[3:], closed,
                               rtol=1e-12)


def test_copysign_is_differentiated_in_x_only():
    x, y = f64([0.5, -0.5, 2.0, 0.0]), f64([-1.0, -3.0, 1.0, -2.0])
    np.testing.assert_array_equal(uf.copysign(x, y).numpy(), np.copysign(x.numpy(), y.numpy()))
    g_x, g_y = cr.grad(lambda a, b: uf.copysign(a, b).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_array_equal(g_x.numpy(), [-1.0, 1.0, 1.0, 0.0])  # 0 at the kink x = 0
    np.testing.assert_array_equal(g_y.numpy(), 0.0)


def test_hypot_at_the_origin_has_gradient_zero():
    g_x, g_y = cr.grad(lambda a, b: uf.hypot(a, b), argnums=(0, 1))(f64(0.0), f64(0.0))
    assert (g_x.item(), g_y.item()) == (0.0, 0.0)


# ---------------------------------------------------------------- every NumPy ufunc


def _numpy_ufuncs() -> set:
    return {v for v in vars(np).values() if isinstance(v, np.ufunc)}


def test_every_numpy_ufunc_is_dispatched_or_refused():
    handled = set(_UFUNCS) | set(_REFUSED)
    missing = sorted(u.__name__ for u in _numpy_ufuncs() - handled)
    assert not missing, f"ufuncs neither in _UFUNCS nor in _REFUSED: {missing}"
    assert not set(_UFUNCS) & set(_REFUSED)


# Inputs in each ufunc's domain: floats in (0.2, 0.9) suit nearly all of them.
FLOAT_IN = [np.array([[0.3, 0.6, 0.8], [0.2, 0.5, 0.9]]), np.array([0.7, 0.4, 0.25])]
SPECIAL_IN = {"arccosh": [FLOAT_IN[0] + 1.0], "matmul": [FLOAT_IN[0], FLOAT_IN[0].T],
              "matvec": [FLOAT_IN[0], FLOAT_IN[1]], "vecmat": [FLOAT_IN[0][:, :2].T[0],
                                                               FLOAT_IN[0][:, :2]],
              "vecdot": [FLOAT_IN[0], FLOAT_IN[1]], "ldexp": [FLOAT_IN[0], np.array([1, 2, 3])]}
INTEGER = {"bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift",
           "right_shift", "gcd", "lcm", "bitwise_count"}
NOT_DIFFERENTIABLE = INTEGER | {
    "sign", "floor", "ceil", "trunc", "rint", "heaviside", "signbit", "equal", "not_equal",
    "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "isnan", "isinf", "isfinite", "floor_divide"}
SUPPORTED = sorted((u for u in _UFUNCS if u.__name__ != "isnat"), key=lambda u: u.__name__)


def _inputs(ufunc) -> list:
    name = ufunc.__name__
    if name in SPECIAL_IN:
        return SPECIAL_IN[name]
    if name in INTEGER:
        return [np.array([[12, 5, 7], [3, 9, 1]]), np.array([4, 2, 3])][:ufunc.nin]
    return FLOAT_IN[:ufunc.nin]


@pytest.mark.parametrize("ufunc", SUPPORTED, ids=lambda u: u.__name__)
def test_numpy_ufunc_on_tensors_gives_numpy_values_as_tensors(ufunc):
    arrays = _inputs(ufunc)
    expected = ufunc(*arrays)
    differentiable = ufunc.__name__ not in NOT_DIFFERENTIABLE
    tensors = [cr.tensor(a, requires_grad=differentiable and a.dtype.kind == "f")
               for a in arrays]
    got = ufunc(*tensors)
    got = got if isinstance(got, tuple) else (got,)
    expected = expected if isinstance(expected, tuple) else (expected,)
    # divmod: the quotient is piecewise constant, the remainder differentiable
    recorded = [False, True] if ufunc is np.divmod else [differentiable]
    for g, e, r in zip(got, expected, recorded):
        assert isinstance(g, cr.Tensor)
        assert g.dtype == e.dtype, f"{ufunc.__name__}: dtype {g.dtype}, NumPy's {e.dtype}"
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-15)
        assert g.requires_grad == r
    # mixed with an ndarray operand, on either side
    if ufunc.nin == 2 and ufunc.__name__ not in SPECIAL_IN:
        for mixed in (ufunc(arrays[0], tensors[1]), ufunc(tensors[0], arrays[1])):
            mixed = mixed if isinstance(mixed, tuple) else (mixed,)
            for g, e in zip(mixed, expected):
                assert isinstance(g, cr.Tensor) and g.dtype == e.dtype
                np.testing.assert_allclose(g.numpy(), e, rtol=1e-15)


@pytest.mark.parametrize("ufunc", [u for u in SUPPORTED
                                   if u.__name__ not in NOT_DIFFERENTIABLE | {"divmod"}],
                         ids=lambda u: u.__name__)
def test_numpy_ufunc_on_tensors_is_recorded_to_second_order(ufunc):
    arrays = _inputs(ufunc)
    float_positions = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]

    def f(*xs):
        full = list(arrays)
        for i, x in zip(float_positions, xs):
            full[i] = x
        return ufunc(*full)
    args = tuple(cr.tensor(arrays[i]) for i in float_positions)
    assert check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_ndarray_times_and_plus_tensor_are_tensors():
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    t = f64([0.5, -1.0, 2.0], requires_grad=True)
    for result, expected in ((a * t, a * t.numpy()), (a + t, a + t.numpy()),
                             (a - t, a - t.numpy()), (a / t, a / t.numpy()),
                             (a ** t, a ** t.numpy()), (a @ t, a @ t.numpy())):
        assert isinstance(result, cr.Tensor) and result.requires_grad
        np.testing.assert_allclose(result.numpy(), expected)
    assert check_grads(lambda x: (a * x + a) @ x, (f64([0.5, -1.0, 2.0]),), order=2)


def test_non_differentiable_ufuncs_give_tensors_without_grad():
    x = f64([-1.5, 0.5, 2.5], requires_grad=True)
    for ufunc in (np.rint, np.signbit, np.sign, np.floor):
        out = ufunc(x)
        assert isinstance(out, cr.Tensor) and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), ufunc(x.numpy()))
    out = np.heaviside(x, 0.5)
    assert not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), np.heaviside(x.numpy(), 0.5))
    ints = cr.tensor([12, 5, 7])
    np.testing.assert_array_equal(np.gcd(ints, 4).numpy(), [4, 1, 1])
    np.testing.assert_array_equal(np.invert(cr.tensor([True, False])).numpy(), [False, True])


def test_isnat_raises_numpys_error_naming_it():
    with pytest.raises(TypeError, match=r"isnat: .*datetime"):
        np.isnat(f64([1.0]))


# ---------------------------------------------------------------- methods


def _against_numpy(method_call, x_value, order=2):
    """method_call(x) on a tensor equals it on the array, and is recorded."""
    expected = method_call(x_value)
    got = method_call(f64(x_value, requires_grad=True))
    assert isinstance(got, cr.Tensor) and got.requires_grad
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-14)
    assert check_grads(method_call, (f64(x_value),), order=order, modes=("fwd", "rev"))


M = np.array([[0.3, -0.7, 1.2], [-1.1, 0.5, 0.9]])
MASK = np.array([True, False, True])


METHOD_CALLS = [
    lambda x: np.add.reduce(x),
    lambda x: np.add.reduce(x, axis=1, keepdims=True),
    lambda x: np.add.reduce(x, axis=None, initial=2.0),
    lambda x: np.add.reduce(x, axis=(0, 1), where=MASK),
    lambda x: np.multiply.reduce(x, 1, initial=3.0, where=MASK),
    lambda x: np.maximum.reduce(x, axis=1),
    lambda x: np.minimum.reduce(x, axis=0, keepdims=True),
    lambda x: np.maximum.reduce(x, axis=1, initial=0.0, where=MASK),
    lambda x: np.logaddexp.reduce(x, axis=1),
    lambda x: np.logaddexp.reduce(x, axis=1, where=MASK, initial=-1.0),
    lambda x: np.logaddexp2.reduce(x, axis=1, initial=0.5),
    lambda x: np.subtract.reduce(x, axis=1),
    lambda x: np.divide.reduce(x, axis=0, keepdims=True),
    lambda x: np.hypot.reduce(x, axis=0, initial=1.0),
    lambda x: np.fmax.reduce(x, axis=1),
    lambda x: np.fmin.reduce(x, axis=None),  # fmax, fmin and hypot are reorderable
    lambda x: np.hypot.reduce(x, axis=(1, 0), keepdims=True, initial=0.5),
    lambda x: np.add.accumulate(x, axis=1),
    lambda x: np.multiply.accumulate(x),
    lambda x: np.maximum.accumulate(x, axis=1),
    lambda x: np.subtract.accumulate(x, axis=1),
    lambda x: np.multiply.outer(x, np.array([1.0, -2.0])),
    lambda x: np.subtract.outer(np.array([1.0, -2.0]), x),
    lambda x: np.hypot.outer(x[0], x[1]),
]
METHOD_IDS = [
    "add", "add-axis1-keepdims", "add-None-initial", "add-where", "multiply-initial-where",
    "maximum", "minimum-keepdims", "maximum-initial-where", "logaddexp",
    "logaddexp-where-initial", "logaddexp2-initial", "subtract", "divide-keepdims",
    "hypot-initial", "fmax", "fmin-None", "hypot-axes-keepdims-initial", "add.accumulate", "multiply.accumulate", "maximum.accumulate",
    "subtract.accumulate", "multiply.outer", "subtract.outer", "hypot.outer"
]


@pytest.mark.parametrize("call", METHOD_CALLS, ids=METHOD_IDS)
def test_ufunc_methods_are_recorded(call):
    _against_numpy(call, M)


@pytest.mark.parametrize("call", METHOD_CALLS, ids=METHOD_IDS)
def test_ufunc_methods_under_vmap_match_a_loop(call):
    stack = np.stack([M, 0.9 * M, 1.1 * M])
    got = cr.vmap(call)(f64(stack))
    np.testing.assert_allclose(got.numpy(), np.stack([call(m) for m in stack]), rtol=1e-14)


def test_logical_reduce_runs_on_the_values():
    x = f64(M, requires_grad=True)
    out = np.logical_and.reduce(x > 0, axis=1)
    assert not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), np.logical_and.reduce(M > 0, axis=1))
    np.testing.assert_array_equal(np.logical_or.reduce(x > 1).numpy(), [False, False, True])
    np.testing.assert_array_equal(np.bitwise_or.reduce(cr.tensor([1, 2, 8])).numpy(), 11)
    # the tensor only a where= mask: still NumPy's answer, as a tensor
    mask = np.array([True, False, True])
    out = np.logical_and.reduce(np.array([True, False, True]), where=cr.tensor(mask))
    assert isinstance(out, cr.Tensor) and out.item() is True


def test_masked_reductions_of_integers_stay_integer():
    ints = np.array([[1, 2, 3], [4, 5, 6]])
    for call in (lambda x: np.add.reduce(x, axis=1, where=MASK),
                 lambda x: np.multiply.reduce(x, axis=1, where=MASK),
                 lambda x: np.maximum.reduce(x, axis=1, where=MASK, initial=2),
                 lambda x: np.minimum.reduce(x, axis=1, where=MASK, initial=9)):
        expected, got = call(ints), call(cr.tensor(ints))
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got.numpy(), expected)


def test_reduce_of_an_empty_axis_with_initial():
    x = f64(np.zeros((0, 2)), requires_grad=True)
    np.testing.assert_array_equal(np.maximum.reduce(x, axis=0, initial=-3.0).numpy(), [-3, -3])
    np.testing.assert_array_equal(np.add.reduce(x, axis=0, initial=1.0).numpy(), [1, 1])
    # hypot has an identity (0), which NumPy's empty reduction gives
    np.testing.assert_array_equal(np.hypot.reduce(x, axis=0).numpy(), [0, 0])
    with pytest.raises(ValueError, match=r"numpy.fmax.reduce: zero-size reduction"):
        np.fmax.reduce(x, axis=0)


def test_folds_take_initial_as_numpy_does_next_to_inf_and_nan():
    # initial joins the first slice through the ufunc itself, never mixed with the data
    for call in (lambda x: np.subtract.reduce(x, initial=0.0),
                 lambda x: np.fmax.reduce(x, initial=5.0),
                 lambda x: np.hypot.reduce(x, axis=0, initial=1.0)):
        for values in ([np.inf, 1.0], [np.nan], [np.nan, 2.0]):
            array = np.array(values)
            with np.errstate(invalid="ignore"):
                expected = call(array)
                got = call(f64(array))
            np.testing.assert_array_equal(got.numpy(), expected)


def test_accumulate_of_an_empty_axis_keeps_the_dtype():
    for dtype in (np.int64, np.float32):
        empty = np.zeros((0, 2), dtype=dtype)
        got = np.subtract.accumulate(cr.tensor(empty))
        expected = np.subtract.accumulate(empty)
        assert got.dtype == expected.dtype and got.shape == expected.shape


def test_method_refusals_follow_numpy():
    x = f64(M, requires_grad=True)
    with pytest.raises(ValueError, match=r"numpy.subtract.reduce: subtract is not reorderable"):
        np.subtract.reduce(x, axis=None)
    with pytest.raises(ValueError):  # NumPy refuses it too
        np.subtract.reduce(M, axis=None)
    with pytest.raises(ValueError, match=r"maximum has no identity, so a where= mask needs "
                                         r"initial="):
        np.maximum.reduce(x, axis=1, where=MASK)
    with pytest.raises(ValueError, match=r"numpy.sin.reduce: only binary ufuncs"):
        x.__array_ufunc__(np.sin, "reduce", x)  # (NumPy itself refuses it first)
    with pytest.raises(ValueError, match=r"cannot accumulate on a 0-d tensor"):
        np.add.accumulate(f64(1.0))
    with pytest.raises(TypeError, match=r"numpy.subtract.reduce: where= is not supported .* "
                                        r"folded"):
        np.subtract.reduce(x, axis=1, where=MASK)
    with pytest.raises(TypeError, match=r"numpy.add.reduce: the arguments bogus are not "
                                        r"supported"):
        x.__array_ufunc__(np.add, "reduce", x, bogus=1)  # NumPy passes unknown ones on


def test_at_and_reduceat_are_refused_with_what_to_do():
    x = f64(M, requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.add.at is not supported .* in place .*"
                                        r"scatter_add"):
        np.add.at(x, [0], 1.0)
    with pytest.raises(TypeError, match=r"numpy.multiply.reduceat is not supported .* "
                                        r"numpy.multiply.reduce\(x\[i:j\]"):
        np.multiply.reduceat(x, [0, 1])


# ---------------------------------------------------------------- keyword arguments


def test_dtype_is_honoured_and_recorded():
    x = cr.tensor([0.5, 1.5], dtype="float32", requires_grad=True)
    out = np.multiply(x, x, dtype=np.float64)
    assert out.dtype == np.float64
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 3.0])
    ints = cr.tensor([1, 2])
    assert np.sqrt(ints, dtype=np.float64).dtype == np.float64
    reduced = np.add.reduce(x, dtype=np.float64)
    assert reduced.dtype == np.float64 and reduced.requires_grad


def test_dtype_picks_numpys_loop_for_integers_and_comparisons():
    # dtype= fixes the output; the inputs are computed in the loop NumPy picks for it
    big, small = np.array([2 ** 31 - 1], np.int32), np.array([3], np.int8)
    for call in (lambda a, b: np.add(a, a, dtype=np.int64),
                 lambda a, b: np.multiply(b, 100, dtype=np.int16),
                 lambda a, b: np.multiply.outer(b, b * 40, dtype=np.int16),
                 lambda a, b: np.less(a, 7, dtype=bool),
                 lambda a, b: np.add(b, True, dtype=np.int16),
                 lambda a, b: np.multiply(a, 0.5, dtype=np.float64)):
        expected = call(big, small)
        got = call(cr.tensor(big), cr.tensor(small))
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got.numpy(), expected)
    with pytest.raises(TypeError, match=r"numpy.sin: .*no loop|numpy.sin: .*No loop"):
        np.sin(f64([0.5]), dtype=np.int64)


def test_casting_is_checked_as_numpy_does():
    x = f64([0.5, 1.5], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.add: cannot cast an input of dtype float64 "
                                        r"to dtype=int64 with casting='same_kind'"):
        np.add(x, x, dtype=np.int64)
    with pytest.raises(TypeError):  # NumPy's own refusal
        np.add(x.numpy(), x.numpy(), dtype=np.int64)
    assert np.add(x, x, casting="unsafe", order="C").requires_grad
    with pytest.raises(ValueError, match=r"numpy.add: casting must be one of"):
        np.add(x, x, casting="sometimes")


@pytest.mark.parametrize("kwargs, refused", [
    ({"where": np.array([True, False])}, r"where= is not supported .* without out="),
    ({"signature": "dd->d"}, r"the arguments signature are not supported"),
    ({"subok": False}, r"subok=False is not supported"),
])
def test_other_keywords_are_refused_by_name(kwargs, refused):
    x = f64([0.5, 1.5], requires_grad=True)
    with pytest.raises(TypeError, match=rf"numpy.sin: {refused}"):
        np.sin(x, **kwargs)


# ---------------------------------------------------------------- out=


def test_out_is_refused_when_something_requires_grad():
    x = f64([0.5, 1.5], requires_grad=True)
    message = r"numpy.sin: out= is not supported when an input or the out= tensor requires grad"
    with pytest.raises(TypeError, match=message + r".*assign the result instead"):
        np.sin(x, out=np.empty(2))
    with pytest.raises(TypeError, match=message):
        np.sin(f64([0.5, 1.5]), out=x)
    with pytest.raises(TypeError, match=r"numpy.add.reduce: out= is not supported"):
        np.add.reduce(x, out=np.empty(()))
    with pytest.raises(TypeError, match=r"numpy.sin: out= is not supported .* transformed"):
        cr.grad(lambda a: np.sin(a, out=np.empty(2)).sum())(f64([0.5, 1.5]))


def test_out_writes_like_numpy_when_nothing_requires_grad():
    x = f64([0.5, 1.5])
    target = cr.zeros(2, dtype="float64")
    version = target._version
    result = np.sin(x, out=target)
    assert result is target
    np.testing.assert_array_equal(target.numpy(), np.sin([0.5, 1.5]))
    assert target._version is not None and target._version != version
    array = np.zeros(2)
    assert np.add(x, 1.0, out=array) is array
    np.testing.assert_array_equal(array, [1.5, 2.5])
    quotient, rest = np.zeros(2), cr.zeros(2, dtype="float64")
    got = np.divmod(f64([5.0, 7.0]), 3.0, out=(quotient, rest))
    assert got[0] is quotient and got[1] is rest
    np.testing.assert_array_equal(rest.numpy(), [2.0, 1.0])
    np.add(x, 10.0, out=target, where=np.array([True, False]))
    np.testing.assert_array_equal(target.numpy(), [10.5, np.sin(1.5)])
    np.add.reduce(f64(M), axis=1, out=array)
    np.testing.assert_allclose(array, M.sum(axis=1))


def test_out_under_no_grad_updates_a_parameter_in_place():
    w = f64([1.0, 2.0], requires_grad=True)
    with cr.no_grad():
        np.multiply(w, 0.5, out=w)
    np.testing.assert_array_equal(w.numpy(), [0.5, 1.0])
    assert w.requires_grad


def test_a_value_saved_for_backward_and_then_overwritten_by_out_is_caught():
    x = f64([0.5, 1.5], requires_grad=True)
    y = np.exp(x)  # saves its output
    with cr.no_grad():
        np.multiply(y, 2.0, out=y)
    with pytest.raises(RuntimeError, match=r"modified|version|in place"):
        y.sum().backward()


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("ufunc, instead", [
    (np.frexp, r"np.ldexp\(x, -e\)"),
    (np.modf, r"x - np.trunc\(x\)"),
    (np.spacing, r"np.spacing\(x.numpy\(\)\)"),
])
def test_ufuncs_without_a_chainrule_counterpart_are_refused(ufunc, instead):
    with pytest.raises(TypeError, match=rf"numpy.{ufunc.__name__} is not supported on "
                                        rf"chainrule tensors .* {instead}"):
        ufunc(f64([0.5, 1.5], requires_grad=True))


def test_a_foreign_ufunc_is_refused_naming_it_and_the_way_out():
    twice = np.frompyfunc(lambda v: 2 * v, 1, 1)
    with pytest.raises(TypeError, match=r"^<lambda> \(vectorized\) is not supported on "
                                        r"chainrule tensors .* convert with .numpy\(\)"):
        twice(f64([0.5]))


def test_scipy_ufuncs_run_chainrule_scipy_special_or_are_refused():
    special = pytest.importorskip("scipy.special")
    x = f64([0.3, 0.7], requires_grad=True)
    for ufunc in (special.erf, special.expit, special.gammaln, special.xlogy):
        arrays = [x.numpy()] * ufunc.nin
        out = ufunc(*[x] * ufunc.nin)
        assert isinstance(out, cr.Tensor) and out.requires_grad
        np.testing.assert_allclose(out.numpy(), ufunc(*arrays), rtol=1e-14)
        assert check_grads(lambda a: ufunc(*[a] * ufunc.nin), (f64([0.3, 0.7]),), order=2)
    with pytest.raises(TypeError, match=r"^scipy.special.airy is not supported on chainrule "
                                        r"tensors .* convert with .numpy\(\)"):
        special.airy(x)


def test_an_unknown_ufunc_method_is_refused():
    x = f64([0.5, 1.5])
    with pytest.raises(TypeError, match=r"numpy.add.transmogrify is not supported"):
        x.__array_ufunc__(np.add, "transmogrify", x)


# ---------------------------------------------------------------- dialects


def test_dialect_tensors_keep_their_class_through_ufuncs():
    import chainrule.torch as torch
    t = torch.tensor([0.5, 1.5], requires_grad=True)
    for out in (np.sin(t), np.add.reduce(t), np.multiply.outer(t, t), np.hypot(t, 1.0)):
        assert type(out) is type(t) and out.requires_grad
    np.sin(t).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), np.cos([0.5, 1.5]), rtol=1e-6)


# ---------------------------------------------------------------- conventions


def _derivatives(f, x) -> dict:
    """f's derivatives of orders 1 to 3 at x, by every combination of modes."""
    return {
        "rev": cr.grad(f)(x), "fwd": cr.jacfwd(f)(x),
        "rev-rev": cr.jacrev(cr.grad(f))(x), "fwd-rev": cr.jacfwd(cr.grad(f))(x),
        "fwd-fwd": cr.jacfwd(cr.jacfwd(f))(x), "hessian": cr.hessian(f)(x),
        "fwd-rev-rev": cr.jacfwd(cr.jacrev(cr.grad(f)))(x),
        "rev-rev-rev": cr.jacrev(cr.jacrev(cr.grad(f)))(x),
        "fwd-fwd-fwd": cr.jacfwd(cr.jacfwd(cr.jacfwd(f)))(x),
    }


def _orders(first, shape=()):
    """Expected values: ``first`` at order 1, zeros of the right shapes above."""
    second = np.zeros(shape + shape)
    third = np.zeros(shape + shape + shape)
    return {"rev": first, "fwd": first, "rev-rev": second, "fwd-rev": second,
            "fwd-fwd": second, "hessian": second, "fwd-rev-rev": third,
            "rev-rev-rev": third, "fwd-fwd-fwd": third}


TWO = np.array([2.0, 2.0])
CONVENTIONS = {
    # ties share a total derivative of exactly 1
    "maximum(x, x)": (lambda x: cr.maximum(x, x), 2.0, _orders(1.0)),
    "minimum(x, x)": (lambda x: cr.minimum(x, x), 2.0, _orders(1.0)),
    "np.maximum(x, x)": (lambda x: np.maximum(x, x), 2.0, _orders(1.0)),
    "np.fmin(x, x)": (lambda x: np.fmin(x, x), 2.0, _orders(1.0)),
    "max([2, 2])": (lambda x: cr.max(x), TWO, _orders(np.array([0.5, 0.5]), (2,))),
    "amin([2, 2])": (lambda x: cr.amin(x), TWO, _orders(np.array([0.5, 0.5]), (2,))),
    "np.maximum.reduce([2, 2])": (lambda x: np.maximum.reduce(x), TWO,
                                  _orders(np.array([0.5, 0.5]), (2,))),
    "np.minimum.reduce([2, 2])": (lambda x: np.minimum.reduce(x), TWO,
                                  _orders(np.array([0.5, 0.5]), (2,))),
    # kinks at 0 take derivative 0
    "abs at 0": (lambda x: cr.abs(x), 0.0, _orders(0.0)),
    "np.abs at 0": (lambda x: np.abs(x), 0.0, _orders(0.0)),
    "np.fabs at 0": (lambda x: np.fabs(x), 0.0, _orders(0.0)),
    # 0·∞ in closed form: 0
    "x ** 0 at 0": (lambda x: x ** 0, 0.0, _orders(0.0)),
    "x ** 0.0 at 0": (lambda x: x ** 0.0, 0.0, _orders(0.0)),
    "np.power(x, 0) at 0": (lambda x: np.power(x, 0), 0.0, _orders(0.0)),
    "np.float_power(x, 0) at 0": (lambda x: np.float_power(x, 0), 0.0, _orders(0.0)),
    "std of one element": (lambda x: cr.std(x), np.array([1.5]),
                           _orders(np.array([0.0]), (1,))),
    "var of one element": (lambda x: cr.var(x), np.array([1.5]),
                           _orders(np.array([0.0]), (1,))),
}


@pytest.mark.parametrize("name", sorted(CONVENTIONS))
def test_derivative_conventions_in_every_mode_and_order(name):
    f, point, expected = CONVENTIONS[name]
    got = _derivatives(f, f64(point))
    for mode, value in expected.items():
        np.testing.assert_array_equal(got[mode].numpy(), value, err_msg=f"{name}, {mode}")


@pytest.mark.parametrize("reduction", ["std", "var"])
def test_std_and_var_over_an_axis_of_length_one(reduction):
    op = getattr(cr, reduction)

    def f(x):
        return op(x, axis=1).sum()
    x = f64([[1.0], [2.0], [-3.0]])
    for mode, value in _derivatives(f, x).items():
        assert not np.any(np.isnan(value.numpy())), (reduction, mode)
        np.testing.assert_array_equal(value.numpy(), 0.0, err_msg=f"{reduction}, {mode}")


def test_mixed_power_derivative_at_zero_exponent_is_kept():
    # Moving the base at y = 0 must not lose d²/dx dy x**y = x**-1 (at x != 0).
    h = cr.hessian(lambda x, y: x ** y, argnums=(0, 1))(f64(2.0), f64(0.0))
    np.testing.assert_allclose(h[0][1].item(), 0.5)


def test_chainrule_numpy_takes_positional_outs_as_numpy_does():
    import chainrule.numpy as cnp
    quotient, rest = np.zeros(2), np.zeros(2)
    got = cnp.divmod(f64([5.0, 7.0]), 3.0, quotient, rest)
    assert got[0] is quotient and got[1] is rest
    np.testing.assert_array_equal(quotient, [1.0, 2.0])
    np.testing.assert_array_equal(rest, [2.0, 1.0])
    target = np.zeros(2)
    assert cnp.add(f64([1.0, 2.0]), 1.0, target) is target
    np.testing.assert_array_equal(target, [2.0, 3.0])
    with pytest.raises(TypeError, match=r"add\(\) takes 2 positional arguments but 4"):
        cnp.add(1.0, 2.0, target, target)
