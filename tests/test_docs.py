"""The Python examples in docs/*.md run as written (each page in one namespace, in
order), so the documentation cannot drift from the code."""
import pathlib
import re

import pytest

DOCS = sorted((pathlib.Path(__file__).parent.parent / "docs").glob("*.md"))
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_examples_run(page):
    blocks = BLOCK.findall(page.read_text())
    assert blocks, f"{page.name} has no Python examples"
    namespace = {}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"{page.name} example {number}", "exec"), namespace)  # noqa: S102
