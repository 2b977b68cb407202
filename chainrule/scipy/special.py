"""chainrule.scipy.special: SciPy's special functions with SciPy's names and signatures,
differentiable in every float argument (orders such as polygamma's n and iv's v, and
gammainc's a, are constants).

The primitives are in chainrule/ops/special.py; the rest are compositions of primitives.
Arguments follow NumPy's dtype rules: tensors, arrays and numbers mix as in NumPy, and
when no argument is a tensor the result is a float64 tensor (float32 and float16 arrays
keep their dtype). Complex values go where SciPy takes them (erf, erfc, ndtr, log_ndtr,
xlogy, xlog1py, iv, jv, yv), with holomorphic rules. The functions that need SciPy raise
ImportError without it; expit, logit, log_expit, logsumexp, softmax and log_softmax do
not need it.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import ops
from ..ops import special as sp
from ..creation import ones_like
from ..ops.arithmetic import absolute, logical_and, logical_or, sign, where
from ..ops.compare import equal, greater, greater_equal, isfinite, less
from ..ops.elementwise import exp, log, log1p, sigmoid
from ..numpy._core import asarray_like
from ..primitive import is_batched
from ..tensor import Tensor, wrap

__all__ = ["gammaln", "digamma", "psi", "polygamma", "gamma", "beta", "betaln", "gammainc",
           "gammaincc", "erf", "erfc", "erfinv", "erfcinv", "ndtr", "ndtri", "log_ndtr",
           "xlogy", "xlog1py", "entr", "rel_entr", "kl_div", "i0", "i1", "iv", "ive",
           "j0", "j1", "jv", "jn", "y0", "y1", "yv", "yn", "rgamma", "gammasgn", "multigammaln",
           "betainc", "logsumexp", "expit", "logit", "log_expit", "softmax", "log_softmax"]


# ---------------------------------------------------------------- arguments


def as_inputs(*args, op: str):
    """The arguments as tensors, with NumPy's dtypes: lists and arrays become tensors
    (integers as float64; float32 keeps its dtype; lists holding tensors are stacked),
    Python numbers stay numbers (weak, as in NumPy 2), None stays None (an optional
    argument); with no tensor among them, the first one that is not None becomes a
    tensor in the dtype NumPy's result would have (float64 for numbers), so the result
    is a tensor. Errors name ``op``."""
    try:
        out = [_as_input(a) for a in args]
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{op}: {exc}") from None
    if not any(isinstance(a, Tensor) for a in out):
        for i, a in enumerate(out):
            if a is not None:
                dtype = np.result_type(*[b.dtype if isinstance(b, Tensor) else b
                                         for b in out if b is not None])
                out[i] = ops.astype(a, dtype) if isinstance(a, Tensor) else wrap(
                    np.asarray(a, dtype=dtype if dtype.kind in "fc" else np.float64))
                break
    return out[0] if len(out) == 1 else out


def _as_input(a):
    # Python's int and float are weak; NumPy's scalars (np.float64 is a float) are not
    if a is None or isinstance(a, Tensor) or type(a) in (int, float):
        return a
    tensor = asarray_like(a)  # lists holding tensors are stacked, so gradients reach them
    if tensor.dtype.kind not in "biufc":
        raise TypeError(f"expected a number, an array or a tensor, got "
                        f"{type(a).__name__} of dtype {tensor.dtype}")
    return tensor if tensor.dtype.kind in "fc" else ops.astype(tensor, np.float64)


def _required(x, op: str):
    if x is None:
        raise TypeError(f"{op}: expected a number, an array or a tensor, got None")
    return x


def constant(value, op: str, name: str):
    """A parameter that is not differentiated (an order, gammainc's a), as a NumPy value;
    a tensor that requires grad is refused, saying why."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise NotImplementedError(
                f"{op}: the derivative with respect to {name} is not implemented; pass "
                f"{name} as a constant ({name}.detach(), an array or a number)")
        return value.numpy()
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: {name} must be a real number or array, got "
                        f"{type(value).__name__}")
    return value if array.ndim == 0 and isinstance(value, numbers.Real) else array


def needs_scipy(op: str) -> None:
    """ImportError naming the function and how to install SciPy, when it is missing."""
    try:
        sp.scipy_special()
    except ImportError as exc:
        raise ImportError(f"{op}: {exc}") from None


