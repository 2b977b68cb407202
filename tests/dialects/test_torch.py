"""The PyTorch tab of the chapter (and the reader's notebook, and section 2.1's data
manipulation) with ``import chainrule.torch as torch``: the book's outputs, exactly."""
from __future__ import annotations

import re

import numpy as np
import pytest
from notebook import run_cell

import chainrule.torch as torch


def book(*cells):
    """Run (code, expected output) pairs in one namespace, as the notebook does."""
    namespace = {"torch": torch}
    for code, expected in cells:
        assert run_cell(code, namespace) == expected, code
    return namespace


def test_chapter():
    book(
        ("x = torch.arange(4.0)\nx", "tensor([0., 1., 2., 3.])"),
        ("x.requires_grad_(True)  # Better create `x = torch.arange(4.0, requires_grad=True)`\n"
         "x.grad                  # The default value is None", ""),
        ("y = 2 * torch.dot(x, x)\ny", "tensor(28., grad_fn=<MulBackward0>)"),
        ("y.backward()\nx.grad", "tensor([ 0.,  4.,  8., 12.])"),
        ("x.grad == 4 * x", "tensor([True, True, True, True])"),
        ("x.grad.zero_()  # Reset the gradient\ny = x.sum()\ny.backward()\nx.grad",
         "tensor([1., 1., 1., 1.])"),
        ("x.grad.zero_()\ny = x * x\ny.backward(gradient=torch.ones(len(y)))  # Faster: "
         "y.sum().backward()\nx.grad", "tensor([0., 2., 4., 6.])"),
        ("x.grad.zero_()\ny = x * x\nu = y.detach()\nz = u * x\n\nz.sum().backward()\n"
         "x.grad == u", "tensor([True, True, True, True])"),
        ("x.grad.zero_()\ny.sum().backward()\nx.grad == 2 * x",
         "tensor([True, True, True, True])"),
    )


CONTROL_FLOW = """
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
"""


@pytest.mark.parametrize("seed", range(5))
def test_control_flow(seed):
    torch.manual_seed(seed)
    ns = book(
        (CONTROL_FLOW, ""),
        ("a = torch.randn(size=(), requires_grad=True)\nd = f(a)\nd.backward()", ""),
        ("a.grad == d / a", "tensor(True)"),
    )
    shown = run_cell("d", ns)
    assert re.fullmatch(r"tensor\(-?\d+\.\d+, grad_fn=<MulBackward0>\)", shown), shown
    assert re.fullmatch(r"tensor\(\d+\.\)", run_cell("a.grad", ns))
    assert run_cell("d / a", ns).endswith("grad_fn=<DivBackward0>)")


def test_the_readers_notebook():
    """Seed 001: printed values, and the second-derivative experiment."""
    book(
        ("x = torch.arange(4.0)\nx.requires_grad_(True)\nprint(x.grad)", "None"),
        ("y = 2*torch.dot(x, x)\nprint(y)", "tensor(28., grad_fn=<MulBackward0>)"),
        ("x.grad.zero_() if x.grad is not None else None\ny = x * x\nprint(y)",
         "tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>)"),
        ("u = y.detach()\nz = x * u\nz", "tensor([ 0.,  1.,  8., 27.], grad_fn=<MulBackward0>)"),
        ("x = torch.tensor(2.0, requires_grad=True)\ny = x**3\ny.backward(retain_graph=True)\n"
         "dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]\n"
         "d2y_dx2 = torch.autograd.grad(dy_dx, x)[0]\n"
         "print(f'First derivative (dy/dx) at x=2: {dy_dx.item()}')\n"
         "print(f'Second derivative (d2y/dx2) at x=2: {d2y_dx2.item()}')",
         "First derivative (dy/dx) at x=2: 12.0\nSecond derivative (d2y/dx2) at x=2: 12.0"),
    )


# ---------------------------------------------------------------- exercises


def test_exercise_backward_twice_raises_pytorchs_error():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    with pytest.raises(RuntimeError, match=r"^Trying to backward through the graph a second "
                                           r"time .*retain_graph=True"):
        y.backward()
    y = 2 * torch.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy() if not x.grad.requires_grad else None,
                                  [0.0, 12.0, 24.0, 36.0])


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_exercise_control_flow_with_vector_and_matrix_input(shape):
    ns = book((CONTROL_FLOW, ""))
    f = ns["f"]
    torch.manual_seed(0)
    a = torch.randn(size=shape, requires_grad=True)
    d = f(a)
    assert d.shape == torch.Size(shape)
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar"):
        d.backward()
    d.sum().backward()
    assert bool((a.grad == d / a).all())


def test_non_scalar_with_gradient_argument_is_vjp():
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    y.backward(gradient=torch.tensor([1.0, 0.0, 2.0, 0.0]))
    assert repr(x.grad) == "tensor([0., 0., 8., 0.])"  # PyTorch pads to the widest nonzero


def test_backward_of_a_tensor_without_history():
    x = torch.arange(4.0)
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad"):
        x.sum().backward()


