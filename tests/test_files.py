"""cr.save / cr.load: round trips of tensors and nested structures, and files that must be
refused (a pickle payload, truncated or damaged archives, wrong extensions, members
missing or unexpected, headers that lie about their size) with a ValueError that names
the file, without running anything."""
import io
import json
import os
import pathlib
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule import serialize


def roundtrip(obj, tmp_path, name="obj.npz"):
    path = tmp_path / name
    cr.save(obj, path)
    return cr.load(path)


def assert_same_tensor(loaded, original):
    assert type(loaded) is cr.Tensor
    assert loaded.dtype == original.dtype
    assert loaded.shape == original.shape
    assert loaded.requires_grad == original.requires_grad
    np.testing.assert_array_equal(loaded.numpy(), original.numpy())
    assert loaded.grad_fn is None and loaded.grad is None


# ---------------------------------------------------------------- round trips


DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
          np.uint8, np.uint64, np.bool_, np.complex64, np.complex128]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 3), (2, 3, 4)], ids=str)
def test_tensor_roundtrip_keeps_values_dtype_shape(tmp_path, dtype, shape):
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(shape) * 100).astype(dtype)
    original = cr.tensor(values)
    assert_same_tensor(roundtrip(original, tmp_path), original)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_requires_grad_is_kept_and_the_loaded_tensor_trains(tmp_path, dtype):
    w = cr.tensor(np.array([[1.0, -2.0], [0.5, 3.0]], dtype=dtype), requires_grad=True)
    loaded = roundtrip(w, tmp_path)
    assert_same_tensor(loaded, w)
    (loaded * loaded).sum().backward()
    np.testing.assert_array_equal(loaded.grad.numpy(), 2 * w.detach().numpy())


def test_special_float_values_survive(tmp_path):
    original = cr.tensor(np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324, 1.7e308]))
    loaded = roundtrip(original, tmp_path)
    np.testing.assert_array_equal(loaded.numpy(), original.numpy())
    assert np.signbit(loaded.numpy()[3])


def test_nested_structure_roundtrip(tmp_path):
    w = cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    original = {
        "layers": [{"w": w, "b": cr.zeros(3)}, {"w": cr.ones((3, 1), dtype=cr.float16)}],
        "pair": (cr.tensor(np.int32(7)), cr.tensor([True, False])),
        "empty": {"list": [], "tuple": (), "dict": {}},
        "step": 1200, "lr": 0.05, "name": "mlp ∂", "done": False, "none": None,
        "nan": float("nan"), "inf": float("-inf"),
        3: "an integer key", "array": np.arange(4, dtype=np.int16),
    }
    loaded = roundtrip(original, tmp_path)
    assert list(loaded) == list(original)  # keys and their order
    assert_same_tensor(loaded["layers"][0]["w"], w)
    assert_same_tensor(loaded["layers"][0]["b"], original["layers"][0]["b"])
    assert_same_tensor(loaded["layers"][1]["w"], original["layers"][1]["w"])
    assert isinstance(loaded["layers"], list) and isinstance(loaded["pair"], tuple)
    assert_same_tensor(loaded["pair"][0], original["pair"][0])
    assert_same_tensor(loaded["pair"][1], original["pair"][1])
    assert loaded["empty"] == {"list": [], "tuple": (), "dict": {}}
    assert (loaded["step"], loaded["lr"], loaded["name"], loaded["done"], loaded["none"]) == \
        (1200, 0.05, "mlp ∂", False, None)
    assert type(loaded["step"]) is int and type(loaded["done"]) is bool
    assert np.isnan(loaded["nan"]) and loaded["inf"] == float("-inf")
    assert loaded[3] == "an integer key"
    assert type(loaded["array"]) is np.ndarray and loaded["array"].dtype == np.int16
    np.testing.assert_array_equal(loaded["array"], np.arange(4))


