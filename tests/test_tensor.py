"""Behaviour of the Tensor object itself: attributes, conversions, operators, indexing, repr."""
import operator

import numpy as np
import pytest

import chainrule as cr


def f64(values, requires_grad=False):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# ---------------------------------------------------------------- attributes


def test_array_attributes():
    t = cr.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3)
    assert t.dtype == np.float32
    assert t.ndim == 2
    assert t.size == 6
    assert len(t) == 2


def test_attributes_of_0d_tensor():
    t = cr.tensor(3.5)
    assert t.shape == ()
    assert t.ndim == 0
    assert t.size == 1


def test_T_reverses_axes_and_is_differentiable():
    x = f64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    t = x.T
    assert t.shape == (3, 2)
    np.testing.assert_array_equal(t.numpy(), np.arange(6.0).reshape(2, 3).T)
    assert t.requires_grad and t.grad_fn is not None
    w = np.arange(6.0).reshape(3, 2)
    (t * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.T)


def test_autograd_attributes_of_a_fresh_tensor():
    t = cr.tensor([1.0, 2.0])
    assert t.requires_grad is False
    assert t.grad is None
    assert t.grad_fn is None
    assert t.is_leaf is True


def test_autograd_attributes_of_leaf_and_result():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad is True
    assert x.is_leaf is True
    assert x.grad_fn is None
    y = x * 3
    assert y.requires_grad is True
    assert y.is_leaf is False
    assert y.grad_fn is not None
    assert "MulBackward" in repr(y.grad_fn)


def test_result_of_tensors_not_requiring_grad_is_leaf():
    y = cr.tensor([1.0, 2.0]) * 3
    assert y.requires_grad is False
    assert y.is_leaf is True
    assert y.grad_fn is None


def test_requires_grad_setter_and_requires_grad_():
    x = cr.tensor([1.0, 2.0])
    x.requires_grad = True
    assert x.requires_grad is True
    x.requires_grad = False
    assert x.requires_grad is False
    assert x.requires_grad_() is x
    assert x.requires_grad is True


def test_requires_grad_false_on_non_leaf_raises():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_grad_is_set_by_backward():
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert isinstance(x.grad, cr.Tensor)
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, 6.0])
    assert x.grad.requires_grad is False


def test_grad_setter_checks_type_and_shape():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    x.grad = cr.tensor([5.0, 6.0])
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])
    x.grad = None
    assert x.grad is None
    with pytest.raises(TypeError, match=r"^assigned grad must be a Tensor or None, got "
                                        r"ndarray; wrap an array with chainrule.asarray"):
        x.grad = np.array([1.0, 2.0])
    # PyTorch raises RuntimeError; the core's error is also the ValueError it is
    with pytest.raises(ValueError, match=r"^assigned grad has data of a different size: the "
                                         r"gradient has shape \(3,\), the tensor \(2,\)"):
        x.grad = cr.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"different size: .* \(1,\), the tensor \(2,\)"):
        x.grad = cr.tensor([1.0])
    assert x.grad is None  # a refused assignment changes nothing


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64, np.bool_])
def test_grad_setter_refuses_another_dtype(dtype):
    """A gradient has its primal's dtype: a float64 grad on a float32 leaf would stay
    float64 through every later accumulation, an int64 one would break the next
    backward."""
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    wrong = cr.tensor(np.ones(2, dtype=dtype))
    for kind in (TypeError, RuntimeError):
        with pytest.raises(kind, match=rf"^assigned grad has data of a different type: the "
                                       rf"gradient has dtype {np.dtype(dtype)}, the tensor "
                                       rf"float32; .* x.grad = g.astype\(x.dtype\)"):
            x.grad = wrong
    assert x.grad is None
    x.grad = wrong.astype(x.dtype)  # what the message says to do
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 5.0])


def test_grad_setter_errors_are_the_cores_types():
    from chainrule.errors import GradDtypeError, GradShapeError
    x = cr.ones(2, requires_grad=True)
    with pytest.raises(GradDtypeError):
        x.grad = cr.ones(2, dtype=cr.float64)
    with pytest.raises(GradShapeError):
        x.grad = cr.ones(3)


