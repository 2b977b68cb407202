"""``mxnet.base``: MXNet's error type, and the core's errors said in MXNet's words."""
from __future__ import annotations


from chainrule import errors


class MXNetError(RuntimeError):
    """The error MXNet raises when its engine refuses an operation (mxnet.base.MXNetError)."""


# MXNet's own first sentence (its C++ check and message) for each of the core's errors;
# chainrule's explanation follows in parentheses.
NOT_IN_GRAPH = (
    "Check failed: !AGInfo::IsNone(*i): Cannot differentiate node because it is not in a "
    "computational graph. You need to set is_recording to true or use autograd.record() to "
    "save computational graphs for backward. If you want to differentiate the same graph "
    "twice, you need to pass retain_graph=True to backward.")
IN_PLACE = ("Check failed: AGInfo::IsNone(*output): NotImplementedError: Inplace operations "
            "(+=, -=, x[:]=, etc) are not supported when recording with autograd.")

_FIRST_SENTENCE = [
    (errors.GraphFreedError, NOT_IN_GRAPH),
    (errors.NoGradientError, NOT_IN_GRAPH),
    (errors.InPlaceError, IN_PLACE),
]


mxnet_errors = errors.speaking(_FIRST_SENTENCE, MXNetError)  # the core's errors in MXNet's words
