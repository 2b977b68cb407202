"""The README's Python code runs as written, and what its comments claim is true.

Each statement of each ```python block runs in turn, in one namespace; then every comment
on it is checked: a comment on a print states what it prints (the printed text, then
optionally " = " and an explanation), and any other comment must be one of the claims
below, checked against the namespace right after its statement. A comment that is
neither fails the test, so the README cannot say something untested.
"""
import ast
import contextlib
import io
import pathlib
import re
import tokenize

import numpy as np
import pytest

README = pathlib.Path(__file__).parent.parent / "README.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)

# (pattern a comment must match, what it claims about the namespace after its statement)
CLAIMS = [
    (r"^float32, like every deep-learning framework$",
     lambda ns: ns["x"].dtype == np.float32),
    (r"^recorded: y\.grad_fn is <MulBackward>$",
     lambda ns: repr(ns["y"].grad_fn) == "<MulBackward>" and ns["y"].requires_grad),
    (r"^backpropagation$",
     lambda ns: ns["x"].grad is not None),
    (r"^second derivative: 6x = 12$",
     lambda ns: ns["d2y"].item() == 6 * ns["x"].item() == 12.0
     and ns["dy"].item() == 3 * ns["x"].item() ** 2),
]


def _blocks() -> list:
    return BLOCK.findall(README.read_text())


def _comments(code: str) -> dict:
    """Line number -> comment text, for every comment in code."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def _is_print(statement) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == "print")


def _check_comment(comment: str, statement, printed: str, namespace: dict, where: str):
    if _is_print(statement):
        shown = printed.rstrip("\n")
        assert shown and (comment == shown or comment.startswith(shown + " = ")), (
            f"{where}: the comment says {comment!r}, the print shows {shown!r}")
        return
    for pattern, claim in CLAIMS:
        if re.search(pattern, comment):
            assert claim(namespace), f"{where}: the claim {comment!r} is false"
            return
    raise AssertionError(f"{where}: the comment {comment!r} claims something this test does "
                         "not check; add it to CLAIMS (or print the value it states)")


def test_the_readme_has_a_quickstart():
    blocks = _blocks()
    assert blocks, "README.md has no ```python block"
    assert any("backward()" in code for code in blocks)


def test_readme_code_runs_and_its_comments_are_true():
    namespace: dict = {}
    checked = 0
    for number, code in enumerate(_blocks(), 1):
        comments = _comments(code)
        for statement in ast.parse(code).body:
            where = f"README.md python block {number}, line {statement.lineno}"
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(ast.Module([statement], []), where, "exec"), namespace)  # noqa: S102
            for line in range(statement.lineno, statement.end_lineno + 1):
                if line in comments:
                    _check_comment(comments[line], statement, out.getvalue(), namespace, where)
                    checked += 1
    assert checked >= 5  # the quickstart's print and its four claims


def test_the_checker_catches_a_false_comment():
    """The check above can fail: a wrong printed value or an unknown claim is an error."""
    statement = ast.parse("print(1 + 1)").body[0]
    with pytest.raises(AssertionError, match="the print shows '2'"):
        _check_comment("3", statement, "2\n", {}, "example")
    _check_comment("2 = 1 + 1", statement, "2\n", {}, "example")
    other = ast.parse("y = 1").body[0]
    with pytest.raises(AssertionError, match="claims something this test does not check"):
        _check_comment("y is 2", other, "", {"y": 1}, "example")
