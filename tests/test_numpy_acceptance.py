"""Acceptance of issue 8 for the chainrule.numpy namespace.

- Every sample of tests/numpy_samples.py: derivatives checked in both modes against finite
  differences (check_grads), to second order, third for dot, outer and tensordot, written
  with chainrule.numpy and again with NumPy's own functions on tensors (its protocols);
  values, shapes and dtypes equal to NumPy's on the same call, from tensors and from
  ndarrays, in float64 and float32.
- Coverage: every public name of chainrule.numpy, .linalg and .fft is sampled or listed as
  not differentiated with a reason, and every sampled name exists.
- Complex: a real loss of complex input against dL/dx - i dL/dy, and holomorphic=True.
- Jacobians nested four levels deep (every combination of jacfwd and jacrev), against the
  closed form and against finite differences of the three-level one.
- NumPy's behaviour where frameworks differ: a bare list is a fancy index, ndarray-tensor
  arithmetic gives tensors, ties share a total derivative of 1, d|x|/dx at 0 is 0, and the
  0·∞ points (x**0 at 0, std of one element) have derivative 0 in every mode and order.

chainrule.numpy is imported inside the tests (``cnp()``), so that a part of the namespace
that is missing or broken fails the tests that use it, not the collection of this file.
"""
from __future__ import annotations

import itertools

import numpy
import pytest
from numpy_samples import NOT_DIFFERENTIABLE, SAMPLES, THIRD_ORDER, resolve

import chainrule as cr
from chainrule.testing import check_grads


def cnp():
    import chainrule.numpy
    return chainrule.numpy


def leaves(value) -> list:
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


# ---------------------------------------------------------------- the sample table


# NumPy 2 deprecates row_stack and 2-vectors in cross, and chainrule.numpy warns as
# NumPy does; the issue asks for both.
def DEPRECATED_IN_NUMPY_2(test):
    for message in (".*row_stack", "(?i).*arrays of 2-dimensional vectors"):
        test = pytest.mark.filterwarnings(f"ignore:{message}:DeprecationWarning")(test)
    return test


# Taking the real part of a cotangent that reaches a real input is the convention, not
# a loss to warn the user about.
@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")
@DEPRECATED_IN_NUMPY_2
@pytest.mark.parametrize("case", SAMPLES, ids=[s.id for s in SAMPLES])
def test_derivatives(case):
    namespace = cnp()
    assert check_grads(lambda *args: case.call(namespace, *args), case.args, order=case.order,
                       modes=("fwd", "rev"))


def _in_numpy(name: str) -> bool:
    try:
        resolve(numpy, name)
    except AttributeError:  # chainrule.numpy's own names (asarray_like)
        return False
    return name not in ("r_", "c_")  # index tricks, not calls: test_index_tricks_match_numpy


IN_NUMPY = [s for s in SAMPLES if _in_numpy(s.name)]
# NumPy's constructors are C functions that consult no protocol but __array__ (and like=):
# on a tensor they can only convert it. That conversion must be right or refused, never a
# silently dropped graph: tests/test_numpy_protocols.py checks it.
CONVERTERS = {"array", "asarray", "asanyarray", "ascontiguousarray"}
DISPATCHED = [s for s in IN_NUMPY if s.name not in CONVERTERS]


@pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")
@DEPRECATED_IN_NUMPY_2
@pytest.mark.parametrize("case", DISPATCHED, ids=[s.id for s in DISPATCHED])
def test_derivatives_through_numpy_itself(case):
    """The same call written with NumPy's own functions, on tensors: NumPy's protocols
    hand each to chainrule.numpy, so the derivatives are checked the same way."""
    assert check_grads(lambda *args: case.call(numpy, *args), case.args, order=case.order,
                       modes=("fwd", "rev"))


@DEPRECATED_IN_NUMPY_2
@pytest.mark.parametrize("inputs", ["tensors", "arrays"])
@pytest.mark.parametrize("case", IN_NUMPY, ids=[s.id for s in IN_NUMPY])
def test_values_match_numpy(case, inputs):
    """The same call on tensors, or on ndarrays, gives tensors with NumPy's values, shapes
    and dtypes."""
    expected = leaves(case.call(numpy, *case.args))
    args = [cr.tensor(a) for a in case.args] if inputs == "tensors" else case.args
    got = leaves(case.call(cnp(), *args))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert isinstance(g, cr.Tensor), f"{case.id} returned {type(g).__name__}"
        e = numpy.asarray(e)
        assert g.shape == e.shape and g.dtype == e.dtype, (g.shape, g.dtype, e.shape, e.dtype)
        numpy.testing.assert_allclose(g.numpy(), e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", [s for s in SAMPLES if s.name in ("r_", "c_")],
                         ids=lambda s: s.id)
