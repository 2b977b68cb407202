"""The MXNet dialect beyond the chapter's cells (those run from the seeds in
test_book.py): the exercises, the recording policy, printing and section 2.1's data
manipulation, written as notebook cells with the book's import line
``from mxnet import autograd, np, npx``, the only line the tests change."""
from __future__ import annotations

import re

import numpy
import pytest
from notebook import book, run_cell
from seeds import as_chainrule

from chainrule.mxnet import MXNetError, autograd, np, npx


def digits_masked(text: str) -> str:
    return re.sub(r"\d", "#", text)


CONTROL_FLOW = """
def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
"""

def scale_of_f(a) -> float:
    """The k of f(a) = k * a, by the book's reasoning, in float64 NumPy."""
    b, k = 2 * numpy.asarray(a, numpy.float64), 2.0
    while numpy.linalg.norm(b) < 1000:
        b, k = 2 * b, 2 * k
    return k if b.sum() > 0 else 100 * k


# ---------------------------------------------------------------- the exercises


def test_exercise_second_derivative_with_create_graph():
    """Exercise 1 (and the reader's experiment): autograd.grad with create_graph=True
    records the first derivative, whose backward gives the second."""
    book(
        ("from mxnet import autograd, np, npx\nx = np.array(2.0)\nx.attach_grad()\n"
         "with autograd.record():\n    y = x ** 3\n"
         "    dy_dx = autograd.grad(y, x, create_graph=True)\n"
         "dy_dx.backward()\n"
         "print(f'First derivative (dy/dx) at x=2: {dy_dx.item()}')\n"
         "print(f'Second derivative (d2y/dx2) at x=2: {x.grad.item()}')",
         "First derivative (dy/dx) at x=2: 12.0\nSecond derivative (d2y/dx2) at x=2: 12.0"),
        ("x = np.arange(4.0)\nx.attach_grad()\nwith autograd.record():\n    y = x ** 3\n"
         "    dy_dx = autograd.grad(y, [x], create_graph=True)[0]\ndy_dx",
         "array([ 0.,  3., 12., 27.])"),
        ("dy_dx.backward()\nx.grad", "array([ 0.,  6., 12., 18.])"),
    )


def test_exercise_grad_without_create_graph_is_a_constant():
    x = np.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = x ** 3
    (dy_dx,) = autograd.grad(y, [x])
    assert repr(dy_dx) == "array([ 0.,  3., 12., 27.])"
    assert repr(x.grad) == "array([0., 0., 0., 0.])"  # grad() leaves .grad alone
    with pytest.raises(MXNetError, match=r"^Check failed: !AGInfo::IsNone\(\*i\): Cannot "
                                         r"differentiate node because it is not in a "
                                         r"computational graph"):
        dy_dx.backward()


def test_exercise_backward_twice_raises_mxnets_error():
    x = np.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = 2 * np.dot(x, x)
    y.backward()
    with pytest.raises(MXNetError) as info:
        y.backward()
    message = str(info.value)
    assert message.startswith(
        "Check failed: !AGInfo::IsNone(*i): Cannot differentiate node because it is not in a "
        "computational graph. You need to set is_recording to true or use autograd.record() "
        "to save computational graphs for backward. If you want to differentiate the same "
        "graph twice, you need to pass retain_graph=True to backward.")
    assert "retain_graph=True" in message and "released" in message
    assert isinstance(info.value, RuntimeError)


def test_exercise_backward_twice_of_a_graph_that_saved_nothing_raises_too():
    x = np.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = x.sum()
    y.backward()
    with pytest.raises(MXNetError, match="If you want to differentiate the same graph twice"):
        y.backward()


def test_exercise_backward_twice_with_retain_graph():
    x = np.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = 2 * np.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()  # 'write': the second gradient overwrites the first
    assert repr(x.grad) == "array([ 0.,  4.,  8., 12.])"
    x.attach_grad(grad_req="add")
    with autograd.record():
        y = 2 * np.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()  # 'add': they accumulate
    assert repr(x.grad) == "array([ 0.,  8., 16., 24.])"


