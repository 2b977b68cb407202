"""Reverse mode: backward, autograd.grad, accumulation, retain_grad, hooks, detach,
higher-order derivatives, freed graphs, and that gradients never alias each other."""
import warnings

import numpy as np
import pytest

import chainrule as cr


def f64(values, requires_grad=True):
    return cr.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# ---------------------------------------------------------------- backward(gradient=)


def test_scalar_backward():
    x = f64([1.0, 2.0, 3.0])
    y = (x * x * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.array([1.0, 4.0, 9.0]), rtol=1e-14)


def test_backward_of_size_one_non_scalar():
    x = f64([2.0])
    (x * 5).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0])


def test_backward_with_gradient_is_vector_jacobian_product():
    x = f64([1.0, 2.0, 3.0])
    y = x * x
    v = np.array([1.0, 0.5, -2.0])
    y.backward(gradient=v)
    np.testing.assert_allclose(x.grad.numpy(), v * 2 * np.array([1.0, 2.0, 3.0]), rtol=1e-14)


def test_backward_gradient_as_tensor_and_list():
    x = f64([1.0, 2.0])
    (x * 3).backward(gradient=cr.tensor(np.array([1.0, 2.0])))
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 6.0])
    x.grad = None
    (x * 3).backward(gradient=[2.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 0.0])


def test_backward_matrix_output_with_gradient():
    a = f64(np.arange(6.0).reshape(2, 3))
    b = f64(np.arange(12.0).reshape(3, 4))
    v = np.arange(8.0).reshape(2, 4) - 3
    (a @ b).backward(gradient=v)
    np.testing.assert_allclose(a.grad.numpy(), v @ b.numpy().T, rtol=1e-14)
    np.testing.assert_allclose(b.grad.numpy(), a.numpy().T @ v, rtol=1e-14)


def test_non_scalar_backward_without_gradient_raises():
    x = f64([1.0, 2.0, 3.0])
    y = x * 2
    with pytest.raises(RuntimeError, match=r"\(3,\)") as info:
        y.backward()
    message = str(info.value)
    assert "y.sum().backward()" in message
    assert "gradient=" in message
    assert "jacrev" in message
    assert x.grad is None


def test_non_scalar_backward_of_matrix_names_its_shape():
    x = f64(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match=r"\(2, 3\)"):
        (x * 2).backward()


