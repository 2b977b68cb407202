"""The errors the engine raises, as types of their own.

Each is a subclass of the standard exception a user would catch, so ``except
RuntimeError`` works; the type lets a front end that speaks another framework's API
re-raise it in that framework's words without parsing messages.
"""


class NoGradientError(RuntimeError):
    """backward on a tensor that does not require grad (nothing was recorded)."""


class NonScalarOutputError(RuntimeError):
    """backward on a non-scalar output without the vector v of vᵀ·J."""


class GraphFreedError(RuntimeError):
    """A second backward through values a first backward already freed."""


class UnusedInputError(RuntimeError):
    """autograd.grad asked for an input the outputs do not depend on."""


class InPlaceError(RuntimeError):
    """An in-place operation that would make a gradient wrong."""


class LeafInPlaceError(InPlaceError):
    """An in-place operation on a leaf that requires grad, while recording."""


class SavedValueModifiedError(InPlaceError):
    """A value saved for backward was modified in place before the backward."""


class SharedMemoryInPlaceError(InPlaceError):
    """A recorded in-place operation on a tensor that shares memory with another."""


class GradDtypeError(TypeError, RuntimeError):
    """An assigned ``.grad`` of another dtype than its tensor's (a TypeError, and a
    RuntimeError as PyTorch raises)."""


class GradShapeError(ValueError, RuntimeError):
    """An assigned ``.grad`` of another shape than its tensor's (a ValueError, and a
    RuntimeError as PyTorch raises)."""


class NonScalarFunctionError(TypeError):
    """grad of a function whose output is not a single float value."""

    def __init__(self, message: str, shape=None, dtype=None) -> None:
        super().__init__(message)
        self.shape = shape    # the output's shape (a tuple), or None for several outputs
        self.dtype = dtype


def speaking(first_sentences, error_type=RuntimeError):
    """A decorator for front ends: the core's errors listed in ``first_sentences`` (pairs
    of error class and sentence) are raised again as ``error_type``, the sentence first
    and the core's explanation after it in parentheses."""
    import functools

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                for kind, sentence in first_sentences:
                    if isinstance(exc, kind):
                        raise error_type(f"{sentence} ({exc})") from None
                raise
        return wrapper
    return decorate


class AnomalyError(RuntimeError):
    """In anomaly mode: an operation's output or a gradient is NaN or infinite."""
