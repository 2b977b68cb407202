"""Grad modes: no_grad, enable_grad, set_grad_enabled, is_grad_enabled; thread-locality."""
import threading

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    assert cr.is_grad_enabled() is True
    yield
    enabled = cr.is_grad_enabled()
    cr.set_grad_enabled(True)
    assert enabled is True, "the test left grad mode disabled"


def leaf():
    return cr.tensor(np.array([1.0, 2.0]), requires_grad=True)


def test_enabled_by_default():
    assert cr.is_grad_enabled() is True
    assert cr.autograd.is_grad_enabled() is True
    y = leaf() * 2
    assert y.requires_grad


def test_no_grad_context():
    x = leaf()
    with cr.no_grad():
        assert cr.is_grad_enabled() is False
        y = x * 2 + cr.sin(x)
        z = x[0]
        s = x.sum()
    assert cr.is_grad_enabled() is True
    for t in (y, z, s):
        assert t.requires_grad is False
        assert t.grad_fn is None
        assert t.is_leaf
    np.testing.assert_allclose(y.numpy(), [2.0 + np.sin(1.0), 4.0 + np.sin(2.0)], rtol=1e-14)
    with pytest.raises(RuntimeError, match="does not require grad"):
        s.backward()


def test_no_grad_restores_after_exception():
    with pytest.raises(ZeroDivisionError):
        with cr.no_grad():
            1 / 0
    assert cr.is_grad_enabled() is True


def test_no_grad_does_not_change_leaves():
    x = leaf()
    with cr.no_grad():
        assert x.requires_grad is True
        w = cr.tensor([1.0], requires_grad=True)
    assert w.requires_grad is True


def test_no_grad_as_decorator():
    @cr.no_grad()
    def f(x):
        assert cr.is_grad_enabled() is False
        return x * 3

    x = leaf()
    y = f(x)
    assert y.requires_grad is False
    np.testing.assert_array_equal(y.numpy(), [3.0, 6.0])
    assert cr.is_grad_enabled() is True
    assert f.__name__ == "f"


def test_bare_decorators_without_parentheses():
    """@no_grad and @enable_grad work bare too (as in PyTorch 2), keep the function's
    name and docstring, and restore the mode afterwards (also after an exception)."""
    @cr.no_grad
    def f(x):
        """Triple x."""
        assert cr.is_grad_enabled() is False
        return x * 3

    @cr.enable_grad
    def g(x):
        assert cr.is_grad_enabled() is True
        return x * x

    @cr.no_grad
    def fails():
        raise KeyError("inside")

    x = leaf()
    y = f(x)
    assert y.requires_grad is False and y.grad_fn is None
    np.testing.assert_array_equal(y.numpy(), [3.0, 6.0])
    assert (f.__name__, f.__doc__) == ("f", "Triple x.")
    with cr.no_grad():
        z = g(x)
        assert cr.is_grad_enabled() is False
    assert z.requires_grad is True
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
    with pytest.raises(KeyError):
        fails()
    assert cr.is_grad_enabled() is True


def test_grad_mode_arguments_that_are_not_functions_are_refused():
    for mode in (cr.no_grad, cr.enable_grad):
        with pytest.raises(TypeError, match=rf"^{mode.__name__}\(\) takes no arguments; use "
                                            rf"it as `with {mode.__name__}\(\):`.* got int"):
            mode(3)
    assert isinstance(cr.no_grad(), cr.no_grad)


def test_enable_grad_inside_no_grad():
    x = leaf()
    with cr.no_grad():
        with cr.enable_grad():
            assert cr.is_grad_enabled() is True
            y = x * x
        assert cr.is_grad_enabled() is False
        z = x * x
    assert y.requires_grad is True
    assert z.requires_grad is False
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_enable_grad_as_decorator():
    @cr.enable_grad()
    def f(x):
        return x * x

    x = leaf()
    with cr.no_grad():
        y = f(x)
        assert cr.is_grad_enabled() is False
    assert y.requires_grad is True
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_decorator_restores_after_exception():
    @cr.no_grad()
    def boom():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        boom()
    assert cr.is_grad_enabled() is True


