"""The exercises of the D2L chapter on automatic differentiation, solved with chainrule:
python examples/exercises.py

Writes sin_and_derivative.png and exercise5_graph.svg to the working directory. The
notebook exercises.ipynb is made from this file by make_notebooks.py.
"""

# %% [markdown]
# # Automatic differentiation: the chapter's exercises, solved with chainrule
#
# Each exercise is answered with code that runs and checks itself (`assert`), using
# chainrule's tensors, its function transforms and `chainrule.viz`, which makes the
# recorded graph, its local partial derivatives and the two sweeps of the chain rule
# visible.

# %%
import time
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np

import chainrule as cr

SIN_PLOT = "sin_and_derivative.png"     # exercise 4 writes this picture...
GRAPH_SVG = "exercise5_graph.svg"       # ...and exercise 5 this one, in the working dir


def best_time(fn, repeat: int = 5, number: int = 20) -> float:
    """Seconds per call of fn(), the best of a few rounds (the least disturbed)."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)


# The function of exercises 5 to 7 (exercise 1 uses it too).
def f(x):
    return cr.log(x ** 2) * cr.sin(x) + 1 / x


def df(x):   # by hand, only to check autodiff
    return 2 / x * np.sin(x) + np.log(x ** 2) * np.cos(x) - 1 / x ** 2


def d2f(x):  # by hand, only to check autodiff
    return (-2 * np.sin(x) / x ** 2 + 4 * np.cos(x) / x - np.log(x ** 2) * np.sin(x)
            + 2 / x ** 3)


# %% [markdown]
# ## 1. Why is the second derivative more expensive than the first?
#
# Reverse mode computes f′ with a backward sweep whose operations are *new* operations:
# each primitive's VJP rule is itself a few primitives (the derivative of `sin` is a
# `cos` times the incoming gradient, the derivative of a product needs two products...).
# To differentiate f′ we must record that backward sweep too (`create_graph=True`,
# or `grad(grad(f))`), so the second derivative is a sweep over the forward graph *and*
# the backward graph, and it records a larger graph again: here about three times as
# many operations at each order, and the time rises with them.
#
# `cr.viz.explain` counts the operations each function records at x = 2:

# %%
orders = {"f": f, "f′ = grad(f)": cr.grad(f), "f″ = grad(grad(f))": cr.grad(cr.grad(f))}
operations, seconds = {}, {}
for name, fn in orders.items():
    operations[name] = cr.viz.explain(fn, 2.0).cost["operations"]
    x = cr.tensor(2.0, dtype=cr.float64)
    seconds[name] = best_time(lambda fn=fn, x=x: fn(x))
    print(f"{name:18}  {operations[name]:3d} operations recorded  "
          f"{seconds[name] * 1e6:7.0f} µs per call")

counts = list(operations.values())
assert counts[0] < counts[1] < counts[2]
value = cr.grad(cr.grad(f))(cr.tensor(2.0, dtype=cr.float64))
assert np.isclose(value.item(), d2f(2.0))

# %% [markdown]
# The same with the tape directly: `dy` computed with `create_graph=True` is a recorded
# value, and its own graph is that of the backward sweep.

# %%
x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
y = f(x)
(dy,) = cr.autograd.grad(y, x, create_graph=True)
(d2y,) = cr.autograd.grad(dy, x, create_graph=True)
sizes = {name: sum(node.kind == "op" for node in cr.viz.graph(t, gradients=False).nodes)
         for name, t in [("y", y), ("dy/dx", dy), ("d²y/dx²", d2y)]}
print(sizes)
assert sizes["y"] < sizes["dy/dx"] < sizes["d²y/dx²"]
assert np.isclose(d2y.item(), d2f(2.0))

# %% [markdown]
# For f: Rⁿ → R it is worse still: the gradient is one reverse sweep, but the second
# derivative is the n × n Hessian, one forward-over-reverse sweep per column, n in all
# (`cr.hessian` batches them with `vmap`, which saves Python overhead, not arithmetic).

# %%
def loss(w):
    return cr.sum(cr.tanh(w) ** 2) + cr.sum(w[1:] * w[:-1])


w = cr.tensor(np.linspace(-1, 1, 50))
t_grad = best_time(lambda: cr.grad(loss)(w), number=5)
t_hess = best_time(lambda: cr.hessian(loss)(w), number=5)
print(f"gradient (50 numbers):    {t_grad * 1e3:6.2f} ms")
print(f"Hessian (50 × 50 numbers): {t_hess * 1e3:6.2f} ms")
H = cr.hessian(loss)(w)
assert H.shape == (50, 50) and np.allclose(H.numpy(), H.numpy().T)

# %% [markdown]
# ## 2. Run backward twice
#
# The backward sweep needs the values the forward sweep saved (for y = 2xᵀx, the x in
# ∂y/∂x = 4x). To save memory, `backward` frees them as soon as it has used them, so a
# second `backward` through the same graph has nothing to work with and is refused:

# %%
x = cr.arange(4.0, requires_grad=True)
y = 2 * cr.dot(x, x)
y.backward()
try:
    y.backward()
    second_backward_error = None
except RuntimeError as error:
    second_backward_error = error
    print(f"{type(error).__name__}: {error}")
assert second_backward_error is not None

# %% [markdown]
# The graph still exists, but its saved values are gone; `cr.viz.graph` says so:

# %%
print(cr.viz.graph(y).note)
assert "retain_graph=True" in cr.viz.graph(y).note

# %% [markdown]
# Keeping the graph (`retain_graph=True`) allows a second sweep, and then the gradients
# *accumulate* in `x.grad`: 4x + 4x = 8x.

# %%
x = cr.arange(4.0, requires_grad=True)
y = 2 * cr.dot(x, x)
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
assert (x.grad == 8 * x).all()

# %% [markdown]
# ## 3. The control-flow function with a vector or a matrix
#
# `f(a)` doubles `a` until its norm reaches 1000, then multiplies by 100 if the sum is
# negative: whatever path runs, the result is k·a for a number k that depends on `a` only
# through which branch and how many loops ran. With a vector or a matrix `a`, `d = f(a)`
# has the shape of `a`, and a non-scalar has no gradient, only a Jacobian:

# %%
def control_flow(a):
    b = a * 2
    while cr.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


cr.random.seed(0)
a = cr.random.normal(size=(3,), requires_grad=True)
d = control_flow(a)
try:
    d.backward()
except RuntimeError as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# Backpropagating the *sum* gives, for each element, ∂(Σd)/∂aᵢ = k, i.e. `d / a`. (This is
# what MXNet, TensorFlow and DJL do implicitly for a non-scalar `y`; PyTorch and chainrule
# want it said: `d.sum().backward()` or `d.backward(gradient=cr.ones_like(d))`.)

# %%
d.sum().backward()
print("a.grad =", a.grad, "   d / a =", d / a)
assert cr.allclose(a.grad, d / a)

A = cr.random.normal(size=(2, 3), requires_grad=True)
D = control_flow(A)
D.sum().backward()
print("A.grad =\n", A.grad)
assert A.grad.shape == (2, 3) and cr.allclose(A.grad, D / A)

# %% [markdown]
# The whole Jacobian (`cr.jacrev`, reverse mode, or `cr.jacfwd`) shows the structure:
# every output element depends only on its own input element, so the Jacobian is
# diagonal, k on the diagonal. For the 2 × 3 matrix it has shape (2, 3, 2, 3); as a 6 × 6
# matrix:

# %%
J = cr.jacrev(control_flow)(A.detach())
J6 = J.numpy().reshape(6, 6)
print(J6)
k = (D / A).numpy().reshape(-1)[0]
assert np.allclose(J6, k * np.eye(6))
assert np.allclose(cr.jacfwd(control_flow)(A.detach()).numpy(), J.numpy())

# %% [markdown]
# A negative sum takes the other branch: the factor k is 100 times larger, and the
# gradient says so.

# %%
minus = -A.detach()
minus.requires_grad_(True)
control_flow(minus).sum().backward()
k_minus = minus.grad.numpy().reshape(-1)[0]
print(f"k for A: {k:g}, for -A: {k_minus:g}")
assert np.isclose(k_minus, 100 * k)

# %% [markdown]
# ## 4. sin and its derivative, by automatic differentiation
#
# `cr.viz.plot` evaluates f and `grad(f)` (batched over the points with `vmap`), never
# using the fact that sin′ = cos. It draws on the axes we give it (its legend goes beside
# them, clear of the curves); we add a y label and save the figure.

# %%
fig, ax = plt.subplots(figsize=(8, 4))
cr.viz.plot(cr.sin, -2 * np.pi, 2 * np.pi, order=1, ax=ax, label="sin")
ax.set_ylabel("sin(x) and its derivative")
fig.savefig(SIN_PLOT, dpi=150, bbox_inches="tight")
print(f"wrote {SIN_PLOT}")

# %% [markdown]
# The dashed curve is the derivative autodiff computed; compared with cos (which it was
# never told about):

# %%
xs, autodiff_slope = ax.get_lines()[1].get_data()
print(f"largest difference from cos: {np.abs(autodiff_slope - np.cos(xs)).max():.1e}")
assert np.allclose(autodiff_slope, np.cos(xs), atol=1e-12)

# %% [markdown]
# ## 5. The dependency graph of f(x) = log(x²)·sin(x) + 1/x
#
# `cr.viz.trace` runs f at a point and returns the graph the tape recorded: the input x,
# the constants, and the operations v1 … v6 in the order they ran, each with its value at
# x = 2 and its adjoint ∂v6/∂vᵢ. In a notebook the graph draws itself; `render` writes an
# SVG (or PNG, or DOT).

# %%
graph = cr.viz.trace(f, x=2.0)
for node in graph.nodes:
    if node.kind == "op":
        print(f"{node.title:20} = {node.value:.4f}")
graph.render(GRAPH_SVG)
ops = [node.op for node in graph.nodes if node.kind == "op"]
assert ops == ["power", "log", "sin", "multiply", "divide", "add"]
graph  # noqa: B018 - a notebook shows the last value of a cell: the picture

# %% [markdown]
# ## 6. The chain rule, term by term, on the graph
#
# Each edge u → v carries the local partial derivative ∂v/∂u (from the operation's own
# derivative rule, evaluated at x = 2). By the chain rule, df/dx is the sum over every
# path from x to f of the product of the partials along it: here three paths, through
# log(x²), through sin(x) and through 1/x.

# %%
names = {node.id: node.name for node in graph.nodes}
for edge in graph.edges:
    if edge.partial is not None:
        print(f"∂{names[edge.target]}/∂{names[edge.source]} = {float(edge.partial):+.4f}")


def paths(source: str, target: str) -> list:
    """Every path from the node named source to the node named target."""
    if source == target:
        return [[target]]
    found = []
    for edge in graph.edges:
        if names[edge.source] == source and edge.partial is not None:
            found += [[source] + rest for rest in paths(names[edge.target], target)]
    return found


output = names[graph.output]
total = 0.0
for path in paths("x", output):
    partials = [float(graph.edge(u, v).partial) for u, v in pairwise(path)]
    term = float(np.prod(partials))
    total += term
    print(" → ".join(path), " : ", " · ".join(f"{p:.4f}" for p in partials),
          f"= {term:+.4f}")
print(f"df/dx = {total:.6f} (autodiff: {float(graph.node('x').grad):.6f}, "
      f"by hand: {df(2.0):.6f})")
assert len(paths("x", output)) == 3
assert np.isclose(total, df(2.0)) and np.isclose(float(graph.node("x").grad), df(2.0))

# %% [markdown]
# ## 7. Forward and backward evaluation
#
# `cr.viz.explain` evaluates the chain rule both ways. The *tangent sweep* (forward
# differentiation) goes from x to f: each v̇ₖ = Σ ∂vₖ/∂vⱼ · v̇ⱼ, starting from ẋ = 1,
# alongside the values. The *adjoint sweep* (backward differentiation) goes from f back
# to x: each v̄ⱼ = Σ v̄ₖ · ∂vₖ/∂vⱼ, starting from f̄ = 1, after the forward sweep has
# stored the values it needs. Both end at the same number.

# %%
explanation = cr.viz.explain(f, x=2.0)
print(explanation)
assert np.isclose(explanation.forward_derivative, df(2.0))
assert np.isclose(explanation.reverse_derivative, df(2.0))

# %% [markdown]
# ## 8. When forward mode, when backward mode?
#
# For f: Rⁿ → Rᵐ, one forward sweep gives one *column* of the Jacobian (J·v for one input
# direction v), one backward sweep one *row* (vᵀ·J for one output direction). So:
#
# - few inputs, many outputs (R → Rᵐ): forward mode, one sweep;
# - many inputs, few outputs (Rⁿ → R, every loss function in deep learning): backward
#   mode, one sweep, where forward mode needs n;
# - memory: backward mode must keep the intermediate values of the forward sweep until
#   the backward sweep uses them; forward mode uses each value as it is computed and
#   keeps nothing;
# - parallelism: the n forward sweeps (or m backward sweeps) are independent of each
#   other and can run side by side (`jacfwd` and `jacrev` run them as one batched sweep
#   with `vmap`); within a sweep, forward mode can run as the function runs, while
#   backward mode must wait for the forward sweep to finish.
#
# `explain`'s cost table says it with numbers, for f: R³ → R and for g: R → R³ (for
# several outputs, `cotangent=` gives the output weights its adjoint sweep starts from),
# and we read the answer off the table: the mode with fewer operations.

# %%
explanations = {
    "Rⁿ → R": cr.viz.explain(lambda v: cr.sum(cr.sin(v) * v), np.array([0.5, 1.0, 2.0])),
    "R → Rᵐ": cr.viz.explain(lambda t: cr.sin(t * cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64)),
                              0.5, cotangent=[0.0, 1.0, 0.0]),
}
cheaper = {}
for label, explanation_ in explanations.items():
    cost = explanation_.cost
    operations = {"forward": cost["forward_operations"], "reverse": cost["reverse_operations"]}
    cheaper[label] = min(operations, key=operations.get)
    print(explanation_.cost_table())
    print(f"=> {label}: {cheaper[label]} mode, {operations[cheaper[label]]} operations "
          f"against {max(operations.values())}\n")

# %% [markdown]
# And measured, with n = m = 300: a Jacobian built one sweep at a time (`cr.jvp` per
# input direction, `cr.vjp` per output direction), then `cr.jacfwd` and `cr.jacrev`,
# which batch their sweeps.

# %%
n = 300


def R_n_to_R(v):
    return cr.sum(cr.sin(v) * v) + cr.sum(v ** 2) / n


def R_to_R_m(t):
    k = cr.arange(1.0, n + 1, dtype=cr.float64)
    return cr.sin(k * t) * cr.exp(-t)


def jacobian_by_jvp(fn, arg):
    """Forward mode: one jvp (one sweep) per input direction, a column each."""
    basis = np.eye(arg.size).reshape((arg.size,) + arg.shape)
    columns = [cr.jvp(fn, (arg,), (cr.tensor(e),))[1].numpy() for e in basis]
    return np.stack(columns, axis=-1).reshape(np.shape(fn(arg)) + arg.shape), len(columns)


def jacobian_by_vjp(fn, arg):
    """Reverse mode: one forward sweep, then one vjp (one backward sweep) per output."""
    out, pullback = cr.vjp(fn, arg)
    basis = np.eye(out.size).reshape((out.size,) + out.shape)
    rows = [pullback(cr.tensor(e))[0].numpy() for e in basis]
    return np.stack(rows).reshape(out.shape + arg.shape), len(rows)


v = cr.tensor(np.linspace(0.0, 1.0, n))
t = cr.tensor(0.5, dtype=cr.float64)
measured = {}
for label, fn, arg in [("Rⁿ → R", R_n_to_R, v), ("R → Rᵐ", R_to_R_m, t)]:
    (J_fwd, n_fwd), (J_rev, n_rev) = jacobian_by_jvp(fn, arg), jacobian_by_vjp(fn, arg)
    assert np.allclose(J_fwd, J_rev)
    assert np.allclose(cr.jacfwd(fn)(arg).numpy(), J_rev)
    assert np.allclose(cr.jacrev(fn)(arg).numpy(), J_rev)
    loop_fwd = best_time(lambda fn=fn, arg=arg: jacobian_by_jvp(fn, arg), repeat=3, number=1)
    loop_rev = best_time(lambda fn=fn, arg=arg: jacobian_by_vjp(fn, arg), repeat=3, number=1)
    batched_fwd = best_time(lambda fn=fn, arg=arg: cr.jacfwd(fn)(arg), number=5)
    batched_rev = best_time(lambda fn=fn, arg=arg: cr.jacrev(fn)(arg), number=5)
    measured[label] = "forward" if loop_fwd < loop_rev else "reverse"
    print(f"{label}  forward mode: {n_fwd:3d} sweeps in {loop_fwd * 1e3:6.2f} ms, "
          f"jacfwd {batched_fwd * 1e3:5.2f} ms | backward mode: {n_rev:3d} sweeps in "
          f"{loop_rev * 1e3:6.2f} ms, jacrev {batched_rev * 1e3:5.2f} ms "
          f"=> {measured[label]} mode was faster")

# %% [markdown]
# The table's answer beside the clock's (timings vary on a busy machine; the operation
# counts do not):

# %%
print(f"cost table: {cheaper}\nmeasured:   {measured}\n"
      + ("they agree" if measured == cheaper else "they disagree this time"))