def test_layouts_come_back_as_plain_native_arrays(tmp_path):
    base = np.arange(24.0).reshape(4, 6)
    cases = {"fortran": np.asfortranarray(base), "strided": base[::2, ::-3],
             "big-endian": base.astype(">f4"), "transposed": base.T}
    loaded = roundtrip({k: cr.tensor(v) for k, v in cases.items()}, tmp_path)
    for key, values in cases.items():
        array = loaded[key].numpy()
        np.testing.assert_array_equal(array, values)
        assert array.dtype.isnative and array.flags.c_contiguous and array.flags.writeable
    assert loaded["big-endian"].dtype == np.float32


def test_computed_and_dialect_tensors_come_back_as_leaves(tmp_path):
    import chainrule.torch as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.sum().backward()
    assert x.grad is not None
    loaded = roundtrip({"x": x, "y": y}, tmp_path)
    for key in ("x", "y"):
        assert type(loaded[key]) is cr.Tensor
        assert loaded[key].requires_grad and loaded[key].grad_fn is None
        assert loaded[key].grad is None  # gradients are not saved (see serialize's doc)
    np.testing.assert_array_equal(loaded["y"].numpy(), [3.0, 6.0])


def test_loaded_arrays_do_not_share_memory_with_each_other_or_the_original(tmp_path):
    a = cr.tensor([1.0, 2.0])
    loaded = roundtrip([a, a], tmp_path)
    loaded[0].numpy()[0] = 99.0
    assert loaded[1].numpy()[0] == 1.0 and a.numpy()[0] == 1.0


def test_save_overwrites_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "model.npz"
    cr.save({"a": cr.ones(2)}, path)
    cr.save({"b": cr.zeros(3)}, str(path))
    assert list(cr.load(str(path))) == ["b"]
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.npz"
    cr.save([cr.ones(2)], path)
    with pytest.raises(TypeError):
        cr.save([cr.zeros(2), object()], path)
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    np.testing.assert_array_equal(cr.load(path)[0].numpy(), [1.0, 1.0])


def test_what_np_load_sees_is_plain_npz(tmp_path):
    """The format is ordinary NumPy: np.load with allow_pickle=False reads every member."""
    path = tmp_path / "m.npz"
    cr.save({"w": cr.tensor([1.5, 2.5], requires_grad=True)}, path)
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["0", "structure"]
        np.testing.assert_array_equal(npz["0"], [1.5, 2.5])
        structure = json.loads(npz["structure"].tobytes())
    assert structure["root"]["items"][0][1]["requires_grad"] is True


# ---------------------------------------------------------------- what save refuses


@pytest.mark.parametrize("obj, message", [
    ({1, 2}, "set"),
    (lambda: 0, "function"),
    ({"f": print}, "builtin_function_or_method"),
    ({1.5: cr.ones(1)}, "dict keys must be strings or integers"),
    ({(1, 2): cr.ones(1)}, "dict keys must be strings or integers"),
    ({True: cr.ones(1)}, "dict keys must be strings or integers"),
    (np.array(["a", "b"]), "dtype <U1"),
    (np.array([object()], dtype=object), "dtype object"),
    (np.zeros(2, dtype=[("a", "f4")]), "only bool, integer, float"),
    (np.zeros(2, dtype="datetime64[s]"), "dtype datetime64"),
    (b"bytes", "bytes"),
], ids=["set", "function", "builtin", "float key", "tuple key", "bool key", "strings",
        "objects", "structured", "datetime", "bytes"])
def test_save_refuses_unsupported_objects(tmp_path, obj, message):
    with pytest.raises(TypeError, match="save: ") as info:
        cr.save(obj, tmp_path / "x.npz")
    assert message in str(info.value)
    assert not os.listdir(tmp_path)


def test_save_refuses_namedtuples_with_advice(tmp_path):
    from collections import namedtuple
    Pair = namedtuple("Pair", "a b")
    with pytest.raises(TypeError, match=r"namedtuple.*_asdict"):
        cr.save(Pair(cr.ones(1), cr.ones(1)), tmp_path / "x.npz")


