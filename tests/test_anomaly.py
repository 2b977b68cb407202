"""Anomaly mode: the first NaN or infinity, in the forward or the backward pass, raises
AnomalyError naming the operation and the line of this file that created it."""
from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import viz
from chainrule.errors import AnomalyError


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's divide-by-zero notes
        yield


def test_forward_names_the_operation_and_the_users_line():
    x = cr.tensor([1.0, 0.0, 2.0], requires_grad=True)
    with cr.detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            cr.log(x)  # LOG-OF-ZERO
    message = str(info.value)
    assert message.startswith("anomaly: log produced infinity in its output (shape (3,))")
    assert "test_anomaly.py" in message and "LOG-OF-ZERO" in message
    assert isinstance(info.value, RuntimeError)


def test_nan_from_outside_is_said_to_come_from_outside():
    x = cr.tensor([1.0, np.nan], requires_grad=True)
    with cr.detect_anomaly(), pytest.raises(AnomalyError, match="already did.*outside"):
        cr.sin(x)


def test_backward_names_the_rule_and_where_its_operation_was_created():
    x = cr.tensor([1.0, 0.0], requires_grad=True)
    with cr.detect_anomaly():
        y = cr.sqrt(x)  # SQRT-AT-ZERO: finite value, infinite derivative
        with pytest.raises(AnomalyError) as info:
            cr.sum(y).backward()
    message = str(info.value)
    assert message.startswith("anomaly: the backward of sqrt (SqrtBackward) gave infinity in "
                              "the gradient of its input 0 (shape (2,))")
    assert "SQRT-AT-ZERO" in message


def test_a_forward_outside_the_mode_is_still_caught_in_backward():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    y = cr.sqrt(x)
    with cr.detect_anomaly(), pytest.raises(AnomalyError, match="inside detect_anomaly"):
        cr.sum(y).backward()


def test_higher_order_and_transforms_are_checked():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    with cr.detect_anomaly():
        (g,) = cr.autograd.grad(cr.sum(x ** 3), x, create_graph=True)  # finite
        np.testing.assert_allclose(g.numpy(), [0.0, 3.0])
        with pytest.raises(AnomalyError, match="backward of sqrt"):
            cr.grad(lambda v: cr.sum(cr.sqrt(v)))(cr.tensor([0.0, 4.0]))


def test_a_sum_that_overflows_is_named_though_its_parts_are_finite():
    x = cr.tensor(np.full(1, 0.5, np.float32), requires_grad=True, name="x")
    with cr.detect_anomaly():
        loss = cr.sum(x * 2e38) - cr.sum(x * -2e38)  # 2e38: finite in float32
        with pytest.raises(AnomalyError, match="leaf of shape \\(1,\\) named 'x' is infinity"):
            loss.backward()


def test_large_arrays_through_the_in_place_paths():
    # 10,000 elements: the sweep's in-place rules and accumulating variants are in play
    values = np.linspace(0.5, 2.0, 10_000)
    values[7] = 0.0
    x = cr.tensor(values, requires_grad=True)
    with cr.detect_anomaly():
        loss = cr.sum(cr.sqrt(x[1:])) - cr.sum(cr.exp(x))
        with pytest.raises(AnomalyError, match="backward of sqrt"):
            loss.backward()


def test_a_nan_seed_is_refused():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    with cr.detect_anomaly(), pytest.raises(AnomalyError, match="starts from contains NaN"):
        y.backward(gradient=cr.tensor([1.0, np.nan]))


def test_off_by_default_and_restored_after_the_block():
    x = cr.tensor([0.0], requires_grad=True)
    assert not cr.is_anomaly_enabled()
    y = cr.log(x)
    assert np.isneginf(y.numpy()).all()       # no check outside the mode
    with pytest.raises(AnomalyError):
        with cr.detect_anomaly():
            assert cr.is_anomaly_enabled()
            cr.log(x)
    assert not cr.is_anomaly_enabled()
    cr.sum(cr.sqrt(x)).backward()              # inf gradient, no error
    assert np.isinf(x.grad.numpy()).all()


def test_as_a_decorator():
    @cr.detect_anomaly()
    def f(v):
        return cr.log(v)

    with pytest.raises(AnomalyError):
        f(cr.tensor([0.0], requires_grad=True))
    assert not cr.is_anomaly_enabled()


def test_the_mode_is_per_thread():
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def other():
        inside.wait()
        seen["enabled"] = cr.is_anomaly_enabled()
        seen["value"] = cr.log(cr.tensor([0.0], requires_grad=True)).numpy()  # no error
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with cr.detect_anomaly():
        inside.set()
        done.wait()
    thread.join()
    assert seen["enabled"] is False and np.isneginf(seen["value"]).all()


def test_tools_that_keep_values_still_see_them():
    # viz.trace installs an observer of its own; both it and the checks run
    with cr.detect_anomaly():
        graph = viz.trace(lambda x: cr.sin(x) * x, x=2.0)
        assert graph.node("v1").value == pytest.approx(np.sin(2.0))
        with pytest.raises(AnomalyError):
            viz.trace(lambda x: cr.log(x - 2.0), x=2.0)
