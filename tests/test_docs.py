"""The Python examples in docs/*.md run as written (each page in one namespace, in
order), so the documentation cannot drift from the code; and every transform has an
example on the transforms page that checks what it computes."""
import ast
import pathlib
import re

import pytest

DOCS = sorted((pathlib.Path(__file__).parent.parent / "docs").glob("*.md"))
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
TRANSFORMS = ["grad", "value_and_grad", "vjp", "jvp", "linearize", "jacrev", "jacfwd",
              "jacobian", "hessian", "hvp", "vmap", "custom_vjp", "custom_jvp", "Function",
              "checkpoint"]


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_examples_run(page):
    blocks = BLOCK.findall(page.read_text())
    assert blocks, f"{page.name} has no Python examples"
    namespace = {}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"{page.name} example {number}", "exec"), namespace)  # noqa: S102


def _names_read(node) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _names_bound(statement) -> set:
    if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
        return {statement.name}
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign, ast.For)):
        targets = [statement.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _uses(node, name) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == name and
               isinstance(n.value, ast.Name) and n.value.id == "cr" for n in ast.walk(node))


def _checked(code: str, name: str) -> bool:
    """Whether, after a statement using cr.<name>, an assert reads what it made (or what
    was made from that, and so on), or uses cr.<name> itself."""
    tracked = set()
    for statement in _statements(ast.parse(code).body):
        if isinstance(statement, ast.Assert):
            if _uses(statement, name) or _names_read(statement) & tracked:
                return True
        elif _uses(statement, name) or _names_read(statement) & tracked:
            # what it binds, or, for a call made for its effect (x.backward()), what it
            # touched
            tracked |= _names_bound(statement) or (
                _names_read(statement) if isinstance(statement, ast.Expr) else set())
    return False


def _statements(body):
    for statement in body:
        if isinstance(statement, ast.With):
            yield from _statements(statement.body)
        else:
            yield statement


@pytest.mark.parametrize("name", TRANSFORMS)
def test_every_transform_has_a_checked_example(name):
    """Each exported transform is used, as cr.<name>, in an example on transforms.md that
    asserts something about what it computed (an example that checks nothing shows
    nothing)."""
    import chainrule as cr
    assert name in cr.__all__, f"{name} is not exported"
    blocks = BLOCK.findall((pathlib.Path(__file__).parent.parent / "docs" /
                            "transforms.md").read_text())
    using = [code for code in blocks if _uses(ast.parse(code), name)]
    assert using, f"docs/transforms.md has no example of cr.{name}"
    assert any(_checked(code, name) for code in using), \
        f"no example of cr.{name} in docs/transforms.md asserts anything about its result"