def test_save_refuses_cycles_and_deep_nesting(tmp_path):
    loop = [cr.ones(1)]
    loop.append(loop)
    with pytest.raises(ValueError, match=r"obj\[1\] contains itself"):
        cr.save(loop, tmp_path / "x.npz")
    deep = cr.ones(1)
    for _ in range(serialize.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(ValueError, match="nests deeper than"):
        cr.save(deep, tmp_path / "x.npz")
    shared = cr.ones(1)
    loaded = roundtrip([[shared], [shared]], tmp_path)  # shared, not cyclic: fine
    assert len(loaded) == 2


def test_save_inside_vmap_is_refused(tmp_path):
    def f(x):
        cr.save(x, tmp_path / "x.npz")
        return x
    with pytest.raises(TypeError, match="batched by vmap"):
        cr.vmap(f)(cr.ones((3, 2)))


@pytest.mark.parametrize("call", ["save", "load"])
@pytest.mark.parametrize("name", ["model.pt", "model.npy", "model", "model.npz.bak",
                                  "model.pkl"])
def test_wrong_extension_is_refused(tmp_path, call, name):
    path = tmp_path / name
    if call == "load":  # a perfectly good file, under a name that is not .npz
        cr.save(cr.ones(2), tmp_path / "good.npz")
        os.rename(tmp_path / "good.npz", path)
        with pytest.raises(ValueError, match=r"does not end in \.npz") as info:
            cr.load(path)
    else:
        with pytest.raises(ValueError, match=r"does not end in \.npz") as info:
            cr.save(cr.ones(2), path)
        assert not path.exists()
    assert name in str(info.value)


@pytest.mark.parametrize("call", [lambda p: cr.save(cr.ones(1), p), cr.load])
@pytest.mark.parametrize("path", [None, 3, io.BytesIO()], ids=["None", "int", "file"])
def test_path_must_be_a_path(call, path):
    with pytest.raises(TypeError, match="the path must be a str or os.PathLike"):
        call(path)


def test_missing_file_is_the_usual_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        cr.load(tmp_path / "nothing.npz")


def test_upper_case_extension_is_accepted(tmp_path):
    assert_same_tensor(roundtrip(cr.ones(2), tmp_path, "MODEL.NPZ"), cr.ones(2))


# ---------------------------------------------------------------- malicious files

MARKER_NAME = "payload-ran"


class Payload:
    """Unpickling this object creates a marker file: proof that code ran."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / MARKER_NAME
    yield path
    assert not path.exists(), "the payload ran"


@pytest.fixture
def no_unpickling(monkeypatch):
    """Belt and braces: any attempt to unpickle during the test fails it."""
    def refuse(*args, **kwargs):
        raise AssertionError("cr.load tried to unpickle")
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)


def members_of(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path, members: dict, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def npy_bytes(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def npy_header(text: str) -> bytes:
    """A .npy 1.0 header around ``text`` (padded as NumPy pads, to 64 bytes)."""
    length = -(-(len(text) + 11) // 64) * 64 - 10
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", length) + \
        text.ljust(length - 1).encode() + b"\n"


def good_file(tmp_path, name="good.npz"):
    path = tmp_path / name
    cr.save({"w": cr.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True),
             "b": [cr.zeros(3, dtype=cr.float32), cr.tensor(np.int64(4))]}, path)
    return path


def test_the_payload_works_when_unpickled(tmp_path, marker):
    """The control: the payload really runs when NumPy is allowed to unpickle, so the
    tests below, where the marker must not appear, can fail."""
    path = tmp_path / "evil.npz"
    np.savez(path, evil=np.array([Payload(marker)], dtype=object))
    with np.load(path, allow_pickle=True) as npz:
        npz["evil"]
    assert marker.exists()
    marker.unlink()


def test_pickled_object_array_member_is_refused(tmp_path, marker, no_unpickling):
    path = good_file(tmp_path)
    members = members_of(path)
    members["0.npy"] = npy_bytes(np.array([Payload(marker)], dtype=object), allow_pickle=True)
    write_zip(path, members)
    with pytest.raises(ValueError, match=r"member '0\.npy' has dtype object.*pickle") as info:
        cr.load(path)
    assert str(path) in str(info.value)


def test_npz_of_only_a_pickle_payload_is_refused(tmp_path, marker, no_unpickling):
    path = tmp_path / "evil.npz"
    np.savez(path, structure=np.array([Payload(marker)], dtype=object))
    with pytest.raises(ValueError, match="has dtype object"):
        cr.load(path)
    np.savez(path, evil=np.array([Payload(marker)], dtype=object))
    with pytest.raises(ValueError, match="no structure.npy member"):
        cr.load(path)


def test_a_raw_pickle_named_npz_is_refused(tmp_path, marker, no_unpickling):
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(ValueError, match=r"not an \.npz file \(not a zip archive\)"):
        cr.load(path)


def test_a_header_that_is_code_is_refused(tmp_path, marker, no_unpickling):
    """The .npy header is a Python literal; one that is an expression is never run."""
    path = good_file(tmp_path)
    members = members_of(path)
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    members["0.npy"] = npy_header("{'descr': " + code + ", 'fortran_order': False, "
                                  "'shape': (3,), }") + bytes(24)
    write_zip(path, members)
    with pytest.raises(ValueError, match=r"member '0\.npy' is not a valid \.npy array"):
        cr.load(path)


def test_every_truncation_is_refused(tmp_path, no_unpickling):
    data = good_file(tmp_path).read_bytes()
    path = tmp_path / "cut.npz"
    for length in range(len(data)):
        path.write_bytes(data[:length])
        with pytest.raises(ValueError, match="cannot load .*cut.npz: "):
            cr.load(path)


def test_every_single_byte_corruption_is_refused_or_harmless(tmp_path, no_unpickling):
    """Flip each byte in turn: the load either refuses with a ValueError or gives the
    original back (the byte was in a field nothing reads, such as a timestamp)."""
    original_path = good_file(tmp_path)
    original, data = cr.load(original_path), original_path.read_bytes()
    path = tmp_path / "flipped.npz"
    refused = 0
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            loaded = cr.load(path)
        except ValueError as exc:
            assert "flipped.npz" in str(exc)
            refused += 1
            continue
        assert list(loaded) == ["w", "b"]
        assert_same_tensor(loaded["w"], original["w"])
        for a, b in zip(loaded["b"], original["b"]):
            assert_same_tensor(a, b)
    assert refused > 0.75 * len(data)  # the rest: timestamps, flags, version fields


@pytest.mark.parametrize("content", [b"", b"hello, world\n", bytes(range(256)) * 8,
                                     b"PK\x03\x04" + bytes(100)],
                         ids=["empty", "text", "random bytes", "zip magic only"])
def test_non_zip_files_are_refused(tmp_path, content):
    path = tmp_path / "junk.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="cannot load .*junk.npz: "):
        cr.load(path)


def test_random_bytes_are_refused(tmp_path):
    rng = np.random.default_rng(7)
    path = tmp_path / "random.npz"
    for size in (1, 22, 100, 4096):
        path.write_bytes(rng.bytes(size))
        with pytest.raises(ValueError, match="not an .npz file"):
            cr.load(path)


def test_a_plain_npy_file_named_npz_is_refused(tmp_path):
    path = tmp_path / "array.npz"
    path.write_bytes(npy_bytes(np.arange(3.0)))
    with pytest.raises(ValueError, match="not a zip archive"):
        cr.load(path)


def test_an_npz_not_written_by_save_is_refused(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.arange(3.0))
    with pytest.raises(ValueError, match="no structure.npy member"):
        cr.load(path)


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update({"evil.npy": npy_bytes(np.ones(2))}), r"unexpected members: 'evil\.npy'"),
    (lambda m: m.update({"../../etc/x": b"hi"}), "unexpected members"),
    (lambda m: m.update({"notes.txt": b"hi"}), "unexpected members"),
    (lambda m: m.pop("1.npy"), r"members are missing: '1\.npy'"),
    (lambda m: m.update({"1.npy": npy_bytes(np.ones(4, dtype=np.float32))}),
     r"array 1 is float32 of shape \(4,\), but the structure says <f4 of shape \(3,\)"),
    (lambda m: m.update({"1.npy": npy_bytes(np.ones(3, dtype=np.int32))}),
     "array 1 is int32"),
    (lambda m: m.update({"0.npy": npy_bytes(np.array(["abc"]))}), "has dtype <U3"),
    (lambda m: m.update({"0.npy": npy_bytes(np.zeros(2, dtype=[("a", "<f8")]))}),
     "only bool, integer, float and complex"),
    (lambda m: m.update({"0.npy": b"not an npy"}), "not a valid .npy array"),
    (lambda m: m.update({"0.npy": npy_bytes(np.arange(6.0))[:-8]}), "holds 40 bytes"),
], ids=["extra npy", "path traversal", "extra text", "missing", "wrong shape", "wrong dtype",
        "strings", "structured", "not npy", "short data"])
def test_archives_with_wrong_members_are_refused(tmp_path, change, message):
    path = good_file(tmp_path)
    members = members_of(path)
    change(members)
    write_zip(path, members)
    with pytest.raises(ValueError, match=message):
        cr.load(path)


def test_duplicate_member_names_are_refused(tmp_path):
    path = good_file(tmp_path)
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("0.npy", npy_bytes(np.zeros((2, 3))))
    with pytest.raises(ValueError, match="same name"):
        cr.load(path)


def structure_file(tmp_path, structure, arrays=()) -> pathlib.Path:
    path = tmp_path / "forged.npz"
    text = structure if isinstance(structure, str) else json.dumps(structure)
    members = {"structure.npy": npy_bytes(np.frombuffer(text.encode(), dtype=np.uint8))}
    for i, array in enumerate(arrays):
        members[f"{i}.npy"] = npy_bytes(array)
    write_zip(path, members)
    return path


def entry(**changes):
    base = {"type": "tensor", "array": "0", "dtype": "<i8", "shape": [2],
            "requires_grad": False}
    base.update(changes)
    return base


def wrapped(root, **changes):
    return dict({"format": "chainrule", "version": 1, "root": root}, **changes)


@pytest.mark.parametrize("structure, message", [
    ("{not json", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ('"just a string"', "not chainrule's"),
    (wrapped(entry(), format="pickle"), "not chainrule's"),
    (wrapped(entry(), version=2), "format version 2"),
    (wrapped(entry(requires_grad=True)), "marks a int64 array as requiring grad"),
    (wrapped(entry(type="eval", source="print(1)")), "unknown entry type 'eval'"),
    (wrapped(entry(dtype="object")), "does not match|is int64|unknown dtype|array 0"),
    (wrapped(entry(dtype="not a dtype")), "unknown dtype"),
    (wrapped(entry(shape=[-1])), "malformed array entry"),
    (wrapped(entry(shape=[True, 2])), "malformed array entry"),
    (wrapped(entry(array="../0")), "malformed array entry"),
    (wrapped({"type": "list", "items": [entry(), entry()]}), "names one array twice"),
    (wrapped({"type": "dict", "items": [[1.5, entry()]]}), "malformed dict entry"),
    (wrapped({"type": "dict", "items": {"a": entry()}}), "malformed dict"),
    (wrapped({"type": "value", "value": [1, 2]}), "malformed value"),
    (wrapped({"type": "float", "value": "1e999999"}), "malformed number"),
    (wrapped(json.loads("[" * 200 + "0" + "]" * 200)), "malformed"),
], ids=["not json", "deep json", "string", "other format", "version", "int requires grad",
        "unknown type", "dtype mismatch", "bad dtype", "negative shape", "bool shape",
        "path-like array name", "array twice", "float key", "dict of dict", "list value",
        "float text", "nested lists"])
def test_forged_structures_are_refused(tmp_path, structure, message):
    path = structure_file(tmp_path, structure, [np.array([1, 2])])
    with pytest.raises(ValueError, match=message):
        cr.load(path)


def test_deep_structure_is_refused_without_recursion_error(tmp_path):
    root = entry()
    for _ in range(serialize.MAX_DEPTH + 1):
        root = {"type": "list", "items": [root]}
    path = structure_file(tmp_path, wrapped(root), [np.array([1, 2])])
    with pytest.raises(ValueError, match="nests deeper than"):
        cr.load(path)


def patch_sizes(path, member: str, uncompressed: int) -> None:
    """Make the zip headers (local and central) of ``member`` claim another uncompressed
    size, as a forged archive would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while True:
            at = data.find(signature, start)
            assert at >= 0, f"no {signature!r} header for {member}"
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, uncompressed)
                break
            start = at + 4
    path.write_bytes(bytes(data))


