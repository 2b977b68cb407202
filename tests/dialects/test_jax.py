"""The JAX dialect beyond the chapter's cells (those run from the seeds in test_book.py):
the exercises, the transforms, the arrays, and section 2.1's data manipulation, written as
notebook cells with the book's import lines, which are the only lines the tests change."""
from __future__ import annotations

import re

import numpy as np
import pytest
from notebook import book, run_cell

import chainrule.jax as jax
from chainrule.jax import grad, random
from chainrule.jax import numpy as jnp


def shown_by_jax(cells) -> None:
    """Where JAX is installed, the same cells (the book's imports unchanged) show the same."""
    pytest.importorskip("jax", reason="JAX is not installed: the cells stand unchecked")
    namespace: dict = {}
    for code, expected in cells:
        assert run_cell(code, namespace) == expected, code


TRUE4 = "Array([ True,  True,  True,  True], dtype=bool)"

CONTROL_FLOW = """
def f(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
"""


def test_the_key_decides_the_draw():
    assert repr(random.PRNGKey(1)) == "Array([0, 1], dtype=uint32)"
    assert repr(random.PRNGKey(0)) == "Array([0, 0], dtype=uint32)"
    key = random.PRNGKey(1)
    assert float(random.normal(key, ())) == float(random.normal(random.PRNGKey(1), ()))
    keys = random.split(key, num=3)
    assert keys.shape == (3, 2) and keys.dtype == np.uint32
    draws = [float(random.normal(k, ())) for k in keys]
    assert len(set(draws)) == 3 and float(random.normal(key, ())) not in draws
    assert repr(random.split(key)) == repr(random.split(random.PRNGKey(1)))
    u = random.uniform(key, (1000,), minval=2.0, maxval=3.0)
    assert u.dtype == np.float32 and float(u.min()) >= 2.0 and float(u.max()) < 3.0
    assert random.randint(key, (5,), 0, 10).dtype == np.int32


# ---------------------------------------------------------------- exercises


SECOND_DERIVATIVE = [
    ("import jax\nfrom jax import grad\nfrom jax import numpy as jnp", ""),
    # 2.0 is a Python float: the gradients are weakly typed, as JAX prints them.
    ("f = lambda x: x ** 3\ngrad(f)(2.0), grad(grad(f))(2.0)",
     "(Array(12., dtype=float32, weak_type=True),\n Array(12., dtype=float32, weak_type=True))"),
    ("jax.hessian(lambda x: (x ** 3).sum())(jnp.arange(3.0))",
     "Array([[ 0.,  0.,  0.],\n       [ 0.,  6.,  0.],\n       [ 0.,  0., 12.]], "
     "dtype=float32)"),
]


def test_exercise_second_derivative():
    book(*SECOND_DERIVATIVE)


def test_exercise_second_derivative_as_jax_shows_it():
    shown_by_jax(SECOND_DERIVATIVE)


def test_exercise_run_backward_twice_is_just_calling_grad_twice():
    x = jnp.arange(4.0)
    y = lambda x: 2 * jnp.dot(x, x)  # noqa: E731 - the book's style
    first, second = grad(y)(x), grad(y)(x)
    assert repr(first) == repr(second) == "Array([ 0.,  4.,  8., 12.], dtype=float32)"


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_exercise_control_flow_with_vector_and_matrix_input(shape):
    ns = book(("from jax import numpy as jnp\nfrom jax import grad, random", ""), (CONTROL_FLOW, ""))
    f = ns["f"]
    a = random.normal(random.PRNGKey(1), shape)
    d = f(a)
    assert d.shape == shape
    # JAX's policy: no implicit sum; grad says why, in JAX's words.
    with pytest.raises(TypeError, match=r"^Gradient only defined for scalar-output functions\. "
                                        rf"Output had shape: {re.escape(str(shape))}\."):
        grad(f)(a)
    # The Jacobian, by reverse and by forward mode: diagonal, one scale for all entries.
    n = int(np.prod(shape))
    jac_rev, jac_fwd = jax.jacrev(f)(a), jax.jacfwd(f)(a)
    assert jac_rev.shape == shape + shape and type(jac_rev) is jax.Array
    np.testing.assert_array_equal(jac_rev.numpy(), jac_fwd.numpy())
    matrix = jac_rev.reshape(n, n)
    diagonal = matrix[jnp.arange(n), jnp.arange(n)]
    np.testing.assert_array_equal(matrix.numpy(), np.diag(diagonal.numpy()))
    np.testing.assert_allclose(diagonal.reshape(shape).numpy(), (d / a).numpy(), rtol=1e-6)
    # The gradient of the sum is the Jacobian's column sums.
    np.testing.assert_array_equal(grad(lambda a: f(a).sum())(a).numpy(),
                                  matrix.sum(axis=0).reshape(shape).numpy())


