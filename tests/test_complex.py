"""Complex numbers: the convention (the VJP is the plain transpose of the JVP, as in JAX
and HIPS autograd), holomorphic derivatives, PyTorch's conjugate .grad in the torch
dialect, and every table entry NumPy defines on complex numbers checked on complex
values to second order in both modes (docs/complex.md)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import STRATEGIES, cases, differentiable

import chainrule as cr
from chainrule.ops import absolute, exp, log, sin
from chainrule.ops.complex import angle, conj, imag, real
from chainrule.testing import check_grads

# Entries checked on complex values: NumPy defines them there, and their rules are the
# transposes of their JVPs on complex numbers too.
COMPLEX = {
    "absolute", "add", "alias", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
    "arctanh", "broadcast_to", "concatenate", "conj", "copy", "cos", "cosh", "cumprod",
    "cumsum", "det", "diagonal_embed", "divide", "einsum", "exp", "exp2", "expm1", "flip",
    "getitem_advanced", "getitem_basic", "imag", "index_put", "inv", "log", "log10",
    "log1p", "log2", "matmul", "multiply", "negative", "pad", "power", "prod", "real",
    "reshape", "roll", "scatter_add", "sin", "sinh", "solve", "sqrt", "subtract",
    "sum", "tan", "tanh", "transpose", "where", "sinc", "norm",
}
COMPLEX |= {"cholesky", "eig", "eigh", "pinv", "qr", "svd"}  # tests/strategies_decompositions.py
# The others, each with the reason it is not checked on complex values.
REAL_ONLY = {
    **dict.fromkeys(["arctan2", "cbrt", "copysign", "fabs", "fmod", "hypot", "ldexp",
                     "logaddexp", "logaddexp2", "nextafter", "remainder", "deg2rad",
                     "rad2deg"], "NumPy's ufunc has no complex loop"),
    **dict.fromkeys(["maximum", "minimum", "fmax", "fmin", "clip", "max", "min", "relu"],
                    "an ordering: NumPy orders complex numbers lexicographically, which "
                    "has no derivative"),
    "sigmoid": "computed with logaddexp, which NumPy defines on real numbers only",
    "logsumexp": "shifted by the maximum, an ordering of real numbers",
    "slogdet": "the sign of a complex determinant is a unit complex number: not yet "
               "differentiated (the log-modulus alone is checked in test_complex_slogdet)",
    "astype": "its drawn cases cast to real dtypes, which drop the imaginary part",
    **dict.fromkeys(["fftn", "rfftn", "irfftn"],
                    "its strategy draws complex values itself (a + ib from pairs of real "
                    "inputs, tests/strategies_fft.py)"),
}


def _special(key: str) -> bool:
    """SciPy's special functions (chainrule/ops/special.py) are real here."""
    impl = differentiable()[key].impl
    return getattr(impl, "__module__", None) == "chainrule.ops.special"


def test_every_entry_is_classified():
    keys = {k for k in differentiable() if k in STRATEGIES and not _special(k)}
    unclassified = keys - COMPLEX - set(REAL_ONLY)
    assert not unclassified, (f"say whether these entries are checked on complex values "
                              f"(COMPLEX) or why not (REAL_ONLY): {sorted(unclassified)}")
    assert not (COMPLEX | set(REAL_ONLY)) - keys, "entries no longer in the table"


def _complexified(case, rng):
    """The case's function and differentiated inputs, every float input (constants and
    Python floats too) plus a small imaginary part: near the drawn real values (inside
    the domains, off the branch cuts along the real axis), but really complex."""
    values = [v + 1j * rng.uniform(0.1, 0.3, v.shape) * rng.choice([-1, 1], v.shape)
              if v.dtype.kind == "f" else v for v in case.inputs]
    constants = [complex(v) if i in case.scalars else v for i, v in enumerate(values)]
    positions = [i for i, d in enumerate(case.differentiated) if d]

    def f(*xs):
        full = list(constants)
        for i, x in zip(positions, xs):
            full[i] = x
        return case.apply(*full)
    return f, [values[i] for i in positions]