@pytest.mark.parametrize("gradient", [np.ones(2), np.ones((3, 1)), np.ones(()), np.ones(4)])
def test_mismatched_gradient_shape_raises(gradient):
    x = f64([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"shape.*\(3,\)"):
        (x * 2).backward(gradient=gradient)
    assert x.grad is None


def test_non_numeric_gradient_raises():
    x = f64([1.0, 2.0])
    with pytest.raises(TypeError, match="gradient"):
        (x * 2).backward(gradient=["a", "b"])


def test_backward_on_tensor_not_requiring_grad_raises():
    x = cr.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        x.sum().backward()


def test_backward_on_a_leaf():
    x = f64(3.0)
    x.backward()
    assert x.grad.item() == 1.0
    y = f64([1.0, 2.0])
    y.backward(gradient=np.array([4.0, 5.0]))
    np.testing.assert_array_equal(y.grad.numpy(), [4.0, 5.0])


def test_autograd_backward_function():
    x = f64([1.0, 2.0])
    cr.autograd.backward((x * x).sum())
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


# ---------------------------------------------------------------- autograd.grad


def test_grad_returns_gradients_without_touching_dot_grad():
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    y = (x * w).sum()
    gx, gw = cr.autograd.grad(y, [x, w])
    np.testing.assert_array_equal(gx.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(gw.numpy(), [1.0, 2.0])
    assert x.grad is None
    assert w.grad is None


def test_grad_of_single_input_returns_one_tuple():
    x = f64(2.0)
    result = cr.autograd.grad(x * x, x)
    assert isinstance(result, tuple)
    assert len(result) == 1
    assert result[0].item() == 4.0
    assert result[0].requires_grad is False


def test_grad_leaves_existing_dot_grad_unchanged():
    x = f64([1.0, 2.0])
    (x * 2).sum().backward()
    (g,) = cr.autograd.grad((x * x).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_grad_with_grad_outputs():
    x = f64([1.0, 2.0, 3.0])
    y = x * x
    (g,) = cr.autograd.grad(y, x, grad_outputs=cr.tensor(np.array([1.0, 0.0, 2.0])),
                            retain_graph=True)
    np.testing.assert_array_equal(g.numpy(), [2.0, 0.0, 12.0])
    (g,) = cr.autograd.grad([y], [x], grad_outputs=[np.array([0.0, 1.0, 1.0])])
    np.testing.assert_array_equal(g.numpy(), [0.0, 4.0, 6.0])
    y2 = x * 3
    (g,) = cr.autograd.grad([y2], [x], grad_outputs=[cr.ones_like(y2)])
    np.testing.assert_array_equal(g.numpy(), [3.0, 3.0, 3.0])


def test_grad_outputs_may_be_a_numpy_array():
    # As backward(gradient=array): one array for one output, not split into its rows.
    x = f64([1.0, 2.0])
    (g,) = cr.autograd.grad(x * x, x, grad_outputs=np.array([1.0, 3.0]))
    np.testing.assert_array_equal(g.numpy(), [2.0, 12.0])


def test_grad_of_output_with_respect_to_itself():
    x = f64([1.0, 2.0])
    y = x * 3
    (gy,) = cr.autograd.grad(y, y, grad_outputs=cr.tensor(np.array([4.0, 5.0])))
    np.testing.assert_array_equal(gy.numpy(), [4.0, 5.0])
    (gx,) = cr.autograd.grad(x.sum(), x)
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])


def test_grad_of_several_outputs_sums():
    x = f64([1.0, 2.0])
    y1 = (x * x).sum()
    y2 = (x * 10).sum()
    (g,) = cr.autograd.grad([y1, y2], [x])
    np.testing.assert_array_equal(g.numpy(), [12.0, 14.0])


def test_grad_non_scalar_without_grad_outputs_raises():
    x = f64([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*sum\(\)") as info:
        cr.autograd.grad(x * 2, x)
    message = str(info.value)
    # grad's own argument, not backward's
    assert "grad(y.sum(), x)" in message and "grad(y, x, grad_outputs=v)" in message
    assert "backward" not in message and "jacrev" in message


def test_grad_wrong_number_of_grad_outputs_raises():
    x = f64([1.0, 2.0])
    y = x * 2
    with pytest.raises(ValueError, match="grad_outputs"):
        cr.autograd.grad([y], [x], grad_outputs=[np.ones(2), np.ones(2)])


def test_grad_with_respect_to_intermediate():
    x = f64([1.0, 2.0])
    h = x * 3
    y = (h * h).sum()
    gh, gx = cr.autograd.grad(y, [h, x])
    np.testing.assert_array_equal(gh.numpy(), [6.0, 12.0])
    np.testing.assert_array_equal(gx.numpy(), [18.0, 36.0])


def test_grad_unused_input_raises_without_allow_unused():
    x = f64([1.0, 2.0])
    z = f64([5.0])
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match=r"input 1.*not used.*allow_unused=True"):
        cr.autograd.grad(y, [x, z])


def test_grad_allow_unused_gives_none():
    x = f64([1.0, 2.0])
    z = f64([5.0])
    y = (x * x).sum()
    gx, gz = cr.autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_array_equal(gx.numpy(), [2.0, 4.0])


def test_grad_allow_unused_for_intermediate_not_on_path():
    x = f64([1.0, 2.0])
    other = x * 7  # depends on x but not on the path to y
    y = (x * x).sum()
    gx, go = cr.autograd.grad(y, [x, other], allow_unused=True)
    assert go is None
    np.testing.assert_array_equal(gx.numpy(), [2.0, 4.0])


def test_grad_input_not_requiring_grad_raises():
    x = f64([1.0, 2.0])
    c = cr.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        cr.autograd.grad((x * c).sum(), [x, c])


def test_grad_output_not_requiring_grad_raises():
    x = f64([1.0])
    c = cr.tensor(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        cr.autograd.grad(c * 2, x)


def test_grad_rejects_non_tensors():
    x = f64([1.0])
    with pytest.raises(TypeError, match="Tensor"):
        cr.autograd.grad((x * 2).sum(), [np.array([1.0])])
    with pytest.raises(TypeError, match="Tensor"):
        cr.autograd.grad(3.0, x)


def test_grad_frees_graph_unless_retained():
    x = f64(2.0)
    y = x * x
    cr.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        cr.autograd.grad(y, x)
    y = x * x
    (g1,) = cr.autograd.grad(y, x, retain_graph=True)
    (g2,) = cr.autograd.grad(y, x)
    assert g1.item() == g2.item() == 4.0


# ---------------------------------------------------------------- accumulation


def test_gradients_accumulate_across_backwards():
    x = f64([1.0, 2.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 7.0])
    x.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 8.0])


def test_grad_zero_resets():
    x = f64([1.0, 2.0])
    (x * x).sum().backward()
    g = x.grad
    x.grad.zero_()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(g.numpy(), [3.0, 3.0])  # accumulated into the same tensor


def test_setting_grad_to_none_resets():
    x = f64([1.0, 2.0])
    (x * x).sum().backward()
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_grad_accumulation_write_mode_overwrites():
    x = f64([1.0, 2.0])
    assert x.grad_accumulation == "add"
    x.grad_accumulation = "write"
    assert x.grad_accumulation == "write"
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_grad_accumulation_write_mode_still_sums_within_one_backward():
    x = f64([1.0, 2.0])
    x.grad_accumulation = "write"
    (x * x + x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 7.0])


