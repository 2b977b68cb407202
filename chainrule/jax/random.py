"""``jax.random``: explicit keys. A key is a uint32 pair (``PRNGKey(1)`` is [0, 1]); the
same key always gives the same numbers, and ``split`` derives new keys from a key. The
numbers are NumPy's (a Generator seeded by the key), not JAX's threefry values."""
from __future__ import annotations

import numpy as np

import chainrule as cr

from ._array import Array, canonical_dtype, to_array


def PRNGKey(seed: int) -> Array:  # noqa: N802 - JAX's name
    seed = int(seed)
    return to_array(cr.asarray(np.array([(seed >> 32) & 0xFFFFFFFF, seed & 0xFFFFFFFF],
                                        dtype=np.uint32)))


key = PRNGKey


def _generator(key) -> np.random.Generator:
    words = np.asarray(key, dtype=np.uint32).reshape(-1)
    return np.random.default_rng([int(w) for w in words])


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)


def split(key, num: int = 2) -> Array:
    """``num`` new keys, shape (num, 2)."""
    return to_array(cr.asarray(_generator(key).integers(0, 2**32, (num, 2), dtype=np.uint32)))


def _floats(values, dtype) -> Array:
    dtype = np.float32 if dtype is None else canonical_dtype(dtype)
    return to_array(cr.asarray(np.asarray(values, dtype)))


def normal(key, shape=(), dtype=None) -> Array:
    """Standard normal samples."""
    return _floats(_generator(key).standard_normal(_shape(shape)), dtype)


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0) -> Array:
    """Samples from the uniform distribution on [minval, maxval)."""
    return _floats(_generator(key).uniform(minval, maxval, _shape(shape)), dtype)


def randint(key, shape, minval, maxval, dtype=None) -> Array:
    """Random integers in [minval, maxval) (int32)."""
    dtype = np.int32 if dtype is None else canonical_dtype(dtype)
    values = _generator(key).integers(minval, maxval, _shape(shape))
    return to_array(cr.asarray(values.astype(dtype)))
