"""Errors from inside an operation name the operation and the inputs' shapes and dtypes,
with the exception type a user would catch."""
import numpy as np
import pytest

import chainrule as cr


def test_broadcast_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(inputs: \(2,\) float32, \(3,\) float32\)"):
        cr.ones(2) + cr.ones(3)


def test_matmul_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: .*\(2, 3\) float32, \(2, 3\) float32"):
        cr.ones((2, 3)) @ cr.ones((2, 3))


def test_singular_matrix_is_a_linalg_error_naming_the_op():
    with pytest.raises(np.linalg.LinAlgError, match=r"inv: Singular matrix"):
        cr.linalg.inv(cr.zeros((2, 2)))


def test_matmul_of_scalars_says_what_to_use():
    with pytest.raises(ValueError, match=r"use multiply"):
        cr.matmul(cr.tensor(2.0), cr.tensor(3.0))


def test_bad_index_names_the_shape():
    with pytest.raises(IndexError, match=r"shape \(3,\)"):
        cr.ones(3)[5]


def test_reduction_axis_out_of_range():
    with pytest.raises(np.exceptions.AxisError, match=r"sum: axis 2 is out of bounds"):
        cr.ones((2, 3)).sum(axis=2)


def test_errors_inside_a_backward_rule_name_the_rule():
    x = cr.ones((2, 2), requires_grad=True)
    y = cr.linalg.det(x)  # singular: its gradient needs the inverse
    with pytest.raises(RuntimeError, match=r"backward \(VJP\) of det"):
        y.backward()


def test_unsupported_operand_type():
    with pytest.raises(TypeError, match=r"unsupported operand of type object"):
        cr.ones(2) + object()
