"""Saving tensors to ``.npz`` files and loading them back, without pickle.

``save(obj, path)`` writes a tensor, or nested dicts, lists and tuples of tensors (NumPy
arrays, numbers, strings, booleans and None may sit among them), to one ``.npz`` file:
each array is a ``.npy`` member, and the structure (the nesting, the dict keys, each
tensor's dtype, shape and ``requires_grad``) is JSON in one more member, never a pickle.

``load(path)`` reads such a file with ``allow_pickle=False`` and checks every member
before it allocates anything: the member list, each array's header (numeric dtype only,
no objects), and that the declared shape fits in the bytes the archive really holds. A
file from elsewhere can at worst be refused with a ValueError naming the file and what
is wrong with it; loading never runs code.

What is kept: values, dtypes, shapes, ``requires_grad``. What is not: gradients
(``.grad``; save them explicitly, e.g. ``{"w": w, "w.grad": w.grad}``), the graph (a
computed tensor comes back as a leaf with its values), names, hooks, and the class of a
dialect's tensor (it comes back as a chainrule Tensor).
"""
from __future__ import annotations

import json
import math
import os
import struct
import tempfile
import zipfile
import zlib

import numpy as np

from .tensor import Tensor, wrap

FORMAT = "chainrule"
VERSION = 1
STRUCTURE = "structure"          # the JSON member; the arrays are members "0", "1", ...
MAX_DEPTH = 100                  # nesting of dicts, lists and tuples
MAX_HEADER = 10_000              # bytes of a .npy header (NumPy's own default limit)
# Deflate expands at most about 1032 to 1: a member declaring more than this many bytes
# per compressed byte cannot be honest, and is refused before anything is allocated.
MAX_DEFLATE_RATIO = 1100
_NUMERIC_KINDS = "biufc"          # bool, signed, unsigned, float, complex
_SCALARS = (bool, int, float, str, type(None))


class _Refused(Exception):
    """What is wrong with a file; load() turns it into a ValueError naming the file."""


# ---------------------------------------------------------------- save


def save(obj, path) -> None:
    """Write ``obj`` (a tensor, or nested dicts, lists and tuples of tensors) to ``path``,
    a ``.npz`` file, without pickle; ``load(path)`` gives it back.

    Dict keys are strings or integers. Values, dtypes, shapes and ``requires_grad`` are
    kept; gradients and the graph are not. The file is written next to its destination
    and renamed into place, so an interrupted save never leaves a truncated file."""
    path = _check_path(path, "save")
    arrays: dict = {}
    root = _describe(obj, arrays, depth=0, seen=set(), where="obj")
    header = json.dumps({"format": FORMAT, "version": VERSION, "root": root},
                        allow_nan=False).encode("utf-8")
    members = {STRUCTURE: np.frombuffer(header, dtype=np.uint8)}
    members.update(arrays)
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".chainrule-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as f:
            np.savez(f, **members)  # a file object: NumPy adds no extension
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _describe(obj, arrays: dict, depth: int, seen: set, where: str):
    """The JSON description of obj; its arrays go into ``arrays`` under their numbers."""
    if depth > MAX_DEPTH:
        raise ValueError(f"save: {where} nests deeper than {MAX_DEPTH} levels of dicts, "
                         "lists and tuples")
    if isinstance(obj, Tensor):
        aux = obj._aux
        if aux is not None and getattr(aux, "is_batch", False):
            raise TypeError(f"save: {where} is a tensor batched by vmap; save the results "
                            "once the transform has returned")
        return _array_entry(obj._data, arrays, where, requires_grad=obj._requires_grad,
                            kind="tensor")
    if isinstance(obj, np.ndarray):
        return _array_entry(obj, arrays, where, requires_grad=False, kind="array")
    if isinstance(obj, _SCALARS):
        if isinstance(obj, float) and not math.isfinite(obj):
            return {"type": "float", "value": repr(obj)}
        return {"type": "value", "value": obj}
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in seen:
            raise ValueError(f"save: {where} contains itself; a saved structure must be a "
                             "tree")
        seen.add(id(obj))
        try:
            if isinstance(obj, dict):
                items = []
                for key, value in obj.items():
                    if isinstance(key, bool) or not isinstance(key, (str, int)):
                        raise TypeError(f"save: the key {key!r} in {where} is a "
                                        f"{type(key).__name__}; dict keys must be strings or "
                                        "integers")
                    items.append([key, _describe(value, arrays, depth + 1, seen,
                                                 f"{where}[{key!r}]")])
                return {"type": "dict", "items": items}
            if hasattr(obj, "_fields"):
                raise TypeError(f"save: {where} is a {type(obj).__name__} (a namedtuple); "
                                "save it as a dict (obj._asdict()) or a plain tuple")
            return {"type": type(obj).__name__,
                    "items": [_describe(value, arrays, depth + 1, seen, f"{where}[{i}]")
                              for i, value in enumerate(obj)]}
        finally:
            seen.discard(id(obj))
    raise TypeError(f"save: {where} is a {type(obj).__module__}.{type(obj).__qualname__}; "
                    "only tensors, NumPy arrays, numbers, strings, None and dicts, lists and "
                    "tuples of them can be saved")


