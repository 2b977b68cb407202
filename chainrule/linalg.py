"""``chainrule.linalg``: NumPy's ``numpy.linalg`` names."""
from .api import det, inv, norm, slogdet, solve

__all__ = ["det", "inv", "norm", "slogdet", "solve"]
