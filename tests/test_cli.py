"""python -m chainrule: the tour in every dialect, and the formula commands, which refuse
anything but a plain formula in x."""
from __future__ import annotations

import io
import math
import subprocess
import sys

import pytest

from chainrule import cli
from chainrule.formula import FormulaError, parse
from chainrule.tour import DIALECTS, STEPS

EXERCISE = "log(x**2)*sin(x) + 1/x"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tour_runs_every_step_in_every_dialect(dialect):
    out = io.StringIO()
    cli.tour(dialect, out)
    text = out.getvalue()
    for number, (title, _) in enumerate(STEPS, 1):
        assert f"# {number}. {title}" in text
    assert "False" not in text and "false" not in text  # every check of the book holds
    assert "Traceback" not in text


def test_tour_outputs_are_the_books():
    out = io.StringIO()
    cli.tour("torch", out)
    text = out.getvalue()
    assert "tensor(28., grad_fn=<MulBackward0>)" in text
    assert "tensor([ 0.,  4.,  8., 12.])" in text
    assert "Trying to backward through the graph a second time" in text
    assert "(12.0, 12.0)" in text


def test_the_default_command_is_the_tour():
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The D2L chapter on automatic differentiation")
    assert "tensor(28., grad_fn=<MulBackward>)" in result.stdout


def test_help_of_every_command():
    for command in ([], ["tour"], ["graph"], ["explain"], ["plot"]):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: python -m chainrule" in result.stdout


def test_graph_command_writes_dot_and_svg(tmp_path):
    result = run("graph", EXERCISE, "--at", "2")
    assert result.returncode == 0 and result.stdout.startswith("digraph chainrule")
    assert "v4 = multiply(v2, v3)" in result.stdout
    path = tmp_path / "g.svg"
    result = run("graph", EXERCISE, "--at", "2", "-o", str(path))
    assert result.returncode == 0 and "<svg" in path.read_text()


def test_explain_command_gives_the_derivative():
    result = run("explain", EXERCISE, "--at", "2")
    assert result.returncode == 0
    expected = 2 / 2 * math.sin(2) + math.log(4) * math.cos(2) - 1 / 4
    assert f"Both sweeps give df = {expected:.4g} (forward) and {expected:.4g}" in result.stdout


def test_plot_command_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    path = tmp_path / "sin.png"
    result = run("plot", "sin(x)", "--from", "-3.14", "--to", "3.14", "--order", "2",
                 "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("hostile, why", [
    ("__import__('os').system('echo hacked')", r"attribute access \(\.system\)"),
    ("__import__('os')", "calling __import__ is not allowed"),
    ("x.__class__", "attribute access"),
    ("(lambda: 1)()", "calling this expression is not allowed"),
    ("lambda x: x", "Lambda is not allowed"),
    ("open('/etc/passwd')", "calling open is not allowed"),
    ("y + 1", "unknown name 'y'"),
    ("x" + "+x" * 400, "at most 500"),
    ("[x for x in ()]", "ListComp is not allowed"),
    ("sin(x, key=1)", "exactly one argument"),
    ("'text'", "not a number"),
    ("x; 1", "not a formula"),
    ("-(" * 70 + "x" + ")" * 70, "deeper than"),
])
def test_hostile_formulas_are_refused(hostile, why):
    with pytest.raises(FormulaError, match=why):
        parse(hostile)


def test_the_command_line_refuses_with_a_message_and_no_traceback():
    result = run("explain", "__import__('os').system('echo hacked')", "--at", "1")
    assert result.returncode != 0
    assert "hacked" not in result.stdout
    assert "chainrule: attribute access (.system) is not allowed" in result.stderr
    assert "Traceback" not in result.stderr


def test_formulas_compute_with_chainrule():
    import chainrule as cr
    f = parse(EXERCISE)
    x = cr.tensor(2.0, dtype=cr.float64)
    assert f(x).item() == pytest.approx(math.log(4) * math.sin(2) + 0.5)
    import numpy as np
    with np.errstate(invalid="ignore"):
        value = parse("(-1)**0.5")(x)
    assert np.isnan(value)  # nan, never a Python complex number
