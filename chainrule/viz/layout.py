"""A short layered layout, for the pictures drawn without Graphviz (notebooks, CI).

The method is the classic one (Sugiyama's, which Graphviz's dot refines), cut to what
these graphs need:

1. ranks: an operation one rank right of its furthest argument; an input or a constant
   one rank left of its first use.
2. columns: a column of boxes per rank and, between two, a column of edge slots. Every
   edge has a slot in each column it crosses: the last one, next to its target, holds
   its label. So a long edge never cuts across a box, two edges between the same nodes
   (x * x) run apart, and a label has room of its own.
3. order: the slots of a column sorted by the mean position of their neighbours,
   sweeping right and left, keeping the order with the fewest crossings.
4. heights: each slot as near as it can be to its neighbours' mean height without
   overlapping the next (least squares under order constraints: pool adjacent
   violators).

Everything drawn lives in its own slot, so no label can overlap a box or another label,
and edges run only through the gaps between columns and through their own slots; the
column widths come from the widest box or label in them. The result is a ``Scene`` of
rectangles, texts and paths that the SVG and PNG writers only draw: edges first, then
boxes, then labels.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .text import text_width

NODE_FONT, LABEL_FONT, NOTE_FONT = 12.0, 10.0, 10.0
NODE_LINE, LABEL_LINE = 15.0, 12.5      # line heights
PAD_X, PAD_Y = 9.0, 6.0                 # inside a box
LABEL_PAD = 3.0                         # around a label's text
GAP_X = 30.0                            # between two columns
GAP_BOXES, GAP_SLOTS = 14.0, 6.0        # between two boxes; next to an edge slot
PASS_H = 4.0                            # an edge's slot in a column of boxes
ARROW = 7.0
MARGIN = 12.0
EDGE_WEIGHT = 4.0                       # see _place
SWEEPS = 16                             # height sweeps, at most


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Rect) -> bool:
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def contains(self, x: float, y: float, inset: float = 0.0) -> bool:
        return (self.x + inset < x < self.x + self.w - inset
                and self.y + inset < y < self.y + self.h - inset)


@dataclass
class Box:
    node_id: str
    kind: str            # "input", "constant", "op"
    rect: Rect
    lines: list
    output: bool = False


@dataclass
class Label:
    edge: int            # index into graph.edges
    rect: Rect           # the background, sized from the text
    lines: list


@dataclass
class Wire:
    edge: int
    path: list           # ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y)
    tip: tuple           # the arrow's point (x, y), on the target box's left side


@dataclass
class Scene:
    width: float
    height: float
    boxes: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    wires: list = field(default_factory=list)
    note: str = ""

    def samples(self, wire: Wire, steps: int = 16) -> list:
        """Points along a wire (for tests and hit checks)."""
        points, (x, y) = [], wire.path[0][1:3]
        for segment in wire.path[1:]:
            if segment[0] == "L":
                x2, y2 = segment[1:]
                points += [(x + (x2 - x) * t / steps, y + (y2 - y) * t / steps)
                           for t in range(steps + 1)]
            else:
                x1, y1, x2, y2, x3, y3 = segment[1:]
                for k in range(steps + 1):
                    t = k / steps
                    a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
                    points.append((a * x + b * x1 + c * x2 + d * x3,
                                   a * y + b * y1 + c * y2 + d * y3))
            x, y = segment[-2:]
        return points


class _Slot:
    """One place in a column: a node's box, or an edge passing (with its label)."""

    __slots__ = ("node", "edge", "column", "width", "height", "wire", "top", "preds",
                 "succs", "index", "tie", "chain")

    def __init__(self, column, width, height, node=None, edge=None, wire=None, tie=0):
        self.node, self.edge, self.column = node, edge, column
        self.width, self.height = width, height
        self.wire = height / 2 if wire is None else wire   # the edge's height in the slot
        self.top = 0.0
        self.preds, self.succs = [], []
        self.index, self.tie = 0, tie
        self.chain = None  # the slots of the same edge (shared list), for edge slots


