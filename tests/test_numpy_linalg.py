"""chainrule.numpy.linalg: values against numpy.linalg, derivatives to second order in
both modes (losses free of the signs and phases of eigen- and singular vectors), stacks of
matrices, vmap, named-tuple results, and the errors, with their messages."""
from __future__ import annotations

import numpy
import pytest

import chainrule as cr
import chainrule.numpy as np
from chainrule.testing import check_grads

la = np.linalg
rng = numpy.random.default_rng(8)


def t(a):
    return cr.tensor(numpy.asarray(a), dtype=cr.float64)


def value(x):
    return x.numpy() if isinstance(x, cr.Tensor) else numpy.asarray(x)


def spd(n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ numpy.swapaxes(a, -1, -2) + n * numpy.eye(n)


def dense(*shape):
    return rng.standard_normal(shape)


def sign_free(v):
    """Each column times its own first entry: the same for v and -v."""
    return v * v[..., :1, :]


# ---------------------------------------------------------------- values against NumPy

A3 = dense(3, 3)
STACK = dense(2, 3, 3)
TALL, WIDE = dense(4, 2), dense(2, 4)
SPD = spd(3)
# non-symmetric, with a complex pair of eigenvalues
ROTATING = numpy.array([[1.0, 2.0, 0.5], [-1.5, 0.3, 1.0], [0.2, -0.7, 2.0]])


@pytest.mark.parametrize("name, args", [
    ("inv", (A3,)), ("inv", (STACK,)), ("det", (A3,)), ("det", (STACK,)),
    ("solve", (A3, dense(3))), ("solve", (STACK, dense(2, 3, 2))),
    ("cholesky", (SPD,)), ("eigvalsh", (SPD,)), ("pinv", (TALL,)), ("pinv", (WIDE,)),
    ("pinv", (dense(2, 3, 2),)), ("matrix_rank", (TALL @ WIDE,)), ("cond", (A3,)),
    ("multi_dot", ([dense(3), dense(3, 4), dense(4, 2), dense(2)],)),
    ("multi_dot", ([dense(2, 5), dense(5, 3), dense(3, 6)],)),
])
def test_values_match_numpy(name, args):
    got = getattr(la, name)(*args)
    want = getattr(numpy.linalg, name)(*args)
    assert isinstance(got, cr.Tensor)
    assert got.shape == numpy.shape(want) and got.dtype == numpy.asarray(want).dtype
    assert numpy.allclose(value(got), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n", [-2, -1, 0, 1, 2, 3, 5])
def test_matrix_power_matches_numpy(n):
    got = la.matrix_power(STACK, n)
    assert numpy.allclose(value(got), numpy.linalg.matrix_power(STACK, n), rtol=1e-10)


def test_integer_input_is_float64_and_float32_stays_float32():
    ints = numpy.array([[2, 1], [1, 3]])
    assert la.inv(ints).dtype == numpy.float64
    assert numpy.allclose(value(la.inv(ints)), numpy.linalg.inv(ints))
    single = SPD.astype(numpy.float32)
    for name in ("inv", "cholesky", "eigvalsh", "pinv", "det"):
        assert getattr(la, name)(cr.tensor(single)).dtype == numpy.float32, name
    assert la.svd(cr.tensor(single)).S.dtype == numpy.float32


def test_array_likes_and_lists_of_tensors():
    a = t([1.0, 2.0])
    got = la.det([a, a * a + 1.0])  # rows (1, 2) and (2, 5): det 1
    assert got.item() == pytest.approx(1.0)
    assert la.inv([[2.0, 0.0], [0.0, 4.0]]).numpy().tolist() == [[0.5, 0.0], [0.0, 0.25]]


def test_slogdet_is_a_named_tuple():
    result = la.slogdet(STACK)
    want = numpy.linalg.slogdet(STACK)
    assert isinstance(result, la.SlogdetResult) and result._fields == ("sign", "logabsdet")
    assert numpy.allclose(value(result.sign), want[0])
    assert numpy.allclose(value(result.logabsdet), want[1])


def test_cholesky_lower_and_upper():
    lower = la.cholesky(SPD)
    assert numpy.allclose(value(lower), numpy.linalg.cholesky(SPD))
    upper = la.cholesky(SPD, upper=True)
    assert numpy.allclose(value(upper), numpy.linalg.cholesky(SPD).T)
    # each reads only its triangle, as NumPy does
    messy = SPD + numpy.triu(dense(3, 3), 1)
    assert numpy.allclose(value(la.cholesky(messy)), numpy.linalg.cholesky(SPD))
    messy = SPD + numpy.tril(dense(3, 3), -1)
    assert numpy.allclose(value(la.cholesky(messy, upper=True)), numpy.linalg.cholesky(SPD).T)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 4, 3), (2, 2, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_matches_numpy(shape, mode):
    a = dense(*shape)
    got, want = la.qr(a, mode), numpy.linalg.qr(a, mode)
    if mode == "r":
        assert numpy.allclose(value(got), want)
        return
    assert isinstance(got, la.QRResult) and got._fields == ("Q", "R")
    assert numpy.allclose(value(got.Q), want[0]) and numpy.allclose(value(got.R), want[1])


def test_qr_raw_gives_numpy_values():
    h, tau = la.qr(A3, "raw")
    want = numpy.linalg.qr(A3, "raw")
    assert numpy.allclose(value(h), want[0]) and numpy.allclose(value(tau), want[1])


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_matches_numpy(uplo):
    a = SPD + (numpy.triu if uplo == "L" else numpy.tril)(dense(3, 3), 1 if uplo == "L" else -1)
    got, want = la.eigh(a, UPLO=uplo), numpy.linalg.eigh(a, UPLO=uplo)
    assert isinstance(got, la.EighResult) and got._fields == ("eigenvalues", "eigenvectors")
    assert numpy.allclose(value(got.eigenvalues), want[0])
    assert numpy.allclose(value(sign_free(got.eigenvectors)), sign_free(want[1]))
    assert numpy.allclose(value(la.eigvalsh(a, uplo)), want[0])


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)])
@pytest.mark.parametrize("full", [True, False])
def test_svd_matches_numpy(shape, full):
    a = dense(*shape)
    got, want = la.svd(a, full_matrices=full), numpy.linalg.svd(a, full_matrices=full)
    assert isinstance(got, la.SVDResult) and got._fields == ("U", "S", "Vh")
    for i, name in enumerate(("U", "S", "Vh")):
        mine, theirs = value(getattr(got, name)), want[i]
        assert mine.shape == theirs.shape
        assert numpy.allclose(mine, theirs, atol=1e-12), name
    assert numpy.allclose(value(la.svd(a, compute_uv=False)),
                          numpy.linalg.svd(a, compute_uv=False))
    assert numpy.allclose(value(la.svd(a, hermitian=False).S), want[1])


