"""Errors from inside an operation name the operation and the inputs' shapes and dtypes,
with the exception type a user would catch."""
import numpy as np
import pytest

import chainrule as cr
from chainrule.primitive import primitive


def test_broadcast_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(inputs: \(2,\) float32, \(3,\) float32\)"):
        cr.ones(2) + cr.ones(3)


def test_matmul_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: .*\(2, 3\) float32, \(2, 3\) float32"):
        cr.ones((2, 3)) @ cr.ones((2, 3))


def test_singular_matrix_is_a_linalg_error_naming_the_op():
    with pytest.raises(np.linalg.LinAlgError, match=r"inv: Singular matrix"):
        cr.linalg.inv(cr.zeros((2, 2)))


def test_matmul_of_scalars_says_what_to_use():
    with pytest.raises(ValueError, match=r"use multiply"):
        cr.matmul(cr.tensor(2.0), cr.tensor(3.0))


def test_bad_index_names_the_shape():
    with pytest.raises(IndexError, match=r"shape \(3,\)"):
        cr.ones(3)[5]


def test_reduction_axis_out_of_range():
    with pytest.raises(np.exceptions.AxisError, match=r"sum: axis 2 is out of bounds"):
        cr.ones((2, 3)).sum(axis=2)


def _failing_rule(g, ans, x):
    return np.linalg.inv(np.zeros((2, 2)))


# A primitive whose VJP rule fails, as NumPy code inside a rule can.
_broken = primitive("broken_rule", np.negative, (_failing_rule,), jvp="linear",
                    batch="elementwise")


def test_errors_inside_a_backward_rule_name_the_rule():
    y = _broken(cr.ones((2, 2), requires_grad=True))
    with pytest.raises(RuntimeError,
                       match=r"the backward \(VJP\) of broken_rule for input 0 failed: "
                             r"LinAlgError: Singular matrix"):
        y.sum().backward()


def test_det_of_a_singular_matrix_has_a_gradient():
    """d det / dX is the cofactor matrix everywhere; at a singular X it is not det · X⁻ᵀ
    (0 · ∞), and backward must not raise."""
    x = cr.ones((2, 2), requires_grad=True)
    cr.linalg.det(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, -1.0], [-1.0, 1.0]])


# ---------------------------------------------------------------- reductions


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "max", "min", "var", "std",
                                "logsumexp"])
def test_reduction_of_a_0d_tensor_over_its_one_axis(op):
    """A 0-d tensor has one implicit axis of length one (PyTorch's rule, and NumPy's for
    sum, prod, max and min): axis 0 or -1 reduces it; var and std of one value are 0."""
    expected = 0.0 if op in ("var", "std") else 2.0
    for axis in (0, -1, (0,), [-1]):
        for keepdims in (False, True):
            y = getattr(cr, op)(cr.tensor(2.0), axis=axis, keepdims=keepdims)
            assert y.shape == () and y.item() == expected, (axis, keepdims, y)


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "max", "min", "var", "std",
                                "logsumexp", "cumsum", "cumprod", "argmax", "argmin"])
def test_reduction_axis_out_of_range_names_the_op_and_shape(op):
    for x, axis, shape in [(cr.tensor(2.0), 1, r"\(\)"), (cr.tensor(2.0), -2, r"\(\)"),
                           (cr.ones((2, 3)), 2, r"\(2, 3\)"),
                           (cr.ones((2, 3)), -3, r"\(2, 3\)")]:
        with pytest.raises(np.exceptions.AxisError,
                           match=rf"^{op}: axis {axis} is out of bounds for a tensor of shape "
                                 rf"{shape}; axes run from"):
            getattr(cr, op)(x, axis=axis)
    # AxisError is both of the types a user would catch
    assert issubclass(np.exceptions.AxisError, ValueError)
    assert issubclass(np.exceptions.AxisError, IndexError)


def test_reduction_axis_tuple_out_of_range():
    with pytest.raises(np.exceptions.AxisError, match=r"mean: axis 2 is out of bounds for "
                                                      r"a tensor of shape \(2, 3\)"):
        cr.mean(cr.ones((2, 3)), axis=(0, 2))
    with pytest.raises(np.exceptions.AxisError, match=r"var: axis 1 .* shape \(\)"):
        cr.var(cr.tensor(2.0), axis=(0, 1))


@pytest.mark.parametrize("op", ["var", "std"])
def test_variance_without_degrees_of_freedom_is_nan_with_numpys_warning(op):
    cases = [(cr.ones(1), {"ddof": 1}, r"1 values over all axes of shape \(1,\) with ddof=1; "
                                       r"use a ddof below 1"),
             (cr.ones(3), {"ddof": 5}, r"3 values over all axes of shape \(3,\) with ddof=5"),
             (cr.ones((2, 2)), {"axis": 1, "ddof": 2}, r"2 values over axis 1 of shape"),
             (cr.ones((0, 3)), {"axis": 0}, r"the reduction over axis 0 of shape \(0, 3\) has "
                                            r"no elements")]
    for x, kwargs, message in cases:
        with pytest.warns(RuntimeWarning, match=rf"^{op}: .*{message}.*the result is nan"):
            y = getattr(cr, op)(x, **kwargs)
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
            expected = getattr(np, op)(x.numpy(), **kwargs)  # NumPy: nan, never -0. or inf
        assert y.shape == expected.shape and np.all(np.isnan(y.numpy())), (kwargs, y)


