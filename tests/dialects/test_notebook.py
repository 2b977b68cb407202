"""The notebook runner the dialect tests use: it shows a cell's value as Jupyter does."""
from __future__ import annotations

import numpy
import pytest
from notebook import _pretty, display, run_cell

import chainrule.jax as jax
import chainrule.mxnet.numpy as mxnp
import chainrule.tensorflow as tf
import chainrule.torch as torch

VALUES = [
    (1, "a"), (numpy.ndarray, int), tuple(range(30)), (3.5,), "text",
    (torch.arange(4.0), torch.arange(12.0).reshape(3, 4)),
    (numpy.ndarray, type(torch.ones(1)), type(mxnp.ones(1)), type(tf.ones(1)),
     type(jax.numpy.ones(1))),
]


def test_a_cell_prints_then_shows_its_last_value():
    assert run_cell("print('p')\nx = 1\nx + 1", {}) == "p\n2"
    assert run_cell("x = 1", {}) == ""
    assert run_cell("None", {}) == ""
    assert display((numpy.ndarray, int)) == "(numpy.ndarray, int)"
    assert display(tuple(range(30))) == "(" + ",\n ".join(str(i) for i in range(30)) + ")"


def test_dialect_classes_show_as_the_book_shows_the_frameworks():
    assert display((numpy.ndarray, type(torch.ones(1)), type(torch.ones(1).shape))) == \
        "(numpy.ndarray, torch.Tensor, torch.Size)"
    assert display(type(mxnp.ones(1))) == "mxnet.numpy.ndarray"
    assert display(type(tf.ones(1))) == "tensorflow.python.framework.ops.EagerTensor"
    assert display(type(tf.Variable(1.0))) == \
        "tensorflow.python.ops.resource_variable_ops.ResourceVariable"
    assert display(type(jax.numpy.ones(1))) == "jaxlib._jax.ArrayImpl"


def test_jupyter_shows_the_text_of_a_dialect_tensor_not_the_cores_html():
    for value in (torch.ones(1), mxnp.ones(1), tf.ones(1), jax.numpy.ones(1)):
        assert type(value)._repr_html_ is None


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_fallback_without_ipython_shows_what_ipython_shows(value):
    pytest.importorskip("IPython", reason="IPython is not installed: the fallback is all "
                                          "there is")
    assert _pretty(value) == display(value)
