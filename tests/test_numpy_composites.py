"""chainrule.numpy's array-manipulation and matrix-structure functions (the composites).

Each call in VALUES runs with NumPy, with chainrule.numpy on the same ndarrays, and with
chainrule.numpy on tensors holding them: values, shapes and dtypes must agree. Each
function in GRADS is checked against finite differences in float64, to second order, in
both modes. Then what the composites promise beyond NumPy's values: where sort's,
partition's and nan_to_num's gradients go, r_ and c_, and errors of NumPy's types that
name the function.
"""
from __future__ import annotations

import warnings

import numpy
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.tensor import Tensor
from chainrule.testing import check_grads

rng = numpy.random.default_rng(7)
A = rng.standard_normal((3, 4, 5))
M = rng.standard_normal((4, 4))
R = rng.standard_normal((3, 5))
V = rng.standard_normal(6)
W = rng.standard_normal(3)
TIES = numpy.array([[2.0, 1.0, 2.0, 0.5, 1.0], [3.0, 3.0, -1.0, 3.0, 0.0]])
I = numpy.arange(12).reshape(3, 4)
F32 = rng.standard_normal((2, 3)).astype(numpy.float32)
EMPTY = numpy.zeros((0, 3))
SCALAR = numpy.float64(1.5)
COORDS = numpy.array([0.0, 0.5, 1.5, 1.75, 3.0])
SPECIAL = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 1.0, -2.5, 0.0])
SPECIAL_COMPLEX = numpy.zeros(6, complex)
SPECIAL_COMPLEX.real, SPECIAL_COMPLEX.imag = SPECIAL, SPECIAL[::-1]  # (inf * 1j is nan)
CONDS = [V < -0.3, V > 0.3]

