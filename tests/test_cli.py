"""python -m chainrule: the tour in every dialect, and the formula commands, which refuse
anything but a plain formula in x, and answer ordinary mistakes with one line."""
from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

from chainrule import cli
from chainrule.formula import FormulaError, parse
from chainrule.tour import DIALECTS, STEPS

EXERCISE = "log(x**2)*sin(x) + 1/x"
DF2 = 2 / 2 * math.sin(2) + math.log(4) * math.cos(2) - 1 / 4


def run(*args, env=None, encoding="utf-8") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                          encoding=encoding, timeout=120, check=False,
                          env=None if env is None else {**os.environ, **env})


def call(*args) -> tuple:
    """main() in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        code = cli.main(list(args), out=out)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    finally:
        sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- the tour


def _steps(text: str) -> dict:
    """{step number: its output, without the echoed code}."""
    steps, number = {}, 0
    for line in text.splitlines():
        heading = re.match(r"# (\d+)\. ", line)
        if heading:
            number = int(heading.group(1))
            steps[number] = []
        elif number and not (line.startswith((">>> ", "... ")) or line == "..."):
            steps[number].append(line)
    return {n: "\n".join(lines).strip() for n, lines in steps.items()}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_tour_runs_every_step_in_every_dialect(dialect):
    out = io.StringIO()
    cli.tour(dialect, out)
    text = out.getvalue()
    steps = _steps(text)
    assert sorted(steps) == list(range(1, len(STEPS) + 1))
    for number, (title, _) in enumerate(STEPS, 1):
        assert f"# {number}. {title}" in text
    assert "False" not in text and "false" not in text  # every check of the book holds
    # Exercise 4: the autodiff column is cos(x), at seven points.
    rows = [line.split() for line in steps[9].splitlines()[1:]]
    assert len(rows) == 7
    for x, sin, slope, cos in (map(float, row) for row in rows):
        assert (sin, slope, cos) == pytest.approx((math.sin(x), math.cos(x), math.cos(x)),
                                                  abs=1e-4)
    # Exercises 5 and 6: the graph's table, with x's gradient f'(2).
    graph = steps[10].splitlines()
    assert graph[0].startswith("Dependency graph of v")
    x_row = next(line for line in graph if line.startswith(("x ", "x:0 ")))
    assert float(x_row.split()[-1]) == pytest.approx(DF2, abs=1e-4)
    assert "∂v1/∂x" in steps[10] or "∂v1/∂x:0" in steps[10]
    # Exercise 7: both sweeps, the same number.
    assert f"Both sweeps give df = {DF2:.4g} (forward) and {DF2:.4g} (reverse)." in steps[11]
    # Exercise 8: the numbers say which mode.
    assert "R^3 → R^1" in steps[12] and "reverse mode is cheaper" in steps[12]
    assert "R^1 → R^3" in steps[12] and "forward mode is cheaper" in steps[12]
    assert "python -m chainrule plot" in text.splitlines()[-2]


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
    assert result.stderr == ""


@pytest.mark.parametrize("command", [["tour"], ["explain", EXERCISE, "--at", "2"]])
def test_a_console_that_cannot_show_the_symbols_gets_question_marks(command):
    result = run(*command, env={"PYTHONIOENCODING": "cp1252"}, encoding="cp1252")
    assert result.returncode == 0, result.stderr
    assert "UnicodeEncodeError" not in result.stderr
    assert "?" in result.stdout and "0.0824" in result.stdout


def test_help_of_every_command():
    for command in ([], ["tour"], ["graph"], ["explain"], ["plot"]):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: python -m chainrule" in result.stdout
        if command and command[0] != "tour":
            assert 'goes after "--"' in result.stdout


# ---------------------------------------------------------------- the formula commands


def test_graph_command_writes_dot_and_svg(tmp_path):
    code, out, err = call("graph", EXERCISE, "--at", "2")
    assert code == 0 and out.startswith("digraph chainrule")
    assert "v4 = multiply(v2, v3)" in out
    path = tmp_path / "g.svg"
    code, out, err = call("graph", EXERCISE, "--at", "2", "-o", str(path))
    assert code == 0 and out == f"wrote {path}\n"
    assert "v4 = multiply(v2, v3)" in path.read_text(encoding="utf-8")


def test_explain_command_gives_the_derivative():
    code, out, err = call("explain", EXERCISE, "--at", "2")
    assert code == 0 and err == ""
    assert f"Both sweeps give df = {DF2:.4g} (forward) and {DF2:.4g}" in out


def test_plot_command_writes_a_png_and_says_what_it_plotted(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    path = tmp_path / "sin.png"
    code, out, err = call("plot", "sin(x)", "--from", "-3.14", "--to", "3.14", "--order", "2",
                          "-o", str(path))
    assert code == 0, err
    assert out == f"wrote {path} (f(x) = sin(x) and 2 derivatives on [-3.14, 3.14])\n"
    import matplotlib.image
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[1] > 1000 and np.mean(np.any(pixels[..., :3] < 0.9, axis=-1)) > 0.01


@pytest.mark.parametrize("formula, derivative", [
    ("x", 1.0), ("+x", 1.0), ("((((x))))", 1.0), ("x # comment", 1.0), ("9**9**9", 0.0),
    ("2", 0.0), ("x" + "+x" * 61, 62.0), ("-x", -1.0),
])
def test_plain_formulas_are_explained(formula, derivative):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks (9**9**9 is inf)
        code, out, err = call("explain", "--at", "2", "--", formula)
    assert code == 0, err
    assert f"Both sweeps give df = {derivative:g} (forward) and {derivative:g} (reverse)." in out


@pytest.mark.parametrize("formula", ["x", "9**9**9"])
def test_the_graph_of_the_identity_and_of_a_constant(formula):
    code, out, err = call("graph", formula, "--at", "2")
    assert code == 0 and out.startswith("digraph chainrule") and "->" not in out
    assert ("∂x/∂x = 1" if formula == "x" else "∂inf/∂x = 0") in out


def test_plot_of_a_constant(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    code, out, err = call("plot", "2", "--from", "0", "--to", "1", "-o", str(tmp_path / "c.png"))
    assert code == 0, err
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("args, message", [
    (["explain", "1" * 401, "--at", "2"], "chainrule: the number 111111111111… (401 digits) "
                                          "is too large for a float"),
    (["explain", "y + 1", "--at", "2"], "chainrule: unknown name 'y'"),
    (["plot", "x", "--from", "0", "--to", "1", "--order", "-1", "-o", "p.png"],
     "--order must be from 0 to 10, got -1"),
    (["plot", "x", "--from", "0", "--to", "1", "--order", "11", "-o", "p.png"],
     "--order must be from 0 to 10, got 11"),
    (["plot", "x", "--from", "1", "--to", "0", "-o", "p.png"],
     "--from must be less than --to, got 1 and 0"),
    (["plot", "x", "--from", "0", "--to", "nan", "-o", "p.png"], "must be a finite number"),
    (["plot", "x", "--from", "0", "--to", "1", "--points", "100000000", "-o", "p.png"],
     "--points must be from 2 to 100000, got 100000000"),
    (["plot", "x", "--from", "0", "--to", "1", "-o", "o.xyz"],
     "cannot write .xyz (o.xyz); use .png, .svg or .pdf"),
    (["graph", "x", "--at", "1", "-o", "g.pdf"], "cannot write .pdf (g.pdf); use .svg, .png or .dot"),
    (["graph", "x", "--at", "1", "-o", "/nonexistent/folder/g.svg"],
     "no such folder: /nonexistent/folder"),
    (["plot", "x", "--from", "0", "--to", "1", "-o", "/nonexistent/p.png"],
     "no such folder: /nonexistent"),
    (["explain", "x", "--at", "two"], "not a number: 'two'"),
])
def test_ordinary_mistakes_get_one_line_and_exit_code_2(args, message):
    start = time.perf_counter()
    code, out, err = call(*args)
    assert code == 2 and message in err and "Traceback" not in err
    assert time.perf_counter() - start < 5  # refused at once, not after the work


def test_a_formula_starting_with_minus_needs_the_double_dash():
    code, out, err = call("explain", "-x", "--at", "2")
    assert code == 2 and "arguments are required" in err and 'goes after "--"' in err
    assert call("explain", "--at", "2", "--", "-x")[0] == 0


def test_a_png_without_matplotlib_or_dot_is_refused_in_a_line(tmp_path):
    script = ("import sys; sys.modules['matplotlib'] = None\n"
              "from chainrule.cli import main\n"
              f"sys.exit(main(['graph', 'sin(x)', '--at', '1', '-o', {str(tmp_path / 'g.png')!r}]))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PATH": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("chainrule: rendering a PNG needs Graphviz's dot or "
                                    "matplotlib")
    assert "Traceback" not in result.stderr


def test_an_unwritable_file_is_refused_in_a_line(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "g.svg"
    target.mkdir()  # a folder where the file should go: open() fails with an OSError
    code, out, err = call("graph", "x", "--at", "1", "-o", str(target))
    assert code == 2 and err.startswith(f"chainrule: cannot write {target}:")


def test_the_command_line_refuses_with_a_message_and_no_traceback():
    result = run("explain", "__import__('os').system('echo hacked')", "--at", "1")
    assert result.returncode == 2
    assert "hacked" not in result.stdout
    assert result.stderr == "chainrule: attribute access (.system) is not allowed; " \
        + result.stderr.split("; ", 1)[1]
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- progress


def test_a_progress_bar_appears_while_slow_work_runs(capsys):
    pytest.importorskip("tqdm", reason="tqdm is not installed (extra 'examples')")
    with cli._Progress(2, "slow work") as progress:
        time.sleep(1.4)  # one long step: the bar shows during it, not after
        seen = capsys.readouterr().err
        progress.update(2)
    assert "slow work" in seen and "0/2" in seen
    with cli._Progress(2, "fast work") as progress:
        progress.update(2)
    assert "fast work" not in capsys.readouterr().err


def test_plot_reports_each_block_of_points(monkeypatch, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    reported = []

    class Recorder(cli._Progress):
        def update(self, n: int = 1) -> None:
            reported.append(n)
            super().update(n)
    monkeypatch.setattr(cli, "_Progress", Recorder)
    monkeypatch.setattr(sys.modules["chainrule.viz.plot"], "BLOCK", 100)
    code, out, err = call("plot", "sin(x)", "--from", "0", "--to", "1", "--points", "250",
                          "--order", "2", "-o", str(tmp_path / "p.png"))
    assert code == 0 and reported == [100, 100, 50] * 3


# ---------------------------------------------------------------- formulas


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
    ("", "empty"),
    ("-(" * 70 + "x" + ")" * 70, "deeper than 60"),
    ("-" * 499 + "x", "deeper than 60"),
    ("sin(" * 61 + "x" + ")" * 61, "deeper than 60"),
    ("2" * 310, "too large for a float"),
])
def test_hostile_formulas_are_refused(hostile, why):
    with pytest.raises(FormulaError, match=why):
        parse(hostile)


def test_long_chains_are_one_level_deep():
    import chainrule as cr
    x = cr.tensor(2.0, dtype=cr.float64)
    assert parse("x" + "+x" * 240)(x).item() == 241 * 2.0
    assert parse("x" + "*x/x" * 100)(x).item() == 2.0
    assert parse("sin(" * 59 + "x" + ")" * 59)(x).item() == pytest.approx(_nested_sin(2.0, 59))


def _nested_sin(x: float, times: int) -> float:
    for _ in range(times):
        x = math.sin(x)
    return x


def test_formulas_compute_with_chainrule():
    import chainrule as cr
    f = parse(EXERCISE)
    x = cr.tensor(2.0, dtype=cr.float64)
    assert f(x).item() == pytest.approx(math.log(4) * math.sin(2) + 0.5)
    assert f.formula == EXERCISE
    value = parse("(-1)**0.5")(x)
    assert np.isnan(value.item())  # nan, never a Python complex number
    assert isinstance(parse("2")(x), cr.Tensor) and parse("2")(x).item() == 2.0
