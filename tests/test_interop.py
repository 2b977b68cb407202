"""DLPack exchange with NumPy, PyTorch and JAX; copy, deepcopy and pickle of tensors;
chainrule.numpy.random."""
import copy
import pathlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy.random as crr
from chainrule.errors import NoGradientError
from chainrule.interop import DLPackExportError

DTYPES = ["float16", "float32", "float64", "int8", "int32", "int64", "uint8", "bool",
          "complex64", "complex128"]
PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def _values(dtype, shape=(2, 3)):
    return (np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype)


def _changed(value):
    """Another value of value's dtype (for writing through one side, reading the other)."""
    return np.logical_not(value) if value.dtype == bool else value + 1


def _shares(tensor, array) -> bool:
    return np.shares_memory(tensor._data, array)


# ---------------------------------------------------------------- DLPack with NumPy


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_round_trip_shares_memory(dtype):
    source = _values(dtype)
    t = cr.from_dlpack(source)
    assert type(t) is cr.Tensor and t.dtype == source.dtype and t.shape == source.shape
    assert _shares(t, source) and not t.requires_grad
    exported = np.from_dlpack(t)
    assert np.shares_memory(exported, source)
    new = _changed(source[0, 0])
    exported[0, 0] = new               # written through NumPy, read through the tensor
    assert t[0, 0].item() == new
    new = _changed(source[1, 2])
    t[1, 2] = new                      # written through the tensor, read through NumPy
    assert exported[1, 2] == source[1, 2] == new


@pytest.mark.parametrize("view", ["0-d", "strided", "transposed", "offset", "empty"])
def test_numpy_views_keep_shape_strides_and_memory(view):
    base = np.arange(24.0).reshape(4, 6)
    source = {"0-d": base[1, 2, ...], "strided": base[::2, ::3],
              "transposed": base.T, "offset": base[1:, 2:], "empty": base[:0]}[view]
    t = cr.from_dlpack(source)
    back = np.from_dlpack(t)
    assert t.shape == back.shape == source.shape
    assert back.strides == source.strides
    np.testing.assert_array_equal(back, source)
    if source.size:
        assert np.shares_memory(back, base) and _shares(t, base)


def test_a_chainrule_tensor_is_a_dlpack_exporter():
    t = cr.tensor([1.0, 2.0])
    assert t.__dlpack_device__() == (1, 0)       # kDLCPU, device 0
    u = cr.from_dlpack(t)
    assert u is not t and u._data is not t._data and np.shares_memory(u._data, t._data)
    import chainrule.torch as torch_dialect
    d = torch_dialect.ones(3)
    assert np.shares_memory(np.from_dlpack(d), d._data)   # the dialects inherit it


def test_copy_argument():
    source = np.arange(3.0)
    assert not _shares(cr.from_dlpack(source, copy=True), source)
    assert _shares(cr.from_dlpack(source, copy=False), source)
    copied = np.from_dlpack(cr.asarray(source), copy=True)
    assert not np.shares_memory(copied, source)
    np.testing.assert_array_equal(copied, source)


@pytest.mark.parametrize("computed", [False, True])
def test_export_of_a_tensor_that_requires_grad_is_refused(computed):
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    t = x * 2 if computed else x
    for export in (lambda: t.__dlpack__(), lambda: np.from_dlpack(t),
                   lambda: cr.from_dlpack(t)):
        with pytest.raises(DLPackExportError,
                           match=r"cannot export a tensor that requires grad \(shape \(2,\), "
                                 r"float32\).*call \.detach\(\) first") as info:
            export()
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, BufferError)
    detached = np.from_dlpack(t.detach())
    assert np.shares_memory(detached, t._data)


def test_read_only_data_is_exported_read_only():
    source = np.arange(3.0)
    source.flags.writeable = False
    t = cr.from_dlpack(source)
    assert _shares(t, source) and not t._data.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 5.0
    assert not np.from_dlpack(t).flags.writeable     # DLPack 1.0 carries the flag
    with pytest.raises(BufferError, match="readonly"):   # older consumers are refused
        t.__dlpack__()


