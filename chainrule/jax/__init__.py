"""``import chainrule.jax as jax``, ``from chainrule.jax import numpy as jnp, grad, random``:
JAX's API on chainrule.

Policy (DESIGN.md): differentiation happens inside a transform (``grad``, ``jacrev``...),
which returns the gradient and touches no state; ``grad`` of a non-scalar function is an
error (use ``jacrev``/``jacfwd`` or sum first); being pure, a transform can be applied
again and again. Arrays are immutable (``x.at[idx].set(v)``) and 32-bit by default.
"""
from __future__ import annotations

import types as _types

import numpy as _np

from chainrule.pytree import flatten as _flatten, tree_map as _tree_map

from . import numpy, random
from ._array import Array
from ._transforms import (grad, hessian, jacfwd, jacobian, jacrev, jit, jvp, stop_gradient,
                          value_and_grad, vjp, vmap)

lax = _types.SimpleNamespace(stop_gradient=stop_gradient)
tree_util = _types.SimpleNamespace(tree_map=_tree_map,
                                   tree_leaves=lambda tree: _flatten(tree)[0])


def device_get(x):
    """The values of Arrays (a pytree of them) as NumPy arrays."""
    return _tree_map(lambda a: _np.array(a) if isinstance(a, Array) else a, x)


def device_put(x, device=None):
    """Arrays from NumPy data (a pytree of it)."""
    return _tree_map(numpy.asarray, x)


__all__ = ["Array", "numpy", "random", "grad", "value_and_grad", "jacfwd", "jacrev",
           "jacobian", "hessian", "jvp", "vjp", "vmap", "jit", "lax", "tree_util",
           "device_get", "device_put"]