def _array_entry(array: np.ndarray, arrays: dict, where: str, requires_grad: bool, kind: str):
    if array.dtype.kind not in _NUMERIC_KINDS or array.dtype.fields is not None:
        raise TypeError(f"save: {where} has dtype {array.dtype}; only bool, integer, float "
                        "and complex arrays can be saved")
    name = str(len(arrays))
    arrays[name] = array.astype(array.dtype.newbyteorder("="), copy=False)
    return {"type": kind, "array": name, "dtype": arrays[name].dtype.str, "shape": list(array.shape),
            "requires_grad": bool(requires_grad)}


# ---------------------------------------------------------------- load


def load(path):
    """What ``save`` wrote to ``path``: tensors (and the dicts, lists and tuples around
    them), read without pickle. A file that is not such a file (not a zip, members missing
    or unexpected, object or oversized arrays, a truncated archive) raises ValueError."""
    path = _check_path(path, "load")
    with open(path, "rb") as f:  # a missing or unreadable file: the usual OSError
        try:
            try:
                archive = zipfile.ZipFile(f)
            except zipfile.BadZipFile:
                raise _Refused("it is not an .npz file (not a zip archive); cr.load reads "
                               "the files cr.save writes") from None
            with archive:
                return _read(archive, os.fstat(f.fileno()).st_size)
        except _Refused as exc:
            raise ValueError(f"load: cannot load {path}: {exc}") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
                zlib.error, struct.error) as exc:
            # A damaged archive: a bad CRC, a truncated member, an offset outside the
            # file (OSError from seek), a broken deflate stream, an unknown compression.
            raise ValueError(f"load: cannot load {path}: the archive is damaged "
                             f"({type(exc).__name__}: {exc})") from None


