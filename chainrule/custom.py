"""User-defined derivatives: ``custom_vjp`` and ``custom_jvp`` (JAX-style), ``Function``
(PyTorch-style), and ``checkpoint``, which is a custom VJP that recomputes.

All four become one recorded node whose VJP rule calls the user's backward. Several
outputs are packed into one array for that node and handed out as slices of it. Under
vmap the user's forward and backward are vmapped (the rule sees one example at a time).
"""
from __future__ import annotations

import functools
import threading

import numpy as np

from .batching import make_batched
from .backward import grad as _autograd_grad
from .graph import Node, enable_grad, grad_state, next_seq, no_grad
from .primitive import EachInput, primitive
from .pytree import flatten, unflatten
from .tensor import Tensor, wrap
from .forward import set_tangent, tangent_levels, tangent_of
from .transform_state import hiding_levels, state


class _Running(threading.local):
    def __init__(self) -> None:
        self.rules = set()


_running = _Running()


class _running_rule:
    """While a custom function's own rules run, calling it runs its plain body."""

    def __init__(self, owner) -> None:
        self.owner = owner

    def __enter__(self):
        self.added = self.owner not in _running.rules
        _running.rules.add(self.owner)

    def __exit__(self, *exc):
        if self.added:
            _running.rules.discard(self.owner)


def _is_batched(x) -> bool:
    return isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch


# ---------------------------------------------------------------- the shared mechanism


class _OwnRule:
    """A rule that is its own owner (the key of the guard against re-entering it). A
    property, not an attribute: no rule refers to itself, so none is a reference cycle
    left for the cyclic collector (one per checkpoint call)."""

    owner = property(lambda self: self)


_TAKEN = object()  # a result of the user's backward already handed to the sweep


class _Call:
    """One application of a custom rule: what its backward needs."""

    def __init__(self, rule, residuals, arg_tree, args, positions, out_tree, shapes,
                 n_extra=0):
        self.rule = rule
        self.residuals = residuals
        self.arg_tree = arg_tree
        self.args = args
        self.positions = positions      # indices (into the flat args) of the tensor inputs
        self.out_tree = out_tree
        self.shapes = shapes            # output shapes, to unpack the packed cotangent
        self.n_extra = n_extra          # inputs beyond the arguments (checkpoint's closures)
        self.cache = None

    def cotangent_for(self, index: int, g):
        """The backward's gradient for input ``index``. The sweep asks once per input with
        the same ``g``, so the user's backward runs once; each result is let go as soon
        as it is handed out, so that a retained graph does not keep them all alive."""
        cache = self.cache
        if cache is None or cache[0] is not g or cache[1][index] is _TAKEN:
            cache = self.cache = (g, self.pullback(g))
        results = cache[1]
        result = results[index]
        results[index] = _TAKEN
        if all(r is _TAKEN or r is None for r in results):
            self.cache = None
        return result

    def pullback(self, g):
        tensor_mode = isinstance(g, Tensor)
        gt = g if tensor_mode else wrap(np.asarray(g))
        if len(self.shapes) == 1:
            pieces = [gt]
        else:
            from .ops import getitem, reshape
            pieces, start = [], 0
            for shape in self.shapes:
                size = int(np.prod(shape))
                pieces.append(reshape(getitem(gt, slice(start, start + size)), shape))
                start += size
        cotangent = unflatten(self.out_tree, pieces)
        # Called from a sweep: the values are stripped of the vmap levels open around it.
        with _running_rule(self.rule.owner), hiding_levels():
            grads = self.rule.bwd(self.residuals, cotangent)
        extra_grads = []
        if self.n_extra:
            grads, extra_grads = grads
        flat = _flatten_grads(self.rule.name, grads, self.arg_tree, self.args)
        result = []
        for grad, shape in [(flat[i], np.shape(self.args[i])) for i in self.positions] + \
                [(g, None) for g in extra_grads]:
            if grad is not None:
                grad = grad if isinstance(grad, Tensor) else _gradient_array(self.rule.name,
                                                                            grad)
                if shape is not None and grad.shape != shape:
                    raise ValueError(
                        f"{self.rule.name}: the backward returned a gradient of shape "
                        f"{grad.shape} for an input of shape {shape}")
                if not tensor_mode:
                    grad = grad.numpy()
            result.append(grad)
        return result


