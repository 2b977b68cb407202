"""The examples in examples/: every notebook runs top to bottom in a fresh kernel, the
chapter notebooks show what ``python -m chainrule tour`` shows, the notebooks are what
make_notebooks.py builds from their sources, and the scripts do what they say (linear
regression recovers w and b, the MLP reaches 95% on the digits, the exercises check
themselves).

examples/ is not a package: the scripts are loaded by path under names of their own.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
DIALECTS = ("native", "torch", "mxnet", "tensorflow", "jax", "djl")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What each example needs beyond chainrule (module, pip name).
EXTRAS = {
    "exercises": [("matplotlib", "matplotlib")],
    "mlp_digits": [("sklearn", "scikit-learn"), ("tqdm", "tqdm"), ("matplotlib", "matplotlib")],
}


def need(module: str, package: str | None = None):
    package = package or module
    return pytest.importorskip(module, reason=f"{package} is not installed "
                                              f"(pip install {package})")


def need_extras(example: str) -> None:
    for module, package in EXTRAS.get(example, []):
        need(module, package)
    if any(module == "matplotlib" for module, _ in EXTRAS.get(example, [])):
        import matplotlib
        matplotlib.use("Agg")  # no windows from the scripts run here


def load(name: str):
    """examples/<name>.py as a module called chainrule_example_<name>."""
    spec = importlib.util.spec_from_file_location(f"chainrule_example_{name}",
                                                  EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the notebooks


def test_notebooks_and_chapter_scripts_are_built_from_their_sources():
    need("nbformat")
    make = load("make_notebooks")
    expected = {f"chapter_{d}.ipynb" for d in DIALECTS} | {
        "exercises.ipynb", "linear_regression.ipynb", "mlp_digits.ipynb"}
    assert set(make.notebooks()) == expected
    assert {p.name for p in NOTEBOOKS} == expected
    assert set(make.scripts()) == {f"chapter_{d}.py" for d in DIALECTS}
    assert make.stale() == [], "run: python examples/make_notebooks.py"


def test_a_chapter_notebook_has_a_title_and_a_code_cell_per_step():
    need("nbformat")
    from chainrule.tour import IMPORTS, STEPS
    make = load("make_notebooks")
    nb = make.chapter_notebook("mxnet")
    cells = {cell.id: cell for cell in nb.cells}
    assert cells["imports"].source == IMPORTS["mxnet"]
    for number, (title, codes) in enumerate(STEPS, 1):
        assert cells[f"title-{number}"].cell_type == "markdown"
        assert title in cells[f"title-{number}"].source
        assert cells[f"step-{number}"].source == codes["mxnet"]


def test_scripts_become_cells():
    need("nbformat")
    make = load("make_notebooks")
    cells = make.script_cells('"""doc"""\nimport os\n# %% [markdown]\n# # Title\n#\n# text\n'
                              '# %%\nx = 1\n\n# %%\nif __name__ == "__main__":\n'
                              '    print(x)\n    y = 2\n')
    assert cells == [("markdown", "# Title\n\ntext"), ("code", "x = 1"),
                     ("code", "print(x)\ny = 2")]


def _tour(dialect: str) -> dict:
    """{step number: what the tour printed for it, without the echoed code}."""
    from chainrule.tour import PICTURES
    result = subprocess.run([sys.executable, "-m", "chainrule", "tour", "--dialect", dialect],
                            capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.rstrip().endswith(PICTURES)
    return _steps(result.stdout.rstrip()[:-len(PICTURES)])


def _steps(text: str) -> dict:
    steps, number = {}, 0
    for line in text.splitlines():
        heading = re.match(r"# (\d+)\. ", line)
        if heading:
            number = int(heading.group(1))
            steps[number] = []
        elif number and not (line.startswith((">>> ", "... ")) or line == "..."):
            steps[number].append(line)
    return {n: "\n".join(lines).strip() for n, lines in steps.items()}


def _shown(cell) -> str:
    """What a code cell showed: printed text and the text of its values, in order."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)  # IPython wraps long tuples; the tour does not


def _check_chapter(nb, dialect: str) -> None:
    from chainrule.tour import STEPS
    tour = _tour(dialect)
    steps = {cell.id: cell for cell in nb.cells if cell.id.startswith("step-")}
    assert len(steps) == len(tour) == len(STEPS) == 12
    for number, expected in tour.items():
        shown = _shown(steps[f"step-{number}"])
        assert shown.strip(), f"step {number} showed nothing"
        assert _squeeze(shown) == _squeeze(expected), f"step {number}"
    # Every check the chapter makes comes out true (DJL prints true and false).
    assert "True" in _shown(steps["step-1"]) or "true" in _shown(steps["step-1"])
    shown = "".join(_shown(c) for c in steps.values())
    assert "False" not in shown and "false" not in shown
    assert "Both sweeps give df = 0.0824 (forward) and 0.0824 (reverse)." in shown


def _check_picture(path: Path, min_width: int) -> None:
    """A PNG of at least ``min_width`` pixels that is neither blank nor one colour."""
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    import matplotlib.image
    pixels = matplotlib.image.imread(path)[..., :3]
    assert pixels.shape[1] >= min_width
    ink = np.mean(np.any(pixels < 0.9, axis=-1))
    assert 0.01 < ink < 0.6, ink