def test_from_dlpack_of_a_non_exporter_says_what_to_pass():
    with pytest.raises(TypeError, match=r"from_dlpack: a list has no __dlpack__ method.*"
                                        r"chainrule\.asarray"):
        cr.from_dlpack([1.0, 2.0])


# ---------------------------------------------------------------- DLPack with PyTorch


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_round_trip_shares_memory(dtype):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    t = cr.asarray(_values(dtype))
    exported = torch.from_dlpack(t)
    assert exported.data_ptr() == t._data.ctypes.data
    assert str(exported.dtype) == f"torch.{dtype}"
    exported[0, 0] = bool(not exported[0, 0]) if dtype == "bool" else exported[0, 0] + 1
    np.testing.assert_array_equal(t._data, exported.numpy())
    back = cr.from_dlpack(exported)
    assert back._data.ctypes.data == exported.data_ptr() and back.dtype == t.dtype


def test_torch_views_and_refusals():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    source = torch.arange(12.0).reshape(3, 4).T
    t = cr.from_dlpack(source)
    assert t.shape == (4, 3)
    assert t._data.strides == tuple(s * source.element_size() for s in source.stride())
    source[0, 1] = 100.0
    assert t[0, 1].item() == 100.0
    with pytest.raises(DLPackExportError, match=r"\.detach\(\) first"):
        torch.from_dlpack(cr.ones(2, requires_grad=True))
    with pytest.raises(BufferError, match=r"from_dlpack: could not import the Tensor: .*"
                                          r"require gradient"):
        cr.from_dlpack(torch.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError, match=r"from_dlpack: could not import the Tensor: .*"
                                           r"dtype"):
        cr.from_dlpack(torch.ones(2, dtype=torch.bfloat16))   # NumPy has no bfloat16


# ---------------------------------------------------------------- DLPack with JAX


def _aligned(n, dtype):
    """An array whose data is 64-byte aligned: JAX on CPU copies buffers that are not."""
    raw = np.zeros(n * np.dtype(dtype).itemsize + 64, np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start:start + n * np.dtype(dtype).itemsize].view(dtype)


@pytest.mark.parametrize("dtype", ["float16", "float32", "int32", "uint8", "bool",
                                   "complex64"])
def test_jax_round_trip_shares_memory(dtype):
    jax = pytest.importorskip("jax", reason="JAX is not installed")
    import jax.numpy as jnp
    source = _aligned(8, dtype)
    t = cr.asarray(source)
    for importer in (jnp.from_dlpack, jax.dlpack.from_dlpack):
        exported = importer(t)
        assert exported.dtype == source.dtype
        assert exported.unsafe_buffer_pointer() == source.ctypes.data
    t[3] = True if dtype == "bool" else 7
    assert exported[3].item() == t[3].item()
    back = cr.from_dlpack(exported)
    assert back._data.ctypes.data == exported.unsafe_buffer_pointer()
    assert not back._data.flags.writeable        # JAX arrays are immutable


def test_jax_refuses_a_tensor_that_requires_grad():
    pytest.importorskip("jax", reason="JAX is not installed")
    import jax.numpy as jnp
    with pytest.raises(DLPackExportError, match=r"\.detach\(\) first"):
        jnp.from_dlpack(cr.ones(2, requires_grad=True))


# ---------------------------------------------------------------- copy, deepcopy, pickle


def _pickled(protocol):
    return lambda t: pickle.loads(pickle.dumps(t, protocol=protocol))


COPIES = {"copy": copy.copy, "deepcopy": copy.deepcopy,
          **{f"pickle{p}": _pickled(p) for p in PROTOCOLS}}


