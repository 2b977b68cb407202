"""chainrule covers every derivative HIPS autograd has: each function autograd registers a
VJP for (``autograd.core.primitive_vjps``) in autograd.numpy, .numpy.linalg, .numpy.fft,
.scipy.special and .scipy.stats has a counterpart of the same name in chainrule.numpy,
.numpy.linalg, .numpy.fft, chainrule.scipy.special, and (stats: the distribution object
with that method) chainrule.scipy.stats, unless it is in EXEMPT below, each
with its reason. A function autograd adds, or a counterpart chainrule loses, fails
test_no_gaps; a stale exemption fails too, so the lists stay true.

Skipped, saying why, when autograd or SciPy (which autograd.scipy needs) is missing.
"""
from __future__ import annotations

import importlib
import types

import pytest

autograd = pytest.importorskip(
    "autograd", reason="HIPS autograd is not installed (pip install autograd): this test "
                       "compares chainrule's derivative coverage with autograd's")
pytest.importorskip("scipy", reason="SciPy is not installed: autograd.scipy, whose "
                                    "coverage this test compares, needs it")

from autograd.core import primitive_vjps  # noqa: E402
from autograd.extend import primitive  # noqa: E402

# Importing these registers their VJPs (the out-of-scope ones too: they must be exempted).
for _module in ("autograd.numpy", "autograd.numpy.linalg", "autograd.numpy.fft",
                "autograd.scipy.special", "autograd.scipy.stats", "autograd.scipy.linalg",
                "autograd.scipy.signal", "autograd.scipy.integrate"):
    importlib.import_module(_module)

# autograd's module, and chainrule's module with the same names.
COUNTERPARTS = {
    "autograd.numpy": "chainrule.numpy",
    "autograd.numpy.linalg": "chainrule.numpy.linalg",
    "autograd.numpy.fft": "chainrule.numpy.fft",
    "autograd.scipy.special": "chainrule.scipy.special",
}
# Where a primitive that no public name of those modules reaches was defined (the module of
# the function it wraps: autograd.numpy.mean wraps _primitive_mean, whose function is
# NumPy's mean), and the chainrule module that must have its name.
ORIGINS = {
    "numpy": "chainrule.numpy",
    "numpy.linalg": "chainrule.numpy.linalg",
    "numpy.fft": "chainrule.numpy.fft",
    "scipy.special": "chainrule.scipy.special",
}
STATS = ("autograd.scipy.stats", "chainrule.scipy.stats")

_ENGINE = "autograd's arithmetic on cotangents inside its engine, not a user function"
_CONTAINER = ("autograd's boxing of Python lists, tuples and dicts; chainrule takes "
              "them as pytrees in its transforms and as array-likes in chainrule.numpy")
_ADJOINT = ("a helper of autograd's own VJP rules (the adjoint of dot or tensordot, or of "
            "indexing), so that they are differentiable again; chainrule writes its rules "
            "in its public ops instead")
_WRAPPER = ("autograd.numpy's internal way to build arrays from boxes (np.array of a list, "
            "concatenate's argument list, diag's construction); chainrule.numpy.array, "
            "concatenate and diag are the counterparts")

# Not gaps: autograd's internals, and what chainrule does not cover on purpose.
# Keys: the autograd module (or, for primitives no public name reaches, the module of the
# wrapped function) and the name.
EXEMPT = {
    **{f"autograd.core.{name}": _ENGINE for name in (
        "add", "covector", "inner_prod", "mut_add", "scalar_mul", "sparse_add")},
    **{f"autograd.builtins.{name}": _CONTAINER for name in (
        "_make_dict", "container_take", "container_untake", "make_sequence",
        "sequence_extend_left", "sequence_extend_right")},
    **{f"autograd.numpy.numpy_vjps.{name}": _ADJOINT for name in (
        "dot_adjoint_0", "dot_adjoint_1", "tensordot_adjoint_0", "tensordot_adjoint_1",
        "untake")},
    "autograd.numpy.numpy_boxes.__getitem__": (
        "indexing of autograd's boxes; chainrule's is Tensor.__getitem__ (the getitem "
        "primitive)"),
    "autograd.numpy.numpy_wrapper._array_from_scalar_or_array": _WRAPPER,
    "autograd.numpy.array_from_args": _WRAPPER,
    "autograd.numpy.concatenate_args": _WRAPPER,
    "autograd.numpy.make_diagonal": _WRAPPER,
    "autograd.numpy.fft.truncate_pad": (
        "a helper of autograd's rfft/irfft VJPs (padding or truncating the last axis); "
        "chainrule's FFT rules do it in their own primitives"),
    "scipy.integrate._odepack_py.odeint": (
        "scipy.integrate.odeint: chainrule does not cover SciPy's ODE solvers"),
    "autograd.scipy.signal.convolve": (
        "scipy.signal.convolve: chainrule does not cover scipy.signal (chainrule.numpy has "
        "convolve and correlate for 1-d arrays)"),
    **{f"scipy.linalg.{module}.{name}": (
        "scipy.linalg: chainrule does not cover SciPy's linear algebra (chainrule.numpy."
        "linalg has NumPy's)") for module, name in (
        ("_matfuncs", "sqrtm"), ("_basic", "solve_banded"), ("_basic", "solve_triangular"),
        ("_solvers", "solve_sylvester"))},
}