def layout(graph) -> Scene:
    nodes = graph.nodes
    lines = {n.id: graph.node_lines(n) for n in nodes}
    edge_lines = [graph.edge_lines(e) for e in graph.edges]
    rank = _ranks(graph)
    slots, chains = {}, []
    for k, n in enumerate(nodes):
        width = max(text_width(t, NODE_FONT) for t in lines[n.id]) + 2 * PAD_X
        slots[n.id] = _Slot(2 * rank[n.id], width, len(lines[n.id]) * NODE_LINE + 2 * PAD_Y,
                            node=n, tie=k)
    for k, e in enumerate(graph.edges):
        first, last = slots[e.source].column + 1, slots[e.target].column
        chain = []
        for column in range(first, last):
            if column == last - 1 and edge_lines[k]:
                text = len(edge_lines[k]) * LABEL_LINE + 2 * LABEL_PAD
                width = max(text_width(t, LABEL_FONT) for t in edge_lines[k]) + 2 * LABEL_PAD
                chain.append(_Slot(column, width, text + 3, edge=k, wire=text + 1.5,
                                   tie=e.position))
            else:
                chain.append(_Slot(column, 0.0, PASS_H, edge=k, tie=e.position))
        for s in chain:
            s.chain = chain
        path = [slots[e.source]] + chain + [slots[e.target]]
        for a, b in zip(path, path[1:]):
            a.succs.append(b)
            b.preds.append(a)
        chains.append(chain)
    count = 1 + max(s.column for s in slots.values())
    columns = [[] for _ in range(count)]
    for n in nodes:
        columns[slots[n.id].column].append(slots[n.id])
    for chain in chains:
        for s in chain:
            columns[s.column].append(s)
    _order(columns)
    _heights(columns)
    return _scene(graph, columns, slots, chains, lines, edge_lines)


def _ranks(graph) -> dict:
    parents = {n.id: [] for n in graph.nodes}
    children = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        parents[e.target].append(e.source)
        children[e.source].append(e.target)
    rank = {}
    for n in graph.nodes:  # arguments come before the operations that use them
        rank[n.id] = 1 + max((rank[p] for p in parents[n.id]), default=-1)
    for n in graph.nodes:  # inputs and constants next to their first use
        if not parents[n.id] and children[n.id]:
            rank[n.id] = min(rank[c] for c in children[n.id]) - 1
    return rank


# ---------------------------------------------------------------- order in each column


def _order(columns) -> None:
    def renumber(column):
        for i, s in enumerate(column):
            s.index = i

    for column in columns:
        renumber(column)
    best, fewest = [list(c) for c in columns], _crossings(columns)
    for sweep in range(8):
        down = sweep % 2 == 0
        sequence = columns[1:] if down else columns[-2::-1]
        for column in sequence:
            def key(s, down=down):
                near = s.preds if down else s.succs
                centre = sum(n.index for n in near) / len(near) if near else s.index
                return (centre, s.tie)
            column.sort(key=key)
            renumber(column)
        crossings = _crossings(columns)
        if crossings < fewest:
            best, fewest = [list(c) for c in columns], crossings
        if fewest == 0:
            break
    for i, column in enumerate(best):
        columns[i][:] = column
        renumber(columns[i])


def _crossings(columns) -> int:
    """Edge crossings between neighbouring columns: inversions among the links, counted
    in O(L log L) per column."""
    total = 0
    for column in columns[1:]:
        seen = []
        for _, b in sorted((p.index, s.index) for s in column for p in s.preds):
            total += len(seen) - bisect.bisect_right(seen, b)
            bisect.insort(seen, b)
    return total


# ---------------------------------------------------------------- heights


def _gap(a: _Slot, b: _Slot) -> float:
    return GAP_BOXES if a.node is not None and b.node is not None else GAP_SLOTS