def _gradient_array(name, grad) -> Tensor:
    """A gradient the backward returned as an array or a number, as a tensor."""
    array = np.asarray(grad) if not isinstance(grad, str | bytes) else None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"{name}: the backward returned a {type(grad).__name__} as a gradient; "
                        "return tensors (or arrays of numbers), or None for no gradient")
    return wrap(array)


def _flatten_grads(name, grads, arg_tree, args) -> list:
    """The backward's gradients, one per flat argument (None where none)."""
    top = arg_tree.children
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != len(top):
        raise TypeError(f"{name}: the backward must return one gradient per argument "
                        f"({len(top)}), as a tuple; it returned {len(grads)}")
    flat = []
    for g, sub in zip(grads, top):
        count = sub.num_leaves
        if g is None:
            flat.extend([None] * count)
        else:
            leaves, tree = flatten(g)
            if len(leaves) != count:
                raise TypeError(f"{name}: a gradient does not match its argument's structure")
            flat.extend(leaves)
    return flat


def _custom_impl(*args):
    return args[-1].packed


def _custom_rule(index, g, ans, *args):
    return args[-1].cotangent_for(index, g)


def _custom_jvp_refused(tangents, ans, *args):
    raise TypeError(f"{args[-1].rule.name}: forward mode cannot differentiate this custom "
                    "rule's recorded backward")


def _custom_batch_refused(prim, values, batched, params):
    raise NotImplementedError(f"{prim.name}: custom rules are batched by running their "
                              "forward and backward under vmap, not by a batching rule")


@functools.lru_cache(maxsize=None)
def _custom_op(name: str):
    """The primitive of custom rules, under the user's function name (for grad_fn)."""
    return primitive(name, _custom_impl, EachInput(_custom_rule), nin=1, save="params",
                     variadic=True, jvp=_custom_jvp_refused, batch=_custom_batch_refused,
                     backward_name=f"{name}Backward")


def call_custom(rule, args):
    """Apply a custom rule to ``args``. A rule has ``name``, ``owner``, ``fun`` (the plain
    body), ``fwd`` -> (out, residuals), ``bwd(residuals, g)`` -> one gradient per
    argument, ``forward_mode(args)`` and ``attach_tangents(args, out, levels)``."""
    leaves, tree = flatten(args)
    levels = set()
    for leaf in leaves:
        levels |= tangent_levels(leaf)
    levels -= state.suppressed
    needs_tape = grad_state.enabled and any(
        isinstance(leaf, Tensor) and leaf.requires_grad for leaf in leaves)
    if levels and (not needs_tape or getattr(rule, "plain_under_forward", False)):
        return rule.forward_mode(args)
    batch_levels = [leaf._aux.level for leaf in leaves if _is_batched(leaf)]
    if batch_levels:
        return _call_batched(rule, args, leaves, tree, max(batch_levels))
    positions = [i for i, leaf in enumerate(leaves)
                 if isinstance(leaf, Tensor) and leaf.requires_grad]
    if not (grad_state.enabled and positions):
        with _running_rule(rule.owner):
            return rule.fun(*args)
    out = _record(rule, args, leaves, tree, positions)
    if levels:
        rule.attach_tangents(args, out, sorted(levels))
    return out


def _record(rule, args, leaves, tree, positions):
    """Run the rule's forward and record one node whose VJP is the rule's backward."""
    with _running_rule(rule.owner):
        result = rule.fwd(*args)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"{rule.name}: the forward rule (fwd) must return a pair (output, "
                        f"residuals), got {_describe(result)}")
    out, residuals = result
    extra = list(getattr(rule, "extra", ()))
    out_leaves, out_tree = flatten(out)
    out_leaves = [o if isinstance(o, Tensor) else wrap(np.asarray(o)) for o in out_leaves]
    for o in out_leaves:
        if o.dtype.kind not in "fc":
            raise TypeError(f"{rule.name}: custom rules need float or complex outputs, got "
                            f"{o.dtype}")
    shapes = [o.shape for o in out_leaves]
    call = _Call(rule, residuals, tree, leaves, positions, out_tree, shapes, len(extra))
    if len(out_leaves) == 1:
        call.packed = out_leaves[0].numpy()
    else:
        call.packed = np.concatenate([o.numpy().ravel() for o in out_leaves])
    inputs = [leaves[i] for i in positions] + extra
    packed = _custom_op(rule.name)(*inputs, call, _plain=True)
    if len(out_leaves) == 1:
        return unflatten(out_tree, [packed])
    from .ops import getitem, reshape
    pieces, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        pieces.append(reshape(getitem(packed, slice(start, start + size)), shape))
        start += size
    return unflatten(out_tree, pieces)