def test_index_tricks_match_numpy(case):
    got = case.call(cnp(), *[cr.tensor(a) for a in case.args])
    assert isinstance(got, cr.Tensor)
    numpy.testing.assert_allclose(got.numpy(), case.call(numpy, *case.args), rtol=1e-12)


# The functions issue 8 names: each must have a sample, none may be exempt.
ISSUE_NAMES = """hypot logaddexp logaddexp2 fmax fmin mod remainder sinc deg2rad rad2deg real imag
conj angle absolute sort partition diff gradient cross kron trace diag diagonal tril triu
select nan_to_num atleast_1d atleast_2d atleast_3d rollaxis rot90 flipud fliplr append
array_split hsplit vsplit dsplit column_stack row_stack r_ c_ sum mean dot matmul
concatenate stack reshape transpose where clip einsum outer tensordot linalg.norm linalg.inv
linalg.pinv linalg.det linalg.slogdet linalg.solve linalg.cholesky linalg.qr linalg.eigh
linalg.eig linalg.svd fft.fft fft.ifft fft.fft2 fft.ifft2 fft.fftn fft.ifftn fft.rfft
fft.irfft fft.rfft2 fft.irfft2 fft.rfftn fft.irfftn fft.fftshift fft.ifftshift""".split()


def test_every_function_the_issue_names_is_sampled():
    assert not set(ISSUE_NAMES) - {s.name for s in SAMPLES}


def test_third_order_where_the_issue_asks():
    orders = {s.name: s.order for s in SAMPLES if s.name in THIRD_ORDER}
    assert orders == dict.fromkeys(THIRD_ORDER, 3)
    assert {s.order for s in SAMPLES if s.name not in THIRD_ORDER} == {2}


# ---------------------------------------------------------------- coverage


def kind_reason(value) -> str | None:
    """Why a public value needs no sample by its kind alone, or None for functions."""
    if isinstance(value, type(numpy)):
        return "a submodule"
    if isinstance(value, type):
        return "a type (dtype, exception or result class), not a function"
    if not callable(value):
        return "a constant (pi, e, inf, nan, newaxis ...)"
    return None


def public_names() -> dict:
    namespace = cnp()
    found = {}
    for prefix, module in (("", namespace), ("linalg.", namespace.linalg),
                           ("fft.", namespace.fft)):
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in dir(module) if not n.startswith("_") and n != "annotations"]
        for name in names:
            found[prefix + name] = getattr(module, name)
    return found


def test_every_public_name_is_sampled_or_exempt():
    sampled = {s.name for s in SAMPLES}
    missing = sorted(name for name, value in public_names().items()
                     if name not in sampled and name not in NOT_DIFFERENTIABLE
                     and name not in ("linalg", "fft") and kind_reason(value) is None)
    assert not missing, ("public names of chainrule.numpy with neither a sample in "
                         f"tests/numpy_samples.py nor a reason in NOT_DIFFERENTIABLE: {missing}")


def test_every_sampled_name_exists():
    namespace = cnp()
    absent = []
    for name in sorted({s.name for s in SAMPLES}):
        try:
            resolve(namespace, name)
        except AttributeError:
            absent.append(name)
    assert not absent, f"sampled names that chainrule.numpy lacks: {absent}"


def test_the_table_and_the_exemptions_are_disjoint():
    both = {s.name for s in SAMPLES} & set(NOT_DIFFERENTIABLE)
    assert not both and all(NOT_DIFFERENTIABLE.values())


def test_exempt_functions_do_not_require_grad():
    """A name listed as not differentiated really records nothing (no silent zero graph)."""
    namespace = cnp()
    x = cr.tensor(numpy.array([0.3, -1.2, 2.5]), requires_grad=True)
    for name, call in {"argmax": lambda f: f(x), "floor": lambda f: f(x),
                       "sign": lambda f: f(x), "greater": lambda f: f(x, 0.0),
                       "zeros_like": lambda f: f(x), "round": lambda f: f(x)}.items():
        result = call(resolve(namespace, name))
        assert not getattr(result, "requires_grad", False), name