def _read(archive: zipfile.ZipFile, file_size: int):
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _Refused("the archive has members with the same name")
    if STRUCTURE + ".npy" not in names:
        raise _Refused(f"it has no {STRUCTURE}.npy member, so it was not written by cr.save")
    by_name = {info.filename: info for info in infos}
    header = _read_member(archive, by_name[STRUCTURE + ".npy"], file_size)
    if header.dtype != np.uint8 or header.ndim != 1:
        raise _Refused(f"its {STRUCTURE}.npy member is not the JSON text cr.save writes")
    try:
        description = json.loads(header.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refused(f"its {STRUCTURE}.npy member is not valid JSON") from None
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise _Refused("its structure is not chainrule's")
    if description.get("version") != VERSION:
        raise _Refused(f"it is format version {description.get('version')!r}; this chainrule "
                       f"reads version {VERSION}")
    entries: list = []
    _walk(description.get("root"), entries, depth=0)
    wanted = {entry["array"] + ".npy" for entry in entries}
    if len(wanted) != len(entries):
        raise _Refused("its structure names one array twice")
    extra = sorted(set(names) - wanted - {STRUCTURE + ".npy"})
    if extra:
        raise _Refused(f"it has unexpected members: {', '.join(map(repr, extra[:5]))}")
    missing = sorted(wanted - set(names))
    if missing:
        raise _Refused(f"members are missing: {', '.join(map(repr, missing[:5]))}")
    arrays = {}
    for entry in entries:
        name = entry["array"]
        array = _read_member(archive, by_name[name + ".npy"], file_size)
        if array.dtype.str != entry["dtype"] or list(array.shape) != entry["shape"]:
            raise _Refused(f"array {name} is {array.dtype} of shape {array.shape}, but the "
                           f"structure says {entry['dtype']} of shape {tuple(entry['shape'])}")
        # Owned, writeable, native byte order and C order (not a view of the read buffer).
        arrays[name] = np.array(array, dtype=array.dtype.newbyteorder("="), order="C")
    return _build(description["root"], arrays)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_size: int):
    """One .npy member, its header checked before its data is read."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise _Refused(f"member {name!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Refused(f"member {name!r} uses a compression other than none or deflate")
    if info.compress_size > file_size:
        raise _Refused(f"member {name!r} claims {info.compress_size} bytes, more than the "
                       f"file's {file_size}: the file is truncated")
    if (info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size) or \
            info.file_size > MAX_DEFLATE_RATIO * max(info.compress_size, 1):
        raise _Refused(f"member {name!r} claims to expand to {info.file_size} bytes from "
                       f"{info.compress_size}, which no honest archive does")
    with archive.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(
                    f, max_header_size=MAX_HEADER)
            elif version == (2, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(
                    f, max_header_size=MAX_HEADER)
            else:
                raise _Refused(f"member {name!r} is .npy format {version}; only 1.0 and "
                               "2.0 are read")
        except _Refused:
            raise
        except Exception as exc:  # noqa: BLE001
            # Not .npy, or a header that is not a plain literal. NumPy's header parser
            # raises ValueError, SyntaxError or tokenize's TokenError, depending on how
            # the text is broken; whatever it raises, the file is refused.
            raise _Refused(f"member {name!r} is not a valid .npy array "
                           f"({type(exc).__name__}: {exc})") from None
        if dtype.hasobject or dtype.fields is not None or dtype.kind not in _NUMERIC_KINDS:
            raise _Refused(f"member {name!r} has dtype {dtype}; only bool, integer, float and "
                           "complex arrays are loaded (object arrays would need pickle)")
        count = math.prod(shape)
        data_size = info.file_size - f.tell()
        if count * dtype.itemsize != data_size:
            raise _Refused(f"member {name!r} declares shape {shape} of {dtype} "
                           f"({count * dtype.itemsize} bytes) but holds {data_size} bytes")
        try:
            array = np.frombuffer(f.read(data_size), dtype=dtype, count=count)
        except ValueError:
            raise _Refused(f"member {name!r} is truncated") from None
    return array.reshape(shape, order="F" if fortran_order else "C")


def _walk(node, entries: list, depth: int) -> None:
    """Check a structure read from a file, collecting its array entries in order."""
    if depth > MAX_DEPTH:
        raise _Refused(f"its structure nests deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        raise _Refused("its structure is malformed")
    kind = node["type"]
    if kind in ("tensor", "array"):
        ok = (isinstance(node.get("array"), str) and node["array"].isdigit()
              and isinstance(node.get("dtype"), str)
              and isinstance(node.get("shape"), list)
              and all(type(n) is int and n >= 0 for n in node["shape"])
              and isinstance(node.get("requires_grad"), bool))
        if not ok:
            raise _Refused("its structure has a malformed array entry")
        try:
            dtype = np.dtype(node["dtype"])
        except TypeError:
            raise _Refused(f"its structure names an unknown dtype {node['dtype']!r}") from None
        if node["requires_grad"] and dtype.kind not in "fc":
            raise _Refused(f"its structure marks a {dtype} array as requiring grad; only "
                           "float and complex tensors can")
        entries.append(node)
    elif kind == "value":
        if not isinstance(node.get("value"), _SCALARS):
            raise _Refused("its structure has a malformed value")
    elif kind == "float":
        if node.get("value") not in ("nan", "inf", "-inf"):
            raise _Refused("its structure has a malformed number")
    elif kind in ("dict", "list", "tuple"):
        items = node.get("items")
        if not isinstance(items, list):
            raise _Refused(f"its structure has a malformed {kind}")
        for item in items:
            if kind == "dict":
                if not (isinstance(item, list) and len(item) == 2
                        and type(item[0]) in (str, int)):
                    raise _Refused("its structure has a malformed dict entry")
                item = item[1]
            _walk(item, entries, depth + 1)
    else:
        raise _Refused(f"its structure has an unknown entry type {kind!r}")


def _build(node, arrays: dict):
    kind = node["type"]
    if kind == "tensor":
        out = wrap(arrays[node["array"]])
        if node["requires_grad"]:
            out.requires_grad = True
        return out
    if kind == "array":
        return arrays[node["array"]]
    if kind == "value":
        return node["value"]
    if kind == "float":
        return float(node["value"])
    if kind == "dict":
        return {key: _build(value, arrays) for key, value in node["items"]}
    items = [_build(item, arrays) for item in node["items"]]
    return items if kind == "list" else tuple(items)


def _check_path(path, what: str) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: the path must be a str or os.PathLike, got "
                        f"{type(path).__name__}")
    path = os.fspath(path)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if not path.lower().endswith(".npz"):
        raise ValueError(f"{what}: {path!r} does not end in .npz; chainrule saves and loads "
                         ".npz files only (name it e.g. 'model.npz')")
    return path


__all__ = ["save", "load"]
