"""multivariate_normal (logpdf, pdf, entropy) and dirichlet (logpdf, pdf), with SciPy's
shapes and checks."""
from __future__ import annotations

import math

import numpy as np

from ... import ops
from ...ops import special as sp
from ...ops.elementwise import exp
from ...ops.linalg import slogdet, solve
from ...tensor import Tensor
from ..special import as_inputs
from ._base import Distribution, needs_scipy

LOG_2PI = math.log(2 * math.pi)


def _values(x) -> np.ndarray:
    """x's values (under jvp the primal, under vmap the whole batch): for the checks."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _shape(x) -> tuple:
    """One example's shape (under vmap too)."""
    return tuple(x.shape) if isinstance(x, Tensor) else np.shape(x)


def _squeezed(out):
    """SciPy's _squeeze_output: every axis of length one goes."""
    axes = tuple(i for i, side in enumerate(out.shape) if side == 1)
    return ops.squeeze(out, axes) if axes else out


class multivariate_normal_gen(Distribution):
    name = "multivariate_normal"

    def _dimension(self, mean, cov) -> int:
        if mean is not None:
            return int(np.prod(_shape(mean)))
        return 1 if len(_shape(cov)) == 0 else int(_shape(cov)[0])

    def _covariance(self, cov, d, op):
        """cov as a d x d matrix (a number is cov·I, a vector the diagonal), symmetrized:
        the gradient is symmetric, and SciPy too reads only one triangle."""
        shape = _shape(cov)
        if len(shape) == 0:
            cov = cov * np.eye(d)
        elif len(shape) == 1 and shape == (d,):
            cov = ops.reshape(cov, (d, 1)) * np.eye(d)
        elif shape != (d, d):
            raise ValueError(f"{op}: cov has shape {shape}; for a {d}-dimensional "
                             f"distribution it must be a number, ({d},) or ({d}, {d})")
        return (cov + ops.swapaxes(cov, -1, -2)) * 0.5

    def _check(self, cov, op, allow_singular):
        value = np.asarray(_values(cov), dtype=np.float64)
        spectrum = np.linalg.eigvalsh(value)
        tolerance = 1e6 * np.finfo(np.float64).eps * np.max(np.abs(spectrum), initial=0.0)
        if np.min(spectrum) < -tolerance:
            raise ValueError(
                f"{op}: the covariance matrix must be symmetric positive semidefinite; its "
                f"smallest eigenvalue is {np.min(spectrum):.3g} (cov shape {value.shape[-2:]})")
        if np.min(spectrum) <= tolerance:
            if allow_singular is None:  # entropy: SciPy takes the pseudo-determinant
                raise NotImplementedError(
                    f"{op}: a singular covariance matrix (smallest eigenvalue "
                    f"{np.min(spectrum):.3g}, cov shape {value.shape[-2:]}) needs the "
                    "pseudo-determinant, not implemented; add a small multiple of the "
                    "identity to cov")
            if allow_singular:
                raise NotImplementedError(
                    f"{op}: a singular covariance matrix (smallest eigenvalue "
                    f"{np.min(spectrum):.3g}) with allow_singular=True needs the "
                    "pseudo-determinant, not implemented; add a small multiple of the "
                    "identity to cov")
            raise np.linalg.LinAlgError(
                f"{op}: with allow_singular=False the covariance matrix must be symmetric "
                f"positive definite; its smallest eigenvalue is {np.min(spectrum):.3g} "
                f"(cov shape {value.shape[-2:]}); pass allow_singular=True for a singular one")

    def logpdf(self, x, mean=None, cov=1, allow_singular=False):
        """-(d log 2π + log det cov + (x - mean)ᵀ cov⁻¹ (x - mean)) / 2 over the last axis
        of x (for d = 1, over no axis), squeezed as SciPy does."""
        op = "multivariate_normal.logpdf"
        x, mean, cov = as_inputs(x, mean, cov, op=op)
        d = self._dimension(mean, cov)
        cov = self._covariance(cov, d, op)
        self._check(cov, op, allow_singular)
        xs = _shape(x)
        if len(xs) == 0 or (len(xs) == 1 and d == 1):
            x = ops.reshape(x, xs + (1,))  # one point, or n points of one dimension
        elif xs[-1] != d:
            raise ValueError(f"{op}: x has shape {xs}; its last axis must have the "
                             f"dimension {d} of mean and cov")
        diff = x if mean is None else x - ops.reshape(mean, (d,))
        solved = solve(cov, ops.expand_dims(diff, -1))
        distance = ops.sum(diff * ops.squeeze(solved, -1), -1)
        _, logdet = slogdet(cov)
        return _squeezed((distance + logdet + d * LOG_2PI) * -0.5)

    def pdf(self, x, mean=None, cov=1, allow_singular=False):
        return exp(self.logpdf(x, mean, cov, allow_singular))

    def entropy(self, mean=None, cov=1):
        """(d (1 + log 2π) + log det cov) / 2, differentiable in cov (mean only gives the
        dimension, as in SciPy)."""
        op = "multivariate_normal.entropy"
        cov = as_inputs(cov, op=op)  # a tensor even for a number: the result is one
        d = self._dimension(mean, cov)
        cov = self._covariance(cov, d, op)
        self._check(cov, op, None)
        _, logdet = slogdet(cov)
        return (logdet + d * (1 + LOG_2PI)) * 0.5


class dirichlet_gen(Distribution):
    name = "dirichlet"

    def logpdf(self, x, alpha):
        """sum((alpha - 1) log x) - log B(alpha), components on x's first axis (SciPy's
        layout: (K,) or (K, N)); with K - 1 rows the last is 1 - their sum."""
        op = "dirichlet.logpdf"
        needs_scipy(op)
        x, alpha = as_inputs(x, alpha, op=op)
        if len(_shape(alpha)) != 1:
            raise ValueError(f"{op}: alpha must be one vector of concentrations, got shape "
                             f"{_shape(alpha)}")
        k = _shape(alpha)[0]
        if np.min(_values(alpha)) <= 0:
            raise ValueError(f"{op}: every concentration in alpha must be > 0, got "
                             f"{np.asarray(_values(alpha)).tolist()}")
        shape = _shape(x)
        if len(shape) not in (1, 2) or shape[0] not in (k, k - 1):
            raise ValueError(f"{op}: x has shape {shape}; with {k} concentrations it must "
                             f"be ({k},) or ({k}, N) (or {k - 1} rows: the last is 1 minus "
                             "their sum)")
        if shape[0] == k - 1:
            x = ops.concatenate([x, 1 - ops.sum(x, 0, keepdims=True)], 0)
        values = _values(x)
        components = np.ndim(values) - len(shape)  # their axis: 0, or 1 under vmap
        if np.min(values) < 0 or np.max(values) > 1:
            raise ValueError(f"{op}: every entry of x must lie in [0, 1]")
        sums = np.sum(values, components)
        if np.any(np.abs(sums - 1.0) > 1e-9):
            raise ValueError(f"{op}: x must lie on the simplex (its columns sum to 1), but "
                             f"they sum to {sums.tolist()}")
        column = ops.reshape(alpha, (k,) + (1,) * (len(shape) - 1))
        log_b = ops.sum(sp.gammaln(alpha)) - sp.gammaln(ops.sum(alpha))
        return ops.sum(sp.xlogy(column - 1, x), 0) - log_b

    def pdf(self, x, alpha):
        return exp(self.logpdf(x, alpha))


multivariate_normal = multivariate_normal_gen()
dirichlet = dirichlet_gen()
