"""The sample table of chainrule.numpy: sample calls of every public differentiable
function of chainrule.numpy, chainrule.numpy.linalg and chainrule.numpy.fft, and the
written list of the public names that are not differentiated, each with its reason.

A sample's ``call(np, *args)`` is written against a NumPy-like module passed as ``np``:
tests/test_numpy_acceptance.py runs it with chainrule.numpy (and checks its derivatives)
and with NumPy itself (and compares the values), so a call here must be valid NumPy.
Arguments are float64 arrays inside the function's domain: away from kinks, ties, poles
and branch cuts by far more than the finite-difference step, so a failure means a wrong
rule, not a point where the derivative does not exist. Functions of several outputs, or
of outputs with arbitrary signs or phases (eigenvectors, singular vectors), are sampled
through losses that do not depend on those choices. Complex results are checked
through their real and imaginary parts (``parts``); complex inputs are either built from
real ones (``x + 1j * y``) or given as complex128 arrays (the "complex input" samples,
checked with JAX's convention: the VJP is the transpose of the JVP).

This module imports NumPy only: the table is built at collection time, and
chainrule.numpy is imported inside the tests, so a missing part of the namespace fails
its own tests rather than the collection of all of them.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

THIRD_ORDER = {"dot", "outer", "tensordot"}  # the acceptance: order 3 for these


@dataclass(frozen=True)
class Sample:
    name: str  # the public name, qualified by its submodule: "sin", "linalg.norm", "fft.rfft"
    call: Callable  # call(np, *args), np being chainrule.numpy or numpy
    args: tuple  # float64 arrays, all differentiated
    order: int
    label: str

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name


def resolve(module, name: str):
    """The object ``name`` ("linalg.norm") names in ``module``."""
    return functools.reduce(getattr, name.split("."), module)


SAMPLES: list[Sample] = []


def sample(name: str, call: Callable, *args, label: str = "") -> None:
    order = 3 if name in THIRD_ORDER else 2
    SAMPLES.append(Sample(name, call, tuple(_as_argument(a) for a in args), order, label))


def _as_argument(a):
    return np.asarray(a, np.complex128 if np.iscomplexobj(a) else np.float64)


def unary(name: str, x, label: str = "") -> None:
    sample(name, lambda np, x: resolve(np, name)(x), x, label=label)


def binary(name: str, x, y, label: str = "") -> None:
    sample(name, lambda np, x, y: resolve(np, name)(x, y), x, y, label=label)


def parts(np, y):
    """A complex result as its real and imaginary parts (both real, both checked)."""
    return np.real(y), np.imag(y)


# ---------------------------------------------------------------- inputs

_rng = np.random.default_rng(8)


def real(*shape, low=-1.5, high=1.5):
    return _rng.uniform(low, high, shape)


def positive(*shape):
    return _rng.uniform(0.5, 2.0, shape)


def unit(*shape):
    return _rng.uniform(-0.8, 0.8, shape)


def distinct(*shape):
    """Values 0.3 apart, none within 0.1 of 0, no two of one magnitude (|-0.2| and |0.1|
    differ by 0.1), shuffled: no ties, no kinks at 0, none in norms of ord ±inf."""
    n = math.prod(shape)
    values = 0.3 * (np.arange(n) - n // 2) + 0.1
    return _rng.permutation(values).reshape(shape)


def matrix(n, m=None):
    """A well-conditioned matrix (square: the identity plus a small perturbation)."""
    m = n if m is None else m
    return np.eye(n, m) + 0.3 * real(n, m)


def spd(n):
    a = real(n, n)
    return a @ a.T + n * np.eye(n)


def symmetric(np, a):
    """The symmetric part: the checks perturb in every direction, and eigh and cholesky
    read one triangle only, so they are sampled on a function of any matrix."""
    return (a + np.swapaxes(a, -1, -2)) / 2


# ---------------------------------------------------------------- ufuncs

for _name in ("sin", "cos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "exp", "exp2",
              "expm1", "square", "negative", "positive", "deg2rad", "rad2deg", "degrees",
              "radians", "sinc"):
    unary(_name, real(2, 3))
unary("sinc", np.array([0.0, 0.5, -1.3]), label="at 0")
for _name in ("log", "log2", "log10", "log1p", "sqrt"):
    unary(_name, positive(2, 3))
for _name in ("tan", "arcsin", "arccos", "arctanh", "asin", "acos", "atanh"):
    unary(_name, unit(2, 3))
for _name in ("arccosh", "acosh"):
    unary(_name, real(2, 3, low=1.2, high=3.0))
for _name in ("asinh", "atan"):  # NumPy 2's array-API names
    unary(_name, real(2, 3))
for _name in ("absolute", "abs", "fabs", "cbrt", "reciprocal"):
    unary(_name, distinct(2, 3))
# On real input real, conj and conjugate are the identity, imag and angle constants.
for _name in ("real", "imag", "conj", "conjugate", "angle"):
    unary(_name, distinct(2, 3), label="real input")
for _name in ("real", "imag"):
    sample(_name, lambda np, x, y, name=_name: resolve(np, name)(x + 1j * y),
           real(3), real(3), label="complex")
for _name in ("conj", "conjugate"):
    sample(_name, lambda np, x, y, name=_name: parts(np, resolve(np, name)(x + 1j * y)),
           real(3), real(3), label="complex")
sample("angle", lambda np, x, y: np.angle(x + 1j * y), distinct(4), distinct(4),
       label="complex")
sample("absolute", lambda np, x, y: np.absolute(x + 1j * y), distinct(4), distinct(4),
       label="complex")
for _name in ("sin", "exp", "log", "sqrt", "tanh", "square", "reciprocal"):
    sample(_name, lambda np, x, y, name=_name: parts(np, resolve(np, name)(x + 1j * y)),
           positive(3), distinct(3), label="complex")

for _name in ("add", "subtract", "multiply", "logaddexp", "logaddexp2"):
    binary(_name, real(2, 3), real(3), label="broadcast")
for _name in ("divide", "true_divide"):
    binary(_name, real(2, 3), positive(2, 3))
for _name in ("power", "float_power", "pow"):
    binary(_name, positive(2, 3), real(2, 3))
sample("power", lambda np, x: np.power(x, 3), real(4), label="integer exponent")
sample("multiply", lambda np, x: np.multiply(x, 2.5), real(4), label="python float")
sample("multiply", lambda np, x, y: parts(np, np.multiply(x + 1j * y, y - 2j * x)),
       real(3), real(3), label="complex")
sample("divide", lambda np, x, y: parts(np, np.divide(x + 1j * y, 2.0 - 1j * x)),
       real(3), real(3), label="complex")
_base = distinct(2, 3)
for _name in ("maximum", "minimum", "fmax", "fmin"):
    binary(_name, _base, _base + _rng.choice([-0.1, 0.1], _base.shape))
binary("hypot", distinct(2, 3), real(2, 3))
for _name in ("arctan2", "atan2"):
    binary(_name, distinct(2, 3), real(2, 3))
binary("nextafter", real(2, 3), real(2, 3))  # x moved by one ulp: derivative 1 and 0
binary("copysign", distinct(2, 3), distinct(2, 3))
# x / y = 2.3, -2.8, 2.63 ...: far from the jumps at integers.
for _name in ("mod", "remainder", "fmod"):
    binary(_name, np.array([2.3, -5.6, 7.9, -0.4]), np.array([1.0, 2.0, 3.0, 1.5]))
sample("divmod", lambda np, x, y: np.divmod(x, y), np.array([2.3, -5.6, 7.9]),
       np.array([1.0, 2.0, 3.0]))
sample("ldexp", lambda np, x: np.ldexp(x, np.array([1, -2, 3])), real(3))

# ---------------------------------------------------------------- reductions

for _name in ("sum", "prod", "mean", "var", "std"):
    unary(_name, real(2, 3))
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x, axis=1, keepdims=True),
           real(2, 3), label="axis=1 keepdims")
sample("var", lambda np, x: np.var(x, ddof=1), real(4), label="ddof=1")
sample("std", lambda np, x: np.std(x, axis=0, ddof=1), real(3, 2), label="ddof=1")
for _name in ("max", "min", "amax", "amin"):
    unary(_name, distinct(2, 3))
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x, axis=0), distinct(2, 3),
           label="axis=0")
for _name in ("cumsum", "cumprod"):
    unary(_name, real(2, 3))
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x, axis=1), real(2, 3),
           label="axis=1")
sample("ptp", lambda np, x: np.ptp(x, axis=1), distinct(2, 3))
for _name in ("cumulative_sum", "cumulative_prod"):
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x, axis=1, include_initial=True),
           real(2, 3))
sample("median", lambda np, x: np.median(x), distinct(5), label="odd")
sample("median", lambda np, x: np.median(x, axis=1), distinct(2, 4), label="even axis=1")
# NaN-ignoring reductions: the NaN stays NaN under the checks' perturbations.
_nan = np.array([[0.0, np.nan, 0.0], [0.0, 0.0, 0.0]])
for _name in ("nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin"):
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x + _nan, axis=1),
           distinct(2, 3), label="axis=1")
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x + _nan), distinct(2, 3))
sample("cov", lambda np, x: np.cov(x), real(2, 4))
sample("cov", lambda np, x: np.cov(x, rowvar=False, ddof=0), real(4, 2), label="rowvar ddof")
sample("corrcoef", lambda np, x: np.corrcoef(x), real(3, 4))
sample("trapezoid", lambda np, y: np.trapezoid(y, dx=0.5), real(5))
sample("trapezoid", lambda np, y, x: np.trapezoid(y, x=x), real(4),
       np.array([0.0, 0.4, 1.1, 1.5]), label="x")
sample("average", lambda np, x, w: np.average(x, axis=0, weights=w), real(3, 2), positive(3))

# ---------------------------------------------------------------- products

sample("dot", lambda np, x, y: np.dot(x, y), real(3), real(3), label="vectors")
sample("dot", lambda np, a, x: np.dot(a, x), real(2, 3), real(3), label="matrix vector")
sample("dot", lambda np, a, b: np.dot(a, b), real(2, 3), real(3, 2), label="matrices")
sample("outer", lambda np, x, y: np.outer(x, y), real(3), real(2))
sample("tensordot", lambda np, a, b: np.tensordot(a, b, axes=1), real(2, 3), real(3, 2),
       label="axes=1")
sample("tensordot", lambda np, a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])),
       real(2, 2, 3), real(3, 2), label="axes pairs")
sample("matmul", lambda np, a, b: np.matmul(a, b), real(2, 2, 3), real(3, 2), label="stacked")
sample("inner", lambda np, a, b: np.inner(a, b), real(2, 3), real(3))
sample("vdot", lambda np, a, b: np.vdot(a, b), real(2, 2), real(2, 2))
sample("vecdot", lambda np, x, y: np.vecdot(x, y), real(2, 3), real(3))
sample("matvec", lambda np, a, x: np.matvec(a, x), real(2, 3), real(2, 3))
sample("vecmat", lambda np, x, a: np.vecmat(x, a), real(2), real(2, 3))
sample("einsum", lambda np, a, b: np.einsum("ij,jk->ik", a, b), real(2, 3), real(3, 2))
sample("einsum", lambda np, a: np.einsum("ii->", a), real(3, 3), label="trace")
for _name in ("convolve", "correlate"):
    for _mode in ("full", "same", "valid"):
        sample(_name, lambda np, a, v, name=_name, mode=_mode: resolve(np, name)(a, v, mode),
               real(5), real(3), label=_mode)
sample("polyval", lambda np, p, x: np.polyval(p, x), real(4), real(3))
# x between the knots 0, 1, 2.5, 3 (interp has kinks at knots), one beyond each end.
sample("interp", lambda np, x, fp: np.interp(x, np.array([0.0, 1.0, 2.5, 3.0]), fp),
       np.array([-0.5, 0.4, 1.7, 2.8, 3.6]), real(4))
sample("kron", lambda np, a, b: np.kron(a, b), real(2, 2), real(2, 3))
sample("cross", lambda np, x, y: np.cross(x, y), real(2, 3), real(3), label="3-vectors")
sample("cross", lambda np, x, y: np.cross(x, y), real(2), real(2), label="2-vectors")
sample("cross", lambda np, x, y: np.cross(x, y, axisa=0, axisb=0), real(3, 2), real(3, 2),
       label="axisa axisb")

# ---------------------------------------------------------------- shapes and structure

sample("reshape", lambda np, x: np.reshape(x, (3, 2)), real(2, 3))
sample("transpose", lambda np, x: np.transpose(x, (2, 0, 1)), real(2, 3, 2))
sample("ravel", lambda np, x: np.ravel(x), real(2, 3))
sample("squeeze", lambda np, x: np.squeeze(x, axis=1), real(2, 1, 3))
sample("expand_dims", lambda np, x: np.expand_dims(x, 0), real(3))
sample("moveaxis", lambda np, x: np.moveaxis(x, 0, -1), real(2, 3, 2))
sample("swapaxes", lambda np, x: np.swapaxes(x, 0, 1), real(2, 3))
sample("rollaxis", lambda np, x: np.rollaxis(x, 2, 0), real(2, 3, 2))
sample("broadcast_arrays", lambda np, x, y: np.broadcast_arrays(x, y), real(3), real(2, 1))
sample("broadcast_to", lambda np, x: np.broadcast_to(x, (2, 3)), real(3))
sample("atleast_1d", lambda np, x: np.atleast_1d(x), real())
sample("atleast_2d", lambda np, x: np.atleast_2d(x), real(3))
sample("atleast_3d", lambda np, x: np.atleast_3d(x), real(2, 3))
sample("concatenate", lambda np, x, y: np.concatenate([x, y], axis=1), real(2, 2), real(2, 3))
sample("concat", lambda np, x, y: np.concat((x, y)), real(2), real(3))
sample("unstack", lambda np, x: np.unstack(x, axis=1), real(2, 3))
sample("permute_dims", lambda np, x: np.permute_dims(x, (1, 2, 0)), real(2, 3, 2))
sample("matrix_transpose", lambda np, x: np.matrix_transpose(x), real(2, 2, 3))
sample("stack", lambda np, x, y: np.stack([x, y], axis=1), real(3), real(3))
for _name in ("hstack", "vstack", "dstack", "column_stack", "row_stack"):
    sample(_name, lambda np, x, y, name=_name: resolve(np, name)((x, y)), real(3), real(3))
sample("append", lambda np, x, y: np.append(x, y), real(2, 2), real(3), label="axis None")
sample("append", lambda np, x, y: np.append(x, y, axis=0), real(2, 2), real(1, 2),
       label="axis=0")
sample("insert", lambda np, x: np.insert(x, 1, 5.0), real(3))
sample("delete", lambda np, x: np.delete(x, [0, 2]), real(4))
sample("split", lambda np, x: np.split(x, [1, 3]), real(4), label="indices")
sample("split", lambda np, x: np.split(x, 2, axis=1), real(2, 4), label="sections")
sample("array_split", lambda np, x: np.array_split(x, 3), real(5))
sample("hsplit", lambda np, x: np.hsplit(x, 2), real(2, 4))
sample("vsplit", lambda np, x: np.vsplit(x, 2), real(4, 2))
sample("dsplit", lambda np, x: np.dsplit(x, 2), real(1, 2, 4))
sample("tile", lambda np, x: np.tile(x, (2, 1)), real(3))
sample("repeat", lambda np, x: np.repeat(x, 2, axis=0), real(2, 2))
sample("flip", lambda np, x: np.flip(x, axis=1), real(2, 3))
sample("flipud", lambda np, x: np.flipud(x), real(2, 3))
sample("fliplr", lambda np, x: np.fliplr(x), real(2, 3))
sample("roll", lambda np, x: np.roll(x, -1, axis=1), real(2, 3))
sample("rot90", lambda np, x: np.rot90(x), real(2, 3))
sample("rot90", lambda np, x: np.rot90(x, k=3, axes=(1, 0)), real(2, 3), label="k=3 axes")
sample("pad", lambda np, x: np.pad(x, ((1, 0), (0, 2))), real(2, 2))
sample("diag", lambda np, x: np.diag(x, k=1), real(3), label="vector")
sample("diag", lambda np, x: np.diag(x, k=-1), real(3, 3), label="matrix")
sample("diagflat", lambda np, x: np.diagflat(x), real(2, 2))
sample("diagonal", lambda np, x: np.diagonal(x, offset=1, axis1=1, axis2=2), real(2, 3, 3))
sample("trace", lambda np, x: np.trace(x), real(3, 3))
sample("trace", lambda np, x: np.trace(x, offset=1, axis1=1, axis2=2), real(2, 3, 3),
       label="offset axes")
sample("tril", lambda np, x: np.tril(x), real(3, 3))
sample("triu", lambda np, x: np.triu(x, k=-1), real(3, 3))
sample("where", lambda np, x, y: np.where(x > 0, x, y), distinct(2, 3), real(3))
sample("select", lambda np, x, y: np.select([x < -0.45, x > 0.45], [x, y], default=2.0),
       distinct(6), real(6))
sample("clip", lambda np, x: np.clip(x, -0.45, 0.55), distinct(2, 3))
sample("clip", lambda np, x: np.clip(x, a_min=-0.45, a_max=None), distinct(2, 3),
       label="a_min a_max")
# Entries made inf or nan stay so under the checks' perturbations: their derivative is 0.
_replaced = np.array([0.0, np.inf, -np.inf, np.nan])
sample("nan_to_num", lambda np, x: np.nan_to_num(x + _replaced), real(4))
sample("nan_to_num", lambda np, x: np.nan_to_num(x + _replaced, nan=1.0, posinf=2.0,
                                                 neginf=-2.0), real(4), label="replacements")
sample("sort", lambda np, x: np.sort(x), distinct(2, 3))
sample("sort", lambda np, x: np.sort(x, axis=0), distinct(3, 2), label="axis=0")
sample("partition", lambda np, x: np.partition(x, 2), distinct(5))
sample("diff", lambda np, x: np.diff(x), real(4))
sample("diff", lambda np, x: np.diff(x, n=2, axis=0, prepend=0.5), real(4, 2),
       label="n=2 prepend")
sample("gradient", lambda np, x: np.gradient(x), real(5))
sample("gradient", lambda np, x: np.gradient(x, 0.5, axis=1, edge_order=2), real(2, 4),
       label="spacing edge_order=2")
sample("take", lambda np, x: np.take(x, [0, 2, 2], axis=1), real(2, 3))
sample("take_along_axis", lambda np, x: np.take_along_axis(x, np.array([[2, 0], [1, 1]]), 1),
       real(2, 3))
sample("meshgrid", lambda np, x, y: np.meshgrid(x, y), real(3), real(2))
sample("array", lambda np, x, y: np.array([x, y]), real(3), real(3))
for _name in ("asarray", "asanyarray", "ascontiguousarray"):
    sample(_name, lambda np, x, name=_name: resolve(np, name)(x), real(3))
# chainrule.numpy's own: the conversion of array-likes holding tensors.
sample("asarray_like", lambda np, x, y: np.asarray_like([x, [2.0, 1.0, 0.5] * y]), real(3),
       real(3))
sample("astype", lambda np, x: parts(np, np.astype(x, np.complex128)), real(3))
sample("copy", lambda np, x: np.copy(x), real(3))
sample("real_if_close", lambda np, x: np.real_if_close(x), real(3), label="real input")
sample("real_if_close", lambda np, x: np.real_if_close(x + 1e-15j), real(3),
       label="imaginary part below tol")
sample("r_", lambda np, x, y: np.r_[x, y, 1.0], real(2), real(3))
sample("c_", lambda np, x, y: np.c_[x, y], real(3), real(3))

# ---------------------------------------------------------------- linalg

sample("linalg.norm", lambda np, x: np.linalg.norm(x), real(2, 3))
for _ord in (1, 2, 3, np.inf, -np.inf, -1):
    sample("linalg.norm", lambda np, x, o=_ord: np.linalg.norm(x, ord=o), distinct(5),
           label=f"vector ord={_ord}")
for _ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
    sample("linalg.norm", lambda np, a, o=_ord: np.linalg.norm(a, ord=o),
           matrix(3) + distinct(3, 3), label=f"matrix ord={_ord}")
sample("linalg.norm", lambda np, x: np.linalg.norm(x, axis=1, keepdims=True), real(2, 3),
       label="axis=1 keepdims")
sample("linalg.norm", lambda np, x: np.linalg.norm(x, ord="fro", axis=(1, 2)), real(2, 2, 3),
       label="axis pair")
sample("linalg.vector_norm", lambda np, x: np.linalg.vector_norm(x, ord=3, axis=0),
       distinct(2, 3))
sample("linalg.matrix_norm", lambda np, a: np.linalg.matrix_norm(a), real(2, 3))
sample("linalg.matrix_norm", lambda np, a: np.linalg.matrix_norm(a, ord="nuc"),
       matrix(3) + distinct(3, 3), label="nuc")
sample("linalg.matrix_transpose", lambda np, a: np.linalg.matrix_transpose(a), real(2, 2, 3))
sample("linalg.inv", lambda np, a: np.linalg.inv(a), matrix(3))
sample("linalg.inv", lambda np, a: np.linalg.inv(a), np.stack([matrix(2), matrix(2)]),
       label="stacked")
sample("linalg.pinv", lambda np, a: np.linalg.pinv(a), matrix(3, 2), label="tall")
sample("linalg.pinv", lambda np, a: np.linalg.pinv(a), matrix(2, 3), label="wide")
sample("linalg.det", lambda np, a: np.linalg.det(a), matrix(3))
sample("linalg.slogdet", lambda np, a: np.linalg.slogdet(a)[1], matrix(3))
sample("linalg.solve", lambda np, a, b: np.linalg.solve(a, b), matrix(3), real(3, 2))
sample("linalg.cholesky", lambda np, a: np.linalg.cholesky(symmetric(np, a)), spd(3))
sample("linalg.qr", lambda np, a: tuple(np.linalg.qr(a)), matrix(3), label="square")
sample("linalg.qr", lambda np, a: tuple(np.linalg.qr(a)), matrix(4, 3), label="tall reduced")
sample("linalg.qr", lambda np, a: tuple(np.linalg.qr(a, mode="complete")), matrix(3),
       label="square complete")
sample("linalg.qr", lambda np, a: np.linalg.qr(a, mode="r"), matrix(4, 3), label="mode r")
_eigen_matrix = np.diag([1.0, 2.0, 3.5]) + 0.2 * real(3, 3)  # distinct eigenvalues
sample("linalg.eigh", lambda np, a: (lambda w, v: (w, v * v))(
    *np.linalg.eigh(symmetric(np, a))), _eigen_matrix)
sample("linalg.eigh", lambda np, a: np.linalg.eigh(symmetric(np, a), UPLO="U")[0],
       _eigen_matrix, label="UPLO=U")
sample("linalg.eigvalsh", lambda np, a: np.linalg.eigvalsh(symmetric(np, a)), _eigen_matrix)
# eig of a non-symmetric matrix; |v|² does not depend on the eigenvectors' phases.
sample("linalg.eig", lambda np, a: (lambda w, v: (*parts(np, w), np.abs(v) ** 2))(
    *np.linalg.eig(a)), _eigen_matrix, label="non-symmetric")
sample("linalg.eig", lambda np, a: parts(np, np.linalg.eig(a)[0]),
       np.array([[1.0, -2.0, 0.3], [1.5, 0.5, 0.0], [0.2, 0.1, 2.0]]),
       label="complex eigenvalues")
sample("linalg.eigvals", lambda np, a: parts(np, np.linalg.eigvals(a)), _eigen_matrix)
_singular_matrix = np.eye(3, 2) * np.array([2.0, 1.0]) + 0.2 * real(3, 2)  # distinct values


def _svd_product(np, a, full_matrices):
    """U f(s) Vᵀ from the first k singular vectors: the same whatever their signs."""
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    return s, (u[..., :k] * s ** 2) @ vh[..., :k, :]


sample("linalg.svd", lambda np, a: _svd_product(np, a, False), _singular_matrix,
       label="full_matrices=False")
sample("linalg.svd", lambda np, a: _svd_product(np, a, True), _singular_matrix,
       label="full_matrices=True")
sample("linalg.svd", lambda np, a: np.linalg.svd(a, compute_uv=False), _singular_matrix,
       label="compute_uv=False")
sample("linalg.svdvals", lambda np, a: np.linalg.svdvals(a), _singular_matrix)
sample("linalg.matrix_power", lambda np, a: np.linalg.matrix_power(a, 3), matrix(2))
sample("linalg.matrix_power", lambda np, a: np.linalg.matrix_power(a, -2), matrix(2),
       label="negative")
sample("linalg.multi_dot", lambda np, a, b, c: np.linalg.multi_dot([a, b, c]),
       real(2, 3), real(3, 3), real(3))
sample("linalg.cond", lambda np, a: np.linalg.cond(a), _singular_matrix)

# ---------------------------------------------------------------- fft


def _fft(name, x, label="", **kwargs):
    sample(f"fft.{name}", lambda np, x: parts(np, resolve(np, f"fft.{name}")(x, **kwargs)),
           x, label=label)


for _name in ("fft", "ifft", "rfft", "ihfft"):
    _fft(_name, real(2, 4))
    _fft(_name, real(2, 4), label="n=6 axis=0 ortho", n=6, axis=0, norm="ortho")
_fft("fft", real(5), label="n=3 forward", n=3, norm="forward")
for _name in ("fft2", "ifft2", "fftn", "ifftn", "rfft2", "rfftn"):
    _fft(_name, real(3, 4))
    _fft(_name, real(2, 3, 4), label="s axes", s=(2, 5), axes=(0, 2))
# irfft and hfft take a Hermitian half spectrum and give real values.
for _name in ("irfft", "hfft"):
    unary(f"fft.{_name}", real(2, 4))
    sample(f"fft.{_name}", lambda np, x, name=_name: resolve(np, f"fft.{name}")(
        x, n=5, axis=0, norm="ortho"), real(3, 2), label="n=5 axis=0 ortho")
for _name in ("irfft2", "irfftn"):
    unary(f"fft.{_name}", real(3, 4))
    sample(f"fft.{_name}", lambda np, x, name=_name: resolve(np, f"fft.{name}")(
        x, s=(3, 4), axes=(0, 1)), real(3, 3), label="s axes")
sample("fft.irfft", lambda np, x, y: np.fft.irfft(x + 1j * y), real(4), real(4),
       label="complex spectrum")
sample("fft.fftshift", lambda np, x: np.fft.fftshift(x), real(3, 4))
sample("fft.ifftshift", lambda np, x: np.fft.ifftshift(x, axes=1), real(3, 4))

# ---------------------------------------------------------------- complex inputs


def complex_(*shape, low=-1.5, high=1.5):
    return real(*shape, low=low, high=high) + 1j * real(*shape, low=low, high=high)


def right_half(*shape):
    """Real parts in [0.5, 2]: away from the branch cut of log and sqrt on (-inf, 0]."""
    return positive(*shape) + 1j * real(*shape)


for _name in ("absolute", "angle", "real", "imag", "conj", "conjugate", "sin", "cos", "exp",
              "tanh", "sinh", "cosh", "square", "negative", "exp2", "expm1", "sum", "mean",
              "prod", "cumsum", "var", "std", "ravel", "transpose", "fft.fft", "fft.ifft",
              "fft.fft2", "fft.ifftn", "fft.fftshift"):
    unary(_name, right_half(2, 3) if _name == "angle" else complex_(2, 3),
          label="complex input")
for _name in ("log", "sqrt", "log10", "log2", "log1p", "reciprocal"):
    unary(_name, right_half(2, 3), label="complex input")
unary("tan", complex_(2, 3, low=-0.5, high=0.5), label="complex input")
for _name in ("add", "subtract", "multiply", "outer", "vdot", "inner"):
    binary(_name, complex_(3), complex_(3), label="complex input")
binary("divide", complex_(3), right_half(3), label="complex input")
binary("power", right_half(3), complex_(3, low=-1.0, high=1.0), label="complex input")
binary("dot", complex_(2, 3), complex_(3), label="complex input")
binary("matmul", complex_(2, 3), complex_(3, 2), label="complex input")
sample("tensordot", lambda np, a, b: np.tensordot(a, b, axes=1), complex_(2, 3),
       complex_(3), label="complex input")
sample("einsum", lambda np, a, b: np.einsum("ij,j->i", a, b), complex_(2, 3), complex_(3),
       label="complex input")
sample("concatenate", lambda np, x, y: np.concatenate([x, y]), complex_(2), real(3),
       label="complex and real")
_complex_matrix = np.eye(3) + 0.3 * complex_(3, 3)
for _name in ("linalg.inv", "linalg.det"):
    unary(_name, _complex_matrix, label="complex input")
sample("linalg.solve", lambda np, a, b: np.linalg.solve(a, b), _complex_matrix, complex_(3),
       label="complex input")
sample("linalg.norm", lambda np, x: np.linalg.norm(x), complex_(2, 3), label="complex input")
sample("linalg.eig", lambda np, a: (lambda w, v: (w, np.abs(v) ** 2))(*np.linalg.eig(a)),
       np.diag([1.0, 2.0, 3.5]) + 0.2 * complex_(3, 3), label="complex input")
sample("linalg.eigvalsh", lambda np, a: np.linalg.eigvalsh(
    (a + np.conj(np.swapaxes(a, -1, -2))) / 2), _eigen_matrix + 0.2j * real(3, 3),
       label="Hermitian")

# ---------------------------------------------------------------- not differentiated

# Public names that are not sampled, each with the reason. Constants, dtypes, classes and
# submodules are recognised by kind (test_numpy_acceptance.kind_reason).
INTEGER = "integer-valued or boolean result: nothing to differentiate"
CONSTANT = "piecewise constant: the derivative is 0 where it exists, so it returns a value " \
    "that does not require grad"
CREATION = "creates an array from shapes or values, not from a differentiable input"
INSPECT = "describes an array (shape, dtype, layout) instead of computing from its values"

NOT_DIFFERENTIABLE: dict[str, str] = {
    **dict.fromkeys(["argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero",
                     "flatnonzero", "count_nonzero", "searchsorted", "digitize", "bincount",
                     "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                     "isclose", "allclose", "array_equal", "array_equiv", "isfinite",
                     "isinf", "isnan", "isneginf", "isposinf", "isreal", "iscomplex",
                     "signbit", "logical_and", "logical_or", "logical_not", "logical_xor",
                     "all", "any", "bitwise_and", "bitwise_or", "bitwise_xor",
                     "bitwise_not", "invert", "left_shift", "right_shift", "gcd", "lcm",
                     "bitwise_count", "bitwise_invert", "bitwise_left_shift",
                     "bitwise_right_shift", "isnat", "unique", "linalg.matrix_rank"], INTEGER),
    **dict.fromkeys(["floor", "ceil", "trunc", "rint", "fix", "round", "around", "sign",
                     "heaviside", "floor_divide"], CONSTANT),
    **dict.fromkeys(["zeros", "ones", "empty", "full", "eye", "identity", "arange",
                     "linspace", "logspace", "geomspace", "zeros_like", "ones_like",
                     "empty_like", "full_like", "tri", "indices", "fft.fftfreq",
                     "fft.rfftfreq"], CREATION),
    **dict.fromkeys(["shape", "ndim", "size", "result_type", "promote_types", "can_cast",
                     "iscomplexobj", "isrealobj", "isscalar", "iterable", "broadcast_shapes",
                     "finfo", "iinfo", "issubdtype", "dtype", "shares_memory",
                     "may_share_memory", "array2string", "array_repr", "array_str"], INSPECT),
    "put_along_axis": "writes into its argument in place and returns None, as NumPy's: "
                      "refused on tensors (the graph cannot follow an in-place write)",
    "random": "NumPy's random functions, not differentiated (as in HIPS autograd)",
}