def _leaf(dtype="float64"):
    x = cr.tensor([[1.0, -2.0, 3.0]], dtype=dtype, requires_grad=True, name="w")
    if x.dtype.kind == "c":
        with cr.no_grad():
            x += 2j
    (x * x).real.sum().backward()
    return x


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("dtype", ["float16", "float64", "complex128"])
def test_leaf_copies_keep_value_dtype_requires_grad_grad_and_name(how, dtype):
    x = _leaf(dtype)
    c = COPIES[how](x)
    assert type(c) is type(x) and c is not x and c.is_leaf
    assert c.dtype == x.dtype and c.requires_grad == x.requires_grad and c.name == "w"
    np.testing.assert_array_equal(c.numpy(), x.numpy())
    np.testing.assert_array_equal(c.grad.numpy(), x.grad.numpy())
    assert c.grad.dtype == x.grad.dtype
    # independent: values and gradients are new memory
    assert not np.shares_memory(c._data, x._data)
    assert not np.shares_memory(c.grad._data, x.grad._data)
    before = x.grad.numpy().copy()
    with cr.no_grad():
        c.grad += 1
        c += 1
    np.testing.assert_array_equal(x.grad.numpy(), before)
    assert not np.array_equal(c.numpy(), x.numpy())


@pytest.mark.parametrize("how", COPIES)
def test_a_copied_leaf_accumulates_its_own_gradient(how):
    x = _leaf()
    c = COPIES[how](x)
    (3 * c).sum().backward()
    np.testing.assert_array_equal(c.grad.numpy(), 2 * x.numpy() + 3)
    np.testing.assert_array_equal(x.grad.numpy(), 2 * x.numpy())


@pytest.mark.parametrize("how", COPIES)
def test_non_leaf_copies_are_detached_values(how):
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    c = COPIES[how](y)
    assert c.is_leaf and c.grad_fn is None and not c.requires_grad and c.grad is None
    np.testing.assert_array_equal(c.numpy(), y.numpy())
    with pytest.raises(NoGradientError):
        c.sum().backward()


@pytest.mark.parametrize("how", COPIES)
def test_hooks_and_versions_are_not_copied(how):
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g) or g)
    with cr.no_grad():
        x += 1                                     # moves x's version counter
    c = COPIES[how](x)
    (c * 2).sum().backward()
    assert seen == [] and c._version is None
    np.testing.assert_array_equal(c.grad.numpy(), [2.0, 2.0])


def test_pickle_holds_no_graph():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum() * x
    assert pickle.dumps(y) == pickle.dumps(y.detach())
    loaded = pickle.loads(pickle.dumps({"y": y, "x": x}))
    assert loaded["y"].grad_fn is None and loaded["x"].grad_fn is None
    assert b"graph" not in pickle.dumps(y) and b"Node" not in pickle.dumps(y)


@pytest.mark.parametrize("how", ["deepcopy", *[f"pickle{p}" for p in PROTOCOLS]])
def test_containers_keep_shared_identity(how):
    x, y = _leaf(), cr.tensor([5.0])
    tree = {"a": x, "b": [x, y, (y, x)], "grad": x.grad}
    c = COPIES[how](tree)
    assert c["a"] is c["b"][0] is c["b"][2][1] and c["b"][1] is c["b"][2][0]
    assert c["a"] is not x and c["grad"] is c["a"].grad   # the gradient is one object too
    np.testing.assert_array_equal(c["b"][1].numpy(), [5.0])


def _dialect_tensors():
    import chainrule.djl as djl
    import chainrule.jax.numpy as jnp
    import chainrule.mxnet as mx
    import chainrule.tensorflow as tf
    import chainrule.torch as torch_dialect
    return {"torch": torch_dialect.ones(2, requires_grad=True),
            "tensorflow": tf.constant([1.0, 2.0]),
            "tensorflow-variable": tf.Variable([1.0, 2.0], name="v"),
            "jax": jnp.ones(2), "jax-weak": jnp.asarray(2.0),
            "mxnet": mx.np.array([1.0, 2.0]),
            "djl": djl.NDManager.newBaseManager().create(np.ones(2, np.float32))}


@pytest.mark.parametrize("how", COPIES)
def test_dialect_tensors_keep_their_class_and_state(how):
    import chainrule.jax._rules as jax_rules
    for kind, t in _dialect_tensors().items():
        c = COPIES[how](t)
        assert type(c) is type(t), kind
        np.testing.assert_array_equal(c._data, t._data)
        assert c.requires_grad == t.requires_grad, kind
        assert jax_rules.is_weak(c) == jax_rules.is_weak(t), kind
        assert repr(c) == repr(t), kind