def _describe(value) -> str:
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return f"a {type(value).__name__}"


def _check_function(fn, name: str, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name}: {what} must be a function (a callable), got "
                        f"{type(fn).__name__}")


def _refuse_tangents(name: str, kind: str):
    raise TypeError(
        f"{name}: forward mode (jvp, jacfwd, hessian) cannot differentiate a {kind}; "
        "define it with custom_jvp instead, or use reverse mode (grad, jacrev)")


class _BatchedRule:
    """A custom rule lifted over one vmap level: forward and backward run under vmap."""

    def __init__(self, rule, in_axes) -> None:
        from .transforms import vmap
        self.rule = rule
        self.name = rule.name
        self.owner = rule.owner
        self.in_axes = in_axes

        def fwd(*args):
            rebuilders = []

            def one(*a):
                with _running_rule(rule.owner):
                    out, residuals = rule.fwd(*a)
                tensors, rebuild = _split_residuals(residuals)
                rebuilders.append(rebuild)
                return out, tensors
            out, tensors = vmap(one, in_axes=in_axes)(*args)
            return out, (tensors, rebuilders[0])

        def bwd(residuals, g):
            tensors, rebuild = residuals

            def one(ts, c):
                with _running_rule(rule.owner):
                    return rule.bwd(rebuild(ts), c)
            grads = vmap(one)(tensors, g)
            if not isinstance(grads, tuple):
                grads = (grads,)
            # Arguments that are not batched get the sum of the per-example gradients.
            return tuple(_sum_unbatched(gr, ax) for gr, ax in zip(grads, in_axes))

        self.fwd, self.bwd = fwd, bwd
        self.fun = vmap(rule.fun, in_axes=in_axes)

    def forward_mode(self, args):
        return self.rule.forward_mode(args)

    def attach_tangents(self, args, out, levels):
        raise NotImplementedError(
            f"{self.name}: forward mode through a recorded custom rule inside vmap is not "
            "supported; take the derivatives outside vmap, or batch the inputs instead")


def _split_residuals(residuals):
    """The tensors among a rule's residuals, which leave the forward's vmap batched, and
    how to rebuild the residuals around them in the backward's vmap. Everything else
    (numbers, shapes, arrays made from constants) is the same for every example and is
    kept as it is; a Function's ctx is taken apart attribute by attribute."""
    if isinstance(residuals, FunctionCtx):
        tensors, rebuild_attributes = _split_residuals(dict(vars(residuals)))

        def rebuild_ctx(new):
            ctx = FunctionCtx()
            vars(ctx).update(rebuild_attributes(new))
            return ctx
        return tensors, rebuild_ctx
    leaves, tree = flatten(residuals)
    positions = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
    fixed = [None if isinstance(x, Tensor) else x for x in leaves]

    def rebuild(new):
        full = list(fixed)
        for i, t in zip(positions, new):
            full[i] = t
        return unflatten(tree, full)
    return [leaves[i] for i in positions], rebuild


def _sum_unbatched(grad, axes):
    from .ops import sum as sum_op
    if grad is None:
        return None
    leaves, tree = flatten(grad)
    axis_leaves = [axes] * len(leaves) if not isinstance(axes, (tuple, list, dict)) \
        else flatten(axes)[0]
    out = [sum_op(g, 0) if a is None and g is not None else g
           for g, a in zip(leaves, axis_leaves)]
    return unflatten(tree, out)


def _call_batched(rule, args, leaves, tree, level):
    values, axes = [], []
    for leaf in leaves:
        if _is_batched(leaf) and leaf._aux.level == level:
            values.append(leaf._aux.value)
            axes.append(0)
        else:
            values.append(leaf)
            axes.append(None)
    in_axes = tuple(unflatten(tree, axes))
    with hiding_levels({level}):
        out = call_custom(_BatchedRule(rule, in_axes), unflatten(tree, values))
    out_leaves, out_tree = flatten(out)
    return unflatten(out_tree, [make_batched(o, level) for o in out_leaves])


