"""Run code cells as a Jupyter notebook does: the statements run, the value of a final
expression is displayed as Jupyter displays it (IPython's plain-text formatter), and what
the cell prints is captured. The dialect tests compare that with the book."""
from __future__ import annotations

import ast
import contextlib
import io

try:
    from IPython.core.formatters import PlainTextFormatter
except ImportError:  # pragma: no cover - ipykernel (a test extra) brings IPython
    PlainTextFormatter = None

_FORMATTER = PlainTextFormatter() if PlainTextFormatter is not None else None


def display(value) -> str:
    """What Jupyter shows for a cell's value (its text/plain form)."""
    if _FORMATTER is not None:
        return _FORMATTER(value)
    return _pretty(value)


def _pretty(value) -> str:
    """IPython's pretty printer for the values the book displays, when IPython is absent:
    a class as ``module.name``; a tuple on one line if it fits in 79 characters and no
    element takes several lines, else one element per line, indented by one."""
    if isinstance(value, type):
        return value.__name__ if value.__module__ == "builtins" else \
            f"{value.__module__}.{value.__qualname__}"
    if type(value) is not tuple:
        return repr(value)
    items = [_pretty(v) for v in value]
    one_line = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if "\n" not in one_line and len(one_line) <= 79:
        return one_line
    return "(" + ",\n ".join(item.replace("\n", "\n ") for item in items) + ")"


def run_cell(code: str, namespace: dict) -> str:
    """Run ``code`` in ``namespace``; return what the notebook shows under the cell."""
    tree = ast.parse(code)
    shown = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        shown = ast.Expression(tree.body.pop().value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the book's code
        if shown is not None:
            value = eval(compile(shown, "<cell>", "eval"), namespace)  # noqa: S307
            if value is not None:
                print(display(value))
    return out.getvalue().rstrip("\n")


def book(*cells, namespace: dict | None = None) -> dict:
    """Run (code, what the notebook shows) pairs in one namespace, in order, as a notebook
    does; the code is the book's, with only its import lines pointed at chainrule."""
    from seeds import as_chainrule
    namespace = {} if namespace is None else namespace
    for code, expected in cells:
        shown = run_cell(as_chainrule(code), namespace)
        assert shown == expected, f"{code}\n--- expected:\n{expected}\n--- shown:\n{shown}"
    return namespace
