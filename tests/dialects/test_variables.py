"""The core mechanism that MXNet's record(), TensorFlow's GradientTape and DJL's
GradientCollector share: a registry of live watched tensors (``graph.Variables``) and
recording blocks that watch its members, joined by tensors registered while they are open."""
from __future__ import annotations

import gc
import threading

import numpy as np

import chainrule as cr
from chainrule.graph import Variables, recording


def test_a_block_watches_the_members_and_restores_them():
    variables = Variables()
    x, frozen = cr.tensor([1.0, 2.0]), cr.tensor([3.0])
    variables.register(x)
    assert x in variables and frozen not in variables and not variables.recording()
    with recording(variables=variables):
        assert variables.recording() and x.requires_grad and not frozen.requires_grad
        y = (x * x).sum()
    assert not x.requires_grad and not variables.recording()
    y.backward()  # the graph outlives the block
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_a_tensor_registered_inside_open_blocks_is_watched_by_all_of_them():
    variables = Variables()
    with recording(variables=variables) as outer:
        with recording(variables=variables) as inner:
            w = cr.tensor(1.5)
            variables.register(w)
            assert w.requires_grad and w in inner.leaves and w in outer.leaves
        assert w.requires_grad  # the outer block still watches it
        z = w * w
    assert not w.requires_grad
    z.backward()
    assert w.grad.item() == 3.0


def test_integer_members_are_never_watched_and_plain_leaves_join_too():
    variables = Variables()
    counter, extra = cr.tensor(3), cr.tensor(2.0)
    variables.register(counter)
    with recording([extra], variables=variables):
        assert not counter.requires_grad and extra.requires_grad
    assert not extra.requires_grad


def test_members_are_held_weakly_and_can_leave():
    variables = Variables()
    x, y = cr.tensor(1.0), cr.tensor(2.0)
    variables.register(x)
    variables.register(y)
    variables.unregister(y)
    assert y not in variables and variables.members() == [x]
    del x
    gc.collect()
    assert variables.members() == []


def test_open_blocks_are_per_thread():
    variables = Variables()
    seen = []
    with recording(variables=variables):
        worker = threading.Thread(target=lambda: seen.append(variables.recording()))
        worker.start()
        worker.join()
        late = cr.tensor(1.0)
        assert variables.recording()
    assert seen == [False]
    variables.register(late)  # no block open: nothing to join
    assert not late.requires_grad