@pytest.mark.parametrize("batch", [(), (2,)])
def test_svd_hermitian_matches_numpy(batch):
    a = dense(*batch, 3, 3)
    sym = a + numpy.swapaxes(a, -1, -2) + numpy.triu(dense(3, 3), 1)  # the lower is read
    got, want = la.svd(sym, hermitian=True), numpy.linalg.svd(sym, hermitian=True)
    for i, name in enumerate(("U", "S", "Vh")):
        assert numpy.allclose(value(getattr(got, name)), want[i]), name
    assert numpy.allclose(value(la.svd(sym, compute_uv=False, hermitian=True)),
                          numpy.linalg.svd(sym, compute_uv=False, hermitian=True))
    z = dense(3, 3) + 1j * dense(3, 3)
    h = z + z.conj().T
    got, want = la.svd(h, hermitian=True), numpy.linalg.svd(h, hermitian=True)
    for i, name in enumerate(("U", "S", "Vh")):
        assert numpy.allclose(value(getattr(got, name)), want[i]), name

    def product(x):
        u, s, vh = la.svd(x, hermitian=True)
        return (u * s[..., None, :]) @ vh
    assert check_grads(product, (t(sym),), order=2)


def test_eig_matches_numpy():
    got = la.eig(ROTATING)
    want = numpy.linalg.eig(ROTATING)
    assert isinstance(got, la.EigResult) and got._fields == ("eigenvalues", "eigenvectors")
    assert got.eigenvalues.dtype == want[0].dtype
    assert numpy.allclose(value(got.eigenvalues), want[0])
    assert numpy.allclose(value(got.eigenvectors), want[1])
    assert numpy.allclose(value(la.eigvals(STACK)), numpy.linalg.eigvals(STACK))
    # real eigenvalues of a real matrix come back real, as in NumPy
    assert la.eig(SPD).eigenvalues.dtype == numpy.float64
    assert la.eig(ROTATING).eigenvalues.dtype == numpy.complex128


