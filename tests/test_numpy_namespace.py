"""chainrule.numpy: NumPy's names, signatures, keyword names and dtype rules, on tensors,
ndarrays and array-likes; results are tensors and are differentiable."""
import warnings

import numpy
import pytest

import chainrule as cr
import chainrule.numpy as np
from chainrule.numpy._core import asarray_like
from chainrule.testing import check_grads

RNG = numpy.random.default_rng(0)
A = RNG.normal(size=(3, 4))
B = RNG.normal(size=(4, 2))
V = RNG.normal(size=4)
POS = RNG.uniform(0.5, 2.0, size=(3, 4))
INTS = numpy.arange(12).reshape(3, 4)

# (function name, arguments, keywords): each call is made with chainrule.numpy and with
# NumPy on the same ndarrays, and the values and dtypes must agree.
CALLS = [
    ("sin", (A,), {}), ("exp", (A,), {}), ("log", (POS,), {}), ("sqrt", (POS,), {}),
    ("tanh", (A,), {}), ("abs", (A,), {}), ("negative", (A,), {}), ("square", (A,), {}),
    ("add", (A, V), {}), ("subtract", (A, 1.5), {}), ("multiply", (INTS, 2.5), {}),
    ("divide", (A, POS), {}), ("power", (POS, 2.5), {}), ("maximum", (A, 0.0), {}),
    ("minimum", (A, V), {}), ("arctan2", (A, POS), {}), ("matmul", (A, B), {}),
    ("sin", (INTS,), {}), ("sqrt", (INTS,), {}), ("true_divide", (INTS, 3), {}),
    ("greater", (A, 0.0), {}), ("floor", (A,), {}),
    ("sum", (A,), {}), ("sum", (A,), {"axis": 1, "keepdims": True}), ("sum", (INTS,), {}),
    ("sum", (A,), {"axis": 0, "initial": 2.0}), ("prod", (POS,), {"axis": 0}),
    ("mean", (A,), {"axis": (0, 1)}), ("mean", (INTS,), {}), ("mean", (INTS,), {"axis": 0}),
    ("var", (A,), {"ddof": 1}), ("std", (A,), {"axis": 1, "ddof": 1}), ("var", (INTS,), {}),
    ("max", (A,), {"axis": 1}), ("amax", (A,), {}), ("min", (A,), {"axis": 0}),
    ("amin", (A,), {"keepdims": True}), ("max", (A,), {"initial": 5.0}),
    ("ptp", (A,), {"axis": 1}), ("argmax", (A,), {"axis": 1}), ("argmin", (A,), {}),
    ("cumsum", (A,), {"axis": 1}), ("cumsum", (INTS,), {}), ("cumprod", (POS,), {}),
    ("average", (A,), {"axis": 1, "weights": V}), ("average", (A,), {}),
    ("all", (A > 0,), {"axis": 0}), ("any", (A > 0,), {}), ("count_nonzero", (A > 0,), {}),
    ("reshape", (A, (4, 3)), {}), ("reshape", (A,), {"shape": (-1,)}),
    ("ravel", (A,), {}), ("transpose", (A,), {}), ("transpose", (A[None],), {"axes": (2, 0, 1)}),
    ("squeeze", (A[None],), {"axis": 0}), ("expand_dims", (A,), {"axis": 1}),
    ("swapaxes", (A, 0, 1), {}), ("moveaxis", (A[None], 0, -1), {}),
    ("broadcast_to", (V, (3, 4)), {}), ("concatenate", ([A, A],), {"axis": 1}),
    ("concatenate", ([A, INTS],), {"axis": None}), ("stack", ([V, V],), {"axis": 1}),
    ("flip", (A,), {"axis": 0}), ("roll", (A, 1), {"axis": 1}), ("repeat", (V, 2), {}),
    ("tile", (V, (2, 1)), {}), ("pad", (V, 1), {"constant_values": 3.0}),
    ("take", (V, [0, 2]), {}), ("copy", (A,), {}), ("atleast_1d", (1.5,), {}),
    ("atleast_2d", (V,), {}), ("where", (A > 0, A, 0.0), {}), ("where", (A > 0,), {}),
    ("clip", (A,), {"a_min": -0.5, "a_max": 0.5}), ("clip", (INTS, 0.5, 7.5), {}),
    ("round", (A,), {"decimals": 1}), ("around", (A,), {}), ("isclose", (A, A), {}),
    ("nonzero", (V > 0,), {}), ("argwhere", (A > 0,), {}),
    ("dot", (A, B), {}), ("dot", (V, V), {}), ("vdot", (A, A), {}), ("inner", (V, V), {}),
    ("outer", (V, V), {}), ("tensordot", (A, B), {"axes": 1}),
    ("einsum", ("ij,jk->ik", A, B), {}), ("dot", (INTS, B.astype(numpy.float32)), {}),
    ("array", ([[1.0, 2.0], [3.0, 4.0]],), {}), ("array", ([1, 2],), {"dtype": "float32"}),
    ("asarray", (A,), {}), ("zeros", (3,), {}), ("ones", ((2, 3),), {"dtype": "int32"}),
    ("full", ((2, 2), 1.5), {}), ("zeros_like", (INTS,), {}), ("ones_like", (A,), {}),
    ("full_like", (A, 7), {}), ("eye", (3,), {"k": 1}), ("identity", (2,), {}),
    ("arange", (4.0,), {}), ("arange", (1, 7, 2), {}), ("linspace", (0.0, 1.0, 5), {}),
    ("logspace", (0.0, 2.0, 3), {}), ("empty_like", (A,), {}),
    ("concat", ([A, A],), {"axis": 1}), ("permute_dims", (A[None],), {"axes": (2, 0, 1)}),
    ("matrix_transpose", (A[None],), {}), ("unstack", (A,), {"axis": 1}),
    ("cumulative_sum", (A,), {"axis": 1, "include_initial": True}),
    ("cumulative_prod", (POS[0],), {}), ("searchsorted", (numpy.sort(V), [0.1, 0.5]), {}),
    ("digitize", (V, [-0.5, 0.5]), {}), ("isneginf", (numpy.array([-numpy.inf, 1.0]),), {}),
    ("isposinf", (numpy.array([numpy.inf, 1.0]),), {}), ("iscomplex", (A + 0j,), {}),
    ("isreal", (A,), {}), ("real_if_close", (A + 1e-20j,), {}),
]


