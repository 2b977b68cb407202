"""JAX's transforms: chainrule's own (pure, pytrees in and out), returning Arrays and
raising with JAX's first sentence.

Inside a transform the function sees Arrays; those that stand for a Python number (``2.0``
in ``grad(f)(2.0)``) are weakly typed, as are the gradients, tangents and cotangents that
belong to them, as in JAX.
"""
from __future__ import annotations

import functools

import numpy as np

import chainrule as cr
from chainrule.batching import BatchedTensor
from chainrule.errors import NonScalarFunctionError
from chainrule.pytree import flatten, tree_map, unflatten
from chainrule.tensor import as_class

from ._array import Array, canonical_dtype, to_array
from ._rules import is_weak, mark


def _weak_flags(tree) -> list:
    return [is_weak(leaf) for leaf in flatten(tree)[0]]


def _seen_as_arrays(inner, outer, flags):
    """The arguments a transform hands the function, as Arrays (weakly typed where the
    caller's were), leaving the caller's own objects as they are."""
    leaves, tree = flatten(inner)
    originals = flatten(outer)[0]
    for leaf, original, weak in zip(leaves, originals, flags):
        if isinstance(leaf, cr.Tensor) and not isinstance(leaf, BatchedTensor):
            if leaf is not original and not isinstance(leaf, Array):
                as_class(leaf, Array)
            mark(leaf, weak)
    return unflatten(tree, leaves)


def _marked(tree, flags):
    leaves, structure = flatten(tree)
    return unflatten(structure, [mark(leaf, weak) if isinstance(leaf, cr.Tensor) else leaf
                                 for leaf, weak in zip(leaves, flags)])


def _input_dtype(leaf) -> np.dtype:
    if isinstance(leaf, bool):
        return np.dtype(bool)
    if isinstance(leaf, (int, float, complex)):
        return canonical_dtype(np.asarray(leaf).dtype)
    return canonical_dtype(np.asarray(leaf).dtype if not isinstance(leaf, cr.Tensor)
                           else leaf._data.dtype)


def _check_inexact(name: str, args, argnums) -> None:
    """JAX differentiates with respect to float (or complex) values only."""
    for n in (argnums,) if isinstance(argnums, int) else tuple(argnums):
        for leaf in flatten(args[n])[0]:
            dtype = _input_dtype(leaf)
            if dtype.kind not in "fc":
                raise TypeError(
                    f"{name} requires real- or complex-valued inputs (input dtype that is a "
                    f"sub-dtype of np.inexact), but got {dtype.name}. (chainrule: argument {n} "
                    "holds integers or booleans, which have no derivative; pass floats, e.g. "
                    "3.0 rather than 3, or x.astype(jnp.float32))")


def value_and_grad(fun, argnums=0, has_aux: bool = False):
    """(fun(*args), the gradient of fun with respect to args[argnums]); fun must return a
    scalar (JAX's policy: no implicit sum)."""

    @functools.wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        _check_inexact("grad", args, argnums)
        flags = [_weak_flags(a) for a in args]
        produced = []

        def seen(*inner, **inner_kwargs):
            inner = tuple(_seen_as_arrays(i, a, f) for i, a, f in zip(inner, args, flags))
            out = fun(*inner, **inner_kwargs)
            produced.append(_weak_flags(out[0] if has_aux else out))
            return out

        try:
            value, grads = to_array(cr.value_and_grad(seen, argnums, has_aux)(*args, **kwargs))
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
        if has_aux:
            value = (_marked(value[0], produced[-1]), value[1])
        else:
            value = _marked(value, produced[-1])
        if isinstance(argnums, int):
            grads = _marked(grads, flags[argnums])
        else:
            grads = tuple(_marked(g, flags[n]) for g, n in zip(grads, argnums))
        return value, grads
    return value_and_grad_f


def grad(fun, argnums=0, has_aux: bool = False):
    """The gradient of a scalar function ``fun`` with respect to args[argnums]."""
    value_and_grad_f = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def grad_f(*args, **kwargs):
        value, grads = value_and_grad_f(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return grad_f


def _returning_arrays(transform, name=None):
    @functools.wraps(transform)
    def jax_transform(fun, *args, **kwargs):
        transformed = transform(fun, *args, **kwargs)

        @functools.wraps(fun)
        def call(*a, **k):
            if name is not None:
                _check_inexact(name, a, kwargs.get("argnums", args[0] if args else 0))
            return to_array(transformed(*a, **k))
        return call
    return jax_transform


jacfwd = _returning_arrays(cr.jacfwd, "jacfwd")
jacrev = jacobian = _returning_arrays(cr.jacrev, "jacrev")
hessian = _returning_arrays(cr.hessian, "jacfwd")
vmap = _returning_arrays(cr.vmap)


def jvp(fun, primals, tangents):
    """(fun(*primals), J·tangents); the tangents are weakly typed where the outputs are."""
    flags = [_weak_flags(p) for p in primals]
    produced = []

    def seen(*inner):
        out = fun(*[_seen_as_arrays(i, p, f) for i, p, f in zip(inner, primals, flags)])
        produced.append(_weak_flags(out))
        return out

    primal_out, tangent_out = to_array(cr.jvp(seen, primals, tangents))
    return _marked(primal_out, produced[-1]), _marked(tangent_out, produced[-1])


def vjp(fun, *primals, has_aux: bool = False):
    """(fun(*primals), vjp_fn), and aux with ``has_aux``; vjp_fn(v) is a tuple of vᵀ·J,
    one per primal (weakly typed where the primal is)."""
    flags = [_weak_flags(p) for p in primals]
    produced = []

    def seen(*inner):
        out = fun(*[_seen_as_arrays(i, p, f) for i, p, f in zip(inner, primals, flags)])
        produced.append(_weak_flags(out[0] if has_aux else out))
        return out

    out = cr.vjp(seen, *primals, has_aux=has_aux)
    pullback = out[1]

    @functools.wraps(pullback)
    def wrapped(cotangent):
        return tuple(_marked(c, f) for c, f in zip(to_array(pullback(cotangent)), flags))

    return (_marked(to_array(out[0]), produced[-1]), wrapped) + tuple(to_array(out[2:]))


def jit(fun=None, **options):
    """``jax.jit``: chainrule runs eagerly, so the function is returned as it is."""
    return fun if fun is not None else (lambda f: f)


def stop_gradient(x):
    """The values of x (a pytree); no gradient flows back through the result (weakly
    typed where x is)."""
    return tree_map(lambda leaf: mark(to_array(cr.stop_gradient(leaf)), is_weak(leaf)), x)