def test_grad_accumulation_null_mode_stores_nothing():
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    x.grad_accumulation = "null"
    (x * w).sum().backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 2.0])


def test_grad_accumulation_is_per_leaf():
    x = f64([1.0])
    w = f64([1.0])
    x.grad_accumulation = "write"
    for _ in range(3):
        (x * w * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0])
    np.testing.assert_array_equal(w.grad.numpy(), [6.0])


def test_grad_accumulation_rejects_unknown_mode():
    x = f64([1.0])
    with pytest.raises(ValueError, match='"add", "write" or "null"'):
        x.grad_accumulation = "overwrite"


# ---------------------------------------------------------------- non-leaf grads


def test_non_leaf_grad_is_none_and_warns():
    x = f64([1.0, 2.0])
    y = x * 2
    (y * y).sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):
        assert y.grad is None


def test_non_leaf_grad_warns_every_time_it_is_observed():
    # Every read warns (as in PyTorch); warning filters decide what is shown. With
    # "always" each read is seen, so tests (and users with such filters) can observe it.
    x = f64([1.0, 2.0])
    y = x * 2
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert y.grad is None
        assert any(issubclass(w.category, UserWarning) and "retain_grad" in str(w.message)
                   for w in caught)


def test_non_leaf_grad_warning_is_shown_once_per_line_by_default():
    """Python's default filter shows the warning once per line of user code that reads
    .grad (not once per tensor): a loop warns once, another line warns again, and the
    warning points at the user's line."""
    x = f64([1.0, 2.0])
    y, z = x * 2, x * 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for t in (y, z, y):
            assert t.grad is None  # one line: shown once
        assert y.grad is None  # another line: shown again
    assert [w.category for w in caught] == [UserWarning, UserWarning]
    assert all("retain_grad" in str(w.message) and w.filename == __file__ for w in caught)
    assert caught[0].lineno != caught[1].lineno