def test_freed_values_of_a_shared_graph_raise_mxnets_error():
    x = np.arange(4.0)
    x.attach_grad()
    with autograd.record():
        y = x * x
        z = y * 2
        w = y * 3
    z.backward()
    with pytest.raises(MXNetError, match=r"^Check failed: !AGInfo::IsNone.*a second time"):
        w.backward()


@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_exercise_control_flow_with_vector_and_matrix_input(shape):
    """Exercise 3: f(a) is still k * a with one k for the whole array; backward of the
    non-scalar d gives the gradient of its sum, k in every entry."""
    ns = book(("from mxnet import autograd, np, npx\nnp.random.seed(0)", ""), (CONTROL_FLOW, ""))
    ns["shape"] = shape
    book(("a = np.random.normal(size=shape)\na.attach_grad()\n"
          "with autograd.record():\n    d = f(a)\nd.backward()\n(a.grad == d / a).all()",
          "array(True)"), namespace=ns)
    a, d = ns["a"], ns["d"]
    assert d.shape == shape and a.grad.shape == shape
    k = scale_of_f(a.asnumpy())
    numpy.testing.assert_array_equal(a.grad.asnumpy(), numpy.full(shape, k))
    numpy.testing.assert_allclose(d.asnumpy(), k * a.asnumpy(), rtol=1e-6)


# ---------------------------------------------------------------- recording policy


def test_operations_are_recorded_only_inside_record():
    x = np.arange(4.0)
    x.attach_grad()
    y = 2 * x
    assert not autograd.is_recording()
    with pytest.raises(MXNetError, match="Cannot differentiate node.*not computed inside "
                                         "autograd.record"):
        y.backward()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        y = 2 * x
        with autograd.pause():
            assert not autograd.is_recording()
            paused = 2 * x
    assert not autograd.is_recording()
    assert y.requires_grad and not paused.requires_grad and not x.requires_grad
    y.backward()  # the graph recorded in the block is used after it
    assert repr(x.grad) == "array([2., 2., 2., 2.])"


def test_arrays_attached_inside_a_block_are_recorded_from_then_on():
    x = np.ones(3)
    with autograd.record():
        x.attach_grad()
        y = (x * x).sum()
    y.backward()
    assert repr(x.grad) == "array([2., 2., 2.])"


def test_attach_grad_makes_a_computed_array_a_new_variable():
    x = np.arange(3.0)
    x.attach_grad()
    with autograd.record():
        h = x * 3
        h.attach_grad()
        y = (h * h).sum()
    y.backward()
    assert repr(h.grad) == "array([ 0.,  6., 12.])"
    assert repr(x.grad) == "array([0., 0., 0.])"  # the path through h was cut


def test_grad_req_null_keeps_zeros():
    x = np.arange(3.0)
    x.attach_grad(grad_req="null")
    w = np.ones(3)
    w.attach_grad()
    with autograd.record():
        y = (x * w).sum()
    y.backward()
    assert repr(x.grad) == "array([0., 0., 0.])"
    assert repr(w.grad) == "array([0., 1., 2.])"
    with pytest.raises(ValueError, match="grad_req must be 'write', 'add' or 'null'"):
        x.attach_grad(grad_req="sum")


def test_grad_with_respect_to_an_array_without_attached_gradient():
    x = np.arange(3.0)
    x.attach_grad()
    w = np.ones(3)
    with autograd.record():
        y = (x * w).sum()
    with pytest.raises(MXNetError, match="Cannot differentiate with respect to the 2-th "
                                         "variable because it does not require gradient"):
        autograd.grad(y, [x, w])


def test_grad_of_an_unused_variable_is_zeros_and_backward_takes_several_heads():
    x, v = np.arange(3.0), np.ones(2)
    x.attach_grad()
    v.attach_grad()
    with autograd.record():
        y = (x * x).sum()
        z = x * 2
    gx, gv = autograd.grad(y, [x, v], retain_graph=True)
    assert repr(gx) == "array([0., 2., 4.])" and repr(gv) == "array([0., 0.])"
    autograd.backward([y, z], [None, np.array([1.0, 0.0, 1.0])])
    assert repr(x.grad) == "array([2., 2., 6.])"  # one sweep: both heads, written once