def test_data_shares_memory_and_is_outside_graph():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert isinstance(d, cr.Tensor)
    assert d.requires_grad is False
    assert d.grad_fn is None
    assert np.shares_memory(d.numpy(), x.numpy())
    d.numpy()[0] = 10.0
    assert x.numpy()[0] == 10.0


def test_data_setter_replaces_values():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    x.data = cr.tensor([7.0, 8.0])
    np.testing.assert_array_equal(x.numpy(), [7.0, 8.0])
    assert x.requires_grad is True


# ---------------------------------------------------------------- conversions


def test_numpy_shares_memory():
    t = cr.tensor([1.0, 2.0, 3.0])
    a = t.numpy()
    assert isinstance(a, np.ndarray)
    assert a is t.numpy()
    a[1] = 20.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 20.0, 3.0])
    assert t[1].item() == 20.0


def test_numpy_of_tensor_requiring_grad_works():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(x.numpy(), np.array([1.0, 2.0], dtype=np.float32))


def test_arrays_of_tensors_requiring_grad_are_read_only():
    """A write into the memory of a tensor that requires grad would change a value the
    graph saved: y = x * x saved x, so the gradient would silently be 2 * 100, not 2."""
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    for t in (x, y):  # a leaf, and a value computed from it
        a = t.numpy()
        assert not a.flags.writeable
        assert np.shares_memory(a, t.detach().numpy())  # still no copy
        np.testing.assert_array_equal(a, t.detach().numpy())
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 100.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    assert x.grad.numpy().flags.writeable  # a gradient does not require grad


@pytest.mark.parametrize("convert", [np.asarray, lambda t: np.array(t, copy=None),
                                     lambda t: np.array(t, copy=True), lambda t: t.__array__(),
                                     lambda t: np.mean([t, t])],
                         ids=["np.asarray", "np.array(copy=None)", "np.array(copy=True)",
                              "__array__()", "a list given to np.mean"])
def test_numpy_converters_refuse_tensors_in_a_graph(convert):
    """np.asarray(x) inside a differentiated function would hand NumPy the values without
    their history: a silently wrong gradient (np.sum(np.asarray(x) * x) would count x
    once). The array protocol refuses, as PyTorch's does; .numpy() and .detach() say
    that the values are wanted."""
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    for t in (x, x * x):
        with pytest.raises(TypeError, match=r"NumPy converted a tensor that requires grad to "
                                            r"an array .* chainrule\.numpy\.asarray.*"
                                            r"x\.detach\(\)"):
            convert(t)
    with pytest.raises(TypeError, match=r"a tensor that is being transformed"):
        cr.jvp(lambda t: cr.tensor(convert(t)), (cr.tensor([1.0]),), (cr.tensor([1.0]),))
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.0, 2.0])


def test_arrays_of_tensors_not_requiring_grad_stay_writeable():
    """Section 2.1 of the book converts to NumPy and back, sharing memory."""
    x = cr.tensor([1.0, 2.0])
    for a in (x.numpy(), np.asarray(x)):
        assert a.flags.writeable
        a[0] += 10.0
    np.testing.assert_array_equal(x.numpy(), [21.0, 2.0])
    w = cr.tensor([1.0, 2.0], requires_grad=True)
    w.detach().numpy()[1] = 5.0  # the deliberate way to write into w's memory
    np.testing.assert_array_equal(w.numpy(), [1.0, 5.0])
    with cr.no_grad():
        w -= 1.0  # in place under no_grad: the optimizer's update
    np.testing.assert_array_equal(w.numpy(), [0.0, 4.0])


def test_array_protocol_follows_numpy_2s_copy_rules():
    x = cr.tensor([1.0, 2.0])  # (tensors in a graph are refused: see above)
    # copy=False: never a copy, so a dtype conversion is a ValueError
    with pytest.raises(ValueError, match=r"^Unable to avoid copy while creating an array as "
                                         r"requested: the tensor has dtype float32, and "
                                         r"float64 was asked for with copy=False"):
        x.__array__(np.float64, copy=False)
    if int(np.__version__.split(".")[0]) >= 2:  # np.asarray has copy= since NumPy 2
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            np.asarray(x, dtype=np.float64, copy=False)
        assert np.shares_memory(np.asarray(x, copy=False), x.detach().numpy())
    assert np.shares_memory(x.__array__(np.float32, copy=False), x.detach().numpy())
    # copy=True: always a copy, writeable and separate
    c = x.__array__(copy=True)
    assert c.flags.writeable and not np.shares_memory(c, x.detach().numpy())
    c[0] = 7.0
    assert x.numpy()[0] == 1.0
    # copy=None: a copy only to convert
    d = x.__array__(np.float64)
    assert d.dtype == np.float64 and not np.shares_memory(d, x.detach().numpy())
    np.testing.assert_array_equal(d, [1.0, 2.0])
    assert np.shares_memory(x.__array__(), x.detach().numpy())


