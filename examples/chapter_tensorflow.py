"""The D2L chapter on automatic differentiation, in TensorFlow's words, run by
chainrule: python examples/chapter_tensorflow.py

Generated from chainrule/tour.py by examples/make_notebooks.py: edit those, not this
file. chapter_tensorflow.ipynb is the same as a notebook, and
python -m chainrule tour --dialect tensorflow shows each step's code with its output.
"""


def show(value):
    """Print a value as the Python prompt does (nothing for None)."""
    if value is not None:
        print(repr(value))


# %%
import chainrule.tensorflow as tf

# %% [markdown]
# ## 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read

# %%
print('# 1. A simple function: attach a gradient to x, record y = 2xᵀx, backpropagate, read')
x = tf.range(4, dtype=tf.float32)
x = tf.Variable(x)
with tf.GradientTape() as t:
    y = 2 * tf.tensordot(x, x, axes=1)
show(y)
x_grad = t.gradient(y, x)
show(x_grad)
show(x_grad == 4 * x)
print()

# %% [markdown]
# ## 2. Another function: gradients accumulate (PyTorch) or are overwritten

# %%
print('# 2. Another function: gradients accumulate (PyTorch) or are overwritten')
with tf.GradientTape() as t:
    y = tf.reduce_sum(x)
show(t.gradient(y, x))
print()

# %% [markdown]
# ## 3. Backward for a non-scalar y: the gradient of its sum

# %%
print('# 3. Backward for a non-scalar y: the gradient of its sum')
with tf.GradientTape() as t:
    y = x * x
show(t.gradient(y, x))
print()

# %% [markdown]
# ## 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u

# %%
print('# 4. Detaching: u = y as a constant, so dz/dx for z = u·x is u')
with tf.GradientTape(persistent=True) as t:
    y = x * x
    u = tf.stop_gradient(y)
    z = u * x
x_grad = t.gradient(z, x)
show(x_grad == u)
show(t.gradient(y, x) == 2 * x)
print()

# %% [markdown]
# ## 5. Python control flow: the graph is whatever ran

# %%
print('# 5. Python control flow: the graph is whatever ran')
def f(a):
    b = a * 2
    while tf.norm(b) < 1000:
        b = b * 2
    if tf.reduce_sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c
show(tf.random.set_seed(0))
a = tf.Variable(tf.random.normal(shape=()))
with tf.GradientTape() as t:
    d = f(a)
d_grad = t.gradient(d, a)
show(d_grad == d / a)
print()

# %% [markdown]
# ## 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)

# %%
print('# 6. Exercise: the second derivative of x³ at x = 2 (6x = 12)')
x = tf.Variable(2.0)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = x ** 3
    dy = inner.gradient(y, x)
d2y = outer.gradient(dy, x)
show((dy, d2y))
print()

# %% [markdown]
# ## 7. Exercise: run backward twice

# %%
print('# 7. Exercise: run backward twice')
x = tf.Variable(tf.range(4, dtype=tf.float32))
with tf.GradientTape() as t:
    y = 2 * tf.tensordot(x, x, axes=1)
show(t.gradient(y, x))
try:
    t.gradient(y, x)
except RuntimeError as error:
    print(str(error).split('(')[0])
print()

# %% [markdown]
# ## 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)

# %%
print('# 8. Exercise: the control-flow function of a vector (f(a) = k·a, so ∇ = d/a)')
def f(a):
    b = a * 2
    while tf.norm(b) < 1000:
        b = b * 2
    if tf.reduce_sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c
a = tf.Variable(tf.random.normal(shape=(3,)))
with tf.GradientTape() as t:
    d = f(a)
show(t.gradient(d, a) == d / a)
print()

# %% [markdown]
# ## 9. Exercise 4: sin and its derivative by autodiff, beside cos

# %%
print('# 9. Exercise 4: sin and its derivative by autodiff, beside cos')
import math
x = tf.Variable(tf.linspace(-3.0, 3.0, 7))
with tf.GradientTape() as t:
    y = tf.sin(x)
dy_dx = t.gradient(y, x)
print("    x   sin(x)  autodiff d/dx   cos(x)")
for a, s, d in zip(x.numpy().tolist(), y.numpy().tolist(), dy_dx.numpy().tolist()):
    print(f"{a:5.1f}  {s:7.4f}  {d:13.4f}  {math.cos(a):7.4f}")
print()

# %% [markdown]
# ## 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges

# %%
print('# 10. Exercises 5 and 6: the graph of f(x) = log(x²)·sin(x) + 1/x, the chain rule on its edges')
from chainrule import viz
def f(x):
    return tf.math.log(x ** 2) * tf.sin(x) + 1 / x
x = tf.Variable(2.0, name="x")
with tf.GradientTape() as t:
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
print(viz.explain(lambda v: tf.reduce_sum(tf.sin(v) * v), tf.ones(3)).cost_table())
print(viz.explain(lambda t: tf.sin(t * tf.range(1.0, 4.0)), tf.constant(0.5)).cost_table())
print()
