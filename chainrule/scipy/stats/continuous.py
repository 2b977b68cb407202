"""Continuous distributions with loc and scale: norm, t, gamma, beta, chi2, expon, laplace,
cauchy, logistic. Each is written for z = (x - loc) / scale, with the density divided by
scale; outside the support the log-density is -inf, and the branch not taken is
evaluated at a point inside it (no NaN reaches the gradients through where)."""
from __future__ import annotations

import math

import numpy as np

from ...ops import special as sp
from ...ops.arithmetic import absolute, logical_or, where
from ...ops.compare import greater, greater_equal, less, less_equal
from ...ops.elementwise import arctan, exp, expm1, log, log1p, sigmoid
from ..special import as_inputs, betainc, constant, gammainc, gammaincc, log_expit
from ._base import (Distribution, gammaln_of, location_scale, log_of, needs_scipy,
                    positive_or_one, standardize, valid_if)

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
        return location_scale(lambda z: z * z * -0.5 - LOG_SQRT_2PI, x, loc, scale,
                              "norm.logpdf", log_density=True)

    def cdf(self, x, loc=0, scale=1):
        needs_scipy("norm.cdf")
        return location_scale(sp.ndtr, x, loc, scale, "norm.cdf")

    def logcdf(self, x, loc=0, scale=1):
        needs_scipy("norm.logcdf")
        return location_scale(sp.log_ndtr, x, loc, scale, "norm.logcdf")

    def sf(self, x, loc=0, scale=1):
        needs_scipy("norm.sf")
        return location_scale(lambda z: sp.ndtr(-z), x, loc, scale, "norm.sf")

    def logsf(self, x, loc=0, scale=1):
        needs_scipy("norm.logsf")
        return location_scale(lambda z: sp.log_ndtr(-z), x, loc, scale, "norm.logsf")

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
        z, scale, df = standardize(x, loc, scale, df, op="t.logpdf")
        half = (df + 1) * 0.5
        op = "t.logpdf"
        out = (gammaln_of(half, op) - gammaln_of(df * 0.5, op) - 0.5 * (log_of(df) + LOG_PI)
               - log_of(scale) - half * log1p(z * z / df))
        return valid_if(out, df, scale)

    def _lower_tail(self, z, df):
        """P(T < -|z|), a function of z² (so smooth through z = 0), by the incomplete
        beta function in the form that keeps its argument accurate (as Boost does):
        I_w(df/2, 1/2) / 2 with w = df/(df + z²) for z² >= df (the far tail, computed
        directly, down to underflow), (1 - I_u(1/2, df/2)) / 2 with u = z²/(df + z²)
        below. Each branch is evaluated at a point inside it (no NaN through where)."""
        z2 = z * z
        near = less(z2, df)
        far_z2 = where(near, df, z2)
        far = betainc(df * 0.5, 0.5, df / (df + far_z2)) * 0.5
        near_z2 = where(near, z2, df * 0.25)
        near_z2 = where(greater(near_z2, df * 1e-12), near_z2, df * 0.25)  # u = 0: 0 · ∞
        close = 0.5 - betainc(0.5, df * 0.5, near_z2 / (df + near_z2)) * 0.5
        return where(near, close, far)

    def _centre(self, z, df):
        """Where z²/df < 1e-12, the series 1/2 + pdf(0) (z - (df + 1) z³ / (6 df)) (the
        next term is ~1e-30 of it): the betainc form's derivative there is 0 · ∞."""
        gammaln = sp.scipy_special().gammaln
        density = np.exp(gammaln((df + 1) * 0.5) - gammaln(df * 0.5)) / np.sqrt(np.pi * df)
        return less(z * z, df * 1e-12), 0.5 + density * (z - (df + 1) / (6 * df) * z * z * z)

    def _cdf_parts(self, x, df, loc, scale, op):
        needs_scipy(op)
        df = constant(df, op, "df")
        z, scale = standardize(x, loc, scale, op=op)
        df = np.asarray(df, dtype=z.dtype)  # float32 stays float32, as df were a number
        safe_df = positive_or_one(df)
        tiny, centre = self._centre(z, safe_df)
        return z, df, scale, tiny, centre, self._lower_tail(z, safe_df)

    def cdf(self, x, df, loc=0, scale=1):
        """Through betainc, differentiable in x, loc and scale (its derivative in x is the
        t pdf); df is a constant, as in HIPS autograd."""
        z, df, scale, tiny, centre, tail = self._cdf_parts(x, df, loc, scale, "t.cdf")
        out = where(tiny, centre, where(less(z, 0), tail, 1 - tail))
        return valid_if(out, df, scale)

    def logcdf(self, x, df, loc=0, scale=1):
        """log of the lower tail computed directly (finite as far as betainc is nonzero,
        as SciPy's), log1p(-tail) above the centre."""
        z, df, scale, tiny, centre, tail = self._cdf_parts(x, df, loc, scale, "t.logcdf")
        out = where(tiny, log(where(tiny, centre, 0.5)),
                    where(less(z, 0), log(tail), log1p(-tail)))
        return valid_if(out, df, scale)


