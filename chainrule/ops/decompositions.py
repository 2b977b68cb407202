"""Matrix decompositions: cholesky, qr, eigh, svd, eig and pinv, one table entry each.

A decomposition has several outputs, a primitive one: each entry returns its outputs
packed into one array (eigh: the eigenvalues as row 0 above the eigenvectors; svd: U, s
and V stacked; qr: Q beside or above R), and the public functions in
chainrule.numpy.linalg slice them apart, so each output is an ordinary differentiable
view. The rules unpack the cotangent (or tangent) the same way.

Rules are written in chainrule ops (matmul, solve, einsum, where ...), so derivatives of
derivatives are recorded like anything else. Like np.linalg, every entry works on stacks
of matrices (the last two axes); vmap's "elementwise" batching puts the batch in front.

Complex matrices (Hermitian for cholesky and eigh) follow JAX's convention, as the rest
of chainrule: each VJP is the plain transpose of its JVP for the pairing Re Σ a·b (no
conjugation), so for a real loss the gradient is ∂L/∂x - i ∂L/∂y.

Conventions (those of JAX and PyTorch):
- cholesky and eigh read one triangle (the lower) of their input: the derivative with
  respect to the other triangle is 0, and the lower triangle's off-diagonal entries carry
  the derivative of both symmetric positions (of a complex matrix, only the real part
  of the diagonal is read, as LAPACK does).
- eigh and svd: where two eigenvalues (singular values) are exactly equal, the terms
  1 / (λj - λi) of the eigenvector derivative are taken as 0 (they are 0 · ∞ for losses
  of the eigenvalues only, which stay exact); near-equal ones give large derivatives, as
  the eigenvectors themselves are ill-conditioned there.
- Eigenvector and singular-vector signs, and for complex matrices phases, are arbitrary
  (LAPACK's choice). Only losses invariant to them have meaningful derivatives. Forward
  mode holds the phases still (Im(v_jᴴ dv_j) = 0, PyTorch's choice; svd turns U's, JAX's
  choice); reverse mode refuses a cotangent that would turn them (eig, eigh and svd of
  complex matrices raise, as PyTorch's backward does), since the gradient of such a
  loss is not defined.
- qr with mode='complete' and more rows than columns is not differentiable (the extra
  columns of Q are any basis of the orthogonal complement): its rules raise.
"""
from __future__ import annotations

import numpy as np

from ..dtypes import real_dtype
from ..primitive import primitive
from .arithmetic import where
from .linalg import einsum, matmul, solve_p
from .shape import concatenate, expand_dims, shape_of, swapaxes


def _mT(x):
    return swapaxes(x, -1, -2)


def _c(x, complex_):
    """conj(x) for a complex x (the rules' one formula for both kinds)."""
    return conj(x) if complex_ else x


def _mH(x, complex_):
    """The adjoint (conjugate transpose) of a complex x, the transpose of a real one."""
    return conj(_mT(x)) if complex_ else _mT(x)


def _diagonal(x):
    return einsum("...ii->...i", x)


def _diag_embed(v, n, dtype):
    return expand_dims(v, -1) * np.eye(n, dtype=dtype)


def _lower(n, dtype, k=0):
    return np.tril(np.ones((n, n), dtype), k)


def _sym_lower(t, n, dtype):
    """The symmetric matrix a routine that reads the lower triangle sees of t."""
    return t * _lower(n, dtype) + _mT(t * _lower(n, dtype, -1))


def _to_lower(g, n, dtype):
    """The transpose of _sym_lower: a cotangent on the symmetric matrix, brought back to
    the entries read (the lower triangle; the upper triangle gets 0)."""
    return g * _lower(n, dtype) + _mT(g) * _lower(n, dtype, -1)


def _safe_reciprocal(d):
    """1 / d, with 0 where d == 0 (see the module's conventions)."""
    zero = d == 0
    return where(zero, 0, 1 / where(zero, 1, d))


def _gaps(v):
    """gaps[..., i, j] = 1 / (v_j - v_i), 0 where v_j == v_i (the diagonal included)."""
    return _safe_reciprocal(expand_dims(v, -2) - expand_dims(v, -1))