def test_in_place_update_of_a_variable_while_recording():
    x = np.arange(3.0)
    x.attach_grad()
    with autograd.record():
        with pytest.raises(MXNetError, match=r"^Check failed: AGInfo::IsNone\(\*output\): "
                                             r"NotImplementedError: Inplace operations"):
            x += 1
        with pytest.raises(MXNetError, match="Inplace operations"):
            x[0] = 5
    x -= 0.5 * x.grad  # outside record, as an optimizer does
    assert repr(x) == "array([0., 1., 2.])"


# ---------------------------------------------------------------- printing


def test_printing_follows_mxnet():
    assert repr(np.array([1, 2], dtype="int64")) == "array([1, 2], dtype=int64)"
    assert repr(np.array([1, 2], dtype=np.int32)) == "array([1, 2], dtype=int32)"
    assert repr(np.ones(2, dtype=np.float64)) == "array([1., 1.], dtype=float64)"
    assert repr(np.array(True, dtype=bool)) == "array(True)"
    assert repr(np.arange(3.0) > 0) == "array([False,  True,  True])"
    assert str(np.arange(3.0)) == "[0. 1. 2.]"
    assert str(np.array(28.0)) == "28.0"
    long = repr(np.arange(30.0))
    assert long.endswith("29.])") and "dtype" not in long and long.count("\n") == 2


# ---------------------------------------------------------------- section 2.1


def test_data_manipulation():
    ns = book(
        ("from mxnet import np, npx\nnpx.set_np()", ""),
        ("x = np.arange(12)\nx",
         "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])"),
        ("x.size", "12"),
        ("x.shape", "(12,)"),
        ("X = x.reshape(3, 4)\nX",
         "array([[ 0.,  1.,  2.,  3.],\n       [ 4.,  5.,  6.,  7.],\n"
         "       [ 8.,  9., 10., 11.]])"),
        ("np.zeros((2, 3, 4))",
         "array([[[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]],\n\n"
         "       [[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]]])"),
        ("np.ones((2, 3, 4))",
         "array([[[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]],\n\n"
         "       [[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]]])"),
        ("np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])",
         "array([[2., 1., 4., 3.],\n       [1., 2., 3., 4.],\n       [4., 3., 2., 1.]])"),
        ("X[-1], X[1:3]",
         "(array([ 8.,  9., 10., 11.]),\n array([[ 4.,  5.,  6.,  7.],\n"
         "        [ 8.,  9., 10., 11.]]))"),
        ("X[1, 2] = 17\nX",
         "array([[ 0.,  1.,  2.,  3.],\n       [ 4.,  5., 17.,  7.],\n"
         "       [ 8.,  9., 10., 11.]])"),
        ("X[:2, :] = 12\nX",
         "array([[12., 12., 12., 12.],\n       [12., 12., 12., 12.],\n"
         "       [ 8.,  9., 10., 11.]])"),
        ("x = np.array([1, 2, 4, 8])\ny = np.array([2, 2, 2, 2])\n"
         "x + y, x - y, x * y, x / y, x ** y",
         "(array([ 3.,  4.,  6., 10.]),\n array([-1.,  0.,  2.,  6.]),\n"
         " array([ 2.,  4.,  8., 16.]),\n array([0.5, 1. , 2. , 4. ]),\n"
         " array([ 1.,  4., 16., 64.]))"),
        ("X = np.arange(12).reshape(3, 4)\n"
         "Y = np.array([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\n"
         "np.concatenate([X, Y], axis=0), np.concatenate([X, Y], axis=1)",
         "(array([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n"
         "        [ 8.,  9., 10., 11.],\n        [ 2.,  1.,  4.,  3.],\n"
         "        [ 1.,  2.,  3.,  4.],\n        [ 4.,  3.,  2.,  1.]]),\n"
         " array([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],\n"
         "        [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],\n"
         "        [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]]))"),
        ("X == Y",
         "array([[False,  True, False,  True],\n       [False, False, False, False],\n"
         "       [False, False, False, False]])"),
        ("X.sum()", "array(66.)"),
        ("a = np.arange(3).reshape(3, 1)\nb = np.arange(2).reshape(1, 2)\na, b",
         "(array([[0.],\n        [1.],\n        [2.]]),\n array([[0., 1.]]))"),
        ("a + b", "array([[0., 1.],\n       [1., 2.],\n       [2., 3.]])"),
        ("before = id(Y)\nY = Y + X\nid(Y) == before", "False"),
        ("before = id(X)\nX += Y\nid(X) == before", "True"),
        ("A = X.asnumpy()\nB = np.array(A)\ntype(A), type(B)",
         "(numpy.ndarray, mxnet.numpy.ndarray)"),
        ("a = np.array([3.5])\na, a.item(), float(a), int(a)", "(array([3.5]), 3.5, 3.5, 3)"),
    )
    A, B, X = ns["A"], ns["B"], ns["X"]
    A[0, 0] = -1  # asnumpy copies
    assert X[0, 0].item() == 2.0 and B[0, 0].item() == 2.0 and B.dtype == numpy.float32


