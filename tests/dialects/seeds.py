"""The chapter as the seed documents give it: its cells in each framework and what the
book printed for them, read from ../shared/seeds (the four versions of D2L section 2.5).

- Seed 000, the book's source: the MXNet, PyTorch and TensorFlow cells, split on their
  ``%%tab`` markers.
- Seed 002, the rendered page: what those cells printed (each output line goes to the
  cell whose last code line comes just before it), and the JAX tab, code and output
  (the source has no JAX tab). The page lost its indentation and its runs of spaces: the
  JAX cells are found by their first and last lines (``JAX_CELLS``), a block takes its
  indentation from its twin in another tab of the source, and outputs are compared with
  runs of spaces collapsed.
- Seed 001, the reader's PyTorch notebook: every ``In [n]:`` cell, in order, and its
  output, compared exactly.
- Seed 003, the Java (DJL) edition: its code cells and the output cells after them; the
  Java is turned into Python by the small table ``JAVA`` when the tests run.

``python tests/dialects/seeds.py`` writes what it extracts to ``chapter.json`` beside
this file: the vendored copy the tests run when the seeds are absent (a clean clone in
CI has no ../shared), and that test_seeds.py compares with the seeds when they are here.
The tests change nothing in a cell but its import lines (``as_chainrule``).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parents[1].parent / "shared" / "seeds"
VENDORED = HERE / "chapter.json"


def seeds_present() -> bool:
    return SEEDS.is_dir() and all(any(SEEDS.glob(f"{n:03d}_*.txt")) for n in range(4))


def seed_text(number: int) -> str:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- seed 000: the source


def source_tabs(text: str) -> dict[str, list[str]]:
    """The code of each ``%%tab`` cell of the book's source, by tab, in order."""
    tabs: dict[str, list[str]] = {}
    for block in re.findall(r"^```\{\.python \.input[^}]*\}\n(.*?)^```", text, re.M | re.S):
        first, _, code = block.partition("\n")
        marker = re.fullmatch(r"%%tab (\w+)", first.strip())
        if marker:
            tabs.setdefault(marker.group(1), []).append(code.rstrip("\n"))
    return tabs


# ---------------------------------------------------------------- seed 002: the page

# What each framework's displayed values begin with on the page.
OUTPUT_START = {"pytorch": "tensor(", "mxnet": "array(", "jax": "Array(",
                "tensorflow": "<tf.Tensor"}
# Lines the page captured from the frameworks' logs, not outputs of a cell.
PAGE_LOGS = (re.compile(r"No GPU/TPU found, falling back to CPU\."),
             re.compile(r"\[\d\d:\d\d:\d\d\] src/base\.cc:\d+: GPU context requested"))

# The JAX cells on the page, by their first and last lines (and a text that tells the
# cell from the other tabs' cells that begin alike), in the page's order.
JAX_CELLS = [
    ("from jax import numpy as jnp", "from jax import numpy as jnp", None),
    ("x = jnp.arange(4.0)", "x", None),
    ("y = lambda x: 2 * jnp.dot(x, x)", "y(x)", None),
    ("from jax import grad", "x_grad", None),
    ("x_grad == 4 * x", "x_grad == 4 * x", None),
    ("y = lambda x: x.sum()", "grad(y)(x)", None),
    ("y = lambda x: x * x", "grad(lambda x: y(x).sum())(x)", None),
    ("import jax", "grad(lambda x: z(x).sum())(x) == y(x)", None),
    ("grad(lambda x: y(x).sum())(x) == 2 * x", "grad(lambda x: y(x).sum())(x) == 2 * x", None),
    ("def f(a):", "return c", "jnp.linalg.norm"),
    ("from jax import random", "d_grad = grad(f)(a)", None),
    ("d_grad == d / a", "d_grad == d / a", None),
]


def collapse(text: str) -> str:
    """Runs of spaces as one, as the rendered page (and the Java edition) shows them."""
    return re.sub(r" {2,}", " ", text)


def _code_key(line: str) -> str:
    """A code line without its comment, with runs of spaces collapsed: how a cell's last
    line of the source is recognized on the page."""
    return collapse(_strip_comment(line)).strip()


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _is_log(line: str) -> bool:
    return any(pattern.match(line) for pattern in PAGE_LOGS)


def page_outputs(lines: list[str], tab: str) -> list[tuple[str, str]]:
    """(the code line just before, the output) for each of ``tab``'s outputs on the page."""
    found = []
    for i, line in enumerate(lines):
        if line.startswith(OUTPUT_START[tab]):
            j = i - 1
            while _is_log(lines[j]):
                j -= 1
            found.append((_code_key(lines[j]), line))
    return found


def attach_outputs(cells: list[str], outputs: list[tuple[str, str]], tab: str) -> list[str]:
    """The output of each cell: each output goes to the next cell whose last code line is
    the one printed before it; cells between print nothing."""
    shows = [""] * len(cells)
    position = 0
    for key, output in outputs:
        while position < len(cells) and _code_key(cells[position].rstrip().split("\n")[-1]) != key:
            position += 1
        if position == len(cells):
            raise ValueError(f"{tab}: no cell of the source ends with {key!r} (output {output!r})")
        shows[position] = output
        position += 1
    return shows