@pytest.mark.parametrize("key", sorted(COMPLEX))
@given(data=st.data())
def test_complex128_derivatives(key, data):
    case = data.draw(cases(key), label="case")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    f, args = _complexified(case, rng)
    out = f(*[cr.tensor(a) for a in args])
    real_valued = ("absolute", "angle", "real", "imag", "norm")
    assert out.dtype == (np.float64 if key in real_valued else np.complex128)
    assert check_grads(f, tuple(cr.tensor(a) for a in args), order=2, **case.tolerances)


# ---------------------------------------------------------------- the convention

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])


def _finite_difference_grad(loss, z, eps=1e-6):
    """∂L/∂x − i·∂L/∂y by central differences (JAX's and HIPS autograd's gradient)."""
    out = np.zeros_like(z)
    for k in range(z.size):
        step = np.zeros_like(z)
        step[k] = eps
        dx = (loss(z + step) - loss(z - step)) / (2 * eps)
        dy = (loss(z + 1j * step) - loss(z - 1j * step)) / (2 * eps)
        out[k] = dx - 1j * dy
    return out


@pytest.mark.parametrize("loss", [
    lambda z: (absolute(z) ** 2).sum(),
    lambda z: real(z * z * z).sum(),
    lambda z: imag(exp(z)).sum(),
    lambda z: angle(z).sum(),
    lambda z: real(log(z) * conj(z)).sum(),
    lambda z: absolute(sin(z)).sum(),
], ids=["abs2", "re_cube", "im_exp", "angle", "re_log_conj", "abs_sin"])
def test_gradient_of_a_real_loss_is_d_dx_minus_i_d_dy(loss):
    got = cr.grad(loss)(cr.tensor(Z))
    want = _finite_difference_grad(lambda z: float(loss(cr.tensor(z)).numpy()), Z)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-8)


def test_abs_squared_has_gradient_twice_the_conjugate():
    got = cr.grad(lambda z: (absolute(z) ** 2).sum())(cr.tensor(Z))
    np.testing.assert_allclose(got.numpy(), 2 * np.conj(Z), rtol=1e-12)


def test_holomorphic_grad_is_the_complex_derivative():
    f = lambda z: (z ** 3 + exp(z)).sum()  # noqa: E731
    got = cr.grad(f, holomorphic=True)(cr.tensor(Z))
    np.testing.assert_allclose(got.numpy(), 3 * Z ** 2 + np.exp(Z), rtol=1e-12)
    jac = cr.jacrev(lambda z: z ** 3, holomorphic=True)(cr.tensor(Z))
    np.testing.assert_allclose(jac.numpy(), np.diag(3 * Z ** 2), rtol=1e-12)
    jac = cr.jacfwd(lambda z: z ** 3, holomorphic=True)(cr.tensor(Z))
    np.testing.assert_allclose(jac.numpy(), np.diag(3 * Z ** 2), rtol=1e-12)
    hess = cr.hessian(lambda z: (z ** 3).sum(), holomorphic=True)(cr.tensor(Z))
    np.testing.assert_allclose(hess.numpy(), np.diag(6 * Z), rtol=1e-12)


