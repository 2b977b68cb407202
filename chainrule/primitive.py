"""Primitives: one table entry each, and the dispatch that runs and records them.

A primitive is called with its tensor inputs first and its static parameters after
(``sum_p(x, axis, keepdims, shape)``). When no input is a Tensor it is plain NumPy and
returns an ndarray: that is how the derivative rules, written in these same primitives,
run at NumPy speed in an ordinary backward pass and build a differentiable graph when the
backward pass is itself recorded (``create_graph=True``).

A VJP rule for input i is called as ``rule(g, ans, *inputs, *params)``: ``g`` is the
cotangent of the output, ``ans`` the output (None unless the entry saves it), ``inputs``
the inputs (None unless the entry saves them). Rules return a cotangent for their input,
or None for zero; the engine reduces broadcast cotangents to the input's shape.
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .dtypes import SCALAR_TYPES, weak_scalar
from .graph import Node, epoch, grad_state, next_seq
from .tensor import Tensor, share_version

ndarray = np.ndarray
asarray = np.asarray
_new = object.__new__


class Primitive:
    """The table entry of one primitive: forward, rules, and what the engine must know."""

    __slots__ = ("name", "impl", "nin", "vjps", "jvp", "batch", "save_inputs",
                 "save_output", "releases", "aliases", "view", "differentiable", "domain",
                 "backward_name", "call", "public", "donating", "accumulating", "__dict__")

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


_dispatch = []


def transform_call(prim, args, n):
    """A call with tangents or batched values among its inputs: vmap's batching rules
    or forward mode's JVP rules take it from here."""
    if not _dispatch:
        from .transform_dispatch import dispatch
        _dispatch.append(dispatch)
    return _dispatch[0](prim, args, n)


def is_batched(x) -> bool:
    return x._aux is not None and x._aux.is_batch


class EachInput:
    """The VJP rules of a variadic primitive: one function that takes the input index."""

    __slots__ = ("rule",)

    def __init__(self, rule) -> None:
        self.rule = rule

    def __getitem__(self, index: int):
        rule = self.rule
        return lambda g, ans, *args: rule(index, g, ans, *args)

    def __len__(self) -> int:
        return 1 << 30


def primitive(name: str, impl, vjps=None, *, nin: int = 1, save: str = "inputs",
              aliases: bool = False, view: bool = False, jvp=None, batch=None,
              domain=None, variadic: bool = False, backward_name: str | None = None,
              donate=None, accumulate=None):
    """Declare a primitive and return the function that applies it.

    ``vjps``: one rule per tensor input (a tuple), or ``EachInput(rule)`` for variadic
    primitives; None declares the primitive not differentiable (its outputs never require
    grad). ``save``: "inputs", "output", "both", "params" or "none", what the rules read
    ("params": state kept in the parameters, such as a custom rule's residuals). A sweep
    without retain_graph releases what a node saved; nodes that saved nothing stay usable.
    ``aliases``: a rule may return ``g`` itself or a view of it (the engine then copies
    before handing it to a user). ``view``: the output shares the input's memory.
    ``variadic``: all but the last ``nin`` arguments are tensor inputs (``nin`` then counts
    the parameters). ``donate``: for large arrays, an in-place variant of each VJP rule
    (NumPy, same formula) that may write its result into ``g`` when the sweep owns it.
    ``accumulate``: for large arrays, a variant of each VJP rule (or None) that adds its
    result into the input's pending cotangent ``prev``, as ``variant(prev, g, ans, *args)``,
    returning False when it cannot (e.g. a shape that needs broadcasting); the sweep uses
    it when it owns ``prev``: subtracting g, or adding g into a slice, is one pass.
    """
    if save not in ("inputs", "output", "both", "params", "none"):
        raise ValueError(f"{name}: unknown save {save!r}")
    prim = Primitive()
    prim.name = name
    prim.impl = impl
    prim.nin = nin
    prim.vjps = tuple(vjps) if isinstance(vjps, list) else vjps
    prim.jvp = _jvp_rule(jvp, prim) if vjps is not None else None
    prim.batch = _batch_rule(batch)
    prim.save_inputs = save in ("inputs", "both")
    prim.save_output = save in ("output", "both")
    prim.releases = save != "none"
    prim.aliases = aliases
    prim.view = view
    prim.differentiable = vjps is not None
    prim.domain = domain
    prim.donating = tuple(donate) if donate is not None else None
    prim.accumulating = tuple(accumulate) if accumulate is not None else None
    prim.public = None  # the fast paths set a variant for the public API below
    prim.backward_name = backward_name or (
        "".join(part.capitalize() for part in name.split("_")) + "Backward")
    if vjps is None:
        if not variadic and nin == 2 and _arity(impl) == 2:
            call = _nondiff_binary_call(prim)  # comparisons, in every while condition
        else:
            call = _nondiff_call(prim, variadic)
    elif variadic:
        call = _general_call(prim, variadic=True)
    elif nin == 1 and _arity(impl) == 1:
        call = _unary_call(prim)
        prim.public = _unary_call(prim, public=True)
    elif nin == 2 and _arity(impl) == 2:
        call = _binary_call(prim)
        prim.public = _binary_call(prim, public=True)
    else:
        call = _general_call(prim)
    call.prim = prim
    call.__name__ = name
    call.__qualname__ = name
    prim.call = call
    return call


