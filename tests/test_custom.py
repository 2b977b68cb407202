"""Custom derivatives: custom_vjp, custom_jvp (JAX-style), Function (PyTorch-style), and
check_grads catching a wrong rule."""
import numpy as np
import pytest

import chainrule as cr
from chainrule.batching import BatchedTensor
from chainrule.testing import GradcheckError, check_grads

RTOL = 1e-10
ATOL = 1e-12


def f64(value, requires_grad=False):
    return cr.tensor(np.asarray(value, dtype=np.float64), dtype=cr.float64,
                     requires_grad=requires_grad)


def arr(value):
    if isinstance(value, cr.Tensor):
        return value.numpy()
    return np.asarray(value)


def close(actual, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(arr(actual), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


# ---------------------------------------------------------------- custom_vjp definitions


def make_clip_gradient():
    """Identity whose backward clips the cotangent to [-1, 1]."""
    @cr.custom_vjp
    def clip_gradient(x):
        return x

    def fwd(x):
        return x, None

    def bwd(residuals, g):
        return (cr.clip(g, -1.0, 1.0),)

    clip_gradient.defvjp(fwd, bwd)
    return clip_gradient


def make_scaled_sin(scale=2.0):
    """sin whose backward is scale · cos (deliberately not the true derivative), written
    in chainrule ops so it differentiates again."""
    @cr.custom_vjp
    def scaled_sin(x):
        return cr.sin(x)

    def fwd(x):
        return cr.sin(x), x

    def bwd(x, g):
        return (g * cr.cos(x) * scale,)

    scaled_sin.defvjp(fwd, bwd)
    return scaled_sin


def make_true_sin():
    @cr.custom_vjp
    def my_sin(x):
        return cr.sin(x)

    def fwd(x):
        return cr.sin(x), cr.cos(x)

    def bwd(cos_x, g):
        return (g * cos_x,)

    my_sin.defvjp(fwd, bwd)
    return my_sin


# ---------------------------------------------------------------- custom_vjp


def test_custom_vjp_rule_is_used_under_grad(rng):
    clip_gradient = make_clip_gradient()
    xv = rng.normal(size=4)
    close(clip_gradient(f64(xv)), xv)                 # forward is the identity
    g = cr.grad(lambda x: cr.sum(clip_gradient(x) * 5.0))(f64(xv))
    close(g, np.ones(4))                              # clipped, not 5
    g = cr.grad(lambda x: cr.sum(clip_gradient(x) * 0.25))(f64(xv))
    close(g, np.full(4, 0.25))                        # within the clip: unchanged
    g = cr.grad(lambda x: cr.sum(clip_gradient(x) * f64([-3.0, 0.5, 2.0, -0.1])))(f64(xv))
    close(g, [-1.0, 0.5, 1.0, -0.1])


def test_custom_vjp_under_vjp_and_jacrev(rng):
    scaled_sin = make_scaled_sin(3.0)
    xv, vv = rng.normal(size=3), rng.normal(size=3)
    out, pull = cr.vjp(scaled_sin, f64(xv))
    close(out, np.sin(xv))
    close(pull(f64(vv))[0], 3.0 * np.cos(xv) * vv)
    close(cr.jacrev(scaled_sin)(f64(xv)), np.diag(3.0 * np.cos(xv)))


def test_custom_vjp_under_backward_method(rng):
    scaled_sin = make_scaled_sin(3.0)
    xv = rng.normal(size=3)
    x = f64(xv, requires_grad=True)
    cr.sum(scaled_sin(x)).backward()
    close(x.grad, 3.0 * np.cos(xv))


def test_custom_vjp_without_differentiation_runs_the_function(rng):
    calls = []

    @cr.custom_vjp
    def f(x):
        calls.append("fun")
        return x * 2.0

    def fwd(x):
        calls.append("fwd")
        return x * 2.0, None

    def bwd(_, g):
        calls.append("bwd")
        return (g * 2.0,)

    f.defvjp(fwd, bwd)
    close(f(f64([1.0, 2.0])), [2.0, 4.0])
    assert calls == ["fun"]
    calls.clear()
    close(cr.grad(lambda x: cr.sum(f(x)))(f64([1.0, 2.0])), [2.0, 2.0])
    assert calls == ["fwd", "bwd"]


def test_custom_vjp_higher_order_uses_rule(rng):
    scaled_sin = make_scaled_sin(2.0)
    xv = rng.normal(size=3)
    # d/dx of the rule's 2 cos(x) is -2 sin(x)
    g2 = cr.grad(lambda x: cr.sum(cr.grad(lambda y: cr.sum(scaled_sin(y)))(x)))(f64(xv))
    close(g2, -2.0 * np.sin(xv))
    for xs in (0.3, -1.1):
        close(cr.grad(cr.grad(scaled_sin))(f64(xs)), -2.0 * np.sin(xs))
        close(cr.grad(cr.grad(cr.grad(scaled_sin)))(f64(xs)), -2.0 * np.cos(xs))
    H = cr.jacrev(cr.jacrev(lambda x: cr.sum(scaled_sin(x))))(f64(xv))
    close(H, np.diag(-2.0 * np.sin(xv)))


def test_custom_vjp_several_arguments_and_none_gradient(rng):
    @cr.custom_vjp
    def f(x, y):
        return x * y

    def fwd(x, y):
        return x * y, (x, y)

    def bwd(res, g):
        x, y = res
        return (g * y * 10.0, None)     # no gradient for y: treated as zero

    f.defvjp(fwd, bwd)
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    gx, gy = cr.grad(lambda x, y: cr.sum(f(x, y)), argnums=(0, 1))(f64(xv), f64(yv))
    close(gx, 10.0 * yv)
    close(gy, np.zeros(3))


def test_custom_vjp_tuple_of_two_outputs(rng):
    @cr.custom_vjp
    def pair(x, y):
        return x * 2.0, y * 3.0

    def fwd(x, y):
        return (x * 2.0, y * 3.0), None

    def bwd(_, gs):
        g1, g2 = gs
        return (g1 * 10.0, g2 * 100.0)   # not 2 and 3: shows the rule is used

    pair.defvjp(fwd, bwd)
    xv, yv = rng.normal(size=3), rng.normal(size=(2, 2))
    a, b = pair(f64(xv), f64(yv))
    assert a.shape == (3,) and b.shape == (2, 2)
    close(a, 2 * xv)
    close(b, 3 * yv)
    (a, b), pull = cr.vjp(pair, f64(xv), f64(yv))
    close(a, 2 * xv)
    close(b, 3 * yv)
    v1, v2 = rng.normal(size=3), rng.normal(size=(2, 2))
    gx, gy = pull((f64(v1), f64(v2)))
    close(gx, 10 * v1)
    close(gy, 100 * v2)

    def loss(x, y):
        a, b = pair(x, y)
        return cr.sum(a) + 2.0 * cr.sum(b)

    gx, gy = cr.grad(loss, argnums=(0, 1))(f64(xv), f64(yv))
    close(gx, np.full(3, 10.0))
    close(gy, np.full((2, 2), 200.0))
    # only one of the outputs used
    close(cr.grad(lambda x, y: cr.sum(pair(x, y)[1]), argnums=1)(f64(xv), f64(yv)),
          np.full((2, 2), 100.0))


def test_custom_vjp_with_pytree_argument(rng):
    @cr.custom_vjp
    def affine(p, x):
        return p["w"] * x + p["b"]

    def fwd(p, x):
        return affine.fun(p, x), (p, x)

    def bwd(res, g):
        p, x = res
        return ({"w": g * x * 2.0, "b": g * 3.0}, g * p["w"])

    affine.defvjp(fwd, bwd)
    wv, bv, xv = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    gp, gx = cr.grad(lambda p, x: cr.sum(affine(p, x)), argnums=(0, 1))(
        {"w": f64(wv), "b": f64(bv)}, f64(xv))
    close(gp["w"], 2.0 * xv)
    close(gp["b"], np.full(3, 3.0))
    close(gx, wv)


def test_custom_vjp_without_defvjp_is_a_type_error():
    @cr.custom_vjp
    def f(x):
        return x

    with pytest.raises(TypeError, match="defvjp"):
        f(f64([1.0]))
    with pytest.raises(TypeError, match="defvjp"):
        cr.grad(lambda x: cr.sum(f(x)))(f64([1.0]))


def test_custom_vjp_backward_returning_wrong_count_or_shape():
    @cr.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (x * y, None), lambda _, g: (g,))
    with pytest.raises(RuntimeError, match=r"backward.*one gradient per argument \(2\)"):
        cr.grad(lambda x: cr.sum(f(x, f64([2.0, 3.0]))))(f64([1.0, 1.0]))

    @cr.custom_vjp
    def h(x):
        return x

    h.defvjp(lambda x: (x, None), lambda _, g: (cr.sum(g),))
    with pytest.raises(RuntimeError, match=r"gradient of shape \(\) for an input of shape \(2,\)"):
        cr.grad(lambda x: cr.sum(h(x)))(f64([1.0, 1.0]))


@pytest.mark.parametrize("transform", ["jvp", "jacfwd", "hessian", "linearize"])
def test_custom_vjp_under_forward_mode_is_a_type_error_pointing_to_custom_jvp(transform):
    scaled_sin = make_scaled_sin(2.0)
    x = f64([0.1, 0.2])
    if transform == "jvp":
        with pytest.raises(TypeError, match="custom_jvp"):
            cr.jvp(scaled_sin, (x,), (f64([1.0, 1.0]),))
    elif transform == "jacfwd":
        with pytest.raises(TypeError, match="custom_jvp"):
            cr.jacfwd(scaled_sin)(x)
    elif transform == "hessian":
        with pytest.raises(TypeError, match="custom_jvp"):
            cr.hessian(lambda v: cr.sum(scaled_sin(v)))(x)
    else:
        # linearize records with reverse mode: the recorded rule is a VJP, which it
        # cannot push tangents through
        with pytest.raises(TypeError, match="forward mode"):
            cr.linearize(scaled_sin, x)[1](f64([1.0, 1.0]))


def test_custom_vjp_under_vmap(rng):
    clip_gradient = make_clip_gradient()
    X = rng.normal(size=(4, 3))
    close(cr.vmap(clip_gradient)(f64(X)), X)
    # per-example gradients, each clipped
    G = cr.vmap(cr.grad(lambda x: cr.sum(clip_gradient(x) * 5.0)))(f64(X))
    assert not isinstance(G, BatchedTensor)
    close(G, np.ones((4, 3)))
    scaled_sin = make_scaled_sin(3.0)
    close(cr.vmap(scaled_sin)(f64(X)), np.sin(X))
    G = cr.vmap(cr.grad(lambda x: cr.sum(scaled_sin(x))))(f64(X))
    close(G, 3.0 * np.cos(X))


def test_custom_vjp_under_vmap_with_unbatched_argument(rng):
    @cr.custom_vjp
    def mul(w, x):
        return w * x

    def fwd(w, x):
        return w * x, (w, x)

    def bwd(res, g):
        w, x = res
        return (g * x * 2.0, g * w * 3.0)

    mul.defvjp(fwd, bwd)
    wv, X = rng.normal(size=3), rng.normal(size=(5, 3))

    def total(w, X):
        return cr.sum(cr.vmap(mul, in_axes=(None, 0))(w, X))

    gw, gX = cr.grad(total, argnums=(0, 1))(f64(wv), f64(X))
    close(gw, 2.0 * X.sum(axis=0))                  # summed over the examples
    close(gX, 3.0 * np.tile(wv, (5, 1)))
    per_example = cr.vmap(cr.grad(lambda w, x: cr.sum(mul(w, x))), in_axes=(None, 0))(
        f64(wv), f64(X))
    close(per_example, 2.0 * X)


def test_grad_of_vmap_of_custom_vjp(rng):
    scaled_sin = make_scaled_sin(4.0)
    X = rng.normal(size=(3, 2))
    g = cr.grad(lambda X: cr.sum(cr.vmap(scaled_sin)(X)))(f64(X))
    close(g, 4.0 * np.cos(X))


def test_custom_vjp_reads_outer_closure_constants(rng):
    W = rng.normal(size=(2, 3))

    @cr.custom_vjp
    def project(x):
        return f64(W) @ x

    project.defvjp(lambda x: (project.fun(x), None),
                   lambda _, g: (f64(W).T @ g * 0.5,))
    xv = rng.normal(size=3)
    close(project(f64(xv)), W @ xv)
    close(cr.jacrev(project)(f64(xv)), 0.5 * W)


def test_custom_vjp_keeps_grad_none(rng):
    scaled_sin = make_scaled_sin(2.0)
    x = f64(rng.normal(size=3), requires_grad=True)
    g = cr.grad(lambda v: cr.sum(scaled_sin(v)))(x)
    close(g, 2.0 * np.cos(x.numpy()))
    assert x.grad is None


# ---------------------------------------------------------------- custom_jvp


def make_scaled_exp_jvp(scale=2.0):
    """exp whose JVP rule is scale · exp(x) · t (deliberately not the true one)."""
    @cr.custom_jvp
    def scaled_exp(x):
        return cr.exp(x)

    @scaled_exp.defjvp
    def rule(primals, tangents):
        (x,), (t,) = primals, tangents
        y = scaled_exp(x)
        return y, scale * y * t

    return scaled_exp


def test_custom_jvp_rule_is_used_under_jvp(rng):
    scaled_exp = make_scaled_exp_jvp(2.0)
    xv, tv = rng.normal(size=3), rng.normal(size=3)
    out, t = cr.jvp(scaled_exp, (f64(xv),), (f64(tv),))
    close(out, np.exp(xv))
    close(t, 2.0 * np.exp(xv) * tv)
    close(cr.jacfwd(scaled_exp)(f64(xv)), np.diag(2.0 * np.exp(xv)))


def test_custom_jvp_rule_is_transposed_for_reverse_mode(rng):
    scaled_exp = make_scaled_exp_jvp(3.0)
    xv, vv = rng.normal(size=3), rng.normal(size=3)
    close(cr.grad(lambda x: cr.sum(scaled_exp(x)))(f64(xv)), 3.0 * np.exp(xv))
    _, pull = cr.vjp(scaled_exp, f64(xv))
    close(pull(f64(vv))[0], 3.0 * np.exp(xv) * vv)
    close(cr.jacrev(scaled_exp)(f64(xv)), np.diag(3.0 * np.exp(xv)))
    x = f64(xv, requires_grad=True)
    cr.sum(scaled_exp(x)).backward()
    close(x.grad, 3.0 * np.exp(xv))


def make_scaled_sin_jvp(scale=2.0):
    """sin whose JVP rule is scale · cos(x) · t, written in chainrule ops."""
    @cr.custom_jvp
    def scaled_sin(x):
        return cr.sin(x)

    @scaled_sin.defjvp
    def rule(primals, tangents):
        (x,), (t,) = primals, tangents
        return scaled_sin(x), scale * cr.cos(x) * t

    return scaled_sin


def fwd_derivative(f):
    return lambda x: cr.jvp(f, (x,), (f64(1.0),))[1]


# second derivative of the rule: d/dx (2 cos x) = -2 sin x
SECOND_ORDER = {
    "rev-over-rev": lambda f: cr.grad(cr.grad(f)),
    "fwd-over-fwd": lambda f: fwd_derivative(fwd_derivative(f)),
    "rev-over-fwd": lambda f: cr.grad(fwd_derivative(f)),
    "fwd-over-rev": lambda f: fwd_derivative(cr.grad(f)),
}


@pytest.mark.parametrize("combo", sorted(SECOND_ORDER))
def test_custom_jvp_second_order_uses_rule(combo):
    scaled_sin = make_scaled_sin_jvp(2.0)
    for xs in (-0.8, 0.5, 1.7):
        close(SECOND_ORDER[combo](scaled_sin)(f64(xs)), -2.0 * np.sin(xs))


@pytest.mark.parametrize("combo", ["jacrev-jacrev", "jacfwd-jacfwd", "jacrev-jacfwd",
                                   "hessian"])
def test_custom_jvp_hessians_use_rule(rng, combo):
    scaled_sin = make_scaled_sin_jvp(2.0)
    xv = rng.normal(size=3)
    f = lambda x: cr.sum(scaled_sin(x))  # noqa: E731
    transform = {"jacrev-jacrev": lambda g: cr.jacrev(cr.jacrev(g)),
                 "jacfwd-jacfwd": lambda g: cr.jacfwd(cr.jacfwd(g)),
                 "jacrev-jacfwd": lambda g: cr.jacrev(cr.jacfwd(g)),
                 "hessian": cr.hessian}[combo]
    close(transform(f)(f64(xv)), np.diag(-2.0 * np.sin(xv)))


def test_custom_jvp_gradient_under_outer_forward_mode_uses_rule():
    # jvp of grad: the gradient computed inside must still be the rule's (2 cos x)
    scaled_sin = make_scaled_sin_jvp(2.0)
    g, t = cr.jvp(cr.grad(scaled_sin), (f64(0.5),), (f64(1.0),))
    close(g, 2.0 * np.cos(0.5))
    close(t, -2.0 * np.sin(0.5))


def test_custom_jvp_third_order(rng):
    scaled_sin = make_scaled_sin_jvp(2.0)
    for xs in (0.3, -1.2):
        close(cr.grad(cr.grad(cr.grad(scaled_sin)))(f64(xs)), -2.0 * np.cos(xs))


def test_custom_jvp_numerically_stable_rule():
    @cr.custom_jvp
    def log1pexp(x):
        return cr.log(1.0 + cr.exp(x))

    @log1pexp.defjvp
    def rule(primals, tangents):
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * cr.sigmoid(x)

    big = f64([800.0, 0.0])
    with np.errstate(over="ignore"):
        g = cr.grad(lambda x: cr.sum(log1pexp(x)))(big)
        _, t = cr.jvp(log1pexp, (big,), (f64([1.0, 1.0]),))
    close(g, [1.0, 0.5])
    close(t, [1.0, 0.5])


def test_custom_jvp_several_arguments(rng):
    @cr.custom_jvp
    def prod(x, y):
        return x * y

    @prod.defjvp
    def rule(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        return prod(x, y), 10.0 * tx * y + 100.0 * x * ty

    xv, yv, tx, ty = (rng.normal(size=3) for _ in range(4))
    _, t = cr.jvp(prod, (f64(xv), f64(yv)), (f64(tx), f64(ty)))
    close(t, 10 * tx * yv + 100 * xv * ty)
    gx, gy = cr.grad(lambda x, y: cr.sum(prod(x, y)), argnums=(0, 1))(f64(xv), f64(yv))
    close(gx, 10 * yv)
    close(gy, 100 * xv)
    close(cr.grad(lambda x, y: cr.sum(prod(x, y)), argnums=1)(f64(xv), f64(yv)), 100 * xv)


def test_custom_jvp_with_non_float_argument(rng):
    @cr.custom_jvp
    def power(x, n):
        return x ** n

    @power.defjvp
    def rule(primals, tangents):
        (x, n), (tx, _) = primals, tangents
        return power(x, n), n * x ** (n - 1) * tx * 2.0

    xv = rng.normal(size=3)
    close(cr.grad(lambda x: cr.sum(power(x, 3)))(f64(xv)), 6.0 * xv ** 2)
    close(cr.jvp(lambda x: power(x, 3), (f64(xv),), (f64(np.ones(3)),))[1], 6.0 * xv ** 2)


def test_custom_jvp_under_vmap(rng):
    scaled_exp = make_scaled_exp_jvp(2.0)
    X = rng.normal(size=(4, 3))
    close(cr.vmap(scaled_exp)(f64(X)), np.exp(X))
    G = cr.vmap(cr.grad(lambda x: cr.sum(scaled_exp(x))))(f64(X))
    close(G, 2.0 * np.exp(X))
    g = cr.grad(lambda X: cr.sum(cr.vmap(scaled_exp)(X)))(f64(X))
    close(g, 2.0 * np.exp(X))


def test_custom_jvp_forward_mode_under_vmap(rng):
    scaled_exp = make_scaled_exp_jvp(2.0)
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    t = cr.vmap(lambda x, t: cr.jvp(scaled_exp, (x,), (t,))[1])(f64(X), f64(T))
    close(t, 2.0 * np.exp(X) * T)


def test_jvp_of_vmap_of_custom_jvp(rng):
    scaled_exp = make_scaled_exp_jvp(2.0)
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    out, t = cr.jvp(cr.vmap(scaled_exp), (f64(X),), (f64(T),))
    close(out, np.exp(X))
    close(t, 2.0 * np.exp(X) * T)


def test_vmap_of_jacfwd_of_custom_jvp(rng):
    scaled_exp = make_scaled_exp_jvp(2.0)
    X = rng.normal(size=(2, 3))
    J = cr.vmap(cr.jacfwd(scaled_exp))(f64(X))
    assert not isinstance(J, BatchedTensor)
    for i in range(2):
        close(J.numpy()[i], np.diag(2.0 * np.exp(X[i])))


def test_custom_jvp_without_defjvp_is_a_type_error():
    @cr.custom_jvp
    def f(x):
        return x

    with pytest.raises(TypeError, match="defjvp"):
        f(f64([1.0]))
    with pytest.raises(TypeError, match="defjvp"):
        cr.jvp(f, (f64([1.0]),), (f64([1.0]),))


# ---------------------------------------------------------------- Function


class Cube(cr.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class ScaledSquare(cr.Function):
    """x², with a backward that deliberately returns 10 · 2x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 20.0 * x


class MulAdd(cr.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        ctx.seen_needs = ctx.needs_input_grad
        return x * y + x

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * (y + 1.0), g * x


class SinCos(cr.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return cr.sin(x), cr.cos(x)

    @staticmethod
    def backward(ctx, g_sin, g_cos):
        (x,) = ctx.saved_tensors
        return g_sin * cr.cos(x) - g_cos * cr.sin(x)


def test_function_apply_forward_value(rng):
    xv = rng.normal(size=4)
    close(Cube.apply(f64(xv)), xv ** 3)


def test_function_under_grad_vjp_and_backward(rng):
    xv, vv = rng.normal(size=4), rng.normal(size=4)
    close(cr.grad(lambda x: cr.sum(Cube.apply(x)))(f64(xv)), 3 * xv ** 2)
    _, pull = cr.vjp(Cube.apply, f64(xv))
    close(pull(f64(vv))[0], 3 * xv ** 2 * vv)
    x = f64(xv, requires_grad=True)
    cr.sum(Cube.apply(x)).backward()
    close(x.grad, 3 * xv ** 2)
    close(cr.jacrev(Cube.apply)(f64(xv)), np.diag(3 * xv ** 2))


def test_function_backward_is_used(rng):
    xv = rng.normal(size=3)
    close(ScaledSquare.apply(f64(xv)), xv ** 2)
    close(cr.grad(lambda x: cr.sum(ScaledSquare.apply(x)))(f64(xv)), 20.0 * xv)


def test_function_two_inputs_and_needs_input_grad(rng):
    xv, yv = rng.normal(size=3), rng.normal(size=3)
    gx, gy = cr.grad(lambda x, y: cr.sum(MulAdd.apply(x, y)), argnums=(0, 1))(
        f64(xv), f64(yv))
    close(gx, yv + 1.0)
    close(gy, xv)
    x = f64(xv, requires_grad=True)
    y = f64(yv)
    out = MulAdd.apply(x, y)
    close(out, xv * yv + xv)
    cr.sum(out).backward()
    close(x.grad, yv + 1.0)
    assert y.grad is None


def test_function_two_outputs(rng):
    xv = rng.normal(size=3)
    s, c = SinCos.apply(f64(xv))
    close(s, np.sin(xv))
    close(c, np.cos(xv))
    g = cr.grad(lambda x: cr.sum(SinCos.apply(x)[0] * 2.0 + SinCos.apply(x)[1]))(f64(xv))
    close(g, 2 * np.cos(xv) - np.sin(xv))


def test_function_higher_order(rng):
    xv = rng.normal(size=3)
    for xs in (0.7, -1.3):
        close(cr.grad(cr.grad(Cube.apply))(f64(xs)), 6 * xs)
        close(cr.grad(cr.grad(ScaledSquare.apply))(f64(xs)), 20.0)
    H = cr.jacrev(cr.jacrev(lambda x: cr.sum(Cube.apply(x))))(f64(xv))
    close(H, np.diag(6 * xv))
    # the PyTorch way: create_graph through backward
    x = f64(xv, requires_grad=True)
    (g,) = cr.autograd.grad(cr.sum(Cube.apply(x)), x, create_graph=True)
    (g2,) = cr.autograd.grad(cr.sum(g), x)
    close(g2, 6 * xv)


class Scale(cr.Function):
    """x · k for a Python number k and a tensor s kept on ctx as attributes."""

    @staticmethod
    def forward(ctx, x, s, k):
        ctx.k = k
        ctx.s = s
        ctx.save_for_backward(x)
        return x * s * k

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ctx.s * ctx.k, cr.sum(g * x) * ctx.k, None


def test_function_under_vmap(rng):
    Xv, Yv = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    X = f64(Xv)
    close(cr.vmap(Cube.apply)(X), Xv ** 3)
    close(cr.vmap(cr.grad(lambda x: cr.sum(Cube.apply(x))))(X), 3 * Xv ** 2)
    close(cr.grad(lambda X: cr.sum(cr.vmap(Cube.apply)(X)))(X), 3 * Xv ** 2)
    # the user's backward is what runs (not the true derivative)
    close(cr.vmap(cr.grad(lambda x: cr.sum(ScaledSquare.apply(x))))(X), 20.0 * Xv)
    # two outputs
    s, c = cr.vmap(SinCos.apply)(X)
    close(s, np.sin(Xv))
    close(c, np.cos(Xv))
    close(cr.vmap(cr.grad(lambda x: cr.sum(SinCos.apply(x)[0] * 2.0)))(X), 2 * np.cos(Xv))
    # two inputs, one of them not batched: its gradient sums over the examples
    y = f64(Yv[0])
    gx, gy = cr.grad(lambda x, y: cr.sum(cr.vmap(MulAdd.apply, in_axes=(0, None))(x, y)),
                     argnums=(0, 1))(X, y)
    close(gx, np.broadcast_to(Yv[0] + 1.0, (4, 3)))
    close(gy, Xv.sum(axis=0))
    # a number and a tensor kept as ctx attributes
    sv = rng.normal(size=4)
    gx, gs = cr.grad(lambda x, s: cr.sum(cr.vmap(Scale.apply, in_axes=(0, 0, None))(x, s, 3.0)),
                     argnums=(0, 1))(X, f64(sv))
    close(gx, 3.0 * np.broadcast_to(sv[:, None], (4, 3)))
    close(gs, 3.0 * Xv.sum(axis=1))
    # per-example Jacobians
    close(cr.vmap(cr.jacrev(Cube.apply))(X), np.stack([np.diag(3 * x ** 2) for x in Xv]))


def test_function_whose_forward_reads_values_says_why_under_vmap(rng):
    class Concrete(cr.Function):
        @staticmethod
        def forward(ctx, x):
            return x * float(x.sum())

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(ValueError, match="vmap"):
        cr.vmap(Concrete.apply)(f64(rng.normal(size=(2, 3))))


def test_function_under_forward_mode_is_a_type_error(rng):
    x = f64(rng.normal(size=3))
    with pytest.raises(TypeError, match="forward mode.*custom_jvp"):
        cr.jvp(Cube.apply, (x,), (f64(np.ones(3)),))
    with pytest.raises(TypeError, match="custom_jvp"):
        cr.jacfwd(Cube.apply)(x)


def test_function_keeps_grad_none_under_transforms(rng):
    x = f64(rng.normal(size=3), requires_grad=True)
    g = cr.grad(lambda v: cr.sum(Cube.apply(v)))(x)
    close(g, 3 * x.numpy() ** 2)
    assert x.grad is None


# ---------------------------------------------------------------- check_grads


def test_check_grads_passes_a_correct_function(rng):
    x = f64(rng.normal(size=3))
    assert check_grads(lambda v: cr.sin(v) * cr.exp(v), (x,), order=2,
                       modes=("fwd", "rev")) is True
    y = f64(rng.normal(size=3))
    assert check_grads(lambda a, b: cr.tanh(a * b) + a ** 2, (x, y), order=2) is True


def test_check_grads_passes_a_correct_custom_vjp(rng):
    x = f64(rng.normal(size=3))
    assert check_grads(make_true_sin(), (x,), order=2, modes=("rev",)) is True
    assert check_grads(make_scaled_sin(1.0), (x,), order=2, modes=("rev",)) is True


def test_check_grads_catches_a_wrong_custom_vjp(rng):
    x = f64(rng.normal(size=3))
    wrong = make_scaled_sin(1.5)
    with pytest.raises(GradcheckError, match="VJP"):
        check_grads(wrong, (x,), order=1, modes=("rev",))
    with pytest.raises(GradcheckError, match="VJP"):
        check_grads(wrong, (x,), order=2, modes=("rev",))
    # the clipping rule is wrong too, wherever a cotangent exceeds 1
    with pytest.raises(GradcheckError, match="disagrees"):
        check_grads(lambda v: make_clip_gradient()(v) * 5.0, (x,), order=1,
                    modes=("rev",))


def test_check_grads_catches_a_wrong_second_derivative(rng):
    # the first derivative is right, the rule's own derivative is not
    @cr.custom_vjp
    def f(x):
        return cr.sin(x)

    def fwd(x):
        return cr.sin(x), x

    def bwd(x, g):
        # equal to g·cos(x) in value, but its derivative in x is g·(3 - sin(x))
        return (g * (cr.cos(x) + 3.0 * (x - cr.stop_gradient(x))),)

    f.defvjp(fwd, bwd)
    x = f64(rng.normal(size=3))
    assert check_grads(f, (x,), order=1, modes=("rev",)) is True
    with pytest.raises(GradcheckError, match=r"order 2\)"):
        check_grads(f, (x,), order=2, modes=("rev",))


def test_check_grads_catches_a_wrong_custom_jvp(rng):
    x = f64(rng.normal(size=3))
    with pytest.raises(GradcheckError, match="JVP"):
        check_grads(make_scaled_exp_jvp(2.0), (x,), order=1, modes=("fwd",))
    with pytest.raises(GradcheckError, match="VJP"):
        check_grads(make_scaled_exp_jvp(2.0), (x,), order=1, modes=("rev",))
    assert check_grads(make_scaled_exp_jvp(1.0), (x,), order=1) is True


def test_check_grads_passes_a_correct_custom_jvp_to_second_order(rng):
    x = f64(rng.normal(size=3))
    assert check_grads(make_scaled_sin_jvp(1.0), (x,), order=2) is True


def test_check_grads_with_pytree_arguments_and_outputs(rng):
    a, b = f64(rng.normal(size=2)), f64(rng.normal(size=3))
    assert check_grads(lambda x: [cr.sin(x), cr.exp(x) * 2.0], (a,), order=2) is True
    assert check_grads(lambda p: {"u": p["a"] * cr.sum(p["b"]), "v": (cr.tanh(p["b"]),)},
                       ({"a": a, "b": b},), order=2) is True
    assert check_grads(lambda p, s: p[0] * s, ([a, a * 2.0], f64(1.5)), order=1) is True
    # a wrong rule among the leaves is still caught, and named by its order
    wrong = make_scaled_sin(1.5)
    with pytest.raises(GradcheckError, match=r"order 1\): ⟨vᵀJ, u⟩ \(VJP\) disagrees"):
        check_grads(lambda p: [p["x"] * 1.0, wrong(p["x"])], ({"x": a},), order=1,
                    modes=("rev",))