def _call_id(call):
    return f"{call[0]}{len(call[1])}-{'-'.join(call[2])}"


@pytest.mark.parametrize("name, args, kwargs", CALLS, ids=[_call_id(c) for c in CALLS])
def test_values_and_dtypes_match_numpy(name, args, kwargs):
    expected = getattr(numpy, name)(*args, **kwargs)
    got = getattr(np, name)(*args, **kwargs)
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
    else:
        expected, got = (expected,), (got,)
    for e, g in zip(expected, got):
        assert isinstance(g, cr.Tensor), f"{name} returned {type(g).__name__}"
        e = numpy.asarray(e)
        assert g.dtype == e.dtype, f"{name}: dtype {g.dtype}, NumPy gives {e.dtype}"
        assert g.shape == e.shape
        if name not in ("empty_like",):
            numpy.testing.assert_allclose(g.numpy(), e, rtol=1e-12, atol=1e-12)


def test_python_floats_are_float64_and_float32_float16_keep_their_dtype():
    assert np.array([1.0]).dtype == numpy.float64
    assert np.zeros(3).dtype == numpy.float64
    assert np.arange(4.0).dtype == numpy.float64
    assert np.sin(2.0).dtype == numpy.float64
    assert np.linspace(0, 1, 3).dtype == numpy.float64
    for dtype in (numpy.float32, numpy.float16):
        x = cr.tensor([1.0, 2.0], dtype=dtype)
        assert np.sin(x).dtype == dtype
        assert np.mean(x).dtype == dtype
        assert np.multiply(x, 2.5).dtype == dtype
        assert np.sum(x * 3).dtype == dtype