@pytest.mark.parametrize("rcond, rtol", [(None, numpy._NoValue), (0.3, numpy._NoValue),
                                         (None, 0.3), (None, None)])
def test_pinv_cutoffs_match_numpy(rcond, rtol):
    a = numpy.diag([3.0, 2.0, 0.5])
    kwargs = {} if rtol is numpy._NoValue else {"rtol": rtol}
    got = la.pinv(a, rcond, **kwargs)
    assert numpy.allclose(value(got), numpy.linalg.pinv(a, rcond, **kwargs))


# ---------------------------------------------------------------- norms

VECTOR_ORDS = [None, 2, 1, 3, 0.5, -1, -2.5, 0, numpy.inf, -numpy.inf]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, numpy.inf, -numpy.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), (-1, False)])
def test_vector_norms_match_numpy(ord, axis, keepdims):
    x = dense(3, 4) if axis is not None else dense(5)
    got = la.norm(x, ord, axis, keepdims)
    want = numpy.linalg.norm(x, ord, axis, keepdims)
    assert got.shape == numpy.shape(want)
    assert numpy.allclose(value(got), want)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis, keepdims", [(None, False), ((0, 1), True), ((2, 0), False),
                                            ((-1, -2), True)])
def test_matrix_norms_match_numpy(ord, axis, keepdims):
    x = dense(3, 4) if axis is None else dense(3, 2, 4)
    got = la.norm(x, ord, axis, keepdims)
    want = numpy.linalg.norm(x, ord, axis, keepdims)
    assert got.shape == numpy.shape(want)
    assert numpy.allclose(value(got), want)


def test_norm_of_everything_and_array_api_names():
    x = dense(2, 3, 4)
    assert numpy.allclose(value(la.norm(x)), numpy.linalg.norm(x))
    assert la.norm(x, keepdims=True).shape == (1, 1, 1)
    # NumPy 2's array-API names, against NumPy's own
    for ord in MATRIX_ORDS[1:]:
        for keepdims in (False, True):
            got = la.matrix_norm(x, ord=ord, keepdims=keepdims)
            want = numpy.linalg.matrix_norm(x, ord=ord, keepdims=keepdims)
            assert got.shape == want.shape and numpy.allclose(value(got), want), (ord, keepdims)
    for axis in (None, 1, (0, 2), (-1, 0)):
        for keepdims in (False, True):
            got = la.vector_norm(x, axis=axis, keepdims=keepdims, ord=3)
            want = numpy.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=3)
            assert got.shape == want.shape and numpy.allclose(value(got), want), (axis, keepdims)
    assert numpy.allclose(value(la.svdvals(x)), numpy.linalg.svdvals(x))
    assert numpy.allclose(value(la.matrix_transpose(x)), numpy.linalg.matrix_transpose(x))


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, numpy.inf, -numpy.inf])
def test_cond_matches_numpy(p):
    assert numpy.allclose(value(la.cond(STACK, p)), numpy.linalg.cond(STACK, p))


