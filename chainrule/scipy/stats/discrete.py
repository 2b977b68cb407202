"""poisson: logpmf, pmf, cdf and sf in mu. k (and loc) are counts, not differentiated."""
from __future__ import annotations

import math

import numpy as np

from ...ops import special as sp
from ...ops.arithmetic import where
from ...ops.compare import greater_equal
from ...ops.elementwise import exp
from ..special import as_inputs, constant, gammainc, gammaincc
from ._base import Distribution, needs_scipy


def _counts(k, loc, op):
    """k - loc as a NumPy array, and where it is a count (an integer >= 0)."""
    k = np.asarray(constant(k, op, "k"), dtype=np.float64) - np.asarray(
        constant(loc, op, "loc"), dtype=np.float64)
    return k, (k >= 0) & (k == np.floor(k))


class poisson_gen(Distribution):
    name = "poisson"

    def logpmf(self, k, mu, loc=0):
        """k log mu - log k! - mu; -inf where k - loc is not a count, NaN for mu < 0."""
        needs_scipy("poisson.logpmf")
        k, counts = _counts(k, loc, "poisson.logpmf")
        mu = as_inputs(mu, op="poisson.logpmf")
        safe = np.where(counts, k, 0.0)  # log k! of a count, never of -1 (inf)
        out = sp.xlogy(safe, mu) - sp.gammaln(safe + 1) - mu
        out = where(counts, out, -math.inf)
        return where(greater_equal(mu, 0), out, math.nan)

    def pmf(self, k, mu, loc=0):
        return exp(self.logpmf(k, mu, loc))

    def cdf(self, k, mu, loc=0):
        """P(K <= k) = Q(floor(k) + 1, mu), the upper incomplete gamma function."""
        k, _ = _counts(k, loc, "poisson.cdf")
        below = k < 0
        out = gammaincc(np.where(below, 1.0, np.floor(k) + 1), mu)
        return where(below, 0.0, out)

    def sf(self, k, mu, loc=0):
        """P(K > k) = P(floor(k) + 1, mu), the lower incomplete gamma function."""
        k, _ = _counts(k, loc, "poisson.sf")
        below = k < 0
        out = gammainc(np.where(below, 1.0, np.floor(k) + 1), mu)
        return where(below, 1.0, out)


poisson = poisson_gen()