def test_in_place_on_a_leaf_that_requires_grad():
    x = torch.arange(4.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        x += 1
    with torch.no_grad():
        x -= 0.5 * torch.ones(4)
    assert repr(x) == "tensor([-0.5000,  0.5000,  1.5000,  2.5000], requires_grad=True)"


def test_autograd_grad_of_a_tensor_that_does_not_require_grad():
    x = torch.arange(3.0, requires_grad=True)
    w = torch.ones(3)
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.autograd.grad((x * w).sum(), w)


# ---------------------------------------------------------------- section 2.1


def test_data_manipulation():
    book(
        ("x = torch.arange(12, dtype=torch.float32)\nx",
         "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.])"),
        ("x.numel()", "12"),
        ("x.shape", "torch.Size([12])"),
        ("X = x.reshape(3, 4)\nX", "tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],"
                                  "\n        [ 8.,  9., 10., 11.]])"),
        ("torch.zeros((2, 3, 4)).shape", "torch.Size([2, 3, 4])"),
        ("torch.ones((2, 3))", "tensor([[1., 1., 1.],\n        [1., 1., 1.]])"),
        ("torch.randn(3, 4).shape", "torch.Size([3, 4])"),
        ("torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])",
         "tensor([[2, 1, 4, 3],\n        [1, 2, 3, 4],\n        [4, 3, 2, 1]])"),
        ("X[-1], X[1:3]", "(tensor([ 8.,  9., 10., 11.]), tensor([[ 4.,  5.,  6.,  7.],\n"
                          "        [ 8.,  9., 10., 11.]]))"),
        ("X[1, 2] = 17\nX", "tensor([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5., 17.,  7.],\n"
                           "        [ 8.,  9., 10., 11.]])"),
        ("X[:2, :] = 12\nX", "tensor([[12., 12., 12., 12.],\n        [12., 12., 12., 12.],\n"
                            "        [ 8.,  9., 10., 11.]])"),
        ("x[:4]  # X is a view of x, as in PyTorch", "tensor([12., 12., 12., 12.])"),
        ("torch.exp(torch.tensor([1.0, 2, 4, 8]))",
         "tensor([2.7183e+00, 7.3891e+00, 5.4598e+01, 2.9810e+03])"),
        ("x = torch.tensor([1.0, 2, 4, 8])\ny = torch.tensor([2, 2, 2, 2])\n"
         "x + y, x - y, x * y, x / y, x ** y",
         "(tensor([ 3.,  4.,  6., 10.]), tensor([-1.,  0.,  2.,  6.]), "
         "tensor([ 2.,  4.,  8., 16.]), tensor([0.5000, 1.0000, 2.0000, 4.0000]), "
         "tensor([ 1.,  4., 16., 64.]))"),
        ("X = torch.arange(12, dtype=torch.float32).reshape((3,4))\n"
         "Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\n"
         "torch.cat((X, Y), dim=0).shape, torch.cat((X, Y), dim=1).shape",
         "(torch.Size([6, 4]), torch.Size([3, 8]))"),
        ("X == Y", "tensor([[False,  True, False,  True],\n        [False, False, False, False],"
                   "\n        [False, False, False, False]])"),
        ("X.sum()", "tensor(66.)"),
        ("a = torch.arange(3).reshape((3, 1))\nb = torch.arange(2).reshape((1, 2))\na + b",
         "tensor([[0, 1],\n        [1, 2],\n        [2, 3]])"),
        ("before = id(Y)\nY = Y + X\nid(Y) == before", "False"),
        ("Z = torch.zeros_like(Y)\nbefore = id(Z)\nZ[:] = X + Y\nid(Z) == before", "True"),
        ("before = id(X)\nX += Y\nid(X) == before", "True"),
        ("A = X.numpy()\nB = torch.from_numpy(A)\ntype(A), type(B)",
         "(<class 'numpy.ndarray'>, <class 'chainrule.torch._tensor.Tensor'>)"),
        ("a = torch.tensor([3.5])\na, a.item(), float(a), int(a)",
         "(tensor([3.5000]), 3.5, 3.5, 3)"),
    )


def test_dtype_and_device_spelling():
    x = torch.ones(2, dtype=torch.float64)
    assert x.dtype == torch.float64 and repr(x.dtype) == "torch.float64"
    assert repr(x) == "tensor([1., 1.], dtype=torch.float64)"
    assert repr(x.float()) == "tensor([1., 1.])"
    assert repr(torch.arange(3).long()) == "tensor([0, 1, 2])"
    assert repr(torch.arange(3).dtype) == "torch.int64"


def test_reductions_take_dim_and_keepdim():
    X = torch.arange(6.0).reshape(2, 3)
    assert repr(X.sum(dim=1)) == "tensor([ 3., 12.])"
    assert X.sum(dim=0, keepdim=True).shape == torch.Size([1, 3])
    values, indices = X.max(dim=1)
    assert repr(values) == "tensor([2., 5.])" and repr(indices) == "tensor([2, 2])"
    assert repr(X.mean()) == "tensor(2.5000)"
    assert repr(torch.norm(torch.tensor([3.0, 4.0]))) == "tensor(5.)"