def test_set_grad_enabled_as_function():
    x = leaf()
    cr.set_grad_enabled(False)
    try:
        assert cr.is_grad_enabled() is False
        assert (x * 2).requires_grad is False
    finally:
        cr.set_grad_enabled(True)
    assert cr.is_grad_enabled() is True
    assert (x * 2).requires_grad is True


@pytest.mark.parametrize("mode", [False, True])
def test_set_grad_enabled_as_context_manager(mode):
    x = leaf()
    with cr.set_grad_enabled(mode):
        assert cr.is_grad_enabled() is mode
        y = x * 2
    assert cr.is_grad_enabled() is True
    assert y.requires_grad is mode


def test_set_grad_enabled_context_restores_previous_mode():
    with cr.no_grad():
        with cr.set_grad_enabled(True):
            assert cr.is_grad_enabled() is True
        assert cr.is_grad_enabled() is False
    assert cr.is_grad_enabled() is True


def test_nested_no_grad():
    with cr.no_grad():
        with cr.no_grad():
            assert cr.is_grad_enabled() is False
        assert cr.is_grad_enabled() is False
    assert cr.is_grad_enabled() is True


def test_optimizer_style_update_under_no_grad():
    w = leaf()
    (w * w).sum().backward()
    with cr.no_grad():
        w -= 0.1 * w.grad
    assert w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6], rtol=1e-14)


def test_backward_not_affected_by_no_grad_around_it():
    x = leaf()
    y = (x * x).sum()
    with cr.no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


# ---------------------------------------------------------------- threads


def _run_in_thread(target):
    errors = []

    def wrapper():
        try:
            target()
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    t = threading.Thread(target=wrapper)
    t.start()
    t.join(timeout=10)
    assert not t.is_alive()
    if errors:
        raise errors[0]


def test_new_thread_starts_enabled_even_inside_no_grad():
    seen = {}

    def work():
        seen["enabled"] = cr.is_grad_enabled()
        seen["requires_grad"] = (leaf() * 2).requires_grad

    with cr.no_grad():
        _run_in_thread(work)
        assert cr.is_grad_enabled() is False
    assert seen == {"enabled": True, "requires_grad": True}


def test_no_grad_in_one_thread_does_not_affect_another():
    inside = threading.Event()
    checked = threading.Event()
    result = {}

    def disabler():
        with cr.no_grad():
            result["thread_mode"] = cr.is_grad_enabled()
            inside.set()
            checked.wait(timeout=10)
        result["thread_after"] = cr.is_grad_enabled()

    t = threading.Thread(target=disabler)
    t.start()
    assert inside.wait(timeout=10)
    try:
        result["main_mode"] = cr.is_grad_enabled()
        result["main_records"] = (leaf() * 2).requires_grad
    finally:
        checked.set()
        t.join(timeout=10)
    assert result == {"thread_mode": False, "main_mode": True, "main_records": True,
                      "thread_after": True}


def test_set_grad_enabled_false_in_thread_is_local():
    def work():
        cr.set_grad_enabled(False)
        assert cr.is_grad_enabled() is False
        assert (leaf() * 2).requires_grad is False

    _run_in_thread(work)
    assert cr.is_grad_enabled() is True
    assert (leaf() * 2).requires_grad is True


def test_backward_in_a_thread_while_main_is_in_no_grad():
    x = leaf()
    y = (x * x * x).sum()
    with cr.no_grad():
        _run_in_thread(lambda: y.backward())
        assert cr.is_grad_enabled() is False
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])


def test_set_grad_enabled_as_decorator_applies_only_inside():
    @cr.set_grad_enabled(False)
    def double(t):
        return t * 2

    assert cr.is_grad_enabled()
    x = cr.ones(2, requires_grad=True)
    assert not double(x).requires_grad
    assert (x * 2).requires_grad
