"""Dtype rules: float32 default, weak Python scalars, float-only gradients, grad dtypes."""
import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def restore_default_dtype():
    previous = cr.get_default_dtype()
    yield
    cr.set_default_dtype(previous)


# ---------------------------------------------------------------- the float32 default


def test_default_dtype_is_float32():
    assert cr.get_default_dtype() == np.float32
    assert cr.float32 == np.dtype(np.float32)


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], [[1.0], [2.5]], (0.5, 1), [1, 2.0]])
def test_python_floats_become_float32(data):
    assert cr.tensor(data).dtype == np.float32
    assert cr.asarray(data).dtype == np.float32


def test_python_ints_and_bools():
    assert cr.tensor(3).dtype == np.int64
    assert cr.tensor([1, 2]).dtype == np.int64
    assert cr.tensor(True).dtype == np.bool_
    assert cr.tensor([True, False]).dtype == np.bool_


def test_arange_dtypes():
    assert cr.arange(4.0).dtype == np.float32
    assert cr.arange(4).dtype == np.int64
    assert cr.arange(0, 2, 0.5).dtype == np.float32
    assert cr.arange(4, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(cr.arange(4.0).numpy(), [0.0, 1.0, 2.0, 3.0])


@pytest.mark.parametrize("make", [
    lambda: cr.ones(3), lambda: cr.zeros((2, 2)), lambda: cr.empty(2), lambda: cr.eye(2),
    lambda: cr.linspace(0, 1, 5), lambda: cr.full(3, 2.5), lambda: cr.random.normal(size=3),
    lambda: cr.random.uniform(size=(2, 2)), lambda: cr.random.normal(),
])
def test_creation_functions_use_the_default(make):
    assert make().dtype == np.float32


def test_set_default_dtype(restore_default_dtype):
    cr.set_default_dtype(np.float64)
    assert cr.get_default_dtype() == np.float64
    assert cr.tensor(1.5).dtype == np.float64
    assert cr.tensor([1.0, 2.0]).dtype == np.float64
    assert cr.arange(4.0).dtype == np.float64
    assert cr.ones(2).dtype == np.float64
    assert cr.zeros(2).dtype == np.float64
    assert cr.random.normal(size=2).dtype == np.float64
    assert (cr.tensor([1, 2]) * 2.5).dtype == np.float64
    cr.set_default_dtype("float16")
    assert cr.tensor([1.0]).dtype == np.float16
    cr.set_default_dtype(np.float32)
    assert cr.tensor(1.5).dtype == np.float32


def test_set_default_dtype_rejects_non_floats(restore_default_dtype):
    with pytest.raises(TypeError, match="float"):
        cr.set_default_dtype(np.int32)
    assert cr.get_default_dtype() == np.float32


def test_fixture_restored_the_default():
    # Runs after the tests above: they must not leak their default dtype.
    assert cr.get_default_dtype() == np.float32
    assert cr.tensor(1.0).dtype == np.float32


def test_explicit_dtype_wins():
    assert cr.tensor([1.0, 2.0], dtype=np.float64).dtype == np.float64
    assert cr.tensor([1, 2], dtype="float32").dtype == np.float32
    assert cr.ones(2, dtype=np.int32).dtype == np.int32


def test_numpy_arrays_keep_their_dtype():
    a64 = np.array([1.0, 2.0])
    assert cr.tensor(a64).dtype == np.float64
    assert cr.asarray(a64).dtype == np.float64
    assert cr.tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32
    assert cr.tensor(np.ones(2, np.float16)).dtype == np.float16


def test_numpy_scalars_keep_their_dtype():
    # NumPy data keeps its dtype: a np.float64 scalar is NumPy data, not a Python float.
    assert cr.tensor(np.float64(2.0)).dtype == np.float64
    assert cr.asarray(np.float64(2.0)).dtype == np.float64
    assert cr.tensor(np.int32(3)).dtype == np.int32
    assert cr.tensor(np.float16(1.0)).dtype == np.float16


# ---------------------------------------------------------------- weak scalars


@pytest.mark.parametrize("scalar", [2.5, 2, True, np.float64(2.0), np.int64(3),
                                    np.float32(1.5)])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_scalars_do_not_promote_float32(scalar, shape):
    x = cr.ones(shape)
    assert x.dtype == np.float32
    for result in (x * scalar, scalar * x, x + scalar, scalar - x, x / scalar, scalar / x,
                   x ** scalar):
        assert result.dtype == np.float32
        assert result.shape == shape


def test_scalar_value_is_kept():
    x = cr.tensor([2.0])
    np.testing.assert_allclose((x * 2.5).numpy(), [5.0])
    np.testing.assert_allclose((x * np.float64(0.1)).numpy(), [np.float32(0.2)])


def test_zero_d_tensors_do_not_promote():
    x = cr.tensor(1.5)
    assert x.ndim == 0
    assert (x * 2.5).dtype == np.float32
    assert (x + np.float64(1.0)).dtype == np.float32


def test_float16_tensor_with_python_float():
    x = cr.tensor(np.ones(2, np.float16))
    assert (x * 2.5).dtype == np.float16


def test_float64_tensor_with_python_float_stays_float64():
    x = cr.tensor(np.array([1.0, 2.0]))
    assert (x * 2.5).dtype == np.float64
    assert (1.5 + x).dtype == np.float64


def test_int_tensor_with_python_float_gives_float32():
    x = cr.tensor([1, 2, 3])
    result = x * 2.5
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result.numpy(), [2.5, 5.0, 7.5])
    assert (2.5 + x).dtype == np.float32
    assert (x / 2).dtype == np.float32