def _heights(columns) -> None:
    for column in columns:  # start stacked from the top
        y = 0.0
        for a in column:
            a.top = y
            y += a.height + GAP_BOXES
    slots = sum(len(column) for column in columns)
    # A few dozen operations get every sweep; a huge graph (x used by each of hundreds of
    # operations) gets fewer, so the picture still takes seconds, not minutes.
    for sweep in range(max(2, min(SWEEPS, 40_000 // max(slots, 1)))):
        down = sweep % 2 == 0
        means = _chain_means(columns)
        for column in (columns[1:] if down else columns[-2::-1]):
            _place(column, lambda s, down=down: s.preds if down else s.succs, means)
    means = _chain_means(columns)
    for column in columns:
        _place(column, lambda s: s.preds + s.succs, means)
    lowest = min((s.top for column in columns for s in column), default=0.0)
    for column in columns:
        for s in column:
            s.top += MARGIN - lowest


def _chain_means(columns) -> dict:
    """{id(chain): (sum, count)} of the edge heights of each long edge's slots."""
    means = {}
    for column in columns:
        for s in column:
            if s.chain is not None and len(s.chain) > 1:
                total, count = means.get(id(s.chain), (0.0, 0))
                means[id(s.chain)] = (total + s.top + s.wire, count + 1)
    return means


def _place(column, neighbours, means) -> None:
    """Move each slot's edge height towards its neighbours' mean, keeping the order.
    The other slots of a long edge count as neighbours too: it keeps one height and
    bends at its ends."""
    desired, gaps = [], []
    for s in column:
        near = neighbours(s)
        total, count = sum(n.top + n.wire for n in near), len(near)
        if s.chain is not None and id(s.chain) in means:
            chain_total, chain_count = means[id(s.chain)]
            total += chain_total - (s.top + s.wire)
            count += chain_count - 1
        target = total / count if count else s.top + s.wire
        desired.append(target - s.wire + s.height / 2)   # as a centre
    for a, b in zip(column, column[1:]):
        gaps.append((a.height + b.height) / 2 + _gap(a, b))
    # Edge slots weigh more than boxes: long edges straighten, boxes make room.
    weights = [1.0 if s.node is not None else EDGE_WEIGHT for s in column]
    for s, centre in zip(column, _fit(desired, weights, gaps)):
        s.top = centre - s.height / 2


def _fit(desired, weights, gaps) -> list:
    """The positions nearest to ``desired`` (weighted least squares) with
    y[i+1] - y[i] >= gaps[i]: pool adjacent violators on the positions less their
    minimum offsets."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks = []  # [weighted sum, weight, count]
    for d, w, o in zip(desired, weights, offsets):
        blocks.append([w * (d - o), w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight
            blocks[-1][2] += count
    fitted = []
    for total, weight, count in blocks:
        fitted += [total / weight] * count
    return [z + o for z, o in zip(fitted, offsets)]


# ---------------------------------------------------------------- the scene


def _scene(graph, columns, slots, chains, lines, edge_lines) -> Scene:
    lefts, widths, x = [], [], MARGIN
    for column in columns:
        width = max((s.width for s in column), default=0.0)
        lefts.append(x)
        widths.append(width)
        x += width + GAP_X
    width = x - GAP_X + MARGIN
    if graph.note:
        width = max(width, text_width(graph.note, NOTE_FONT) + 2 * MARGIN)
    bottom = max((s.top + s.height for column in columns for s in column), default=0.0)
    scene = Scene(width, bottom + MARGIN + (NOTE_FONT + 6 if graph.note else 0),
                  note=graph.note)
    boxes = {}
    for n in graph.nodes:
        s = slots[n.id]
        rect = Rect(lefts[s.column] + (widths[s.column] - s.width) / 2, s.top, s.width,
                    s.height)
        boxes[n.id] = rect
        scene.boxes.append(Box(n.id, n.kind, rect, lines[n.id], n.id == graph.output))
    outs, ins = _ports(graph, boxes, chains, slots)
    for k, (e, chain) in enumerate(zip(graph.edges, chains)):
        source, target = boxes[e.source], boxes[e.target]
        y = outs[k]
        path = [("M", source.x + source.w, y)]
        right = lefts[slots[e.source].column] + widths[slots[e.source].column]
        if right > source.x + source.w:
            path.append(("L", right, y))
        for s in chain:
            wire = s.top + s.wire
            path.append(_curve(path[-1][-2:], (lefts[s.column], wire)))
            path.append(("L", lefts[s.column] + widths[s.column], wire))
            if s.width and edge_lines[k]:
                scene.labels.append(Label(k, Rect(
                    lefts[s.column] + (widths[s.column] - s.width) / 2, s.top, s.width,
                    s.wire - 1.5), edge_lines[k]))
        y = ins[k]
        path.append(_curve(path[-1][-2:], (lefts[slots[e.target].column] - ARROW, y)))
        path.append(("L", target.x - ARROW, y))
        scene.wires.append(Wire(k, path, (target.x, y)))
    return scene


def _curve(start, end) -> tuple:
    (x0, y0), (x3, y3) = start, end
    middle = (x0 + x3) / 2
    return ("C", middle, y0, middle, y3, x3, y3)


def _ports(graph, boxes, chains, slots):
    """Where each edge leaves its source (right side) and enters its target (left side):
    spread along the side, in the order of the slots they come from or go to."""
    def spread(rect, keyed):
        keyed.sort()
        return {k: rect.y + rect.h * (i + 1) / (len(keyed) + 1)
                for i, (_, _, k) in enumerate(keyed)}

    outs, ins = {}, {}
    for n in graph.nodes:
        leaving = [((chains[k][0] if chains[k] else slots[e.target]).top
                    + (chains[k][0] if chains[k] else slots[e.target]).wire, e.position, k)
                   for k, e in enumerate(graph.edges) if e.source == n.id]
        outs.update(spread(boxes[n.id], leaving))
        entering = [((chains[k][-1] if chains[k] else slots[e.source]).top
                     + (chains[k][-1] if chains[k] else slots[e.source]).wire, e.position, k)
                    for k, e in enumerate(graph.edges) if e.target == n.id]
        ins.update(spread(boxes[n.id], entering))
    return outs, ins
