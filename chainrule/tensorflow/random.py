"""``tf.random``: draws from chainrule's generator (``set_seed`` makes them repeat)."""
from __future__ import annotations

import chainrule as cr
from chainrule.tensor import as_class

from ._tensor import Tensor, to_np_dtype


def set_seed(seed: int) -> None:
    cr.random.seed(seed)


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, int) else tuple(int(s) for s in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None) -> Tensor:
    """Samples from N(mean, stddev²), float32 unless ``dtype`` says otherwise."""
    return as_class(cr.random.normal(mean, stddev, _shape(shape), to_np_dtype(dtype)), Tensor)


def uniform(shape, minval=0.0, maxval=None, dtype=None, seed=None, name=None) -> Tensor:
    """Samples from the uniform distribution on [minval, maxval) (maxval 1 by default)."""
    maxval = 1.0 if maxval is None else maxval
    return as_class(cr.random.uniform(minval, maxval, _shape(shape), to_np_dtype(dtype)),
                    Tensor)
