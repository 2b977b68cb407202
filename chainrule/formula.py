"""Formulas in x typed on the command line, such as "log(x**2)*sin(x) + 1/x".

The text is parsed with Python's ``ast`` and checked node by node: only numbers, the
name x, + - * / ** (and unary minus and plus) and chainrule's math functions are
allowed. The checked tree is then evaluated by walking it with chainrule's operations,
so nothing is ever handed to eval or exec. Both walks are loops, not recursion, and the
text is at most MAX_LENGTH characters, so no input can exhaust the stack or run long.
"""
from __future__ import annotations

import ast
import operator
import warnings

import numpy as np

from . import api
from .creation import tensor

FUNCTIONS = ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
             "arcsinh", "arccosh", "arctanh", "exp", "expm1", "exp2", "log", "log1p", "log2",
             "log10", "sqrt", "cbrt", "square", "reciprocal", "abs", "sigmoid", "relu")
MAX_LENGTH = 500
# Nesting, counted as a reader sees it: a chain x + x + ... + x (or a * b / c) is one
# level however long; parentheses, calls, unary signs and powers each add one.
MAX_DEPTH = 60
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})
_ALLOWED = (f"only numbers, x, + - * / ** and the functions {', '.join(FUNCTIONS)} are "
            "allowed")


class FormulaError(ValueError):
    """A formula that is not a plain expression in x."""


def parse(text: str):
    """The function of x that ``text`` describes (checked, never evaluated as code).
    The function always returns a tensor: a formula without x is a constant."""
    if not isinstance(text, str):
        raise FormulaError("the formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text)} characters long; at most {MAX_LENGTH} "
                           "are accepted")
    if not text.strip():
        raise FormulaError(f"the formula is empty; {_ALLOWED}")
    try:
        with warnings.catch_warnings():
            # Python warns of odd literals ("1if x" is SyntaxWarning); the formula is
            # checked below, and a warning on stderr would only be noise in the CLI.
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = f" (at column {exc.offset})" if exc.offset else ""
        raise FormulaError(f"not a formula: {exc.msg}{where}; {_ALLOWED}") from None
    except UnicodeError:  # lone surrogates, which no source text can hold
        raise FormulaError(f"not a formula: it holds characters that are not text (lone "
                           f"surrogates); {_ALLOWED}") from None
    except ValueError as exc:  # null bytes, before Python 3.12
        raise FormulaError(f"not a formula: {exc}; {_ALLOWED}") from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"the formula nests deeper than {MAX_DEPTH} levels") from None
    _check(tree.body)

    def f(x):
        with np.errstate(all="ignore"):  # inf and nan are shown as values, not warned of
            value = _evaluate(tree.body, x)
        if not isinstance(value, api.Tensor):  # no x in the formula: a constant
            value = tensor(np.asarray(value, dtype=np.float64))
        return value
    f.__name__ = "f"
    f.formula = text.strip()
    return f


def _same_chain(parent, child) -> bool:
    return (isinstance(parent, ast.BinOp) and isinstance(child, ast.BinOp)
            and child is parent.left
            and any(type(parent.op) in c and type(child.op) in c for c in _CHAINS))


def _check(root) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise FormulaError(f"the constant {value!r} is not a number; {_ALLOWED}")
            if isinstance(value, int) and value.bit_length() > 1023:
                digits = len(str(abs(value)))
                raise FormulaError(f"the number {str(value)[:12]}… ({digits} digits) is too "
                                   "large for a float")
            continue
        if isinstance(node, ast.Name):
            if node.id != "x":
                raise FormulaError(f"unknown name {node.id!r}: the variable is x; {_ALLOWED}")
            continue
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise FormulaError(f"the operator {type(node.op).__name__} is not allowed; "
                                   f"{_ALLOWED}")
            stack.append((node.left, depth if _same_chain(node, node.left) else depth + 1))
            stack.append((node.right, depth + 1))
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise FormulaError(f"the operator {type(node.op).__name__} is not allowed; "
                                   f"{_ALLOWED}")
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                raise FormulaError(f"attribute access (.{node.func.attr}) is not allowed; "
                                   f"{_ALLOWED}")
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                what = node.func.id if isinstance(node.func, ast.Name) else "this expression"
                raise FormulaError(f"calling {what} is not allowed; {_ALLOWED}")
            if node.keywords or len(node.args) != 1:
                raise FormulaError(f"{node.func.id} takes exactly one argument, like sin(x)")
            stack.append((node.args[0], depth + 1))
        elif isinstance(node, ast.Attribute):
            raise FormulaError(f"attribute access (.{node.attr}) is not allowed; {_ALLOWED}")
        else:
            raise FormulaError(f"{type(node).__name__} is not allowed in a formula; "
                               f"{_ALLOWED}")


def _evaluate(root, x):
    """The checked tree's value, children before parents, without recursion."""
    values = {}
    stack = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            # NumPy floats: arithmetic of constants alone gives inf or nan, never a Python
            # complex number or an OverflowError.
            values[node] = np.float64(node.value)
        elif isinstance(node, ast.Name):
            values[node] = x
        elif not ready:
            stack.append((node, True))
            children = ([node.left, node.right] if isinstance(node, ast.BinOp) else
                        [node.operand] if isinstance(node, ast.UnaryOp) else node.args)
            # Pushed right to left, so popped (and evaluated) left to right, as Python does.
            stack.extend((child, False) for child in reversed(children))
        elif isinstance(node, ast.BinOp):
            values[node] = _BINARY[type(node.op)](values.pop(node.left),
                                                  values.pop(node.right))
        elif isinstance(node, ast.UnaryOp):
            values[node] = _UNARY[type(node.op)](values.pop(node.operand))
        else:
            values[node] = getattr(api, node.func.id)(values.pop(node.args[0]))
    return values[root]


__all__ = ["parse", "FormulaError", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH"]
