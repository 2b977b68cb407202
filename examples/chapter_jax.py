"""The D2L chapter on automatic differentiation, in JAX's words, run by
chainrule: python examples/chapter_jax.py

Generated from chainrule/tour.py by examples/make_notebooks.py: edit those, not this
file. chapter_jax.ipynb is the same as a notebook, and
python -m chainrule tour --dialect jax shows each step's code with its output.
"""


def show(value):
    """Print a value as the Python prompt does (nothing for None)."""
    if value is not None:
        print(repr(value))


# %%
import chainrule.jax as jax
from chainrule.jax import numpy as jnp, grad, random

# %% [markdown]
# ## 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read

# %%
print('# 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read')
x = jnp.arange(4.0)
y = lambda x: 2 * jnp.dot(x, x)
show(y(x))
x_grad = grad(y)(x)
show(x_grad)
show(x_grad == 4 * x)
print()

# %% [markdown]
# ## 2. Another function: gradients accumulate (PyTorch) or are overwritten

# %%
print('# 2. Another function: gradients accumulate (PyTorch) or are overwritten')
y = lambda x: x.sum()
show(grad(y)(x))
print()

# %% [markdown]
# ## 3. Backward for a non-scalar y: the gradient of its sum

# %%
print('# 3. Backward for a non-scalar y: the gradient of its sum')
y = lambda x: x * x
show(grad(lambda x: y(x).sum())(x))
print()

# %% [markdown]
# ## 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u

# %%
print('# 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u')
y = lambda x: x * x
u = jax.lax.stop_gradient(y(x))
z = lambda x: u * x
show(grad(lambda x: z(x).sum())(x) == y(x))
show(grad(lambda x: y(x).sum())(x) == 2 * x)
print()

# %% [markdown]
# ## 5. Python control flow: the graph is whatever ran

# %%
print('# 5. Python control flow: the graph is whatever ran')
def f(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
a = random.normal(random.PRNGKey(1), ())
d = f(a)
d_grad = grad(f)(a)
show(d_grad == d / a)
print()

# %% [markdown]
# ## 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)

# %%
print('# 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)')
f3 = lambda x: x ** 3
show((grad(f3)(2.0), grad(grad(f3))(2.0)))
print()

# %% [markdown]
# ## 7. Exercise: run backward twice

# %%
print('# 7. Exercise: run backward twice')
# JAX is pure: grad recomputes, so twice is fine
g = grad(lambda x: 2 * jnp.dot(x, x))
show((g(jnp.arange(4.0)), g(jnp.arange(4.0))))
print()

# %% [markdown]
# ## 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)

# %%
print('# 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)')
def f(a):
    b = a * 2
    while jnp.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
# grad needs a scalar: the Jacobian of f is diagonal, k on the diagonal
a = random.normal(random.PRNGKey(2), (3,))
show(jnp.sum(jax.jacrev(f)(a), axis=1) == f(a) / a)
print()

# %% [markdown]
# ## 9. Exercise 4: sin and its derivative by autodiff, beside cos

# %%
print('# 9. Exercise 4: sin and its derivative by autodiff, beside cos')
import math
x = jnp.linspace(-3.0, 3.0, 7)
dy_dx = jax.vmap(grad(jnp.sin))(x)
print("    x   sin(x)  autodiff d/dx   cos(x)")
for a, s, d in zip(x.tolist(), jnp.sin(x).tolist(), dy_dx.tolist()):
    print(f"{a:5.1f}  {s:7.4f}  {d:13.4f}  {math.cos(a):7.4f}")
print()

# %% [markdown]
# ## 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges

# %%
print('# 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges')
from chainrule import viz
def f(x):
    return jnp.log(x ** 2) * jnp.sin(x) + 1 / x
# JAX records nothing outside a transform: viz.trace runs f and keeps its graph
x = 2.0
print(viz.trace(f, x=x).summary())
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
print(viz.explain(lambda v: jnp.sum(jnp.sin(v) * v), jnp.ones(3)).cost_table())
print(viz.explain(lambda t: jnp.sin(t * jnp.arange(1.0, 4.0)), 0.5).cost_table())
print()