def test_item():
    assert cr.tensor(2.5).item() == 2.5
    assert isinstance(cr.tensor(2.5).item(), float)
    assert cr.tensor([[7]]).item() == 7
    assert isinstance(cr.tensor([[7]]).item(), int)
    assert cr.tensor(True).item() is True


def test_item_of_larger_tensor_raises():
    with pytest.raises(ValueError, match=r"one element.*\(2,\)"):
        cr.tensor([1.0, 2.0]).item()


def test_tolist():
    t = cr.tensor([[1, 2], [3, 4]])
    assert t.tolist() == [[1, 2], [3, 4]]
    assert cr.tensor(1.5).tolist() == 1.5
    assert cr.tensor([0.5, 1.5], requires_grad=True).tolist() == [0.5, 1.5]


def test_astype_changes_dtype():
    t = cr.tensor([1.5, 2.5])
    d = t.astype(np.float64)
    assert d.dtype == np.float64
    np.testing.assert_array_equal(d.numpy(), [1.5, 2.5])
    i = t.astype("int64")
    assert i.dtype == np.int64
    assert i.tolist() == [1, 2]
    assert t.dtype == np.float32  # the original is unchanged


def test_astype_between_floats_is_differentiable():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x.astype(np.float64)
    assert y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_len():
    assert len(cr.zeros((5, 2))) == 5
    with pytest.raises(TypeError, match="0-d"):
        len(cr.tensor(1.0))


def test_iteration_yields_rows():
    rows = list(cr.tensor([[1, 2], [3, 4]]))
    assert len(rows) == 2
    assert rows[1].tolist() == [3, 4]


def test_np_asarray_works_on_detached_values():
    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = np.asarray(x.detach())
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])
    b = np.asarray(x.detach(), dtype=np.float64)
    assert b.dtype == np.float64
    np.testing.assert_array_equal(b, [1.0, 2.0, 3.0])
    c = np.array(x.detach(), copy=True)
    c[0] = 100.0
    assert x.numpy()[0] == 1.0


def test_bool_float_int_of_size_one_tensors():
    assert bool(cr.tensor(1.0)) is True
    assert bool(cr.tensor([0.0])) is False
    assert float(cr.tensor([[2.5]])) == 2.5
    assert float(cr.tensor(2.5, requires_grad=True)) == 2.5
    assert int(cr.tensor([3])) == 3
    x = cr.tensor(2.0, requires_grad=True)
    assert bool(x * 2 > 3) is True


def test_bool_of_larger_tensor_raises():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(cr.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"any\(\).*all\(\)"):
        if cr.tensor([True, False]):
            pass


def test_float_of_larger_tensor_raises():
    with pytest.raises(TypeError, match="one element"):
        float(cr.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="one element"):
        int(cr.tensor([1, 2]))


def test_integer_tensor_as_index():
    values = [10, 20, 30]
    assert values[cr.tensor(2)] == 30
    with pytest.raises(TypeError, match="integer"):
        values[cr.tensor(1.0)]


# ---------------------------------------------------------------- numpy-style methods