def test_in_place_assignment_keeps_the_array():
    shown = run_cell(as_chainrule("from mxnet import np, npx\nX = np.arange(12).reshape(3, 4)\n"
                     "Y = np.ones((3, 4))\nZ = np.zeros_like(Y)\nprint('id(Z):', id(Z))\n"
                     "Z[:] = X + Y\nprint('id(Z):', id(Z))\nZ"), {})
    first, second, *values = shown.split("\n")
    assert first == second and re.fullmatch(r"id\(Z\): \d+", first)
    assert "\n".join(values) == ("array([[ 1.,  2.,  3.,  4.],\n       [ 5.,  6.,  7.,  8.],\n"
                                 "       [ 9., 10., 11., 12.]])")


def test_exp_and_random_print_as_mxnet():
    """Values of exp and of random draws differ in their last digits from one library to
    another (MXNet's float32 exp is not NumPy's): the layout is the book's, the values
    agree to float32 precision."""
    ns = book(("from mxnet import np, npx\nx = np.arange(12)", ""))
    book_exp = ("array([1.0000000e+00, 2.7182817e+00, 7.3890562e+00, 2.0085537e+01,\n"
                "       5.4598152e+01, 1.4841316e+02, 4.0342880e+02, 1.0966332e+03,\n"
                "       2.9809580e+03, 8.1030840e+03, 2.2026467e+04, 5.9874145e+04])")
    shown = run_cell("np.exp(x)", ns)
    assert digits_masked(shown) == digits_masked(book_exp)
    numpy.testing.assert_allclose(ns["np"].exp(ns["x"]).asnumpy(),
                                  numpy.exp(numpy.arange(12.0)), rtol=3e-7)
    shown = run_cell("np.random.normal(0, 1, size=(3, 4))", ns)
    assert shown.startswith("array([[") and shown.count("\n") == 2 and "dtype" not in shown
    sample = np.random.normal(0, 1, size=(3, 4))
    assert sample.shape == (3, 4) and sample.dtype == numpy.float32


def test_namespace_basics():
    assert np.pi == numpy.pi and np.float32 is numpy.float32
    assert npx.cpu() == np.ones(1).ctx and repr(npx.cpu()) == "cpu(0)"
    assert npx.num_gpus() == 0 and npx.is_np_array()
    assert repr(npx.relu(np.array([-1.0, 2.0]))) == "array([0., 2.])"
    assert repr(np.linalg.norm(np.array([3.0, 4.0]))) == "array(5.)"
    assert repr(np.full((2,), 7)) == "array([7., 7.])"
    assert repr(np.eye(2)) == "array([[1., 0.],\n       [0., 1.]])"
    assert repr(np.zeros(2, dtype=int)) == "array([0, 0], dtype=int64)"
    assert type(np.exp([0.0, 1.0])) is np.ndarray
    np.random.seed(7)
    first = np.random.uniform(size=3).asnumpy()
    np.random.seed(7)
    numpy.testing.assert_array_equal(first, np.random.uniform(size=3).asnumpy())
