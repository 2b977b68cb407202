"""Run code cells as a notebook does: the statements run, a final expression shows its
repr, and printed output is captured. The dialect tests compare that with the book."""
from __future__ import annotations

import ast
import contextlib
import io


def run_cell(code: str, namespace: dict) -> str:
    """Run ``code`` in ``namespace``; return what a notebook cell would show."""
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
                print(repr(value))
    return out.getvalue().rstrip("\n")
