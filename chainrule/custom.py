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
from .graph import grad_state, no_grad
from .primitive import EachInput, primitive
from .pytree import flatten, unflatten
from .tensor import Tensor, wrap
from .transform_state import Tangents, state


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


def _active_tangent_levels(leaves) -> set:
    levels = set()
    for leaf in leaves:
        if isinstance(leaf, Tensor) and leaf._aux is not None and not leaf._aux.is_batch:
            levels.update(leaf._aux)
    return levels - state.suppressed


# ---------------------------------------------------------------- the shared mechanism


class _Call:
    """One application of a custom rule: what its backward needs."""

    def __init__(self, rule, residuals, arg_tree, args, positions, out_tree, shapes):
        self.rule = rule
        self.residuals = residuals
        self.arg_tree = arg_tree
        self.args = args
        self.positions = positions      # indices (into the flat args) of the tensor inputs
        self.out_tree = out_tree
        self.shapes = shapes            # output shapes, to unpack the packed cotangent
        self.cache = None

    def pullback(self, g):
        if self.cache is not None and self.cache[0] is g:
            return self.cache[1]
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
        with _running_rule(self.rule.owner):
            grads = self.rule.bwd(self.residuals, cotangent)
        flat = _flatten_grads(self.rule.name, grads, self.arg_tree, self.args)
        result = []
        for index in self.positions:
            grad = flat[index]
            if grad is not None:
                grad = grad if isinstance(grad, Tensor) else wrap(np.asarray(grad))
                if grad.shape != np.shape(self.args[index]):
                    raise ValueError(
                        f"{self.rule.name}: the backward returned a gradient of shape "
                        f"{grad.shape} for an input of shape {np.shape(self.args[index])}")
                if not tensor_mode:
                    grad = grad.numpy()
            result.append(grad)
        self.cache = (g, result)
        return result


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
    return args[-1].pullback(g)[index]


def _custom_jvp_refused(tangents, ans, *args):
    raise TypeError(f"{args[-1].rule.name}: forward mode cannot differentiate this custom "
                    "rule's recorded backward")


def _custom_batch_refused(prim, values, batched, params):
    raise NotImplementedError(f"{prim.name}: custom rules are batched by running their "
                              "forward and backward under vmap, not by a batching rule")


@functools.lru_cache(maxsize=None)
def _custom_op(name: str):
    """The primitive of custom rules, under the user's function name (for grad_fn)."""
    return primitive(name, _custom_impl, EachInput(_custom_rule), nin=1, save="none",
                     variadic=True, jvp=_custom_jvp_refused, batch=_custom_batch_refused,
                     backward_name=f"{name}Backward")


def call_custom(rule, args):
    """Apply a custom rule (an object with name, fun, fwd, bwd, owner) to ``args``."""
    leaves, tree = flatten(args)
    levels = [leaf._aux.level for leaf in leaves if _is_batched(leaf)]
    if levels:
        return _call_batched(rule, args, leaves, tree, max(levels))
    if _active_tangent_levels(leaves):
        return rule.forward_mode(args)
    positions = [i for i, leaf in enumerate(leaves)
                 if isinstance(leaf, Tensor) and leaf.requires_grad]
    if not (grad_state.enabled and positions):
        with _running_rule(rule.owner):
            return rule.fun(*args)
    with _running_rule(rule.owner):
        out, residuals = rule.fwd(*args)
    out_leaves, out_tree = flatten(out)
    out_leaves = [o if isinstance(o, Tensor) else wrap(np.asarray(o)) for o in out_leaves]
    for o in out_leaves:
        if o.dtype.kind != "f":
            raise TypeError(f"{rule.name}: custom rules need float outputs, got {o.dtype}")
    shapes = [o.shape for o in out_leaves]
    call = _Call(rule, residuals, tree, leaves, positions, out_tree, shapes)
    if len(out_leaves) == 1:
        call.packed = out_leaves[0].numpy()
    else:
        call.packed = np.concatenate([o.numpy().ravel() for o in out_leaves])
    packed = _custom_op(rule.name)(*[leaves[i] for i in positions], call)
    if len(out_leaves) == 1:
        return unflatten(out_tree, [packed])
    from .ops import getitem, reshape
    pieces, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        pieces.append(reshape(getitem(packed, slice(start, start + size)), shape))
        start += size
    return unflatten(out_tree, pieces)


class _BatchedRule:
    """A custom rule lifted over one vmap level: forward and backward run under vmap."""

    def __init__(self, rule, in_axes) -> None:
        from .transforms import vmap
        self.rule = rule
        self.name = rule.name
        self.owner = rule.owner
        self.in_axes = in_axes

        def fwd(*args):
            def one(*a):
                with _running_rule(rule.owner):
                    return rule.fwd(*a)
            return vmap(one, in_axes=in_axes)(*args)

        def bwd(residuals, g):
            def one(r, c):
                with _running_rule(rule.owner):
                    return rule.bwd(r, c)
            grads = vmap(one)(residuals, g)
            if not isinstance(grads, tuple):
                grads = (grads,)
            # Arguments that are not batched get the sum of the per-example gradients.
            return tuple(_sum_unbatched(gr, ax) for gr, ax in zip(grads, in_axes))

        self.fwd, self.bwd = fwd, bwd
        self.fun = vmap(rule.fun, in_axes=in_axes)

    def forward_mode(self, args):
        raise TypeError(f"{self.name}: forward mode inside vmap is not supported for this "
                        "custom rule")


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
    if not getattr(rule, "batchable", True):
        raise NotImplementedError(
            f"{rule.name}: a chainrule.Function has no batching rule; write it with "
            "chainrule.custom_vjp (which vmap batches), or call it outside vmap")
    values, axes = [], []
    for leaf in leaves:
        if _is_batched(leaf) and leaf._aux.level == level:
            values.append(leaf._aux.value)
            axes.append(0)
        else:
            values.append(leaf)
            axes.append(None)
    in_axes = tuple(unflatten(tree, axes))
    out = call_custom(_BatchedRule(rule, in_axes), unflatten(tree, values))
    out_leaves, out_tree = flatten(out)
    return unflatten(out_tree, [make_batched(o, level) for o in out_leaves])