def test_real_inputs_of_complex_intermediates_get_real_gradients():
    x = cr.tensor([0.3, -1.2, 2.0], dtype=cr.float64, requires_grad=True)
    w = x * (1 + 2j) + exp(1j * x)
    loss = (absolute(w) ** 2).sum()
    loss.backward()
    assert x.grad.dtype == np.float64
    xs = x.numpy()

    def plain(v):
        return float(np.sum(np.abs(v * (1 + 2j) + np.exp(1j * v)) ** 2))
    eps = 1e-6
    want = [(plain(xs + eps * e) - plain(xs - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-6)
    assert check_grads(lambda v: absolute(v * (1 + 2j) + exp(1j * v)), (xs,), order=2)


def test_single_precision_stays_single():
    z = cr.tensor(Z.astype(np.complex64), requires_grad=True)
    (absolute(z) ** 2).sum().backward()
    assert z.grad.dtype == np.complex64
    assert absolute(z).dtype == np.float32
    np.testing.assert_allclose(z.grad.numpy(), 2 * np.conj(Z), rtol=1e-6)


def test_complex_slogdet():
    a = np.array([[2.0 + 0.5j, 0.3 - 0.2j], [0.1j, 1.5 - 0.4j]])
    assert check_grads(lambda m: cr.slogdet(m)[1], (a,), order=2)


# ---------------------------------------------------------------- refusals


def test_grad_of_a_complex_output_needs_holomorphic():
    with pytest.raises(TypeError, match=r"grad requires real-valued outputs, got complex128"
                                        r".*holomorphic=True"):
        cr.grad(lambda z: (z * z).sum())(cr.tensor(Z))
    with pytest.raises(TypeError, match=r"jacrev requires real-valued outputs.*holomorphic"):
        cr.jacrev(lambda z: z * z)(cr.tensor(Z))
    with pytest.raises(TypeError, match=r"jacfwd requires real-valued inputs.*holomorphic"):
        cr.jacfwd(lambda z: z * z)(cr.tensor(Z))


def test_holomorphic_needs_complex_values():
    with pytest.raises(TypeError, match=r"grad with holomorphic=True requires complex "
                                        r"inputs, got float64"):
        cr.grad(lambda x: (x * 1j).sum(), holomorphic=True)(cr.tensor([1.0], dtype=cr.float64))
    with pytest.raises(TypeError, match=r"holomorphic=True requires complex outputs"):
        cr.jacfwd(lambda z: absolute(z), holomorphic=True)(cr.tensor(Z))


def test_backward_of_a_complex_scalar_needs_a_cotangent():
    z = cr.tensor(1.0 + 2.0j, dtype=cr.complex128, requires_grad=True)
    with pytest.raises(TypeError, match=r"the output is complex \(complex128\).*implicitly "
                                        r"for a real value"):
        (z * z).backward()
    (z * z).backward(cr.tensor(1.0 + 0j))
    np.testing.assert_allclose(z.grad.numpy(), 2 * (1.0 + 2.0j))


# ---------------------------------------------------------------- PyTorch's convention


def test_torch_dialect_grad_is_the_conjugate():
    import chainrule.torch as torch
    z = torch.tensor(Z, requires_grad=True)
    (z.abs() ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 2 * Z, rtol=1e-12)  # conj of 2·conj(z)
    w = torch.tensor(Z, requires_grad=True)
    (w * (2 + 1j)).backward(torch.tensor(np.array([1 + 1j, 2.0, -1j])))
    np.testing.assert_allclose(w.grad.numpy(), np.conj(2 + 1j) * np.array([1 + 1j, 2.0, -1j]))


def test_torch_dialect_matches_pytorch():
    real_torch = pytest.importorskip("torch")
    import chainrule.torch as torch
    z = torch.tensor(Z, requires_grad=True)
    zt = real_torch.tensor(Z, requires_grad=True)
    for t, lib in ((z, torch), (zt, real_torch)):
        (lib.sin(t) * t.conj()).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), zt.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("values, text", [
    ([1 + 2j, 3 - 1j], "tensor([1.+2.j, 3.-1.j])"),
    ([1.5 + 2j, -0.25 - 3.125j], "tensor([ 1.5000+2.0000j, -0.2500-3.1250j])"),
    (1 + 1j, "tensor(1.+1.j)"),
])
def test_torch_dialect_prints_complex_as_pytorch(values, text):
    import chainrule.torch as torch
    assert repr(torch.tensor(values)) == text
    assert repr(torch.tensor(np.array(values))) == text[:-1] + ", dtype=torch.complex128)"


def test_a_0d_real_input_through_complex_values_keeps_its_shape():
    """The real part the sweep takes of a 0-d cotangent stays 0-d (a regression: it came
    back with shape (1,))."""
    x = cr.tensor(np.array(0.7))
    assert cr.vjp(lambda v: real(v * (1 + 0j)), x)[1](cr.tensor(np.array(0.3)))[0].shape == ()
    assert check_grads(lambda v: real(v * (1 + 0j)), (np.array(0.7),), order=2)
    assert check_grads(lambda v: cr.astype(v, np.complex128) * (1 + 2j), (np.array([0.7, 0.2]),),
                       order=2)