# ---------------------------------------------------------------- cholesky
#
# A = L Lᴴ. For a symmetric (Hermitian) dA: dL = L Φ(L⁻¹ dA L⁻ᴴ), Φ the lower triangle
# with half the diagonal. Its transpose: Ā = L⁻ᵀ Φ(Lᵀ L̄) conj(L)⁻¹, then onto the lower
# triangle read.


def _phi(n, dtype):
    return _lower(n, dtype, -1) + 0.5 * np.eye(n, dtype=dtype)


def _cholesky_vjp(g, ans, x):
    n, dtype = shape_of(ans)[-1], ans.dtype
    cplx = dtype.kind == "c"
    inner = matmul(_mT(ans), g) * _phi(n, dtype)
    left = solve_p(_mT(ans), inner)                     # L⁻ᵀ Φ(Lᵀ L̄)
    full = _mT(solve_p(_mH(ans, cplx), _mT(left)))      # ... conj(L)⁻¹
    return _to_hermitian_lower(full, n, dtype) if cplx else _to_lower(full, n, dtype)


def _cholesky_jvp(tangents, ans, x):
    n, dtype = shape_of(ans)[-1], ans.dtype
    cplx = dtype.kind == "c"
    da = (_hermitian_lower if cplx else _sym_lower)(tangents[0], n, dtype)
    middle = solve_p(ans, _mH(solve_p(ans, da), cplx))  # L⁻¹ dA L⁻ᴴ (dA Hermitian)
    return matmul(ans, middle * _phi(n, dtype))


cholesky_p = primitive("cholesky", np.linalg.cholesky, (_cholesky_vjp,), save="output",
                       backward_name="LinalgCholeskyBackward", jvp=_cholesky_jvp,
                       batch="elementwise", domain="matrix")


# ---------------------------------------------------------------- eigh
#
# A = V diag(w) Vᵀ, packed as [w; V] (n + 1 rows). For a symmetric dA, with
# S = Vᵀ dA V: dw = diag(S), dV = V (F ∘ S), F_ij = 1 / (w_j - w_i).
# Transpose: Ā = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ, then onto the lower triangle read.


def _eigh_impl(x):
    w, v = np.linalg.eigh(x)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _unpack_eigh(packed):
    return packed[..., 0, :], packed[..., 1:, :]


def _hermitian_lower(t, n, dtype):
    """The Hermitian matrix LAPACK sees of a complex t: the strict lower triangle, its
    conjugate transpose above, and the real part of the diagonal."""
    low = t * _lower(n, dtype, -1)
    return low + conj(_mT(low)) + real(t) * np.eye(n, dtype=real_dtype(dtype))


def _to_hermitian_lower(g, n, dtype):
    """The transpose of _hermitian_lower (for the pairing Re Σ g·t)."""
    return (g + conj(_mT(g))) * _lower(n, dtype, -1) \
        + real(g) * np.eye(n, dtype=real_dtype(dtype))


def _eigh_vjp(g, ans, x):
    # Complex (Hermitian) x: Ā = conj(V) (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ, the transpose of
    # S = Vᴴ dA V for Re Σ a·b; V̄ must not turn the arbitrary phases (checked as in eig).
    w, v = _unpack_eigh(ans)
    gw, gv = _unpack_eigh(g)
    n, dtype = shape_of(w)[-1], ans.dtype
    cplx = dtype.kind == "c"
    vt_gv = matmul(_mT(v), gv)
    inner = _diag_embed(gw, n, dtype) + _gaps(w) * vt_gv
    if cplx:
        _check_phase_invariant(_diagonal(vt_gv), gv, ans, "eigh")
    full = matmul(matmul(_c(v, cplx), inner), _mT(v))
    return (_to_hermitian_lower if cplx else _to_lower)(full, n, dtype)