def reindent(lines: list[str], twins: list[str]) -> str:
    """Give a block that lost its indentation that of a cell of the source with the same
    lines (line for line the same first word)."""
    if not any(line.rstrip().endswith(":") for line in lines):
        return "\n".join(lines)
    for twin in twins:
        model = [line for line in twin.split("\n") if line.strip()]
        if len(model) == len(lines) and all(
                m.split()[0] == line.split()[0] for m, line in zip(model, lines)):
            return "\n".join(m[:len(m) - len(m.lstrip())] + line for m, line in zip(model, lines))
    raise ValueError(f"no cell of the source has the shape of {lines[0]!r}...")


def jax_cells(lines: list[str], twins: list[str]) -> list[tuple[str, str]]:
    """(code, output) of each JAX cell of the page."""
    cells, position = [], 0
    for first, last, telling in JAX_CELLS:
        while True:
            start = lines.index(first, position)
            end = lines.index(last, start)
            if telling is None or any(telling in line for line in lines[start:end + 1]):
                break
            position = start + 1
        code = reindent(lines[start:end + 1], twins)
        compile(code, first, "exec")
        following = lines[end + 1] if end + 1 < len(lines) else ""
        while _is_log(following):
            end += 1
            following = lines[end + 1]
        cells.append((code, following if following.startswith(OUTPUT_START["jax"]) else ""))
        position = end + 1
    return cells


# ---------------------------------------------------------------- seed 001: the notebook

# What the reader's notebook printed: PyTorch's values and the notebook's own prints.
READER_OUTPUT = re.compile(r"tensor\(|None$|First derivative|Second derivative")


def reader_cells(text: str) -> list[tuple[str, str, str]]:
    """(label, code, output) of each ``In [n]:`` cell of the reader's notebook, in order.
    A cell's text runs to the next ``In [``; its paragraphs (split at blank lines) are
    code until the first output paragraph, then outputs, then the notebook's prose. A
    cell without output ends at the first paragraph that is not Python."""
    chunks = re.split(r"^(In \[\d+\]):\n", text, flags=re.M)
    cells = []
    for label, chunk in zip(chunks[1::2], chunks[2::2]):
        paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", chunk) if p.strip()]
        code, output = [], []
        for paragraph in paragraphs:
            if all(READER_OUTPUT.match(line) for line in paragraph.split("\n")):
                output.append(paragraph)
            elif output or not _is_python(paragraph):
                break
            else:
                code.append(paragraph)
        while code and all(line.startswith("#") for line in code[-1].split("\n")) and not output:
            code.pop()  # a markdown heading after a cell without output
        cells.append((label, "\n\n".join(code), "\n".join(output)))
    return cells


def _is_python(text: str) -> bool:
    try:
        compile(text, "<paragraph>", "exec")
    except SyntaxError:
        return False
    return True


# ---------------------------------------------------------------- seed 003: Java


def java_cells(text: str) -> list[tuple[str, str]]:
    """(Java code, output) of each code cell of the Java edition; an output cell is one
    that starts with ``ND: ``, and consecutive ones belong to the same code cell."""
    cells: list[tuple[str, str]] = []
    for block in re.findall(r"^```\n(.*?)\n^```", text, re.M | re.S):
        if block.startswith("ND: "):
            code, shown = cells[-1]
            cells[-1] = (code, shown + "\n" + block if shown else block)
        else:
            cells.append((block, ""))
    return cells


# The Java of the book, as Python: braces become indentation and // comments # ones;
# then, on the code of each line, the first of these rules that matches (in order), then
# every rule of JAVA_INLINE.
JAVA = [
    (r"^%.*$", ""),                                   # the Java kernel's %maven and %load
    (r"^import ai\.djl\.[\w.]+\.\*;$", "from chainrule.djl import *"),
    (r"^import ai\.djl\.[\w.]+\.(\w+);$", r"from chainrule.djl import \1"),
    (r"^try \((\w+) (\w+) = (.*)\) \{$", r"with \3 as \2:"),  # try-with-resources
    (r"^public \w+ (\w+)\(\w+ (\w+)\) \{$", r"def \1(\2):"),  # a method of one argument
    (r"^(while|if) \((.*)\) \{$", r"\1 \2:"),
    (r"^\}\s*else \{$", "else:"),
    (r"^[A-Z]\w* \w+;$", ""),                          # a declaration without a value
    (r"^[A-Z]\w* (\w+ = .*)$", r"\1"),                # a typed declaration: its type goes
]
JAVA_INLINE = [(r"\bnew ", ""), (r"\b(\d+)f\b", r"\1.0"), (r"System\.out\.println\(", "print("),
               (r";\s*$", "")]