@pytest.mark.parametrize("p", ["fro", 1, -1, numpy.inf, -numpy.inf])
def test_cond_of_a_singular_matrix_is_inf_as_in_numpy(p):
    # It raised inv's LinAlgError, for the whole stack.
    stack = numpy.stack([numpy.array([[1.0, 2.0], [2.0, 4.0]]), A3[:2, :2]])
    want = numpy.linalg.cond(stack, p)
    assert numpy.isinf(want[0]) and numpy.isfinite(want[1])
    assert numpy.allclose(value(la.cond(stack, p)), want)
    assert numpy.isinf(la.cond(stack[0], p).item())


# ---------------------------------------------------------------- derivatives
#
# Every function to second order, forward and reverse, on single matrices and stacks.


def _check(f, *arrays):
    assert check_grads(f, tuple(t(a) for a in arrays), order=2, modes=("fwd", "rev"))


def svd_losses(full):
    def f(a):
        u, s, vh = la.svd(a, full_matrices=full)
        k = s.shape[-1]
        product = (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]
        return product, s, sign_free(u[..., :, :k]), sign_free(np.swapaxes(vh, -1, -2)[..., :, :k])
    return f


GRADIENT_CASES = {
    "inv": (lambda a: la.inv(a), [A3, STACK]),
    "det": (lambda a: la.det(a), [A3, STACK]),
    "slogdet": (lambda a: la.slogdet(a).logabsdet, [A3, STACK]),
    "solve": (lambda a, b: la.solve(a, b), [A3, dense(3, 2)]),
    "matrix_power": (lambda a: la.matrix_power(a, 3) + la.matrix_power(a, -2), [STACK]),
    "multi_dot": (lambda a, b, c: la.multi_dot([a, b, c]), [dense(3), dense(3, 4), dense(4, 2)]),
    "cholesky": (lambda a: la.cholesky(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)), [STACK]),
    "cholesky_upper": (lambda a: la.cholesky(a @ a.T + 3 * np.eye(3), upper=True), [A3]),
    "cholesky_reads_lower": (lambda a: la.cholesky(a + SPD * 3), [A3]),
    "qr_tall": (lambda a: tuple(la.qr(a)), [TALL]),
    "qr_wide": (lambda a: tuple(la.qr(a)), [WIDE]),
    "qr_stack_complete": (lambda a: tuple(la.qr(a, "complete")), [dense(2, 3, 3)]),
    "qr_r": (lambda a: la.qr(a, "r"), [dense(2, 4, 3)]),
    "eigh": (lambda a: (la.eigh(a).eigenvalues, sign_free(la.eigh(a).eigenvectors)),
             [STACK + numpy.diag([0.0, 6.0, 12.0])]),
    "eigh_upper": (lambda a: (la.eigh(a, "U").eigenvalues,
                              sign_free(la.eigh(a, "U").eigenvectors)),
                   [A3 + numpy.diag([0.0, 6.0, 12.0])]),
    "eigvalsh": (lambda a: la.eigvalsh(a), [SPD + A3]),
    "svd_square": (svd_losses(False), [A3]),
    "svd_tall": (svd_losses(False), [TALL]),
    "svd_wide_stack": (svd_losses(False), [dense(2, 2, 3)]),
    "svd_full_tall": (svd_losses(True), [TALL]),
    "svd_full_wide": (svd_losses(True), [WIDE]),
    "svd_values": (lambda a: la.svd(a, compute_uv=False), [dense(2, 3, 4)]),
    "pinv_tall": (lambda a: la.pinv(a), [TALL]),
    "pinv_wide_stack": (lambda a: la.pinv(a), [dense(2, 2, 3)]),
    "pinv_square": (lambda a: la.pinv(a), [A3]),
    "eigvals": (lambda a: (np.real(la.eigvals(a)), np.imag(la.eigvals(a))), [A3]),
    "eig": (lambda a: _eig_free(la.eig(a)), [A3, ROTATING, STACK]),
    "cond": (lambda a: la.cond(a), [A3]),
    "cond_fro": (lambda a: la.cond(a, "fro"), [A3]),
}