def _eigh_jvp(tangents, ans, x):
    w, v = _unpack_eigh(ans)
    n, dtype = shape_of(w)[-1], ans.dtype
    cplx = dtype.kind == "c"
    da = (_hermitian_lower if cplx else _sym_lower)(tangents[0], n, dtype)
    s = matmul(matmul(_mH(v, cplx), da), v)
    dw = real(_diagonal(s)) + 0j if cplx else _diagonal(s)  # packed with complex V
    return concatenate([expand_dims(dw, -2), matmul(v, _gaps(w) * s)], -2)


eigh_p = primitive("eigh", _eigh_impl, (_eigh_vjp,), save="output",
                   backward_name="LinalgEighBackward", jvp=_eigh_jvp, batch="elementwise",
                   domain="real")


# ---------------------------------------------------------------- svd
#
# A = U diag(s) Vᴴ (reduced: k = min(m, n) columns), packed as [U; s; conj(V)] (m + 1 + n
# rows, k columns: conj(V) = Vhᵀ). JVP (JAX's svd_jvp_rule): P = Uᴴ dA V, ds = Re diag(P),
# dU = U (F ∘ (P S + S Pᴴ) + D) + (I - UUᴴ) dA V S⁻¹,
# dV = V (F ∘ (S P + Pᴴ S)) + (I - VVᴴ) dAᴴ U S⁻¹, F_ij = 1 / (s_j² - s_i²),
# D = i Im(diag(P)) S⁻¹ (complex only: the phases move with U, V's stay). The VJP is its
# transpose, step by step (for real matrices HIPS autograd's rule): with K = Uᵀ Ū,
# L = Vᵀ V̄: Ā = conj(U) [(F ∘ (K - Kᴴ)) S + diag(s̄) + S (F ∘ (L - Lᴴ)) + i Im(diag K) S⁻¹] Vᵀ
# + (Q - conj(U) Uᵀ Q) Vᵀ + conj(U) (Rᴴ - Rᴴ conj(V) Vᵀ), Q = Ū S⁻¹, R = V̄ S⁻¹.
# A complex loss that turns the common phase of a column pair (u_j, v_j) has
# Im(K_jj + L_jj) ≠ 0: refused, as in eig. With full_matrices the first k columns of the
# full factors are packed: their signs are those of the full decomposition (see
# svd_complement).


def _svd_impl(x, full):
    u, s, vh = np.linalg.svd(x, full_matrices=full)
    k = s.shape[-1]
    return np.concatenate([u[..., :k], s[..., None, :], np.swapaxes(vh[..., :k, :], -1, -2)],
                          axis=-2)


def _unpack_svd(packed, m):
    return packed[..., :m, :], packed[..., m, :], packed[..., m + 1:, :]


def _svd_vjp(g, ans, x, full):
    m, n = shape_of(x)[-2:]
    cplx = ans.dtype.kind == "c"
    u, s, w = _unpack_svd(ans, m)
    gu, gs, gw = _unpack_svd(g, m)
    s, gs, v, gv = real(s), real(gs), _c(w, cplx), _c(gw, cplx)
    k, dtype = shape_of(s)[-1], ans.dtype
    f = _gaps(s * s)
    s_inv = _safe_reciprocal(s)
    utgu, vtgv = matmul(_mT(u), gu), matmul(_mT(v), gv)
    inner = (f * (utgu - _mH(utgu, cplx))) * expand_dims(s, -2) \
        + _diag_embed(gs, k, dtype) + expand_dims(s, -1) * (f * (vtgv - _mH(vtgv, cplx)))
    if cplx:
        _check_phase_invariant(_diagonal(utgu) + _diagonal(vtgv), g, ans, "svd")
        inner = inner + _diag_embed(imag(_diagonal(utgu)) * s_inv * 1j, k, dtype)
    cu = _c(u, cplx)
    ga = matmul(matmul(cu, inner), _mT(v))
    if m > k:
        q = gu * expand_dims(s_inv, -2)
        ga = ga + matmul(q - matmul(cu, matmul(_mT(u), q)), _mT(v))
    if n > k:
        rh = _c(_mT(gv * expand_dims(s_inv, -2)), cplx)
        ga = ga + matmul(cu, rh - matmul(matmul(rh, w), _mT(v)))  # w = conj(v)
    return ga