def into(ufunc, g, *others):
    """``ufunc(g, *others)`` written into the donated ``g`` (a new array if a dtype would
    change: the result must be exactly the canonical rule's)."""
    for other in others:
        if isinstance(other, ndarray) and other.dtype != g.dtype and other.dtype.kind != "b":
            return ufunc(g, *others)
    return ufunc(g, *others, out=g)


# ------------------------------------------------------------------ rule shorthands
#
# Most JVP rules follow from the VJP rules: for an elementwise primitive the Jacobian is
# diagonal, so J·t is the VJP rule applied to t; a linear primitive is its own JVP; a
# reduction's JVP sums t against the local derivative its VJP rule gives for g = 1.


def _jvp_rule(jvp, prim):
    if jvp is None:
        raise ValueError(f"{prim.name}: a differentiable primitive needs a JVP rule")
    if callable(jvp):
        return jvp
    if jvp == "elementwise":
        return _elementwise_jvp(prim)
    if jvp == "linear":
        return _linear_jvp(prim)
    if jvp == "reduction":
        return _reduction_jvp(prim)
    raise ValueError(f"{prim.name}: unknown JVP shorthand {jvp!r}")


def _elementwise_jvp(prim):
    def jvp(tangents, ans, *args):
        total = None
        for rule, t in zip(prim.vjps, tangents):
            if t is None or rule is None:
                continue
            term = rule(t, ans, *args)
            if term is None:  # a rule's None is a zero derivative (copysign in y)
                continue
            total = term if total is None else total + term
        return total
    return jvp


def _linear_jvp(prim):
    def jvp(tangents, ans, x, *params):
        return prim.call(tangents[0], *params)
    return jvp


def _reduction_jvp(prim):
    def jvp(tangents, ans, x, *params):
        from .ops.shape import sum_p
        axes, keepdims, shape = params[-3:]
        out_shape = tuple(1 if (axes is None or i in axes) else s
                          for i, s in enumerate(shape) if keepdims or not
                          (axes is None or i in axes))
        ones = np.ones(out_shape, dtype=tangents[0].dtype)
        local = prim.vjps[0](ones, ans, x, *params)
        return sum_p(tangents[0] * local, axes, keepdims, shape)
    return jvp


def _batch_rule(batch):
    if batch is None or callable(batch):
        return batch
    from . import batching
    rules = {"elementwise": batching.elementwise, "reduction": batching.reduction,
             "axis": batching.shifted_axis}
    if batch not in rules:
        raise ValueError(f"unknown batching shorthand {batch!r}")
    return rules[batch]


def _arity(impl) -> int | None:
    """How many positional arguments ``impl`` takes (None when it cannot be told)."""
    if isinstance(impl, np.ufunc):
        return impl.nin
    code = getattr(impl, "__code__", None)
    if code is None or code.co_flags & 0x04:  # *args
        return None
    return code.co_argcount


# ------------------------------------------------------------------ dtype corrections


def _fix_dtype(out: ndarray, a: ndarray, b: ndarray, weak: int) -> ndarray:
    """Float results of integer (or weak-scalar-only) inputs take the default float dtype;
    an integer tensor next to a float tensor takes the float's dtype (as in deep-learning
    frameworks: float32 + int64 is float32, where NumPy would say float64)."""
    if out.dtype.kind != "f":
        return out
    a_float = weak != 1 and a.dtype.kind == "f"
    b_float = weak != 2 and b.dtype.kind == "f"
    if a_float and not b_float:
        target = a.dtype
    elif b_float and not a_float:
        target = b.dtype
    elif not a_float:
        target = dtypes._default[0]
    else:
        # Two float arrays: their dtypes decide, whatever their shapes (NumPy 2's rule).
        target = np.promote_types(a.dtype, b.dtype)
    return out if out.dtype == target else out.astype(target)