# ---------------------------------------------------------------- helpers for rules
# that differentiate with respect to the float tensors among their arguments.


def _vjp(f, *primals):
    from .transforms import vjp
    return vjp(f, *primals)


def _is_float_tensor(x) -> bool:
    return isinstance(x, Tensor) and x.dtype.kind == "f"


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
    flat = [next(it) if _is_float_tensor(x) else None for x in leaves]
    per_arg, start = [], 0
    for sub in tree.children:
        count = sub.num_leaves
        chunk = flat[start:start + count]
        per_arg.append(unflatten(sub, chunk) if any(c is not None for c in chunk) else None)
        start += count
    return tuple(per_arg)


# ---------------------------------------------------------------- custom_vjp


class custom_vjp:
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
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.fwd = self.bwd = None
        self.name = getattr(fun, "__name__", "custom_vjp")
        self.owner = self

    def defvjp(self, fwd, bwd) -> None:
        self.fwd, self.bwd = fwd, bwd

    def forward_mode(self, args):
        raise TypeError(
            f"{self.name}: forward mode (jvp, jacfwd, hessian) cannot differentiate a "
            "custom_vjp function; define it with custom_jvp instead, or use reverse mode "
            "(grad, jacrev)")

    def __call__(self, *args):
        if self.fwd is None:
            raise TypeError(f"{self.name}: call defvjp(fwd, bwd) on this custom_vjp function "
                            "before calling it")
        if self in _running.rules:
            return self.fun(*args)
        return call_custom(self, args)


# ---------------------------------------------------------------- custom_jvp


class custom_jvp:
    """A function with a forward-mode rule of your own (JAX's API).

    >>> @custom_jvp
    ... def f(x): ...
    >>> @f.defjvp
    ... def f_jvp(primals, tangents): return f(*primals), tangent_out

    Reverse mode uses the same rule, transposed (the rule must be linear in the tangents
    and written in chainrule ops), so grad, jacrev and vmap work too.
    """

    def __init__(self, fun) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.jvp_rule = None
        self.name = getattr(fun, "__name__", "custom_jvp")
        self.owner = self

    def defjvp(self, rule):
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
        """Apply the user's rule level by level (outermost first), like a primitive."""
        from .forward import tangent_of
        leaves, tree = flatten(args)
        levels = sorted(_active_tangent_levels(leaves))
        out_leaves = out_tree = None
        for level in levels:
            tangents = unflatten(tree, [tangent_of(x, level) if isinstance(x, Tensor)
                                        else np.zeros(np.shape(x)) for x in leaves])
            state.suppressed.add(level)
            try:
                with _running_rule(self):
                    primal, t_out = self.jvp_rule(args, tangents)
            finally:
                state.suppressed.discard(level)
            if out_leaves is None:
                out_leaves, out_tree = flatten(primal)
                out_leaves = [o if isinstance(o, Tensor) else wrap(np.asarray(o))
                              for o in out_leaves]
            for o, t in zip(out_leaves, flatten(t_out)[0]):
                tangents_of_o = o._aux if o._aux is not None and not o._aux.is_batch \
                    else Tangents()
                tangents_of_o[level] = t if isinstance(t, Tensor) else wrap(np.asarray(t))
                o._aux = tangents_of_o
        return unflatten(out_tree, out_leaves)


# ---------------------------------------------------------------- PyTorch's Function


class FunctionCtx:
    """The ``ctx`` of a Function: what forward keeps for backward."""

    def __init__(self) -> None:
        self.saved_tensors = ()
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors) -> None:
        self.saved_tensors = tensors


class _FunctionRule:
    batchable = False

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
        raise TypeError(f"{self.name}: forward mode (jvp) cannot differentiate a "
                        "chainrule.Function; use chainrule.custom_jvp")


class Function:
    """PyTorch-style custom operation: subclass with static ``forward(ctx, *args)`` and
    ``backward(ctx, *grads)``, save tensors with ``ctx.save_for_backward``, and call
    ``MyOp.apply(*args)``. ``backward`` returns one gradient per argument of forward.
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


class _CheckpointRule:
    def __init__(self, f) -> None:
        self.f = f
        self.fun = f
        self.name = getattr(f, "__name__", "checkpoint")
        self.owner = self

    def fwd(self, *args):
        with no_grad():  # keep no intermediate values: backward recomputes them
            out = self.f(*args)
        return out, args

    def bwd(self, args, g):
        def recompute(*floats):
            return self.f(*_fill(args, floats))
        _, pullback = _vjp(recompute, *_float_leaves(args))
        return _per_argument(args, pullback(g))

    def forward_mode(self, args):
        return self.f(*args)


def checkpoint(f):
    """f that keeps only its inputs for the backward pass and recomputes the rest then:
    gradients are the same, peak memory of a deep computation is lower, at the price of
    running f twice."""
    @functools.wraps(f)
    def checkpointed(*args):
        return call_custom(_CheckpointRule(f), args)
    return checkpointed