def _svd_jvp(tangents, ans, x, full):
    m, n = shape_of(x)[-2:]
    cplx = ans.dtype.kind == "c"
    u, s, w = _unpack_svd(ans, m)
    s, v = real(s), _c(w, cplx)
    (t,) = tangents
    k = shape_of(s)[-1]
    f = _gaps(s * s)
    s_inv = _safe_reciprocal(s)
    uh = _mH(u, cplx)
    p = matmul(matmul(uh, t), v)
    dss, sds = p * expand_dims(s, -2), expand_dims(s, -1) * p
    inner_u = f * (dss + _mH(dss, cplx))
    if cplx:
        inner_u = inner_u + _diag_embed(imag(_diagonal(p)) * s_inv * 1j, k, ans.dtype)
    du = matmul(u, inner_u)
    dv = matmul(v, f * (sds + _mH(sds, cplx)))
    s_inv = expand_dims(s_inv, -2)
    if m > k:
        tv = matmul(t, v)
        du = du + (tv - matmul(u, matmul(uh, tv))) * s_inv
    if n > k:
        thu = matmul(_mH(t, cplx), u)
        dv = dv + (thu - matmul(v, matmul(_mH(v, cplx), thu))) * s_inv
    ds = real(_diagonal(p))
    return concatenate([du, expand_dims(ds + 0j if cplx else ds, -2), _c(dv, cplx)], -2)


svd_p = primitive("svd", _svd_impl, (_svd_vjp,), save="both",
                  backward_name="LinalgSvdBackward", jvp=_svd_jvp, batch="elementwise",
                  domain="real")


def _svd_complement_impl(x):
    """The columns of the full U (m > n) or of the full V (n > m) past the first
    min(m, n): a basis of the orthogonal complement, from the same LAPACK call as
    svd_p(x, True) makes (so the first columns there match these)."""
    m, n = x.shape[-2:]
    u, s, vh = np.linalg.svd(x, full_matrices=True)
    return u[..., :, n:] if m > n else np.swapaxes(vh, -1, -2)[..., :, m:]


# Not differentiable by itself: chainrule.numpy.linalg.svd turns it into columns whose
# derivative is that of the complement of U's (or V's) first columns.
svd_complement = primitive("svd_complement", _svd_complement_impl, None, batch="elementwise")


# ---------------------------------------------------------------- qr
#
# A = QR. Tall or square (m >= n, reduced), packed [Q; R] (m + n rows): with
# C = Qᵀ dA R⁻¹ and Ω = tril(C, -1) - tril(C, -1)ᵀ (Qᵀ dQ, skew-symmetric):
# dR = (C - Ω) R, dQ = dA R⁻¹ - Q (C - Ω) (JAX's qr_jvp_rule). Transpose:
# Ā = (Q̄ + Q K) R⁻ᵀ, N = R̄ Rᵀ - Qᵀ Q̄, K = triu(N) + triu(N, 1)ᵀ.
# Wide (m < n), packed [Q R] (m + n columns): A = [X Y], X = Q U square, Y = Q V, so
# dV = Qᵀ (dY - dQ V) (PyTorch's linalg_qr_backward does the same).


def _qr_impl(x, complete):
    q, r = np.linalg.qr(x, mode="complete" if complete else "reduced")
    m, n = x.shape[-2:]
    return np.concatenate([q, r], axis=-2 if (m > n and not complete) else -1)


def _unpack_qr(packed, m, n, complete):
    if m > n and not complete:
        return packed[..., :m, :], packed[..., m:, :]
    return packed[..., :, :m], packed[..., :, m:]


def _check_qr_differentiable(x, complete):
    m, n = shape_of(x)[-2:]
    if complete and m > n:
        raise ValueError(
            f"qr: mode='complete' is not differentiable for a matrix with more rows than "
            f"columns (shape {shape_of(x)}): the last {m - n} columns of Q are any basis of "
            "the orthogonal complement. Use mode='reduced' (its Q and R are the first "
            "columns and rows of the complete ones)")
    return m, n


def _right_rinv_t(x, r):
    """x R⁻ᵀ."""
    return _mT(solve_p(r, _mT(x)))


