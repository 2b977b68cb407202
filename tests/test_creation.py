"""Making tensors: tensor, asarray, ranges, constant fills, *_like, random, and bad input."""
import numpy as np
import pytest

import chainrule as cr

# ---------------------------------------------------------------- tensor


def test_tensor_from_nested_lists():
    t = cr.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_tensor_from_scalar_and_tuple():
    assert cr.tensor(3.0).shape == ()
    assert cr.tensor(3.0).item() == 3.0
    np.testing.assert_array_equal(cr.tensor((1, 2, 3)).numpy(), [1, 2, 3])


def test_tensor_copies_numpy_data():
    a = np.array([1.0, 2.0])
    t = cr.tensor(a)
    assert not np.shares_memory(t.numpy(), a)
    a[0] = 100.0
    assert t.numpy()[0] == 1.0


def test_tensor_copies_a_tensor():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    t = cr.tensor(x)
    assert t is not x
    assert not np.shares_memory(t.numpy(), x.numpy())
    assert t.requires_grad is False
    assert t.grad_fn is None
    np.testing.assert_array_equal(t.numpy(), x.numpy())


def test_tensor_from_list_of_0d_tensors():
    a, b = cr.tensor(1.0), cr.tensor(2.0)
    t = cr.tensor([a, b])
    assert t.shape == (2,)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_tensor_requires_grad_and_name():
    t = cr.tensor([1.0], requires_grad=True, name="w")
    assert t.requires_grad is True
    assert t.is_leaf
    assert t.name == "w"


def test_tensor_with_dtype():
    t = cr.tensor([1, 2], dtype=np.float64)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    assert cr.tensor([1.7], dtype="int32").dtype == np.int32


def test_empty_list():
    t = cr.tensor([])
    assert t.shape == (0,)
    assert t.size == 0


# ---------------------------------------------------------------- asarray


def test_asarray_does_not_copy_numpy_arrays():
    a = np.array([1.0, 2.0, 3.0])
    t = cr.asarray(a)
    assert t.numpy() is a
    a[1] = 50.0
    assert t.numpy()[1] == 50.0
    assert t.dtype == np.float64


def test_asarray_returns_the_same_tensor():
    x = cr.tensor([1.0, 2.0])
    assert cr.asarray(x) is x
    assert cr.asarray(x, dtype=np.float32) is x


def test_asarray_converts_dtype_when_asked():
    x = cr.tensor([1.0, 2.0])
    y = cr.asarray(x, dtype=np.float64)
    assert y is not x
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])


def test_asarray_requires_grad():
    t = cr.asarray(np.array([1.0, 2.0]), requires_grad=True)
    assert t.requires_grad
    x = cr.tensor([1.0])
    assert cr.asarray(x, requires_grad=True) is x
    assert x.requires_grad


def test_asarray_of_lists():
    t = cr.asarray([1.0, 2.0])
    assert isinstance(t, cr.Tensor)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


# ---------------------------------------------------------------- ranges


