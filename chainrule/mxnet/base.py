"""``mxnet.base``: MXNet's error type, and the core's errors said in MXNet's words."""
from __future__ import annotations

import functools

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


def mxnet_error(exc: BaseException) -> MXNetError | None:
    """The MXNetError that MXNet would raise instead of the core's ``exc`` (None if none)."""
    for kind, sentence in _FIRST_SENTENCE:
        if isinstance(exc, kind):
            return MXNetError(f"{sentence} ({exc})")
    return None


def mxnet_errors(fn):
    """Re-raise the core's errors as MXNetError with MXNet's first sentence."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuntimeError as exc:
            translated = mxnet_error(exc)
            if translated is None:
                raise
            raise translated from None
    return wrapper