def test_exercise_derivative_of_sin_by_vmap_of_grad():
    x = jnp.linspace(-3.0, 3.0, 13)
    slopes = jax.vmap(grad(jnp.sin))(x)
    assert type(slopes) is jax.Array and slopes.dtype == np.float32
    np.testing.assert_allclose(slopes.numpy(), np.cos(x.numpy()), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- transforms


def test_grad_refuses_outputs_it_cannot_differentiate():
    with pytest.raises(TypeError, match=r"^Gradient only defined for scalar-output functions\. "
                                        r"Output had shape: \(4,\)\. \(grad requires f"):
        grad(lambda x: x * x)(jnp.arange(4.0))
    with pytest.raises(TypeError, match=r"^grad requires real-valued outputs \(output dtype "
                                        r"that is a sub-dtype of np\.floating\), but got int32"):
        grad(lambda x: jnp.sum(x > 0).astype(jnp.int32))(jnp.arange(4.0))
    with pytest.raises(TypeError, match=r"^Gradient only defined for scalar-output functions\. "
                                        r".*2 outputs"):
        grad(lambda x: (x.sum(), x.sum()))(jnp.arange(4.0))


def test_a_type_error_inside_the_function_is_not_rewritten():
    def f(x):
        raise TypeError("mine")
    with pytest.raises(TypeError, match="^mine$"):
        grad(f)(1.0)


def test_value_and_grad_jvp_vjp_and_pytrees():
    value, g = jax.value_and_grad(lambda x: (x ** 2).sum())(jnp.arange(3.0))
    assert repr(value) == "Array(5., dtype=float32)"
    assert repr(g) == "Array([0., 2., 4.], dtype=float32)"
    out, tangent = jax.jvp(jnp.sin, (jnp.zeros(2),), (jnp.ones(2),))
    assert repr(tangent) == "Array([1., 1.], dtype=float32)"
    out, pullback = jax.vjp(lambda x: x * 3.0, jnp.ones(2))
    (cotangent,) = pullback(jnp.array([1.0, 2.0]))
    assert repr(cotangent) == "Array([3., 6.], dtype=float32)"
    params = {"w": jnp.ones(2), "b": jnp.array(0.5)}
    grads = grad(lambda p: (p["w"] * 2.0).sum() + p["b"])(params)
    assert repr(grads["w"]) == "Array([2., 2.], dtype=float32)"
    assert repr(grads["b"]) == "Array(1., dtype=float32, weak_type=True)"  # jnp.array(0.5)
    (gx, gy), aux = grad(lambda x, y: (x * y, "aux"), argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert (float(gx), float(gy), aux) == (3.0, 2.0, "aux")
    assert jax.jit(jnp.sin) is jnp.sin


def test_stop_gradient():
    x = jnp.arange(3.0)
    g = grad(lambda x: (jax.lax.stop_gradient(x) * x).sum())(x)
    assert repr(g) == "Array([0., 1., 2.], dtype=float32)"
    assert type(jax.lax.stop_gradient(x)) is jax.Array


# ---------------------------------------------------------------- arrays


def test_printing():
    assert repr(jnp.array(True)) == "Array(True, dtype=bool)"
    assert repr(jnp.arange(4.0) == jnp.arange(4.0)) == TRUE4
    assert repr(jnp.zeros((0,))) == "Array([], shape=(0,), dtype=float32)"
    assert str(jnp.arange(4.0)) == "[0. 1. 2. 3.]"
    # JAX puts the dtype under the values when the last line would be too long.
    wide = jnp.array([[1.8160863, -0.48262316, 0.33988908, -1.3448213]] * 2)
    assert repr(wide) == ("Array([[ 1.8160863 , -0.48262316,  0.33988908, -1.3448213 ],\n"
                          "       [ 1.8160863 , -0.48262316,  0.33988908, -1.3448213 ]],      "
                          "dtype=float32)")
    assert repr(wide[:, :2]) == ("Array([[ 1.8160863 , -0.48262316],\n"
                                 "       [ 1.8160863 , -0.48262316]], dtype=float32)")


def test_dtypes_are_32_bit():
    assert jnp.arange(4).dtype == np.int32 and jnp.arange(4.0).dtype == np.float32
    assert jnp.array([1, 2]).dtype == np.int32 and jnp.array([1.0, 2]).dtype == np.float32
    assert jnp.array(np.arange(3.0)).dtype == np.float32  # narrowed, as with x64 off
    assert jnp.array(np.arange(3)).dtype == np.int32
    assert jnp.arange(12).sum().dtype == np.int32 and jnp.sum(jnp.arange(3)).dtype == np.int32
    assert jnp.arange(3, dtype=jnp.float64).dtype == np.float32
    assert (jnp.arange(3.0) + jnp.arange(3)).dtype == np.float32
    assert (jnp.arange(3) / jnp.arange(1, 4)).dtype == np.float32


def test_arrays_are_immutable():
    x = jnp.arange(4)
    with pytest.raises(TypeError, match="^" + re.escape(
            "JAX arrays are immutable and do not support in-place item assignment. Instead "
            "of x[idx] = y, use x = x.at[idx].set(y) or another .at[] method: "
            "https://docs.jax.dev/en/latest/_autosummary/jax.numpy.ndarray.at.html (")):
        x[0] = 1
    before = x
    x += 1  # rebinds x to a new array
    assert x is not before
    assert repr(before) == "Array([0, 1, 2, 3], dtype=int32)"
    assert repr(x) == "Array([1, 2, 3, 4], dtype=int32)"


def test_at_updates_are_copies_and_differentiable():
    x = jnp.arange(5.0)
    assert repr(x.at[1].set(10.0)) == "Array([ 0., 10.,  2.,  3.,  4.], dtype=float32)"
    assert repr(x.at[jnp.array([0, 0])].add(1.0)) == "Array([2., 1., 2., 3., 4.], dtype=float32)"
    assert repr(x.at[1:3].multiply(3)) == "Array([0., 3., 6., 3., 4.], dtype=float32)"
    assert repr(x.at[-1].get()) == "Array(4., dtype=float32)"
    assert repr(x) == "Array([0., 1., 2., 3., 4.], dtype=float32)"
    g = grad(lambda v: (x.at[1:3].set(v) ** 2).sum())(jnp.array([1.0, 2.0]))
    assert repr(g) == "Array([2., 4.], dtype=float32)"
    g = grad(lambda x: (x.at[0].set(0.0) * x).sum())(jnp.arange(1.0, 4.0))
    assert repr(g) == "Array([0., 4., 6.], dtype=float32)"


# ---------------------------------------------------------------- section 2.1


# Each cell as Jupyter shows it, after the book's imports. JAX 0.10.2 refuses float() and
# int() of a 1-d array (TypeError: Only scalar arrays can be converted to Python scalars),
# so the last cell converts its element, as one must in JAX.
DATA_MANIPULATION = [
    ('import jax\nfrom jax import numpy as jnp',
     ''),
    ('x = jnp.arange(12)\nx',
     'Array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11], dtype=int32)'),
    ('x.size',
     '12'),
    ('x.shape',
     '(12,)'),
    ('X = x.reshape(3, 4)\nX',
     'Array([[ 0,  1,  2,  3],\n       [ 4,  5,  6,  7],\n       [ 8,  9, 10, 11]], dtype=int32)'),
    ('jnp.zeros((2, 3, 4))',
     'Array([[[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]],\n\n       [[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]]], dtype=float32)'),
    ('jnp.ones((2, 3, 4))',
     'Array([[[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]],\n\n       [[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]]], dtype=float32)'),
    ('jnp.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])',
     'Array([[2, 1, 4, 3],\n       [1, 2, 3, 4],\n       [4, 3, 2, 1]], dtype=int32)'),
    ('X[-1], X[1:3]',
     '(Array([ 8,  9, 10, 11], dtype=int32),\n Array([[ 4,  5,  6,  7],\n        [ 8,  9, 10, 11]], dtype=int32))'),
    ('# JAX arrays are immutable. jax.numpy.ndarray.at index\n# update operators create a new array with the corresponding\n# modifications made\nX_new_1 = X.at[1, 2].set(17)\nX_new_1',
     'Array([[ 0,  1,  2,  3],\n       [ 4,  5, 17,  7],\n       [ 8,  9, 10, 11]], dtype=int32)'),
    ('X_new_2 = X_new_1.at[:2, :].set(12)\nX_new_2',
     'Array([[12, 12, 12, 12],\n       [12, 12, 12, 12],\n       [ 8,  9, 10, 11]], dtype=int32)'),
    # NumPy's float32 exp: 5.4598148e+01 where XLA's gives 5.4598152e+01 (the last digit).
    ('jnp.exp(x)',
     'Array([1.0000000e+00, 2.7182817e+00, 7.3890562e+00, 2.0085537e+01,\n       5.4598148e+01, 1.4841316e+02, 4.0342880e+02, 1.0966332e+03,\n       2.9809580e+03, 8.1030840e+03, 2.2026465e+04, 5.9874141e+04],      dtype=float32)'),
    ('x = jnp.array([1.0, 2, 4, 8])\ny = jnp.array([2, 2, 2, 2])\nx + y, x - y, x * y, x / y, x ** y',
     '(Array([ 3.,  4.,  6., 10.], dtype=float32),\n Array([-1.,  0.,  2.,  6.], dtype=float32),\n Array([ 2.,  4.,  8., 16.], dtype=float32),\n Array([0.5, 1. , 2. , 4. ], dtype=float32),\n Array([ 1.,  4., 16., 64.], dtype=float32))'),
    ('X = jnp.arange(12, dtype=jnp.float32).reshape((3, 4))\nY = jnp.array([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\njnp.concatenate((X, Y), axis=0), jnp.concatenate((X, Y), axis=1)',
     '(Array([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.],\n        [ 2.,  1.,  4.,  3.],\n        [ 1.,  2.,  3.,  4.],\n        [ 4.,  3.,  2.,  1.]], dtype=float32),\n Array([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],\n        [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],\n        [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]], dtype=float32))'),
    ('X == Y',
     'Array([[False,  True, False,  True],\n       [False, False, False, False],\n       [False, False, False, False]], dtype=bool)'),
    ('X.sum()',
     'Array(66., dtype=float32)'),
    ('a = jnp.arange(3).reshape((3, 1))\nb = jnp.arange(2).reshape((1, 2))\na, b',
     '(Array([[0],\n        [1],\n        [2]], dtype=int32),\n Array([[0, 1]], dtype=int32))'),
    ('a + b',
     'Array([[0, 1],\n       [1, 2],\n       [2, 3]], dtype=int32)'),
    ('before = id(Y)\nY = Y + X\nid(Y) == before',
     'False'),
    ('A = jax.device_get(X)\nB = jax.device_put(A)\ntype(A), type(B)',
     '(numpy.ndarray, jaxlib._jax.ArrayImpl)'),
    ('a = jnp.array([3.5])\na, a.item(), a[0].item(), float(a[0]), int(a[0])',
     '(Array([3.5], dtype=float32), 3.5, 3.5, 3.5, 3)'),
]


def test_data_manipulation():
    ns = book(*DATA_MANIPULATION)
    np.testing.assert_array_equal(ns["A"], ns["X"].numpy())
    ns["A"][0, 0] = -1.0  # device_get gives a copy
    assert float(ns["X"][0, 0]) == 0.0
    shown = run_cell("# Any call of a random function in JAX requires a key to be\n"
                     "# specified, feeding the same key to a random function will\n"
                     "# always result in the same sample being generated\n"
                     "jax.random.normal(jax.random.PRNGKey(0), (3, 4))", ns)
    assert re.fullmatch(r"Array\(\[\[[-\d., \n\[\]]+\]\], +dtype=float32\)", shown), shown
    assert shown == run_cell("jax.random.normal(jax.random.PRNGKey(0), (3, 4))", ns)


def test_data_manipulation_shows_what_jax_shows():
    cells = [(code, expected) for code, expected in DATA_MANIPULATION if code != "jnp.exp(x)"]
    shown_by_jax(cells)


def test_more_numpy():
    X = jnp.arange(6.0).reshape(2, 3)
    assert repr(jnp.linalg.norm(jnp.array([3.0, 4.0]))) == "Array(5., dtype=float32)"
    assert repr(jnp.sum(X, axis=0)) == "Array([3., 5., 7.], dtype=float32)"
    assert repr(jnp.mean(X, axis=1)) == "Array([1., 4.], dtype=float32)"
    assert repr(jnp.matmul(X, X.T)) == "Array([[ 5., 14.],\n       [14., 50.]], dtype=float32)"
    assert repr(jnp.stack([jnp.zeros(2), jnp.ones(2)])) == ("Array([[0., 0.],\n       [1., 1.]], "
                                                            "dtype=float32)")
    assert repr(jnp.where(X > 2, X, 0.0)) == ("Array([[0., 0., 0.],\n       [3., 4., 5.]], "
                                              "dtype=float32)")
    assert jnp.shape(X) == (2, 3) and jnp.size(X) == 6 and jnp.ndim(X) == 2
    assert repr(jnp.full((2,), 7)) == "Array([7, 7], dtype=int32, weak_type=True)"
    assert repr(jnp.eye(2)) == "Array([[1., 0.],\n       [0., 1.]], dtype=float32)"
    assert type(jnp.asarray(X)) is jax.Array and jnp.asarray(X) is X
    assert type(jnp.exp([0.0])) is jax.Array
