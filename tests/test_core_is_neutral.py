"""The core holds mechanism only: no code outside the dialect packages names a
framework or imports a dialect (comments and docstrings may cite them)."""
import io
import pathlib
import tokenize

import pytest

PACKAGE = pathlib.Path(__file__).parent.parent / "chainrule"
DIALECTS = {"torch", "mxnet", "tensorflow", "jax", "djl"}
FRAMEWORK_NAMES = DIALECTS | {"tf", "jnp", "npx", "pytorch"}


def core_files():
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p.relative_to(PACKAGE).parts[0] not in DIALECTS)


def code_names(path):
    """The identifiers of a file's code, without its comments and strings."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return {tok.string.lower() for tok in tokens if tok.type == tokenize.NAME}


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_file_names_no_framework(path):
    assert not code_names(path) & FRAMEWORK_NAMES


def test_every_dialect_package_exists_and_the_scan_sees_the_core():
    assert len(core_files()) > 20
    for name in DIALECTS:
        assert (PACKAGE / name / "__init__.py").exists(), name