def test_leaf_grad_does_not_warn():
    x = f64([1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None
        (x * 2).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_retain_grad_keeps_non_leaf_gradient():
    x = f64([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    assert y.retains_grad
    z = (y * y).sum()
    z.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(y.grad.numpy(), [4.0, 8.0])
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 16.0])


def test_retain_grad_accumulates_across_backwards():
    x = f64([1.0, 2.0])
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    z.backward()
    np.testing.assert_array_equal(y.grad.numpy(), [8.0, 16.0])
    np.testing.assert_array_equal(x.grad.numpy(), [16.0, 32.0])


def test_retain_grad_on_leaf_is_harmless():
    x = f64([1.0])
    x.retain_grad()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0])


# ---------------------------------------------------------------- hooks


def test_hook_on_leaf_sees_gradient():
    x = f64([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * x).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_hook_on_leaf_sees_the_summed_gradient_once():
    x = f64([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * x + x * 10).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [12.0, 14.0])


def test_hook_on_leaf_can_replace_gradient():
    x = f64([1.0, 2.0])
    x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [20.0, 40.0])


def test_hook_on_non_leaf_sees_and_replaces_gradient():
    x = f64([1.0, 2.0])
    y = x * 3
    seen = []

    def hook(g):
        seen.append(g.numpy().copy())
        return g * 0.5

    y.register_hook(hook)
    (y * y).sum().backward()
    np.testing.assert_array_equal(seen[0], [6.0, 12.0])
    np.testing.assert_array_equal(x.grad.numpy(), [9.0, 18.0])


def test_hook_returning_none_keeps_gradient():
    x = f64([1.0, 2.0])
    y = x * 3
    y.register_hook(lambda g: None)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_hook_handle_remove_unregisters():
    x = f64([1.0, 2.0])
    calls = []
    handle = x.register_hook(lambda g: calls.append(1) or g * 100)
    y = x * 2
    hy = y.register_hook(lambda g: calls.append(2))
    handle.remove()
    hy.remove()
    y.sum().backward()
    assert calls == []
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    handle.remove()  # removing twice is harmless
    assert calls == []


def test_several_hooks_run_in_order_and_chain():
    x = f64([1.0])
    order = []
    x.register_hook(lambda g: order.append("a") or g + 1)
    x.register_hook(lambda g: order.append("b") or g * 10)
    (x * 2).sum().backward()
    assert order == ["a", "b"]
    np.testing.assert_array_equal(x.grad.numpy(), [30.0])


def test_retained_grad_sees_hook_result():
    x = f64([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])


def test_hook_errors():
    x = f64([1.0])
    with pytest.raises(TypeError, match="callable"):
        x.register_hook(3)
    with pytest.raises(RuntimeError, match="does not require grad"):
        cr.tensor([1.0]).register_hook(lambda g: g)
    x.register_hook(lambda g: cr.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2).sum().backward()
    y = f64([1.0])
    y.register_hook(lambda g: g.numpy())
    with pytest.raises(TypeError, match="Tensor or None"):
        (y * 2).sum().backward()


def test_failing_hook_leaves_grad_mode_enabled():
    x = f64([1.0])
    y = x * 2

    def hook(g):
        raise KeyError("from the hook")

    y.register_hook(hook)
    with pytest.raises(KeyError, match="from the hook"):
        y.sum().backward()
    assert cr.is_grad_enabled() is True
    assert (x * 2).requires_grad is True


def test_hook_on_autograd_grad_input():
    x = f64([1.0, 2.0])
    y = x * 3
    y.register_hook(lambda g: g * 2)
    (g,) = cr.autograd.grad(y.sum(), x)
    np.testing.assert_array_equal(g.numpy(), [6.0, 6.0])


