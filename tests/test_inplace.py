"""In-place operations: allowed where safe, refused on leaves that require grad, detected
when they change a value saved for backward, and correctly recorded on non-leaves."""
import numpy as np
import pytest

import chainrule as cr


def f64(values, requires_grad=False):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


INPLACE = {
    "iadd": lambda t: t.__iadd__(2.0),
    "isub": lambda t: t.__isub__(2.0),
    "imul": lambda t: t.__imul__(2.0),
    "itruediv": lambda t: t.__itruediv__(2.0),
    "ipow": lambda t: t.__ipow__(2.0),
    "setitem": lambda t: t.__setitem__(0, 2.0),
    "setitem_slice": lambda t: t.__setitem__(slice(1, None), cr.tensor(np.array([7.0, 8.0]))),
    "zero_": lambda t: t.zero_(),
    "add_": lambda t: t.add_(2.0),
    "sub_": lambda t: t.sub_(2.0),
    "mul_": lambda t: t.mul_(2.0),
    "div_": lambda t: t.div_(2.0),
    "fill_": lambda t: t.fill_(5.0),
    "copy_": lambda t: t.copy_(cr.tensor(np.array([4.0, 5.0, 6.0]))),
}

START = np.array([1.0, 2.0, 4.0])
EXPECTED = {
    "iadd": START + 2, "isub": START - 2, "imul": START * 2, "itruediv": START / 2,
    "ipow": START ** 2,
    "setitem": np.array([2.0, 2.0, 4.0]), "setitem_slice": np.array([1.0, 7.0, 8.0]),
    "zero_": np.zeros(3), "add_": START + 2, "sub_": START - 2, "mul_": START * 2,
    "div_": START / 2, "fill_": np.full(3, 5.0), "copy_": np.array([4.0, 5.0, 6.0]),
}


# ---------------------------------------------------------------- where they are allowed


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_tensor_not_requiring_grad(name):
    t = f64(START)
    memory = t.numpy()
    INPLACE[name](t)
    np.testing.assert_array_equal(t.numpy(), EXPECTED[name])
    assert t.numpy() is memory  # really in place
    assert t.requires_grad is False


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_leaf_under_no_grad(name):
    t = f64(START, requires_grad=True)
    memory = t.numpy()
    with cr.no_grad():
        INPLACE[name](t)
    np.testing.assert_array_equal(t.numpy(), EXPECTED[name])
    assert np.shares_memory(t.numpy(), memory)  # really in place
    assert t.is_leaf
    assert t.requires_grad is True


def test_augmented_assignment_returns_the_same_object():
    t = f64(START)
    before = t
    t += 1.0
    t *= 2.0
    t -= 1.0
    t /= 2.0
    assert t is before
    np.testing.assert_array_equal(t.numpy(), ((START + 1) * 2 - 1) / 2)


def test_inplace_methods_return_self():
    t = f64(START)
    assert t.add_(1.0) is t
    assert t.mul_(1.0) is t
    assert t.zero_() is t
    assert t.fill_(3.0) is t
    assert t.copy_(START) is t
    np.testing.assert_array_equal(t.numpy(), START)


def test_inplace_with_tensor_operand_and_broadcasting():
    t = f64(np.zeros((2, 3)))
    t += f64([1.0, 2.0, 3.0])
    t[1] = f64([9.0, 9.0, 9.0])
    t[:, 0] = 0.5
    np.testing.assert_array_equal(t.numpy(), [[0.5, 2.0, 3.0], [0.5, 9.0, 9.0]])
    t.copy_(cr.tensor(np.array([1.0, 2.0, 3.0])))
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0, 3.0]] * 2)


def test_inplace_keeps_dtype():
    t = cr.tensor([1.0, 2.0])
    t *= np.float64(2.5)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.numpy(), [2.5, 5.0])


def test_inplace_float_into_int_tensor_raises():
    t = cr.tensor([1, 2])
    with pytest.raises(TypeError, match="in place.*int64"):
        t += 1.5
    np.testing.assert_array_equal(t.numpy(), [1, 2])


def test_inplace_with_mismatched_shape_raises():
    t = f64([1.0, 2.0])
    with pytest.raises(ValueError, match=r"in place.*\(2,\)"):
        t += np.ones(3)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_optimizer_update_under_no_grad():
    w = f64([1.0, -2.0], requires_grad=True)
    lr = 0.25
    for _ in range(3):
        loss = (w * w).sum()
        loss.backward()
        with cr.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
    # w <- w - lr * 2w = 0.5 w each step
    np.testing.assert_allclose(w.numpy(), [0.125, -0.25], rtol=1e-14)
    assert w.is_leaf and w.requires_grad
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])