# name -> call(np, T): np is numpy or chainrule.numpy, T converts the array arguments.
VALUES = {
    "sort": lambda np, T: np.sort(T(A)),
    "sort axis 0": lambda np, T: np.sort(T(A), axis=0),
    "sort axis None": lambda np, T: np.sort(T(A), axis=None),
    "sort ties": lambda np, T: np.sort(T(TIES), kind="quicksort"),
    "sort ints": lambda np, T: np.sort(T(I)[:, ::-1], 1),
    "sort empty": lambda np, T: np.sort(T(EMPTY)),
    "sort 0-d axis None": lambda np, T: np.sort(T(SCALAR), axis=None),
    "argsort ties": lambda np, T: np.argsort(T(TIES), axis=1, kind="stable"),
    "argsort axis None": lambda np, T: np.argsort(T(TIES), axis=None, kind="stable"),
    "argsort 0-d": lambda np, T: np.argsort(T(SCALAR)),
    "argpartition 0-d": lambda np, T: np.argpartition(T(SCALAR), 0, axis=0),
    "partition": lambda np, T: np.partition(T(V), 2)[2],
    "partition axis 0": lambda np, T: np.partition(T(A), 1, axis=0)[1],
    "partition kth list": lambda np, T: np.partition(T(V), [1, 4])[[1, 4]],
    "argpartition": lambda np, T: np.argpartition(T(V), 3)[3],
    "take_along_axis": lambda np, T: np.take_along_axis(T(A), numpy.argsort(A, 1), 1),
    "take_along_axis broadcast": lambda np, T: np.take_along_axis(
        T(A), numpy.array([[[0], [3]]]), 1),
    "take_along_axis None": lambda np, T: np.take_along_axis(T(M), numpy.array([3, 0]),
                                                             None),
    "diff": lambda np, T: np.diff(T(A)),
    "diff n=2 axis 0": lambda np, T: np.diff(T(A), n=2, axis=0),
    "diff n=0": lambda np, T: np.diff(T(V), 0),
    "diff n beyond length": lambda np, T: np.diff(T(W), 4),
    "diff prepend append": lambda np, T: np.diff(T(R), axis=1, prepend=0.5, append=T(R)[:, :2]),
    "diff ints": lambda np, T: np.diff(T(I), axis=0),
    "diff bools": lambda np, T: np.diff(T(V) > 0),
    "gradient": lambda np, T: np.gradient(T(A)),
    "gradient 1-d": lambda np, T: np.gradient(T(V)),
    "gradient spacing": lambda np, T: np.gradient(T(R), 0.5, axis=1),
    "gradient coordinates": lambda np, T: np.gradient(T(R), 2.0, COORDS),
    "gradient edge_order 2": lambda np, T: np.gradient(T(R), [0.0, 1.0, 3.0], COORDS,
                                                       edge_order=2),
    "gradient axes": lambda np, T: np.gradient(T(A), axis=(0, -1), edge_order=2),
    "gradient uniform coordinates": lambda np, T: np.gradient(T(V), numpy.arange(6) * 2),
    "gradient ints": lambda np, T: np.gradient(T(I)),
    "gradient float32": lambda np, T: np.gradient(T(F32), 0.5, COORDS[:3]),
    "cross 3": lambda np, T: np.cross(T(R[:, :3]), T(W)),
    "cross 2": lambda np, T: np.cross(T(R[:, :2]), T(W[:2])),
    "cross 2 and 3": lambda np, T: np.cross(T(R[:, :2]), T(W)),
    "cross axes": lambda np, T: np.cross(T(A[:, :3]), T(A[:, 1:4]), axisa=1, axisb=1, axisc=0),
    "cross axis": lambda np, T: np.cross(T(R[:, :3].T), T(W[:, None]), axis=0),
    "kron": lambda np, T: np.kron(T(M[:2, :3]), T(R[:2])),
    "kron ranks": lambda np, T: np.kron(T(W), T(M[:2])),
    "kron 0-d": lambda np, T: np.kron(T(SCALAR), T(W)),
    "kron ints": lambda np, T: np.kron(T(I[:2, :2]), T(I[:1])),
    "trace": lambda np, T: np.trace(T(M)),
    "trace offset axes": lambda np, T: np.trace(T(A), -1, 2, 1),
    "trace ints dtype": lambda np, T: np.trace(T(I), 1, dtype=numpy.float32),
    "diag vector": lambda np, T: np.diag(T(W)),
    "diag vector k": lambda np, T: np.diag(T(W), -2),
    "diag matrix": lambda np, T: np.diag(T(R)),
    "diag matrix k": lambda np, T: np.diag(T(R), k=3),
    "diag empty": lambda np, T: np.diag(T(numpy.zeros(0)), 1),
    "diagonal": lambda np, T: np.diagonal(T(A)),
    "diagonal offset axes": lambda np, T: np.diagonal(T(A), 1, -1, 0),
    "diagonal offset past": lambda np, T: np.diagonal(T(R), 7),
    "diagflat": lambda np, T: np.diagflat(T(M[:2, :2]), 1),
    "tril": lambda np, T: np.tril(T(A)),
    "tril k": lambda np, T: np.tril(T(R), -1),
    "tril 1-d": lambda np, T: np.tril(T(W)),
    "triu": lambda np, T: np.triu(T(A), 2),
    "triu ints": lambda np, T: np.triu(T(I)),
    "select": lambda np, T: np.select(CONDS, [T(V), -T(V)]),
    "select default": lambda np, T: np.select(CONDS, [T(V), 1.5], T(V) * 3),
    "select broadcast": lambda np, T: np.select([T(R) > 0], [T(W)[:, None]], 0.0),
    "select weak scalar": lambda np, T: np.select(CONDS, [T(F32[0].repeat(2)), 2.0]),
    "nan_to_num": lambda np, T: np.nan_to_num(T(SPECIAL)),
    "nan_to_num values": lambda np, T: np.nan_to_num(T(SPECIAL), nan=-1.0, posinf=9.0,
                                                     neginf=-9.0),
    "nan_to_num float32": lambda np, T: np.nan_to_num(T(SPECIAL.astype(numpy.float32))),
    "nan_to_num complex": lambda np, T: np.nan_to_num(T(SPECIAL_COMPLEX)),
    "nan_to_num ints": lambda np, T: np.nan_to_num(T(I)),
    "atleast_3d 0-d": lambda np, T: np.atleast_3d(T(SCALAR)),
    "atleast_3d 1-d": lambda np, T: np.atleast_3d(T(V)),
    "atleast_3d 2-d": lambda np, T: np.atleast_3d(T(R)),
    "atleast_3d several": lambda np, T: np.atleast_3d(T(A), T(W)),
    "rollaxis": lambda np, T: np.rollaxis(T(A), 2),
    "rollaxis start": lambda np, T: np.rollaxis(T(A), 0, 3),
    "rollaxis negative": lambda np, T: np.rollaxis(T(A), -1, -2),
    "rot90": lambda np, T: np.rot90(T(R)),
    "rot90 k": lambda np, T: np.rot90(T(A), 3, (2, 0)),
    "rot90 k negative": lambda np, T: np.rot90(T(A), -2, (1, 2)),
    "rot90 k 4": lambda np, T: np.rot90(T(R), 4),
    "flipud": lambda np, T: np.flipud(T(A)),
    "fliplr": lambda np, T: np.fliplr(T(R)),
    "append": lambda np, T: np.append(T(R), T(W)),
    "append axis": lambda np, T: np.append(T(R), T(R[:1]), axis=0),
    "append scalar": lambda np, T: np.append(1.0, T(W)),
    "insert": lambda np, T: np.insert(T(V), 2, 9.0),
    "insert indices": lambda np, T: np.insert(T(V), [1, 1, 5], T(W)),
    "insert axis broadcast": lambda np, T: np.insert(T(R), 1, T(W), axis=1),
    "insert slice": lambda np, T: np.insert(T(R), slice(0, 3, 2), 0.5, axis=0),
    "insert ints": lambda np, T: np.insert(T(I), 0, 2.7, axis=1),
    "delete": lambda np, T: np.delete(T(V), [0, 3]),
    "delete axis": lambda np, T: np.delete(T(A), 1, axis=-1),
    "delete mask": lambda np, T: np.delete(T(R), numpy.array([True, False, True]), axis=0),
    "array_split": lambda np, T: np.array_split(T(V), 4),
    "array_split indices": lambda np, T: np.array_split(T(A), [1, 3], axis=1),
    "array_split more than length": lambda np, T: np.array_split(T(W), 5),
    "split": lambda np, T: np.split(T(A), 5, axis=-1),
    "split indices": lambda np, T: np.split(T(V), [2, -1, 9]),
    "hsplit": lambda np, T: np.hsplit(T(A), 2),
    "hsplit 1-d": lambda np, T: np.hsplit(T(V), [4]),
    "vsplit": lambda np, T: np.vsplit(T(R), 3),
    "dsplit": lambda np, T: np.dsplit(T(A), [2]),
    "vstack": lambda np, T: np.vstack([T(R), T(R[:1]) * 2]),
    "vstack 1-d": lambda np, T: np.vstack((T(W), T(W), 2.0 * T(W))),
    "vstack dtype": lambda np, T: np.vstack([T(I), T(I)], dtype=numpy.float32),
    "hstack": lambda np, T: np.hstack([T(R), T(R)]),
    "hstack 1-d": lambda np, T: np.hstack([T(W), T(V), 1.0]),
    "hstack promotes": lambda np, T: np.hstack([T(F32[0]), T(I[0])]),
    "dstack": lambda np, T: np.dstack([T(R), T(R)]),
    "vstack of one array": lambda np, T: np.vstack(T(R)),
    "column_stack of one array": lambda np, T: np.column_stack(T(R)),
    "dstack 1-d": lambda np, T: np.dstack([T(W), T(W)]),
    "column_stack": lambda np, T: np.column_stack([T(W), T(R), T(W)]),
    "column_stack 0-d": lambda np, T: np.column_stack([T(SCALAR), T(SCALAR)]),
    "row_stack": lambda np, T: np.row_stack([T(W), T(W)]),
    "meshgrid": lambda np, T: np.meshgrid(T(W), T(V)),
    "meshgrid ij sparse": lambda np, T: np.meshgrid(T(W), T(V), T(W), indexing="ij",
                                                    sparse=True),
    "meshgrid 3 xy": lambda np, T: np.meshgrid(T(W), T(V), T(R[0])),
    "meshgrid flattens": lambda np, T: np.meshgrid(T(R), T(W)),
    "meshgrid one": lambda np, T: np.meshgrid(T(V)),
}