# ---------------------------------------------------------------- four nested levels


def _sin_x_squared(x):
    np = cnp()
    return np.sum(np.sin(x) * x ** 2)


def _fourth_derivative(x):
    """d⁴/dx⁴ of x² sin x."""
    return -12 * numpy.sin(x) - 8 * x * numpy.cos(x) + x ** 2 * numpy.sin(x)


LEVELS = list(itertools.product(("jacfwd", "jacrev"), repeat=4))


def nest(f, names):
    for name in names:
        f = getattr(cr, name)(f)
    return f


@pytest.mark.parametrize("names", LEVELS, ids=["-".join(n[3:] for n in names) for names in LEVELS])
def test_jacobian_of_jacobian_four_levels(names):
    x = numpy.array([0.4, -1.1, 2.0])
    got = nest(_sin_x_squared, names)(x).numpy()
    assert got.shape == (3,) * 4
    expected = numpy.zeros((3,) * 4)
    for i in range(3):
        expected[i, i, i, i] = _fourth_derivative(x[i])
    numpy.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def _vector_function(x):
    np = cnp()
    a = numpy.array([[0.5, -1.0, 0.3], [0.2, 0.4, -0.7]])
    return np.tanh(np.dot(a, x)) * np.exp(x[0])


@pytest.mark.parametrize("names", [("jacrev",) * 3, ("jacfwd", "jacrev", "jacfwd")],
                         ids=["rev", "mixed"])
def test_fourth_level_matches_differences_of_the_third(names):
    x = numpy.array([0.3, -0.6, 0.8])
    third = nest(_vector_function, names)
    h = 1e-4
    columns = []
    for i in range(3):
        step = numpy.zeros(3)
        step[i] = h
        columns.append((third(x + step).numpy() - third(x - step).numpy()) / (2 * h))
    differences = numpy.stack(columns, axis=-1)
    for outer in ("jacfwd", "jacrev"):
        fourth = nest(_vector_function, names + (outer,))(x).numpy()
        assert fourth.shape == (2, 3, 3, 3, 3)
        numpy.testing.assert_allclose(fourth, differences, rtol=1e-6, atol=1e-6)


def test_hessian_of_hessian():
    x = numpy.array([0.4, -1.1, 2.0])
    got = cr.hessian(cr.hessian(_sin_x_squared))(x).numpy()
    numpy.testing.assert_allclose(numpy.einsum("iiii->i", got), _fourth_derivative(x),
                                  rtol=1e-10)
    assert numpy.count_nonzero(got) == 3


# ---------------------------------------------------------------- complex conventions


def test_gradient_of_a_real_loss_of_complex_input():
    """JAX's convention: grad L(z) = dL/dx - i dL/dy, checked by finite differences."""
    np = cnp()
    z = numpy.array([0.5 + 0.3j, -1.0 + 0.7j, 0.2 - 1.1j])

    def loss(z):
        return np.sum(np.abs(np.exp(z) * z) ** 2) + np.sum(np.real(z) * np.imag(z ** 2))
    h = 1e-6
    expected = numpy.zeros(3, complex)
    for i in range(3):
        step = numpy.zeros(3, complex)
        step[i] = h
        dx = (loss(z + step).numpy() - loss(z - step).numpy()) / (2 * h)
        dy = (loss(z + 1j * step).numpy() - loss(z - 1j * step).numpy()) / (2 * h)
        expected[i] = dx - 1j * dy
    got = cr.grad(loss)(z)
    assert got.dtype == numpy.complex128
    numpy.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


