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


def _check_callable(fn, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"{what}: the function to check must be a callable, got "
                        f"{type(fn).__name__}")


def _as_tuple(value) -> tuple:
    if isinstance(value, Tensor):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _float_outputs(outputs) -> list:
    return [o for o in _as_tuple(outputs)
            if isinstance(o, Tensor) and o.dtype.kind in "fc"]


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
    _check_callable(fn, "gradcheck")
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
    ("rev"), and, with both modes, the JVP against the VJP. Order k checks the
    derivative functions of order k - 1 the same way: u ↦ J·u as a function of the
    inputs, and v ↦ vᵀJ as a function of the inputs and of v (so the JVP rules of what
    only backward passes use are checked too).

    ``args``: the arguments of f, a tuple (a single tensor is one argument). Arguments
    and outputs may be pytrees (tuples, lists, dicts) of float64 tensors or arrays.
    Raises GradcheckError naming the order and the mode on a mismatch; returns True.
    """
    from .pytree import flatten, unflatten
    _check_callable(f, "check_grads")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be an int of 1 or more, got {order!r}")
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    unknown = [m for m in modes if m not in ("fwd", "rev")]
    if unknown or not modes:  # a check of no mode would pass without checking anything
        raise ValueError(f"check_grads: modes must be 'fwd', 'rev' or both, got {modes!r}")
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    leaves, tree = flatten(args)

    def flat_f(*xs):
        return tuple(flatten(f(*unflatten(tree, xs)))[0])
    tolerances = (eps, atol, rtol)
    _check(flat_f, [_as_float64(x) for x in leaves], 1, order, modes, tolerances, seed)
    return True


def _check(f, xs, level, order, modes, tolerances, seed) -> None:
    """One order of check_grads on f, a function of flat inputs with flat outputs."""
    from .transforms import jvp, vjp
    eps, atol, rtol = tolerances
    rng = np.random.default_rng(seed + level - 1)
    u = tuple(wrap(_direction(rng, x)) for x in xs)
    v = tuple(wrap(_direction(rng, o)) for o in f(*xs))
    numeric = _directional_difference(f, xs, u, eps)
    where = f"check_grads (order {level})"
    if "fwd" in modes:
        _, tangent = jvp(f, tuple(xs), u)
        _compare([_value(t) for t in tangent], numeric, atol, rtol, where, "JVP",
                 "finite differences")
    if "rev" in modes:
        _, pullback = vjp(f, *xs)
        lhs = _inner(pullback(v), u)
        _compare([lhs], [_inner(v, numeric)], atol, rtol, where, "⟨vᵀJ, u⟩ (VJP)",
                 "⟨v, J·u⟩ (finite differences)")
        if "fwd" in modes:
            _compare([lhs], [_inner(v, tangent)], atol, rtol, where, "⟨vᵀJ, u⟩ (VJP)",
                     "⟨v, J·u⟩ (JVP)")
    if level >= order:
        return
    if "fwd" in modes:
        _check(lambda *ys: jvp(f, ys, u)[1], xs, level + 1, order, modes, tolerances, seed)
    if "rev" in modes:
        n = len(xs)

        def pulled(*ys):
            _, pullback = vjp(f, *ys[:n])
            return pullback(tuple(ys[n:]))
        _check(pulled, list(xs) + list(v), level + 1, order, modes, tolerances, seed)


def _direction(rng, x) -> np.ndarray:
    """A random direction for x: complex for a complex x (real and imaginary parts)."""
    shape = np.shape(x)
    if np.asarray(x.numpy() if isinstance(x, Tensor) else x).dtype.kind == "c":
        # (as arrays: for shape () NumPy's draws are scalars)
        return np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape))
    return rng.standard_normal(shape)


def _as_float64(a):
    if not isinstance(a, Tensor):
        a = np.asarray(a)
        a = wrap(a if a.dtype == np.complex128 else a.astype(np.float64))
    if a.dtype not in (np.float64, np.complex128):
        raise ValueError(f"check_grads needs float64 (or complex128) arguments, got "
                         f"{a.dtype}; create them with dtype=float64")
    return a


def _value(x) -> np.ndarray:
    value = np.asarray(x.numpy() if isinstance(x, Tensor) else x)
    return value if value.dtype.kind == "c" else value.astype(np.float64)


def _inner(a, b) -> np.ndarray:
    # The real part of the bilinear ⟨a, b⟩ = Σ a·b: with complex values, VJPs are the
    # transposes of JVPs for it (JAX's convention, docs/complex.md).
    return np.array(sum(float(np.real(np.sum(_value(x) * _value(y))))
                        for x, y in zip(a, b)))


def _directional_difference(f, xs, u, eps) -> list:
    def at(sign):
        return f(*[wrap(np.asarray(x.numpy() + sign * eps * d.numpy())) for x, d in zip(xs, u)])
    return [(_value(p) - _value(m)) / (2 * eps) for p, m in zip(at(1), at(-1))]


def _compare(got, expected, atol, rtol, where, what, against) -> None:
    for k, (g, e) in enumerate(zip(got, expected)):
        if not np.allclose(g, e, atol=atol, rtol=rtol):
            which = f" (output leaf {k})" if len(got) > 1 else ""
            raise GradcheckError(
                f"{where}: {what} disagrees with {against}{which}:\n"
                f"{what}: {g}\n{against}: {e}")
