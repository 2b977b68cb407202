"""chainrule.scipy (being written)."""
