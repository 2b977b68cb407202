"""Continuous distributions with loc and scale: norm, t, gamma, beta, expon, laplace,
cauchy, logistic. Each is written for z = (x - loc) / scale, with the density divided by
scale; outside the support the log-density is -inf, and the branch not taken is
evaluated at a point inside it (no NaN reaches the gradients through where)."""
from __future__ import annotations

import math

from ...ops import special as sp
from ...ops.arithmetic import absolute, logical_or, where
from ...ops.compare import greater, less
from ...ops.elementwise import arctan, exp, expm1, log1p, sigmoid
from ..special import as_inputs, log_expit
from ._base import Distribution, gammaln_of, log_of, needs_scipy, standardize, valid_if

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
LOG_PI = math.log(math.pi)
LN2 = math.log(2.0)


class _Continuous(Distribution):
    """pdf = exp(logpdf); a subclass defines logpdf (and cdf-like methods it has)."""

    def pdf(self, x, *args, **kwds):
        return exp(self.logpdf(x, *args, **kwds))


class norm_gen(_Continuous):
    name = "norm"

    def logpdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="norm.logpdf")
        return valid_if(z * z * -0.5 - log_of(scale) - LOG_SQRT_2PI, scale)

    def cdf(self, x, loc=0, scale=1):
        needs_scipy("norm.cdf")
        z, loc, scale = standardize(x, loc, scale, op="norm.cdf")
        return valid_if(sp.ndtr(z), scale)

    def logcdf(self, x, loc=0, scale=1):
        needs_scipy("norm.logcdf")
        z, loc, scale = standardize(x, loc, scale, op="norm.logcdf")
        return valid_if(sp.log_ndtr(z), scale)

    def sf(self, x, loc=0, scale=1):
        needs_scipy("norm.sf")
        z, loc, scale = standardize(x, loc, scale, op="norm.sf")
        return valid_if(sp.ndtr(-z), scale)

    def logsf(self, x, loc=0, scale=1):
        needs_scipy("norm.logsf")
        z, loc, scale = standardize(x, loc, scale, op="norm.logsf")
        return valid_if(sp.log_ndtr(-z), scale)

    def ppf(self, q, loc=0, scale=1):
        needs_scipy("norm.ppf")
        q, loc, scale = as_inputs(q, loc, scale, op="norm.ppf")
        return valid_if(loc + scale * sp.ndtri(q), scale)

    def isf(self, q, loc=0, scale=1):
        needs_scipy("norm.isf")
        q, loc, scale = as_inputs(q, loc, scale, op="norm.isf")
        return valid_if(loc - scale * sp.ndtri(q), scale)


class t_gen(_Continuous):
    name = "t"

    def logpdf(self, x, df, loc=0, scale=1):
        z, loc, scale, df = standardize(x, loc, scale, df, op="t.logpdf")
        half = (df + 1) * 0.5
        op = "t.logpdf"
        out = (gammaln_of(half, op) - gammaln_of(df * 0.5, op) - 0.5 * (log_of(df) + LOG_PI)
               - log_of(scale) - half * log1p(z * z / df))
        return valid_if(out, df, scale)


class gamma_gen(_Continuous):
    name = "gamma"

    def logpdf(self, x, a, loc=0, scale=1):
        z, loc, scale, a = standardize(x, loc, scale, a, op="gamma.logpdf")
        outside = less(z, 0)
        inside = where(outside, 1.0, z)
        out = sp.xlogy(a - 1, inside) - inside - gammaln_of(a, "gamma.logpdf") - log_of(scale)
        return valid_if(where(outside, -math.inf, out), a, scale)


class beta_gen(_Continuous):
    name = "beta"

    def logpdf(self, x, a, b, loc=0, scale=1):
        z, loc, scale, a, b = standardize(x, loc, scale, a, b, op="beta.logpdf")
        outside = logical_or(less(z, 0), greater(z, 1))
        inside = where(outside, 0.5, z)
        op = "beta.logpdf"
        betaln = gammaln_of(a, op) + gammaln_of(b, op) - gammaln_of(a + b, op)
        out = (sp.xlogy(a - 1, inside) + sp.xlog1py(b - 1, -inside) - betaln
               - log_of(scale))
        return valid_if(where(outside, -math.inf, out), a, b, scale)


class expon_gen(_Continuous):
    name = "expon"

    def logpdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="expon.logpdf")
        outside = less(z, 0)
        return valid_if(where(outside, -math.inf, -where(outside, 0.0, z)) - log_of(scale),
                        scale)

    def cdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="expon.cdf")
        outside = less(z, 0)
        return valid_if(where(outside, 0.0, -expm1(-where(outside, 0.0, z))), scale)

    def sf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="expon.sf")
        outside = less(z, 0)
        return valid_if(where(outside, 1.0, exp(-where(outside, 0.0, z))), scale)


class laplace_gen(_Continuous):
    name = "laplace"

    def logpdf(self, x, loc=0, scale=1):
        """-|z| - log(2 scale); at z = 0 (its kink) the derivative in x is taken as 0."""
        z, loc, scale = standardize(x, loc, scale, op="laplace.logpdf")
        return valid_if(-absolute(z) - LN2 - log_of(scale), scale)

    def cdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="laplace.cdf")
        below = less(z, 0)
        return valid_if(where(below, 0.5 * exp(where(below, z, 0.0)),
                              1 - 0.5 * exp(-where(below, 0.0, z))), scale)


class cauchy_gen(_Continuous):
    name = "cauchy"

    def logpdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="cauchy.logpdf")
        return valid_if(-LOG_PI - log_of(scale) - log1p(z * z), scale)

    def cdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="cauchy.cdf")
        return valid_if(0.5 + arctan(z) * (1 / math.pi), scale)


class logistic_gen(_Continuous):
    name = "logistic"

    def logpdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="logistic.logpdf")
        return valid_if(log_expit(z) + log_expit(-z) - log_of(scale), scale)

    def cdf(self, x, loc=0, scale=1):
        z, loc, scale = standardize(x, loc, scale, op="logistic.cdf")
        return valid_if(sigmoid(z), scale)


norm = norm_gen()
t = t_gen()
gamma = gamma_gen()
beta = beta_gen()
expon = expon_gen()
laplace = laplace_gen()
cauchy = cauchy_gen()
logistic = logistic_gen()