class gamma_gen(_Continuous):
    name = "gamma"

    def logpdf(self, x, a, loc=0, scale=1):
        z, scale, a = standardize(x, loc, scale, a, op="gamma.logpdf")
        outside = less(z, 0)
        inside = where(outside, 1.0, z)
        out = sp.xlogy(a - 1, inside) - inside - gammaln_of(a, "gamma.logpdf") - log_of(scale)
        return valid_if(where(outside, -math.inf, out), a, scale)

    def _incomplete(self, function, below, x, a, loc, scale, op):
        """function(a, z) (gammainc or gammaincc) for z >= 0, ``below`` for z < 0; a is a
        constant (its derivative through gammainc has no closed form)."""
        needs_scipy(op)
        a = constant(a, op, "a")
        z, scale = standardize(x, loc, scale, op=op)
        outside = less(z, 0)
        out = function(positive_or_one(a), where(outside, 1.0, z))
        return valid_if(where(outside, below, out), a, scale)

    def cdf(self, x, a, loc=0, scale=1):
        """P(a, z), the lower incomplete gamma function, differentiable in x, loc and
        scale; a is a constant, as in HIPS autograd."""
        return self._incomplete(gammainc, 0.0, x, a, loc, scale, "gamma.cdf")

    def sf(self, x, a, loc=0, scale=1):
        """Q(a, z) = 1 - P(a, z), accurate in the upper tail."""
        return self._incomplete(gammaincc, 1.0, x, a, loc, scale, "gamma.sf")

    def logcdf(self, x, a, loc=0, scale=1):
        """log P(a, z), as SciPy computes it (the log of the cdf); -inf where it is 0,
        with no infinite factor reaching the gradient there."""
        cdf = self.cdf(x, a, loc, scale)
        positive = greater(cdf, 0)
        return where(positive, log(where(positive, cdf, 1.0)), -math.inf)


class beta_gen(_Continuous):
    name = "beta"

    def logpdf(self, x, a, b, loc=0, scale=1):
        z, scale, a, b = standardize(x, loc, scale, a, b, op="beta.logpdf")
        outside = logical_or(less(z, 0), greater(z, 1))
        inside = where(outside, 0.5, z)
        op = "beta.logpdf"
        betaln = gammaln_of(a, op) + gammaln_of(b, op) - gammaln_of(a + b, op)
        out = (sp.xlogy(a - 1, inside) + sp.xlog1py(b - 1, -inside) - betaln
               - log_of(scale))
        return valid_if(where(outside, -math.inf, out), a, b, scale)

    def cdf(self, x, a, b, loc=0, scale=1):
        """I_z(a, b), 0 for z <= 0 and 1 for z >= 1, differentiable in x, loc and scale;
        a and b are constants (betainc has no closed-form derivative in them)."""
        op = "beta.cdf"
        needs_scipy(op)
        a, b = constant(a, op, "a"), constant(b, op, "b")
        z, scale = standardize(x, loc, scale, op=op)
        below, above = less_equal(z, 0), greater_equal(z, 1)
        inside = where(logical_or(below, above), 0.5, z)
        out = betainc(positive_or_one(a), positive_or_one(b), inside)
        return valid_if(where(below, 0.0, where(above, 1.0, out)), a, b, scale)