def _eig_free(result):
    """Real and imaginary parts of v · conj(v[0]) and of the eigenvalues: phase-free."""
    w, v = result
    vv = v * np.conj(v[..., :1, :])
    return np.real(w), np.imag(w), np.real(vv), np.imag(vv)


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_second_order_derivatives(name):
    f, arrays = GRADIENT_CASES[name]
    if name in ("inv", "det", "slogdet", "eig"):  # one matrix, then a stack
        for a in arrays:
            _check(f, a)
    else:
        _check(f, *arrays)


NORM_CASES = [(o, None, (4,)) for o in (None, 2, 1, 3, 0.5, numpy.inf, -numpy.inf)] + \
    [(o, (-2, -1), (2, 3, 3)) for o in MATRIX_ORDS] + [(2, 0, (3, 2)), ("nuc", (1, 0), (3, 2))]


@pytest.mark.parametrize("ord, axis, shape", NORM_CASES)
def test_norm_second_order(ord, axis, shape):
    x = dense(*shape) + numpy.linspace(0.1, 0.9, int(numpy.prod(shape))).reshape(shape)
    _check(lambda a: la.norm(a, ord, axis), x)


def test_nuclear_norm_gradient_is_u_vt():
    a = dense(3, 4)
    u, _, vh = numpy.linalg.svd(a, full_matrices=False)
    assert numpy.allclose(cr.grad(lambda x: la.norm(x, "nuc"))(t(a)).numpy(), u @ vh)


def test_repeated_eigenvalues_keep_finite_eigenvalue_gradients():
    # The identity has one eigenvalue three times: the eigenvector terms 1 / (w_j - w_i)
    # are 0 · ∞ for a loss of the eigenvalues only, taken as 0 (not NaN).
    eye = t(numpy.eye(3))
    g = cr.grad(lambda a: np.sum(la.eigh(a).eigenvalues ** 2))(eye)
    assert numpy.allclose(g.numpy(), 2 * numpy.eye(3))
    g = cr.grad(lambda a: np.sum(la.svd(a).S))(eye)
    assert numpy.allclose(g.numpy(), numpy.eye(3))


def test_eigenvalue_jacobian_of_a_nonsymmetric_matrix_against_finite_differences():
    a = ROTATING
    assert not numpy.allclose(a, a.T)

    def parts(x):
        w = la.eigvals(x)
        return np.concatenate([np.real(w), np.imag(w)])
    assert numpy.iscomplexobj(numpy.linalg.eigvals(a))  # a complex pair
    reverse = cr.jacrev(parts)(t(a)).numpy()
    forward = cr.jacfwd(parts)(t(a)).numpy()
    eps = 1e-6
    numeric = numpy.zeros((6, 3, 3))
    for i in range(3):
        for j in range(3):
            step = numpy.zeros((3, 3))
            step[i, j] = eps
            plus, minus = numpy.linalg.eigvals(a + step), numpy.linalg.eigvals(a - step)
            diff = (numpy.concatenate([plus.real, plus.imag])
                    - numpy.concatenate([minus.real, minus.imag]))
            numeric[:, i, j] = diff / (2 * eps)
    assert numpy.allclose(reverse, numeric, atol=1e-6)
    assert numpy.allclose(forward, numeric, atol=1e-6)


def test_eig_of_a_complex_matrix():
    z = dense(3, 3) + 1j * dense(3, 3)
    assert numpy.allclose(value(la.eigvals(z)), numpy.linalg.eigvals(z))
    assert check_grads(lambda a: _eig_free(la.eig(a)), (cr.tensor(z),), order=2)


def test_vmap_of_decompositions_matches_a_loop():
    batch = STACK + numpy.diag([0.0, 6.0, 12.0])

    def f(a):
        u, s, vh = la.svd(a)
        return la.eigvalsh(a) + s + la.det(a) + np.sum(la.cholesky(a @ a.T + 3 * np.eye(3)))
    got = cr.vmap(f)(t(batch)).numpy()
    want = numpy.stack([f(t(b)).numpy() for b in batch])
    assert numpy.allclose(got, want)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh",
                                  "eig", "eigvals"])
def test_non_square_matrices_are_refused(name):
    with pytest.raises(la.LinAlgError, match=rf"{name}: the last 2 dimensions of the array "
                                             r"must be square, got shape \(2, 3\)"):
        getattr(la, name)(dense(2, 3))


