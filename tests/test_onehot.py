"""A Jacobian's one-hot basis keeps its structure through products and reshapes, and a
matrix product with it is a scaling: the same numbers as the dense computation, without
the n³ product."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import onehot
from chainrule.ops import linalg


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def dense(monkeypatch):
    """Jacobians computed without the structure (the basis is never marked)."""
    monkeypatch.setattr(onehot, "mark_basis", lambda basis: basis)


def count_dense_products(monkeypatch):
    calls = []
    rule = linalg.matmul.prim.batch

    def counted(prim, values, batched, params):
        calls.append([np.shape(v) for v in values])
        return rule(prim, values, batched, params)
    monkeypatch.setattr(linalg.matmul.prim, "batch", counted)
    return calls


FUNCTIONS = {
    "tanh(W @ x)": lambda W: lambda x: cr.tanh(W @ x),
    "x @ W, row on the left": lambda W: lambda x: cr.sin(x @ W.T),
    "a column": lambda W: lambda x: cr.reshape(W @ cr.reshape(x, (-1, 1)), (-1,)) * 2.0,
    "scaled first": lambda W: lambda x: cr.exp(W @ (x * 3.0 - x)),
    "negated": lambda W: lambda x: W @ -x,
    "two products": lambda W: lambda x: cr.tanh(W.T @ cr.tanh(W @ x)),
    "not structured": lambda W: lambda x: W @ cr.sin(x) + W @ x,
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("jacobian", [cr.jacrev, cr.jacfwd])
def test_the_structure_gives_the_dense_jacobian(name, jacobian, rng, monkeypatch):
    W = cr.tensor(rng.standard_normal((7, 7)))
    x = cr.tensor(rng.standard_normal(7))
    f = FUNCTIONS[name](W)
    structured = jacobian(f)(x).numpy()
    dense(monkeypatch)
    plain = jacobian(f)(x).numpy()
    np.testing.assert_allclose(structured, plain, rtol=1e-13, atol=1e-15)
    # and both are the finite-difference Jacobian
    eps, columns = 1e-6, []
    for j in range(7):
        e = np.zeros(7)
        e[j] = eps
        columns.append((f(cr.tensor(x.numpy() + e)).numpy()
                        - f(cr.tensor(x.numpy() - e)).numpy()) / (2 * eps))
    np.testing.assert_allclose(structured, np.stack(columns, axis=-1), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("jacobian", [cr.jacrev, cr.jacfwd])
def test_no_dense_product_with_the_basis(jacobian, rng, monkeypatch):
    W = cr.tensor(rng.standard_normal((256, 256)).astype(np.float32))
    x = cr.tensor(rng.standard_normal(256).astype(np.float32))
    calls = count_dense_products(monkeypatch)
    jacobian(lambda v: cr.tanh(W @ v))(x)
    assert calls == []           # the product with the basis was a scaling
    dense(monkeypatch)
    jacobian(lambda v: cr.tanh(W @ v))(x)
    assert len(calls) == 1 and (256, 256) in calls[0]


def test_hessians_differentiate_through_the_shortcut(rng):
    W = cr.tensor(rng.standard_normal((5, 4)))
    x = cr.tensor(rng.standard_normal(4))

    def g(v):
        return cr.sum(cr.tanh(W @ v) ** 2)

    H = cr.hessian(g)(x).numpy()
    # the Hessian of sum(tanh(Wv)²): Wᵀ diag(2 sech⁴ - 4 tanh² sech²) W
    t = np.tanh(W.numpy() @ x.numpy())
    s2 = 1 - t * t
    np.testing.assert_allclose(H, W.numpy().T @ np.diag(2 * s2 * s2 - 4 * t * t * s2)
                               @ W.numpy(), rtol=1e-10)
    # and the Jacobian of the Jacobian with respect to W itself
    dJ = cr.jacrev(lambda M: cr.jacrev(lambda v: cr.tanh(M @ v))(x))(W).numpy()
    plain = cr.jacfwd(lambda M: cr.jacfwd(lambda v: cr.tanh(M @ v))(x))(W).numpy()
    np.testing.assert_allclose(dJ, plain, rtol=1e-10, atol=1e-12)


def test_several_inputs_are_not_marked(rng):
    # one basis over two leaves is not the identity of either: nothing is marked
    W = cr.tensor(rng.standard_normal((3, 3)))
    J = cr.jacrev(lambda a, b: W @ a + W @ b, argnums=(0, 1))(cr.ones(3), cr.ones(3))
    np.testing.assert_allclose(J[0].numpy(), W.numpy())
    np.testing.assert_allclose(J[1].numpy(), W.numpy())


def test_a_basis_must_be_square():
    with pytest.raises(ValueError, match="square"):
        onehot.mark_basis(cr.ones((3, 2)))