# ---------------------------------------------------------------- helpers for rules
# that differentiate with respect to the float tensors among their arguments.


def _vjp(f, *primals):
    from .transforms import vjp
    return vjp(f, *primals)


def _handle(x):
    from .transforms import _handle as handle
    return handle(x)


def alias(x):
    from .ops import alias as alias_op
    return alias_op(x)


def _is_float_tensor(x) -> bool:
    return isinstance(x, Tensor) and x.dtype.kind in "fc"


def _float_leaves(args) -> list:
    leaves, _ = flatten(args)
    return [x for x in leaves if _is_float_tensor(x)]


def _zeros_like(x) -> Tensor:
    return wrap(np.zeros(x.shape, x.dtype))


def _fill(args, floats, zeros_for_others: bool = False):
    """args with its float tensors replaced by ``floats`` (others kept, or zeroed)."""
    leaves, tree = flatten(args)
    it = iter(floats)
    out = [next(it) if _is_float_tensor(x) else
           (np.zeros(np.shape(x)) if zeros_for_others else x) for x in leaves]
    return unflatten(tree, out)


def _per_argument(args, float_grads) -> tuple:
    """Gradients of the float leaves, regrouped as one entry per argument."""
    leaves, tree = flatten(args)
    it = iter(float_grads)
    return _regroup(tree, [next(it) if _is_float_tensor(x) else None for x in leaves])


# ---------------------------------------------------------------- custom_vjp


class custom_vjp(_OwnRule):
    """A function with a reverse-mode rule of your own (JAX's API).

    >>> @custom_vjp
    ... def f(x): ...
    >>> def f_fwd(x): return f(x), residuals
    >>> def f_bwd(residuals, g): return (gradient_for_x,)
    >>> f.defvjp(f_fwd, f_bwd)

    ``bwd`` returns one gradient per argument (None for none). Written in chainrule
    ops, it is itself differentiable (higher order). vmap runs fwd and bwd per example.
    Forward mode (jvp) cannot see through it: use custom_jvp for that.
    """

    def __init__(self, fun) -> None:
        _check_function(fun, "custom_vjp", "the decorated fun")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd = self.bwd = None
        self.name = getattr(fun, "__name__", "custom_vjp")

    def defvjp(self, fwd, bwd) -> None:
        _check_function(fwd, self.name, "defvjp's fwd")
        _check_function(bwd, self.name, "defvjp's bwd")
        self.fwd, self.bwd = fwd, bwd

    def forward_mode(self, args):
        _refuse_tangents(self.name, "custom_vjp function")

    def attach_tangents(self, args, out, levels):
        _refuse_tangents(self.name, "custom_vjp function")

    def __call__(self, *args):
        if self.fwd is None:
            raise TypeError(f"{self.name}: call defvjp(fwd, bwd) on this custom_vjp function "
                            "before calling it")
        if self in _running.rules:
            return self.fun(*args)
        return call_custom(self, args)


# ---------------------------------------------------------------- custom_jvp


