"""Checking derivatives against central finite differences (float64).

``gradcheck`` compares the Jacobian that reverse mode computes, one row per output
element, with the Jacobian from central differences; ``gradgradcheck`` does the same for
the (recorded) backward pass itself, i.e. second derivatives. Both also check that
gradients have their input's shape and dtype, that a zero cotangent gives zero gradients,
and that running the backward twice gives the same result.
"""
from __future__ import annotations

import numpy as np

from .backward import grad
from .tensor import Tensor, wrap


class GradcheckError(AssertionError):
    """Raised by gradcheck / gradgradcheck when derivatives disagree."""


def _as_tuple(value) -> tuple:
    if isinstance(value, Tensor):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _float_outputs(outputs) -> list:
    return [o for o in _as_tuple(outputs)
            if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _analytic_jacobian(fn, inputs, diff):
    """J[k][i]: d output k / d input i as a (out size, in size) matrix, by reverse mode."""
    outputs = _float_outputs(fn(*inputs))
    jac = [[np.zeros((o.size, x.size)) for x in diff] for o in outputs]
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        for j in range(out.size):
            seed = np.zeros(out.size, out.dtype)
            seed[j] = 1.0
            seed = wrap(seed.reshape(out.shape))
            grads = grad([out], diff, [seed], retain_graph=True, allow_unused=True)
            for i, (g, x) in enumerate(zip(grads, diff)):
                if g is None:
                    continue
                if g.shape != x.shape or g.dtype != x.dtype:
                    raise GradcheckError(
                        f"the gradient for input {i} has shape {g.shape} and dtype "
                        f"{g.dtype}; expected those of the input, {x.shape} and {x.dtype}")
                jac[k][i][j] = g.numpy().ravel()
    return outputs, jac


def _numeric_jacobian(fn, inputs, diff, eps):
    outputs = _float_outputs(fn(*inputs))
    jac = [[np.zeros((o.size, x.size)) for x in diff] for o in outputs]
    # Not under no_grad: fn may itself differentiate (as in gradgradcheck).
    for i, x in enumerate(diff):
        flat = x._data.reshape(-1)  # a view: writes go to x itself
        for j in range(x.size):
            original = flat[j]
            flat[j] = original + eps
            plus = [o.numpy().astype(np.float64).ravel() for o in _float_outputs(fn(*inputs))]
            flat[j] = original - eps
            minus = [o.numpy().astype(np.float64).ravel() for o in _float_outputs(fn(*inputs))]
            flat[j] = original
            for k in range(len(outputs)):
                jac[k][i][:, j] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _differentiable_inputs(inputs) -> list:
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    for x in diff:
        if x.dtype != np.float64:
            raise ValueError(
                f"gradcheck needs float64 inputs for accurate finite differences, got "
                f"{x.dtype}; create the inputs with dtype=float64")
        if not x.is_leaf:
            raise ValueError("gradcheck inputs must be leaf tensors (requires_grad=True)")
    if not diff:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    return diff


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> bool:
    """Check reverse-mode gradients of ``fn`` against central finite differences.

    ``inputs``: a tensor or a tuple of them; those with ``requires_grad=True`` (float64
    leaves) are checked. Returns True, or raises GradcheckError saying which output and
    input disagree and by how much (returns False with ``raise_exception=False``).
    """
    inputs = _as_tuple(inputs)
    diff = _differentiable_inputs(inputs)
    outputs, analytic = _analytic_jacobian(fn, inputs, diff)
    numeric = _numeric_jacobian(fn, inputs, diff, eps)
    for k in range(len(outputs)):
        for i in range(len(diff)):
            a, n = analytic[k][i], numeric[k][i]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False):
                worst = np.unravel_index(np.argmax(np.abs(a - n)), a.shape)
                return _fail(
                    f"Jacobian mismatch for output {k} with respect to input {i}:\n"
                    f"analytic:\n{a}\nnumerical:\n{n}\nlargest difference "
                    f"{np.abs(a - n)[worst]:.3g} at (output element, input element) = "
                    f"{tuple(int(w) for w in worst)}", raise_exception)
    if not _zero_cotangent_ok(fn, inputs, diff):
        return _fail("a zero cotangent did not give zero gradients", raise_exception)
    _, again = _analytic_jacobian(fn, inputs, diff)
    for k in range(len(outputs)):
        for i in range(len(diff)):
            if not np.array_equal(analytic[k][i], again[k][i], equal_nan=True):
                return _fail(f"backward is not reentrant: two runs gave different gradients "
                             f"for output {k}, input {i}", raise_exception)
    return True


def _zero_cotangent_ok(fn, inputs, diff) -> bool:
    outputs = [o for o in _float_outputs(fn(*inputs)) if o.requires_grad]
    if not outputs:
        return True
    zeros = [wrap(np.zeros(o.shape, o.dtype)) for o in outputs]
    grads = grad(outputs, diff, zeros, allow_unused=True)
    return all(g is None or not np.any(g.numpy()) for g in grads)