@pytest.mark.parametrize("name", ["inv", "qr", "svd", "pinv", "cholesky"])
def test_vectors_are_refused(name):
    with pytest.raises(la.LinAlgError, match=rf"{name}: 1-dimensional array given "
                                             r"\(shape \(3,\)\)"):
        getattr(la, name)(dense(3))


def test_singular_and_indefinite_matrices_raise_linalg_error():
    assert la.LinAlgError is numpy.linalg.LinAlgError
    with pytest.raises(la.LinAlgError, match="inv: Singular matrix"):
        la.inv(t(numpy.ones((2, 2))))
    with pytest.raises(la.LinAlgError, match="cholesky: Matrix is not positive definite"):
        la.cholesky(t(-numpy.eye(2)))
    with pytest.raises(la.LinAlgError, match="solve: Singular matrix"):
        la.solve(t(numpy.zeros((2, 2))), t(numpy.ones(2)))


def test_qr_complete_of_a_tall_matrix_is_not_differentiable():
    x = cr.tensor(TALL, requires_grad=True)
    q, r = la.qr(x, "complete")
    assert numpy.allclose(q.numpy(), numpy.linalg.qr(TALL, "complete").Q)  # values are fine
    with pytest.raises(RuntimeError, match=r"qr: mode='complete' is not differentiable for a "
                                           r"matrix with more rows than columns \(shape "
                                           r"\(4, 2\)\).*Use mode='reduced'"):
        np.sum(q).backward()
    with pytest.raises(ValueError, match="mode='complete' is not differentiable"):
        cr.jvp(lambda a: la.qr(a, "complete").Q, (t(TALL),), (t(TALL),))


def test_eig_refuses_losses_that_depend_on_the_phases():
    x = cr.tensor(ROTATING, requires_grad=True)
    v = la.eig(x).eigenvectors
    with pytest.raises(RuntimeError, match="eig: the loss depends on the arbitrary phases"):
        np.sum(np.real(v)).backward()


@pytest.mark.parametrize("name", ["cholesky", "cholesky_upper", "qr_tall", "qr_wide",
                                  "qr_complete_square", "pinv_tall", "pinv_wide_stack"])
def test_complex_cholesky_qr_pinv_to_second_order(name):
    z = dense(3, 3) + 1j * dense(3, 3)
    hermitian = z @ z.conj().T + 3 * numpy.eye(3)
    tall, wide = dense(4, 2) + 1j * dense(4, 2), dense(2, 2, 3) + 1j * dense(2, 2, 3)
    f, a = {"cholesky": (la.cholesky, hermitian),
            "cholesky_upper": (lambda a: la.cholesky(a, upper=True), hermitian),
            "qr_tall": (lambda a: np.concatenate(la.qr(a), 0), tall),
            "qr_wide": (lambda a: np.concatenate(la.qr(a), -1), wide),
            "qr_complete_square": (lambda a: np.concatenate(la.qr(a, "complete"), 0), z),
            "pinv_tall": (la.pinv, tall), "pinv_wide_stack": (la.pinv, wide)}[name]
    assert check_grads(lambda a: (np.real(f(a)), np.imag(f(a))), (cr.tensor(a),), order=2)