A = np.arange(1.0, 25.0).reshape(2, 3, 4) % 7 - 2.5


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "var", "std"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_methods_match_numpy(name, axis, keepdims):
    t = cr.tensor(A)
    result = getattr(t, name)(axis=axis, keepdims=keepdims)
    expected = getattr(A, name)(axis=axis, keepdims=keepdims)
    assert isinstance(result, cr.Tensor)
    assert result.shape == np.shape(expected)
    assert result.dtype == np.float64
    np.testing.assert_allclose(result.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_reduction_methods_positional_axis():
    t = cr.tensor(A)
    np.testing.assert_array_equal(t.sum(1).numpy(), A.sum(1))
    np.testing.assert_array_equal(t.max(0).numpy(), A.max(0))


def test_all_any_methods():
    t = cr.tensor([[True, False], [True, True]])
    assert t.all().item() is False
    assert t.any().item() is True
    assert t.all(axis=1).tolist() == [False, True]
    assert t.any(axis=0, keepdims=True).tolist() == [[True, True]]


def test_arg_and_cumulative_methods():
    t = cr.tensor(A)
    np.testing.assert_array_equal(t.argmax().numpy(), A.argmax())
    np.testing.assert_array_equal(t.argmin(axis=2).numpy(), A.argmin(axis=2))
    np.testing.assert_array_equal(t.cumsum(axis=1).numpy(), A.cumsum(axis=1))
    np.testing.assert_allclose(t.cumprod(axis=2).numpy(), A.cumprod(axis=2), rtol=1e-12)
    np.testing.assert_array_equal(t.cumsum().numpy(), A.cumsum())


def test_shape_methods():
    t = cr.tensor(A)
    np.testing.assert_array_equal(t.reshape(4, 6).numpy(), A.reshape(4, 6))
    np.testing.assert_array_equal(t.reshape((6, -1)).numpy(), A.reshape(6, -1))
    np.testing.assert_array_equal(t.transpose().numpy(), A.transpose())
    np.testing.assert_array_equal(t.transpose(1, 0, 2).numpy(), A.transpose(1, 0, 2))
    np.testing.assert_array_equal(t.transpose((2, 0, 1)).numpy(), A.transpose(2, 0, 1))
    np.testing.assert_array_equal(t.swapaxes(0, 2).numpy(), A.swapaxes(0, 2))
    np.testing.assert_array_equal(t.ravel().numpy(), A.ravel())
    np.testing.assert_array_equal(t.flatten().numpy(), A.flatten())
    np.testing.assert_array_equal(cr.tensor(np.ones((1, 3, 1))).squeeze().numpy(), np.ones(3))
    np.testing.assert_array_equal(t.clip(-1, 1).numpy(), A.clip(-1, 1))
    np.testing.assert_array_equal(t.round().numpy(), A.round())


def test_out_argument_is_refused():
    t = cr.tensor(A)
    with pytest.raises(TypeError, match="out="):
        t.sum(out=np.zeros(()))


def test_method_reduction_is_differentiable():
    x = f64(A, requires_grad=True)
    x.sum(axis=1, keepdims=True).mean().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(A.shape, 1.0 / 8.0), rtol=1e-14)


# ---------------------------------------------------------------- operators


X = np.array([1.5, -2.0, 3.0])
Y = np.array([0.5, 4.0, -1.0])

BINARY = [
    (operator.add, np.add),
    (operator.sub, np.subtract),
    (operator.mul, np.multiply),
    (operator.truediv, np.true_divide),
    (operator.floordiv, np.floor_divide),
    (operator.mod, np.remainder),
]


@pytest.mark.parametrize("op, ref", BINARY, ids=lambda v: getattr(v, "__name__", ""))
def test_binary_operators(op, ref):
    x, y = cr.tensor(X), cr.tensor(Y)
    np.testing.assert_allclose(op(x, y).numpy(), ref(X, Y), rtol=1e-14)
    np.testing.assert_allclose(op(x, 2.0).numpy(), ref(X, 2.0), rtol=1e-14)
    np.testing.assert_allclose(op(x, Y).numpy(), ref(X, Y), rtol=1e-14)


@pytest.mark.parametrize("op, ref", BINARY, ids=lambda v: getattr(v, "__name__", ""))
def test_reflected_operators(op, ref):
    x = cr.tensor(X)
    result = op(2.0, x)
    assert isinstance(result, cr.Tensor)
    np.testing.assert_allclose(result.numpy(), ref(2.0, X), rtol=1e-14)
    result = op(Y, x)  # ndarray on the left: the tensor still takes over
    assert isinstance(result, cr.Tensor)
    np.testing.assert_allclose(result.numpy(), ref(Y, X), rtol=1e-14)
    result = op(Y.tolist(), x)  # a list on the left
    assert isinstance(result, cr.Tensor)
    np.testing.assert_allclose(result.numpy(), ref(Y, X), rtol=1e-6)