def test_leaf_hook_runs_for_autograd_grad():
    # "called every time a gradient with respect to the tensor is computed": autograd.grad
    # computes one for x, so x's hook sees it and its result is what grad returns.
    x = f64([1.0, 2.0])
    seen = []

    def hook(g):
        seen.append(g.numpy().copy())
        return g * 10

    x.register_hook(hook)
    (g,) = cr.autograd.grad((x * 2).sum(), x)
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [2.0, 2.0])
    np.testing.assert_array_equal(g.numpy(), [20.0, 20.0])
    assert x.grad is None


# ---------------------------------------------------------------- detach


def test_detach_shares_values_outside_graph():
    x = f64([1.0, 2.0])
    y = x * x
    u = y.detach()
    assert u.requires_grad is False
    assert u.is_leaf
    assert u.grad_fn is None
    assert np.shares_memory(u.numpy(), y.numpy())
    np.testing.assert_array_equal(u.numpy(), [1.0, 4.0])
    z = (x * u).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 4.0])


def test_detach_of_leaf():
    x = f64([1.0, 2.0])
    d = x.detach()
    assert d is not x
    assert d.requires_grad is False
    assert x.requires_grad is True


def test_detach_in_place():
    x = f64([1.0, 2.0])
    y = x * x
    out = y.detach_()
    assert out is y
    assert y.requires_grad is False
    assert y.is_leaf
    assert y.grad_fn is None
    z = x * 2 + y
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_stop_gradient():
    x = f64([1.0, 2.0])
    s = cr.stop_gradient(x * x)
    assert s.requires_grad is False
    np.testing.assert_array_equal(s.numpy(), [1.0, 4.0])
    (x * s).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 4.0])
    t = cr.stop_gradient([1.0, 2.0])
    assert isinstance(t, cr.Tensor)
    assert t.requires_grad is False


# ---------------------------------------------------------------- higher order


def _derivatives(f, x0, order):
    x = f64(x0)
    y = f(x)
    out = []
    for _ in range(order):
        (y,) = cr.autograd.grad(y, x, create_graph=True)
        out.append(y.item())
    return out


def test_third_order_of_x_to_the_fourth():
    assert _derivatives(lambda x: x ** 4, 2.0, 3) == pytest.approx([32.0, 48.0, 48.0],
                                                                  rel=1e-14)


def test_fourth_derivative_of_x_to_the_fourth():
    assert _derivatives(lambda x: x ** 4, 2.0, 4) == pytest.approx(
        [32.0, 48.0, 48.0, 24.0], rel=1e-14, abs=1e-14)
    # The fourth derivative is a constant: autograd.grad of it refuses (as PyTorch's
    # does), while the transforms say 0.
    d4 = cr.grad(cr.grad(cr.grad(cr.grad(lambda x: x ** 4))))
    assert d4(f64(2.0)).item() == 24.0
    assert cr.grad(cr.grad(cr.grad(cr.grad(cr.grad(lambda x: x ** 4)))))(f64(2.0)).item() == 0


@pytest.mark.parametrize("x0", [0.3, 1.0, -2.0])
def test_third_order_of_sin(x0):
    got = _derivatives(cr.sin, x0, 3)
    expected = [np.cos(x0), -np.sin(x0), -np.cos(x0)]
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)


def test_third_order_with_backward_create_graph():
    x = f64(2.0)
    y = x * x * x * x
    y.backward(create_graph=True)
    g1 = x.grad
    assert g1.item() == 32.0
    assert g1.requires_grad
    x.grad = None
    g1.backward(create_graph=True)
    g2 = x.grad
    assert g2.item() == 48.0
    x.grad = None
    g2.backward()
    assert x.grad.item() == 48.0