def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="qr: unrecognized mode 'x'"):
        la.qr(A3, "x")
    with pytest.raises(ValueError, match="qr: mode='raw'.*not differentiable; use "
                                         "mode='reduced'"):
        la.qr(cr.tensor(A3, requires_grad=True), "raw")
    # in forward mode too (the tangent was dropped: a zero derivative, silently)
    with pytest.raises(ValueError, match="qr: mode='raw'.*not differentiable"):
        cr.jvp(lambda a: la.qr(a, "raw")[0], (t(A3),), (t(A3),))
    with pytest.raises(ValueError, match="eigh: UPLO must be 'L' or 'U', got 'X'"):
        la.eigh(SPD, "X")
    with pytest.raises(ValueError, match="norm: invalid norm order 'fro' for vectors"):
        la.norm(dense(3), "fro")
    with pytest.raises(ValueError, match="norm: invalid norm order 3 for matrices"):
        la.norm(A3, 3)
    with pytest.raises(ValueError, match="norm: improper number of dimensions"):
        la.norm(STACK, 2)
    with pytest.raises(TypeError, match="matrix_power: the exponent must be an integer"):
        la.matrix_power(A3, 1.5)
    with pytest.raises(ValueError, match="multi_dot: expecting at least two arrays"):
        la.multi_dot([A3])
    with pytest.raises(TypeError, match="multi_dot: out= is not supported"):
        la.multi_dot([A3, A3], out=numpy.zeros((3, 3)))
    # an axis out of range was wrapped around (axis 5 of a 3-d array read as axis 2)
    with pytest.raises(numpy.exceptions.AxisError, match="vector_norm: axis 5 is out of bounds"):
        la.vector_norm(STACK, axis=(0, 5))
    with pytest.raises(ValueError, match=r"vector_norm: repeated axis in \(0, -3\)"):
        la.vector_norm(STACK, axis=(0, -3))


def test_complex_values_match_numpy():
    z = dense(3, 3) + 1j * dense(3, 3)
    hermitian = z @ z.conj().T + numpy.eye(3)
    got, want = la.svd(z), numpy.linalg.svd(z)
    assert got.S.dtype == numpy.float64 and numpy.allclose(value(got.S), want[1])
    assert numpy.allclose(value(got.U), want[0]) and numpy.allclose(value(got.Vh), want[2])
    got = la.eigh(hermitian)
    assert got.eigenvalues.dtype == numpy.float64
    assert numpy.allclose(value(got.eigenvalues), numpy.linalg.eigvalsh(hermitian))
    assert numpy.allclose(value(la.cholesky(hermitian)), numpy.linalg.cholesky(hermitian))
    assert numpy.allclose(value(la.qr(z).R), numpy.linalg.qr(z).R)


def _hermitian():
    z = dense(3, 3) + 1j * dense(3, 3)
    return z @ z.conj().T + numpy.diag([0.0, 6.0, 12.0])


def test_eigh_of_a_hermitian_matrix_to_second_order():
    h = _hermitian()

    def f(a):
        w, v = la.eigh(a)
        vv = v * np.conj(v[..., :1, :])
        return w, np.real(vv), np.imag(vv)
    assert la.eigh(cr.tensor(h)).eigenvalues.dtype == numpy.float64
    assert check_grads(f, (cr.tensor(h),), order=2)
    assert check_grads(lambda a: la.eigvalsh(a, "U"), (cr.tensor(h),), order=2)


def test_eigh_refuses_losses_that_depend_on_the_phases():
    x = cr.tensor(_hermitian(), requires_grad=True)
    with pytest.raises(RuntimeError, match="eigh: the loss depends on the arbitrary phases"):
        np.sum(np.real(la.eigh(x).eigenvectors)).backward()


@pytest.mark.parametrize("ord, axis", [(None, None), (1, None), (3, 0), (numpy.inf, 1),
                                       ("fro", (0, 1)), (1, (0, 1)), ("nuc", (0, 1)),
                                       (2, (0, 1)), (-2, (1, 0))])
def test_norms_of_complex_values(ord, axis):
    z = dense(3, 3) + 1j * dense(3, 3)
    got = la.norm(z, ord, axis)
    assert got.dtype == numpy.float64
    assert numpy.allclose(value(got), numpy.linalg.norm(z, ord, axis))
    assert check_grads(lambda a: la.norm(a, ord, axis), (cr.tensor(z),), order=2)


@pytest.mark.parametrize("shape, full", [((3, 3), False), ((4, 2), False), ((2, 4), True),
                                         ((2, 3, 2), True)])
