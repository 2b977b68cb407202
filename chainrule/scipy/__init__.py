"""chainrule.scipy: SciPy's special functions and distributions, differentiable.

``from chainrule.scipy import special, stats`` (or ``import chainrule.scipy.stats as
stats``) in place of SciPy's: the same names and signatures, on tensors, arrays and
numbers. SciPy is an optional extra (``pip install chainrule[scipy]``): it computes the
special functions' values; the functions that need it raise ImportError without it.
"""
from . import special, stats  # noqa: F401
