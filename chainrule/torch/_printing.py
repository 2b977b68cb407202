"""PyTorch's way of printing tensors: ``tensor([ 0.,  4.,  8., 12.])``, after
``torch/_tensor_str.py`` (torch 2.13).

Floats whose values are all whole print as ``4.``; others with four decimals, or in
scientific notation when their magnitudes span more than 1000 (or exceed 1e8, or go
below 1e-4). Every element is padded to the widest, as PyTorch's formatter does. Tensors
of more than 1000 elements show three items at each edge around `` ...``; the suffixes
(``size=``, ``dtype=``, ``grad_fn=``) go on a line of their own when the last line would
pass 80 characters.
"""
from __future__ import annotations

import math

import numpy as np

PRECISION = 4
LINEWIDTH = 80
THRESHOLD = 1000
EDGEITEMS = 3


class _Formatter:
    def __init__(self, values: np.ndarray) -> None:
        self.parts = None
        if values.dtype.kind == "c":  # PyTorch formats the real and imaginary parts apart
            self.parts = (_Formatter(values.real), _Formatter(values.imag))
            self.width = self.parts[0].width + self.parts[1].width + 2
            return
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat:
                self.width = max(self.width, len(_plain(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitude = np.abs(finite)
        low, high = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            if high / low > 1000.0 or high > 1.0e8:
                self.sci_mode = True
                self.width = max(len(f"{v:.{PRECISION}e}") for v in finite)
            else:
                self.width = max(len(f"{v:.0f}") + 1 for v in finite)
        elif high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4:
            self.sci_mode = True
            self.width = max(len(f"{v:.{PRECISION}e}") for v in finite)
        else:
            self.width = max(len(f"{v:.{PRECISION}f}") for v in finite)

    def format(self, value) -> str:
        if self.parts is not None:
            real, imag = self.parts
            imag_text = (imag.format(value.imag) + "j").lstrip()
            sign = "" if imag_text[0] in "+-" else "+"
            return real.format(value.real) + sign + imag_text
        if self.floating:
            value = float(value)
            if self.sci_mode:
                text = f"{value:{self.width}.{PRECISION}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRECISION}f}"
        else:
            text = _plain(value)
        return " " * (self.width - len(text)) + text


def _plain(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    return str(value.item() if hasattr(value, "item") else value)


def _summarize(values: np.ndarray) -> np.ndarray:
    """The values shown when the tensor is too big to print whole."""
    if values.ndim == 0 or values.shape[0] <= 2 * EDGEITEMS:
        if values.ndim <= 1:
            return values.reshape(-1)
        return np.concatenate([_summarize(v) for v in values])
    parts = [values[:EDGEITEMS], values[-EDGEITEMS:]]
    if values.ndim == 1:
        return np.concatenate(parts)
    return np.concatenate([_summarize(v) for v in np.concatenate(parts)])


def _body(values: np.ndarray, formatter: _Formatter, indent: int, summarize: bool) -> str:
    if values.ndim == 0:
        return formatter.format(values.item() if values.dtype.kind != "b" else values[()])
    if values.ndim == 1:
        items = [formatter.format(v) for v in values]
        if summarize and len(items) > 2 * EDGEITEMS:
            items = items[:EDGEITEMS] + [" ..."] + items[-EDGEITEMS:]
        per_line = max(1, math.floor((LINEWIDTH - indent) / (formatter.width + 2)))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"
    rows = list(values)
    if summarize and len(rows) > 2 * EDGEITEMS:
        shown = [_body(r, formatter, indent + 1, summarize) for r in rows[:EDGEITEMS]] + \
            ["..."] + [_body(r, formatter, indent + 1, summarize) for r in rows[-EDGEITEMS:]]
    else:
        shown = [_body(r, formatter, indent + 1, summarize) for r in rows]
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(shown) + "]"


def format_values(values: np.ndarray, indent: int) -> str:
    """The values of a tensor as PyTorch prints them, after a prefix of width ``indent``."""
    if values.size == 0:
        return "[]"
    summarize = values.size > THRESHOLD
    formatter = _Formatter(_summarize(values) if summarize else values)
    return _body(values, formatter, indent, summarize)


def tensor_text(values: np.ndarray, dtype_name: str, default_dtype: np.dtype,
                grad_fn: str | None, requires_grad: bool) -> str:
    """``tensor(...)`` with PyTorch's suffixes: the size of an empty tensor that is not
    1-d; the dtype unless it is the default float, int64 or bool (an empty tensor, having
    no values to tell, states any dtype but the default float); then ``grad_fn=<...>``
    or ``requires_grad=True``."""
    prefix = "tensor("
    suffixes = []
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={values.shape}")
        if values.dtype != default_dtype:
            suffixes.append(f"dtype={dtype_name}")
    elif values.dtype not in (default_dtype, np.dtype(np.int64), np.dtype(np.bool_),
                              np.result_type(default_dtype, np.complex64)):
        suffixes.append(f"dtype={dtype_name}")
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + format_values(values, len(prefix))
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * len(prefix) + suffix)
            last_line = len(prefix) + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"