@pytest.mark.parametrize("name", ["concatenate", "stack"])
def test_joins_refuse_the_casts_numpy_refuses(name):
    floats, ints = numpy.array([1.5, 2.5]), numpy.array([1, 2])
    with pytest.raises(TypeError):
        getattr(numpy, name)([floats, ints], dtype=int)  # NumPy's own refusal
    with pytest.raises(TypeError, match=f"{name}: cannot cast an array of float64 to int64 "
                                        "with casting='same_kind'"):
        getattr(np, name)([floats, ints], dtype=int)
    unsafe = getattr(np, name)([floats, ints], dtype=int, casting="unsafe")
    numpy.testing.assert_array_equal(
        unsafe.numpy(), getattr(numpy, name)([floats, ints], dtype=int, casting="unsafe"))

def test_integers_promote_as_numpy_does():
    i = cr.tensor([1, 2, 3])
    f32 = cr.tensor([1.0, 2.0, 3.0], dtype="float32")
    assert np.add(i, f32).dtype == numpy.float64  # the core alone would say float32
    assert np.dot(i, f32).dtype == numpy.float64
    assert np.concatenate([i, f32]).dtype == numpy.float64
    assert np.mean(i).dtype == numpy.float64 and np.mean(i).item() == 2.0
    assert np.sin(i).dtype == numpy.float64
    assert np.add(i, 1).dtype == numpy.int64
    assert np.where(i > 1, f32, 0.5).dtype == numpy.float32


def test_results_are_tensors_and_queries_plain_values():
    x = cr.tensor(A)
    assert isinstance(np.sum([1.0, 2.0]), cr.Tensor)
    assert np.sum([1.0, 2.0]).item() == 3.0
    assert np.shape(x) == (3, 4) and type(np.shape(x)) is tuple
    assert np.ndim(x) == 2 and np.size(x) == 12 and np.size(x, 1) == 4
    assert np.shape([[1, 2, 3]]) == (1, 3) and np.ndim(1.0) == 0
    assert np.allclose(x, A) is True and np.array_equal(x, A + 1) is False
    assert np.result_type(cr.tensor([1], dtype="int32"), 1.0) == numpy.float64
    assert np.iscomplexobj(x) is False and np.isscalar(x) is False
    assert isinstance(x, np.ndarray)
    assert np.newaxis is None and np.pi == numpy.pi and np.e == numpy.e
    assert np.inf == numpy.inf and numpy.isnan(np.nan)
    assert np.float64 is numpy.float64 and np.complex128 is numpy.complex128


def test_lists_of_tensors_stack_so_each_tensor_gets_its_gradient():
    x = cr.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    y = cr.tensor(3.0, dtype="float64", requires_grad=True)
    m = np.mean([x, x + 2])
    assert m.item() == pytest.approx(2.5)
    m.backward()
    numpy.testing.assert_allclose(x.grad.numpy(), [0.5, 0.5])
    nested = np.array([[y, 1.0], [2.0, y * y]])  # tensors mixed with floats
    assert nested.shape == (2, 2) and nested.dtype == numpy.float64
    numpy.testing.assert_allclose(nested.numpy(), [[3.0, 1.0], [2.0, 9.0]])
    np.sum(nested).backward()
    assert y.grad.item() == pytest.approx(1 + 2 * 3.0)
    z = cr.tensor(2.0, dtype="float32", requires_grad=True)
    assert asarray_like([z, 1.0]).dtype == numpy.float64  # list items are strong, as in NumPy
    assert asarray_like((z, z)).dtype == numpy.float32
    assert np.array([z, 2.0], dtype=complex).dtype == numpy.complex128
    assert np.array([z, 2j]).dtype == numpy.complex128


def test_ragged_and_non_numeric_array_likes_are_refused():
    x = cr.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shapes \[\(\), \(2,\)\]: the list is ragged"):
        asarray_like([x, 1.0])
    with pytest.raises(TypeError, match="cannot make a tensor from None"):
        np.sum(None)
    with pytest.raises(TypeError, match="string"):
        np.sin("a")


