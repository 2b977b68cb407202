"""``python -m chainrule``: the chapter's tour, and the chain rule on a formula of yours.

    python -m chainrule                      the tour of the chapter (chainrule's API)
    python -m chainrule tour --dialect torch the same in PyTorch's words (or mxnet, ...)
    python -m chainrule graph "log(x**2)*sin(x) + 1/x" --at 2 -o graph.svg
    python -m chainrule explain "log(x**2)*sin(x) + 1/x" --at 2
    python -m chainrule plot "sin(x)" --from -3.14 --to 3.14 --order 2 -o sin.png
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.util
import math
import os
import sys
import threading

import numpy as np

from .formula import FUNCTIONS, FormulaError, parse
from .tour import DIALECTS, IMPORTS, NAMES, PICTURES, STEPS

MAX_POINTS = 100_000   # a figure is a few thousand pixels wide
MAX_ORDER = 10         # each order records a larger graph: the 10th takes seconds
GRAPH_FORMATS = (".svg", ".png", ".dot")
PLOT_FORMATS = (".png", ".svg", ".pdf")


class CommandError(Exception):
    """An ordinary mistake or a missing tool: printed as ``chainrule: <message>``."""


# ---------------------------------------------------------------- running code as a REPL


def run_session(code: str, namespace: dict, out) -> None:
    """Show each statement as at the Python prompt, then what it prints or evaluates to."""
    lines = code.splitlines()
    for statement in ast.parse(code).body:
        source = lines[statement.lineno - 1:statement.end_lineno]
        for i, line in enumerate(source):
            print((">>> " if i == 0 else "... ") + line, file=out)
        if len(source) > 1:
            print("...", file=out)
        with contextlib.redirect_stdout(out):
            # The tour's own fixed code, run to show its real output.
            if isinstance(statement, ast.Expr):
                value = eval(compile(ast.Expression(statement.value), "<tour>", "eval"),  # noqa: S307
                             namespace)
                if value is not None:
                    print(repr(value))
            else:
                exec(compile(ast.Module([statement], []), "<tour>", "exec"), namespace)  # noqa: S102


def tour(dialect: str = "native", out=None) -> None:
    """Walk through the chapter in ``dialect``, printing each step's code and output."""
    out = out or sys.stdout
    print(f"The D2L chapter on automatic differentiation, in {NAMES[dialect]}'s words "
          f"(chainrule underneath)\n", file=out)
    namespace: dict = {}
    run_session(IMPORTS[dialect], namespace, out)
    print(file=out)
    for number, (title, codes) in enumerate(STEPS, 1):
        print(f"# {number}. {title}", file=out)
        run_session(codes[dialect], namespace, out)
        print(file=out)
    print(PICTURES, file=out)


# ---------------------------------------------------------------- progress


class _Progress:
    """A tqdm bar on stderr that appears once the work has taken a second (and keeps
    ticking from a thread while one long step runs); nothing without tqdm."""

    def __init__(self, total: int, description: str, unit: str = "step") -> None:
        self.total, self.description, self.unit = total, description, unit
        self.done, self.bar = 0, None
        self.lock, self.finished = threading.Lock(), threading.Event()

    def __enter__(self):
        if importlib.util.find_spec("tqdm") is None:
            return self
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self) -> None:
        if self.finished.wait(1.0):
            return
        from tqdm import tqdm
        with self.lock:
            if self.finished.is_set():
                return
            self.bar = tqdm(total=self.total, initial=self.done, desc=self.description,
                            unit=self.unit, file=sys.stderr, leave=False)
        while not self.finished.wait(0.5):
            with self.lock:
                if not self.finished.is_set():
                    self.bar.refresh()

    def update(self, n: int = 1) -> None:
        with self.lock:
            self.done += n
            if self.bar is not None and not self.finished.is_set():
                self.bar.update(n)

    def __exit__(self, *exc) -> None:
        with self.lock:  # once set, the thread draws nothing more
            self.finished.set()
            if self.bar is not None:
                self.bar.close()


# ---------------------------------------------------------------- the formula commands


def graph_command(args, out) -> None:
    from . import viz
    from .viz import render as drawing
    f = parse(args.expr)
    with _Progress(3, "graph") as progress:
        g = viz.trace(f, x=args.at)
        progress.update()
        if args.output:
            drawing.render(g, args.output)
            progress.update(2)
    if args.output:
        print(f"wrote {args.output}", file=out)
    else:
        print(g.to_dot(), end="", file=out)


def explain_command(args, out) -> None:
    # At most MAX_LENGTH characters of formula: a few hundred operations, explained in
    # hundredths of a second, so no progress bar is needed.
    from . import viz
    print(viz.explain(parse(args.expr), x=args.at), file=out)


