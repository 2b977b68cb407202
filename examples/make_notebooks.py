"""Build the example notebooks, so they never drift from their sources.

    python examples/make_notebooks.py           write every notebook next to this script
    python examples/make_notebooks.py --check   only say which notebooks are out of date

- ``chapter_<dialect>.ipynb`` (native, torch, mxnet, tensorflow, jax, djl) are made from
  ``chainrule.tour``: its import lines, then a title and a code cell per step of the
  chapter, the same code ``python -m chainrule tour --dialect <dialect>`` runs; and
  ``chapter_<dialect>.py``, the same as a script (``show(...)`` prints what the notebook
  and the Python prompt show of each expression).
- ``exercises.ipynb``, ``linear_regression.ipynb`` and ``mlp_digits.ipynb`` are made from
  the scripts of the same name, written in the "percent" format: ``# %%`` starts a code
  cell, ``# %% [markdown]`` a markdown cell (its lines are comments). A cell that is a
  single ``if __name__ == "__main__":`` block becomes its body in the notebook.

The notebooks are stored without outputs; run them in Jupyter, or let the tests
(tests/test_examples.py) execute them.
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from chainrule.tour import DIALECTS, IMPORTS, NAMES, STEPS

HERE = Path(__file__).resolve().parent
SCRIPTS = ("exercises", "linear_regression", "mlp_digits")

IMPORT_NOTES = {
    "native": "chainrule's own API.",
    "torch": "PyTorch's words: only the import line differs from the book's PyTorch tab.",
    "mxnet": "MXNet's words: only the import line differs from the book's MXNet tab.",
    "tensorflow": "TensorFlow's words: only the import line differs from the book's "
                  "TensorFlow tab.",
    "jax": "JAX's words: only the import lines differ from the book's JAX tab.",
    "djl": "DJL's words (the book's Java edition, in Python spelling): `manager.arange(4f)` "
           "becomes `manager.arange(4.0)`, `try (GradientCollector gc = ...)` becomes "
           "`with ... as gc:`.",
}
# Show every expression statement's value, as the Python prompt (and the tour) does.
SHOW_ALL = '%config InteractiveShell.ast_node_interactivity = "all"'
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells, metadata=METADATA)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _code(source: str, cell_id: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source.strip("\n"))
    cell.id = cell_id  # stable ids: regenerating gives the same file
    return cell


def _markdown(source: str, cell_id: str) -> nbformat.NotebookNode:
    cell = new_markdown_cell(source.strip("\n"))
    cell.id = cell_id
    return cell


# ---------------------------------------------------------------- the chapter, per dialect


def chapter_notebook(dialect: str) -> nbformat.NotebookNode:
    """The chapter in ``dialect``: cell ``imports``, then ``title-N`` and ``step-N`` per
    step of ``chainrule.tour.STEPS``."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; choose from {DIALECTS}")
    intro = (f"# Automatic differentiation, in {NAMES[dialect]}'s words\n\n"
             "The D2L chapter on automatic differentiation, step by step, run by "
             f"chainrule. {IMPORT_NOTES[dialect]}\n\n"
             "This notebook is generated from `chainrule/tour.py` by "
             "`examples/make_notebooks.py`; edit those, not this file. "
             f"`python -m chainrule tour --dialect {dialect}` runs the same steps in a "
             "terminal.")
    cells = [_markdown(intro, "intro"),
             _code("# Show the value of every expression in a cell, as the Python prompt "
                   "does.\n" + SHOW_ALL, "display"),
             _code(IMPORTS[dialect], "imports")]
    for number, (title, codes) in enumerate(STEPS, 1):
        cells.append(_markdown(f"## {number}. {title}", f"title-{number}"))
        cells.append(_code(codes[dialect], f"step-{number}"))
    return _notebook(cells)