def _same(got, expected, where: str) -> None:
    if isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected), where
        for g, e in zip(got, expected):
            _same(g, e, where)
        return
    assert isinstance(got, Tensor), f"{where}: got {type(got).__name__}, not a tensor"
    assert got.shape == numpy.shape(expected), f"{where}: shape {got.shape}"
    assert got.dtype == numpy.asarray(expected).dtype, f"{where}: dtype {got.dtype}"
    numpy.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12,
                                  err_msg=where)


def _as_tensor(x):
    return cr.asarray(numpy.asarray(x))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 2-vector cross, row_stack
@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_match_numpy(name):
    call = VALUES[name]
    expected = call(numpy, lambda x: x)
    _same(call(cnp, lambda x: x), expected, f"{name} on ndarrays")
    _same(call(cnp, _as_tensor), expected, f"{name} on tensors")


def test_python_floats_are_float64():
    assert cnp.diff([1.0, 2.5, 4.0]).dtype == numpy.float64
    assert cnp.kron([1.0, 2.0], [[3.0]]).dtype == numpy.float64
    assert cnp.r_[1.0, 2.0].dtype == numpy.float64
    assert cnp.sort([3, 1, 2]).dtype == numpy.int64


def test_lists_of_tensors_reach_each_tensor():
    x = cr.tensor(numpy.array([3.0, -1.0]), requires_grad=True)
    y = cr.tensor(numpy.array([0.5, 2.0]), requires_grad=True)
    out = cnp.sort([x, y], axis=None)
    numpy.testing.assert_array_equal(out.numpy(), [-1.0, 0.5, 2.0, 3.0])
    (out * cr.tensor(numpy.arange(4.0))).sum().backward()
    numpy.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0])
    numpy.testing.assert_array_equal(y.grad.numpy(), [1.0, 2.0])


