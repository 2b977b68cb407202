"""The reverse sweep: ``Tensor.backward`` and ``autograd.grad``.

One loop, no recursion: nodes are visited in decreasing creation order (a heap keyed by
sequence number), so every node is processed once, after all the nodes that consume it,
whatever the depth of the graph. Cotangents meeting at a node are summed in place when
the sweep owns the buffer; buffers that may alias something else ("borrowed") are never
written and are copied before a user sees them.
"""
from __future__ import annotations

import threading
from heapq import heappop, heappush

import numpy as np

from .errors import (GraphFreedError, NoGradientError, NonScalarOutputError,
                     SavedValueModifiedError, UnusedInputError)
from .graph import FREED, Node, epoch, grad_state
from .tensor import Tensor, wrap

ndarray = np.ndarray


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False, release: str = "saved") -> None:
    """Accumulate d(tensors)/d(leaf) into the ``.grad`` of every leaf, in one sweep.

    ``tensors``: a tensor or a sequence; ``grad_tensors``: the v of vᵀ·J for each (None
    for a single value). Without ``retain_graph`` the sweep releases the graph:
    ``release="saved"`` frees what the nodes saved (a later sweep that needs it raises),
    ``release="all"`` marks every node it went through as used up.
    """
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    else:
        try:
            tensors = list(tensors)
        except TypeError:
            raise TypeError(
                f"backward expects a Tensor, got {type(tensors).__name__}") from None
    if grad_tensors is None or isinstance(grad_tensors, Tensor) \
            or not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors] * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise ValueError(f"backward: {len(grad_tensors)} gradients for {len(tensors)} tensors")
    if release not in ("saved", "all"):
        raise ValueError(f'backward: release must be "saved" or "all", got {release!r}')
    for tensor in tensors:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"backward expects a Tensor, got {type(tensor).__name__}")
        if not tensor._requires_grad:
            raise NoGradientError(
                "backward: this tensor does not require grad and has no grad_fn, so there is "
                "nothing to differentiate. Mark an input with requires_grad=True (or "
                "x.requires_grad_()) before computing it, and do not compute it under no_grad")
    if retain_graph is None:
        retain_graph = create_graph
    tensor_mode = create_graph or _needs_tensors(grad_tensors)
    starts = [root_cotangent(t, g, tensor_mode, "backward") for t, g in zip(tensors, grad_tensors)]
    sweep(tensors, [g for g, _ in starts], [b for _, b in starts], retain_graph, create_graph,
          tensor_mode=tensor_mode, release_all=release == "all")


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False, info: dict | None = None,
         boundary: int | None = None) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    ``grad_outputs`` is the v of vᵀ·J for each output (required for non-scalar outputs).
    With ``create_graph=True`` the result is itself differentiable (higher derivatives).
    Returns a tuple with one gradient per input (None for unused inputs when
    ``allow_unused=True``). ``info``, a dict, receives "other_leaves": whether the outputs
    also depend on tensors that require grad other than ``inputs`` (transforms use it).
    ``boundary``: a sequence number; nodes recorded before it are not entered (the
    derivative through the newer part of the graph only, as checkpoint needs).
    """
    outputs = _as_tensor_sequence(outputs, "outputs")
    inputs = _as_tensor_sequence(inputs, "inputs")
    if grad_outputs is None or not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs; give one "
            "per output (None for scalar outputs)")
    if retain_graph is None:
        retain_graph = create_graph
    tensor_mode = create_graph or _needs_tensors(grad_outputs)
    roots, cotangents, borrowed = [], [], []
    for i, (y, v) in enumerate(zip(outputs, grad_outputs)):
        if not y._requires_grad:
            raise NoGradientError(
                f"grad: output {i} (shape {y.shape}) does not require grad and has no grad_fn; "
                "it does not depend on any input that requires grad")
        g, b = root_cotangent(y, v, tensor_mode, "grad", f"grad_outputs[{i}]")
        roots.append(y)
        cotangents.append(g)
        borrowed.append(b)
    results = sweep(roots, cotangents, borrowed, retain_graph, create_graph, inputs,
                    tensor_mode=tensor_mode, info=info, boundary=boundary)
    for i, r in enumerate(results):
        if r is None and not allow_unused:
            why = ("does not require grad, so no gradient can flow to it; create it with "
                   "requires_grad=True") if not inputs[i]._requires_grad else \
                "was not used to compute the outputs; pass allow_unused=True to get None for it"
            raise UnusedInputError(f"grad: input {i} (shape {inputs[i].shape}) {why}")
    return tuple(results)


def _needs_tensors(cotangents) -> bool:
    """Whether the sweep must run its rules on tensors rather than arrays: when a
    cotangent is batched or carries tangents, or forward mode is running."""
    from .transform_state import state
    if state.forward_levels:
        return True
    return any(isinstance(v, Tensor) and v._aux is not None for v in cotangents)


def _as_tensor_sequence(value, what: str) -> list:
    if isinstance(value, Tensor):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"grad: {what} must be a Tensor or a sequence of Tensors, "
                        f"got {type(value).__name__}") from None
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(f"grad: {what}[{i}] must be a Tensor, got {type(item).__name__}")
    return items


def root_cotangent(y: Tensor, gradient, tensor_mode: bool, caller: str,
                   argname: str = "gradient"):
    """The starting cotangent for ``y`` and whether the sweep may write into it."""
    if gradient is None:
        if y._data.size != 1:
            use = ("grad(y.sum(), x) for the gradient of the sum, grad(y, x, grad_outputs=v)"
                   if caller == "grad" else
                   "y.sum().backward() for the gradient of the sum, y.backward(gradient=v)")
            raise NonScalarOutputError(
                f"{caller}: the output has shape {y.shape}, and a gradient can only be created "
                f"implicitly for a single value. Use {use} for vᵀ·J (e.g. v = "
                f"chainrule.ones_like(y)), or chainrule.jacrev for the whole Jacobian")
        if y._data.dtype.kind == "c":
            raise TypeError(
                f"{caller}: the output is complex ({y.dtype}), and a gradient can only be "
                "created implicitly for a real value: differentiate a real function of it "
                "(abs(y) ** 2, y.real), or pass the cotangent explicitly (1 gives the "
                "derivative of a holomorphic function)")
        g = np.ones(y.shape, y.dtype)
        return (wrap(g, y.__class__) if tensor_mode else g), False
    if y._conjugate_grads and gradient is not None:
        is_tensor = isinstance(gradient, Tensor)
        if (gradient.dtype if is_tensor else np.asarray(gradient).dtype).kind == "c":
            gradient = _conjugate(gradient, is_tensor)  # the dialect's convention
    if isinstance(gradient, Tensor) and gradient._aux is not None:
        if gradient.shape != y.shape:
            raise RuntimeError(
                f"{caller}: {argname} has shape {gradient.shape} but the output has shape "
                f"{y.shape}; they must match")
        return (gradient if gradient.dtype == y.dtype else gradient.astype(y.dtype)), True
    if isinstance(gradient, Tensor):
        array = gradient._data
    else:
        try:
            array = np.asarray(gradient)
        except Exception:
            array = None
        if array is None or array.dtype.kind not in "biufc":
            raise TypeError(
                f"{caller}: {argname} must be a Tensor or an array of numbers, got "
                f"{type(gradient).__name__}")
    if array.shape != y.shape:
        raise RuntimeError(
            f"{caller}: {argname} has shape {array.shape} but the output has shape {y.shape}; "
            "they must match (the gradient is the v in vᵀ·J, one entry per output element)")
    if array.dtype.kind == "c" and y.dtype.kind != "c":
        raise TypeError(
            f"{caller}: {argname} is complex ({array.dtype}) but the output is {y.dtype}; "
            f"the imaginary part would be lost: pass a real {argname}")
    if tensor_mode:
        if isinstance(gradient, Tensor):
            # astype is recorded, so the result stays differentiable in the gradient itself.
            return (gradient if gradient.dtype == y.dtype else gradient.astype(y.dtype)), True
        return wrap(array.astype(y.dtype, copy=False), y.__class__), True
    if array.dtype != y.dtype:
        return array.astype(y.dtype), False
    return array, True


def sweep(roots, cotangents, borrowed_roots, retain_graph, create_graph, targets=None,
          tensor_mode=None, info=None, boundary=None, release_all=False):
    """Run the reverse sweep from ``roots``.

    Without ``targets`` the leaves' ``.grad`` are updated; with ``targets`` (tensors) their
    gradients are returned as a list and no ``.grad`` is touched. In ``tensor_mode`` the
    rules run on tensors (recorded when ``create_graph``), otherwise on plain arrays.
    """
    if tensor_mode is None:
        tensor_mode = create_graph
    grads = {}          # Node -> cotangent still to be propagated
    leaf_grads = {}     # leaf Tensor -> summed cotangent
    borrowed = set()    # keys whose pending cotangent must not be written in place
    heap = []
    target_leaves = capture = min_seq = None
    if targets is not None:
        target_leaves = {t for t in targets if t._node is None}
        capture = {}
        for t in targets:
            if t._node is not None:
                capture[t._node] = None
        if not target_leaves:
            # Only nodes newer than the oldest target can lead to a target: the sweep
            # stops there instead of running the rules of the whole history below.
            min_seq = min(node.seq for node in capture)
        if boundary is not None:
            min_seq = boundary

    prev_mode = grad_state.enabled
    anomaly = grad_state.anomaly
    if anomaly:
        from .anomaly import check_gradient, check_seed, check_sum
        for g in cotangents:
            check_seed(g, "gradient (cotangent)")
    grad_state.enabled = create_graph
    try:
        for root, g, b in zip(roots, cotangents, borrowed_roots):
            key = root._node if root._node is not None else root
            _add(key, g, b, grads, leaf_grads, borrowed, heap, tensor_mode)

        while heap:
            node = heappop(heap)[1]
            g = grads.pop(node)
            # A complex cotangent reaches a real value through ops that make complex values
            # of real ones (x * 1j, irfft of a real spectrum): a real value's cotangent is
            # the real part of the sum (docs/complex.md). Leaves: _as_leaf_cotangent.
            complex_g = g.dtype.kind == "c"
            if complex_g and node.dtype.kind != "c":
                g = _real_part(g, tensor_mode)
                complex_g = False
            if anomaly:
                check_sum(node, g)
            if node.hooks is not None:
                # A hook may keep the gradient it was shown: never write into it again.
                g = _run_hooks(node.hooks, g, tensor_mode)
                borrowed.add(node)
            if capture is not None and node in capture:
                capture[node] = _copy_if(g, node in borrowed, tensor_mode)
                if min_seq is not None and node.seq < min_seq:
                    continue  # a target from before the boundary: nothing below it counts
            raw = node.raw
            if raw is FREED:
                raise freed_error(node)
            if node.epoch != epoch[0]:
                check_versions(node)
            prim = node.prim
            ans = node.ans
            if tensor_mode:
                args = node.inputs if node.inputs is not None else raw
                if ans is not None:
                    ans = _rewrap(ans, node)
            else:
                args = raw
            vjps = prim.vjps
            aliases = prim.aliases
            donate_to = -1
            if (prim.donating is not None and not tensor_mode and type(g) is ndarray
                    and g.size >= DONATE_SIZE and g.base is None and node not in borrowed
                    and (capture is None or node not in capture)):
                donate_to = _last_parent(node.parents)
            accumulating = None
            if (prim.accumulating is not None and not tensor_mode and type(g) is ndarray
                    and g.size >= DONATE_SIZE and not complex_g):
                accumulating = prim.accumulating
            i = -1
            for parent in node.parents:
                i += 1
                if parent is None:
                    continue
                leaf = parent.__class__ is not Node
                if leaf and target_leaves is not None and parent not in target_leaves:
                    if info is not None and node not in capture:
                        info["other_leaves"] = True
                    continue
                if (min_seq is not None and not leaf and parent.seq < min_seq
                        and parent not in capture):
                    if info is not None and node not in capture:
                        info["other_leaves"] = True  # history from before the targets
                    continue
                if (accumulating is not None and accumulating[i] is not None
                        and _accumulate(accumulating[i], leaf_grads if leaf else grads,
                                        parent, borrowed, g, ans, args)):
                    if anomaly:
                        check_gradient(node, i, (leaf_grads if leaf else grads)[parent],
                                       parent.shape)
                    continue
                try:
                    if i == donate_to and prim.donating[i] is not None:
                        # g is the sweep's own and no one reads it after this rule: the
                        # rule's in-place variant may write its result into it.
                        gi = prim.donating[i](g, ans, *args)
                    else:
                        gi = vjps[i](g, ans, *args)
                except Exception as exc:
                    raise _rule_error(prim, i, exc) from exc
                if gi is None:
                    continue
                if anomaly:
                    check_gradient(node, i, gi, parent.shape)
                shape = parent.shape
                if gi.shape != shape:
                    gi = reduce_to_shape(gi, shape, prim, i)
                if leaf:
                    prev = leaf_grads.get(parent)
                    if prev is None:
                        leaf_grads[parent] = gi
                        if aliases:
                            borrowed.add(parent)
                    else:
                        leaf_grads[parent] = _sum(prev, gi, parent, borrowed, tensor_mode)
                else:
                    prev = grads.get(parent)
                    if prev is None:
                        grads[parent] = gi
                        heappush(heap, (-parent.seq, parent))
                        if aliases:
                            borrowed.add(parent)
                    else:
                        grads[parent] = _sum(prev, gi, parent, borrowed, tensor_mode)
            if not retain_graph and (release_all or prim.releases):
                node.raw = FREED
                node.inputs = None
                node.ans = None
        if anomaly:
            for leaf, g in leaf_grads.items():
                check_sum(leaf, g)
        if targets is None:
            _deliver(leaf_grads, borrowed, tensor_mode)
            return None
        return _results(targets, leaf_grads, capture, borrowed, tensor_mode)
    finally:
        grad_state.enabled = prev_mode


def _as_leaf_cotangent(leaf, g, borrowed, tensor_mode):
    """A complex sum for a leaf: its real part for a real leaf, and conjugated where the
    leaf's dialect says so (PyTorch's .grad); both are new arrays."""
    if leaf._data.dtype.kind != "c":
        g = _real_part(g, tensor_mode)
    elif leaf._conjugate_grads:
        g = _conjugate(g, tensor_mode)
    else:
        return g
    borrowed.discard(leaf)
    return g


def _conjugate(g, tensor_mode):
    if tensor_mode:
        from .ops.complex import conj
        return conj(g)
    return np.conj(g)


def _real_part(g, tensor_mode):
    if tensor_mode:
        from .ops.complex import real
        return real(g)
    return g.real.copy()  # a copy: the sweep may add into it in place


# Below this many elements a new array costs less than the checks that would avoid it.
DONATE_SIZE = 4096


def _last_parent(parents) -> int:
    for j in range(len(parents) - 1, -1, -1):
        if parents[j] is not None:
            return j
    return -1


def _add(key, g, is_borrowed, grads, leaf_grads, borrowed, heap, tensor_mode):
    store = grads if key.__class__ is Node else leaf_grads
    prev = store.get(key)
    if prev is None:
        store[key] = g
        if key.__class__ is Node:
            heappush(heap, (-key.seq, key))
        if is_borrowed:
            borrowed.add(key)
    else:
        store[key] = _sum(prev, g, key, borrowed, tensor_mode)


def _accumulate(variant, store, key, borrowed, g, ans, args) -> bool:
    """Let a rule's accumulating variant add its result straight into the key's pending
    sum (e.g. subtract g, or add g into a slice): one pass instead of making the result
    and adding it. False when there is no sum the sweep owns, or the variant declines."""
    prev = store.get(key)
    if type(prev) is not ndarray or key in borrowed or not prev.flags.writeable:
        return False
    try:
        return variant(prev, g, ans, *args)
    except Exception as exc:
        raise RuntimeError(f"the accumulating backward of {key!r} failed: {exc}") from exc


def _sum(prev, g, key, borrowed, tensor_mode):
    """prev + g, in place when the sweep owns ``prev``."""
    if (tensor_mode or key in borrowed or type(prev) is not ndarray
            or prev.shape != np.shape(g) or not prev.flags.writeable
            or prev.dtype.kind != "c" and g.dtype.kind == "c"):  # (the sum is complex)
        borrowed.discard(key)
        return prev + g
    np.add(prev, g, out=prev, casting="unsafe")
    return prev


def _copy_if(g, is_borrowed, tensor_mode):
    if tensor_mode:
        return g
    if is_borrowed or type(g) is not ndarray:
        return np.array(g, copy=True)
    return g


def _run_hooks(hooks, g, tensor_mode):
    for hook in list(hooks):
        value = hook(g if tensor_mode else wrap(np.asarray(g)))
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"a gradient hook must return a Tensor or None, got {type(value).__name__}")
            if value.shape != np.shape(g):
                raise RuntimeError(
                    f"a gradient hook returned shape {value.shape} for a gradient of shape "
                    f"{np.shape(g)}; it must keep the shape")
            g = value if tensor_mode else value._data
    return g


def _rewrap(ans, node):
    out = object.__new__(Tensor)
    out._data = ans
    out._node = node
    out._requires_grad = True
    out._grad = None
    out._version = node.out_version
    out._extra = None
    out._aux = None
    if node.prim.jvp is not None:
        from .transform_state import state
        if state.ans_tangents:
            out._aux = state.ans_tangents.get(node)
    return out


# Sweeps in several threads may reach one leaf (shared weights): its .grad is updated
# under this lock, since NumPy lets go of the interpreter lock inside an in-place add.
_deliver_lock = threading.Lock()


def _deliver(leaf_grads, borrowed, tensor_mode):
    """Store each leaf's summed cotangent in its ``.grad`` (add, write or null)."""
    with _deliver_lock:
        _deliver_each(leaf_grads, borrowed, tensor_mode)


