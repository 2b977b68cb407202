"""JAX's transforms: chainrule's own (pure, pytrees in and out), returning Arrays and
raising with JAX's first sentence."""
from __future__ import annotations

import functools

import numpy as np

import chainrule as cr
from chainrule.errors import NonScalarFunctionError
from chainrule.pytree import tree_map

from ._array import to_array


def value_and_grad(fun, argnums=0, has_aux: bool = False):
    """(fun(*args), the gradient of fun with respect to args[argnums]); fun must return a
    scalar (JAX's policy: no implicit sum)."""
    transformed = cr.value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        try:
            return to_array(transformed(*args, **kwargs))
        except NonScalarFunctionError as exc:
            if exc.shape is None:
                sentence = "Gradient only defined for scalar-output functions."
            elif exc.shape != ():
                sentence = ("Gradient only defined for scalar-output functions. Output had "
                            f"shape: {exc.shape}.")
            else:
                sentence = ("grad requires real-valued outputs (output dtype that is a "
                            f"sub-dtype of np.floating), but got {np.dtype(exc.dtype).name}.")
            raise TypeError(f"{sentence} ({exc})") from None
    return value_and_grad_f


def grad(fun, argnums=0, has_aux: bool = False):
    """The gradient of a scalar function ``fun`` with respect to args[argnums]."""
    value_and_grad_f = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        value, grads = value_and_grad_f(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return grad_f


def _returning_arrays(transform):
    @functools.wraps(transform)
    def jax_transform(fun, *args, **kwargs):
        transformed = transform(fun, *args, **kwargs)

        @functools.wraps(fun)
        def call(*a, **k):
            return to_array(transformed(*a, **k))
        return call
    return jax_transform


jacfwd = _returning_arrays(cr.jacfwd)
jacrev = jacobian = _returning_arrays(cr.jacrev)
hessian = _returning_arrays(cr.hessian)
vmap = _returning_arrays(cr.vmap)


def jvp(fun, primals, tangents):
    """(fun(*primals), J·tangents)."""
    return to_array(cr.jvp(fun, primals, tangents))


def vjp(fun, *primals, has_aux: bool = False):
    """(fun(*primals), vjp_fn), and aux with ``has_aux``; vjp_fn(v) is a tuple of vᵀ·J,
    one per primal."""
    out = cr.vjp(fun, *primals, has_aux=has_aux)
    pullback = out[1]
    wrapped = functools.wraps(pullback)(lambda cotangent: to_array(pullback(cotangent)))
    return (to_array(out[0]), wrapped) + tuple(to_array(out[2:]))


def jit(fun=None, **options):
    """``jax.jit``: chainrule runs eagerly, so the function is returned as it is."""
    return fun if fun is not None else (lambda f: f)


def stop_gradient(x):
    """The values of x (a pytree); no gradient flows back through the result."""
    return to_array(tree_map(cr.stop_gradient, x))
