"""On large arrays the sweep lets a rule write its result into the cotangent it owns
(the entry's in-place variant). Those variants must agree exactly with the canonical
rules, and must never write into anything a user can see."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.backward as backward

N = 5000  # above backward.DONATE_SIZE


def draw_large(rng, n):
    """Values where every function tested is smooth (positive, away from 0 and 1)."""
    return rng.uniform(0.2, 1.8, n)


CASES = {
    "exp": lambda x, w: cr.sum(cr.exp(x) * w),
    "log": lambda x, w: cr.sum(cr.log(x) * w),
    "sqrt": lambda x, w: cr.sum(cr.sqrt(x) * w),
    "sin": lambda x, w: cr.sum(cr.sin(x) * w),
    "cos": lambda x, w: cr.sum(cr.cos(x) * w),
    "tanh": lambda x, w: cr.sum(cr.tanh(x) * w),
    "sigmoid": lambda x, w: cr.sum(cr.sigmoid(x) * w),
    "relu": lambda x, w: cr.sum(cr.relu(x - 1.0) * w),
    "negative": lambda x, w: cr.sum(-(x * w)),
    "multiply": lambda x, w: cr.sum((x * x) * w),
    "divide": lambda x, w: cr.sum((x / 3.0) * w + (w / x)),
    "chain": lambda x, w: cr.sum(cr.sin(cr.exp(-x * x)) * w),
    # the cotangent of a sum is ones: a product's rules hand back the other factor
    "sum of a product": lambda x, w: cr.sum(x * w),
    "sum of a recorded product": lambda x, w: cr.sum(cr.exp(x) * cr.sin(x * w)),
    # -g subtracted from a pending sum
    "subtract": lambda x, w: cr.sum((x * w) - cr.exp(x)),
    "negative, accumulated": lambda x, w: cr.sum(cr.sin(x) * cr.exp(-x * x)),
    # slices added into the pending cotangent, not into zeros
    "slices": lambda x, w: cr.sum(x[1:] * x[:-1]) + cr.sum(cr.exp(x[::2]) * w[::2]),
    "basic index, 2-d": lambda x, w: cr.sum(cr.reshape(x, (50, 100))[:, 1:] * 2.0)
    + cr.sum(cr.exp(x)),
}


def gradient(fn, x, w):
    xt = cr.tensor(x, requires_grad=True)
    fn(xt, cr.tensor(w)).backward()
    return xt.grad.numpy()


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_in_place_rules_equal_the_canonical_ones(name, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    x = draw_large(rng, N).astype(dtype)
    w = rng.normal(size=N).astype(dtype)
    donated = gradient(CASES[name], x, w)
    monkeypatch.setattr(backward, "DONATE_SIZE", 10 ** 12)  # never donate
    canonical = gradient(CASES[name], x, w)
    np.testing.assert_array_equal(donated, canonical)
    assert donated.dtype == dtype


def test_donation_never_touches_a_users_cotangent_or_a_captured_gradient():
    rng = np.random.default_rng(1)
    x = cr.tensor(rng.uniform(0.5, 2.0, N), requires_grad=True)
    y = cr.exp(x)
    v = rng.normal(size=N)
    kept = v.copy()
    y.backward(gradient=v)
    np.testing.assert_array_equal(v, kept)  # the user's array is borrowed, not donated
    h = cr.exp(x)
    z = cr.sin(h)
    (gh, gx) = cr.autograd.grad(cr.sum(z * cr.tensor(v)), [h, x])
    np.testing.assert_allclose(gh.numpy(), v * np.cos(h.numpy()))
    np.testing.assert_allclose(gx.numpy(), v * np.cos(h.numpy()) * np.exp(x.numpy()))


def test_a_leaf_hook_keeps_what_it_was_shown():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x * 3.0).sum().backward()
    (x * 3.0).sum().backward()   # accumulates into x.grad, never into seen[0]
    np.testing.assert_array_equal(seen[0].numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(seen[1].numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])


def test_a_node_hook_keeps_what_it_was_shown_on_large_arrays():
    # relu's rule may write into the cotangent it owns (N > DONATE_SIZE); once a hook
    # has seen that cotangent, the sweep no longer owns it.
    x = cr.tensor(np.random.default_rng(0).standard_normal((64, 128)), requires_grad=True)
    a = cr.relu(x)
    seen = []
    a.register_hook(lambda g: seen.append(g))
    (a * 3.0).sum().backward()
    np.testing.assert_array_equal(seen[0].numpy(), np.full((64, 128), 3.0))
    np.testing.assert_array_equal(x.grad.numpy(), np.where(x.numpy() > 0, 3.0, 0.0))


def test_a_sums_shortcut_never_writes_into_the_factors():
    # sum(a * b): the rules return a and b themselves (read-only views); what flows on
    # from them (exp's and sin's rules) must not write into a, b or their users' arrays.
    rng = np.random.default_rng(2)
    x = cr.tensor(draw_large(rng, N), requires_grad=True)
    a, b = cr.exp(x), cr.sin(x)
    a_before, b_before = a.numpy().copy(), b.numpy().copy()
    # a's cotangent arrives twice: the first (b itself) must not be summed into
    (cr.sum(a * 3.0) + cr.sum(a * b)).backward()
    np.testing.assert_array_equal(a.numpy(), a_before)
    np.testing.assert_array_equal(b.numpy(), b_before)
    xv = x.numpy()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(xv) * (np.sin(xv) + 3 + np.cos(xv)),
                               rtol=1e-12)
    assert x.grad.numpy().flags.writeable


def test_an_index_with_repeats_accumulates_every_occurrence():
    rng = np.random.default_rng(3)
    xv = draw_large(rng, N)
    index = rng.integers(0, N, size=2 * N)          # every position about twice
    x = cr.tensor(xv, requires_grad=True)
    # exp(x) is swept first, so the gather adds into its pending cotangent
    (cr.sum(x[index] * 2.0) + cr.sum(cr.exp(x))).backward()
    expected = np.exp(xv) + 2.0 * np.bincount(index, minlength=N)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)