def _fix_unary_dtype(out: ndarray, x: ndarray) -> ndarray:
    if out.dtype.kind == "f" and x.dtype.kind in "biu" and out.dtype != dtypes._default[0]:
        return out.astype(dtypes._default[0])
    return out


# Python floats met by float tensors, as weak 0-d arrays of the tensor's dtype, by value
# (one dtype per value: the binary path checks it). A plain dictionary lookup costs half
# of one keyed by (value, dtype). 0.0 and -0.0 are one key, so zeros stay out.
floats: dict = {}


def weak_float(value: float, dtype: np.dtype) -> ndarray:
    array = weak_scalar(value, dtype)
    if value and value == value and array.dtype is dtype:  # not zeros, not NaN
        if len(floats) > 4096:
            floats.clear()
        floats[value] = array
    return array


def as_operand(value, prim: Primitive | None = None) -> ndarray:
    """A non-tensor operand met by a tensor (ndarray, list...) as a numeric ndarray."""
    if isinstance(value, ndarray) and value.dtype.kind in "biufc":
        return value
    try:
        return _operand_array(value)
    except (ValueError, TypeError) as exc:
        where = f"{prim.name}: " if prim is not None else ""
        raise TypeError(
            f"{where}unsupported operand of type {type(value).__name__}: expected a Tensor, "
            f"a NumPy array or a number ({exc})") from None


def _operand_array(value) -> ndarray:
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        from .creation import as_ndarray
        return as_ndarray(value)
    array = np.asarray(value)
    if isinstance(value, str | bytes) or array.dtype.kind not in "biufc":
        raise TypeError("cannot make a numeric array of it")
    if array.dtype == np.float64 and not isinstance(value, ndarray):
        array = array.astype(dtypes._default[0])
    return array


def _public_operand(prim: Primitive, x, to_tensor):
    """The argument of a public call that is not a tensor, made one (its errors name the
    operation: cr.sin(None) says sin)."""
    try:
        return to_tensor(x)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{prim.name}: {exc}") from None


def forward_error(prim: Primitive, exc: Exception, datas) -> Exception:
    """NumPy's error from inside a primitive, re-raised naming the op and its inputs."""
    message = str(exc).strip()
    if not message.startswith(prim.name):
        message = f"{prim.name}: {message}"
    inputs = ", ".join(
        f"{np.shape(d)} {d.dtype}" if isinstance(d, ndarray) else repr(d) for d in datas)
    message = f"{message} (inputs: {inputs})"
    for kind in (np.exceptions.AxisError, np.linalg.LinAlgError, IndexError, TypeError,
                 ValueError,
                 ZeroDivisionError, OverflowError, MemoryError):
        if isinstance(exc, kind):
            return kind(message)
    return RuntimeError(message)


# ------------------------------------------------------------------ node construction


def _make_node(prim, parents, raw, inputs, ans, out) -> Node:
    node = _new(Node)
    node.prim = prim
    node.parents = parents
    node.raw = raw
    node.inputs = inputs
    node.ans = ans
    node.out_version = None
    node.seq = next_seq()
    node.epoch = epoch[0]
    node.shape = out.shape
    node.dtype = out.dtype
    node.hooks = None
    return node


def _output(cls, data, node, prim, base) -> Tensor:
    out = _new(cls)
    out._data = data
    out._node = node
    out._requires_grad = node is not None
    out._grad = None
    out._extra = None
    out._aux = None
    if prim.view and base is not None:
        out._version = share_version(base)
    elif node is not None and prim.save_output:
        out._version = node.out_version = [0, False]
    else:
        out._version = None
    return out


# ------------------------------------------------------------------ call paths
#
# The unary and binary paths build their Node and Tensor inline instead of calling
# _make_node / _output: on a small array one Python call costs about as much as NumPy's
# own work, and these two paths carry nearly every operation in user loops.