def test_higher_order_vector_hessian_vector_product():
    x = f64([1.0, 2.0, 3.0])
    y = (x ** 3).sum()
    (g,) = cr.autograd.grad(y, x, create_graph=True)
    np.testing.assert_array_equal(g.numpy(), [3.0, 12.0, 27.0])
    v = np.array([1.0, 0.0, 2.0])
    (hv,) = cr.autograd.grad(g, x, grad_outputs=cr.tensor(v))
    np.testing.assert_array_equal(hv.numpy(), 6 * np.array([1.0, 2.0, 3.0]) * v)


def test_mixed_second_partials():
    a = f64(2.0)
    b = f64(3.0)
    f = a * a * b + cr.sin(a * b)
    ga, gb = cr.autograd.grad(f, [a, b], create_graph=True)
    np.testing.assert_allclose(ga.item(), 2 * 2 * 3 + 3 * np.cos(6.0), rtol=1e-14)
    (gab,) = cr.autograd.grad(ga, b)
    np.testing.assert_allclose(gab.item(), 2 * 2 + np.cos(6.0) - 6 * np.sin(6.0), rtol=1e-13)


def test_first_derivative_without_create_graph_does_not_require_grad():
    x = f64(2.0)
    (g,) = cr.autograd.grad(x ** 3, x)
    assert g.requires_grad is False
    with pytest.raises(RuntimeError, match="requires_grad|does not require grad"):
        cr.autograd.grad(g, x)


# ---------------------------------------------------------------- freed and retained graphs


def test_second_backward_through_freed_graph_raises():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph=True"):
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_second_backward_through_shared_freed_part_raises():
    x = f64([1.0, 2.0])
    h = cr.exp(x)
    h.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        (h * 2).sum().backward()


def test_retain_graph_allows_second_backward_that_accumulates():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 8.0 + 4.0])
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_backward_through_graph_without_saved_values_can_repeat_or_raise_cleanly():
    # sum/add save nothing: a second backward either works (same gradient) or raises the
    # retain_graph error, but never returns a wrong gradient.
    x = f64([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    try:
        y.backward()
    except RuntimeError as exc:
        assert "retain_graph" in str(exc)
        np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    else:
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


# ---------------------------------------------------------------- shared subexpressions


def test_value_used_twice():
    x = f64([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, -4.0, 6.0])


def test_shared_subexpression_gradients_are_summed():
    x = f64([0.5, 2.0])
    a = x * 3
    b = a * a + a + cr.sin(a)
    b.sum().backward()
    a0 = 3 * np.array([0.5, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), (2 * a0 + 1 + np.cos(a0)) * 3, rtol=1e-14)


def test_diamond_graph():
    x = f64(1.5)
    a = x * 2
    b = cr.exp(a)
    c = a * a
    d = b * c
    d.backward()
    a0 = 3.0
    expected = (np.exp(a0) * a0 ** 2 + np.exp(a0) * 2 * a0) * 2
    np.testing.assert_allclose(x.grad.item(), expected, rtol=1e-14)


def test_leaf_used_in_many_places():
    x = f64([1.0, 2.0])
    w = f64([3.0, 5.0])
    y = (x * w).sum() + (x * x).sum() + (w * 2).sum() + x.sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0 + 2.0 + 1.0, 5.0 + 4.0 + 1.0])
    np.testing.assert_array_equal(w.grad.numpy(), [1.0 + 2.0, 2.0 + 2.0])


def test_same_tensor_as_both_operands_of_add():
    x = f64([1.0, 2.0])
    (x + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


# ---------------------------------------------------------------- no aliasing


def test_grads_of_two_leaves_do_not_alias():
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    (x + w).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), w.grad.numpy())
    x.grad.numpy()[0] = 100.0
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 1.0])
    x.grad.add_(1.0)
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 1.0])


def test_grads_of_add_with_user_gradient_do_not_alias():
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    v = np.array([5.0, 6.0])
    (x + w).backward(gradient=v)
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])
    x.grad.numpy()[:] = 0.0
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 6.0])
    np.testing.assert_array_equal(v, [5.0, 6.0])