def test_reflected_operators_are_differentiable():
    x = f64([1.0, 2.0, 4.0], requires_grad=True)
    y = (3.0 - x) + (8.0 / x) + (2.0 * x) + (1.0 + x)
    y.sum().backward()
    pts = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy(), -1.0 - 8.0 / pts ** 2 + 2.0 + 1.0, rtol=1e-14)


def test_ndarray_on_the_left_is_recorded():
    x = f64([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 5.0]) * x
    assert isinstance(y, cr.Tensor)
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 5.0])


def test_power_operator():
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal((x ** 2).numpy(), [1.0, 4.0, 9.0])
    np.testing.assert_array_equal((2 ** x).numpy(), [2.0, 4.0, 8.0])
    np.testing.assert_array_equal((x ** x).numpy(), [1.0, 4.0, 27.0])
    (x ** 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0, 27.0], rtol=1e-14)
    x.grad = None
    (2.0 ** x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.log(2.0) * np.array([2.0, 4.0, 8.0]),
                               rtol=1e-14)


def test_matmul_operator():
    a = np.arange(6.0).reshape(2, 3)
    b = np.arange(12.0).reshape(3, 4)
    v = np.array([1.0, -1.0, 2.0])
    ta, tb = cr.tensor(a), cr.tensor(b)
    np.testing.assert_array_equal((ta @ tb).numpy(), a @ b)
    np.testing.assert_array_equal((ta @ v).numpy(), a @ v)
    r = a @ tb  # reflected: ndarray @ tensor
    assert isinstance(r, cr.Tensor)
    np.testing.assert_array_equal(r.numpy(), a @ b)
    r = v.tolist() @ tb
    np.testing.assert_allclose(r.numpy(), v @ b)


def test_matmul_operator_gradient():
    a = f64(np.arange(6.0).reshape(2, 3), requires_grad=True)
    b = f64(np.arange(12.0).reshape(3, 4), requires_grad=True)
    (a @ b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.ones((2, 4)) @ b.numpy().T)
    np.testing.assert_array_equal(b.grad.numpy(), a.numpy().T @ np.ones((2, 4)))


def test_unary_operators():
    x = f64([1.5, -2.0, 0.0], requires_grad=True)
    np.testing.assert_array_equal((-x).numpy(), [-1.5, 2.0, -0.0])
    np.testing.assert_array_equal(abs(x).numpy(), [1.5, 2.0, 0.0])
    assert (+x) is x
    (-x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, -1.0, -1.0])
    x.grad = None
    abs(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, -1.0, 0.0])


COMPARISONS = [
    (operator.eq, np.equal), (operator.ne, np.not_equal), (operator.lt, np.less),
    (operator.le, np.less_equal), (operator.gt, np.greater), (operator.ge, np.greater_equal),
]


@pytest.mark.parametrize("op, ref", COMPARISONS, ids=lambda v: getattr(v, "__name__", ""))
def test_comparisons_return_bool_tensors_without_grad(op, ref):
    a = np.array([1.0, 2.0, 3.0, 2.0])
    b = np.array([2.0, 2.0, 1.0, 5.0])
    x = cr.tensor(a, requires_grad=True)
    y = cr.tensor(b, requires_grad=True)
    for result, expected in ((op(x, y), ref(a, b)), (op(x, 2.0), ref(a, 2.0)),
                             (op(2.0, x), ref(2.0, a)), (op(x, b), ref(a, b))):
        assert isinstance(result, cr.Tensor)
        assert result.dtype == np.bool_
        assert result.requires_grad is False
        assert result.grad_fn is None
        np.testing.assert_array_equal(result.numpy(), expected)


def test_equality_is_elementwise_and_hash_is_identity():
    x = cr.tensor([1.0, 2.0])
    assert (x == cr.tensor([1.0, 3.0])).tolist() == [True, False]
    assert len({x, cr.tensor([1.0, 2.0])}) == 2


def test_logical_operators_on_bool_tensors():
    a = cr.tensor([True, True, False, False])
    b = cr.tensor([True, False, True, False])
    assert (a & b).tolist() == [True, False, False, False]
    assert (a | b).tolist() == [True, True, True, False]
    assert (a ^ b).tolist() == [False, True, True, False]
    assert (~a).tolist() == [False, False, True, True]


# ---------------------------------------------------------------- indexing

