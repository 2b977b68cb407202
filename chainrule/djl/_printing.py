"""DJL's way of printing an NDArray (ai.djl.ndarray.internal.NDFormat), two parts:

    ND: (4) cpu() float32
    [ 0.,  4.,  8., 12.]

Floats are padded to a common width, with at most four decimals (trailing zeros shown as
spaces), or in scientific notation when magnitudes span more than 1000 (or exceed 1e8,
or go below 1e-4); booleans print as `` true``/``false``; rows of a matrix end with a
comma and the closing bracket goes on a line of its own. Java's limits apply: 100
elements, 10 dimensions, 10 rows, 20 columns.
"""
from __future__ import annotations

import math
import re
import sys

import numpy as np

MAX_SIZE, MAX_DEPTH, MAX_ROWS, MAX_COLUMNS = 100, 10, 10, 20
PRECISION = 8
_PATTERN = re.compile(r"\s*\d\.(\d*?)0*e[+-](\d+)")


class _FloatFormat:
    def __init__(self, values: np.ndarray) -> None:
        max_int = max_fraction = exp_fraction = 0
        sign = False
        self.total = 0
        largest, smallest = 0.0, sys.float_info.max
        for v in values.astype(np.float64).tolist():
            sign = sign or v < 0
            if not math.isfinite(v):
                self.total = max(self.total, 4 if v < 0 else 3)
                continue
            magnitude = abs(v)
            match = _PATTERN.fullmatch(f"{magnitude:16e}")
            fraction = len(match.group(1))
            exp_fraction = max(exp_fraction, fraction)
            if magnitude >= 1:
                int_len = int(math.log10(magnitude)) + 1 + (v < 0)
                max_fraction = max(max_fraction, fraction + 1 - int_len)
            else:
                int_len = 2 if v < 0 else 1
                max_fraction = max(max_fraction, fraction + int(match.group(2)))
            max_int = max(max_int, int_len)
            largest = max(largest, magnitude)
            if 0 < magnitude < smallest:
                smallest = magnitude
        self.exponential = largest > 1e8 or smallest < 1e-4 or largest / smallest > 1000
        if self.exponential:
            self.precision = min(PRECISION, exp_fraction)
            self.total = self.precision + 4 + sign
        else:
            self.precision = min(4, max_fraction)
            self.total = max(self.total, max_int + self.precision + 1)

    def __call__(self, value) -> str:
        d = float(value)
        if math.isnan(d):
            return f"{'nan':>{self.total}}"
        if math.isinf(d):
            return f"{'inf' if d > 0 else '-inf':>{self.total}}"
        if self.exponential:
            return f"{d: .{max(PRECISION, self.precision)}e}"
        if self.precision == 0:
            return f"{d:{self.total - 1}.0f}."
        text = f"{d:{self.total}.{self.precision}f}"
        stripped = text.rstrip("0")
        return stripped + " " * (len(text) - len(stripped))


class _IntFormat:
    def __init__(self, values: np.ndarray) -> None:
        self.exponential = False
        self.total = 1
        if values.size == 1:
            return
        ints = values.astype(np.int64)
        largest = int(np.abs(ints).max())
        negatives = -ints[ints < 0]
        negative_max = int(negatives.max()) if negatives.size else 0
        if largest >= 1e8:
            self.exponential = True
            self.precision = min(PRECISION, int(math.log10(largest)) + 1)
        else:
            size = int(math.log10(largest)) + 1 if largest else 1
            negative_size = int(math.log10(negative_max)) + 2 if negative_max else 2
            self.total = max(size, negative_size)

    def __call__(self, value) -> str:
        if self.exponential:
            return f"{float(np.float32(value)): .{self.precision}e}"
        return f"{int(value):{self.total}d}"


def _boolean(value) -> str:
    return " true" if value else "false"


def _hex(value) -> str:
    return f"0x{int(value) & 0xFF:02X}"


def _dump(out: list, values: np.ndarray, fmt, depth: int, first: bool) -> None:
    if not first:
        out.append(" " * depth)
    out.append("[")
    if values.ndim == 1:
        items = [fmt(v) for v in values[:MAX_COLUMNS]]
        out.append(", ".join(items))
        if len(values) > MAX_COLUMNS:
            out.append(f", ... {len(values) - MAX_COLUMNS} more")
    else:
        for i, row in enumerate(values[:MAX_ROWS]):
            _dump(out, row, fmt, depth + 1, i == 0)
        if len(values) > MAX_ROWS:
            out.append(" " * (depth + 1) + f"... {len(values) - MAX_ROWS} more")
        out.append(" " * depth)
    out.append("]" if depth == 0 else "],\n")


def format_array(values: np.ndarray, header: str) -> str:
    """``header`` (``ND: (4) cpu() float32``), then the values as DJL prints them."""
    kind = values.dtype.kind
    if values.dtype == np.uint8:
        fmt = _hex
    elif kind == "b":
        fmt = _boolean
    elif kind in "iu":
        fmt = _IntFormat(values.reshape(-1))
    else:
        fmt = _FloatFormat(values.reshape(-1))
    if values.size == 0:
        body = "[]"
    elif values.ndim == 0:
        body = fmt(values[()])
    elif values.size > MAX_SIZE:
        body = "[ Exceed max print size ]"
    elif values.ndim > MAX_DEPTH:
        body = "[ Exceed max print dimension ]"
    else:
        out = []
        _dump(out, values, fmt, 0, True)
        body = "".join(out)
    return header + "\n" + body