def _shown(code: str) -> str:
    """The step's code with each top-level expression (other than a print) wrapped in
    show(...), so that a script prints what the prompt and the notebook show."""
    lines = code.splitlines()
    for statement in reversed(ast.parse(code).body):
        value = getattr(statement, "value", None)
        if not isinstance(statement, ast.Expr) or (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id == "print"):
            continue
        first, last = statement.lineno - 1, statement.end_lineno - 1
        bare_tuple = (isinstance(value, ast.Tuple) and value.elts
                      and value.elts[0].col_offset == value.col_offset)  # a, b
        lines[first] = ("show((" if bare_tuple else "show(") + lines[first]
        lines[last] = lines[last] + ("))" if bare_tuple else ")")
    return "\n".join(lines)


def chapter_script(dialect: str) -> str:
    """The chapter in ``dialect`` as a script in percent format: what the tour prints,
    without the echoed code."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; choose from {DIALECTS}")
    parts = [f'''"""The D2L chapter on automatic differentiation, in {NAMES[dialect]}'s words, run by
chainrule: python examples/chapter_{dialect}.py

Generated from chainrule/tour.py by examples/make_notebooks.py: edit those, not this
file. chapter_{dialect}.ipynb is the same as a notebook, and
python -m chainrule tour --dialect {dialect} shows each step's code with its output.
"""


def show(value):
    """Print a value as the Python prompt does (nothing for None)."""
    if value is not None:
        print(repr(value))


# %%
{IMPORTS[dialect]}
''']
    for number, (title, codes) in enumerate(STEPS, 1):
        heading = f"# {number}. {title}"
        parts.append(f"\n# %% [markdown]\n# ## {number}. {title}\n\n# %%\n"
                     f"print({heading!r})\n{_shown(codes[dialect])}\nprint()\n")
    return "".join(parts)


# ---------------------------------------------------------------- scripts in percent format

_MARKER = re.compile(r"^# %%(?P<markdown>\s*\[markdown\])?.*$")
_MAIN = 'if __name__ == "__main__":'


def script_cells(text: str) -> list:
    """[(kind, source)] of a percent-format script; text before the first marker (the
    module docstring, ``from __future__``) is left out."""
    cells, kind, lines = [], None, []
    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            if kind is not None:
                cells.append((kind, "\n".join(lines).strip("\n")))
            kind, lines = ("markdown" if match.group("markdown") else "code"), []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append((kind, "\n".join(lines).strip("\n")))
    result = []
    for kind, source in cells:
        if kind == "markdown":
            source = "\n".join(re.sub(r"^# ?", "", line) for line in source.splitlines())
        elif source.startswith(_MAIN):
            source = textwrap.dedent(source[len(_MAIN):].lstrip("\n"))
        if source.strip():
            result.append((kind, source))
    return result


def script_notebook(path: Path) -> nbformat.NotebookNode:
    cells = []
    for number, (kind, source) in enumerate(script_cells(path.read_text(encoding="utf-8"))):
        make = _markdown if kind == "markdown" else _code
        cells.append(make(source, f"cell-{number}"))
    return _notebook(cells)


# ---------------------------------------------------------------- all of them


def notebooks() -> dict:
    """{file name: notebook} for every example notebook."""
    built = {f"chapter_{d}.ipynb": chapter_notebook(d) for d in DIALECTS}
    for name in SCRIPTS:
        built[f"{name}.ipynb"] = script_notebook(HERE / f"{name}.py")
    return built


def scripts() -> dict:
    """{file name: text} for every generated script (the chapter in each dialect)."""
    return {f"chapter_{d}.py": chapter_script(d) for d in DIALECTS}


def text(nb: nbformat.NotebookNode) -> str:
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def _generated() -> dict:
    files = {name: text(nb) for name, nb in notebooks().items()}
    files.update(scripts())
    return files


def stale(directory: Path = HERE) -> list:
    """The generated files in ``directory`` that are missing or differ from what this
    script would write."""
    found = []
    for name, content in _generated().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            found.append(name)
    return found


def write(directory: Path = HERE) -> list:
    written = []
    for name, content in _generated().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if a notebook is missing or out of date")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for name in out_of_date:
            print(f"out of date: examples/{name} (run python examples/make_notebooks.py)")
        return 1 if out_of_date else 0
    for path in write():
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