def test_variance_without_degrees_of_freedom_has_nan_gradients():
    x = cr.ones(3, requires_grad=True)
    with pytest.warns(RuntimeWarning, match="degrees of freedom"):
        y = cr.var(x, ddof=3)
    y.backward()
    assert np.all(np.isnan(x.grad.numpy()))


def test_mean_of_no_elements_is_nan_with_a_warning():
    with pytest.warns(RuntimeWarning, match=r"^mean: the reduction over all axes of shape "
                                            r"\(0,\) has no elements; the result is nan"):
        y = cr.mean(cr.ones(0))
    assert np.isnan(y.item())
    with pytest.warns(RuntimeWarning, match=r"axis 0 of shape \(0, 3\)"):
        y = cr.mean(cr.ones((0, 3)), axis=0)
    assert y.shape == (3,) and np.all(np.isnan(y.numpy()))


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "max", "min", "var", "std", "cumsum",
                                "cumprod", "argmax", "argmin"])
def test_reductions_refuse_out(op):
    x = cr.ones((2, 3))
    with pytest.raises(TypeError, match=rf"^{op}: out= is not supported .* assign the result"):
        getattr(cr, op)(x, out=cr.zeros(3))


def test_reductions_take_numpys_positional_order():
    """sum(a, axis, dtype, out, keepdims): the third positional parameter is dtype, as in
    NumPy, so sum(x, 0, True) is an error rather than keepdims."""
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    y = cr.sum(x, 0, cr.float64, None, True)
    assert y.dtype == np.float64 and y.shape == (1, 2)
    np.testing.assert_array_equal(y.numpy(), [[4.0, 6.0]])
    y = cr.var(x, 1, None, None, 1, True)  # var(a, axis, dtype, out, ddof, keepdims)
    np.testing.assert_array_equal(y.numpy(), [[0.5], [0.5]])
    np.testing.assert_array_equal(cr.cumsum(x, 1, cr.float64).numpy(), [[1, 3], [3, 7]])
    assert cr.cumsum(x, 1, cr.float64).dtype == np.float64
    with pytest.raises(TypeError, match=r"^sum: dtype must be a dtype, got True; .* "
                                        r"keepdims=True"):
        cr.sum(x, 0, True)
    with pytest.raises(TypeError, match=r"^mean: dtype must be a dtype"):
        cr.mean(x, 0, True)
    with pytest.raises(TypeError):
        cr.logsumexp(x, 0, True)  # SciPy's third parameter is b: keepdims is keyword-only


def test_reduction_dtype_computes_in_that_dtype_and_is_differentiable():
    x = cr.tensor([1.0, 2.0, 4.0], requires_grad=True)
    for op in (cr.sum, cr.mean, cr.prod, cr.var, cr.std):
        y = op(x, dtype=cr.float64)
        assert y.dtype == np.float64
        assert y.item() == pytest.approx(getattr(np, op.__name__)(
            np.array([1.0, 2.0, 4.0])), rel=1e-12)
        x.grad = None
        y.backward()
        assert x.grad.dtype == np.float32  # gradients have their primal's dtype
    np.testing.assert_allclose(x.grad.numpy(), np.array([-4, -1, 5]) / (9 * np.std([1, 2, 4])),
                               rtol=1e-6)
    assert cr.mean(x, dtype=cr.float32).dtype == np.float32


def test_pad_of_a_0d_tensor():
    x = cr.tensor(2.0, requires_grad=True)
    for width in (0, 1, (1, 2)):
        y = cr.pad(x, width)
        assert y.shape == () and y.item() == 2.0 and np.pad(np.array(2.0), width).shape == ()
    y.backward()
    assert x.grad.item() == 1.0
    with pytest.raises(ValueError, match=r"^pad: pad_width \(\(1, 2\), \(1, 1\)\) does not fit "
                                         r"a tensor of shape \(2,\)"):
        cr.pad(cr.ones(2), ((1, 2), (1, 1)))


def test_softmax_of_a_0d_tensor():
    x = cr.tensor(2.0, requires_grad=True)
    assert cr.softmax(x).item() == 1.0 and cr.log_softmax(x).item() == 0.0
    cr.softmax(x).backward()
    assert x.grad.item() == 0.0
    with pytest.raises(np.exceptions.AxisError, match=r"^softmax: axis 1 .* shape \(\)"):
        cr.softmax(x, axis=1)


def test_unsupported_operand_type():
    with pytest.raises(TypeError, match=r"unsupported operand of type object"):
        cr.ones(2) + object()