def test_holomorphic_derivatives():
    np = cnp()
    z = numpy.array([0.5 + 0.3j, -1.0 + 0.7j])

    def f(z):
        return np.sin(z) * z ** 2

    def first(z):  # (z² sin z)'
        return 2 * z * numpy.sin(z) + z ** 2 * numpy.cos(z)

    def second(z):
        return 2 * numpy.sin(z) + 4 * z * numpy.cos(z) - z ** 2 * numpy.sin(z)
    numpy.testing.assert_allclose(
        cr.grad(lambda z: np.sum(f(z)), holomorphic=True)(z).numpy(), first(z), rtol=1e-12)
    for jacobian in (cr.jacfwd, cr.jacrev):
        numpy.testing.assert_allclose(jacobian(f, holomorphic=True)(z).numpy(),
                                      numpy.diag(first(z)), rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(
        cr.hessian(lambda z: np.sum(f(z)), holomorphic=True)(z).numpy(),
        numpy.diag(second(z)), rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- NumPy's behaviour


def test_a_bare_list_is_a_fancy_index():
    np = cnp()
    x = numpy.array([1.5, -0.5, 2.0])
    numpy.testing.assert_array_equal(cr.grad(lambda x: np.sum(x[[0, 0]]))(x), [2.0, 0.0, 0.0])
    numpy.testing.assert_array_equal(cr.jacfwd(lambda x: x[[0, 0, 2]])(x).numpy(),
                                     numpy.eye(3)[[0, 0, 2]])
    m = cr.tensor(numpy.arange(6.0).reshape(2, 3))
    assert m[[0, 0]].shape == (2, 3)  # rows 0 and 0, as NumPy
    assert m[(0, 0)].shape == ()  # a tuple is one index per axis
    numpy.testing.assert_array_equal(m[[1, 0]].numpy(), numpy.arange(6.0).reshape(2, 3)[[1, 0]])


@pytest.mark.parametrize("op", ["*", "+", "-", "/", "@"])
def test_ndarray_with_tensor_gives_a_tensor(op):
    a = numpy.array([[1.5, -2.0], [0.5, 3.0]])
    x = numpy.array([[0.7, 1.3], [-0.4, 2.2]])
    f = {"*": lambda a, t: a * t, "+": lambda a, t: a + t, "-": lambda a, t: a - t,
         "/": lambda a, t: a / t, "@": lambda a, t: a @ t}[op]
    t = cr.tensor(x, requires_grad=True)
    result = f(a, t)
    assert isinstance(result, cr.Tensor) and result.requires_grad
    numpy.testing.assert_allclose(result.numpy(), f(a, x))
    g = cr.grad(lambda t: cr.sum(f(a, t) ** 2))(x)
    h = 1e-6
    expected = numpy.zeros_like(x)
    for i in numpy.ndindex(x.shape):
        step = numpy.zeros_like(x)
        step[i] = h
        expected[i] = (numpy.sum(f(a, x + step) ** 2) - numpy.sum(f(a, x - step) ** 2)) / (2 * h)
    numpy.testing.assert_allclose(g.numpy(), expected, rtol=1e-6)


# Every mode and order: the first derivative by grad, jacrev and jacfwd, the second by
# hessian and by jacfwd of jacfwd, the third in three combinations.
FIRST = {"grad": cr.grad, "jacrev": cr.jacrev, "jacfwd": cr.jacfwd}
HIGHER = {"hessian": cr.hessian,
          "jacfwd-jacfwd": lambda f: cr.jacfwd(cr.jacfwd(f)),
          "third rev": lambda f: cr.jacrev(cr.jacrev(cr.jacrev(f))),
          "third fwd": lambda f: cr.jacfwd(cr.jacfwd(cr.jacfwd(f))),
          "third mixed": lambda f: cr.jacfwd(cr.jacrev(cr.jacfwd(f)))}


def assert_derivatives(f, x, first):
    """f's first derivative is ``first`` in every mode; every higher one is 0 (the
    functions here are piecewise linear or constant around x), never NaN."""
    for name, transform in FIRST.items():
        got = numpy.asarray(transform(f)(x).numpy())
        assert numpy.all(numpy.isfinite(got)), (name, got)
        numpy.testing.assert_allclose(got, first, rtol=1e-12, atol=0, err_msg=name)
    for name, transform in HIGHER.items():
        got = numpy.asarray(transform(f)(x).numpy())
        assert numpy.all(numpy.isfinite(got)), (name, got)
        assert not numpy.any(got), (name, got)


# Written against a NumPy-like module np: run with chainrule.numpy, and with NumPy itself
# on tensors (its protocols dispatch to the same ops).
TIES = {
    "max": (lambda np, x: np.max(x), [0.5, 0.5, 0.0]),
    "amax": (lambda np, x: np.amax(x), [0.5, 0.5, 0.0]),
    "min": (lambda np, x: np.min(-x), [-0.5, -0.5, 0.0]),
    "amin": (lambda np, x: np.amin(-x), [-0.5, -0.5, 0.0]),
    "maximum(x, x)": (lambda np, x: np.sum(np.maximum(x, x)), [1.0, 1.0, 1.0]),
    "minimum(x, x)": (lambda np, x: np.sum(np.minimum(x, x)), [1.0, 1.0, 1.0]),
    "maximum(x, 2)": (lambda np, x: np.sum(np.maximum(x, 2.0)), [0.5, 0.5, 0.0]),
    "minimum(x, 2)": (lambda np, x: np.sum(np.minimum(x, 2.0)), [0.5, 0.5, 1.0]),
    "max axis": (lambda np, x: np.sum(np.max(np.stack([x, x[::-1]]), axis=0)),
                 [2.0, 1.0, 0.0]),
    "maximum.reduce": (lambda np, x: np.maximum.reduce(x), [0.5, 0.5, 0.0]),
}
MODULES = {"chainrule.numpy": cnp, "numpy": lambda: numpy}


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", TIES)
def test_ties_share_a_total_derivative_of_one(name, module):
    f, first = TIES[name]
    np = MODULES[module]()
    assert_derivatives(lambda x: f(np, x), numpy.array([2.0, 2.0, 1.0]), numpy.array(first))


@pytest.mark.parametrize("module", MODULES)
def test_ties_of_maximum_split_between_its_arguments(module):
    np = MODULES[module]()
    x = numpy.array([1.0, -0.5])
    gx, gy = cr.grad(lambda x, y: np.sum(np.maximum(x, y)), argnums=(0, 1))(x, x.copy())
    numpy.testing.assert_array_equal(gx.numpy(), [0.5, 0.5])
    numpy.testing.assert_array_equal((gx + gy).numpy(), [1.0, 1.0])


ZERO_POINTS = {
    "abs": lambda np, x: np.sum(np.abs(x)),
    "absolute": lambda np, x: np.sum(np.absolute(x) * numpy.array([1.0, 2.0, 3.0])),
    "fabs": lambda np, x: np.sum(np.fabs(x)),
    "x**0": lambda np, x: np.sum(x ** 0),
    "power(x, 0.0)": lambda np, x: np.sum(np.power(x, 0.0)),
    "std of one element": lambda np, x: np.std(x[:1]),
    "var of one element": lambda np, x: np.var(x[1:2]),
    "std along an axis of one": lambda np, x: np.sum(np.std(np.reshape(x, (1, 3)), axis=0)),
}


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("name", ZERO_POINTS)
def test_zero_times_infinity_points_have_derivative_zero(name, module):
    np = MODULES[module]()
    assert_derivatives(lambda x: ZERO_POINTS[name](np, x), numpy.zeros(3), numpy.zeros(3))


def test_abs_away_from_zero_keeps_its_sign():
    assert_derivatives(lambda x: cnp().sum(cnp().abs(x)), numpy.array([0.0, -1.5, 2.0]),
                       numpy.array([0.0, -1.0, 1.0]))


# ---------------------------------------------------------------- single precision

FLOAT32 = [s for s in DISPATCHED if not any(numpy.iscomplexobj(a) for a in s.args)]


@DEPRECATED_IN_NUMPY_2
@pytest.mark.parametrize("case", FLOAT32, ids=[s.id for s in FLOAT32])
def test_float32_keeps_numpys_dtypes(case):
    """float32 inputs give the dtypes NumPy gives (float32 kept, complex64 from the
    transforms in NumPy 2), with values within float32 accuracy."""
    args = [a.astype(numpy.float32) for a in case.args]
    expected = leaves(case.call(numpy, *args))
    got = leaves(case.call(cnp(), *[cr.tensor(a) for a in args]))
    for g, e in zip(got, expected):
        e = numpy.asarray(e)
        assert g.dtype == e.dtype, (g.dtype, e.dtype)
        scale = max(1.0, float(numpy.max(numpy.abs(e), initial=0.0)))
        numpy.testing.assert_allclose(g.numpy(), e, rtol=1e-4, atol=1e-5 * scale)