def _qr_tall_vjp(q, r, gq, gr):
    n, cplx = shape_of(r)[-1], r.dtype.kind == "c"
    big = matmul(gr, _mT(r)) - matmul(_mT(q), gq)
    k = big * _mT(_lower(n, r.dtype)) + _mH(big, cplx) * _lower(n, r.dtype, -1)
    if cplx:  # R's diagonal is real: only the real part of big's diagonal counts
        k = k - _diag_embed(imag(_diagonal(big)) * 1j, n, r.dtype)
    return _right_rinv_t(gq + matmul(_c(q, cplx), k), r)


def _qr_tall_jvp(q, r, t):
    n, cplx = shape_of(r)[-1], r.dtype.kind == "c"
    t_rinv = _mT(solve_p(_mT(r), _mT(t)))             # dA R⁻¹
    c = matmul(_mH(q, cplx), t_rinv)
    low = c * _lower(n, r.dtype, -1)
    omega = low - _mH(low, cplx)
    if cplx:  # Qᴴ dQ is skew-Hermitian: its diagonal is i Im(C_ii)
        omega = omega + _diag_embed(imag(_diagonal(c)) * 1j, n, r.dtype)
    return t_rinv - matmul(q, c - omega), matmul(c - omega, r)


def _qr_vjp(g, ans, x, complete):
    m, n = _check_qr_differentiable(x, complete)
    q, r = _unpack_qr(ans, m, n, complete)
    gq, gr = _unpack_qr(g, m, n, complete)
    if m >= n:
        return _qr_tall_vjp(q, r, gq, gr)
    cplx = ans.dtype.kind == "c"
    gv = gr[..., :, m:]
    gx = _qr_tall_vjp(q, r[..., :, :m],
                      gq - matmul(_c(q, cplx), matmul(gv, _mT(r[..., :, m:]))),
                      gr[..., :, :m])
    return concatenate([gx, matmul(_c(q, cplx), gv)], -1)


def _qr_jvp(tangents, ans, x, complete):
    m, n = _check_qr_differentiable(x, complete)
    q, r = _unpack_qr(ans, m, n, complete)
    (t,) = tangents
    if m >= n:
        dq, dr = _qr_tall_jvp(q, r, t)
        return concatenate([dq, dr], -2 if (m > n and not complete) else -1)
    dq, du = _qr_tall_jvp(q, r[..., :, :m], t[..., :, :m])
    dv = matmul(_mH(q, ans.dtype.kind == "c"), t[..., :, m:] - matmul(dq, r[..., :, m:]))
    return concatenate([dq, du, dv], -1)


qr_p = primitive("qr", _qr_impl, (_qr_vjp,), save="both", backward_name="LinalgQrBackward",
                 jvp=_qr_jvp, batch="elementwise", domain="real")


# ---------------------------------------------------------------- pinv
#
# A closed-form rule rather than a composite of svd: it holds wherever the rank is
# locally constant, repeated singular values included (where the svd rule's
# 1 / (s_j² - s_i²) terms would blow up and cancel), and costs matrix products only.
# dP = -P dA P + P Pᴴ dAᴴ (I - A P) + (I - P A) dAᴴ Pᴴ P (Golub and Pereyra, 1973);
# Ā = -Pᵀ P̄ Pᵀ + (I - conj(A P)) P̄ᴴ conj(P Pᴴ) + conj(Pᴴ P) P̄ᴴ (I - conj(P A)).


def _pinv_impl(x, options):
    return np.linalg.pinv(x, **dict(options))


def _pinv_vjp(g, ans, x, options):
    cplx = ans.dtype.kind == "c"
    pt, cp, cx, gh = _mT(ans), _c(ans, cplx), _c(x, cplx), _mH(g, cplx)
    left = matmul(gh, matmul(cp, pt))
    right = matmul(matmul(pt, cp), gh)
    return (-matmul(matmul(pt, g), pt) + left - matmul(cx, matmul(cp, left))
            + right - matmul(matmul(right, cp), cx))


