"""chainrule.numpy.random (being written)."""
