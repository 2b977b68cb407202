"""The TensorFlow dialect beyond the chapter's cells (those run from the seeds in
test_book.py): the exercises, the tape's policy, tensors and variables, and section 2.1's
data manipulation, written as notebook cells with the book's ``import tensorflow as tf``,
the only line the tests change."""
from __future__ import annotations

import re

import numpy as np
import pytest
from notebook import book, run_cell

import chainrule.tensorflow as tf


CONTROL_FLOW = """
def f(a):
    b = a * 2
    while tf.norm(b) < 1000:
        b = b * 2
    if tf.reduce_sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c
"""


# Seeds whose first draw is positive: then f(a) = 2^k a exactly and d / a is exactly the
# gradient, so the book's ``True`` does not depend on rounding (the chapter itself runs
# with draws of both signs in test_book.py).
POSITIVE_SEEDS = [0, 1, 2, 3]


def test_the_positive_seeds_still_draw_positive_numbers():
    draws = []
    for seed in POSITIVE_SEEDS:
        tf.random.set_seed(seed)
        draws.append(float(tf.random.normal(shape=())))
    assert len(draws) == 4 and all(d > 0 for d in draws), draws


@pytest.mark.parametrize("seed", POSITIVE_SEEDS)
def test_control_flow(seed):
    tf.random.set_seed(seed)
    ns = book(("import tensorflow as tf", ""), (CONTROL_FLOW, ""))
    shown = run_cell("a = tf.Variable(tf.random.normal(shape=()))\n"
                     "with tf.GradientTape() as t:\n    d = f(a)\n"
                     "d_grad = t.gradient(d, a)\nd_grad", ns)
    assert re.fullmatch(r"<tf\.Tensor: shape=\(\), dtype=float32, numpy=\d+\.0>", shown), shown
    assert float(ns["a"].numpy()) > 0
    slope = float(ns["d_grad"].numpy())
    assert slope == 2.0 ** round(np.log2(slope)) and abs(float(ns["d"].numpy())) >= 1000
    book(("d_grad == d / a", "<tf.Tensor: shape=(), dtype=bool, numpy=True>"), namespace=ns)