# ---------------------------------------------------------------- derivatives

DISTINCT = numpy.array([[0.3, -1.2, 2.1, 0.9], [1.7, -0.4, 0.1, -2.2], [0.6, 1.1, -0.8, 2.6]])


def _partition_parts(x):
    """partition's kth element and what lies on each side, which do not depend on the
    order NumPy leaves the sides in (finite differences may change it)."""
    p = cnp.partition(x, 2, axis=1)
    return p[:, 2], (p[:, :2] ** 2).sum(1), (p[:, 3:] ** 3).sum(1)


GRADS = {
    "sort": (lambda x: cnp.sort(x, axis=0), (DISTINCT,)),
    "sort axis None": (lambda x: cnp.sort(x, axis=None) ** 2, (DISTINCT,)),
    "partition": (_partition_parts, (DISTINCT,)),
    "take_along_axis": (lambda x: cnp.take_along_axis(x, numpy.array([[2, 0, 0]]).T, 1),
                        (DISTINCT,)),
    "diff": (lambda x: cnp.diff(x * x, n=2, axis=1, prepend=1.0), (DISTINCT,)),
    "diff append tensor": (lambda x, y: cnp.diff(x, append=y), (DISTINCT, W[:, None])),
    "gradient": (lambda x: cnp.gradient(x * x), (DISTINCT,)),
    "gradient coordinates": (lambda x, c: cnp.gradient(x ** 3, c, axis=1, edge_order=2),
                             (DISTINCT, COORDS[:4])),
    "gradient evenly spaced coordinates": (  # the values do not make the steps constants
        lambda x, c: cnp.gradient(x ** 3, c, axis=1, edge_order=2),
        (DISTINCT, numpy.arange(4.0) * 0.5)),
    "gradient spacing edge_order 1": (lambda x, h: cnp.gradient(x, h, axis=0), (DISTINCT, 0.7)),
    "cross": (lambda a, b: cnp.cross(a, b), (R[:, :3], W)),
    "cross 2 and 3": (lambda a, b: cnp.cross(a, b, axisa=0), (R[:2, :3], W)),
    "kron": (lambda a, b: cnp.kron(a, b), (M[:2, :3], R[:2, :2])),
    "trace": (lambda x: cnp.trace(x * x, 1), (M,)),
    "diag": (lambda v: cnp.diag(v * v, 1), (W,)),
    "diag of matrix": (lambda x: cnp.diag(x ** 3, -1), (M,)),
    "diagonal": (lambda x: cnp.diagonal(x ** 2, 1, 2, 0), (A[:2, :3, :3],)),
    "diagflat": (lambda x: cnp.diagflat(x ** 2), (M[:2, :2],)),
    "tril": (lambda x: cnp.tril(x ** 2, -1), (M,)),
    "triu": (lambda x: cnp.triu(x ** 2, 1), (M,)),
    "select": (lambda x, y, d: cnp.select(CONDS, [x ** 2, y], d), (V, V[::-1], V * 2)),
    "nan_to_num": (lambda x: cnp.nan_to_num(x ** 2), (V,)),
    "atleast_3d": (lambda x: cnp.atleast_3d(x) ** 2, (V,)),
    "rollaxis": (lambda x: cnp.rollaxis(x ** 2, 2, 1), (A[:2, :2],)),
    "rot90": (lambda x: cnp.rot90(x ** 2, 1, (1, 0)), (R,)),
    "flipud fliplr": (lambda x: cnp.fliplr(cnp.flipud(x ** 2)), (R,)),
    "append": (lambda x, y: cnp.append(x ** 2, y), (R, W)),
    "insert": (lambda x, y: cnp.insert(x ** 2, [0, 2], y, axis=1), (R, W[:, None])),
    "delete": (lambda x: cnp.delete(x ** 2, [0, 2], axis=1), (R,)),
    "array_split": (lambda x: tuple(p ** 2 for p in cnp.array_split(x, 2, axis=1)), (R,)),
    "split hsplit vsplit dsplit": (
        lambda x: (cnp.split(x, [1], 0)[1] ** 2, cnp.hsplit(x, 2)[0] ** 3,
                   cnp.vsplit(x, 2)[1] ** 2, cnp.dsplit(x, [1])[1] ** 2), (A[:2, :2, :2],)),
    "vstack hstack": (lambda x, y: (cnp.vstack([x, y]) ** 2, cnp.hstack([x, y]) ** 3),
                      (W, W[::-1])),
    "dstack column_stack": (lambda x, y: (cnp.dstack([x, y]) ** 2,
                                          cnp.column_stack([x, y]) ** 3), (W, W[::-1])),
    "meshgrid": (lambda x, y: tuple(g ** 2 for g in cnp.meshgrid(x, y)), (W, V[:2])),
    "r_ c_": (lambda x, y: (cnp.r_[x ** 2, y, 1.0], cnp.c_[x, y ** 3]), (W, W[::-1])),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 2-vector cross
@pytest.mark.parametrize("name", sorted(GRADS))
def test_second_derivatives_in_both_modes(name):
    f, args = GRADS[name]
    assert check_grads(f, args, order=2, modes=("fwd", "rev"))


Z = numpy.array([1.0 + 2.0j, -1.0 + 0.5j, 0.3 - 1.0j, 2.0 + 0.1j])
ZM = numpy.outer(Z[:3], Z[1:]) + numpy.eye(3)

COMPLEX_GRADS = {
    "sort": lambda z: cnp.sort(z) * z,  # lexicographic, as NumPy sorts complex numbers
    "diff gradient": lambda z: (cnp.diff(z * z, prepend=1j), cnp.gradient(z ** 3, 0.5)),
    "cross": lambda z: cnp.cross(z[:3], z[1:] ** 2),
    "kron trace": lambda z: (cnp.kron(z[:2], z[2:] ** 2), cnp.trace(cnp.outer(z, z), 1)),
    "diag tril triu": lambda z: (cnp.diag(z ** 2, 1), cnp.tril(cnp.outer(z, z)),
                                 cnp.triu(cnp.outer(z, z), -1)),
    "nan_to_num select": lambda z: (cnp.nan_to_num(z * z),
                                    cnp.select([numpy.array([True, False, True, False])],
                                               [z ** 2], z)),
    "insert r_": lambda z: (cnp.insert(z, 1, z[3] ** 2), cnp.r_[z, 1.0, z ** 2]),
    "matrix rearranged": lambda m: (cnp.rot90(m ** 2), cnp.diagonal(m, 1), cnp.vsplit(m, 3)[1]),
}


@pytest.mark.parametrize("name", sorted(COMPLEX_GRADS))
def test_complex_second_derivatives_in_both_modes(name):
    f = COMPLEX_GRADS[name]
    assert check_grads(f, (ZM if name == "matrix rearranged" else Z,), order=2,
                       modes=("fwd", "rev"))


def test_complex_gradient_of_a_real_loss_is_dx_minus_i_dy():
    def loss(z):
        return (cnp.sum(cnp.real(cnp.sort(z) * numpy.arange(4.0))) +
                cnp.sum(cnp.imag(cnp.cross(z[:3], z[1:]) ** 2)))
    got = cr.grad(loss)(cr.tensor(Z)).numpy()
    eps, expected = 1e-6, []
    for i in range(4):
        step = numpy.zeros(4, complex)
        step[i] = eps
        dx = (loss(Z + step).numpy() - loss(Z - step).numpy()) / (2 * eps)
        dy = (loss(Z + 1j * step).numpy() - loss(Z - 1j * step).numpy()) / (2 * eps)
        expected.append(dx - 1j * dy)
    numpy.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_vmap_matches_a_loop():
    batch = rng.standard_normal((3, 4, 4))
    functions = [lambda x: cnp.sort(x, 0), lambda x: cnp.partition(x, 1, axis=1)[:, 1],
                 lambda x: cnp.gradient(x, [0.0, 1.0, 3.0, 4.0], 2.0, edge_order=2)[0],
                 lambda x: cnp.insert(x, [1, 2], x[0, :2]), lambda x: cnp.r_[x[0], 1.0, x[1]],
                 lambda x: cnp.select([x > 0.5], [x], x ** 2), lambda x: cnp.diag(x[0], 1)]
    for f in functions:
        looped = numpy.stack([f(cr.tensor(x)).numpy() for x in batch])
        numpy.testing.assert_allclose(cr.vmap(f)(cr.tensor(batch)).numpy(), looped)
        def loss(x, f=f):
            return (f(x) ** 2).sum()
        looped = numpy.stack([cr.grad(loss)(cr.tensor(x)).numpy() for x in batch])
        numpy.testing.assert_allclose(cr.vmap(cr.grad(loss))(cr.tensor(batch)).numpy(), looped)


def test_sort_gradient_goes_to_the_sorted_element_ties_in_order():
    x = cr.tensor(TIES, requires_grad=True)
    (cnp.sort(x, axis=1) * cr.tensor(numpy.arange(5.0))).sum().backward()
    # Row 0 sorts to the positions 3, 1, 4, 0, 2 (stable: the first 1.0, then the second);
    # each element receives the weight of the place it landed.
    expected = numpy.empty_like(TIES)
    order = numpy.argsort(TIES, axis=1, kind="stable")
    numpy.put_along_axis(expected, order, numpy.broadcast_to(numpy.arange(5.0), (2, 5)), 1)
    numpy.testing.assert_array_equal(x.grad.numpy(), expected)
    assert x.grad.numpy()[0].tolist() == [3.0, 1.0, 4.0, 0.0, 2.0]
    indices = cnp.argsort(x)  # an order has no derivative
    assert indices.dtype.kind == "i" and not indices.requires_grad


def test_partition_gradient_goes_to_the_kth_element():
    x = cr.tensor(V, requires_grad=True)
    cnp.partition(x, 3)[3].backward()
    expected = numpy.zeros_like(V)
    expected[numpy.argsort(V)[3]] = 1.0
    numpy.testing.assert_array_equal(x.grad.numpy(), expected)


def test_sort_under_vmap_and_jacobians():
    x = cr.tensor(DISTINCT)
    numpy.testing.assert_array_equal(cr.vmap(cnp.sort)(x).numpy(), numpy.sort(DISTINCT, 1))
    permutation = numpy.eye(4)[numpy.argsort(DISTINCT[0])]
    numpy.testing.assert_array_equal(cr.jacfwd(cnp.sort)(x[0]).numpy(), permutation)
    numpy.testing.assert_array_equal(cr.jacrev(cnp.sort)(x[0]).numpy(), permutation)


def test_nan_to_num_gradient_is_zero_where_replaced():
    # A cotangent rather than a weighted sum, which would overflow at the largest floats.
    _, pullback = cr.vjp(lambda x: cnp.nan_to_num(x, nan=2.0), cr.tensor(SPECIAL))
    (grad,) = pullback(cr.tensor(numpy.arange(1.0, 7.0)))
    numpy.testing.assert_array_equal(grad.numpy(), [0.0, 0.0, 0.0, 4.0, 5.0, 6.0])
    _, tangent = cr.jvp(cnp.nan_to_num, (cr.tensor(SPECIAL),), (cr.tensor(numpy.ones(6)),))
    numpy.testing.assert_array_equal(tangent.numpy(), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


def test_numpy_functions_on_tensors_dispatch_here():
    x = cr.tensor(DISTINCT, requires_grad=True)
    out = numpy.trace(numpy.sort(x, axis=1)[:, :3])
    assert isinstance(out, Tensor)
    out.backward()
    expected = numpy.zeros_like(DISTINCT)
    for i in range(3):
        expected[i, numpy.argsort(DISTINCT[i])[i]] = 1.0
    numpy.testing.assert_array_equal(x.grad.numpy(), expected)


# ---------------------------------------------------------------- r_ and c_

def test_r_and_c_forms():
    x, y = cr.tensor(W, requires_grad=True), cr.tensor(W[::-1].copy())
    cases = [
        (lambda np, a, b: np.r_[a, b, 1.0], (7,)),
        (lambda np, a, b: np.r_[0:3], (3,)),
        (lambda np, a, b: np.r_[0:1:5j, a], (8,)),
        (lambda np, a, b: np.r_[-1:1:0.5, 7], (5,)),
        (lambda np, a, b: np.r_["0,2", a, b], (2, 3)),
        (lambda np, a, b: np.r_["0,2,0", a, b], (6, 1)),
        (lambda np, a, b: np.r_["1,2,0", a, b], (3, 2)),
        (lambda np, a, b: np.r_["-1", a[None], b[None]], (1, 6)),
        (lambda np, a, b: np.c_[a, b], (3, 2)),
        (lambda np, a, b: np.c_[a[None], 0, 0, b[None]], (1, 8)),
        (lambda np, a, b: np.c_[a, 0:3], (3, 2)),
    ]
    for form, shape in cases:
        expected = form(numpy, W, W[::-1])
        got = form(cnp, x, y)
        assert got.shape == shape == expected.shape
        assert got.dtype == expected.dtype
        numpy.testing.assert_allclose(got.numpy(), expected, rtol=1e-15)
    assert cnp.r_[numpy.ones(2, numpy.float32), 1.0].dtype == numpy.float32  # weak scalar
    assert cnp.r_[1, 2].dtype == numpy.int64
    cnp.r_[x * 2, y, x].sum().backward()
    numpy.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0, 3.0])