def huge_header(count: int) -> bytes:
    return npy_header(f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({count},), }}")


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED],
                         ids=["stored", "deflated"])
def test_huge_declared_shapes_are_refused_before_allocating(tmp_path, compression):
    path = structure_file(tmp_path, wrapped(entry(dtype="<f8", shape=[10**12])))
    members = members_of(path)
    members["0.npy"] = huge_header(10**12) + bytes(64)
    write_zip(path, members, compression)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"declares shape \(1000000000000,\)"):
            cr.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20, f"{peak / 2**20:.0f} MB allocated while refusing"


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED],
                         ids=["stored", "deflated"])
def test_zip_headers_lying_about_size_are_refused_before_allocating(tmp_path, compression):
    """Shape and zip header agree (500 million float64, 4 GB) but the archive holds a few
    hundred bytes: refused from the sizes alone."""
    count = 500_000_000
    path = structure_file(tmp_path, wrapped(entry(dtype="<f8", shape=[count])))
    members = members_of(path)
    members["0.npy"] = huge_header(count) + bytes(64)
    write_zip(path, members, compression)
    patch_sizes(path, "0.npy", 128 + 8 * count)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="no honest archive does|damaged|claims"):
            cr.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20, f"{peak / 2**20:.0f} MB allocated while refusing"