def gradgradcheck(fn, inputs, grad_outputs=None, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, seed: int = 0) -> bool:
    """Check second derivatives: gradcheck of the recorded backward pass of ``fn``.

    ``grad_outputs`` (the v of vᵀ·J, one per output) are drawn at random when not given;
    they are differentiated too, so the check covers the backward's dependence on them.
    """
    inputs = _as_tuple(inputs)
    diff = _differentiable_inputs(inputs)
    outputs = _float_outputs(fn(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = tuple(
            wrap(rng.standard_normal(o.shape)).requires_grad_() for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)
    positions = [j for j, x in enumerate(inputs) if any(x is d for d in diff)]

    def first_derivatives(*args):
        xs, vs = args[:n], args[n:]
        outs = [o for o in _float_outputs(fn(*xs))]
        live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        if not live:
            return ()
        grads = grad([o for o, _ in live], [xs[j] for j in positions], [v for _, v in live],
                     create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)


# ---------------------------------------------------------------- both modes, any order


def check_grads(f, args, order: int = 2, modes=("fwd", "rev"), eps: float = 1e-6,
                atol: float = 1e-5, rtol: float = 1e-3, seed: int = 0) -> bool:
    """Check f's derivatives in forward and reverse mode, up to ``order``.

    In random directions u (inputs) and v (outputs): the JVP J·u against central finite
    differences ("fwd"), the VJP through ⟨vᵀJ, u⟩ = ⟨v, J·u⟩ against finite differences
    ("rev"), and, with both modes, the JVP against the VJP. Higher orders check the
    derivative functions themselves the same way. ``args``: a tuple of float64 tensors.
    Raises GradcheckError on a mismatch; returns True.
    """
    from .transforms import jvp, vjp
    args = tuple(_as_float64(a) for a in _as_tuple(args))
    rng = np.random.default_rng(seed)
    u = tuple(wrap(rng.standard_normal(a.shape)) for a in args)
    out = _as_tuple(f(*args))
    v = tuple(wrap(rng.standard_normal(np.shape(o))) for o in out)
    numeric = _directional_difference(f, args, u, eps)
    if "fwd" in modes:
        _, tangent = jvp(f, args, u)
        _compare(_flat(tangent), numeric, atol, rtol, "JVP", "finite differences", order)
    if "rev" in modes:
        _, pullback = vjp(f, *args)
        cotangent = pullback(v if isinstance(f(*args), tuple) else v[0])
        lhs = sum(float(np.sum(np.asarray(c) * np.asarray(d))) for c, d in zip(cotangent, u))
        rhs = sum(float(np.sum(np.asarray(a) * b)) for a, b in zip(v, numeric))
        _compare([np.array(lhs)], [np.array(rhs)], atol, rtol, "⟨vᵀJ, u⟩ (VJP)",
                 "⟨v, J·u⟩ (finite differences)", order)
        if "fwd" in modes:
            jvp_side = sum(float(np.sum(np.asarray(a) * np.asarray(b)))
                           for a, b in zip(v, _flat(tangent)))
            _compare([np.array(lhs)], [np.array(jvp_side)], atol, rtol, "⟨vᵀJ, u⟩ (VJP)",
                     "⟨v, J·u⟩ (JVP)", order)
    if order > 1:
        if "fwd" in modes:
            check_grads(lambda *xs: jvp(f, xs, u)[1], args, order - 1, modes, eps, atol,
                        rtol, seed + 1)
        if "rev" in modes:
            single = not isinstance(f(*args), tuple)

            def pulled(*xs):
                _, pullback = vjp(f, *xs)
                return pullback(v[0] if single else v)
            check_grads(pulled, args, order - 1, modes, eps, atol, rtol, seed + 1)
    return True


def _as_float64(a):
    t = a if isinstance(a, Tensor) else wrap(np.asarray(a, dtype=np.float64))
    if t.dtype != np.float64:
        raise ValueError(f"check_grads needs float64 arguments, got {t.dtype}")
    return t


def _flat(value) -> list:
    return [np.asarray(v) for v in _as_tuple(value)]


def _directional_difference(f, args, u, eps) -> list:
    plus = _as_tuple(f(*[wrap(a.numpy() + eps * d.numpy()) for a, d in zip(args, u)]))
    minus = _as_tuple(f(*[wrap(a.numpy() - eps * d.numpy()) for a, d in zip(args, u)]))
    return [(np.asarray(p, dtype=np.float64) - np.asarray(m, dtype=np.float64)) / (2 * eps)
            for p, m in zip(plus, minus)]


def _compare(got, expected, atol, rtol, what, against, order) -> None:
    for g, e in zip(got, expected):
        if not np.allclose(g, e, atol=atol, rtol=rtol):
            raise GradcheckError(
                f"check_grads (order {order}): {what} disagrees with {against}:\n"
                f"{what}: {g}\n{against}: {e}")
