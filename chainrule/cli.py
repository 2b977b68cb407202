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
import sys

from .formula import FUNCTIONS, FormulaError, parse
from .tour import DIALECTS, IMPORTS, STEPS


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
    names = {"native": "chainrule", "torch": "PyTorch", "mxnet": "MXNet",
             "tensorflow": "TensorFlow", "jax": "JAX", "djl": "DJL"}
    print(f"The D2L chapter on automatic differentiation, in {names[dialect]}'s words "
          f"(chainrule underneath)\n", file=out)
    namespace: dict = {}
    run_session(IMPORTS[dialect], namespace, out)
    print(file=out)
    for number, (title, codes) in enumerate(STEPS, 1):
        print(f"# {number}. {title}", file=out)
        run_session(codes[dialect], namespace, out)
        print(file=out)


# ---------------------------------------------------------------- the formula commands


def _function(text: str):
    try:
        return parse(text)
    except FormulaError as exc:
        raise SystemExit(f"chainrule: {exc}") from None


def _progress(total: int, description: str):
    """A tqdm bar that appears only if the work takes more than a second (when installed)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return contextlib.nullcontext(None)
    return tqdm(total=total, desc=description, delay=1.0, file=sys.stderr)


def graph_command(args) -> None:
    from . import viz
    g = viz.trace(_function(args.expr), x=args.at)
    if args.output:
        g.render(args.output)
        print(f"wrote {args.output}")
    else:
        print(g.to_dot(), end="")


def explain_command(args) -> None:
    from . import viz
    print(viz.explain(_function(args.expr), x=args.at))


def plot_command(args) -> None:
    from .viz import plot
    f = _function(args.expr)
    with _progress(1, "plotting") as bar:
        try:
            plot(f, args.lo, args.hi, order=args.order, num=args.points, path=args.output,
                 label="f")
        except ImportError as exc:
            raise SystemExit(f"chainrule: {exc}") from None
        if bar is not None:
            bar.update(1)
    print(f"wrote {args.output}")


# ---------------------------------------------------------------- arguments


def _parser() -> argparse.ArgumentParser:
    formula_help = (f"a formula in x, e.g. \"log(x**2)*sin(x) + 1/x\": numbers, x, "
                    f"+ - * / ** and {', '.join(FUNCTIONS)}")
    parser = argparse.ArgumentParser(
        prog="python -m chainrule",
        description="Automatic differentiation for NumPy code: the chapter's tour, and the "
                    "chain rule on a formula of yours.")
    sub = parser.add_subparsers(dest="command", metavar="command")
    p = sub.add_parser("tour", help="walk through the chapter, code and output (the default)",
                       description="Walk through the D2L autograd chapter, printing each "
                                   "step's code and its output.")
    p.add_argument("--dialect", choices=DIALECTS, default="native",
                   help="whose words: chainrule's own API (native) or a framework's")
    p = sub.add_parser("graph", help="the dependency graph of a formula at a point",
                       description="Draw the dependency graph of a formula at a point: "
                                   "values, local partial derivatives, gradients.")
    p.add_argument("expr", help=formula_help)
    p.add_argument("--at", type=float, required=True, help="the value of x")
    p.add_argument("-o", "--output", help="write .svg, .png or .dot (default: DOT on stdout)")
    p = sub.add_parser("explain", help="the forward and backward sweeps of a formula",
                       description="The forward sweep, the tangent sweep (x to f) and the "
                                   "adjoint sweep (f back to x) of a formula, as tables.")
    p.add_argument("expr", help=formula_help)
    p.add_argument("--at", type=float, required=True, help="the value of x")
    p = sub.add_parser("plot", help="a formula and its derivatives by autodiff",
                       description="Plot a formula and its derivatives, computed by "
                                   "automatic differentiation (needs matplotlib).")
    p.add_argument("expr", help=formula_help)
    p.add_argument("--from", dest="lo", type=float, required=True, help="left end")
    p.add_argument("--to", dest="hi", type=float, required=True, help="right end")
    p.add_argument("--order", type=int, default=1, help="derivatives to draw (default 1)")
    p.add_argument("--points", type=int, default=400, help="points on the curve")
    p.add_argument("-o", "--output", required=True, help="the image to write (.png, .svg)")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command in (None, "tour"):
        tour(getattr(args, "dialect", "native"))
    elif args.command == "graph":
        graph_command(args)
    elif args.command == "explain":
        explain_command(args)
    else:
        plot_command(args)
    return 0