def _unary_call(prim, public: bool = False):
    """The call of a one-input primitive. The ``public`` variant (chainrule.sin) turns
    array-likes into tensors; the other (for rules) computes plain NumPy on them."""
    impl = prim.impl
    save_in, save_out, view = prim.save_inputs, prim.save_output, prim.view
    no_raw = (None,)

    def call(x, _plain=False):
        if not isinstance(x, Tensor):
            if public:
                from .creation import asarray as to_tensor
                return call(_public_operand(prim, x, to_tensor))
            return impl(x)
        if x._aux is not None and not _plain:
            return transform_call(prim, (x,), 1)
        xd = x._data
        try:
            out = impl(xd)
        except Exception as exc:
            raise forward_error(prim, exc, (xd,)) from None
        if type(out) is not ndarray:
            out = asarray(out)
        if out.dtype is not xd.dtype:
            out = _fix_unary_dtype(out, xd)
        if x._requires_grad and grad_state.enabled:
            node = _new(Node)
            node.prim = prim
            node.parents = (x._node or x,)
            if save_in:
                node.raw = (xd,)
                node.inputs = (x,)
            else:
                node.raw = no_raw
                node.inputs = None
            node.ans = out if save_out else None
            node.seq = next_seq()
            node.epoch = epoch[0]
            node.shape = out.shape
            node.dtype = out.dtype
            node.hooks = None
            t = _new(x.__class__)
            t._data = out
            t._node = node
            t._requires_grad = True
            t._grad = None
            t._extra = None
            t._aux = None
            if view:
                t._version = share_version(x)
                node.out_version = None
            elif save_out:
                t._version = node.out_version = [0, False]
            else:
                t._version = node.out_version = None
            if grad_state.observer is not None:
                grad_state.observer(node, out, (xd,))
            return t
        t = _new(x.__class__)
        t._data = out
        t._node = None
        t._requires_grad = False
        t._grad = None
        t._extra = None
        t._aux = None
        t._version = share_version(x) if view else None
        return t
    return call


def _binary_call(prim, public: bool = False):
    """The call of a two-input primitive (``public``: as in _unary_call)."""
    impl = prim.impl
    save_in, save_out = prim.save_inputs, prim.save_output
    no_raw = (None, None)

    def call(x, y, _plain=False):
        weak = 0
        if isinstance(x, Tensor):
            cls = x.__class__
            xd = x._data
            rx = x._requires_grad
            if y.__class__ is float:
                # The commonest mixed operand (y * 1.01), first and looked up inline.
                if x._aux is not None and not _plain:
                    return transform_call(prim, (x, y), 2)
                ry = False
                yd = floats.get(y)
                if yd is None or yd.dtype is not xd.dtype:
                    yd = weak_float(y, xd.dtype)
                y = yd
                weak = 2
            elif isinstance(y, Tensor):
                if (x._aux is not None or y._aux is not None) and not _plain:
                    return transform_call(prim, (x, y), 2)
                yd = y._data
                ry = y._requires_grad
            elif x._aux is not None and not _plain:
                return transform_call(prim, (x, y), 2)
            else:
                ry = False
                if isinstance(y, SCALAR_TYPES):
                    yd = y = weak_scalar(y, xd.dtype)
                    weak = 2
                else:
                    yd = y = as_operand(y, prim)
        elif isinstance(y, Tensor):
            if y._aux is not None and not _plain:
                return transform_call(prim, (x, y), 2)
            cls = y.__class__
            yd = y._data
            ry = y._requires_grad
            rx = False
            if isinstance(x, SCALAR_TYPES):
                xd = x = weak_scalar(x, yd.dtype)
                weak = 1
            else:
                xd = x = as_operand(x, prim)
        else:
            if public:
                from .creation import asarray as to_tensor
                return call(_public_operand(prim, x, to_tensor), y)
            return impl(x, y)
        try:
            out = impl(xd, yd)
        except Exception as exc:
            raise forward_error(prim, exc, (xd, yd)) from None
        if type(out) is not ndarray:
            out = asarray(out)
        if out.dtype is not xd.dtype:
            out = _fix_dtype(out, xd, yd, weak)
        if (rx or ry) and grad_state.enabled:
            node = _new(Node)
            node.prim = prim
            node.parents = ((x._node or x) if rx else None, (y._node or y) if ry else None)
            if save_in:
                node.raw = (xd, yd)
                node.inputs = (x, y)
            else:
                node.raw = no_raw
                node.inputs = None
            node.ans = out if save_out else None
            node.seq = next_seq()
            node.epoch = epoch[0]
            node.shape = out.shape
            node.dtype = out.dtype
            node.hooks = None
            t = _new(cls)
            t._data = out
            t._node = node
            t._requires_grad = True
            t._grad = None
            t._extra = None
            t._aux = None
            if save_out:
                t._version = node.out_version = [0, False]
            else:
                t._version = node.out_version = None
            if grad_state.observer is not None:
                grad_state.observer(node, out, (xd, yd))
            return t
        t = _new(cls)
        t._data = out
        t._node = None
        t._requires_grad = False
        t._grad = None
        t._extra = None
        t._aux = None
        t._version = None
        return t
    return call


TRANSFORM = object()  # _prepare's answer when a transform must handle the call


