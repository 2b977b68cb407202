"""chainrule.numpy.fft: values and dtypes against numpy.fft, derivatives (both modes, second
order) of every transform with its n= / s= cropping and padding, axes and norms, vmap,
the complex-gradient convention, and the errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from strategies_fft import complex_of, real_view

import chainrule as cr
import chainrule.numpy.fft as F
from chainrule.testing import check_grads

RNG = np.random.default_rng(8)
X = RNG.standard_normal((3, 4, 5))
Z = X + 1j * RNG.standard_normal(X.shape)
REAL_ONLY = {"rfft", "rfft2", "rfftn", "ihfft"}  # NumPy refuses complex input to these

# (function, keywords): defaults, cropping (n or s below the length), zero-padding (above),
# other axes, and each norm.
CALLS = [
    ("fft", {}), ("fft", dict(n=3)), ("fft", dict(n=7, axis=0, norm="ortho")),
    ("ifft", dict(axis=1)), ("ifft", dict(n=6, norm="forward")),
    ("fft2", {}), ("fft2", dict(s=(2, 7), axes=(0, 2), norm="forward")),
    ("ifft2", dict(s=(5, 3))), ("ifft2", dict(axes=(2, 0), norm="ortho")),
    ("fftn", {}), ("fftn", dict(s=(2, 6), axes=(2, 1))), ("ifftn", dict(axes=(1,))),
    ("ifftn", dict(s=(4, 4, 4), axes=(0, 1, 2), norm="ortho")),
    ("rfft", {}), ("rfft", dict(n=8)), ("rfft", dict(n=3, axis=1, norm="ortho")),
    ("rfft", dict(axis=0, norm="forward")),
    ("irfft", {}), ("irfft", dict(n=7)), ("irfft", dict(n=3, axis=1, norm="ortho")),
    ("irfft", dict(n=4, axis=0, norm="forward")),
    ("rfft2", {}), ("rfft2", dict(s=(5, 3), axes=(2, 1), norm="ortho")),
    ("irfft2", {}), ("irfft2", dict(s=(3, 5))), ("irfft2", dict(s=(2, 9), norm="forward")),
    ("rfftn", {}), ("rfftn", dict(s=(2, 2, 9), axes=(0, 1, 2))), ("rfftn", dict(axes=(0, 2), norm="forward")),
    ("irfftn", {}), ("irfftn", dict(s=(4, 5), axes=(0, 2))), ("irfftn", dict(norm="ortho")),
    ("hfft", {}), ("hfft", dict(n=6, norm="ortho")), ("hfft", dict(n=3, axis=0)),
    ("ihfft", {}), ("ihfft", dict(n=7, axis=1, norm="forward")), ("ihfft", dict(n=2)),
]
CALL_IDS = [f"{name}({', '.join(f'{k}={v}' for k, v in kw.items())})" for name, kw in CALLS]


def _inputs(name):
    return [X] if name in REAL_ONLY else [X, Z]


# ---------------------------------------------------------------- values and dtypes


@pytest.mark.parametrize("name, kw", CALLS, ids=CALL_IDS)
def test_values_and_dtypes_match_numpy(name, kw):
    for a in _inputs(name):
        for dtype in ((np.float64, np.float32) if a is X else (np.complex128, np.complex64)):
            data = a.astype(dtype)
            want = getattr(np.fft, name)(data, **kw)
            got = getattr(F, name)(cr.tensor(data), **kw)
            assert isinstance(got, cr.Tensor) and got.shape == want.shape
            assert got.dtype == want.dtype, f"{name}: {got.dtype}, NumPy gives {want.dtype}"
            tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-12
            assert np.allclose(got.numpy(), want, rtol=tol, atol=tol * np.abs(want).max())


def test_arrays_and_lists_give_tensors():
    """As every chainrule.numpy function: tensors out, with NumPy's values and dtypes."""
    got = F.rfft(X.tolist(), n=6)
    assert type(got) is cr.Tensor and np.allclose(got.numpy(), np.fft.rfft(X, n=6))
    got = F.ifft2(Z)
    assert type(got) is cr.Tensor and got.dtype == np.fft.ifft2(Z).dtype
    assert np.allclose(got.numpy(), np.fft.ifft2(Z))


def test_numpys_own_functions_on_tensors_run_these():
    x = cr.tensor(X[0], dtype="float64")
    got = cr.grad(lambda v: cr.sum(np.fft.irfft(np.fft.rfft(v, n=8) * 3.0, n=8)))(x)
    assert np.allclose(got.numpy(), 3.0)  # the zero-padding's inverse is a crop


def test_a_list_of_tensors_is_differentiated():
    rows = [cr.tensor(r, dtype="float64") for r in X[0]]
    g = cr.grad(lambda *rs: cr.sum(F.irfft(F.rfft(list(rs)) * 2.0, n=5)), argnums=1)(*rows)
    assert np.allclose(g.numpy(), 2.0)  # irfft(rfft(x)) = x, so the loss is 2 sum(x)


