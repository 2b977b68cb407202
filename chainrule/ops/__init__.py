"""Every primitive and composite, raw-or-tensor: plain NumPy in, plain NumPy out;
a Tensor in, a (possibly recorded) Tensor out. The public API wraps these."""
from .arithmetic import (absolute, add, alias, ceil, clip, copy, zeros_like_op, divide, floor, logical_and,
                         logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply,
                         negative, power, reciprocal, remainder, round, sign, square,
                         subtract, trunc, where)
from .complex import angle, conj, imag, real
from .compare import (all, allclose, any, count_nonzero, equal, floor_divide, greater,
                      greater_equal, isfinite, isinf, isnan, less, less_equal, not_equal)
from .elementwise import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cbrt,
                          cos, cosh, exp, exp2, expm1, log, log1p, log2, log10, relu, sigmoid,
                          sin, sinh, sqrt, tan, tanh)
from .indexing import getitem, index_put, normalize_index, scatter_add, take
from .linalg import (det, dot, einsum, inner, inv, matmul, norm, outer, slogdet, solve,
                     tensordot, vdot)
from .reduction import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logsumexp,
                        max, mean, min, prod, softmax, std, sum, var)
from .shape import (astype, atleast_1d, atleast_2d, broadcast_to, concatenate, expand_dims,
                    flatten, flip, hstack, moveaxis, pad, ravel, repeat, reshape, roll, split,
                    squeeze, stack, sum_to, swapaxes, tile, transpose, vstack)

abs = absolute  # noqa: A001 - NumPy's name
