"""chainrule.numpy: NumPy's names, signatures and dtype rules, differentiable.

``import chainrule.numpy as np`` in user code; the functions accept tensors, arrays and
array-likes, and record on tensors. (Being written: see the package's modules.)
"""
from . import fft, linalg, random  # noqa: F401