def test_grad_does_not_alias_user_gradient_array():
    x = f64([1.0, 2.0])
    v = np.array([5.0, 6.0])
    (x - 1.0).backward(gradient=v)
    assert not np.shares_memory(x.grad.numpy(), v)
    v[0] = -1.0
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])
    x.grad.numpy()[1] = -7.0
    np.testing.assert_array_equal(v, [-1.0, 6.0])


def test_grad_does_not_alias_user_gradient_tensor():
    x = f64([1.0, 2.0])
    v = cr.tensor(np.array([5.0, 6.0]))
    (x * 1.0 + 0.0).backward(gradient=v)
    assert not np.shares_memory(x.grad.numpy(), v.numpy())
    v.numpy()[0] = 0.0
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])


def test_leaf_backward_grad_does_not_alias_user_gradient():
    x = f64([1.0, 2.0])
    v = np.array([3.0, 4.0])
    x.backward(gradient=v)
    v[:] = 0.0
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    x.grad.zero_()
    assert x.grad is not None


def test_accumulation_does_not_write_into_user_gradient():
    x = f64([1.0, 2.0])
    v = np.array([1.0, 1.0])
    (x + 0.0).backward(gradient=v)
    (x + 0.0).backward(gradient=v)
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(v, [1.0, 1.0])


def test_grad_results_do_not_alias_each_other_or_grad_outputs():
    x = f64([1.0, 2.0])
    w = f64([3.0, 4.0])
    v = np.array([1.0, 1.0])
    gx, gw = cr.autograd.grad([x + w], [x, w], grad_outputs=[v])
    assert not np.shares_memory(gx.numpy(), gw.numpy())
    assert not np.shares_memory(gx.numpy(), v)
    gx.numpy()[0] = 9.0
    np.testing.assert_array_equal(gw.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(v, [1.0, 1.0])


def test_grad_does_not_alias_hook_argument_seen_by_retain_grad():
    x = f64([1.0, 2.0])
    y = x + 0.0
    y.retain_grad()
    y.sum().backward()
    y.grad.numpy()[0] = 50.0
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_grad_of_expanded_input_is_writable_and_own_memory():
    x = f64(2.0)
    y = x * np.ones(3)
    y.sum().backward()
    assert x.grad.shape == ()
    assert x.grad.item() == 3.0
    x.grad.add_(1.0)
    assert x.grad.item() == 4.0


def test_boundary_stops_at_an_older_target():
    """grad(..., boundary=s) differentiates through nodes recorded since s only: a target
    recorded earlier gets its gradient, and nothing below it is entered."""
    from chainrule.backward import grad as grad_
    from chainrule.graph import next_seq
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True)
    y = x * x
    start = next_seq()
    z = 3 * y + x
    gx, gy = grad_(z, [x, y], boundary=start)
    assert gx.item() == 1.0 and gy.item() == 3.0


def test_backward_of_several_outputs_is_one_sweep_and_write_mode_keeps_the_buffer():
    x = cr.arange(3.0, requires_grad=True)
    x.grad_accumulation = "write"
    x.grad = cr.zeros(3)
    buffer = x.grad
    cr.autograd.backward([x * 2.0, (x * x).sum()], [cr.ones(3), None])
    assert x.grad is buffer  # written in place, as frameworks that preallocate do
    np.testing.assert_array_equal(buffer.numpy(), [2.0, 4.0, 6.0])


def test_release_all_uses_up_a_graph_that_saved_nothing():
    x = cr.arange(3.0, requires_grad=True)
    y = x.sum()
    cr.autograd.backward(y)
    cr.autograd.backward(y)  # the default frees saved values only: nothing was saved here
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
    y = x.sum()
    cr.autograd.backward(y, release="all")
    with pytest.raises(cr.errors.GraphFreedError, match="second time.*retain_graph=True"):
        cr.autograd.backward(y, release="all")