def test_numpy_keyword_names():
    x = cr.tensor(A)
    assert np.clip(x, a_min=-0.1, a_max=0.1).numpy().max() == pytest.approx(0.1)
    numpy.testing.assert_allclose(np.clip(x, min=-0.1, max=0.2).numpy(),
                                  numpy.clip(A, -0.1, 0.2))
    assert np.sum(x, axis=0, keepdims=True).shape == (1, 4)
    assert np.reshape(x, shape=(2, 6)).shape == (2, 6)
    assert np.reshape(x, newshape=(12,)).shape == (12,)
    assert np.transpose(x, axes=(1, 0)).shape == (4, 3)
    assert np.concatenate(arrays=[x, x], axis=0).shape == (6, 4)
    assert np.std(x, ddof=1).item() == pytest.approx(A.std(ddof=1))
    assert np.var(x, correction=1).item() == pytest.approx(A.var(ddof=1))
    assert np.mean(x, dtype="float32").dtype == numpy.float32
    assert np.argmax(x, axis=1, keepdims=True).shape == (3, 1)
    assert np.linspace(0.0, 1.0, num=4, endpoint=False, retstep=True)[1] == 0.25


def test_refusals_name_the_function_and_the_argument():
    x = cr.tensor(A)
    with pytest.raises(TypeError, match=r"sum: out= is not supported .* returned tensor"):
        np.sum(x, out=numpy.empty(()))
    with pytest.raises(TypeError, match=r"mean: the argument where= is not supported"):
        np.mean(x, where=A > 0)
    with pytest.raises(ValueError, match="pad: only mode='constant'"):
        np.pad(x, 1, mode="reflect")
    with pytest.raises(ValueError, match="where: either both or neither"):
        np.where(x > 0, x)
    with pytest.raises(TypeError, match="einsum: give the subscripts as a string"):
        np.einsum(x, [0, 1])
    with pytest.raises(TypeError, match=r"sin\(\) takes 1 positional argument but 3"):
        np.sin(x, x, x)


def test_ufunc_methods_and_keywords_go_through_array_ufunc():
    x = cr.tensor(A, requires_grad=True)
    total = np.add.reduce(x, axis=1)
    numpy.testing.assert_allclose(total.numpy(), A.sum(1))
    assert total.requires_grad
    assert np.add.nin == 2 and np.sin.ufunc is numpy.sin and np.abs.ufunc is numpy.absolute
    with pytest.raises(TypeError, match=r"numpy.sin: out= is not supported"):
        np.sin(x, out=cr.tensor(numpy.empty_like(A)))


def _loss(x, w):
    h = np.tanh(np.dot(x, w))
    z = np.concatenate([h, np.square(h)], axis=1)
    return np.sum(np.where(z > 0, z, 0.1 * z)) + np.mean(np.clip(x, -1.0, 1.0)) \
        + np.std(np.stack([x, np.exp(x)]), ddof=1) + np.max(np.maximum(w, 0.2)) \
        + np.einsum("ij,ij->", x, x) + np.sum(np.cumsum(np.transpose(w), axis=1))


def test_a_numpy_style_function_has_correct_derivatives_to_second_order():
    check_grads(_loss, (A, B), order=2, modes=("fwd", "rev"))


def test_array_likes_of_tensors_differentiate_to_second_order():
    check_grads(lambda x, y: np.var(np.array([[x[0], y], [x[1] * y, 2.0]])), (V[:2], 0.7),
                order=2, modes=("fwd", "rev"))
    check_grads(lambda a, b: np.linspace(a, b, 4) ** 2, (0.3, 1.9), order=2,
                modes=("fwd", "rev"))


def test_grad_of_a_namespace_function_matches_the_closed_form():
    gradient = cr.grad(lambda x: np.sum(np.sin(x) * x))(V)
    numpy.testing.assert_allclose(gradient.numpy(), numpy.sin(V) + V * numpy.cos(V))


def test_complex_parts_match_numpy_and_differentiate_on_real_paths():
    z = numpy.array([1 + 2j, -3 - 0.5j])
    for name in ("real", "imag", "angle"):
        got = getattr(np, name)(z)
        expected = getattr(numpy, name)(z)
        assert got.dtype == expected.dtype
        numpy.testing.assert_allclose(got.numpy(), expected)
    numpy.testing.assert_allclose(np.angle(z, deg=True).numpy(), numpy.angle(z, deg=True))
    check_grads(lambda x: np.sum(np.imag(x * (1 + 2j)) ** 2 + np.real(np.exp(1j * x))
                                 + np.angle(x + 2j)), (V,), order=2, modes=("fwd", "rev"))