@pytest.mark.parametrize("how", COPIES)
def test_tensorflow_variables_stay_trainable_and_slices_keep_their_variable(how):
    import chainrule.tensorflow as tf
    trainable, frozen = tf.Variable([1.0, 2.0]), tf.Variable([3.0], trainable=False)
    assert COPIES[how](trainable).trainable and not COPIES[how](frozen).trainable
    with tf.GradientTape() as tape:
        v = COPIES[how](trainable)           # watched as trainable variables are
        y = tf.reduce_sum(v * v)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0])
    if how == "copy":                        # a shallow copy of a slice shares its variable
        copy.copy(trainable[1]).assign(9.0)
        np.testing.assert_array_equal(trainable.numpy(), [1.0, 9.0])
        return
    pair = COPIES[how]((trainable, trainable[1]))
    pair[1].assign(9.0)                      # the copied slice writes its variable's copy
    np.testing.assert_array_equal(pair[0].numpy(), [1.0, 9.0])
    np.testing.assert_array_equal(trainable.numpy(), [1.0, 2.0])


def test_a_pickle_loads_in_a_fresh_process():
    import chainrule.torch as torch_dialect
    x = torch_dialect.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    code = ("import pickle, sys; t = pickle.loads(sys.stdin.buffer.read()); "
            "print(type(t).__module__, type(t).__name__, t.requires_grad, t.grad.tolist(), "
            "t.tolist())")
    # run in this checkout (python -c puts the working directory first on the path)
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(x),
                         cwd=pathlib.Path(__file__).parent.parent, capture_output=True,
                         check=True).stdout.decode().split()
    assert out == ["torch", "Tensor", "True", "[2.0,", "4.0]", "[1.0,", "2.0]"]


class Point(cr.Tensor):
    """A user's tensor subclass, defined at the top of a module."""
    __slots__ = ()


def test_user_subclasses():
    from chainrule.tensor import as_class
    p = as_class(cr.tensor([1.0]), Point)
    assert type(pickle.loads(pickle.dumps(p))) is Point

    class Local(cr.Tensor):
        __slots__ = ()
    local = as_class(cr.tensor([1.0]), Local)
    assert type(copy.deepcopy(local)) is Local       # copies need no import
    with pytest.raises(TypeError, match=r"cannot pickle a test_user_subclasses.<locals>.Local"
                                        r": the class is not reachable by its module"):
        pickle.dumps(local)


def test_copies_and_exports_inside_transforms_are_refused():
    x = cr.tensor([1.0, 2.0], dtype=cr.float64)
    for what, leave in (("copy or pickle", copy.copy), ("export", np.from_dlpack)):
        with pytest.raises(RuntimeError, match=rf"cannot {what} a tensor inside jvp or "
                                               r"vmap \(shape \(2,\)\)"):
            cr.jvp(lambda v: leave(v) * 2, (x,), (cr.ones_like(x),))
        with pytest.raises(RuntimeError, match=rf"cannot {what} a tensor inside jvp or "
                                               r"vmap \(shape \(\)\)"):
            cr.vmap(lambda v: leave(v) * 2)(x)
    # the recorded copy is the differentiable one
    _, tangent = cr.jvp(lambda v: v.copy() * 2, (x,), (cr.ones_like(x),))
    np.testing.assert_array_equal(tangent.numpy(), [2.0, 2.0])


# ---------------------------------------------------------------- chainrule.numpy.random


def test_every_numpy_random_name_is_there():
    missing = [name for name in np.random.__all__ if not hasattr(crr, name)]
    assert not missing and len(np.random.__all__) > 50
    assert crr.default_rng is np.random.default_rng and crr.Generator is np.random.Generator