B = np.arange(24.0).reshape(2, 3, 4)

INDICES = [
    1,
    -1,
    (1, 2),
    slice(1, None),
    (slice(None), slice(0, 3, 2)),
    (0, slice(None, None, -1)),
    Ellipsis,
    (Ellipsis, 1),
    (0, Ellipsis, slice(1, 3)),
    None,
    (slice(None), None, 1),
    (Ellipsis, None),
    np.array([1, 0, 1]),
    (slice(None), np.array([2, 0])),
    (np.array([0, 1]), np.array([1, 2])),
    (np.array([0, 1]), slice(None), np.array([3, 0])),
    B > 10,
    (B[:, 0, 0] > 5),
    (slice(None), np.array([True, False, True])),
]


@pytest.mark.parametrize("index", INDICES, ids=[str(i) for i in range(len(INDICES))])
def test_indexing_matches_numpy(index):
    t = cr.tensor(B)
    result = t[index]
    np.testing.assert_array_equal(result.numpy(), B[index])
    assert result.shape == B[index].shape


@pytest.mark.parametrize("index", INDICES, ids=[str(i) for i in range(len(INDICES))])
def test_indexing_gradient_scatters_ones(index):
    x = cr.tensor(B, requires_grad=True)
    x[index].sum().backward()
    expected = np.zeros_like(B)
    np.add.at(expected, index, 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_index_with_list_and_tensor_indices():
    t = cr.tensor(B)
    np.testing.assert_array_equal(t[[1, 0]].numpy(), B[[1, 0]])
    np.testing.assert_array_equal(t[cr.tensor([0, 0, 1])].numpy(), B[[0, 0, 1]])
    mask = cr.tensor(B) > 20
    np.testing.assert_array_equal(t[mask].numpy(), B[B > 20])
    np.testing.assert_array_equal(t[cr.tensor(1)].numpy(), B[1])


def test_repeated_integer_index_accumulates_gradient():
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    y = x[np.array([0, 2, 0, 0])]
    np.testing.assert_array_equal(y.numpy(), [1.0, 3.0, 1.0, 1.0])
    (y * f64([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 0.0, 2.0])


def test_basic_index_is_a_view():
    t = cr.tensor(np.arange(6.0))
    v = t[1:4]
    assert np.shares_memory(v.numpy(), t.numpy())


def test_invalid_index_raises():
    t = cr.tensor(B)
    with pytest.raises(IndexError, match="shape"):
        t[5]
    with pytest.raises(IndexError, match="integer or boolean"):
        t[cr.tensor([0.0, 1.0])]
    with pytest.raises(IndexError, match="valid indices"):
        t["a"]


# ---------------------------------------------------------------- repr


def test_repr_shows_values():
    r = repr(cr.tensor([0.0, 1.0, 2.0, 3.0]))
    assert r.startswith("tensor(")
    assert "0., 1., 2., 3." in r
    assert "requires_grad" not in r
    assert "grad_fn" not in r


def test_repr_of_leaf_requiring_grad():
    r = repr(cr.arange(4.0, requires_grad=True))
    assert r == "tensor([0., 1., 2., 3.], requires_grad=True)"


def test_repr_of_result_names_grad_fn():
    x = cr.arange(4.0, requires_grad=True)
    y = 2 * cr.dot(x, x)
    assert repr(y) == "tensor(28., grad_fn=<MulBackward>)"
    r = repr(x * x)
    assert "grad_fn=<MulBackward>" in r
    assert "0., 1., 4., 9." in r
    assert "requires_grad" not in r


def test_repr_shows_non_default_dtype():
    assert "dtype=float64" in repr(cr.tensor(np.array([1.0, 2.0])))
    assert "dtype" not in repr(cr.tensor([1.0, 2.0]))
    assert "dtype" not in repr(cr.tensor([1, 2]))
    assert "dtype=int32" in repr(cr.tensor([1, 2], dtype=np.int32))


def test_repr_of_grad_after_backward():
    x = cr.arange(4.0, requires_grad=True)
    (2 * cr.dot(x, x)).backward()
    assert repr(x.grad) == "tensor([ 0.,  4.,  8., 12.])"


def test_repr_shows_name():
    x = cr.tensor([1.0], name="w")
    assert "name='w'" in repr(x)
    assert x.name == "w"