def _unary(prim):
    """SciPy's one-argument function of the primitive's name: SciPy checked, x converted."""
    op = prim.__name__

    def function(x):
        needs_scipy(op)
        return prim(as_inputs(_required(x, op), op=op))
    function.__name__ = function.__qualname__ = op
    function.__doc__ = prim.__doc__
    return function


def _binary(prim):
    """The same for a two-argument function."""
    op = prim.__name__

    def function(x, y):
        needs_scipy(op)
        return prim(*as_inputs(_required(x, op), _required(y, op), op=op))
    function.__name__ = function.__qualname__ = op
    function.__doc__ = prim.__doc__
    return function


# ---------------------------------------------------------------- primitives

gammaln = _unary(sp.gammaln)
digamma = psi = _unary(sp.digamma)
erf = _unary(sp.erf)
erfc = _unary(sp.erfc)
erfinv = _unary(sp.erfinv)
ndtr = _unary(sp.ndtr)
ndtri = _unary(sp.ndtri)
log_ndtr = _unary(sp.log_ndtr)
i0 = _unary(sp.i0)
i1 = _unary(sp.i1)
j0 = _unary(sp.j0)
j1 = _unary(sp.j1)
y0 = _unary(sp.y0)
y1 = _unary(sp.y1)
gammasgn = _unary(sp.gammasgn)
xlogy = _binary(sp.xlogy)
xlog1py = _binary(sp.xlog1py)


def polygamma(n, x):
    """The n-th derivative of digamma (n = 0 is digamma itself); n is one non-negative
    integer for all of x. Its derivative is polygamma(n + 1, x), so every order works."""
    needs_scipy("polygamma")
    if isinstance(n, Tensor) or np.ndim(n) != 0:
        shape = f" of shape {np.shape(n)}" if np.ndim(n) else ""
        raise TypeError(f"polygamma: n must be one integer (the order), got "
                        f"{type(n).__name__}{shape}; for several orders call polygamma "
                        "once per order")
    if isinstance(n, (bool, np.bool_)) or not float(n).is_integer():
        raise TypeError(f"polygamma: n must be an integer (the order), got {n!r}")
    if n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer (the order of the "
                         f"derivative of digamma), got {n}")
    return sp.polygamma_p(as_inputs(x, op="polygamma"), int(n))


def _with_parameter(prim, op, name, parameter, x, *others):
    """prim(x, parameter, ...) with x broadcast against the parameters (the output's shape
    is their broadcast shape, as in SciPy, and x carries it). ``others``: more
    (name, value) parameters after the first."""
    needs_scipy(op)
    parameters = [constant(parameter, op, name)]
    parameters += [constant(value, op, other) for other, value in others]
    x = as_inputs(x, op=op)
    shape = np.broadcast_shapes(*[np.shape(value) for value in parameters], x.shape)
    if x.shape != shape:
        x = ops.broadcast_to(x, shape)
    return prim(x, *parameters)


def iv(v, x):
    """The modified Bessel function of the first kind of real order v (a constant)."""
    return _with_parameter(sp.iv_p, "iv", "v", v, x)


def ive(v, x):
    """iv(v, x) * exp(-|x|), the exponentially scaled iv (v a constant)."""
    return _with_parameter(sp.ive_p, "ive", "v", v, x)


def gammainc(a, x):
    """The regularized lower incomplete gamma function P(a, x), differentiable in x (its
    derivative in a has no closed form: a is a constant)."""
    return _with_parameter(sp.gammainc_p, "gammainc", "a", a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x),
    differentiable in x (a is a constant)."""
    return _with_parameter(sp.gammaincc_p, "gammaincc", "a", a, x)


def rgamma(x):
    """1/Γ(x), 0 at the poles of Γ; its derivative -digamma(x)/Γ(x) is finite through those
    zeros. Real only: SciPy's rgamma takes complex values, but its derivative needs
    gammaln and polygamma of complex arguments, which SciPy does not have."""
    needs_scipy("rgamma")
    x = as_inputs(_required(x, "rgamma"), op="rgamma")
    if x.dtype.kind == "c":
        raise TypeError(f"rgamma: complex input (dtype {x.dtype}, shape {tuple(x.shape)}) is "
                        "not supported: the derivative of 1/Γ needs gammaln and polygamma "
                        "of complex arguments; for values only call scipy.special.rgamma "
                        "on x.numpy()")
    return sp.rgamma(x)


def jv(v, x):
    """The Bessel function of the first kind of real order v (a constant); its derivative
    in x is (jv(v - 1, x) - jv(v + 1, x)) / 2. NaN for x < 0 unless v is an integer, as
    in SciPy."""
    return _with_parameter(sp.jv_p, "jv", "v", v, x)


def jn(n, x):
    """SciPy's jn, which is jv (integer orders are real orders too)."""
    return _with_parameter(sp.jv_p, "jn", "n", n, x)


