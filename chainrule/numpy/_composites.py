"""Array-manipulation and matrix-structure functions of ``chainrule.numpy``.

Every function here is a composite of existing chainrule ops, so derivatives
of every order come for free in both modes.
"""

__all__ = []
