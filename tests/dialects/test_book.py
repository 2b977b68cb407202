"""The chapter as the book has it, in every dialect: each cell of the seeds runs in order,
in one namespace, with only its import lines changed (the Java edition's cells turned
into Python by seeds.JAVA), and shows what the book shows.

Every tab runs from the vendored copy (tests/dialects/chapter.json) and, when the seed
documents are at ../shared/seeds, from the seeds themselves; test_vendored_copy checks
that the two are the same."""
from __future__ import annotations

import re

import pytest
import seeds
from notebook import run_cell

import chainrule as cr
import chainrule.djl
import chainrule.mxnet
import chainrule.tensorflow
import chainrule.torch

NO_SEEDS = (f"the seed documents are not at {seeds.SEEDS} (a clean clone): the chapter runs "
            "from the vendored copy only")
NEEDS_SEEDS = pytest.mark.skipif(not seeds.seeds_present(), reason=NO_SEEDS)

# Where a cell draws a random number, the book's printed True (a.grad == d / a) holds for
# these draws: the random state is set before the chapter runs (that is not part of the
# book's code). test_the_seeds_cover_both_branches shows they reach both sides of f's if.
SEEDING = {
    "pytorch": (chainrule.torch.manual_seed, [0, 1, 2, 5]),
    "reader": (chainrule.torch.manual_seed, [0, 1, 2, 5]),
    "mxnet": (chainrule.mxnet.np.random.seed, [0, 1, 2, 5]),
    "tensorflow": (chainrule.tensorflow.random.set_seed, [0, 1, 2, 5]),
    "jax": (None, [None]),  # the key is in the book's code: random.PRNGKey(1)
    "djl": (chainrule.djl.Engine.getInstance().setRandomSeed, [0, 1, 2, 5]),
}


def chapter(source: str) -> dict:
    return seeds.load(source)


def python_cells(tab: str, source: str) -> list[tuple[str, dict]]:
    """The cells of a tab as the tests run them: the imports pointed at chainrule (and
    the Java as Python); the expected output with the device the book ran on replaced."""
    cells = []
    for entry in chapter(source)[tab]["cells"]:
        if tab == "djl":
            entry = dict(entry, shows=seeds.java_output(entry["shows"]))
            cells.append((seeds.java_to_python(entry["code"]), entry))
        else:
            cells.append((seeds.as_chainrule(entry["code"]), entry))
    return cells


def run_tab(tab: str, source: str, seed) -> dict:
    seeding, _ = SEEDING[tab]
    if seeding is not None:
        seeding(seed)
    namespace: dict = {}
    compare = chapter(source)[tab]["compare"]
    for code, entry in python_cells(tab, source):
        shown = run_cell(code, namespace)
        assert seeds.matches(shown, entry, compare), (
            f"{entry['from']}:\n{code}\n--- the book shows:\n{entry['shows']}\n"
            f"--- chainrule shows:\n{shown}")
    return namespace


def cases() -> list:
    params = []
    for tab, (_, draws) in SEEDING.items():
        for seed in draws:
            params.append(pytest.param(tab, seed, "vendored", id=f"{tab}-seed{seed}-vendored"))
            params.append(pytest.param(tab, seed, "seeds", id=f"{tab}-seed{seed}-seeds",
                                       marks=NEEDS_SEEDS))
    return params


@pytest.mark.parametrize("tab, seed, source", cases())
def test_chapter(tab, seed, source):
    namespace = run_tab(tab, source, seed)
    assert "f" in namespace and "d" in namespace  # it ran to the control-flow cells


def test_every_cell_of_every_tab_is_there():
    book = chapter("vendored")
    counts = {tab: len(book[tab]["cells"]) for tab in book}
    assert counts == {"pytorch": 12, "mxnet": 12, "tensorflow": 12, "jax": 12, "reader": 17,
                      "djl": 14}
    labels = [cell["from"].split(", ")[1] for cell in book["reader"]["cells"]]
    assert labels == [f"In [{n}]" for n in (1, 4, 7, 11, 13, 14, 18, 35, 36, 37, 38, 46, 47,
                                              42, 44, 45, 61)]
    shown = [cell["shows"] for cell in book["reader"]["cells"]]
    assert shown[5] == "tensor([True, True, True, True])"  # In [14]: x*4 == x.grad
    assert shown[8] == "tensor([0., 1., 4., 9.])"          # In [36]: x.grad
    assert shown[10] == "tensor([0., 2., 4., 6.])\ntensor([True, True, True, True])"  # In [38]


@NEEDS_SEEDS
def test_vendored_copy_is_what_the_seeds_say():
    assert seeds.extract() == chapter("vendored"), (
        "tests/dialects/chapter.json differs from the seeds: run python tests/dialects/seeds.py")