# The book ran on a GPU; chainrule computes on the CPU.
JAVA_OUTPUT = [(r"gpu\(0\)", "cpu()")]


def java_to_python(java: str, used: set | None = None) -> str:
    """The Python of a Java cell (``used`` collects the rules that applied)."""
    out, depth = [], 0
    for raw in java.split("\n"):
        line, _, comment = raw.strip().partition("//")
        line = line.strip()
        if line.startswith("}"):
            depth -= 1
        if line == "}":
            continue
        for i, (pattern, replacement) in enumerate(JAVA):
            if re.match(pattern, line):
                line = re.sub(pattern, replacement, line)
                if used is not None:
                    used.add(("line", i))
                break
        for i, (pattern, replacement) in enumerate(JAVA_INLINE):
            if re.search(pattern, line):
                line = re.sub(pattern, replacement, line)
                if used is not None:
                    used.add(("inline", i))
        if comment:
            line = f"{line}  #{comment}" if line else f"#{comment}"
        if line:
            out.append("    " * depth + line)
        if raw.rstrip().endswith("{"):
            depth += 1
    return "\n".join(out)


def java_output(shown: str) -> str:
    for pattern, replacement in JAVA_OUTPUT:
        shown = re.sub(pattern, replacement, shown)
    return shown


# ---------------------------------------------------------------- all of it


# Cells whose printed values depend on the random draw (identified by their last line):
# their numbers are compared as numbers of any value.
RANDOM = {("tensorflow", "d_grad"), ("reader", "d"), ("reader", "a.grad"), ("reader", "d/a")}


def _entry(tab: str, code: str, shows: str, origin: str) -> dict:
    last = _code_key(code.rstrip().split("\n")[-1]) if code.strip() else ""
    return {"code": code, "shows": shows, "random": (tab, last) in RANDOM, "from": origin}


def extract() -> dict:
    """The cells of every version of the chapter, with what the book printed."""
    source = source_tabs(seed_text(0))
    page = [line.rstrip() for line in seed_text(2).split("\n")]
    chapter = {}
    for tab in ("pytorch", "mxnet", "tensorflow"):
        cells = source[tab]
        shows = attach_outputs(cells, page_outputs(page, tab), tab)
        chapter[tab] = {"compare": "spaces collapsed", "cells": [
            _entry(tab, code, shown, f"seed 000, %%tab {tab} cell {i + 1}; output: seed 002")
            for i, (code, shown) in enumerate(zip(cells, shows))]}
    twins = [code for tab in ("mxnet", "pytorch", "tensorflow") for code in source[tab]]
    chapter["jax"] = {"compare": "spaces collapsed", "cells": [
        _entry("jax", code, shown, f"seed 002, JAX cell {i + 1}")
        for i, (code, shown) in enumerate(jax_cells(page, twins))]}
    chapter["reader"] = {"compare": "exact", "cells": [
        _entry("reader", code, shown, f"seed 001, {label}")
        for label, code, shown in reader_cells(seed_text(1))]}
    chapter["djl"] = {"compare": "spaces collapsed", "cells": [
        _entry("djl", java, shown, f"seed 003, code cell {i + 1}")
        for i, (java, shown) in enumerate(java_cells(seed_text(3)))]}
    return chapter


def load(source: str = "vendored") -> dict:
    """The chapter from the seeds (``source="seeds"``) or from the vendored copy."""
    if source == "seeds":
        return extract()
    return json.loads(VENDORED.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- running a cell

# The import lines of the book and of the reader's notebook, pointed at chainrule.
IMPORTS = [
    (r"^(\s*)import (torch|tensorflow|jax)( as (\w+))?$",
     lambda m: f"{m[1]}import chainrule.{m[2]} as {m[4] or m[2]}"),
    (r"^(\s*)from (mxnet|jax|torch|tensorflow)((?:\.\w+)*) import ",
     lambda m: f"{m[1]}from chainrule.{m[2]}{m[3]} import "),
]


def as_chainrule(code: str) -> str:
    """The cell with its import lines changed to chainrule's, and nothing else."""
    for pattern, replacement in IMPORTS:
        code = re.sub(pattern, replacement, code, flags=re.M)
    return code


_NUMBER = r"-?\d+(?:\.\d*)?(?:e[+-]?\d+)?"


def matches(shown: str, entry: dict, compare: str) -> bool:
    """Whether a cell's output is the book's: exactly, or with runs of spaces collapsed;
    in a cell that shows random values, any number stands for the book's number."""
    expected = entry["shows"]
    if compare == "spaces collapsed":
        shown = collapse(shown)
    if not entry["random"]:
        return shown == expected
    parts = re.split(rf"(?<![\w.])({_NUMBER})", expected)  # text, number, text, ...
    pattern = "".join(_NUMBER if i % 2 else re.escape(part) for i, part in enumerate(parts))
    return re.fullmatch(pattern, shown) is not None


if __name__ == "__main__":
    VENDORED.write_text(json.dumps(extract(), indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"wrote {VENDORED}")
