"""chainrule.numpy.fft (being written)."""