def _prepare(args, n, plain=True, prim=None):
    """Find the tensors among the first ``n`` arguments; make scalars weak next to them.

    Returns (cls, datas, inputs, parents), None when no argument is a Tensor, or
    TRANSFORM when an argument carries tangents or a batch (unless ``plain``).
    """
    cls = None
    ref_dtype = None
    for a in args[:n]:
        if isinstance(a, Tensor):
            if a._aux is not None and not plain:
                return TRANSFORM
            if cls is None:
                cls = a.__class__
            if ref_dtype is None or (ref_dtype.kind != "f" and a._data.dtype.kind == "f"):
                ref_dtype = a._data.dtype
    if cls is None:
        return None
    datas = []
    inputs = []
    parents = []
    recording = grad_state.enabled
    any_parent = False
    for a in args[:n]:
        if isinstance(a, Tensor):
            datas.append(a._data)
            inputs.append(a)
            if recording and a._requires_grad:
                parents.append(a._node or a)
                any_parent = True
            else:
                parents.append(None)
        else:
            if a is None:
                array = None
            elif isinstance(a, SCALAR_TYPES):
                array = weak_scalar(a, ref_dtype)
            else:
                array = as_operand(a, prim)
            datas.append(array)
            inputs.append(array)
            parents.append(None)
    return cls, tuple(datas), tuple(inputs), tuple(parents) if any_parent else None


def _finish(prim, cls, out, datas, inputs, parents, params, base):
    if type(out) is not ndarray:
        out = asarray(out)
    if parents is None or out.dtype.kind not in "fc":
        return _output(cls, out, None, prim, base)
    if prim.save_inputs:
        raw = datas + params
        saved = inputs + params
    else:
        raw = (None,) * len(datas) + params
        saved = None
    node = _make_node(prim, parents, raw, saved, out if prim.save_output else None, out)
    if grad_state.observer is not None:
        grad_state.observer(node, out, datas)
    return _output(cls, out, node, prim, base)


def _general_call(prim, variadic: bool = False):
    impl, nin = prim.impl, prim.nin

    def call(*args, _plain=False):
        n = len(args) - nin if variadic else nin
        prepared = _prepare(args, n, _plain, prim)
        if prepared is None:
            return impl(*args)
        if prepared is TRANSFORM:
            return transform_call(prim, args, n)
        cls, datas, inputs, parents = prepared
        params = args[n:]
        try:
            out = impl(*datas, *params)
        except Exception as exc:
            raise forward_error(prim, exc, datas) from None
        base = args[0] if not variadic and isinstance(args[0], Tensor) else None
        return _finish(prim, cls, out, datas, inputs, parents, params, base)
    return call


def _nondiff_call(prim, variadic):
    impl, nin = prim.impl, prim.nin

    def call(*args, _plain=False):
        n = len(args) - nin if variadic else nin
        cls = None
        for a in args[:n]:
            if isinstance(a, Tensor):
                if a._aux is not None and not _plain and is_batched(a):
                    return transform_call(prim, args, n)
                cls = a.__class__
        if cls is None:
            return impl(*args)
        prepared = _prepare(args, n, True, prim)
        _, datas, _, _ = prepared
        try:
            out = impl(*datas, *args[n:])
        except Exception as exc:
            raise forward_error(prim, exc, datas) from None
        if type(out) is not ndarray:
            out = asarray(out)
        return _output(cls, out, None, prim, None)
    return call


def _nondiff_binary_call(prim):
    """_nondiff_call for two inputs, without argument packing."""
    impl = prim.impl

    def call(x, y, _plain=False):
        if isinstance(x, Tensor):
            if x._aux is not None and not _plain and x._aux.is_batch:
                return transform_call(prim, (x, y), 2)
            cls = x.__class__
            xd = x._data
            if isinstance(y, Tensor):
                if y._aux is not None and not _plain and y._aux.is_batch:
                    return transform_call(prim, (x, y), 2)
                yd = y._data
            elif isinstance(y, SCALAR_TYPES):
                yd = weak_scalar(y, xd.dtype)
            else:
                yd = as_operand(y, prim)
        elif isinstance(y, Tensor):
            if y._aux is not None and not _plain and y._aux.is_batch:
                return transform_call(prim, (x, y), 2)
            cls = y.__class__
            yd = y._data
            xd = weak_scalar(x, yd.dtype) if isinstance(x, SCALAR_TYPES) else as_operand(x, prim)
        else:
            return impl(x, y)
        try:
            out = impl(xd, yd)
        except Exception as exc:
            raise forward_error(prim, exc, (xd, yd)) from None
        if type(out) is not ndarray:
            out = asarray(out)
        return _output(cls, out, None, prim, None)
    return call