def _pinv_jvp(tangents, ans, x, options):
    p, cplx = ans, ans.dtype.kind == "c"
    th, ph = _mH(tangents[0], cplx), _mH(ans, cplx)
    first = matmul(p, matmul(ph, th))
    second = matmul(th, matmul(ph, p))
    return (-matmul(matmul(p, tangents[0]), p) + first - matmul(matmul(first, x), p)
            + second - matmul(p, matmul(x, second)))


pinv_p = primitive("pinv", _pinv_impl, (_pinv_vjp,), save="both",
                   backward_name="LinalgPinvBackward", jvp=_pinv_jvp, batch="elementwise",
                   domain="real")


# ---------------------------------------------------------------- eig
#
# A V = V diag(w) for a general (non-symmetric, real or complex) A, packed as [w; V]
# (complex unless every eigenvalue of a real A is real, as NumPy returns them).
# JVP: S = V⁻¹ dA V, dw = diag(S), dV = V (F ∘ S + diag(c)), F_ij = 1 / (w_j - w_i).
# The columns stay of unit norm: Re(c_j) = -Re(v_jᴴ (V (F ∘ S))_j); Im(c_j), the drift of
# the arbitrary phase, is taken as 0 (PyTorch's choice). Transpose (no conjugation):
# Ā = V⁻ᵀ (diag(w̄) + F ∘ (Vᵀ V̄')) Vᵀ, V̄' = V̄ - conj(V) diag(Re(diag(Vᵀ V̄))).
# A loss that depends on the phases has Im(diag(Vᵀ V̄)) ≠ 0: its gradient is not
# defined, and the VJP refuses it (as PyTorch's linalg_eig_backward does).


def _eig_impl(x):
    w, v = np.linalg.eig(x)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _check_phase_invariant(h, gv, ans, name="eig") -> None:
    # Inside vmap a tensor's data holds the whole batch: the check covers every example.
    values, scale = (np.asarray(getattr(a, "_data", a)) for a in (h, gv))
    if values.dtype.kind != "c" or not values.size:
        return
    # Rounding leaves Im(h) at about eps · |V̄| (the columns of V have unit norm), eps of
    # the least precise of the factors and the cotangent: the check allows
    # sqrt(eps) · |V̄| · n, far above that and far below a phase dependence.
    eps = max(np.finfo(d).eps for d in (values.dtype, scale.dtype, ans.dtype))
    limit = float(np.sqrt(eps)) * values.shape[-1] * max(1.0, float(np.max(np.abs(scale))))
    if np.any(np.abs(values.imag) > limit):
        raise ValueError(
            f"{name}: the loss depends on the arbitrary phases of the eigenvectors (each column "
            "of V is defined only up to a factor e^(iφ)), so its gradient is not defined; "
            "use quantities that do not depend on them, such as |v|² or v_i·conj(v_j) of "
            "entries of one eigenvector, or the eigenvalues")


def _eig_vjp(g, ans, x):
    w, v = _unpack_eigh(ans)
    gw, gv = _unpack_eigh(g)
    n, dtype = shape_of(w)[-1], ans.dtype
    h = _diagonal(matmul(_mT(v), gv))
    _check_phase_invariant(h, gv, ans)
    gv = gv - conj(v) * expand_dims(real(h), -2)
    inner = _diag_embed(gw, n, dtype) + _gaps(w) * matmul(_mT(v), gv)
    return solve_p(_mT(v), matmul(inner, _mT(v)))


def _eig_jvp(tangents, ans, x):
    w, v = _unpack_eigh(ans)
    s = solve_p(v, matmul(tangents[0], v))
    dv = matmul(v, _gaps(w) * s)
    c = real(sum(conj(v) * dv, -2, keepdims=True))
    return concatenate([expand_dims(_diagonal(s), -2), dv - v * c], -2)


eig_p = primitive("eig", _eig_impl, (_eig_vjp,), save="output",
                  backward_name="LinalgEigBackward", jvp=_eig_jvp, batch="elementwise",
                  domain="real")

from .complex import conj, imag, real  # noqa: E402
from .reduction import sum  # noqa: E402,A004