def test_compressed_files_written_by_hand_load(tmp_path):
    """A file in the format with deflated members (np.savez_compressed) is read too."""
    path = good_file(tmp_path)
    members = members_of(path)
    write_zip(path, members, zipfile.ZIP_DEFLATED)
    np.testing.assert_array_equal(cr.load(path)["w"].numpy(), np.arange(6.0).reshape(2, 3))


def test_encrypted_members_are_refused(tmp_path):
    path = good_file(tmp_path)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")  # the first central directory entry
    data[at + 8] |= 0x1            # its general purpose flags: encrypted
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="is encrypted"):
        cr.load(path)


@pytest.fixture(scope="module")
def deflated_file(tmp_path_factory):
    """A saved file rewritten with deflated members, and what it holds."""
    path = good_file(tmp_path_factory.mktemp("deflated"))
    members = members_of(path)
    write_zip(path, members, zipfile.ZIP_DEFLATED)
    return path.read_bytes(), cr.load(path)


# A load takes well under a millisecond: ten times the profile's examples (100 in the
# default profile, 1,000 with --hypothesis-profile=long).
@settings(max_examples=10 * settings().max_examples, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                      max_size=8),
       cut=st.none() | st.tuples(st.integers(0, 10**6), st.integers(1, 40)))
def test_random_damage_is_refused_or_harmless(tmp_path, deflated_file, edits, cut):
    """Random bytes overwritten, and a random run removed, in a file whose members are
    compressed (so the deflate decoder sees the damage too): a ValueError, or the
    original back, never another exception and never different values."""
    data, original = deflated_file
    damaged = bytearray(data)
    for position, value in edits:
        damaged[position % len(damaged)] = value
    if cut is not None:
        start = cut[0] % len(damaged)
        del damaged[start:start + cut[1]]
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(damaged))
    try:
        loaded = cr.load(path)
    except ValueError as exc:
        assert "damaged.npz" in str(exc)
        return
    assert list(loaded) == ["w", "b"]
    assert_same_tensor(loaded["w"], original["w"])
    for a, b in zip(loaded["b"], original["b"]):
        assert_same_tensor(a, b)