class custom_jvp(_OwnRule):
    """A function with a forward-mode rule of your own (JAX's API).

    >>> @custom_jvp
    ... def f(x): ...
    >>> @f.defjvp
    ... def f_jvp(primals, tangents): return f(*primals), tangent_out

    Reverse mode uses the same rule, transposed (the rule must be linear in the tangents
    and written in chainrule ops), so grad, jacrev and vmap work too.
    """

    def __init__(self, fun) -> None:
        _check_function(fun, "custom_jvp", "the decorated fun")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.jvp_rule = None
        self.name = getattr(fun, "__name__", "custom_jvp")

    def defjvp(self, rule):
        _check_function(rule, self.name, "defjvp's rule")
        self.jvp_rule = rule
        return rule

    def __call__(self, *args):
        if self.jvp_rule is None:
            raise TypeError(f"{self.name}: call defjvp(rule) on this custom_jvp function "
                            "before calling it")
        if self in _running.rules:
            return self.fun(*args)
        return call_custom(self, args)

    # The reverse-mode side, for call_custom: residuals are the arguments themselves.
    def fwd(self, *args):
        return self.fun(*args), args

    def bwd(self, args, g):
        # J·t is linear in t, so its transpose (the VJP) is the VJP of t ↦ rule(x, t).
        def tangent_map(*floats):
            return self.jvp_rule(args, _fill(args, floats, zeros_for_others=True))[1]
        floats = [_zeros_like(x) for x in _float_leaves(args)]
        _, pullback = _vjp(tangent_map, *floats)
        return _per_argument(args, pullback(g))

    def forward_mode(self, args):
        """The output with its tangents, all from the user's rule (no tape needed)."""
        leaves, _ = flatten(args)
        levels = set()
        for leaf in leaves:
            levels |= tangent_levels(leaf)
        levels = sorted(levels - state.suppressed)
        primal = self._rule(args, levels[0])[0]
        out_leaves, out_tree = flatten(primal)
        ids = {id(x) for x in leaves}
        out_leaves = [alias(o) if id(o) in ids else
                      (o if isinstance(o, Tensor) else wrap(np.asarray(o))) for o in out_leaves]
        out = unflatten(out_tree, out_leaves)
        self.attach_tangents(args, out, levels)
        return out

    def attach_tangents(self, args, out, levels):
        """Set the tangents of ``out`` at ``levels`` by the user's rule, outermost first;
        while a level's rule runs that level is off (its rule sees the other levels)."""
        outs, out_tree = flatten(out)
        for level in levels:
            _, t_out = self._rule(args, level)
            t_leaves, t_tree = flatten(t_out)
            if t_tree != out_tree:
                raise ValueError(f"{self.name}: the JVP rule's tangent has structure {t_tree} "
                                 f"but the output has {out_tree}")
            for o, t in zip(outs, t_leaves):
                t = t if isinstance(t, Tensor) else _gradient_array(self.name, t)
                if t.shape != o.shape:
                    raise ValueError(f"{self.name}: the JVP rule returned a tangent of shape "
                                     f"{t.shape} for an output of shape {o.shape}; they must "
                                     "match")
                set_tangent(o, level, t)

    def _rule(self, args, level):
        leaves, tree = flatten(args)
        tangents = unflatten(tree, [tangent_of(x, level) if isinstance(x, Tensor)
                                    else np.zeros(np.shape(x)) for x in leaves])
        state.suppressed.add(level)
        try:
            with _running_rule(self):
                result = self.jvp_rule(args, tangents)
        finally:
            state.suppressed.discard(level)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"{self.name}: the JVP rule must return a pair (primal_out, "
                            f"tangent_out), got {_describe(result)}")
        return result


# ---------------------------------------------------------------- PyTorch's Function


class FunctionCtx:
    """The ``ctx`` of a Function: what forward keeps for backward."""

    def __init__(self) -> None:
        self.saved_tensors = ()
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors) -> None:
        self.saved_tensors = tensors


class _FunctionRule:
    def __init__(self, cls) -> None:
        self.cls = cls
        self.name = cls.__name__
        self.owner = cls

    def fun(self, *args):
        with no_grad():
            return self.cls.forward(FunctionCtx(), *args)

    def fwd(self, *args):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = self.cls.forward(ctx, *args)
        return out, ctx

    def bwd(self, ctx, g):
        grads = self.cls.backward(ctx, *g) if isinstance(g, tuple) else \
            self.cls.backward(ctx, g)
        return grads if isinstance(grads, tuple) else (grads,)

    def forward_mode(self, args):
        _refuse_tangents(self.name, "chainrule.Function")

    def attach_tangents(self, args, out, levels):
        _refuse_tangents(self.name, "chainrule.Function")