def _deliver_each(leaf_grads, borrowed, tensor_mode):
    for leaf, g in leaf_grads.items():
        if g.dtype.kind == "c":
            g = _as_leaf_cotangent(leaf, g, borrowed, tensor_mode)
        extra = leaf._extra
        mode = "add"
        if extra is not None:
            hooks = extra.get("hooks")
            if hooks:
                g = _run_hooks(hooks, g, tensor_mode)
                borrowed.add(leaf)
            mode = extra.get("accum", "add")
        if mode == "null":
            continue
        dtype = leaf._data.dtype
        current = leaf._grad
        if tensor_mode:
            if g.dtype != dtype:
                g = g.astype(dtype)
            elif leaf in borrowed or g._node is None:
                g = g.copy()
            leaf._grad = g if current is None or mode == "write" else current + g
            continue
        if g.dtype != dtype:
            g = g.astype(dtype)
        elif leaf in borrowed or type(g) is not ndarray or not g.flags.writeable:
            g = np.array(g, copy=True)
        reusable = (current is not None and current._node is None
                    and not current._requires_grad and current._data.shape == g.shape
                    and current._data.flags.writeable)
        if mode == "write" and reusable:
            np.copyto(current._data, g, casting="unsafe")  # the buffer stays the same
        elif current is None or mode == "write":
            leaf._grad = wrap(g, leaf.__class__)
        elif reusable:
            np.add(current._data, g, out=current._data)
        else:
            leaf._grad = wrap(current._data + g, leaf.__class__)


