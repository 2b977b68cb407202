"""The core holds mechanism only: outside the dialect packages, no code names a framework,
imports a dialect or uses PyTorch's names for graph nodes. Comments and docstrings may
cite the frameworks (they explain where an idea comes from); code may not.

What the scan flags, in every core file:
- an identifier that contains a framework's name (``TorchStyle``, ``jax_rules``) or has
  one as a word (``tf``, ``jnp``, ``npx``: ``to_tf``, ``jnp_sum``);
- a string (not a docstring) that names a dialect module (``"chainrule.torch"``, as in
  ``importlib.import_module("chainrule.torch")``);
- a string with PyTorch's numbered node names (``"MulBackward0"``: the numbers are
  PyTorch's overloads, and the torch dialect owns them) or one of the node names that
  exist only because PyTorch has them (``AccumulateGrad``, ``CopySlices``, ``MmBackward``
  for the core's matmul, ...).

The core's own node names, ``<Op>Backward`` (``grad_fn=<MulBackward>``, which issue 2
specified for the native repr), are allowed: they are the core's, unnumbered.
"""
from __future__ import annotations

import ast
import io
import pathlib
import re
import tokenize

import pytest

PACKAGE = pathlib.Path(__file__).parent.parent / "chainrule"
DIALECTS = ("torch", "mxnet", "tensorflow", "jax", "djl")
FRAMEWORKS = DIALECTS + ("pytorch", "keras")  # flagged anywhere in an identifier
SHORT_NAMES = ("tf", "jnp", "npx", "mx", "xla")  # flagged as a word of an identifier
DIALECT_MODULE = re.compile(r"chainrule\.(torch|mxnet|tensorflow|jax|djl)\b")
NUMBERED_NODE = re.compile(r"\b[A-Z][A-Za-z0-9]*Backward\d+\b")
# Node names of PyTorch's own making: its gradient accumulator and in-place-on-view node,
# and nodes named after ATen functions the core does not have (mm, bmm, addmm, mv, t,
# rsub, _to_copy, unsafe_view, select, linalg_vector_norm).
TORCH_ONLY_NODES = re.compile(
    r"\b(AccumulateGrad|CopySlices|CopyBackwards|(Mm|Bmm|Addmm|Mv|T|Rsub|ToCopy|UnsafeView|"
    r"Select|LinalgVectorNorm|NativeLayerNorm|NativeBatchNorm)Backward)\b")

# Files that may name the dialects, and why (both are another engineer's; neither is
# imported by the core).
ALLOWED = {
    "tour.py": "runs the chapter's tour in each dialect: it holds each dialect's code",
    "cli.py": "the command line chooses the dialect whose tour runs (``--dialect torch``)",
}
# Torch-only node names on their way out of the core, (file, name): why. Each entry must
# still occur (test_pending_renames_are_still_pending), so the list only shrinks.
PENDING: dict = {}


def core_files(allowed: bool = False):
    """The core's files (with ``allowed``, also those in ALLOWED)."""
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in DIALECTS
                  and (allowed or str(p.relative_to(PACKAGE)) not in ALLOWED))


def _words(identifier: str) -> list[str]:
    """The words of an identifier: split at underscores and at lower-to-upper changes."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", identifier)
    return [w for w in spaced.lower().split("_") if w]


def identifiers(source: str) -> set[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.string for tok in tokens if tok.type == tokenize.NAME}


def strings(source: str) -> list[str]:
    """The string constants of the code, docstrings left out."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def findings(source: str) -> list[str]:
    """What a core file must not contain, one line each."""
    found = []
    for name in sorted(identifiers(source)):
        lowered, words = name.lower(), _words(name)
        if any(f in lowered for f in FRAMEWORKS) or any(w in SHORT_NAMES for w in words):
            found.append(f"identifier {name!r} names a framework")
    for text in strings(source):
        for pattern, what in ((DIALECT_MODULE, "names a dialect module"),
                              (NUMBERED_NODE, "has PyTorch's numbered node names"),
                              (TORCH_ONLY_NODES, "has a node name only PyTorch has")):
            for match in pattern.finditer(text):
                found.append(f"string {text!r} {what}: {match.group(0)!r}")
    return found


def _relative(path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", core_files(), ids=_relative)
def test_core_file_names_no_framework(path):
    pending = {name for (file, name) in PENDING if file == _relative(path)}
    left = [f for f in findings(path.read_text()) if not any(repr(p) in f for p in pending)]
    assert not left, "\n".join(left)


def test_pending_renames_are_still_pending():
    for (file, name), why in PENDING.items():
        assert name in (PACKAGE / file).read_text(), (
            f"{file} no longer has {name!r} ({why}): remove it from PENDING")


def test_the_allowed_files_exist_and_the_tour_does_name_the_dialects():
    assert all((PACKAGE / path).exists() for path in ALLOWED)
    assert findings((PACKAGE / "tour.py").read_text()), "tour.py needs no exception any more"


def test_no_core_module_imports_the_tour_or_the_command_line():
    """Only the entry point (``python -m chainrule``) reaches them."""
    for path in core_files():
        if path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n.split(".")[-1] in ("tour", "cli") for n in names), (path, names)


@pytest.mark.parametrize("source, flagged", [
    ("class TorchStyle:\n    pass\n", "identifier 'TorchStyle'"),
    ("import importlib\nm = importlib.import_module('chainrule.torch')\n", "dialect module"),
    ("name = 'MulBackward0'\n", "numbered node names"),
    ("name = 'CopySlices'\n", "only PyTorch has"),
    ("def to_tf(x):\n    return x\n", "identifier 'to_tf'"),
    ("jnp_sum = sum\n", "identifier 'jnp_sum'"),
    ("from .jax import numpy\n", "identifier 'jax'"),
    ("def xla_call(x):\n    return x\n", "identifier 'xla_call'"),
    ("name = f'{prim}Backward'\n", None),  # a custom rule's node, named by the core's rule
])
def test_the_scan_sees_what_it_should(source, flagged):
    found = "\n".join(findings(source))
    if flagged is None:
        assert found == ""
    else:
        assert flagged in found, found


def test_the_scan_passes_what_the_core_may_say():
    source = ('"""Like torch.autograd and jax.grad: chainrule.torch speaks PyTorch."""\n'
              "# MulBackward0 is PyTorch's name\n"
              "name = 'MulBackward'\nstep = 'matmul'\ntranspose = 1\nset_xlabel = 2\n"
              "message = 'as in JAX, vmap maps keyword arguments over axis 0'\n")
    assert findings(source) == []


def test_every_dialect_package_exists_and_the_scan_sees_the_core():
    assert len(core_files()) > 20
    assert len(core_files(allowed=True)) == len(core_files()) + len(ALLOWED)
    for name in DIALECTS:
        assert (PACKAGE / name / "__init__.py").exists(), name