def test_int_tensor_division_gives_default_float():
    q = cr.tensor([1, 3]) / cr.tensor([2, 4])
    assert q.dtype == np.float32
    np.testing.assert_array_equal(q.numpy(), [0.5, 0.75])


def test_int_tensor_with_python_int_stays_int():
    x = cr.tensor([1, 2, 3])
    assert (x * 2).dtype == np.int64
    assert (x + 1).tolist() == [2, 3, 4]
    x32 = cr.tensor([1, 2], dtype=np.int32)
    assert (x32 * 3).dtype == np.int32


def test_tensor_tensor_promotion():
    """Between floats NumPy's rule holds; integers never widen a float tensor (float32 +
    int64 is float32, as in deep-learning frameworks, where NumPy would give float64)."""
    f32 = cr.tensor([1.0, 2.0])
    f64 = cr.tensor(np.array([1.0, 2.0]))
    i64 = cr.tensor([1, 2])
    assert (f32 * f64).dtype == np.float64
    assert (f32 + i64).dtype == np.float32
    assert (i64 * f64).dtype == np.float64
    assert (i64 / i64).dtype == np.float32
    assert (f32 * np.array([1.0, 2.0])).dtype == np.float64
    assert (f32 * np.array([1, 2])).dtype == np.float32


def test_unary_functions_of_int_tensors_give_default_float():
    x = cr.tensor([1, 2])
    assert cr.sqrt(x).dtype == np.float32
    assert cr.exp(x).dtype == np.float32
    m = x.mean()
    assert m.dtype == np.float32
    assert m.item() == 1.5


# ---------------------------------------------------------------- only floats carry gradients


@pytest.mark.parametrize("make", [
    lambda: cr.tensor([1, 2], requires_grad=True),
    lambda: cr.tensor([True], requires_grad=True),
    lambda: cr.arange(4, requires_grad=True),
    lambda: cr.tensor([1.0, 2.0], dtype=np.int32, requires_grad=True),
    lambda: cr.tensor([1, 2]).requires_grad_(),
    lambda: cr.zeros(2, dtype=np.int64, requires_grad=True),
])
def test_int_and_bool_tensors_cannot_require_grad(make):
    with pytest.raises(TypeError, match=r"float.*dtype|dtype.*float"):
        make()


def test_int_requires_grad_message_suggests_float():
    x = cr.tensor([1, 2])
    with pytest.raises(TypeError, match=r"int64.*float dtype") as info:
        x.requires_grad = True
    assert "4.0" in str(info.value)
    assert x.requires_grad is False


def test_results_of_int_ops_do_not_require_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert x.argmax().requires_grad is False
    assert (x > 1).requires_grad is False
    assert x.astype(np.int64).requires_grad is False


# ---------------------------------------------------------------- gradient dtype and shape


def test_float32_leaf_gets_float32_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_float32_leaf_mixed_with_float64_array_gets_float32_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * np.array([3.0, 4.0])
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_mixed_precision_leaves_each_get_their_own_dtype():
    a = cr.tensor([1.0, 2.0], requires_grad=True)
    b = cr.tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32
    assert b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])