@pytest.mark.parametrize("draw", [
    lambda r: r.rand(2, 3), lambda r: r.randn(4), lambda r: r.random((2,)),
    lambda r: r.normal(1.0, 2.0, size=3), lambda r: r.uniform(-1, 1, 5),
    lambda r: r.randint(0, 10, size=6), lambda r: r.choice(5, 3),
    lambda r: r.permutation(6), lambda r: r.standard_normal((2, 2)),
    lambda r: r.multivariate_normal([0.0, 0.0], np.eye(2), 2)])
def test_seed_reproduces_numpys_stream(draw):
    crr.seed(7)
    first = draw(crr)
    crr.seed(7)
    again = draw(crr)
    np.random.seed(7)
    numpy_draw = draw(np.random)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, numpy_draw)
    assert type(first) is type(numpy_draw) and np.asarray(first).dtype == numpy_draw.dtype


def test_generators_reproduce():
    a, b = crr.default_rng(3), crr.default_rng(3)
    np.testing.assert_array_equal(a.normal(size=4), b.normal(size=4))
    np.testing.assert_array_equal(crr.RandomState(3).randn(2), np.random.RandomState(3).randn(2))


def test_tensors_without_grad_are_constants():
    crr.seed(1)
    drawn = crr.uniform(cr.zeros(3), cr.tensor(2.0))
    np.random.seed(1)
    np.testing.assert_array_equal(drawn, np.random.uniform(np.zeros(3, np.float32), 2.0))
    crr.seed(1)
    picked = crr.choice(cr.arange(10), 4)
    np.random.seed(1)
    np.testing.assert_array_equal(picked, np.random.choice(np.arange(10), 4))


def test_tensors_that_require_grad_are_refused_with_the_differentiable_way():
    x = cr.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.random.normal: loc is a tensor that requires "
                                        r"grad \(shape \(2,\)\).*loc \+ scale \* np.random"):
        crr.normal(loc=x)
    with pytest.raises(TypeError, match=r"numpy.random.choice: argument 0 is a tensor.*"
                                        r"x\[np.random.choice\(len\(x\), size\)\]"):
        crr.choice(x, 1)
    with pytest.raises(TypeError, match=r"numpy.random.normal: argument 0 is a tensor"):
        crr.normal([x, x])


def test_tensors_inside_jvp_and_vmap_are_refused():
    # Their tangents would be dropped, and under vmap their data is the whole batch.
    x = cr.tensor([1.0, 2.0], dtype=cr.float64)
    with pytest.raises(TypeError, match=r"numpy.random.normal: loc is a tensor that is being "
                                        r"transformed \(jvp, vmap\).*standard_normal"):
        cr.jvp(lambda v: v + crr.normal(loc=v), (x,), (cr.ones_like(x),))
    with pytest.raises(TypeError, match=r"numpy.random.permutation: argument 0 is a tensor "
                                        r"that is being transformed.*permutation\(len\(x\)\)"):
        cr.vmap(lambda v: crr.permutation(v))(cr.ones((2, 3)))
    # a detached value is a constant, and the transformed tensor's own tangent remains
    _, tangent = cr.jvp(lambda v: v + crr.normal(loc=v.detach()), (x,), (cr.ones_like(x),))
    np.testing.assert_array_equal(tangent.numpy(), [1.0, 1.0])


def test_shuffle_of_a_tensor():
    x = cr.arange(6.0)
    crr.seed(2)
    crr.shuffle(x)
    expected = np.arange(6.0, dtype=np.float32)
    np.random.seed(2)
    np.random.shuffle(expected)
    np.testing.assert_array_equal(x.numpy(), expected)
    # a computed tensor is shuffled by a recorded assignment: gradients follow the values
    w = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w * 10
    crr.shuffle(y)
    (y * cr.tensor([1.0, 0.0, 0.0])).sum().backward()
    first = w.numpy() * 10 == y.detach().numpy()[0]      # the value shuffled to the front
    np.testing.assert_array_equal(w.grad.numpy(), np.where(first, 10.0, 0.0))
    with pytest.raises(cr.errors.LeafInPlaceError, match="numpy.random.shuffle: a leaf"):
        crr.shuffle(w)
    with pytest.raises(TypeError, match="cannot shuffle a 0-d tensor"):
        crr.shuffle(cr.tensor(1.0))