def test_control_flow_with_a_negative_input_uses_the_other_branch():
    ns = book(("import tensorflow as tf", ""), (CONTROL_FLOW, ""))
    a = tf.Variable(-0.3)
    with tf.GradientTape() as t:
        d = ns["f"](a)
    d_grad = t.gradient(d, a)
    # 100 * 2^k: the else branch scaled by 100.
    assert d_grad.numpy() == 100 * 2.0 ** 12
    np.testing.assert_allclose((d / a).numpy(), d_grad.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- exercises


def test_exercise_second_derivative_with_nested_tapes():
    book(
        ("import tensorflow as tf", ""),
        ("x = tf.Variable(2.0)\nwith tf.GradientTape() as outer:\n"
         "    with tf.GradientTape() as inner:\n        y = x ** 3\n"
         "    dy_dx = inner.gradient(y, x)\nd2y_dx2 = outer.gradient(dy_dx, x)\n"
         "print(dy_dx)\nprint(d2y_dx2)",
         "tf.Tensor(12.0, shape=(), dtype=float32)\ntf.Tensor(12.0, shape=(), dtype=float32)"),
    )


def test_exercise_second_derivative_of_a_vector_function():
    x = tf.constant([0.5, 1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    v = x.numpy()
    np.testing.assert_allclose(g.numpy(), np.sin(v) + v * np.cos(v), rtol=1e-6)
    np.testing.assert_allclose(h.numpy(), 2 * np.cos(v) - v * np.sin(v), rtol=1e-5)


def test_exercise_run_backward_twice():
    x = tf.Variable(tf.range(4, dtype=tf.float32))
    with tf.GradientTape() as t:
        y = 2 * tf.tensordot(x, x, axes=1)
    t.gradient(y, x)
    with pytest.raises(RuntimeError, match=r"^A non-persistent GradientTape can only be used "
                                           r"to compute one set of gradients \(or jacobians\)"
                                           r".*persistent=True"):
        t.gradient(y, x)
    with tf.GradientTape(persistent=True) as t:
        y = 2 * tf.tensordot(x, x, axes=1)
    first, second = t.gradient(y, x), t.gradient(y, x)
    assert repr(first) == repr(second) == ("<tf.Tensor: shape=(4,), dtype=float32, "
                                           "numpy=array([ 0.,  4.,  8., 12.], dtype=float32)>")


def test_a_non_persistent_tape_refuses_a_jacobian_after_a_gradient():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as t:
        y = x * x
    t.gradient(y, x)
    with pytest.raises(RuntimeError, match="^A non-persistent GradientTape can only be used"):
        t.jacobian(y, x)


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_exercise_control_flow_with_vector_and_matrix_input(shape):
    ns = book(("import tensorflow as tf", ""), (CONTROL_FLOW, ""))
    tf.random.set_seed(1)
    a = tf.Variable(tf.random.normal(shape=shape))
    with tf.GradientTape(persistent=True) as t:
        d = ns["f"](a)
    assert d.shape == tf.TensorShape(shape)
    d_grad = t.gradient(d, a)  # TensorFlow's answer: the gradient of the sum
    assert d_grad.shape == a.shape
    np.testing.assert_allclose(d_grad.numpy(), (d / a).numpy(), rtol=1e-6)
    slope = d_grad.numpy().reshape(-1)[0]
    assert np.all(d_grad.numpy() == slope)  # one scale for all entries: f is linear in a
    # The whole answer is the Jacobian: diagonal, since each d_i depends on a_i only
    # (and on the norm of a, which picks the scale but is constant almost everywhere).
    jacobian = t.jacobian(d, a)
    n = int(np.prod(shape))
    assert jacobian.shape == tf.TensorShape(shape + shape)
    np.testing.assert_array_equal(jacobian.numpy().reshape(n, n), slope * np.eye(n))


def test_exercise_derivative_of_sin_without_cos():
    x = tf.linspace(-3.0, 3.0, 13)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.sin(x)
    np.testing.assert_allclose(t.gradient(y, x).numpy(), np.cos(x.numpy()), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- tape policy


def test_only_watched_values_inside_the_tape_are_recorded():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        y = x * x  # a constant is not watched
    assert t.gradient(y, x) is None
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    assert repr(t.gradient(y, x)) == "<tf.Tensor: shape=(), dtype=float32, numpy=6.0>"
    frozen = tf.Variable(2.0, trainable=False)
    w = tf.Variable(1.0)
    assert w.trainable and not frozen.trainable
    with tf.GradientTape(watch_accessed_variables=False) as t:
        y = w * frozen
    assert t.gradient(y, [w, frozen]) == [None, None]


def test_operations_outside_the_block_are_not_the_tapes():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as first:
        y = x * x
    z = y * 2  # after the block: not recorded by this tape
    assert first.gradient(z, x) is None
    with tf.GradientTape() as second:
        w = y * x  # y comes from before the block: a constant for this tape
    np.testing.assert_array_equal(second.gradient(w, x).numpy(), y.numpy())
    np.testing.assert_array_equal(first.gradient(y, x).numpy(), [2.0, 4.0])


def test_a_variable_made_inside_tapes_is_watched_by_them():
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            w = tf.Variable(1.5)
            y = w * 2.0
        z = w * w  # still recorded by the outer tape after the inner one ended
    assert float(inner.gradient(y, w)) == 2.0 and float(outer.gradient(z, w)) == 3.0
    counter = tf.Variable(1)  # integers are never watched: no gradient
    with tf.GradientTape() as t:
        y = tf.cast(counter * 2, tf.float32)
    assert t.gradient(y, counter) is None


def test_watch_outside_the_block_is_an_error():
    t = tf.GradientTape()
    with pytest.raises(RuntimeError, match="not recording"):
        t.watch(tf.constant(1.0))


def test_sources_in_a_nested_structure_and_unconnected_gradients():
    w = tf.Variable([1.0, 2.0])
    b = tf.Variable(0.5)
    unused = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        y = tf.reduce_sum(w * w) + b
    grads = t.gradient(y, {"w": w, "rest": [b, unused]})
    assert set(grads) == {"w", "rest"} and grads["rest"][1] is None
    assert repr(grads["w"]) == ("<tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], "
                                "dtype=float32)>")
    assert repr(grads["rest"][0]) == "<tf.Tensor: shape=(), dtype=float32, numpy=1.0>"
    zeros = t.gradient(y, [unused], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert repr(zeros[0]) == "<tf.Tensor: shape=(), dtype=float32, numpy=0.0>"


def test_output_gradients_weight_the_target():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        y = x * x
    g = t.gradient(y, x, output_gradients=tf.constant([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [2.0, 0.0, 12.0])


def test_a_list_of_targets_adds_their_gradients():
    x = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y1, y2 = x * x, 3 * x
    assert float(t.gradient([y1, y2], x)) == 7.0


def test_a_target_that_depends_on_nothing_watched_has_no_gradient():
    x = tf.Variable(1.0)
    with tf.GradientTape() as t:
        y = tf.constant(2.0) * 3
    assert t.gradient(y, x) is None


# ---------------------------------------------------------------- tensors and variables


def test_printing():
    x = tf.range(4, dtype=tf.float32)
    assert str(x) == "tf.Tensor([0. 1. 2. 3.], shape=(4,), dtype=float32)"
    assert repr(x == x) == ("<tf.Tensor: shape=(4,), dtype=bool, numpy=array([ True,  True,  "
                            "True,  True])>")
    assert repr(tf.constant(True)) == "<tf.Tensor: shape=(), dtype=bool, numpy=True>"
    assert repr(tf.Variable(x)) == ("<tf.Variable 'Variable:0' shape=(4,) dtype=float32, "
                                    "numpy=array([0., 1., 2., 3.], dtype=float32)>")
    assert repr(tf.Variable(1.0, name="w")) == ("<tf.Variable 'w:0' shape=() dtype=float32, "
                                                "numpy=1.0>")
    assert str(tf.constant([[1, 2], [3, 4]])) == ("tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), "
                                                  "dtype=int32)")
    assert repr(x.shape) == "TensorShape([4])" and repr(tf.constant(1.0).shape) == "TensorShape([])"
    assert x.shape == (4,) and x.shape.as_list() == [4] and x.shape[0] == 4


def test_dtypes():
    assert repr(tf.float32) == "tf.float32" and str(tf.int32) == "<dtype: 'int32'>"
    assert tf.range(4, dtype=tf.float32).dtype == tf.float32
    assert tf.range(4).dtype == tf.int32 and tf.range(4.0).dtype == tf.float32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant([1.0, 2]).dtype == tf.float32
    assert tf.constant(np.arange(3.0)).dtype == tf.float64  # NumPy data keeps its dtype
    assert tf.constant([True]).dtype == tf.bool
    assert repr(tf.cast(tf.constant([1.7, -2.2]), tf.int32)) == (
        "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([ 1, -2], dtype=int32)>")
    assert tf.reduce_sum(tf.range(5)).dtype == tf.int32  # not widened to int64
    assert tf.float32.is_floating and tf.int32.is_integer
    assert tf.float32 == np.float32 and tf.float32 == "float32" and tf.float32 != tf.int32


def test_tensors_are_immutable():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^'tensorflow\.python\.framework\.ops\.EagerTensor' "
                                        r"object does not support item assignment"):
        x[0] = 5.0
    before = x
    x += 1  # a new tensor, as in TensorFlow
    assert x is not before and before.numpy().tolist() == [1.0, 2.0]
    assert x.numpy().tolist() == [2.0, 3.0]


def test_variables_assign_and_refuse_in_place_operators():
    v = tf.Variable([1.0, 2.0, 3.0])
    assert v.assign([4.0, 5.0, 6.0]) is v
    v.assign_add(tf.ones(3))
    v.assign_sub([0.5, 0.5, 0.5])
    np.testing.assert_array_equal(v.numpy(), [4.5, 5.5, 6.5])
    with pytest.raises(RuntimeError, match=r"^`variable \+= value` with `tf.Variable`s is not "
                                           r"supported. Use `variable.assign_add\(value\)`"):
        v += 1
    with pytest.raises(TypeError, match="does not support item assignment"):
        v[0] = 1.0
    assert type(v + 1) is tf.Tensor and type(-v) is tf.Tensor and type(+v) is tf.Tensor
    assert type(v[0]) is not tf.Variable and repr(v[0]).startswith("<tf.Tensor: shape=()")


def test_a_read_keeps_its_value_after_the_variable_is_assigned():
    v = tf.Variable([1.0, 2.0, 3.0])
    row = v[0:2]
    value = v.value()
    v[0].assign(10.0)
    v.assign_add([1.0, 1.0, 1.0])
    assert row.numpy().tolist() == [1.0, 2.0] and value.numpy().tolist() == [1.0, 2.0, 3.0]
    assert v.numpy().tolist() == [11.0, 3.0, 4.0]


def test_assign_inside_a_tape_is_not_recorded():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        v.assign(5.0)
        z = v * 3.0
    assert float(t.gradient(z, v)) == 3.0
    assert float(v.numpy()) == 5.0


def test_the_gradient_of_a_recorded_value_after_its_variable_changed_is_refused():
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as t:
        y = v * v
    v.assign(5.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        t.gradient(y, v)


# ---------------------------------------------------------------- section 2.1


def test_data_manipulation():
    ns = book(
        ('import tensorflow as tf',
         ''),
        ('x = tf.range(12, dtype=tf.float32)\nx',
         '<tf.Tensor: shape=(12,), dtype=float32, numpy=\narray([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n      dtype=float32)>'),
        ('tf.size(x)',
         '<tf.Tensor: shape=(), dtype=int32, numpy=12>'),
        ('x.shape',
         'TensorShape([12])'),
        ('X = tf.reshape(x, (3, 4))\nX',
         '<tf.Tensor: shape=(3, 4), dtype=float32, numpy=\narray([[ 0.,  1.,  2.,  3.],\n       [ 4.,  5.,  6.,  7.],\n       [ 8.,  9., 10., 11.]], dtype=float32)>'),
        ('tf.zeros((2, 3, 4))',
         '<tf.Tensor: shape=(2, 3, 4), dtype=float32, numpy=\narray([[[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]],\n\n       [[0., 0., 0., 0.],\n        [0., 0., 0., 0.],\n        [0., 0., 0., 0.]]], dtype=float32)>'),
        ('tf.ones((2, 3, 4))',
         '<tf.Tensor: shape=(2, 3, 4), dtype=float32, numpy=\narray([[[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]],\n\n       [[1., 1., 1., 1.],\n        [1., 1., 1., 1.],\n        [1., 1., 1., 1.]]], dtype=float32)>'),
        ('tf.constant([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])',
         '<tf.Tensor: shape=(3, 4), dtype=int32, numpy=\narray([[2, 1, 4, 3],\n       [1, 2, 3, 4],\n       [4, 3, 2, 1]], dtype=int32)>'),
        ('X[-1], X[1:3]',
         '(<tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 8.,  9., 10., 11.], dtype=float32)>,\n <tf.Tensor: shape=(2, 4), dtype=float32, numpy=\n array([[ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.]], dtype=float32)>)'),
        ('X_var = tf.Variable(X)\nX_var[1, 2].assign(9)\nX_var',
         "<tf.Variable 'Variable:0' shape=(3, 4) dtype=float32, numpy=\narray([[ 0.,  1.,  2.,  3.],\n       [ 4.,  5.,  9.,  7.],\n       [ 8.,  9., 10., 11.]], dtype=float32)>"),
        ('X_var = tf.Variable(X)\nX_var[0:2, :].assign(tf.ones(X_var[0:2,:].shape, dtype = tf.float32) * 12)\nX_var',
         "<tf.Variable 'Variable:0' shape=(3, 4) dtype=float32, numpy=\narray([[12., 12., 12., 12.],\n       [12., 12., 12., 12.],\n       [ 8.,  9., 10., 11.]], dtype=float32)>"),
        # NumPy's float32 exp; TensorFlow's (Eigen's) differs in the last digit of a few.
        ('tf.exp(x)',
         '<tf.Tensor: shape=(12,), dtype=float32, numpy=\narray([1.0000000e+00, 2.7182820e+00, 7.3890557e+00, 2.0085537e+01,\n       5.4598148e+01, 1.4841316e+02, 4.0342877e+02, 1.0966332e+03,\n       2.9809580e+03, 8.1030840e+03, 2.2026467e+04, 5.9874141e+04],\n      dtype=float32)>'),
        ('x = tf.constant([1.0, 2, 4, 8])\ny = tf.constant([2.0, 2, 2, 2])\nx + y, x - y, x * y, x / y, x ** y',
         '(<tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 3.,  4.,  6., 10.], dtype=float32)>,\n <tf.Tensor: shape=(4,), dtype=float32, numpy=array([-1.,  0.,  2.,  6.], dtype=float32)>,\n <tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 2.,  4.,  8., 16.], dtype=float32)>,\n <tf.Tensor: shape=(4,), dtype=float32, numpy=array([0.5, 1. , 2. , 4. ], dtype=float32)>,\n <tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 1.,  4., 16., 64.], dtype=float32)>)'),
        ('X = tf.reshape(tf.range(12, dtype=tf.float32), (3, 4))\nY = tf.constant([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])\ntf.concat([X, Y], axis=0), tf.concat([X, Y], axis=1)',
         '(<tf.Tensor: shape=(6, 4), dtype=float32, numpy=\n array([[ 0.,  1.,  2.,  3.],\n        [ 4.,  5.,  6.,  7.],\n        [ 8.,  9., 10., 11.],\n        [ 2.,  1.,  4.,  3.],\n        [ 1.,  2.,  3.,  4.],\n        [ 4.,  3.,  2.,  1.]], dtype=float32)>,\n <tf.Tensor: shape=(3, 8), dtype=float32, numpy=\n array([[ 0.,  1.,  2.,  3.,  2.,  1.,  4.,  3.],\n        [ 4.,  5.,  6.,  7.,  1.,  2.,  3.,  4.],\n        [ 8.,  9., 10., 11.,  4.,  3.,  2.,  1.]], dtype=float32)>)'),
        ('X == Y',
         '<tf.Tensor: shape=(3, 4), dtype=bool, numpy=\narray([[False,  True, False,  True],\n       [False, False, False, False],\n       [False, False, False, False]])>'),
        ('tf.reduce_sum(X)',
         '<tf.Tensor: shape=(), dtype=float32, numpy=66.0>'),
        ('a = tf.reshape(tf.range(3), (3, 1))\nb = tf.reshape(tf.range(2), (1, 2))\na, b',
         '(<tf.Tensor: shape=(3, 1), dtype=int32, numpy=\n array([[0],\n        [1],\n        [2]], dtype=int32)>,\n <tf.Tensor: shape=(1, 2), dtype=int32, numpy=array([[0, 1]], dtype=int32)>)'),
        ('a + b',
         '<tf.Tensor: shape=(3, 2), dtype=int32, numpy=\narray([[0, 1],\n       [1, 2],\n       [2, 3]], dtype=int32)>'),
        ('before = id(Y)\nY = Y + X\nid(Y) == before',
         'False'),
        ('A = X.numpy()\nB = tf.constant(A)\ntype(A), type(B)',
         '(numpy.ndarray, tensorflow.python.framework.ops.EagerTensor)'),
    )
    # The same Variable before and after assign, as the book's printed ids show.
    shown = run_cell("Z = tf.Variable(tf.zeros_like(Y))\nprint('id(Z):', id(Z))\n"
                     "Z.assign(X + Y)\nprint('id(Z):', id(Z))", ns)
    first, second = re.fullmatch(r"id\(Z\): (\d+)\nid\(Z\): (\d+)", shown).groups()
    assert first == second
    np.testing.assert_array_equal(ns["Z"].numpy(), (ns["X"] + ns["Y"]).numpy())
    random = run_cell("tf.random.normal(shape=[3, 4])", ns)
    assert re.fullmatch(r"<tf\.Tensor: shape=\(3, 4\), dtype=float32, numpy=\n"
                        r"array\(\[\[[-\d., \n\[\]]+\]\],\n? +dtype=float32\)>", random), random
    # The book converts with float(a) and int(a); NumPy 2.4 refuses that for a 1-d array
    # (whatever the framework), so the element is taken first.
    book(("a = tf.constant([3.5]).numpy()\na, a.item(), float(a[0]), int(a[0])",
          "(array([3.5], dtype=float32), 3.5, 3.5, 3)"), namespace=ns)


def test_tf_function_runs_eagerly():
    ns = book(
        ("import tensorflow as tf", ""),
        ("@tf.function\ndef computation(X, Y):\n    Z = tf.zeros_like(Y)\n    A = X + Y\n"
         "    B = A + Y\n    C = B + Y\n    return C + Y\n\n"
         "computation(tf.ones((2,)), tf.constant([1.0, 2.0]))",
         "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([5., 9.], dtype=float32)>"),
    )
    assert callable(ns["computation"])


def test_more_operations():
    X = tf.reshape(tf.range(6, dtype=tf.float32), (2, 3))
    np.testing.assert_array_equal(tf.reduce_sum(X, axis=0).numpy(), [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(tf.reduce_mean(X, axis=1, keepdims=True).numpy(), [[1.0], [4.0]])
    assert float(tf.norm(tf.constant([3.0, 4.0]))) == 5.0
    np.testing.assert_allclose(float(tf.norm(X)), np.sqrt(55.0), rtol=1e-6)
    np.testing.assert_array_equal(tf.transpose(X).numpy(), X.numpy().T)
    np.testing.assert_array_equal(tf.matmul(X, tf.transpose(X)).numpy(), X.numpy() @ X.numpy().T)
    assert tf.ones_like(X).dtype == tf.float32 and tf.zeros((2,), dtype=tf.int32).dtype == tf.int32
    np.testing.assert_array_equal(tf.shape(X).numpy(), [2, 3])
    s = tf.stack([tf.constant(1.0), tf.constant(2.0)])
    assert repr(s) == "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert tf.convert_to_tensor([1, 2]).dtype == tf.int32
    v = tf.Variable([1.0, 2.0])
    assert type(tf.convert_to_tensor(v)) is tf.Tensor and type(tf.identity(v)) is tf.Tensor
    assert float(tf.random.uniform(shape=(), minval=2.0, maxval=3.0)) >= 2.0


def test_log_is_in_tf_math_only_as_in_tensorflow_2():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.math.log(x) * tf.math.exp(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(),
                               np.exp(2.0) * (0.5 + np.log(2.0)), rtol=1e-6)
    assert not hasattr(tf, "log")
    assert tf.math.reduce_sum is tf.reduce_sum and tf.math.sin is tf.sin