def test_svd_of_complex_matrices_to_second_order(shape, full):
    z = dense(*shape) + 1j * dense(*shape)

    def f(a):
        u, s, vh = la.svd(a, full_matrices=full)
        k = s.shape[-1]
        product = (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]
        uu = u[..., :, :k] * np.conj(u[..., :1, :k])
        return s, np.real(product), np.imag(product), np.real(uu), np.imag(uu)
    assert check_grads(f, (cr.tensor(z),), order=2)
    if full:  # the complement columns stay orthogonal to the first ones
        u, _, vh = la.svd(cr.tensor(z), full_matrices=True)
        assert numpy.allclose(value(vh @ np.conj(np.swapaxes(vh, -1, -2))),
                              numpy.eye(shape[-1]))


def test_svd_refuses_losses_that_depend_on_the_phases():
    x = cr.tensor(dense(3, 3) + 1j * dense(3, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match="svd: the loss depends on the arbitrary phases"):
        np.sum(np.real(la.svd(x).U)).backward()


def test_numpy_linalg_functions_dispatch_on_tensors():
    x = cr.tensor(A3, requires_grad=True)
    result = numpy.linalg.svd(x)
    assert isinstance(result, la.SVDResult) and result.S.requires_grad
    np.sum(result.S).backward()
    u, _, vh = numpy.linalg.svd(A3)
    assert numpy.allclose(x.grad.numpy(), u @ vh)
    assert isinstance(numpy.linalg.norm(x, "nuc"), cr.Tensor)


def test_matrix_rank_is_an_integer_not_differentiated():
    x = cr.tensor(TALL @ WIDE, requires_grad=True)
    rank = la.matrix_rank(x)
    assert rank.dtype.kind == "i" and rank.item() == 2 and not rank.requires_grad
    assert la.matrix_rank(STACK).numpy().tolist() == [3, 3]
    # inside vmap a tensor holds the whole batch: refused, not the rank of the stack
    with pytest.raises(TypeError, match="not supported inside vmap"):
        cr.vmap(la.matrix_rank)(t(STACK))


def test_single_precision_complex_eig_and_svd_keep_their_dtype():
    z = dense(3, 3) + 1j * dense(3, 3)
    grads = {}
    for dtype in (numpy.complex64, numpy.complex128):
        x = cr.tensor(z.astype(dtype), requires_grad=True)
        w, v = la.eig(x)
        s = la.svd(x).S
        loss = np.sum(np.abs(v) ** 2 * np.real(w)) + np.sum(s ** 2)  # free of the phases
        loss.backward()
        assert w.dtype == dtype and x.grad.dtype == dtype
        grads[dtype] = x.grad.numpy()
    assert numpy.allclose(grads[numpy.complex64], grads[numpy.complex128], rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (2, 4, 3)])
@pytest.mark.parametrize("complex_", [False, True])
def test_svd_full_complement_has_exact_derivatives_for_basis_free_losses(shape, complex_):
    # The extra columns C of the full factor are any orthonormal basis of the complement;
    # C Cᴴ = I - U_k U_kᴴ does not depend on the choice, so its derivatives are defined.
    a = dense(*shape) + (1j * dense(*shape) if complex_ else 0)

    def projector(x):
        u, s, vh = la.svd(x, full_matrices=True)
        k = s.shape[-1]
        c = u[..., k:] if shape[-2] > shape[-1] else np.conj(np.swapaxes(vh, -1, -2))[..., k:]
        p = c @ np.conj(np.swapaxes(c, -1, -2))
        return (np.real(p), np.imag(p)) if complex_ else p
    assert check_grads(projector, (cr.tensor(a),), order=2)
    got = cr.vmap(lambda x: la.svd(x).U)(cr.tensor(a[None]))
    assert numpy.allclose(got.numpy()[0], numpy.linalg.svd(a)[0], atol=1e-12)


def test_pinv_hermitian_reads_the_lower_triangle_as_numpy():
    sym = SPD + numpy.triu(dense(3, 3), 1)
    assert numpy.allclose(value(la.pinv(sym, hermitian=True)),
                          numpy.linalg.pinv(sym, hermitian=True))
    assert check_grads(lambda a: la.pinv(a, hermitian=True), (t(sym),), order=2)