# ---------------------------------------------------------------- errors

# (the function the message must name, the call): NumPy raises on each too.
ERRORS = [
    ("sort", lambda np: np.sort(SCALAR)),
    ("sort", lambda np: np.sort(A, axis=3)),
    ("argpartition", lambda np: np.argpartition(V, 6)),
    ("take_along_axis", lambda np: np.take_along_axis(A, numpy.zeros((1, 1), int), 1)),
    ("take_along_axis", lambda np: np.take_along_axis(A, numpy.zeros((1, 1, 1)), 1)),
    ("diff", lambda np: np.diff(SCALAR)),
    ("diff", lambda np: np.diff(V, -1)),
    ("gradient", lambda np: np.gradient(W, edge_order=3)),
    ("gradient", lambda np: np.gradient(W[:2], edge_order=2)),
    ("gradient", lambda np: np.gradient(R, COORDS[:3], COORDS[:4])),
    ("gradient", lambda np: np.gradient(R, 1.0, 2.0, 3.0)),
    ("cross", lambda np: np.cross(V[:4], W)),
    ("cross", lambda np: np.cross(SCALAR, W)),
    ("diagonal", lambda np: np.diagonal(W)),
    ("diagonal", lambda np: np.diagonal(M, 0, 1, 1)),
    ("diag", lambda np: np.diag(A)),
    ("trace", lambda np: np.trace(W)),
    ("tril", lambda np: np.tril(SCALAR)),
    ("select", lambda np: np.select([V], [V])),
    ("select", lambda np: np.select([], [])),
    ("select", lambda np: np.select(CONDS, [V])),
    ("rollaxis", lambda np: np.rollaxis(A, 0, 5)),
    ("rot90", lambda np: np.rot90(A, 1, (0, 0))),
    ("rot90", lambda np: np.rot90(A, 1, (0,))),
    ("rot90", lambda np: np.rot90(A, 1, (0, 3))),
    ("flipud", lambda np: np.flipud(SCALAR)),
    ("fliplr", lambda np: np.fliplr(V)),
    ("append", lambda np: np.append(R, W, axis=0)),
    ("insert", lambda np: np.insert(V, 9, 1.0)),
    ("delete", lambda np: np.delete(V, 9)),
    ("array_split", lambda np: np.array_split(V, 0)),
    ("split", lambda np: np.split(V, 4)),
    ("hsplit", lambda np: np.hsplit(SCALAR, 2)),
    ("vsplit", lambda np: np.vsplit(V, 2)),
    ("dsplit", lambda np: np.dsplit(R, 2)),
    ("vstack", lambda np: np.vstack(x for x in (V, V))),
    ("concatenate", lambda np: np.concatenate(x for x in (V, V))),
    ("stack", lambda np: np.stack(x for x in (V, V))),
    ("hstack", lambda np: np.hstack([R, V])),
    ("vstack", lambda np: np.vstack([V, V], dtype=numpy.int64)),
    ("meshgrid", lambda np: np.meshgrid(W, indexing="yx")),
]


@pytest.mark.parametrize("name, call", ERRORS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(ERRORS)])
def test_errors_are_numpys_and_name_the_function(name, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(Exception) as expected:
            call(numpy)
        with pytest.raises(type(expected.value)) as got:
            call(cnp)
    assert name in str(got.value), got.value


def test_put_along_axis_is_refused():
    with pytest.raises(TypeError, match="put_along_axis .* in place"):
        cnp.put_along_axis(cr.tensor(V), numpy.array([0]), 1.0, 0)


def test_split_into_zero_sections_is_a_value_error():
    # NumPy raises ZeroDivisionError here (from N % 0); a ValueError says what is wrong.
    with pytest.raises(ValueError, match="split: the number of sections must be larger"):
        cnp.split(V, 0)


def test_cross_of_2_vectors_warns_as_numpy_does():
    with pytest.warns(DeprecationWarning, match="cross"):
        out = cnp.cross(W[:2], W[1:])
    assert out.numpy() == pytest.approx(W[0] * W[2] - W[1] * W[1])