def _registered(value, vjps) -> bool:
    try:
        return value in vjps
    except TypeError:  # unhashable attributes
        return False


def _module_of(prim) -> str:
    return getattr(prim.fun, "__module__", None) or "?"


def _stats_methods(vjps):
    """(key, chainrule distribution name, method, primitive) of every primitive that a
    public name of a distribution module of autograd.scipy.stats reaches and that wraps one
    of SciPy's distribution methods (not the special functions those modules import)."""
    stats = importlib.import_module(STATS[0])
    for dist, module in vars(stats).items():
        if dist.startswith("_") or not isinstance(module, types.ModuleType):
            continue
        for name, value in vars(module).items():
            if (not name.startswith("_") and _registered(value, vjps)
                    and _module_of(value).startswith("scipy.stats")):
                yield f"{STATS[0]}.{dist}.{name}", dist, name, value


def coverage(vjps) -> tuple[list[str], set[str]]:
    """The gaps (keys of autograd's differentiable functions without a chainrule
    counterpart and without an exemption), and the keys that were met (for stale
    exemptions)."""
    gaps, met, reached = [], set(), set()
    for autograd_name, chainrule_name in COUNTERPARTS.items():
        ours = importlib.import_module(chainrule_name)
        for name, value in vars(importlib.import_module(autograd_name)).items():
            if name.startswith("_") or not _registered(value, vjps):
                continue
            reached.add(value)
            key = f"{autograd_name}.{name}"
            met.add(key)
            if key not in EXEMPT and not callable(getattr(ours, name, None)):
                gaps.append(key)
    stats = importlib.import_module(STATS[1])
    for key, dist, name, value in _stats_methods(vjps):
        reached.add(value)
        met.add(key)
        if key not in EXEMPT and not callable(getattr(getattr(stats, dist, None), name, None)):
            gaps.append(key)
    for prim in vjps:
        if prim in reached:
            continue
        module, name = _module_of(prim), prim.__name__
        key = f"{module}.{name}"
        met.add(key)
        if key in EXEMPT:
            continue
        ours = ORIGINS.get(module)
        if ours is None or not callable(getattr(importlib.import_module(ours), name, None)):
            gaps.append(key)
    return sorted(set(gaps)), met


def test_no_gaps():
    gaps, _ = coverage(primitive_vjps)
    new = sorted(gaps)
    assert not new, (
        "HIPS autograd differentiates these and chainrule has no counterpart: "
        f"{new}; add them to chainrule (chainrule.numpy, chainrule.scipy.special, ...), or "
        "to EXEMPT in this file with the reason")


def test_every_exemption_is_for_something_autograd_differentiates():
    _, met = coverage(primitive_vjps)
    stale = sorted(set(EXEMPT) - met)
    assert not stale, f"autograd registers no VJP for these: remove them from EXEMPT: {stale}"
    assert all(len(reason) > 40 for reason in EXEMPT.values())


def test_the_walk_reaches_the_scipy_special_functions_and_the_distributions():
    _, met = coverage(primitive_vjps)
    for key in ("autograd.numpy.sin", "autograd.numpy.linalg.eigh", "autograd.numpy.fft.rfft",
                "autograd.scipy.special.rgamma", "autograd.scipy.special.yn",
                "autograd.scipy.special.betainc", "autograd.scipy.stats.norm.logcdf",
                "autograd.scipy.stats.dirichlet.logpdf", "numpy.mean"):
        assert key in met, key
    # the special functions that the stats modules import are not counted as methods
    assert "autograd.scipy.stats.beta.psi" not in met


def test_a_new_function_of_autograd_is_a_gap(monkeypatch):
    import autograd.numpy as anp

    def frobnicate(x):
        return x

    def unreached(x):
        return x

    unreached.__module__ = "numpy"  # as NumPy's mean is reached only by its __name__
    fake, hidden = primitive(frobnicate), primitive(unreached)
    vjps = dict(primitive_vjps)
    vjps[fake] = vjps[hidden] = {0: lambda ans, x: lambda g: g}
    monkeypatch.setattr(anp, "frobnicate", fake, raising=False)
    gaps, _ = coverage(vjps)
    assert "autograd.numpy.frobnicate" in gaps and "numpy.unreached" in gaps
    # and a counterpart chainrule lost is a gap too
    import chainrule.scipy.special as cs
    monkeypatch.delattr(cs, "rgamma")
    assert "autograd.scipy.special.rgamma" in coverage(primitive_vjps)[0]


def test_without_autograd_this_file_skips_saying_why():
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys, pytest; sys.modules['autograd'] = None\n"
            "raise SystemExit(pytest.main(['tests/test_autograd_coverage.py', '-q', '-rs', "
            "'-p', 'no:cacheprovider']))")
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, timeout=120)
    # 5: no test ran (the module skipped as a whole), and the summary says why
    assert run.returncode == 5, run.stdout + run.stderr
    assert "SKIPPED [1] " in run.stdout and "passed" not in run.stdout
    assert "HIPS autograd is not installed (pip install autograd)" in run.stdout