def _results(targets, leaf_grads, capture, borrowed, tensor_mode):
    results = []
    for t in targets:
        if t._node is None:
            g = leaf_grads.get(t)
            if g is not None and g.dtype.kind == "c":
                g = _as_leaf_cotangent(t, g, borrowed, tensor_mode)
            if g is not None:
                hooks = t._extra.get("hooks") if t._extra is not None else None
                if hooks:
                    g = _run_hooks(hooks, g, tensor_mode)
                    borrowed.add(t)
                g = _copy_if(g, t in borrowed, tensor_mode)
        else:
            g = capture.get(t._node)
        if g is not None:
            if t._conjugate_grads and g.dtype.kind == "c" and t._node is not None:
                g = _conjugate(g, tensor_mode)
            if g.dtype != t._data.dtype:
                g = g.astype(t._data.dtype)
            if not tensor_mode:
                g = wrap(g, t.__class__)
        results.append(g)
    return results


def reduce_to_shape(g, shape, prim, index):
    """Sum a broadcast cotangent back to its input's shape (or blame the rule)."""
    from .ops.shape import sum_to
    gshape = np.shape(g)
    ndiff = len(gshape) - len(shape)
    ok = ndiff >= 0 and all(s == 1 or s == gs for s, gs in zip(shape, gshape[ndiff:]))
    if not ok:
        raise RuntimeError(
            f"the VJP rule of {prim.name} returned a cotangent of shape {gshape} for its "
            f"input {index} of shape {shape}; this is a bug in that rule")
    return sum_to(g, shape)