def plot_command(args, out) -> None:
    from .viz import plot
    f = parse(args.expr)
    with _Progress((args.order + 1) * args.points, "plotting", unit="point") as progress:
        plot(f, args.lo, args.hi, order=args.order, num=args.points, path=args.output,
             label="f", progress=progress.update)
    print(f"wrote {args.output} (f(x) = {f.formula} and {args.order} derivative"
          f"{'' if args.order == 1 else 's'} on [{args.lo:g}, {args.hi:g}])", file=out)


# ---------------------------------------------------------------- arguments


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _count(low: int, high: int, what: str):
    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, "
                                             f"got {value}")
        return value
    return check


def _output(formats):
    def check(path: str) -> str:
        extension = os.path.splitext(path)[1].lower()
        if extension not in formats:
            raise argparse.ArgumentTypeError(
                f"cannot write {extension or 'a file without extension'} ({path}); use "
                f"{', '.join(formats[:-1])} or {formats[-1]}")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"no such folder: {folder}")
        return path
    return check


MINUS = 'a formula that starts with "-" goes after "--", so it is not read as an option'


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        if "expr" in message or "unrecognized arguments: -" in message:
            message += f" ({MINUS}: {self.prog} --at 2 -- \"-x**2\")"
        super().error(message)


def _parser() -> argparse.ArgumentParser:
    formula_help = (f"a formula in x, e.g. \"log(x**2)*sin(x) + 1/x\": numbers, x, "
                    f"+ - * / ** and {', '.join(FUNCTIONS)}")
    minus = MINUS[0].upper() + MINUS[1:] + ': %(prog)s --at 2 -- "-x**2"'
    parser = _Parser(
        prog="python -m chainrule",
        description="Automatic differentiation for NumPy code: the chapter's tour, and the "
                    "chain rule on a formula of yours.")
    sub = parser.add_subparsers(dest="command", metavar="command")
    p = sub.add_parser("tour", help="walk through the chapter, code and output (the default)",
                       description="Walk through the D2L autograd chapter and its exercises, "
                                   "printing each step's code and its output.")
    p.add_argument("--dialect", choices=DIALECTS, default="native",
                   help="whose words: chainrule's own API (native) or a framework's")
    p = sub.add_parser("graph", help="the dependency graph of a formula at a point",
                       description="Draw the dependency graph of a formula at a point: "
                                   "values, local partial derivatives, gradients.",
                       epilog=minus)
    p.add_argument("expr", help=formula_help)
    p.add_argument("--at", type=_number, required=True, help="the value of x")
    p.add_argument("-o", "--output", type=_output(GRAPH_FORMATS),
                   help="write .svg, .png or .dot (default: DOT on stdout)")
    p = sub.add_parser("explain", help="the forward and backward sweeps of a formula",
                       description="The forward sweep, the tangent sweep (x to f) and the "
                                   "adjoint sweep (f back to x) of a formula, as tables.",
                       epilog=minus)
    p.add_argument("expr", help=formula_help)
    p.add_argument("--at", type=_number, required=True, help="the value of x")
    p = sub.add_parser("plot", help="a formula and its derivatives by autodiff",
                       description="Plot a formula and its derivatives, computed by "
                                   "automatic differentiation (needs matplotlib).",
                       epilog=minus)
    p.add_argument("expr", help=formula_help)
    p.add_argument("--from", dest="lo", type=_number, required=True, help="left end")
    p.add_argument("--to", dest="hi", type=_number, required=True, help="right end")
    p.add_argument("--order", type=_count(0, MAX_ORDER, "--order"), default=1,
                   help=f"derivatives to draw, 0 to {MAX_ORDER} (default 1)")
    p.add_argument("--points", type=_count(2, MAX_POINTS, "--points"), default=400,
                   help=f"points on the curve, 2 to {MAX_POINTS} (default 400)")
    p.add_argument("-o", "--output", type=_output(PLOT_FORMATS), required=True,
                   help="the image to write (.png, .svg or .pdf)")
    return parser


def _replace_unencodable(stream) -> None:
    """A console that cannot show ∂ or ẋ (cp1252, ascii) gets '?' instead of an error."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="replace")


def main(argv=None, out=None) -> int:
    """Run a command; ordinary mistakes print ``chainrule: <message>`` and return 2."""
    for stream in (sys.stdout, sys.stderr):
        _replace_unencodable(stream)
    out = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "plot" and not args.lo < args.hi:
        parser.error(f"--from must be less than --to, got {args.lo:g} and {args.hi:g}")
    from .viz.render import RenderError
    try:
        if args.command in (None, "tour"):
            tour(getattr(args, "dialect", "native"), out)
        else:
            # A formula's value or derivative may be inf or nan at the point (log at 0):
            # shown as values in the output, not warned of on stderr.
            with np.errstate(all="ignore"):
                {"graph": graph_command, "explain": explain_command,
                 "plot": plot_command}[args.command](args, out)
    except (FormulaError, CommandError, RenderError, ImportError) as exc:
        print(f"chainrule: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped (| head): no message, as other tools do
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(f"chainrule: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
