"""The D2L chapter on automatic differentiation, in DJL's words, run by
chainrule: python examples/chapter_djl.py

Generated from chainrule/tour.py by examples/make_notebooks.py: edit those, not this
file. chapter_djl.ipynb is the same as a notebook, and
python -m chainrule tour --dialect djl shows each step's code with its output.
"""


def show(value):
    """Print a value as the Python prompt does (nothing for None)."""
    if value is not None:
        print(repr(value))


# %%
from chainrule.djl import Engine, NDManager, Shape
manager = NDManager.newBaseManager()

# %% [markdown]
# ## 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read

# %%
print('# 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read')
x = manager.arange(4.0)
show(x.attachGradient())
show(x.getGradient())
with Engine.getInstance().newGradientCollector() as gc:
    y = x.dot(x).mul(2)
    print(y)
    gc.backward(y)
show(x.getGradient())
show(x.getGradient().eq(x.mul(4)))
print()

# %% [markdown]
# ## 2. Another function: gradients accumulate (PyTorch) or are overwritten

# %%
print('# 2. Another function: gradients accumulate (PyTorch) or are overwritten')
with Engine.getInstance().newGradientCollector() as gc:
    y = x.sum()
    gc.backward(y)
show(x.getGradient())
print()

# %% [markdown]
# ## 3. Backward for a non-scalar y: the gradient of its sum

# %%
print('# 3. Backward for a non-scalar y: the gradient of its sum')
with Engine.getInstance().newGradientCollector() as gc:
    y = x.mul(x)
    gc.backward(y)
show(x.getGradient())
print()

# %% [markdown]
# ## 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u

# %%
print('# 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u')
with Engine.getInstance().newGradientCollector() as gc:
    y = x.mul(x)
    u = y.stopGradient()
    z = u.mul(x)
    gc.backward(z)
    print(x.getGradient().eq(u))
print()

# %% [markdown]
# ## 5. Python control flow: the graph is whatever ran

# %%
print('# 5. Python control flow: the graph is whatever ran')
def f(a):
    b = a.mul(2)
    while b.norm().getFloat() < 1000:
        b = b.mul(2)
    return b if b.sum().getFloat() > 0 else b.mul(100)
show(Engine.getInstance().setRandomSeed(0))
a = manager.randomNormal(Shape(1))
show(a.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
    d = f(a)
    gc.backward(d)
    print(a.getGradient().eq(d.div(a)))
print()

# %% [markdown]
# ## 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)

# %%
print('# 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)')
# DJL has no API for a second derivative; the first is 3x²
x = manager.create(2.0)
show(x.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
    gc.backward(x.mul(x).mul(x))
show(x.getGradient())
print()

# %% [markdown]
# ## 7. Exercise: run backward twice

# %%
print('# 7. Exercise: run backward twice')
x = manager.arange(4.0)
show(x.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
    y = x.dot(x).mul(2)
    gc.backward(y)
    try:
        gc.backward(y)
    except Exception as error:
        print(type(error).__name__)
print()

# %% [markdown]
# ## 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)

# %%
print('# 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)')
def f(a):
    b = a.mul(2)
    while b.norm().getFloat() < 1000:
        b = b.mul(2)
    return b if b.sum().getFloat() > 0 else b.mul(100)
a = manager.randomNormal(Shape(3))
show(a.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
    d = f(a)
    gc.backward(d)
    print(a.getGradient().eq(d.div(a)))
print()

# %% [markdown]
# ## 9. Exercise 4: sin and its derivative by autodiff, beside cos

# %%
print('# 9. Exercise 4: sin and its derivative by autodiff, beside cos')
import math
x = manager.linspace(-3.0, 3.0, 7)
show(x.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
    y = x.sin()
    gc.backward(y)
print("    x   sin(x)  autodiff d/dx   cos(x)")
for a, s, d in zip(x.toArray(), y.toArray(), x.getGradient().toArray()):
    print(f"{a:5.1f}  {s:7.4f}  {d:13.4f}  {math.cos(a):7.4f}")
print()

# %% [markdown]
# ## 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges

# %%
print('# 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges')
from chainrule import viz
def f(x):
    return x.pow(2).log().mul(x.sin()).add(x.pow(-1))
x = manager.create(2.0)
show(x.attachGradient())
with Engine.getInstance().newGradientCollector() as gc:
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
print(viz.explain(lambda v: v.sin().mul(v).sum(), manager.ones(Shape(3))).cost_table())
print(viz.explain(lambda t: t.mul(manager.arange(1.0, 4.0)).sin(), manager.create(0.5)).cost_table())
print()
