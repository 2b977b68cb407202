"""Formulas in x typed on the command line, such as "log(x**2)*sin(x) + 1/x".

The text is parsed with Python's ``ast`` and checked node by node: only numbers, the
name x, + - * / ** (and unary minus) and chainrule's math functions are allowed. The
checked tree is then evaluated by walking it with chainrule's operations, so nothing is
ever handed to eval or exec.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

from . import api

FUNCTIONS = ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
             "arcsinh", "arccosh", "arctanh", "exp", "expm1", "exp2", "log", "log1p", "log2",
             "log10", "sqrt", "cbrt", "square", "reciprocal", "abs", "sigmoid", "relu")
MAX_LENGTH = 500
MAX_DEPTH = 60
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_ALLOWED = (f"only numbers, x, + - * / ** and the functions {', '.join(FUNCTIONS)} are "
            "allowed")


class FormulaError(ValueError):
    """A formula that is not a plain expression in x."""


def parse(text: str):
    """The function of x that ``text`` describes (checked, never evaluated as code)."""
    if not isinstance(text, str):
        raise FormulaError("the formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text)} characters long; at most {MAX_LENGTH} "
                           "are accepted")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a formula: {exc.msg} (at column {exc.offset}); {_ALLOWED}") \
            from None
    _check(tree.body, 0)

    def f(x):
        return _evaluate(tree.body, x)
    f.__name__ = "f"
    f.formula = text.strip()
    return f


def _check(node, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula nests deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"the constant {node.value!r} is not a number; {_ALLOWED}")
    elif isinstance(node, ast.Name):
        if node.id != "x":
            raise FormulaError(f"unknown name {node.id!r}: the variable is x; {_ALLOWED}")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError(f"the operator {type(node.op).__name__} is not allowed; "
                               f"{_ALLOWED}")
        _check(node.left, depth + 1)
        _check(node.right, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise FormulaError(f"the operator {type(node.op).__name__} is not allowed; "
                               f"{_ALLOWED}")
        _check(node.operand, depth + 1)
    elif isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            _check(node.func, depth + 1)  # says "attribute access"
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else "this expression"
            raise FormulaError(f"calling {what} is not allowed; {_ALLOWED}")
        if node.keywords or len(node.args) != 1:
            raise FormulaError(f"{node.func.id} takes exactly one argument, like sin(x)")
        _check(node.args[0], depth + 1)
    elif isinstance(node, ast.Attribute):
        raise FormulaError(f"attribute access (.{node.attr}) is not allowed; {_ALLOWED}")
    else:
        raise FormulaError(f"{type(node).__name__} is not allowed in a formula; {_ALLOWED}")


def _evaluate(node, x):
    if isinstance(node, ast.Constant):
        # NumPy floats: arithmetic of constants alone gives inf or nan, never a Python
        # complex number or an OverflowError.
        return np.float64(node.value)
    if isinstance(node, ast.Name):
        return x
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, x), _evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, x))
    return getattr(api, node.func.id)(_evaluate(node.args[0], x))