def yv(v, x):
    """The Bessel function of the second kind of real order v (a constant), for x > 0;
    its derivative in x is (yv(v - 1, x) - yv(v + 1, x)) / 2."""
    return _with_parameter(sp.yv_p, "yv", "v", v, x)


def yn(n, x):
    """The Bessel function of the second kind of integer order n (a constant), for x > 0,
    by SciPy's integer-order algorithm; for real orders use yv."""
    orders = constant(n, "yn", "n")
    if not np.all(np.mod(orders, 1) == 0):
        raise TypeError(f"yn: n must be an integer order (or an array of them), got {n!r}; "
                        "for a real order use yv(v, x)")
    return _with_parameter(sp.yn_p, "yn", "n", np.asarray(orders).astype(np.int64)
                           if np.ndim(orders) else int(orders), x)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), differentiable in x, where its
    derivative is x^(a-1) (1-x)^(b-1) / B(a, b) (in a and b it has no closed form: they
    are constants)."""
    return _with_parameter(sp.betainc_p, "betainc", "a", a, x, ("b", b))


# ---------------------------------------------------------------- compositions


def multigammaln(a, d):
    """The log of the multivariate gamma function of dimension d (a positive integer):
    d(d - 1)/4 · log π + Σ_{j<d} gammaln(a - j/2), so its derivative is the sum of the
    digammas. As in SciPy, every a must be > (d - 1)/2."""
    needs_scipy("multigammaln")
    if isinstance(d, Tensor) or np.ndim(d) != 0 or isinstance(d, (bool, np.bool_)) or \
            not isinstance(d, numbers.Real) or not float(d).is_integer() or d < 1:
        raise ValueError(f"multigammaln: d must be a positive integer (the dimension), got "
                         f"{d!r}")
    a = as_inputs(a, op="multigammaln")
    d = int(d)
    # Inside vmap each example has its own a, so the condition gives NaN there instead.
    if not is_batched(a) and np.any(a.numpy() <= 0.5 * (d - 1)):
        raise ValueError(f"multigammaln: every a must be > (d - 1)/2 = {0.5 * (d - 1)} for "
                         f"d = {d}, but the smallest is {np.min(a.numpy())} (a shape "
                         f"{tuple(a.shape)})")
    shifts = np.arange(d, dtype=a.dtype) * -0.5  # a - j/2 along a new last axis
    terms = sp.gammaln(ops.expand_dims(a, -1) + shifts)
    value = ops.sum(terms, -1) + d * (d - 1) * 0.25 * math.log(math.pi)
    return where(greater(a, 0.5 * (d - 1)), value, math.nan)


def erfcinv(y):
    """The inverse of erfc on (0, 2): -ndtri(y / 2) / sqrt(2), which is how SciPy
    computes it, so nothing is lost in the tails."""
    needs_scipy("erfcinv")
    return sp.ndtri(as_inputs(y, op="erfcinv") * 0.5) * -math.sqrt(0.5)


def gamma(x):
    """Γ(x) = sign · exp(gammaln(x)), the sign from SciPy's gammasgn (constant between
    the poles, so not differentiated)."""
    needs_scipy("gamma")
    x = as_inputs(x, op="gamma")
    return sp.gammasgn(x) * exp(sp.gammaln(x))


def betaln(a, b):
    """log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b). (SciPy uses asymptotic
    forms for large a and b; this sum loses digits there, above about 1e7.)"""
    needs_scipy("betaln")
    a, b = as_inputs(a, b, op="betaln")
    return _betaln(a, b, a + b)


def _betaln(a, b, total):
    """gammaln(a) + gammaln(b) - gammaln(a + b), with a + b (``total``) given."""
    return sp.gammaln(a) + sp.gammaln(b) - sp.gammaln(total)


def beta(a, b):
    """B(a, b) = Γ(a) Γ(b) / Γ(a + b), from betaln and the signs of the three gammas."""
    needs_scipy("beta")
    a, b = as_inputs(a, b, op="beta")
    total = a + b
    return sp.gammasgn(a) * sp.gammasgn(b) * sp.gammasgn(total) * exp(_betaln(a, b, total))


def entr(x):
    """-x log x for x > 0, 0 at x = 0, -inf for x < 0."""
    needs_scipy("entr")
    x = as_inputs(x, op="entr")
    negative = less(x, 0)
    inside = where(negative, 1.0, x)  # the branch not taken stays finite (no NaN gradient)
    return where(negative, -math.inf, -sp.xlogy(inside, inside))


def _rel_entr_parts(x, y):
    valid = logical_or(logical_and(greater(x, 0), greater(y, 0)),
                       logical_and(equal(x, 0), greater_equal(y, 0)))
    # Where x = 0 (value 0) or the arguments are invalid, x / y is taken at 1 / 1: the
    # branches not taken stay finite, so their gradients are 0, not NaN.
    positive = logical_and(valid, greater(x, 0))
    xs, ys = where(positive, x, 1.0), where(positive, y, 1.0)
    return valid, where(positive, sp.xlogy(xs, xs / ys), 0.0)


def rel_entr(x, y):
    """x log(x / y) for x, y > 0; 0 for x = 0, y >= 0; inf otherwise."""
    needs_scipy("rel_entr")
    valid, value = _rel_entr_parts(*as_inputs(x, y, op="rel_entr"))
    return where(valid, value, math.inf)


def kl_div(x, y):
    """x log(x / y) - x + y for x, y > 0; y for x = 0, y >= 0; inf otherwise."""
    needs_scipy("kl_div")
    x, y = as_inputs(x, y, op="kl_div")
    valid, value = _rel_entr_parts(x, y)
    return where(valid, value - x + y, math.inf)


def expit(x):
    """The logistic function 1 / (1 + exp(-x)) (no SciPy needed)."""
    return sigmoid(as_inputs(x, op="expit"))


def logit(p):
    """log(p / (1 - p)), the inverse of expit (no SciPy needed)."""
    p = as_inputs(p, op="logit")
    return log(p) - log1p(-p)


def log_expit(x):
    """log(expit(x)) = -log(1 + exp(-x)), without overflow or underflow: each sign has
    its own form, both smooth (no SciPy needed)."""
    x = as_inputs(x, op="log_expit")
    above = greater_equal(x, 0)
    xp, xn = where(above, x, 0.0), where(above, 0.0, x)
    return where(above, -log1p(exp(-xp)), xn - log1p(exp(xn)))


def softmax(x, axis=None):
    """exp(x) / sum(exp(x)) over ``axis`` (all axes when None, as in SciPy)."""
    return ops.softmax(as_inputs(x, op="softmax"), axis)


def log_softmax(x, axis=None):
    """x - logsumexp(x) over ``axis`` (all axes when None, as in SciPy)."""
    return ops.log_softmax(as_inputs(x, op="log_softmax"), axis)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """log(sum(b * exp(a))) over ``axis``, without overflow, as in SciPy: with
    ``return_sign`` also the sign of the sum (not differentiated) and the log of its
    absolute value; without it a negative sum gives NaN."""
    if b is None:
        a = as_inputs(a, op="logsumexp")
        out = ops.logsumexp(a, axis, keepdims=keepdims)
        return (out, ones_like(out)) if return_sign else out
    a, b = as_inputs(a, b, op="logsumexp")
    shape = np.broadcast_shapes(tuple(a.shape), np.shape(b))
    a = ops.broadcast_to(a, shape) if tuple(a.shape) != shape else a
    # Scaled by logsumexp(a) (smooth, unlike max(a)): exp(a - top) <= 1 never overflows,
    # and top's own derivatives cancel exactly.
    top = ops.logsumexp(a, axis, keepdims=True)
    top = where(isfinite(top), top, 0.0)  # all -inf (or an inf): exp(a) itself is exact
    total = ops.sum(b * exp(a - top), axis, keepdims=True)
    out = log(absolute(total)) + top
    signs = sign(total)
    if not keepdims:  # the summed axes have length one: squeeze drops exactly those
        out, signs = ops.squeeze(out, axis), ops.squeeze(signs, axis)
    if return_sign:
        return out, signs
    return where(less(signs, 0), math.nan, out)