def test_elementwise_functions_that_are_not_ufuncs():
    values = numpy.array([-1.5, 0.0, 0.25, 2.7])
    numpy.testing.assert_allclose(np.sinc(values).numpy(), numpy.sinc(values))
    assert np.sinc(numpy.arange(3)).dtype == numpy.float64
    numpy.testing.assert_array_equal(np.fix(values).numpy(), numpy.fix(values))
    check_grads(lambda x: np.sinc(x) * x, (values,), order=2, modes=("fwd", "rev"))


def test_complex_var_std_and_vdot_follow_numpy():
    z = A + 1j * POS
    for name, kwargs in (("var", {}), ("std", {"axis": 1, "ddof": 1}),
                         ("var", {"axis": 0, "keepdims": True})):
        got, expected = getattr(np, name)(z, **kwargs), getattr(numpy, name)(z, **kwargs)
        assert got.dtype == expected.dtype == numpy.float64 and got.shape == expected.shape
        numpy.testing.assert_allclose(got.numpy(), expected)
    numpy.testing.assert_allclose(np.vdot(z, z[::-1]).numpy(), numpy.vdot(z, z[::-1]))
    check_grads(lambda x: np.var(x * (1 + 2j) + x * x * 1j, axis=1, ddof=1)
                + np.std(x * 1j + x), (A,), order=2, modes=("fwd", "rev"))


def test_a_missing_numpy_name_says_where_to_look():
    with pytest.raises(AttributeError, match=r"chainrule.numpy has no 'nanmedian': .* "
                                             r"closest names in chainrule.numpy: nanmean"):
        np.nanmedian  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'not_a_numpy_name'"):
        np.not_a_numpy_name  # noqa: B018


NAN = A.copy()
NAN[0, 1] = NAN[2, 3] = numpy.nan
X1 = numpy.linspace(-3.0, 3.0, 13) + 0.01  # no sample on a node of xp (a kink)

STATISTICS = [
    ("median", (A,), {}), ("median", (A,), {"axis": 1}), ("median", (V,), {}),
    ("median", (A,), {"axis": 0, "keepdims": True}), ("median", (A,), {"keepdims": True}),
    ("nansum", (NAN,), {"axis": 1}), ("nanprod", (NAN,), {}), ("nanmean", (NAN,), {"axis": 0}),
    ("nanvar", (NAN,), {"axis": 1, "ddof": 1}), ("nanstd", (NAN,), {}),
    ("nanvar", (NAN,), {"keepdims": True}), ("nanmax", (NAN,), {"axis": 1}),
    ("nanmin", (NAN,), {}), ("cov", (A,), {}), ("cov", (A,), {"rowvar": False}),
    ("cov", (V,), {}), ("cov", (V, V[::-1]), {}), ("cov", (A,), {"bias": True}),
    ("cov", (A,), {"ddof": 2}), ("cov", (A.astype(numpy.float32),), {}),
    ("cov", (A + 1j * POS,), {}), ("corrcoef", (A,), {}), ("corrcoef", (V, V ** 2), {}),
    ("trapezoid", (A,), {}), ("trapezoid", (A,), {"axis": 0, "dx": 0.5}),
    ("trapezoid", (V,), {"x": numpy.cumsum(numpy.abs(V))}),
    ("trapezoid", (A,), {"x": numpy.arange(3.0), "axis": 0}),
    ("polyval", (V, A), {}), ("polyval", ([2.0], 3.0), {}),
    ("interp", (X1, numpy.sort(V), V), {}),
    ("interp", (X1, numpy.sort(V), V), {"left": 0.0, "right": 9.0}),
    ("interp", (X1.astype(numpy.float32), numpy.sort(V), V.astype(numpy.float32)), {}),
    ("convolve", (V, A[0]), {}), ("convolve", (A[0], V), {"mode": "same"}),
    ("convolve", (V, A[0]), {"mode": "same"}), ("convolve", (V, A[0]), {"mode": "valid"}),
    ("convolve", (V[:2], A[0]), {"mode": "same"}), ("correlate", (A[0], V), {}),
    ("correlate", (V, A[0]), {"mode": "full"}), ("correlate", (A[0], V), {"mode": "same"}),
]