def test_float64_leaf_with_float32_tensor_gets_float64_grad():
    a = cr.tensor(np.array([0.1, 0.2]), requires_grad=True)
    w = cr.tensor([0.5, 0.25])
    (a * w).sum().backward()
    assert a.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.numpy(), np.array([0.5, 0.25], dtype=np.float32))


def test_autograd_grad_has_primal_dtype():
    x = cr.tensor(2.0, requires_grad=True)
    (g,) = cr.autograd.grad(x * np.float64(3.0) * np.array(1.0), x)
    assert g.dtype == np.float32
    assert g.item() == 3.0


def test_gradient_argument_of_other_dtype_is_cast():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(gradient=np.array([1.0, 10.0]))
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 20.0])


@pytest.mark.parametrize("shape", [(), (1,), (3,), (1, 3), (2, 1)])
def test_broadcast_inputs_get_grads_of_their_own_shape(shape):
    x = cr.ones(shape, requires_grad=True)
    m = cr.tensor(np.arange(6.0).reshape(2, 3).astype(np.float32))
    y = x * m
    assert y.shape == (2, 3)
    y.sum().backward()
    assert x.grad.shape == shape
    assert x.grad.dtype == np.float32
    expected = np.arange(6.0).reshape(2, 3)
    target = np.ones(shape)
    axes = tuple(range(2 - target.ndim))
    reduced = expected.sum(axis=axes)
    if target.ndim:
        reduced = reduced.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1),
                              keepdims=True)
    np.testing.assert_array_equal(x.grad.numpy(), np.reshape(reduced, shape))


def test_broadcast_gradient_of_both_operands():
    a = cr.tensor(np.array([[1.0], [2.0]]), requires_grad=True)    # (2, 1)
    b = cr.tensor(np.array([10.0, 20.0, 30.0]), requires_grad=True)  # (3,)
    (a * b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[60.0], [60.0]])
    np.testing.assert_array_equal(b.grad.numpy(), [3.0, 3.0, 3.0])
    assert a.grad.shape == (2, 1)
    assert b.grad.shape == (3,)


@pytest.mark.parametrize("left_0d", [True, False])
def test_a_0d_float64_array_promotes_like_any_float64_array(left_0d):
    # NumPy 2's rule (NumPy 1.x let a 0-d array's value decide).
    zero_d, vector = cr.tensor(np.array(2.0)), cr.ones(2)
    out = zero_d * vector if left_0d else vector + np.array(2.0)
    assert out.dtype == np.float64
    assert (vector * 2.0).dtype == np.float32          # Python scalars stay weak
    assert (vector * np.float64(2.0)).dtype == np.float32  # NumPy scalars too


@pytest.mark.parametrize("zero", [0.0, np.float32(0.0), np.float64(0.0)])
def test_signed_zero_scalars_keep_their_sign(zero):
    """0.0 and -0.0 are equal but not the same constant: after x * 0.0 (which caches the
    weak scalar 0.0), x * -0.0 is -0. and 1 / (x * -0.0) is -inf, as in NumPy."""
    x = cr.tensor([1.0, -2.0])
    expected_x = np.array([1.0, -2.0], np.float32)
    minus_zero = cr.tensor([-0.0])
    with np.errstate(divide="ignore"):
        for first, second in ((zero, -zero), (-zero, zero)):
            for value in (first, second):  # the second meets the first one's cache entry
                for got, expected in ((x * value, expected_x * value),
                                      (value * x, value * expected_x),
                                      (minus_zero + value, np.float32(-0.0) + value)):
                    np.testing.assert_array_equal((1.0 / got).numpy(), 1.0 / expected)
        x * 0.0
        assert (1 / (x * -0.0)).tolist() == [-np.inf, np.inf]


def test_nan_scalars_are_nan_and_not_kept():
    from chainrule import dtypes
    x = cr.tensor([1.0])
    before = len(dtypes._scalar_cache)
    for _ in range(5):
        assert np.isnan((x + float("nan")).item())
        assert np.isnan(dtypes.weak_scalar(float("nan"), x.dtype))
    assert len(dtypes._scalar_cache) == before  # each NaN object would be a new key