def check_versions(node: Node) -> None:
    """Raise if a value this node saved was modified in place after it was saved."""
    inputs = node.inputs
    if inputs is not None:
        for i, t in enumerate(inputs):
            if isinstance(t, Tensor) and t._version is not None and t._version[0] > node.epoch:
                raise SavedValueModifiedError(
                    f"{node.prim.name}: input {i} (shape {t.shape}, {t.dtype}), saved for the "
                    "backward pass, was modified by an in-place operation after it was saved, "
                    "so its gradient would be wrong. Use an out-of-place operation instead "
                    "(y = y + 1 rather than y += 1), or .copy() the value before changing it")
    counter = node.out_version
    if counter is not None and counter[0] > node.epoch:
        raise SavedValueModifiedError(
            f"{node.prim.name}: its output (shape {node.shape}), saved for the backward pass, "
            "was modified by an in-place operation afterwards, so the gradient would be wrong. "
            "Use an out-of-place operation instead, or .copy() the output before changing it")


def freed_error(node: Node) -> RuntimeError:
    return GraphFreedError(
        f"trying to backward through the graph a second time: the first backward released "
        f"the graph (at {node.prim.name}) and the values it saved. Pass retain_graph=True "
        "to the first backward (or autograd.grad) to keep it, or recompute the output")


def _rule_error(prim, index, exc) -> RuntimeError:
    return RuntimeError(
        f"the backward (VJP) of {prim.name} for input {index} failed: "
        f"{type(exc).__name__}: {exc}")