def test_s_without_axes_takes_the_last_axes_as_numpy_does():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # NumPy 2 deprecates the form
        want = np.fft.fftn(X, s=(2, 3))
    assert np.allclose(F.fftn(cr.tensor(X), s=(2, 3)).numpy(), want)
    assert np.allclose(F.fftn(cr.tensor(X), s=(-1, 2), axes=(0, 1)).numpy(),
                       np.fft.fftn(X, s=(-1, 2), axes=(0, 1)))


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("axes", [None, 1, np.int64(1), (0, 2), [-1]])
def test_shifts_match_numpy(name, axes):
    got = getattr(F, name)(cr.tensor(X), axes=axes)
    assert np.array_equal(got.numpy(), getattr(np.fft, name)(X, axes=axes))


def test_shift_and_its_inverse_undo_each_other_on_odd_lengths():
    x = cr.tensor(X)
    assert np.array_equal(F.ifftshift(F.fftshift(x)).numpy(), X)
    assert not np.array_equal(F.fftshift(F.fftshift(x)).numpy(), X)  # odd: not its own inverse


@pytest.mark.parametrize("n, d", [(1, 1.0), (6, 0.5), (7, 2.0)])
def test_frequencies_are_numpys(n, d):
    assert np.array_equal(F.fftfreq(n, d), np.fft.fftfreq(n, d))
    assert np.array_equal(F.rfftfreq(n, d), np.fft.rfftfreq(n, d))
    assert type(F.fftfreq(n, d)) is np.ndarray


# ---------------------------------------------------------------- derivatives

SMALL = X[:2, :3, :4]
SMALL_Z = SMALL + 1j * RNG.standard_normal(SMALL.shape)


def _real_loss(name, kw):
    """A real function around the transform: a complex output is seen as its real and
    imaginary parts."""
    fn = getattr(F, name)

    def f(x):
        y = fn(x, **kw)
        return real_view(y) if y.dtype.kind == "c" else y
    return f


@pytest.mark.parametrize("name, kw", CALLS, ids=CALL_IDS)
def test_derivatives_to_second_order_in_both_modes(name, kw):
    f = _real_loss(name, kw)
    for a in ([SMALL] if name in REAL_ONLY else [SMALL, SMALL_Z]):
        assert check_grads(f, (cr.tensor(a, dtype=a.dtype),), order=2, modes=("fwd", "rev"))


def test_complex_input_as_real_and_imaginary_parts():
    # The same convention seen from two real inputs, x + iy, each differentiated.
    f = lambda x, y: real_view(F.ifft2(complex_of(x, y), s=(4, 2)))  # noqa: E731
    args = (cr.tensor(SMALL, dtype="float64"), cr.tensor(SMALL_Z.imag, dtype="float64"))
    assert check_grads(f, args, order=2)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shift_derivatives(name):
    f = lambda x: getattr(F, name)(x, axes=(0, 2))  # noqa: E731
    assert check_grads(f, (cr.tensor(SMALL, dtype="float64"),), order=2)


def test_gradient_of_a_complex_input_is_the_conjugate_derivative():
    # JAX's convention: for a real loss L(z), grad = dL/dx - i dL/dy (the VJP is the plain
    # transpose), checked against finite differences in x and y.
    z = Z[0, 0]
    weights = RNG.standard_normal((3, 2))

    def loss(v):
        return cr.sum(real_view(F.rfft(F.irfft(F.fft(v, n=6), n=5), n=5)) * weights)
    got = cr.grad(loss)(cr.tensor(z)).numpy()
    eps = 1e-6
    expected = np.zeros_like(z)
    for k in range(z.size):
        step = np.zeros_like(z)
        step[k] = eps
        dx = (loss(cr.tensor(z + step)).item() - loss(cr.tensor(z - step)).item()) / (2 * eps)
        dy = (loss(cr.tensor(z + 1j * step)).item()
              - loss(cr.tensor(z - 1j * step)).item()) / (2 * eps)
        expected[k] = dx - 1j * dy
    assert np.allclose(got, expected, atol=1e-6)