def _check_exercise5_svg(path: Path) -> None:
    import xml.etree.ElementTree as ET
    texts = {t.text for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {"v4 = multiply(v2, v3)", "∂v6/∂x = 0.0824"} <= texts


def _check_exercises(nb, workdir: Path) -> None:
    kinds = {kind for cell in nb.cells if cell.cell_type == "code"
             for output in cell.outputs for kind in output.get("data", {})}
    assert {"image/png", "image/svg+xml"} <= kinds  # the sin plot, the graph of exercise 5
    _check_picture(workdir / "sin_and_derivative.png", 600)
    _check_exercise5_svg(workdir / "exercise5_graph.svg")
    text = "".join(_shown(cell) for cell in nb.cells if cell.cell_type == "code")
    assert "Both sweeps give df = 0.0824 (forward) and 0.0824 (reverse)" in text
    assert "=> Rⁿ → R: reverse mode" in text and "=> R → Rᵐ: forward mode" in text


def _check_linear_regression(nb, workdir: Path) -> None:
    text = "".join(_shown(cell) for cell in nb.cells if cell.cell_type == "code")
    assert "epoch 3, loss" in text and "error in estimating b" in text


def _check_mlp_digits(nb, workdir: Path) -> None:
    text = "".join(_shown(cell) for cell in nb.cells if cell.cell_type == "code")
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", text).group(1))
    assert accuracy >= 95.0
    _check_picture(workdir / "mlp_digits_loss.png", 400)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(path, tmp_path):
    nbformat = need("nbformat")
    nbclient = need("nbclient")
    need("ipykernel")
    need_extras(path.stem)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError at the first cell that fails
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code)
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    if path.stem.startswith("chapter_"):
        _check_chapter(nb, path.stem.removeprefix("chapter_"))
    else:
        {"exercises": _check_exercises, "linear_regression": _check_linear_regression,
         "mlp_digits": _check_mlp_digits}[path.stem](nb, tmp_path)


# ---------------------------------------------------------------- the scripts


def test_linear_regression_recovers_w_and_b():
    example = load("linear_regression")
    result = example.train(verbose=False)
    np.testing.assert_allclose(result["w"], [2.0, -3.4], atol=0.02)
    assert result["b"] == pytest.approx(4.2, abs=0.02)
    assert result["losses"][0] > result["losses"][-1]
    assert result["losses"][-1] < 1e-3  # the noise's variance / 2 is 5e-5


def test_mlp_on_digits_reaches_95_percent(tmp_path):
    need_extras("mlp_digits")
    example = load("mlp_digits")
    plot = tmp_path / "loss.png"
    history = example.train(epochs=15, seed=0, plot_path=str(plot), progress=False)
    assert history["accuracy"] >= 0.95
    assert len(history["losses"]) == 15
    assert history["losses"][-1] < history["losses"][0] / 10
    assert plot.read_bytes().startswith(PNG_SIGNATURE) and plot.stat().st_size > 10_000


def test_exercises_script_checks_itself(tmp_path, monkeypatch):
    need_extras("exercises")
    import runpy
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(EXAMPLES / "exercises.py"), run_name="__main__")
    import matplotlib.pyplot as plt
    plt.close("all")
    # 1: each order of derivative records more operations than the one before.
    first, second, third = namespace["counts"]
    assert first < second < third
    # 2: the second backward is refused, and says how to keep the graph.
    assert "retain_graph=True" in str(namespace["second_backward_error"])
    # 3: the Jacobian of the control-flow function is k times the identity.
    assert np.allclose(namespace["J6"], namespace["k"] * np.eye(6))
    # 4 and 5: the pictures, and the autodiff slope is cos.
    _check_picture(tmp_path / "sin_and_derivative.png", 600)
    _check_exercise5_svg(tmp_path / "exercise5_graph.svg")
    np.testing.assert_allclose(namespace["autodiff_slope"], np.cos(namespace["xs"]), atol=1e-12)
    # 6 and 7: the path sum and both sweeps give f'(2).
    df2 = namespace["df"](2.0)
    assert namespace["total"] == pytest.approx(df2)
    assert namespace["explanation"].forward_derivative == pytest.approx(df2)
    assert namespace["explanation"].reverse_derivative == pytest.approx(df2)
    # 8: the answer read off explain's cost table (fewer operations), for f: R³ → R and
    # g: R → R³; and the Jacobians built one sweep at a time are the batched ones.
    assert namespace["cheaper"] == {"Rⁿ → R": "reverse", "R → Rᵐ": "forward"}
    costs = {label: e.cost for label, e in namespace["explanations"].items()}
    assert costs["Rⁿ → R"]["reverse_operations"] < costs["Rⁿ → R"]["forward_operations"]
    assert costs["R → Rᵐ"]["forward_operations"] < costs["R → Rᵐ"]["reverse_operations"]
    assert set(namespace["measured"].values()) <= {"forward", "reverse"}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_chapter_script_prints_what_the_tour_shows(dialect, tmp_path):
    """examples/chapter_<dialect>.py, run as a script, prints each step's output as the
    tour does (show(...) stands for the prompt's echo of a value)."""
    result = subprocess.run([sys.executable, str(EXAMPLES / f"chapter_{dialect}.py")],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    script, tour = _steps(result.stdout), _tour(dialect)
    assert sorted(script) == sorted(tour) == list(range(1, 13))
    for number in tour:
        assert script[number] == tour[number], f"step {number}"
