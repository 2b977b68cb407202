"""``python -m chainrule``: a short demonstration of the chapter's steps, run live."""
from __future__ import annotations

import argparse
import ast
import contextlib
import sys

import chainrule as cr

# Each step is code and the printed result of running it, so the output is always true.
DEMO = [
    ("Attach gradients to x, record y = 2 xᵀx, backpropagate, read the gradient", """\
x = cr.arange(4.0, requires_grad=True)
y = 2 * cr.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)"""),
    ("Gradients accumulate: reset before the next backward", """\
_ = x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)"""),
    ("A second derivative: d²/dx² x³ at x = 2 is 6x = 12", """\
x = cr.tensor(2.0, requires_grad=True)
y = x ** 3
(dy_dx,) = cr.autograd.grad(y, x, create_graph=True)
(d2y_dx2,) = cr.autograd.grad(dy_dx, x)
print(dy_dx, d2y_dx2)"""),
    ("Detach: z = u * x with u = (x * x) treated as a constant", """\
x = cr.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)"""),
    ("Python control flow: the graph is whatever ran", """\
def f(a):
    b = a * 2
    while cr.linalg.norm(b) < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b

cr.random.seed(0)
a = cr.random.normal(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)"""),
]


def demo(out=sys.stdout) -> None:
    namespace = {"cr": cr}
    print("chainrule: automatic differentiation for NumPy code\n", file=out)
    for title, code in DEMO:
        print(f"# {title}", file=out)
        run_session(code, namespace, out)
        print(file=out)


def run_session(code: str, namespace: dict, out) -> None:
    """Show each statement as at the Python prompt, followed by what it prints."""
    lines = code.splitlines()
    for statement in ast.parse(code).body:
        source = lines[statement.lineno - 1:statement.end_lineno]
        for i, line in enumerate(source):
            print((">>> " if i == 0 else "... ") + line, file=out)
        if len(source) > 1:
            print("...", file=out)
        with contextlib.redirect_stdout(out):
            # Our own fixed demonstration code, run to show its real output.
            exec(compile(ast.Module([statement], []), "<demo>", "exec"), namespace)  # noqa: S102


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chainrule", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="show the chapter's steps run live (the default)")
    args = parser.parse_args(argv)
    if args.command in (None, "demo"):
        demo()
    return 0
