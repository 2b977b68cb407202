"""Function transforms: grad, value_and_grad, vjp, jvp, linearize, vmap, jacrev, jacfwd,
jacobian, hessian, hvp. Pytrees, argnums, has_aux, nesting, perturbation confusion,
purity (no ``.grad``), and one batched sweep per Jacobian."""
import numpy as np
import pytest

import chainrule as cr
import chainrule.backward as cr_backward
from chainrule.batching import BatchedTensor

RTOL = 1e-10
ATOL = 1e-12


def f64(value, requires_grad=False):
    return cr.tensor(np.asarray(value, dtype=np.float64), dtype=cr.float64,
                     requires_grad=requires_grad)


def arr(value):
    """A transform's result as a NumPy array."""
    if isinstance(value, cr.Tensor):
        return value.numpy()
    return np.asarray(value)


def close(actual, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(arr(actual), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# ---------------------------------------------------------------- grad / value_and_grad


def test_grad_of_elementwise_function(rng):
    xv = rng.normal(size=5)
    g = cr.grad(lambda x: cr.sum(cr.sin(x) * x))(f64(xv))
    assert isinstance(g, cr.Tensor) and g.shape == (5,) and g.dtype == np.float64
    close(g, np.sin(xv) + xv * np.cos(xv))


def test_grad_accepts_numpy_arrays_and_python_scalars(rng):
    xv = rng.normal(size=4)
    g = cr.grad(lambda x: cr.sum(cr.exp(x)))(xv)           # plain NumPy argument
    assert g.dtype == np.float64
    close(g, np.exp(xv))
    g_scalar = cr.grad(lambda x: x ** 3 + 2.0 * x)(1.5)    # Python float (default dtype)
    np.testing.assert_allclose(arr(g_scalar), 3 * 1.5 ** 2 + 2.0, rtol=1e-6)


def test_grad_of_integer_argument_is_a_type_error():
    with pytest.raises(TypeError, match="floating point"):
        cr.grad(lambda x: x * x)(3)


def test_grad_argnums_int_tuple_and_negative(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)

    def f(x, y):
        return cr.sum(x * x * y)

    x, y = f64(xv), f64(yv)
    close(cr.grad(f)(x, y), 2 * xv * yv)
    close(cr.grad(f, argnums=1)(x, y), xv ** 2)
    close(cr.grad(f, argnums=-1)(x, y), xv ** 2)
    both = cr.grad(f, argnums=(0, 1))(x, y)
    assert isinstance(both, tuple) and len(both) == 2
    close(both[0], 2 * xv * yv)
    close(both[1], xv ** 2)
    single_tuple = cr.grad(f, argnums=(1,))(x, y)
    assert isinstance(single_tuple, tuple) and len(single_tuple) == 1
    close(single_tuple[0], xv ** 2)


def test_grad_argnums_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        cr.grad(lambda x, y: cr.sum(x * y), argnums=2)(f64([1.0]), f64([2.0]))


def test_grad_with_keyword_arguments_not_differentiated(rng):
    xv = rng.normal(size=3)
    g = cr.grad(lambda x, scale=1.0: cr.sum(x * x) * scale)(f64(xv), scale=3.0)
    close(g, 6 * xv)


def test_grad_non_scalar_output_is_a_type_error_naming_shape_and_alternatives():
    with pytest.raises(TypeError, match=r"\(3,\)") as info:
        cr.grad(lambda x: x * 2.0)(f64([1.0, 2.0, 3.0]))
    message = str(info.value)
    assert "jacrev" in message and "vjp" in message
    with pytest.raises(TypeError, match=r"\(2, 2\).*jacrev.*vjp"):
        cr.value_and_grad(lambda x: x * 2.0)(f64(np.ones((2, 2))))


@pytest.mark.parametrize("wrap_output, structure", [
    (lambda y: [y], r"\[\*\]"), (lambda y: {"a": y}, r"\{'a': \*\}"),
    (lambda y: (y,), r"\(\*\)"), (lambda y: (y, y), r"2 outputs.*\(\*, \*\)")])
def test_grad_of_a_container_of_one_scalar_is_a_type_error_naming_the_structure(
        wrap_output, structure):
    # as in JAX: grad differentiates a value, not a list or dict that holds one
    for transform in (cr.grad, cr.value_and_grad):
        with pytest.raises(TypeError, match=structure) as info:
            transform(lambda x: wrap_output(cr.sum(x * x)))(f64([1.0, 2.0]))
        assert "jacrev" in str(info.value) and "has_aux" in str(info.value)


def test_grad_of_constant_function_is_zero():
    g = cr.grad(lambda x: 3.0)(f64([1.0, 2.0]))          # a Python scalar result
    close(g, [0.0, 0.0])


def test_value_and_grad(rng):
    xv = rng.normal(size=4)
    value, g = cr.value_and_grad(lambda x: cr.sum(cr.exp(x) * x))(f64(xv))
    close(value, np.sum(np.exp(xv) * xv))
    close(g, np.exp(xv) * (1 + xv))
    assert value.shape == ()


def test_value_and_grad_argnums_tuple(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    value, (gx, gy) = cr.value_and_grad(lambda x, y: cr.sum(cr.sin(x) * y),
                                        argnums=(0, 1))(f64(xv), f64(yv))
    close(value, np.sum(np.sin(xv) * yv))
    close(gx, np.cos(xv) * yv)
    close(gy, np.sin(xv))


def test_grad_has_aux(rng):
    xv = rng.normal(size=3)

    def f(x):
        y = x * x
        return cr.sum(y), {"squares": y, "label": "ok"}

    g, aux = cr.grad(f, has_aux=True)(f64(xv))
    close(g, 2 * xv)
    assert aux["label"] == "ok"
    close(aux["squares"], xv ** 2)


def test_value_and_grad_has_aux(rng):
    xv = rng.normal(size=3)
    (value, aux), g = cr.value_and_grad(lambda x: (cr.sum(x ** 3), x * 2.0),
                                        has_aux=True)(f64(xv))
    close(value, np.sum(xv ** 3))
    close(aux, 2 * xv)
    close(g, 3 * xv ** 2)


def test_has_aux_requires_a_pair():
    with pytest.raises(TypeError, match="pair"):
        cr.grad(lambda x: cr.sum(x), has_aux=True)(f64([1.0, 2.0]))


def test_aux_comes_back_detached_from_the_recording(rng):
    xv = rng.normal(size=3)
    x = f64(xv)

    def f(x):
        y = x * x
        return cr.sum(y), {"squares": y, "label": "ok"}

    results = {
        "grad": cr.grad(f, has_aux=True)(x)[1],
        "value_and_grad": cr.value_and_grad(f, has_aux=True)(x)[0][1],
        "vjp": cr.vjp(f, x, has_aux=True)[2],
        "jacrev": cr.jacrev(f, has_aux=True)(x)[1],
        "jacfwd": cr.jacfwd(f, has_aux=True)(x)[1],
    }
    for name, aux in results.items():
        squares = aux["squares"]
        assert squares.grad_fn is None and not squares.requires_grad, name
        assert squares._aux is None, f"{name}: aux carries a transform's tangents"
        assert aux["label"] == "ok"
        close(squares, xv ** 2)
    # an enclosing transform still differentiates through aux
    outer = cr.grad(lambda v: cr.sum(cr.grad(f, has_aux=True)(v)[1]["squares"] * v))(x)
    close(outer, 3 * xv ** 2)


def test_jacfwd_aux_carries_no_dead_tangent(rng):
    xv = rng.normal(size=3)
    _, aux = cr.jacfwd(lambda x: (cr.sin(x), x * 2.0), has_aux=True)(f64(xv))
    assert aux._aux is None
    later = cr.exp(aux) * 3.0           # nothing rides along on what is computed from it
    assert later._aux is None
    close(later, 3 * np.exp(2 * xv))


def test_jvp_has_aux(rng):
    xv, tv = rng.normal(size=3), rng.normal(size=3)
    out, t, aux = cr.jvp(lambda x: (cr.sin(x), {"c": cr.cos(x), "n": 3}), (f64(xv),),
                         (f64(tv),), has_aux=True)
    close(out, np.sin(xv))
    close(t, np.cos(xv) * tv)
    assert aux["n"] == 3 and aux["c"]._aux is None
    close(aux["c"], np.cos(xv))
    with pytest.raises(TypeError, match="pair"):
        cr.jvp(cr.sin, (f64(xv),), (f64(tv),), has_aux=True)


# ---------------------------------------------------------------- pytrees


def test_grad_with_dict_params(rng):
    wv, bv, data = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))

    def loss(params, x):
        return cr.sum((x @ params["w"] + params["b"]) ** 2)

    params = {"w": f64(wv), "b": f64(bv)}
    grads = cr.grad(loss)(params, f64(data))
    assert isinstance(grads, dict) and set(grads) == {"w", "b"}
    r = data @ wv + bv
    close(grads["w"], 2 * data.T @ r)
    close(grads["b"], 2 * r.sum(axis=0))


def test_grad_with_nested_lists_and_tuples(rng):
    a, b, c = rng.normal(size=2), rng.normal(size=3), rng.normal(size=())

    def f(tree):
        (x, y), z = tree[0], tree[1]
        return cr.sum(x ** 2) + cr.sum(cr.sin(y)) * z

    tree = [(f64(a), f64(b)), f64(c)]
    g = cr.grad(f)(tree)
    assert isinstance(g, list) and isinstance(g[0], tuple) and len(g) == 2
    close(g[0][0], 2 * a)
    close(g[0][1], np.cos(b) * c)
    close(g[1], np.sum(np.sin(b)))


def test_grad_with_numpy_leaves_in_pytree(rng):
    wv = rng.normal(size=3)
    g = cr.grad(lambda p: cr.sum(p["w"] ** 2) * p["s"])({"w": wv, "s": np.float64(2.0)})
    close(g["w"], 4 * wv)
    close(g["s"], np.sum(wv ** 2))


def test_grad_argnums_tuple_with_pytrees(rng):
    av, bv = rng.normal(size=2), rng.normal(size=2)

    def f(p, q, scale):
        return cr.sum(p["a"] * q[0]) * scale

    ga, gq = cr.grad(f, argnums=(0, 1))({"a": f64(av)}, (f64(bv),), 3.0)
    close(ga["a"], 3 * bv)
    assert isinstance(gq, tuple)
    close(gq[0], 3 * av)


# ---------------------------------------------------------------- vjp / jvp / linearize


def test_vjp(rng):
    xv, vv = rng.normal(size=4), rng.normal(size=4)
    out, vjp_fn = cr.vjp(cr.sin, f64(xv))
    close(out, np.sin(xv))
    (ct,) = vjp_fn(f64(vv))
    close(ct, vv * np.cos(xv))
    (again,) = vjp_fn(np.ones(4))           # callable again, with a NumPy cotangent
    close(again, np.cos(xv))


def test_vjp_several_arguments_and_pytree_output(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)

    def f(x, y):
        return {"prod": x * y, "sum": cr.sum(x + y)}

    out, vjp_fn = cr.vjp(f, f64(xv), f64(yv))
    close(out["prod"], xv * yv)
    close(out["sum"], np.sum(xv + yv))
    v = rng.normal(size=3)
    gx, gy = vjp_fn({"prod": f64(v), "sum": f64(2.0)})
    close(gx, v * yv + 2.0)
    close(gy, v * xv + 2.0)


def test_vjp_has_aux(rng):
    xv = rng.normal(size=3)
    out, vjp_fn, aux = cr.vjp(lambda x: (cr.exp(x), "aux-value"), f64(xv), has_aux=True)
    assert aux == "aux-value"
    close(out, np.exp(xv))
    close(vjp_fn(f64(np.ones(3)))[0], np.exp(xv))


def test_vjp_cotangent_shape_mismatch():
    _, vjp_fn = cr.vjp(cr.sin, f64([1.0, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        vjp_fn(f64([1.0, 2.0, 3.0]))


def test_vjp_fn_is_differentiable_with_respect_to_its_cotangent(rng):
    xv, vv = rng.normal(size=3), rng.normal(size=3)
    _, pull = cr.vjp(cr.sin, f64(xv))          # made outside any transform
    # v ↦ vᵀJ = v·cos(x): its derivatives in v are cos(x)
    g = cr.grad(lambda v: cr.sum(pull(v)[0] * v))(f64(vv))
    close(g, 2 * np.cos(xv) * vv)
    assert g.grad_fn is None and not g.requires_grad   # a top-level result is plain
    for jac in (cr.jacrev, cr.jacfwd):
        close(jac(lambda v: pull(v)[0])(f64(vv)), np.diag(np.cos(xv)))
    _, t = cr.jvp(lambda v: pull(v)[0], (f64(vv),), (f64(np.ones(3)),))
    close(t, np.cos(xv))
    # and the PyTorch way: a cotangent that requires grad gives a result that does
    v = f64(vv, requires_grad=True)
    (ct,) = pull(v)
    assert ct.requires_grad
    cr.sum(ct * ct).backward()
    close(v.grad, 2 * np.cos(xv) ** 2 * vv)
    # in the primal and the cotangent at once
    gx, gv = cr.grad(lambda x, v: cr.sum(cr.vjp(cr.sin, x)[1](v)[0]), argnums=(0, 1))(
        f64(xv), f64(vv))
    close(gx, -np.sin(xv) * vv)
    close(gv, np.cos(xv))


def test_jvp(rng):
    xv, tv = rng.normal(size=4), rng.normal(size=4)
    out, t_out = cr.jvp(lambda x: cr.exp(x) * x, (f64(xv),), (f64(tv),))
    close(out, np.exp(xv) * xv)
    close(t_out, np.exp(xv) * (1 + xv) * tv)


def test_jvp_several_arguments_and_pytrees(rng):
    av, bv, ta, tb = (rng.normal(size=3) for _ in range(4))

    def f(p, y):
        return (p["a"] * y, cr.sum(cr.sin(p["a"])))

    (o1, o2), (t1, t2) = cr.jvp(f, ({"a": f64(av)}, f64(bv)), ({"a": f64(ta)}, f64(tb)))
    close(o1, av * bv)
    close(o2, np.sum(np.sin(av)))
    close(t1, ta * bv + av * tb)
    close(t2, np.sum(np.cos(av) * ta))


def test_jvp_with_numpy_and_python_tangents():
    out, t = cr.jvp(lambda x: x ** 2, (f64(3.0),), (1.0,))
    close(out, 9.0)
    close(t, 6.0)
    out, t = cr.jvp(lambda x: cr.sum(x ** 2), (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))
    close(t, 6.0)
    (o1, o2), (t1, t2) = cr.jvp(lambda x: (x * 2.0, 1.0), (f64([1.0, 2.0]),),
                                (f64([1.0, -1.0]),))
    close(o1, [2.0, 4.0])
    close(o2, 1.0)
    close(t1, [2.0, -2.0])
    close(t2, 0.0)


def test_jvp_argument_errors():
    with pytest.raises(TypeError, match="tuples"):
        cr.jvp(cr.sin, f64([1.0]), f64([1.0]))
    with pytest.raises(ValueError, match="shape"):
        cr.jvp(cr.sin, (f64([1.0, 2.0]),), (f64([1.0]),))


def test_linearize_matches_jvp_and_does_not_rerun_f(rng):
    xv = rng.normal(size=4)
    calls = []

    def f(x):
        calls.append(1)
        return cr.tanh(x) * cr.exp(x)

    out, jvp_fn = cr.linearize(f, f64(xv))
    assert len(calls) == 1
    close(out, np.tanh(xv) * np.exp(xv))
    d = (1 - np.tanh(xv) ** 2) * np.exp(xv) + np.tanh(xv) * np.exp(xv)
    for _ in range(3):
        tv = rng.normal(size=4)
        close(jvp_fn(f64(tv)), d * tv)
    assert len(calls) == 1


def test_linearize_several_arguments(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    out, jvp_fn = cr.linearize(lambda x, y: cr.sin(x) * y, f64(xv), f64(yv))
    close(out, np.sin(xv) * yv)
    tx, ty = rng.normal(size=3), rng.normal(size=3)
    close(jvp_fn(f64(tx), f64(ty)), np.cos(xv) * yv * tx + np.sin(xv) * ty)


def test_linearize_jvp_fn_is_differentiable(rng):
    xv, tv = rng.normal(size=3), rng.normal(size=3)
    x, t = f64(xv), f64(tv)
    # in the primal: linearize under grad and under jvp
    close(cr.grad(lambda v: cr.sum(cr.linearize(cr.sin, v)[1](t)))(x), -np.sin(xv) * tv)
    _, t_out = cr.jvp(lambda v: cr.linearize(cr.sin, v)[1](t), (x,), (f64(np.ones(3)),))
    close(t_out, -np.sin(xv) * tv)
    # in the tangent: jvp_fn made outside any transform
    _, jvp_fn = cr.linearize(cr.sin, x)
    g = cr.grad(lambda s: cr.sum(jvp_fn(s) * s))(t)
    close(g, 2 * np.cos(xv) * tv)
    assert g.grad_fn is None and not g.requires_grad
    for jac in (cr.jacrev, cr.jacfwd):
        close(jac(jvp_fn)(t), np.diag(np.cos(xv)))
    close(cr.jvp(jvp_fn, (t,), (f64(np.ones(3)),))[1], np.cos(xv))
    # the PyTorch way: primals that require grad
    xr = f64(xv, requires_grad=True)
    _, jvp_fn = cr.linearize(cr.sin, xr)
    cr.sum(jvp_fn(t)).backward()
    close(xr.grad, -np.sin(xv) * tv)


def test_linearize_inside_vmap(rng):
    X, T, tv = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=3)

    def per_example(x, t):
        out, jvp_fn = cr.linearize(lambda v: cr.sin(v) * v, x)
        return out, jvp_fn(t)

    out, tangent = cr.vmap(per_example)(f64(X), f64(T))
    close(out, np.sin(X) * X)
    close(tangent, (np.cos(X) * X + np.sin(X)) * T)
    # an unbatched primal in a function closing over a batched value, and an unbatched
    # tangent
    tangent = cr.vmap(lambda x: cr.linearize(lambda v: cr.sin(v) * x, f64(np.ones(3)))[1](
        f64(tv)))(f64(X))
    close(tangent, np.cos(1.0) * X * tv)


# ---------------------------------------------------------------- Jacobians


def test_jacrev_jacfwd_jacobian_shapes_and_values(rng):
    A = rng.normal(size=(2, 3))
    xv = rng.normal(size=3)

    def f(x):
        return cr.sin(f64(A) @ x)

    expected = np.cos(A @ xv)[:, None] * A
    for jac in (cr.jacrev, cr.jacfwd, cr.jacobian):
        J = jac(f)(f64(xv))
        assert J.shape == (2, 3)
        close(J, expected)
    assert cr.jacobian is cr.jacrev


def test_jacobian_of_matrix_input_has_shape_out_plus_in(rng):
    Xv = rng.normal(size=(2, 3))
    expected = np.zeros((2, 3, 2, 3))
    for i in range(2):
        for j in range(3):
            expected[i, j, i, j] = np.exp(Xv[i, j])
    for jac in (cr.jacrev, cr.jacfwd):
        J = jac(cr.exp)(f64(Xv))
        assert J.shape == (2, 3, 2, 3)
        close(J, expected)


def test_jacobians_argnums_tuple(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)

    def f(x, y):
        return x * y

    for jac in (cr.jacrev, cr.jacfwd):
        Jx, Jy = jac(f, argnums=(0, 1))(f64(xv), f64(yv))
        close(Jx, np.diag(yv))
        close(Jy, np.diag(xv))
        close(jac(f, argnums=1)(f64(xv), f64(yv)), np.diag(xv))


def test_jacobians_of_pytree_outputs_and_inputs(rng):
    av, bv = rng.normal(size=2), rng.normal(size=3)

    def f(p):
        return {"u": p["a"] * 2.0, "v": cr.sum(p["b"] ** 2)}

    for jac in (cr.jacrev, cr.jacfwd):
        J = jac(f)({"a": f64(av), "b": f64(bv)})
        close(J["u"]["a"], 2 * np.eye(2))
        close(J["u"]["b"], np.zeros((2, 3)))
        close(J["v"]["a"], np.zeros(2))
        close(J["v"]["b"], 2 * bv)


def test_jacobians_has_aux(rng):
    xv = rng.normal(size=3)
    for jac in (cr.jacrev, cr.jacfwd):
        J, aux = jac(lambda x: (x ** 2, cr.sum(x)), has_aux=True)(f64(xv))
        close(J, np.diag(2 * xv))
        close(aux, np.sum(xv))


def rosenbrock(x):
    return cr.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_grad(x):
    g = np.zeros_like(x)
    g[:-1] += -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


def rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i + 1, i + 1] += 200
        H[i, i + 1] = H[i + 1, i] = -400 * x[i]
    return H


def test_rosenbrock_gradient_hessian_and_hvp(rng):
    xv = rng.normal(size=5)
    x = f64(xv)
    H_true = rosenbrock_hessian(xv)
    # the analytic Hessian is tridiagonal
    assert np.all(np.triu(H_true, 2) == 0) and np.all(np.tril(H_true, -2) == 0)
    close(cr.grad(rosenbrock)(x), rosenbrock_grad(xv), rtol=1e-12)
    H = cr.hessian(rosenbrock)(x)
    assert H.shape == (5, 5) and H.dtype == np.float64
    close(H, H_true, rtol=1e-12, atol=1e-10)
    for _ in range(3):
        vv = rng.normal(size=5)
        close(cr.hvp(rosenbrock, x, f64(vv)), H_true @ vv, rtol=1e-12, atol=1e-10)
    close(cr.hvp(rosenbrock, x, np.eye(5)[2]), H_true[:, 2], rtol=1e-12, atol=1e-10)
    # hessian is forward over reverse: the same as jacfwd of jacrev
    close(cr.jacfwd(cr.jacrev(rosenbrock))(x), H_true, rtol=1e-12, atol=1e-10)
    close(cr.jacrev(cr.jacrev(rosenbrock))(x), H_true, rtol=1e-12, atol=1e-10)
    close(cr.jacfwd(cr.jacfwd(rosenbrock))(x), H_true, rtol=1e-12, atol=1e-10)


def test_hvp_with_several_arguments(rng):
    xv, yv, vx, vy = (rng.normal(size=2) for _ in range(4))

    def f(x, y):
        return cr.sum(x ** 2 * y)

    Hx, Hy = cr.hvp(f, (f64(xv), f64(yv)), (f64(vx), f64(vy)))
    # H = [[diag(2y), diag(2x)], [diag(2x), 0]]
    close(Hx, 2 * yv * vx + 2 * xv * vy)
    close(Hy, 2 * xv * vx)


def test_hvp_with_pytree_primals(rng):
    av, bv, ta, tb = (rng.normal(size=2) for _ in range(4))

    def f(p):
        return cr.sum(p["a"] ** 3 * p["b"])

    # H = [[diag(6ab), diag(3a²)], [diag(3a²), 0]]
    out = cr.hvp(f, {"a": f64(av), "b": f64(bv)}, {"a": f64(ta), "b": np.asarray(tb)})
    assert isinstance(out, dict)
    close(out["a"], 6 * av * bv * ta + 3 * av ** 2 * tb)
    close(out["b"], 3 * av ** 2 * ta)
    # several arguments, one of them a pytree
    ha, hs = cr.hvp(lambda p, s: f(p) * s, ({"a": f64(av), "b": f64(bv)}, f64(2.0)),
                    ({"a": f64(ta), "b": f64(tb)}, f64(0.0)))
    close(ha["a"], 2 * (6 * av * bv * ta + 3 * av ** 2 * tb))
    close(hs, np.sum(3 * av ** 2 * bv * ta + av ** 3 * tb))


def test_hessian_argnums(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    H = cr.hessian(lambda x, y: cr.sum(x ** 3 * y), argnums=1)(f64(xv), f64(yv))
    close(H, np.zeros((3, 3)))
    H = cr.hessian(lambda x, y: cr.sum(x ** 3 * y))(f64(xv), f64(yv))
    close(H, np.diag(6 * xv * yv))


# ---------------------------------------------------------------- one batched sweep


N_BIG = 256


@pytest.fixture
def big_layer(rng):
    W = rng.normal(size=(N_BIG, N_BIG)) / np.sqrt(N_BIG)
    xv = rng.normal(size=N_BIG)
    calls = []

    def f(x):
        calls.append(1)
        return cr.tanh(f64(W) @ x)

    expected = (1 - np.tanh(W @ xv) ** 2)[:, None] * W     # diag(1 - tanh²) @ W
    return f, calls, xv, expected


@pytest.fixture
def sweep_counter(monkeypatch):
    counter = []
    original = cr_backward.sweep

    def counting_sweep(roots, cotangents, *args, **kwargs):
        counter.append(list(cotangents))
        return original(roots, cotangents, *args, **kwargs)

    monkeypatch.setattr(cr_backward, "sweep", counting_sweep)
    return counter


def test_jacrev_256_is_one_sweep_and_one_call(big_layer, sweep_counter):
    f, calls, xv, expected = big_layer
    J = cr.jacrev(f)(f64(xv))
    assert len(calls) == 1, f"jacrev called f {len(calls)} times"
    assert len(sweep_counter) == 1, f"jacrev ran {len(sweep_counter)} reverse sweeps"
    (cotangent,) = sweep_counter[0]
    # the one sweep carries all 256 basis cotangents as one batch
    assert isinstance(cotangent, BatchedTensor) and cotangent.shape == (N_BIG,)
    assert J.shape == (N_BIG, N_BIG)
    close(J, expected, rtol=1e-10, atol=1e-12)


@pytest.fixture
def jvp_counter(monkeypatch):
    """The tangents tanh's JVP rule is applied to, one entry per application."""
    seen = []
    prim = cr.tanh.prim
    original = prim.jvp

    def counting_jvp(tangents, ans, *args):
        seen.append(tangents[0])
        return original(tangents, ans, *args)

    monkeypatch.setattr(prim, "jvp", counting_jvp)
    return seen


def test_jacfwd_256_is_one_call_and_one_batched_tangent_sweep(big_layer, sweep_counter,
                                                               jvp_counter):
    f, calls, xv, expected = big_layer
    J = cr.jacfwd(f)(f64(xv))
    assert len(calls) == 1, f"jacfwd called f {len(calls)} times"
    assert len(sweep_counter) == 0, f"jacfwd ran {len(sweep_counter)} reverse sweeps"
    # f applies tanh once: one application of its JVP rule, to all 256 basis tangents
    assert len(jvp_counter) == 1, f"tanh's JVP rule ran {len(jvp_counter)} times"
    (tangent,) = jvp_counter
    assert isinstance(tangent, BatchedTensor) and tangent.shape == (N_BIG,)
    assert np.shape(tangent._aux.value) == (N_BIG, N_BIG)
    assert J.shape == (N_BIG, N_BIG)
    close(J, expected, rtol=1e-10, atol=1e-12)


def test_jvp_counter_counts_each_application(jvp_counter):
    # A loop of 3 jvps is 3 applications (the counter can see a loop).
    for _ in range(3):
        cr.jvp(cr.tanh, (f64([0.5, 1.0]),), (f64([1.0, 0.0]),))
    assert len(jvp_counter) == 3 and not isinstance(jvp_counter[0], BatchedTensor)


def pytree_layer(calls):
    def f(p):
        calls.append(1)
        return {"u": cr.tanh(p["a"] * 2.0 + cr.sum(p["b"])),
                "v": (cr.tanh(p["b"]), cr.sum(p["a"] ** 2))}
    return f


def pytree_layer_jacobian(av, bv):
    """The blocks of the Jacobian of pytree_layer, out leaf by in leaf."""
    du = 1 - np.tanh(2 * av + bv.sum()) ** 2
    return {"u": {"a": np.diag(2 * du), "b": np.outer(du, np.ones(3))},
            "v": ({"a": np.zeros((3, 2)), "b": np.diag(1 - np.tanh(bv) ** 2)},
                  {"a": 2 * av, "b": np.zeros(3)})}


def test_pytree_jacobians_are_one_sweep(rng, sweep_counter, jvp_counter):
    av, bv = rng.normal(size=2), rng.normal(size=3)
    expected = pytree_layer_jacobian(av, bv)
    calls = []
    J = cr.jacrev(pytree_layer(calls))({"a": f64(av), "b": f64(bv)})
    assert len(calls) == 1 and len(sweep_counter) == 1, \
        f"jacrev called f {len(calls)} times and ran {len(sweep_counter)} sweeps"
    # one basis over all three output leaves (2 + 3 + 1 = 6 rows) in the one sweep
    assert all(isinstance(c, BatchedTensor) and np.shape(c._aux.value)[0] == 6
               for c in sweep_counter[0])
    for jac in (J, None):
        if jac is None:
            calls.clear()
            jac = cr.jacfwd(pytree_layer(calls))({"a": f64(av), "b": f64(bv)})
            assert len(calls) == 1, f"jacfwd called f {len(calls)} times"
            # two tanh in f: two applications of its rule, each to all 2 + 3 = 5
            # basis tangents of the inputs together
            assert len(jvp_counter) == 2, f"tanh's JVP rule ran {len(jvp_counter)} times"
            assert all(np.shape(t._aux.value)[0] == 5 for t in jvp_counter)
        close(jac["u"]["a"], expected["u"]["a"])
        close(jac["u"]["b"], expected["u"]["b"])
        for k in (0, 1):
            close(jac["v"][k]["a"], expected["v"][k]["a"])
            close(jac["v"][k]["b"], expected["v"][k]["b"])


def test_sweep_counter_counts_grad_sweeps(big_layer, sweep_counter):
    # The counter sees the sweeps transforms run: one grad is one sweep.
    f, calls, xv, _ = big_layer
    cr.grad(lambda x: cr.sum(f(x)))(f64(xv))
    assert len(sweep_counter) == 1 and len(calls) == 1


# ---------------------------------------------------------------- vmap


def test_vmap_basic_and_in_axes_none(rng):
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    out = cr.vmap(lambda x, v: cr.sum(x * v))(f64(X), f64(np.tile(w, (5, 1))))
    close(out, X @ w)
    out = cr.vmap(lambda x, v: cr.sum(x * v), in_axes=(0, None))(f64(X), f64(w))
    assert out.shape == (5,)
    close(out, X @ w)


def test_vmap_in_axes_and_out_axes(rng):
    X = rng.normal(size=(3, 4))
    out = cr.vmap(lambda col: col * 2.0, in_axes=1, out_axes=1)(f64(X))
    close(out, 2 * X)
    out = cr.vmap(lambda col: col * 2.0, in_axes=1)(f64(X))
    assert out.shape == (4, 3)
    close(out, 2 * X.T)
    norms = cr.vmap(lambda col: cr.sum(col ** 2), in_axes=1)(f64(X))
    close(norms, np.sum(X ** 2, axis=0))


def test_vmap_pytree_in_axes_and_outputs(rng):
    A, b = rng.normal(size=(4, 2)), rng.normal(size=2)

    def f(p):
        return {"s": p["a"] + p["b"], "n": cr.sum(p["a"] * p["b"])}

    out = cr.vmap(f, in_axes=({"a": 0, "b": None},))({"a": f64(A), "b": f64(b)})
    close(out["s"], A + b)
    close(out["n"], A @ b)


def test_vmap_nested_gives_outer_product(rng):
    u, v = rng.normal(size=3), rng.normal(size=4)
    out = cr.vmap(lambda a: cr.vmap(lambda b: a * b)(f64(v)))(f64(u))
    assert out.shape == (3, 4)
    close(out, np.outer(u, v))


def test_vmap_errors():
    with pytest.raises(ValueError, match="different sizes"):
        cr.vmap(lambda a, b: a + b)(f64(np.ones(3)), f64(np.ones(4)))
    with pytest.raises(ValueError, match="all None"):
        cr.vmap(lambda a: a, in_axes=None)(f64(np.ones(3)))
    with pytest.raises(ValueError, match="out of range"):
        cr.vmap(lambda a: a, in_axes=2)(f64(np.ones((3, 2))))


def test_vmap_value_dependent_control_flow_is_a_clear_value_error():
    def relu_if(x):
        if x > 0:
            return x
        return x * 0.0

    with pytest.raises(ValueError, match="vmap.*where"):
        cr.vmap(relu_if)(f64([-1.0, 2.0]))

    def loop(x):
        while x < 10.0:
            x = x * 2.0
        return x

    with pytest.raises(ValueError, match="vmap"):
        cr.vmap(loop)(f64([1.0, 3.0]))
    with pytest.raises(ValueError, match="float\\(\\).*vmap"):
        cr.vmap(lambda x: float(x))(f64([1.0, 2.0]))
    # the same under vmap of grad
    with pytest.raises(ValueError, match="vmap"):
        cr.vmap(cr.grad(relu_if))(f64([-1.0, 2.0]))


def test_vmap_control_flow_on_unbatched_values_works(rng):
    X = rng.normal(size=(3, 2))

    def f(x, n):
        if n > 1.0:
            return x * n
        return -x

    close(cr.vmap(f, in_axes=(0, None))(f64(X), f64(2.0)), 2 * X)
    close(cr.vmap(f, in_axes=(0, None))(f64(X), f64(0.5)), -X)
    close(cr.vmap(lambda x: cr.where(x > 0, x, 0.0 * x))(f64([-1.0, 2.0])), [0.0, 2.0])


def test_vmap_of_grad_per_example_gradients(rng):
    X, y, w = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=3)

    def loss(w, xi, yi):
        return (cr.sum(w * xi) - yi) ** 2

    per_example = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))(f64(w), f64(X), f64(y))
    assert per_example.shape == (6, 3)
    expected = 2 * (X @ w - y)[:, None] * X
    close(per_example, expected)
    # per-example gradients with a dict of params
    params = {"w": f64(w), "b": f64(0.5)}

    def loss_p(p, xi, yi):
        return (cr.sum(p["w"] * xi) + p["b"] - yi) ** 2

    g = cr.vmap(cr.grad(loss_p), in_axes=(None, 0, 0))(params, f64(X), f64(y))
    r = X @ w + 0.5 - y
    close(g["w"], 2 * r[:, None] * X)
    close(g["b"], 2 * r)


def test_grad_of_vmap(rng):
    X, w = rng.normal(size=(4, 3)), rng.normal(size=3)

    def total(w):
        per = cr.vmap(lambda xi: cr.sin(cr.sum(w * xi)))(f64(X))
        return cr.sum(per)

    close(cr.grad(total)(f64(w)), np.cos(X @ w) @ X)

    def total_in_axes_none(w, X):
        return cr.sum(cr.vmap(lambda wi, xi: cr.sum(wi * xi) ** 2, in_axes=(None, 0))(w, X))

    close(cr.grad(total_in_axes_none)(f64(w), f64(X)), 2 * (X @ w) @ X)


@pytest.mark.parametrize("jac", [cr.jacrev, cr.jacfwd], ids=["jacrev", "jacfwd"])
def test_vmap_of_jacobian(rng, jac):
    X = rng.normal(size=(4, 3))
    J = cr.vmap(jac(lambda x: cr.sin(x) * cr.sum(x)))(f64(X))
    assert not isinstance(J, BatchedTensor), f"vmap of {jac.__name__} leaked a batch"
    assert J.shape == (4, 3, 3)
    for i in range(4):
        x = X[i]
        expected = np.diag(np.cos(x) * x.sum()) + np.sin(x)[:, None]
        close(J.numpy()[i], expected)


def test_vmap_of_hessian(rng):
    X = rng.normal(size=(3, 5))
    H = cr.vmap(cr.hessian(rosenbrock))(f64(X))
    assert not isinstance(H, BatchedTensor), "vmap of hessian leaked a batch"
    assert H.shape == (3, 5, 5)
    for i in range(3):
        close(H.numpy()[i], rosenbrock_hessian(X[i]), rtol=1e-12, atol=1e-10)


def test_vmap_of_jvp_with_batched_primal_and_batched_tangent(rng):
    # the pattern inside vmap(jacfwd): primal batched by the outer vmap, tangent by an
    # inner one
    X = rng.normal(size=(2, 3))
    out = cr.vmap(lambda x: cr.vmap(lambda t: cr.jvp(cr.sin, (x,), (t,))[1])(
        f64(np.eye(3))))(f64(X))
    assert not isinstance(out, BatchedTensor), "nested vmap of jvp leaked a batch"
    assert out.shape == (2, 3, 3)
    for i in range(2):
        close(out.numpy()[i], np.diag(np.cos(X[i])))


def test_vmap_of_jvp_and_vjp(rng):
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    t_out = cr.vmap(lambda x, t: cr.jvp(cr.exp, (x,), (t,))[1])(f64(X), f64(T))
    close(t_out, np.exp(X) * T)
    xv = rng.normal(size=3)
    _, vjp_fn = cr.vjp(cr.sin, f64(xv))
    rows = cr.vmap(vjp_fn)(f64(np.eye(3)))
    close(rows[0], np.diag(np.cos(xv)))


def test_vmap_of_grad_closing_over_a_batched_value_runs_f_once(rng):
    X, wv = rng.normal(size=(4, 3)), rng.normal(size=3)
    calls = []

    def per_example(x):
        def loss(w):
            calls.append(1)
            return cr.sum(cr.sin(w * x))
        return cr.grad(loss)(f64(wv))

    G = cr.vmap(per_example)(f64(X))
    assert len(calls) == 1, f"f ran {len(calls)} times"
    close(G, np.cos(wv * X) * X)


def test_vmap_maps_keyword_arguments_over_axis_0_as_jax_does(rng):
    X, s = rng.normal(size=(4, 3)), rng.normal(size=4)

    def f(x, scale=1.0):
        return x * scale

    close(cr.vmap(f)(f64(X), scale=f64(s)), X * s[:, None])
    close(cr.vmap(f, in_axes=(1,))(f64(X.T), scale=f64(s)), X * s[:, None])
    with pytest.raises(ValueError, match="keyword argument.*axis 0.*in_axes None"):
        cr.vmap(f)(f64(X), scale=2.0)


def test_vmap_accepts_numpy_and_returns_python_constants(rng):
    X = rng.normal(size=(3, 2))
    out = cr.vmap(lambda x: (x * 2.0, 1.0))(X)
    close(out[0], 2 * X)
    close(out[1], np.ones(3))


# ---------------------------------------------------------------- control flow


def piecewise(x):
    if x > 0:
        return x ** 3
    return -2.0 * x


def test_python_control_flow_under_grad_jvp_and_jacobians():
    for xv, d in ((2.0, 12.0), (-1.5, -2.0)):
        close(cr.grad(piecewise)(f64(xv)), d)
        close(cr.jvp(piecewise, (f64(xv),), (f64(1.0),))[1], d)
        close(cr.jacrev(piecewise)(f64(xv)), d)
        close(cr.jacfwd(piecewise)(f64(xv)), d)
    close(cr.grad(cr.grad(piecewise))(f64(2.0)), 12.0)

    def doubling(x):
        n = 0
        while x < 10.0:
            x = x * 2.0
            n += 1
        return x

    # 1.5 -> 3 -> 6 -> 12: three doublings, derivative 8
    close(cr.grad(doubling)(f64(1.5)), 8.0)
    close(cr.jvp(doubling, (f64(1.5),), (f64(1.0),))[1], 8.0)
    close(cr.linearize(doubling, f64(1.5))[1](f64(1.0)), 8.0)


# ---------------------------------------------------------------- nested transforms


def test_grad_of_grad_of_grad(rng):
    for xv in (-1.3, 0.2, 2.0):
        x = f64(xv)
        close(cr.grad(cr.grad(cr.grad(cr.sin)))(x), -np.cos(xv))
        close(cr.grad(cr.grad(cr.grad(lambda t: t ** 4)))(x), 24 * xv)
        close(cr.grad(cr.grad(cr.grad(cr.grad(cr.exp))))(x), np.exp(xv))


def test_third_derivative_in_mixed_modes():
    xv = 0.7

    def fwd(f):
        return lambda x: cr.jvp(f, (x,), (f64(1.0),))[1]

    expected = -np.cos(xv)
    for d1 in (fwd, cr.grad):
        for d2 in (fwd, cr.grad):
            for d3 in (fwd, cr.grad):
                close(d1(d2(d3(cr.sin)))(f64(xv)), expected)


def test_jacfwd_of_jacrev_equals_analytic_hessian(rng):
    xv = rng.normal(size=3)

    def f(x):
        return cr.sum(cr.exp(x[0] * x[1]) + x[2] ** 3 * x[0])

    a, b, c = xv
    e = np.exp(a * b)
    H = np.array([[b * b * e, e + a * b * e, 3 * c ** 2],
                  [e + a * b * e, a * a * e, 0.0],
                  [3 * c ** 2, 0.0, 6 * c * a]])
    close(cr.jacfwd(cr.jacrev(f))(f64(xv)), H)
    close(cr.jacrev(cr.jacfwd(f))(f64(xv)), H)
    close(cr.hessian(f)(f64(xv)), H)


def test_grad_of_jvp_and_jvp_of_grad(rng):
    xv, tv = rng.normal(size=3), rng.normal(size=3)

    def directional(x):
        return cr.sum(cr.jvp(lambda y: cr.sin(y) * y, (x,), (f64(tv),))[1])

    # d/dx sum((cos x * x + sin x) * t) = (2 cos x - x sin x) * t
    close(cr.grad(directional)(f64(xv)), (2 * np.cos(xv) - xv * np.sin(xv)) * tv)
    _, t = cr.jvp(cr.grad(lambda y: cr.sum(y ** 3)), (f64(xv),), (f64(tv),))
    close(t, 6 * xv * tv)


def test_grad_of_value_and_grad_and_of_vjp(rng):
    xv = rng.normal(size=3)

    def via_value_and_grad(x):
        value, g = cr.value_and_grad(lambda y: cr.sum(y ** 3))(x)
        return value + cr.sum(g)

    close(cr.grad(via_value_and_grad)(f64(xv)), 3 * xv ** 2 + 6 * xv)

    def via_vjp(x):
        _, pull = cr.vjp(cr.exp, x)
        return cr.sum(pull(x)[0])        # sum(x * exp(x))

    close(cr.grad(via_vjp)(f64(xv)), np.exp(xv) * (1 + xv))


# ---------------------------------------------------------------- perturbation confusion


def fwd_derivative(f):
    return lambda x: cr.jvp(f, (x,), (f64(1.0),))[1]


def rev_derivative(f):
    return cr.grad(f)


MODES = {"fwd": fwd_derivative, "rev": rev_derivative}


@pytest.mark.parametrize("outer", ["fwd", "rev"])
@pytest.mark.parametrize("inner", ["fwd", "rev"])
def test_perturbation_confusion(outer, inner):
    """d/dx [x · d/dy (x + y)] = 1: the inner derivative must not see x's perturbation."""
    D_outer, D_inner = MODES[outer], MODES[inner]
    for xv in (-2.0, 0.0, 0.5, 3.0, 7.25):
        for y0 in (1.0, xv, -4.0):
            def f(x, y0=y0):
                return x * D_inner(lambda y: x + y)(f64(y0))
            close(D_outer(f)(f64(xv)), 1.0)

        def f_at_x(x):
            return x * D_inner(lambda y: x + y)(x)

        close(D_outer(f_at_x)(f64(xv)), 1.0)


@pytest.mark.parametrize("outer", ["fwd", "rev"])
@pytest.mark.parametrize("inner", ["fwd", "rev"])
def test_nested_derivative_closing_over_outer_variable(outer, inner):
    """d/dx [x · d/dy (x · y)] = d/dx x² = 2x."""
    D_outer, D_inner = MODES[outer], MODES[inner]
    for xv in (-1.5, 0.25, 2.0, 4.0):
        def f(x):
            return x * D_inner(lambda y: x * y)(f64(3.0))
        close(D_outer(f)(f64(xv)), 2 * xv)


@pytest.mark.parametrize("outer", ["fwd", "rev"])
@pytest.mark.parametrize("inner", ["fwd", "rev"])
def test_perturbation_confusion_with_jacobians(outer, inner):
    outer_jac = cr.jacfwd if outer == "fwd" else cr.jacrev
    inner_jac = cr.jacfwd if inner == "fwd" else cr.jacrev
    xv = np.array([0.5, -1.0, 2.0])

    def f(x):
        # inner Jacobian of y -> x + y is the identity whatever x is
        return x * cr.sum(inner_jac(lambda y: x + y)(f64(np.ones(3))))

    # f(x) = 3x, so the outer Jacobian is 3·I
    close(outer_jac(f)(f64(xv)), 3 * np.eye(3))


# ---------------------------------------------------------------- purity


def test_transforms_never_write_grad(rng):
    xv = rng.normal(size=3)
    x = f64(xv, requires_grad=True)

    def f(v):
        return cr.sum(cr.sin(v) * v)

    g = cr.grad(f)(x)
    cr.value_and_grad(f)(x)
    _, pull = cr.vjp(cr.sin, x)
    pull(f64(np.ones(3)))
    cr.jvp(cr.sin, (x,), (f64(np.ones(3)),))
    _, lin = cr.linearize(cr.sin, x)
    lin(f64(np.ones(3)))
    cr.jacrev(cr.sin)(x)
    cr.jacfwd(cr.sin)(x)
    cr.hessian(f)(x)
    cr.hvp(f, x, f64(np.ones(3)))
    cr.vmap(cr.grad(lambda a, b: cr.sum(a * b)), in_axes=(0, None))(
        f64(np.ones((2, 3))), x)
    cr.grad(lambda v: cr.sum(cr.grad(lambda u: cr.sum(u ** 3))(v)))(x)
    assert x.grad is None
    close(g, np.sin(xv) + xv * np.cos(xv))


def test_transforms_never_read_grad(rng):
    xv = rng.normal(size=3)
    x = f64(xv, requires_grad=True)
    x.grad = f64([100.0, 100.0, 100.0])
    g = cr.grad(lambda v: cr.sum(v ** 2))(x)
    close(g, 2 * xv)
    J = cr.jacrev(lambda v: v ** 2)(x)
    close(J, np.diag(2 * xv))
    close(x.grad, [100.0, 100.0, 100.0])


def test_params_with_requires_grad_in_pytree_keep_grad_none(rng):
    params = {"w": f64(rng.normal(size=3), requires_grad=True),
              "b": f64(0.1, requires_grad=True)}
    X = rng.normal(size=(4, 3))
    g = cr.grad(lambda p: cr.sum((f64(X) @ p["w"] + p["b"]) ** 2))(params)
    r = X @ params["w"].numpy() + 0.1
    close(g["w"], 2 * X.T @ r)
    close(g["b"], 2 * r.sum())
    assert params["w"].grad is None and params["b"].grad is None


def test_grad_of_function_reading_outer_requires_grad_tensor_stays_differentiable(rng):
    # a transform result may feed the ordinary tape; only an explicit backward writes .grad
    wv, xv = rng.normal(size=3), rng.normal(size=3)
    w = f64(wv, requires_grad=True)
    g = cr.grad(lambda x: cr.sum(w * x ** 2))(f64(xv))
    close(g, 2 * wv * xv)
    assert w.grad is None
    cr.sum(g).backward()
    close(w.grad, 2 * xv)
