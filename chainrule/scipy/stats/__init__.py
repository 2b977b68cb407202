"""chainrule.scipy.stats: SciPy's distributions with SciPy's call signatures,
differentiable in x and in every float parameter (loc, scale, shapes, mean, cov).

``norm.logpdf(x, loc=0, scale=1)``, ``t.pdf(x, df, loc, scale)``, ``poisson.logpmf(k, mu,
loc=0)``, ``multivariate_normal.logpdf(x, mean, cov)``, ...; calling a distribution
freezes its parameters (``norm(0, 2).logpdf(x)``), as in SciPy. Invalid parameters (a
scale or shape <= 0) give NaN, as in SciPy. Counts (poisson's k) are not differentiated,
nor (as in HIPS autograd) the shape parameters of the cdfs that go through gammainc or
betainc (gamma's a, beta's a and b, t's and chi2's df): a tensor requiring grad there is
refused with NotImplementedError naming it. ``multivariate_normal.entropy(mean, cov)`` is
differentiable in cov.
"""
from .continuous import beta, cauchy, chi2, expon, gamma, laplace, logistic, norm, t
from .discrete import poisson
from .multivariate import dirichlet, multivariate_normal

__all__ = ["norm", "t", "gamma", "beta", "chi2", "expon", "laplace", "cauchy", "logistic",
           "poisson", "multivariate_normal", "dirichlet"]