@pytest.mark.parametrize("n", [5, 6])
def test_numpy_style_energy_through_grad_jacrev_and_hessian(n):
    # Parseval: sum |fft(x)|^2 = n sum x^2, and the halved spectrum counts its mirrored
    # frequencies twice; so the gradient is 2n x and the Hessian 2n I, in closed form.
    def energy(x):
        return np.sum(np.abs(np.fft.fft(x)) ** 2)

    def halved_energy(x):
        counts = np.array([1.0 if k == 0 or 2 * k == n else 2.0 for k in range(n // 2 + 1)])
        return np.sum(counts * np.abs(np.fft.rfft(x)) ** 2)
    x = cr.tensor(RNG.standard_normal(n), dtype="float64")
    for f in (energy, halved_energy):
        assert np.allclose(cr.grad(f)(x).numpy(), 2 * n * x.numpy())
        assert np.allclose(cr.jacrev(cr.grad(f))(x).numpy(), 2 * n * np.eye(n))
        assert np.allclose(cr.hessian(f)(x).numpy(), 2 * n * np.eye(n))


def test_holomorphic_gradient_is_the_transpose():
    # sum(w * ifft(z)) is holomorphic with derivative the transpose of ifft applied to w;
    # the DFT matrix is symmetric, so that is ifft(w) (at the same norm).
    w = Z[0, 0]
    z = cr.tensor(Z[1, 1])
    for norm in ("backward", "ortho", "forward"):
        g = cr.grad(lambda v: cr.sum(F.ifft(v, norm=norm) * w), holomorphic=True)(z)
        assert np.allclose(g.numpy(), np.fft.ifft(w, norm=norm))


def test_gradients_keep_single_precision():
    x = cr.tensor(X[0].astype(np.float32), requires_grad=True)
    cr.sum(real_view(F.rfft(x, n=7))).backward()
    assert x.grad.dtype == np.float32
    expected = cr.grad(lambda v: cr.sum(real_view(F.rfft(v, n=7))))(
        cr.tensor(X[0], dtype="float64")).numpy()
    assert np.allclose(x.grad.numpy(), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name, kw", [("fft", dict(n=6)), ("rfft2", dict(s=(3, 2))),
                                      ("irfftn", dict(axes=(0, 1))), ("hfft", dict(n=4)),
                                      ("ifftn", dict(axes=(1, 0), norm="ortho"))])
def test_vmap_and_jacobians(name, kw):
    f = _real_loss(name, kw)
    batch = cr.tensor(SMALL, dtype="float64")
    loop = np.stack([f(batch[i]).numpy() for i in range(SMALL.shape[0])])
    assert np.allclose(cr.vmap(f)(batch).numpy(), loop)
    one = cr.tensor(SMALL[0], dtype="float64")
    assert np.allclose(cr.jacrev(f)(one).numpy(), cr.jacfwd(f)(one).numpy())


# ---------------------------------------------------------------- errors

ERRORS = [
    (lambda: F.fft(X, n=0), ValueError, "fft: Invalid number of FFT data points (0)"),
    (lambda: F.rfft(X, n=-2), ValueError, "rfft: Invalid number of FFT data points (-2)"),
    (lambda: F.irfft(X[..., :1]), ValueError, "irfft: Invalid number of FFT data points (0)"),
    (lambda: F.fft(X, n=2.5), TypeError, "fft: the number of points must be an int"),
    (lambda: F.fftn(X, s=(2, 0), axes=(0, 1)), ValueError, "fftn: Invalid number"),
    (lambda: F.fft(X, axis=3), np.exceptions.AxisError, "fft: axis 3 is out of bounds"),
    (lambda: F.rfftn(X, axes=(0, -4)), np.exceptions.AxisError,
     "rfftn: axis -4 is out of bounds"),
    (lambda: F.fftn(X, axes=(1, -2)), ValueError, "fftn: repeated axis in (1, 1)"),
    (lambda: F.fft2(X, s=(2,)), ValueError, "fft2: s has 1 lengths for 2 axes"),
    (lambda: F.irfftn(Z, s=(2, 3), axes=(0,)), ValueError, "irfftn: s has 2 lengths for 1 axes"),
    (lambda: F.fft(np.float64(1.0)), np.exceptions.AxisError, "fft: a 0-d input"),
    (lambda: F.ifft(X, norm="unitary"), ValueError, 'ifft: invalid norm \'unitary\'; use '
     '"backward" (the default), "ortho" or "forward"'),
    (lambda: F.rfft(X, out=np.empty(3)), TypeError, "numpy.fft.rfft: out= is not supported"),
    (lambda: F.fftshift(X, axes=5), np.exceptions.AxisError, "fftshift: axis 5"),
    (lambda: F.ihfft(cr.tensor(Z)), TypeError, "ihfft: the input is complex (complex128) but "
     "ihfft transforms real signals; use fft"),
    (lambda: F.fft(X, axis="0"), TypeError, "fft: axis must be an int"),
    (lambda: F.fftn(X, axes=None, s=3.5), TypeError, "fftn: s must be an int or a sequence"),
]


@pytest.mark.parametrize("call, kind, start", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors_name_the_function_and_what_to_do(call, kind, start):
    with pytest.raises(kind) as info:
        call()
    assert str(info.value).startswith(start), str(info.value)


def test_bad_lengths_say_which_axis_and_shape():
    with pytest.raises(ValueError, match=r"axis 1 of an input of shape \(3, 4, 5\); give n"):
        F.fft(cr.tensor(X), n=0, axis=1)