class chi2_gen(_Continuous):
    """chi2(df) is gamma(df/2, scale=2): its methods call gamma's with those parameters."""

    name = "chi2"

    def _as_gamma(self, method, x, df, loc, scale, op):
        needs_scipy(op)
        if method != "logpdf":  # through gammainc: df is a constant
            df = constant(df, op, "df")
        x, df, loc, scale = as_inputs(x, df, loc, scale, op=op)
        return getattr(gamma, method)(x, df * 0.5, loc, scale * 2)

    def logpdf(self, x, df, loc=0, scale=1):
        """Differentiable in x, df, loc and scale (through gamma.logpdf)."""
        return self._as_gamma("logpdf", x, df, loc, scale, "chi2.logpdf")

    def cdf(self, x, df, loc=0, scale=1):
        """Differentiable in x, loc and scale; df is a constant, as in HIPS autograd."""
        return self._as_gamma("cdf", x, df, loc, scale, "chi2.cdf")

    def logcdf(self, x, df, loc=0, scale=1):
        return self._as_gamma("logcdf", x, df, loc, scale, "chi2.logcdf")

    def sf(self, x, df, loc=0, scale=1):
        return self._as_gamma("sf", x, df, loc, scale, "chi2.sf")


class expon_gen(_Continuous):
    name = "expon"

    def logpdf(self, x, loc=0, scale=1):
        def standard(z):
            outside = less(z, 0)
            return where(outside, -math.inf, -where(outside, 0.0, z))
        return location_scale(standard, x, loc, scale, "expon.logpdf", log_density=True)

    def cdf(self, x, loc=0, scale=1):
        def standard(z):
            outside = less(z, 0)
            return where(outside, 0.0, -expm1(-where(outside, 0.0, z)))
        return location_scale(standard, x, loc, scale, "expon.cdf")

    def sf(self, x, loc=0, scale=1):
        def standard(z):
            outside = less(z, 0)
            return where(outside, 1.0, exp(-where(outside, 0.0, z)))
        return location_scale(standard, x, loc, scale, "expon.sf")


class laplace_gen(_Continuous):
    name = "laplace"

    def logpdf(self, x, loc=0, scale=1):
        """-|z| - log(2 scale); at z = 0 (its kink) the derivative in x is taken as 0."""
        return location_scale(lambda z: -absolute(z) - LN2, x, loc, scale, "laplace.logpdf",
                              log_density=True)

    def cdf(self, x, loc=0, scale=1):
        def standard(z):
            below = less(z, 0)
            return where(below, 0.5 * exp(where(below, z, 0.0)),
                         1 - 0.5 * exp(-where(below, 0.0, z)))
        return location_scale(standard, x, loc, scale, "laplace.cdf")


class cauchy_gen(_Continuous):
    name = "cauchy"

    def logpdf(self, x, loc=0, scale=1):
        return location_scale(lambda z: -LOG_PI - log1p(z * z), x, loc, scale,
                              "cauchy.logpdf", log_density=True)

    def cdf(self, x, loc=0, scale=1):
        return location_scale(lambda z: 0.5 + arctan(z) * (1 / math.pi), x, loc, scale,
                              "cauchy.cdf")


class logistic_gen(_Continuous):
    name = "logistic"

    def logpdf(self, x, loc=0, scale=1):
        return location_scale(lambda z: log_expit(z) + log_expit(-z), x, loc, scale,
                              "logistic.logpdf", log_density=True)

    def cdf(self, x, loc=0, scale=1):
        return location_scale(sigmoid, x, loc, scale, "logistic.cdf")


norm = norm_gen()
t = t_gen()
gamma = gamma_gen()
beta = beta_gen()
chi2 = chi2_gen()
expon = expon_gen()
laplace = laplace_gen()
cauchy = cauchy_gen()
logistic = logistic_gen()