def test_arange():
    np.testing.assert_array_equal(cr.arange(4).numpy(), [0, 1, 2, 3])
    np.testing.assert_array_equal(cr.arange(4.0).numpy(), [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(cr.arange(2, 5).numpy(), [2, 3, 4])
    np.testing.assert_allclose(cr.arange(0.0, 1.0, 0.25).numpy(), [0.0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(cr.arange(5, 0, -2).numpy(), [5, 3, 1])
    x = cr.arange(3.0, requires_grad=True)
    assert x.requires_grad and x.is_leaf


def test_linspace():
    t = cr.linspace(0, 1, 5)
    assert t.dtype == np.float32
    np.testing.assert_allclose(t.numpy(), [0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(cr.linspace(0, 1, 4, endpoint=False).numpy(),
                               [0.0, 0.25, 0.5, 0.75])
    assert cr.linspace(-1, 1, 3, dtype=np.float64).dtype == np.float64
    assert cr.linspace(0, 1).shape == (50,)


# ---------------------------------------------------------------- constant fills


@pytest.mark.parametrize("shape, expected", [(3, (3,)), ((2, 3), (2, 3)), ([4], (4,)),
                                             ((), ())])
def test_zeros_ones_empty_shapes(shape, expected):
    z, o, e = cr.zeros(shape), cr.ones(shape), cr.empty(shape)
    assert z.shape == o.shape == e.shape == expected
    np.testing.assert_array_equal(z.numpy(), np.zeros(expected))
    np.testing.assert_array_equal(o.numpy(), np.ones(expected))
    assert z.dtype == o.dtype == e.dtype == np.float32


def test_zeros_ones_with_dtype_and_requires_grad():
    assert cr.zeros(2, dtype=np.int64).dtype == np.int64
    assert cr.ones(2, dtype="float64").dtype == np.float64
    w = cr.zeros((2, 2), requires_grad=True)
    assert w.requires_grad and w.is_leaf


def test_full():
    t = cr.full((2, 2), 7.5)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.numpy(), np.full((2, 2), 7.5))
    i = cr.full(3, 4)
    assert i.dtype == np.int64
    assert i.tolist() == [4, 4, 4]
    b = cr.full(2, True)
    assert b.dtype == np.bool_
    assert cr.full(2, 1, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(cr.full(2, cr.tensor(3.0)).numpy(), [3.0, 3.0])


def test_eye():
    np.testing.assert_array_equal(cr.eye(3).numpy(), np.eye(3))
    np.testing.assert_array_equal(cr.eye(2, 3, k=1).numpy(), np.eye(2, 3, k=1))
    assert cr.eye(2).dtype == np.float32


def test_like_functions_follow_shape_and_dtype():
    a = cr.tensor(np.arange(6.0).reshape(2, 3))
    for make, value in ((cr.zeros_like, 0.0), (cr.ones_like, 1.0)):
        t = make(a)
        assert t.shape == (2, 3)
        assert t.dtype == np.float64
        np.testing.assert_array_equal(t.numpy(), np.full((2, 3), value))
    f = cr.full_like(a, 2.5)
    assert f.dtype == np.float64
    np.testing.assert_array_equal(f.numpy(), np.full((2, 3), 2.5))
    i = cr.full_like(cr.tensor([1, 2]), 3.7)
    assert i.dtype == np.int64
    assert i.tolist() == [3, 3]
    assert cr.zeros_like(a, dtype=np.float32).dtype == np.float32
    assert cr.empty_like(a).shape == (2, 3)
    assert cr.ones_like(np.zeros((3,), np.int32)).dtype == np.int32
    assert cr.zeros_like([[1.0, 2.0]]).dtype == np.float32


def test_like_functions_do_not_inherit_requires_grad():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    assert cr.zeros_like(x).requires_grad is False
    assert cr.ones_like(x, requires_grad=True).requires_grad is True


def test_created_tensors_are_independent_leaves():
    a = cr.zeros(3)
    b = cr.zeros(3)
    a.numpy()[0] = 1.0
    assert b.numpy()[0] == 0.0


# ---------------------------------------------------------------- random


def test_random_seed_reproduces_draws():
    cr.random.seed(123)
    first = [cr.random.normal(size=(3, 2)), cr.random.uniform(size=4),
             cr.random.randint(0, 10, size=5), cr.random.permutation(6)]
    cr.random.seed(123)
    second = [cr.random.normal(size=(3, 2)), cr.random.uniform(size=4),
              cr.random.randint(0, 10, size=5), cr.random.permutation(6)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    cr.random.seed(124)
    assert not np.array_equal(cr.random.normal(size=(3, 2)).numpy(), first[0].numpy())


def test_random_normal():
    cr.random.seed(0)
    t = cr.random.normal(size=(2, 3))
    assert t.shape == (2, 3)
    assert t.dtype == np.float32
    big = cr.random.normal(loc=5.0, scale=0.5, size=20000)
    assert abs(big.numpy().mean() - 5.0) < 0.05
    assert abs(big.numpy().std() - 0.5) < 0.05
    assert cr.random.normal().shape == ()
    assert cr.random.normal(size=3, dtype=np.float64).dtype == np.float64
    w = cr.random.normal(size=2, requires_grad=True)
    assert w.requires_grad and w.is_leaf


def test_random_uniform():
    cr.random.seed(1)
    t = cr.random.uniform(-2.0, 3.0, size=1000)
    assert t.shape == (1000,)
    assert t.dtype == np.float32
    assert t.numpy().min() >= -2.0 and t.numpy().max() < 3.0
    assert t.numpy().max() - t.numpy().min() > 4.5


def test_random_randint():
    cr.random.seed(2)
    t = cr.random.randint(3, 7, size=(50,))
    assert t.dtype == np.int64
    assert set(t.tolist()) <= {3, 4, 5, 6}
    assert len(set(t.tolist())) == 4
    u = cr.random.randint(4, size=100)
    assert set(u.tolist()) <= {0, 1, 2, 3}
    assert cr.random.randint(5).shape == ()


def test_random_permutation():
    cr.random.seed(3)
    p = cr.random.permutation(10)
    assert p.dtype == np.int64
    assert sorted(p.tolist()) == list(range(10))
    x = cr.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    q = cr.random.permutation(x)
    assert q.shape == (3, 2)
    assert sorted(q.tolist()) == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    np.testing.assert_array_equal(x.numpy(), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def test_random_permutation_along_an_axis_is_numpys():
    """permutation(x, axis=0), as NumPy's Generator: no size= (its shape is x's)."""
    x = cr.tensor(np.arange(12.0).reshape(3, 4))
    cr.random.seed(7)
    got = cr.random.permutation(x, axis=1)
    expected = np.random.default_rng(7).permutation(np.arange(12.0).reshape(3, 4), axis=1)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == x.dtype and not np.shares_memory(got.numpy(), x.numpy())
    assert sorted(got.numpy()[0].tolist()) == [0.0, 1.0, 2.0, 3.0]  # rows stay whole
    cr.random.seed(7)
    np.testing.assert_array_equal(cr.random.permutation(5).numpy(),
                                  np.random.default_rng(7).permutation(5))
    with pytest.raises(np.exceptions.AxisError, match=r"^permutation: axis 2 is out of bounds"
                                                      r".*\(x of shape \(3, 4\), axis=2\)"):
        cr.random.permutation(x, axis=2)
    with pytest.raises(TypeError, match="size"):
        cr.random.permutation(5, size=3)


def test_random_seed_errors():
    with pytest.raises(ValueError, match="finite"):
        cr.random.seed(float("nan"))
    with pytest.raises(TypeError, match="seed"):
        cr.random.seed(-1)


# ---------------------------------------------------------------- bad input


def test_tensor_from_none_raises():
    with pytest.raises(TypeError, match="None"):
        cr.tensor(None)
    with pytest.raises(TypeError, match="None"):
        cr.asarray(None)


@pytest.mark.parametrize("data", ["abc", b"abc"])
def test_tensor_from_string_raises(data):
    with pytest.raises(TypeError, match="string"):
        cr.tensor(data)


@pytest.mark.parametrize("make", [cr.tensor, cr.asarray])
def test_tensor_from_list_of_strings_raises(make):
    with pytest.raises(TypeError, match="numeric|number|string"):
        make(["a", "b"])


@pytest.mark.parametrize("data", [[[1.0, 2.0], [3.0]], [1.0, [2.0, 3.0]],
                                  [[1, 2], [3, 4, 5]]])
def test_ragged_lists_raise(data):
    with pytest.raises((TypeError, ValueError), match="ragged|rectangular"):
        cr.tensor(data)


def test_objects_raise():
    with pytest.raises(TypeError, match="tensor"):
        cr.tensor({"a": 1})
    with pytest.raises(TypeError, match="tensor"):
        cr.tensor(object())
    with pytest.raises(TypeError, match="not numeric|ragged"):
        cr.tensor([1.0, None])


def test_bad_dtype_raises():
    with pytest.raises(TypeError, match="not a dtype"):
        cr.tensor([1.0], dtype="nonsense")
    with pytest.raises(TypeError, match="not a dtype"):
        cr.zeros(2, dtype="nonsense")


def test_bad_shape_raises():
    with pytest.raises(TypeError, match="shape"):
        cr.ones(None)
    with pytest.raises(TypeError, match="shape"):
        cr.zeros(2.5)


@pytest.mark.parametrize("shape", ["ab", "12"])
def test_string_shape_raises(shape):
    # A string is not a sequence of ints: "12" must not silently become shape (1, 2).
    with pytest.raises(TypeError, match="shape"):
        cr.zeros(shape)