@pytest.mark.parametrize("tab", ["pytorch", "mxnet", "tensorflow", "djl"])
def test_the_seeds_cover_both_branches(tab):
    """Of the draws used, some are positive (f doubles) and some negative (f also
    multiplies by 100), so both sides of the book's ``if`` are run."""
    signs = set()
    for seed in SEEDING[tab][1]:
        namespace = run_tab(tab, "vendored", seed)
        signs.add(float(cr.Tensor.numpy(namespace["a"]).reshape(-1)[0]) > 0)
    assert signs == {True, False}


# ---------------------------------------------------------------- what the tests change


def test_only_the_import_lines_change():
    for tab in ("pytorch", "mxnet", "tensorflow", "jax", "reader"):
        for entry in chapter("vendored")[tab]["cells"]:
            before, after = entry["code"].split("\n"), seeds.as_chainrule(entry["code"]).split("\n")
            assert len(before) == len(after)
            for old, new in zip(before, after):
                if old != new:
                    assert re.match(r"\s*(import|from) ", old), old
                    assert "chainrule." in new and new.replace("chainrule.", "") in (
                        old, old + " as " + old.split()[-1]), (old, new)
    assert seeds.as_chainrule("import torch\nimport jax\nfrom jax import numpy as jnp\n"
                              "from mxnet import autograd, np, npx\nimport tensorflow as tf\n"
                              "x = torch.arange(4.0)") == (
        "import chainrule.torch as torch\nimport chainrule.jax as jax\n"
        "from chainrule.jax import numpy as jnp\nfrom chainrule.mxnet import autograd, np, npx\n"
        "import chainrule.tensorflow as tf\nx = torch.arange(4.0)")


def test_the_java_table_is_small_and_every_rule_is_used():
    used: set = set()
    for entry in chapter("vendored")["djl"]["cells"]:
        compile(seeds.java_to_python(entry["code"], used), "<java>", "exec")
    assert used == {("line", i) for i in range(len(seeds.JAVA))} | {
        ("inline", i) for i in range(len(seeds.JAVA_INLINE))}
    assert len(seeds.JAVA) + len(seeds.JAVA_INLINE) + len(seeds.JAVA_OUTPUT) <= 15


def test_java_becomes_python():
    java = ("public NDArray f(NDArray a) {\nNDArray b = a.mul(2);\n"
            "while (b.norm().getFloat() < 1000) {\nb = b.mul(2);\n}\nNDArray c;\n"
            "if (b.sum().getFloat() > 0) {\nc = b;\n}else {\nc = b.mul(100);\n}\nreturn c;\n}")
    assert seeds.java_to_python(java) == (
        "def f(a):\n    b = a.mul(2)\n    while b.norm().getFloat() < 1000:\n"
        "        b = b.mul(2)\n    if b.sum().getFloat() > 0:\n        c = b\n    else:\n"
        "        c = b.mul(100)\n    return c")
    assert seeds.java_to_python("// a new comment, 4f\nx.getGradient() // Overwritten") == (
        "# a new comment, 4f\nx.getGradient()  # Overwritten")
    assert seeds.java_to_python(
        "try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {\n"
        "NDArray y = x.mul(x); // y is a vector\nSystem.out.println(y);\n}\n"
        "NDArray a = manager.randomNormal(new Shape(1));\nmanager.arange(4f)") == (
        "with Engine.getInstance().newGradientCollector() as gc:\n"
        "    y = x.mul(x)  # y is a vector\n    print(y)\n"
        "a = manager.randomNormal(Shape(1))\nmanager.arange(4.0)")
    assert seeds.java_output("ND: (4) gpu(0) float32") == "ND: (4) cpu() float32"


def test_outputs_are_compared_exactly_or_with_spaces_collapsed():
    entry = {"shows": "tensor([ 0., 4., 8., 12.])", "random": False}
    assert seeds.matches("tensor([ 0.,  4.,  8., 12.])", entry, "spaces collapsed")
    assert not seeds.matches("tensor([ 0.,  4.,  8., 12.])", entry, "exact")
    assert not seeds.matches("tensor([ 0., 4., 8., 13.])", entry, "spaces collapsed")
    drawn = {"shows": "tensor(-185575.1406, grad_fn=<MulBackward0>)", "random": True}
    assert seeds.matches("tensor(1311.5000, grad_fn=<MulBackward0>)", drawn, "exact")
    assert not seeds.matches("tensor(1311.5000, grad_fn=<MulBackward1>)", drawn, "exact")
    assert not seeds.matches("tensor(1311.5000)", drawn, "exact")


def test_a_cell_that_shows_something_else_fails():
    entry = {"code": "x = 1\nx", "shows": "2", "random": False, "from": "a test"}
    assert not seeds.matches(run_cell(entry["code"], {}), entry, "exact")
