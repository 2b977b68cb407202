"""Numbers, labels and tables as text: what the pictures and the tables of chainrule.viz
print, in one place so they agree."""
from __future__ import annotations

import unicodedata

import numpy as np

SMALL = 16  # arrays of at most this many elements are shown in full


def number(value) -> str:
    """One entry, in four significant digits like a scalar; never "-0"."""
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def fmt(value) -> str:
    """A number or a small array, short: 0.0824, [0.0001045, 0, -0.25]."""
    if value is None:
        return "?"
    array = np.asarray(value)
    if array.ndim == 0:
        return number(array.item())
    if array.size > SMALL:
        head = ", ".join(number(v) for v in array.reshape(-1)[:4].tolist())
        return f"[{head}, …] (shape {tuple(array.shape)})"
    return _nested(array)


def _nested(array: np.ndarray) -> str:
    if array.ndim == 0:
        return number(array.item())
    return "[" + ", ".join(_nested(part) for part in array) + "]"


def jacobian_lines(name: str, partial: np.ndarray, out_shape: tuple) -> list:
    """``name = value`` for a local partial derivative, as one or a few lines: a number, a
    row, ``diag[...]`` for an elementwise operation, or the Jacobian's rows."""
    partial = np.asarray(partial)
    out_size = int(np.prod(out_shape, dtype=int))
    in_size = partial.size // max(out_size, 1)
    if partial.size == 1 or out_size == 1 or in_size == 1:
        return [f"{name} = {fmt(partial.reshape(-1) if partial.ndim > 1 else partial)}"]
    square = partial.reshape(out_size, in_size)
    if out_size == in_size and not np.any(square - np.diag(np.diag(square))):
        return [f"{name} = diag{fmt(np.diag(square))}"]
    if square.size > SMALL:
        return [f"{name}: a {out_size}×{in_size} Jacobian"]
    return [f"{name} ="] + [fmt(row) for row in square]


# ---------------------------------------------------------------- widths and tables

# Widths of characters in em, after DejaVu Sans (matplotlib's default font, and wider
# than the Helvetica and Arial a browser picks), so a box sized from them holds its text.
_EM = {}
for _chars, _width in (("ijl'|!", 0.28), (" .,:;·", 0.32), ("/", 0.34), ("f-", 0.36),
                       ("t()[]{}r₀₁₂₃₄₅₆₇₈₉⁰¹²³", 0.41), ("sz∂_*", 0.52), ("c", 0.55),
                       ("w", 0.82), ("=+×→←<>#~−", 0.84), ("mMW", 0.99)):
    for _c in _chars:
        _EM[_c] = _width


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font size ``size`` (same unit), a little generous."""
    total = 0.0
    for c in text:
        if unicodedata.combining(c):
            continue
        total += _EM.get(c, 0.72 if c.isupper() else 0.64)
    return total * size


def columns(text: str) -> int:
    """Columns on a terminal: the dots of ẋ and bars of x̄ are combining marks."""
    return sum(1 for c in text if not unicodedata.combining(c))


def pad(text: str, width: int) -> str:
    return text + " " * (width - columns(text))


def table(rows, header) -> str:
    """Rows of text under a header, in aligned columns."""
    rows = [tuple(str(c) for c in r) for r in rows]
    widths = [max([columns(str(h))] + [columns(r[i]) for r in rows])
              for i, h in enumerate(header)]
    line = "  ".join(pad(str(h), w) for h, w in zip(header, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join([line, rule] + body)