# ---------------------------------------------------------------- the catalogue
#
# docs/errors.md lists every error the core raises. Two checks keep it whole: every error
# class the core defines is named on the page, and the start of every message the core
# raises (its first words, each {placeholder} standing for any value) is on the page.
# A new raise, or a reworded one, fails here until the page says what it means and what
# to do; moving code, renaming variables or changing values inside messages does not.

import ast  # noqa: E402
import pathlib  # noqa: E402
import re  # noqa: E402

ROOT = pathlib.Path(__file__).parent.parent
CORE = sorted([*ROOT.glob("chainrule/*.py"), *ROOT.glob("chainrule/ops/*.py"),
               *ROOT.glob("chainrule/viz/*.py")])
CATALOGUE = ROOT / "docs" / "errors.md"
_HOLE = None      # a {placeholder} in an f-string
_WORDS = 6        # how much of a message's start the page must show


def _pieces(node) -> list:
    """The literal text of a message and its placeholders, in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.Constant) else _HOLE for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _pieces(node.left) + _pieces(node.right)
    return [_HOLE]


def _start(pieces):
    """(the message's first words with … for each placeholder, a regex matching them), or
    None for a message of no words of its own (one that passes another error's text on).
    A leading "{op}: " is dropped: the op varies, the words after it do not."""
    tokens = []
    for piece in pieces:
        tokens += [_HOLE] if piece is _HOLE else re.findall(r"\S+|\s+", piece)
    while tokens and (tokens[0] is _HOLE or not tokens[0].strip()):
        tokens.pop(0)
        if tokens and tokens[0] is not _HOLE and tokens[0].startswith(":"):
            tokens[0] = tokens[0][1:]
    chosen, words = [], 0
    for token in tokens:
        chosen.append(token)
        if token is not _HOLE and re.search(r"[A-Za-z]", token):
            words += 1
            if words == _WORDS:
                break
    while chosen and (chosen[-1] is _HOLE or not re.search(r"[A-Za-z]", chosen[-1])):
        chosen.pop()   # the start ends at its last word
    shown = "".join("…" if t is _HOLE else " " if not t.strip() else t for t in chosen)
    pattern = "".join(".{0,200}?" if t is _HOLE else r"\s+" if not t.strip() else re.escape(t)
                      for t in chosen)
    return (shown.strip(), pattern) if words >= 2 else None


def _raised_messages():
    """(where, exception, start) of every message raised in the core: ``raise X("...")``,
    and ``return X("...")`` in the helpers that build errors for a raise elsewhere."""
    for path in CORE:
        for node in ast.walk(ast.parse(path.read_text())):
            call = None
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and \
                    ast.unparse(node.value.func).endswith(("Error", "Exception")):
                call = node.value
            if call is not None and call.args:
                start = _start(_pieces(call.args[0]))
                if start is not None:
                    yield (f"{path.relative_to(ROOT)}:{node.lineno}", ast.unparse(call.func),
                           start)


def _page() -> str:
    return " ".join(CATALOGUE.read_text().split())


def test_the_scan_finds_the_messages_it_should():
    """The scan itself: it sees messages in each form they take, and a start it makes
    matches the message it came from (so an empty or broken scan cannot pass)."""
    found = {where.split(":")[0] for where, _, _ in _raised_messages()}
    assert {"chainrule/creation.py", "chainrule/transforms.py", "chainrule/ops/shape.py",
            "chainrule/backward.py", "chainrule/viz/graph.py"} <= found
    starts = {shown for _, _, (shown, _) in _raised_messages()}
    assert "cannot make a tensor from None;" in starts                # a plain string
    assert "reshape: cannot reshape a tensor of" in starts           # an f-string
    assert "axis … is out of bounds for" in starts                   # "{op}: " dropped
    assert len(starts) > 200
    for where, _, (shown, pattern) in _raised_messages():
        assert re.search(pattern, shown), (where, shown)
    try:
        cr.reshape(cr.ones((2, 3)), 5)
    except ValueError as exc:
        message = str(exc)
    pattern = next(p for _, _, (s, p) in _raised_messages() if s.startswith("reshape: cannot"))
    assert re.match(pattern, message)


def test_every_error_class_is_catalogued():
    import chainrule.errors
    page = CATALOGUE.read_text()
    classes = [name for name, value in vars(chainrule.errors).items()
               if isinstance(value, type) and issubclass(value, Exception)]
    assert len(classes) >= 10
    for path in CORE:   # and the error classes defined elsewhere in the core
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_") and any(
                    ast.unparse(b).endswith(("Error", "Exception")) for b in node.bases):
                classes.append(node.name)
    missing = sorted({name for name in classes if f"`{name}`" not in page})
    assert not missing, f"docs/errors.md does not name these error classes: {missing}"


def test_every_raised_message_is_catalogued():
    page = _page()
    missing = [f"{where} {kind}: {shown}" for where, kind, (shown, pattern)
               in _raised_messages() if not re.search(pattern, page)]
    assert not missing, ("docs/errors.md does not show the start of these messages (add "
                         "each with its cause and fix):\n" + "\n".join(missing))