@pytest.mark.parametrize("name, args, kwargs", STATISTICS, ids=[_call_id(c) for c in STATISTICS])
def test_statistics_and_signals_match_numpy(name, args, kwargs):
    expected = numpy.asarray(getattr(numpy, name)(*args, **kwargs))
    got = getattr(np, name)(*args, **kwargs)
    assert isinstance(got, cr.Tensor) and got.dtype == expected.dtype
    assert got.shape == expected.shape
    numpy.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("f, args", [
    (lambda a: np.median(a, axis=1) + np.median(a[:, :4], axis=1), (A,)),
    (lambda a: np.nansum(a) + np.nanmean(a, axis=0) + np.nanvar(a, ddof=1)
     + np.nanstd(a, axis=0) + np.nanmax(a, axis=0) + np.nanmin(a), (A,)),
    (lambda a: np.cov(a) + np.corrcoef(a) + np.trapezoid(a, x=numpy.arange(4.0) ** 2)[0], (B,)),
    (np.polyval, (V, A)), (np.interp, (X1, numpy.sort(V), V)),
    (lambda a, v: np.convolve(a, v, "same") ** 2 + np.correlate(a, v, "same"), (A[0], V)),
], ids=["median", "nan-reductions", "cov-corrcoef-trapezoid", "polyval", "interp",
        "convolve-correlate"])
def test_statistics_and_signals_differentiate_to_second_order(f, args):
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_no_gradient_reaches_a_nan_and_a_slice_of_nans_is_nan():
    x = cr.tensor(NAN, requires_grad=True)
    (np.nansum(x) + np.nanmean(x) + np.nanmax(x)).backward()
    gradient = x.grad.numpy()
    assert numpy.all(gradient[numpy.isnan(NAN)] == 0)
    assert numpy.all(numpy.isfinite(gradient))
    with pytest.warns(RuntimeWarning, match="nanmax: All-NaN slice encountered"):
        result = np.nanmax(numpy.array([[numpy.nan, 1.0], [numpy.nan, 2.0]]), axis=0)
    numpy.testing.assert_array_equal(result.numpy(), [numpy.nan, 2.0])
    with pytest.warns(RuntimeWarning, match="nanmean: Mean of empty slice"):
        assert numpy.isnan(np.nanmean(numpy.array([numpy.nan])).item())


def test_statistics_refusals_say_what_to_do():
    with pytest.raises(TypeError, match="numpy.cov: fweights= and aweights= are not"):
        np.cov(A, fweights=numpy.ones(4))
    with pytest.raises(TypeError, match=r"numpy.interp: period= is not .* \(x % period\)"):
        np.interp(V, V, V, period=2.0)
    with pytest.raises(ValueError, match="numpy.convolve: mode must be 'full', 'same' or"):
        np.convolve(V, V, mode="wrap")
    with pytest.raises(ValueError, match=r"numpy.polyval: p must be 1-d coefficients"):
        np.polyval(A, 1.0)
    with pytest.raises(ValueError, match=r"median: the array \(or the axis\) is empty"):
        np.median(numpy.empty(0))


def test_array_api_names_differentiate_and_text_functions_print_values():
    check_grads(lambda a: np.cumulative_sum(np.matrix_transpose(a), axis=0,
                                            include_initial=True)
                + np.concat(np.unstack(np.permute_dims(a)), axis=0)[0], (A,), order=2,
                modes=("fwd", "rev"))
    with pytest.raises(ValueError, match="numpy.cumulative_sum: axis must be given for an "
                                         "array of 2 dimensions"):
        np.cumulative_sum(A)
    x = cr.tensor([1.5, 2.0], dtype="float64", requires_grad=True)
    assert np.array2string(x) == numpy.array2string(numpy.array([1.5, 2.0]))
    assert numpy.array_repr(x) == "array([1.5, 2. ])"


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")
def test_real_tensors_meeting_complex_ones_differentiate_without_casting_warnings():
    z = numpy.array([1 + 2j, 0.5 - 1j])
    assert np.concatenate([V[:2], z]).dtype == numpy.complex128
    assert np.add(V[:2].astype(numpy.float32), z.astype(numpy.complex64)).dtype == \
        numpy.complex64
    check_grads(lambda x: np.real(np.sum(np.concatenate([x, z * x]) ** 2))
                + np.imag(np.dot(x, z)) + np.sum(np.real(np.astype(x, numpy.complex128) * z)),
                (V[:2],), order=2, modes=("fwd", "rev"))


