"""The D2L chapter on automatic differentiation, in PyTorch's words, run by
chainrule: python examples/chapter_torch.py

Generated from chainrule/tour.py by examples/make_notebooks.py: edit those, not this
file. chapter_torch.ipynb is the same as a notebook, and
python -m chainrule tour --dialect torch shows each step's code with its output.
"""


def show(value):
    """Print a value as the Python prompt does (nothing for None)."""
    if value is not None:
        print(repr(value))


# %%
import chainrule.torch as torch

# %% [markdown]
# ## 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read

# %%
print('# 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read')
x = torch.arange(4.0)
show(x.requires_grad_(True))
show(x.grad)
y = 2 * torch.dot(x, x)
show(y)
show(y.backward())
show(x.grad)
show(x.grad == 4 * x)
print()

# %% [markdown]
# ## 2. Another function: gradients accumulate (PyTorch) or are overwritten

# %%
print('# 2. Another function: gradients accumulate (PyTorch) or are overwritten')
show(x.grad.zero_())
y = x.sum()
show(y.backward())
show(x.grad)
print()

# %% [markdown]
# ## 3. Backward for a non-scalar y: the gradient of its sum

# %%
print('# 3. Backward for a non-scalar y: the gradient of its sum')
show(x.grad.zero_())
y = x * x
show(y.backward(gradient=torch.ones(len(y))))
show(x.grad)
print()

# %% [markdown]
# ## 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u

# %%
print('# 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u')
show(x.grad.zero_())
y = x * x
u = y.detach()
z = u * x
show(z.sum().backward())
show(x.grad == u)
show(x.grad.zero_())
show(y.sum().backward())
show(x.grad == 2 * x)
print()

# %% [markdown]
# ## 5. Python control flow: the graph is whatever ran

# %%
print('# 5. Python control flow: the graph is whatever ran')
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
show(torch.manual_seed(0))
a = torch.randn(size=(), requires_grad=True)
d = f(a)
show(d.backward())
show(a.grad == d / a)
print()

# %% [markdown]
# ## 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)

# %%
print('# 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)')
x = torch.tensor(2.0, requires_grad=True)
y = x**3
dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]
d2y_dx2 = torch.autograd.grad(dy_dx, x)[0]
show((dy_dx.item(), d2y_dx2.item()))
print()

# %% [markdown]
# ## 7. Exercise: run backward twice

# %%
print('# 7. Exercise: run backward twice')
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
show(y.backward())
try:
    y.backward()
except RuntimeError as error:
    print(str(error).split('.')[0])
print()

# %% [markdown]
# ## 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)

# %%
print('# 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)')
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
a = torch.randn(size=(3,), requires_grad=True)
d = f(a)
show(d.sum().backward())
show(a.grad == d / a)
print()

# %% [markdown]
# ## 9. Exercise 4: sin and its derivative by autodiff, beside cos

# %%
print('# 9. Exercise 4: sin and its derivative by autodiff, beside cos')
import math
x = torch.linspace(-3.0, 3.0, 7, requires_grad=True)
y = torch.sin(x)
show(y.sum().backward())
print("    x   sin(x)  autodiff d/dx   cos(x)")
for a, s, d in zip(x.tolist(), y.tolist(), x.grad.tolist()):
    print(f"{a:5.1f}  {s:7.4f}  {d:13.4f}  {math.cos(a):7.4f}")
print()

# %% [markdown]
# ## 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges

# %%
print('# 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges')
from chainrule import viz
def f(x):
    return torch.log(x ** 2) * torch.sin(x) + 1 / x
x = torch.tensor(2.0, requires_grad=True)
y = f(x)
print(viz.graph(y).summary())
print()

# %% [markdown]
# ## 11. Exercise 7: f'(2) forward (from x to f) and backward (from f to x)

# %%
print("# 11. Exercise 7: f'(2) forward (from x to f) and backward (from f to x)")
print(viz.explain(f, x))
print()

# %% [markdown]
# ## 12. Exercise 8: forward or backward? What the whole Jacobian costs

# %%
print('# 12. Exercise 8: forward or backward? What the whole Jacobian costs')
print(viz.explain(lambda v: (torch.sin(v) * v).sum(), torch.ones(3)).cost_table())
print(viz.explain(lambda t: torch.sin(t * torch.arange(1.0, 4.0)), torch.tensor(0.5)).cost_table())
print()