class Function:
    """PyTorch-style custom operation: subclass with static ``forward(ctx, *args)`` and
    ``backward(ctx, *grads)``, save tensors with ``ctx.save_for_backward``, and call
    ``MyOp.apply(*args)``. ``backward`` returns one gradient per argument of forward.

    Under vmap, forward and backward each run once on the whole batch (as custom_vjp's
    do), seeing one example's shapes; what they keep on ctx is batched with them.
    """

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("a Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args):
        rule = cls.__dict__.get("_chainrule_rule")
        if rule is None:
            rule = _FunctionRule(cls)
            cls._chainrule_rule = rule
        return call_custom(rule, args)


# ---------------------------------------------------------------- checkpoint


class _CheckpointRule(_OwnRule):
    """Forward: run f recording, to learn which outside tensors it reads (its closures),
    then drop the record and keep only the inputs. Backward: run f again, recorded, and
    differentiate that run only."""

    plain_under_forward = True  # under jvp, simply run f

    def __init__(self, f) -> None:
        self.f = f
        self.fun = f
        self.name = getattr(f, "__name__", "checkpoint")
        self.extra = ()

    def fwd(self, *args):
        leaves, tree = flatten(args)
        if any(_is_batched(x) for x in leaves):  # per example, inside vmap
            with no_grad():
                return self.f(*args), args
        with enable_grad():
            handles = [_handle(x) if _needs_grad(x) else x for x in leaves]
            start = next_seq()
            out = self.f(*unflatten(tree, handles))
        outs, out_tree = flatten(out)
        own = {h._node for h in handles if isinstance(h, Tensor) and h._node is not None}
        self.extra = _outside_inputs(outs, start, own)
        # The record (and its saved values) is dropped here: only the values leave.
        return unflatten(out_tree, [_values_only(o) for o in outs]), args

    def bwd(self, args, g):
        leaves, tree = flatten(args)
        if any(_is_batched(x) for x in leaves):
            if self.extra:
                raise NotImplementedError(
                    f"{self.name}: checkpoint inside vmap with closed-over tensors that "
                    "require grad; pass them to the function as arguments")

            def recompute(*floats):
                return self.f(*_fill(args, floats))
            _, pullback = _vjp(recompute, *_float_leaves(args))
            return _per_argument(args, pullback(g))
        with enable_grad():
            handles = [_handle(x) if _needs_grad(x) else x for x in leaves]
            start = next_seq()
            out = self.f(*unflatten(tree, handles))
        outs, _ = flatten(out)
        cts, _ = flatten(g)
        live = [(o, c) for o, c in zip(outs, cts) if isinstance(o, Tensor) and o.requires_grad]
        wanted = [h for h, x in zip(handles, leaves) if _needs_grad(x)] + list(self.extra)
        grads = [None] * len(wanted)
        if live:
            grads = list(_autograd_grad(
                [o for o, _ in live], wanted, [c for _, c in live],
                create_graph=grad_state.enabled, allow_unused=True, boundary=start))
        n = len(wanted) - len(self.extra)
        it = iter(grads[:n])
        flat = [next(it) if _needs_grad(x) else None for x in leaves]
        per_arg = _regroup(tree, flat)
        return (per_arg, grads[n:]) if self.extra else per_arg

    def forward_mode(self, args):
        return self.f(*args)


def _needs_grad(x) -> bool:
    return isinstance(x, Tensor) and x.dtype.kind in "fc" and x.requires_grad


def _values_only(x):
    return x.detach() if isinstance(x, Tensor) else x


def _outside_inputs(outs, start: int, own: set) -> list:
    """Tensors that require grad which the graph recorded since ``start`` reads from
    outside: leaves, or older nodes (as stand-ins carrying those nodes)."""
    found, seen = {}, set()
    stack = [o._node for o in outs if isinstance(o, Tensor) and o._node is not None
             and o._node.seq >= start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in node.parents:
            if parent is None or parent in own:
                continue
            if parent.__class__ is not Node:
                found[id(parent)] = parent
            elif parent.seq < start:
                found[id(parent)] = _stand_in(parent)
            else:
                stack.append(parent)
    return list(found.values())


def _stand_in(node: Node) -> Tensor:
    """A tensor that stands for an older node of the graph (as a parent or a target)."""
    t = wrap(np.broadcast_to(np.zeros((), np.float64), node.shape))
    t._node = node
    t._requires_grad = True
    return t


def _regroup(tree, flat) -> tuple:
    per_arg, start = [], 0
    for sub in tree.children:
        count = sub.num_leaves
        chunk = flat[start:start + count]
        per_arg.append(unflatten(sub, chunk) if any(c is not None for c in chunk) else None)
        start += count
    return tuple(per_arg)


def checkpoint(f):
    """f that keeps only its inputs for the backward pass and recomputes the rest then:
    gradients are the same, peak memory of a deep computation is lower, at the price of
    running f twice."""
    _check_function(f, "checkpoint", "f")

    @functools.wraps(f)
    def checkpointed(*args):
        return call_custom(_CheckpointRule(f), args)
    return checkpointed