def _in_dtype(value, dtype):
    """The float arrays of a call in ``dtype`` (scaled by 3 first for integer dtypes)."""
    if isinstance(value, list) and value and isinstance(value[0], numpy.ndarray):
        return [_in_dtype(v, dtype) for v in value]
    if not isinstance(value, numpy.ndarray) or value.dtype.kind != "f":
        return value
    if numpy.dtype(dtype).kind == "i":
        return numpy.nan_to_num(value * 3, posinf=0, neginf=0).astype(dtype)
    return value.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "int32"])
def test_result_dtypes_follow_numpy_for_every_input_dtype(dtype):
    compared, wrong = 0, []
    for name, args, kwargs in CALLS + STATISTICS:
        args = tuple(_in_dtype(a, dtype) for a in args)
        with numpy.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected = getattr(numpy, name)(*args, **kwargs)
            except (TypeError, ValueError):
                continue  # NumPy refuses these inputs in this dtype
            got = getattr(np, name)(*args, **kwargs)
        pairs = zip(expected, got) if isinstance(expected, tuple) else [(expected, got)]
        for e, g in pairs:
            compared += 1
            if g.dtype != numpy.asarray(e).dtype:
                wrong.append(f"{name}{kwargs}: {g.dtype}, NumPy {numpy.asarray(e).dtype}")
    assert compared > 100 and not wrong, wrong


def test_shape_queries_read_lists_of_tensors_without_converting_them():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert np.shape([x, x]) == (2, 2) and np.ndim([[x]]) == 3 and np.size([x, x], 1) == 2
    assert np.shape(["a", "b"]) == (2,) and np.shape(3.0) == ()


_VMAPPED = {
    "interp": lambda x: np.interp(x, numpy.array([0.0, 1.0, 2.0]), numpy.array([0.0, 10.0, 0.0])),
    "convolve": lambda x: np.convolve(x, V[:3], "same"), "median": np.median,
    "trapezoid": np.trapezoid, "cov": lambda x: np.cov(np.stack([x, x * x])),
    "polyval": lambda x: np.polyval(x, 0.7), "nanmean": np.nanmean, "nanmax": np.nanmax,
    "nanvar": np.nanvar, "mean of a list": lambda x: np.mean([x, x * 2]),
    "nanvar along an axis": lambda x: np.nanvar(np.reshape(x[:4], (2, 2)), 0),
    "linspace": lambda x: np.linspace(x[0], x[1], 4), "full": lambda x: np.full((2,), x[0]),
    "average": lambda x: np.average(x, weights=numpy.arange(5.0)),
    "cumulative_sum": lambda x: np.cumulative_sum(x, include_initial=True),
    "array (a copy)": lambda x: np.array(x) * 2,
}


@pytest.mark.parametrize("name", sorted(_VMAPPED))
def test_functions_work_inside_vmap_as_in_a_loop(name):
    f = _VMAPPED[name]
    rows = numpy.random.default_rng(2).normal(size=(3, 5))
    rows[0, 2] = numpy.nan if name.startswith("nan") else rows[0, 2]
    batched = cr.vmap(f)(rows).numpy()
    looped = numpy.stack([f(cr.tensor(row)).numpy() for row in rows])
    numpy.testing.assert_allclose(batched, looped, rtol=1e-12)


def test_copies_keep_the_tangents_of_forward_mode():
    x = numpy.array([1.0, 2.0])
    for copy in (np.array, lambda t: np.asarray(t, copy=True), lambda t: np.full((2,), t[1])):
        numpy.testing.assert_array_equal(cr.jacfwd(lambda t: copy(t) ** 2)(x).numpy(),
                                         cr.jacrev(lambda t: copy(t) ** 2)(x).numpy())
    numpy.testing.assert_array_equal(cr.jacfwd(lambda t: np.array(t) ** 2)(x).numpy(),
                                     numpy.diag(2 * x))

def test_value_functions_refuse_vmap():
    with pytest.raises(TypeError, match="not supported inside vmap, where a tensor holds the "
                                        "whole batch"):
        cr.vmap(lambda x: np.searchsorted(numpy.arange(3.0), x))(A)