def test_grad_zero_inplace():
    x = f64([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    x.grad.zero_()
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])


# ---------------------------------------------------------------- refused on leaves


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_on_leaf_requiring_grad_raises(name):
    t = f64(START, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        INPLACE[name](t)
    np.testing.assert_array_equal(t.numpy(), START)
    assert t.is_leaf
    assert t.requires_grad is True


# What each in-place operation's errors call it.
NAMED = {"iadd": "add_", "isub": "sub_", "imul": "mul_", "itruediv": "div_", "ipow": "pow_",
         "setitem": r"x\[index\] = value", "setitem_slice": r"x\[index\] = value",
         "zero_": "zero_", "add_": "add_", "sub_": "sub_", "mul_": "mul_", "div_": "div_",
         "fill_": "fill_", "copy_": "copy_"}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_error_on_a_leaf_names_the_operation(name):
    t = f64(START, requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"^{NAMED[name]}: a leaf tensor that requires "
                                           rf"grad cannot be modified in place"):
        INPLACE[name](t)


def test_copy_and_fill_errors_name_themselves():
    with pytest.raises(ValueError, match=r"^copy_: cannot assign a value of shape \(2,\) to a "
                                         r"tensor of shape \(3,\)"):
        f64(START).copy_(f64([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"^fill_: cannot fill a tensor of dtype float64 and "
                                         r"shape \(3,\) with 'a'"):
        f64(START).fill_("a")
    with pytest.raises(ValueError, match=r"^x\[index\] = value: cannot assign a value of "
                                         r"shape \(2,\) to index 0 of a tensor of shape"):
        f64(START)[0] = np.ones(2)


def test_augmented_assignment_on_leaf_message():
    w = f64([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"leaf.*requires grad.*no_grad"):
        w -= 0.1


# ---------------------------------------------------------------- saved values changed


def test_modifying_saved_input_raises_naming_the_op():
    x = f64([1.0, 2.0], requires_grad=True)
    w = f64([3.0, 4.0])
    y = x * w
    w += 1.0
    with pytest.raises(RuntimeError, match=r"multiply.*in-place"):
        y.sum().backward()
    assert x.grad is None


def test_setitem_on_saved_input_raises():
    x = f64([1.0, 2.0], requires_grad=True)
    w = f64([3.0, 4.0])
    y = x * w
    w[0] = 5.0
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()
    assert x.grad is None


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_any_inplace_on_saved_input_is_detected(name):
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    w = f64(START)
    y = x * w
    INPLACE[name](w)
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()


def test_modifying_saved_input_under_no_grad_raises():
    x = f64([1.0, 2.0], requires_grad=True)
    w = f64([3.0, 4.0], requires_grad=True)
    y = x * w
    with cr.no_grad():
        w += 1.0
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()


def test_modifying_saved_input_through_autograd_grad_raises():
    x = f64([1.0, 2.0], requires_grad=True)
    w = f64([3.0, 4.0])
    y = (x * w).sum()
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match="multiply"):
        cr.autograd.grad(y, x)


def test_optimizer_step_before_backward_is_detected():
    w = f64([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with cr.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError, match=r"multiply.*in-place"):
        loss.backward()


def test_modifying_a_detached_alias_is_detected():
    x = f64([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = h * h  # saves h
    u = h.detach()  # shares h's memory and its version counter
    u += 1.0
    np.testing.assert_array_equal(h.numpy(), [3.0, 5.0])
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()


def test_modifying_a_value_not_saved_is_fine():
    x = f64([1.0, 2.0], requires_grad=True)
    b = f64([3.0, 4.0])
    y = x + b  # add saves nothing
    b += 100.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_modifying_before_use_is_fine():
    x = f64([1.0, 2.0], requires_grad=True)
    w = f64([3.0, 4.0])
    w += 1.0
    y = x * w
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 5.0])


def test_modifying_saved_output_under_no_grad_raises():
    x = f64([0.0, 1.0], requires_grad=True)
    y = cr.exp(x)
    with cr.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match=r"exp.*output"):
        y.sum().backward()


def test_modifying_saved_output_recorded_raises():
    x = f64([0.0, 1.0], requires_grad=True)
    y = cr.exp(x)
    y += 1.0
    np.testing.assert_allclose(y.numpy(), np.exp([0.0, 1.0]) + 1, rtol=1e-14)
    with pytest.raises(RuntimeError, match="exp"):
        y.sum().backward()


def test_modifying_saved_output_of_tanh_raises():
    x = f64([0.5, 1.0], requires_grad=True)
    y = cr.tanh(x)
    with cr.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="tanh"):
        y.sum().backward()


def test_modifying_intermediate_used_by_later_op_raises():
    x = f64([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = h * h  # saves h
    h += 1.0  # recorded in place on a non-leaf
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()


# ---------------------------------------------------------------- recorded in place


def test_recorded_inplace_add_on_non_leaf():
    x = f64([1.0, 2.0], requires_grad=True)
    y = x * 2
    y += x
    assert y.requires_grad
    assert not y.is_leaf
    np.testing.assert_array_equal(y.numpy(), [3.0, 6.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_recorded_chain_of_inplace_ops():
    x = f64([1.0, 2.0], requires_grad=True)
    y = x + 0.0
    y *= x      # x^2
    y += 1.0    # x^2 + 1
    y /= 2.0    # (x^2 + 1) / 2
    y -= x      # (x^2 + 1) / 2 - x
    np.testing.assert_allclose(y.numpy(), (np.array([1.0, 2.0]) ** 2 + 1) / 2 - [1.0, 2.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.array([1.0, 2.0]) - 1, rtol=1e-14)


def test_inplace_on_tensor_not_requiring_grad_with_operand_requiring_grad():
    x = f64([1.0, 2.0], requires_grad=True)
    acc = f64([10.0, 20.0])
    acc += x * x
    assert acc.requires_grad
    np.testing.assert_array_equal(acc.numpy(), [11.0, 24.0])
    acc.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_self_inplace():
    x = f64([1.0, 3.0], requires_grad=True)
    y = x * 1.0
    y *= y
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 6.0])


def test_setitem_value_requiring_grad():
    x = f64([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = f64([10.0, 20.0], requires_grad=True)
    y = x * 3
    y[1:3] = v
    np.testing.assert_array_equal(y.numpy(), [3.0, 10.0, 20.0, 12.0])
    c = np.array([1.0, 2.0, 3.0, 4.0])
    (y * c).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 0.0, 12.0])


def test_setitem_into_constant_tensor():
    v = f64(2.0, requires_grad=True)
    z = f64(np.zeros(3))
    z[1] = v * v
    assert z.requires_grad
    np.testing.assert_array_equal(z.numpy(), [0.0, 4.0, 0.0])
    (z * f64([1.0, 5.0, 1.0])).sum().backward()
    assert v.grad.item() == 20.0


def test_setitem_with_mask_and_integer_array():
    x = f64([1.0, -2.0, 3.0, -4.0], requires_grad=True)
    y = x * 1.0
    y[y.detach() < 0] = 0.0
    np.testing.assert_array_equal(y.numpy(), [1.0, 0.0, 3.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 1.0, 0.0])

    x2 = f64([1.0, 2.0, 3.0], requires_grad=True)
    v = f64([7.0, 8.0], requires_grad=True)
    y2 = x2 + 0.0
    y2[np.array([2, 0])] = v
    np.testing.assert_array_equal(y2.numpy(), [8.0, 2.0, 7.0])
    (y2 * f64([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [100.0, 1.0])
    np.testing.assert_array_equal(x2.grad.numpy(), [0.0, 10.0, 0.0])


def test_setitem_repeated_index_last_write_wins():
    x = f64([1.0, 2.0], requires_grad=True)
    v = f64([5.0, 6.0], requires_grad=True)
    y = x * 1.0
    y[np.array([0, 0])] = v
    np.testing.assert_array_equal(y.numpy(), [6.0, 2.0])
    (y * f64([3.0, 1.0])).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [0.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0])


def test_setitem_broadcast_value_gradient_sums():
    x = f64(np.ones((2, 3)), requires_grad=True)
    v = f64([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[:] = v
    y.sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


def test_copy_into_non_leaf_takes_source_history():
    x = f64([1.0, 2.0], requires_grad=True)
    s = f64([3.0, 4.0], requires_grad=True)
    y = x * 2
    y.copy_(s * s)
    np.testing.assert_array_equal(y.numpy(), [9.0, 16.0])
    y.sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), [6.0, 8.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_fill_non_leaf_cuts_history():
    x = f64([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = x * 3
    y.fill_(7.0)
    np.testing.assert_array_equal(y.numpy(), [7.0, 7.0])
    (y + z).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_inplace_on_view_of_graph_tensor_is_refused():
    x = f64([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[0:2]
    with pytest.raises(RuntimeError, match="shares memory|view"):
        v += 1.0


def test_inplace_on_base_of_saved_view_is_detected():
    base = f64([1.0, 2.0, 3.0])
    view = base[1:]
    x = f64([1.0, 1.0], requires_grad=True)
    y = x * view
    base[2] = 100.0
    with pytest.raises(RuntimeError, match="multiply"):
        y.sum().backward()
