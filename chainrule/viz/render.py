"""Drawing a Graph: DOT text always; pictures with Graphviz's ``dot`` when it is
installed, and otherwise with a short layered layout of our own (SVG, or PNG through
matplotlib), so a notebook always shows a picture.

The fallback is ours rather than a library's: the well-kept Python layout libraries need
compiled parts or Graphviz itself, and a graph of a few dozen operations needs no more
than layers by depth, ordered to keep edges short.
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess

import numpy as np

from .graph import Graph, GraphNode

COLORS = {"input": "#dbeafe", "constant": "#f3f4f6", "op": "#ffffff", "output": "#fef3c7"}


def fmt(value) -> str:
    """A number or a small array, short."""
    if value is None:
        return "?"
    value = np.asarray(value)
    if value.size == 1:
        return f"{value.reshape(()).item():.4g}"
    return np.array2string(value, precision=3, separator=", ", suppress_small=True,
                           max_line_width=60).replace("\n", " ")


def node_lines(graph: Graph, node: GraphNode) -> list:
    if node.kind == "constant":
        return [node.name]
    lines = [node.title if node.kind == "op" else f"{node.name}"]
    if node.shape:
        lines.append(f"shape {tuple(node.shape)}")
    if node.value is not None:
        lines.append(f"value {fmt(node.value)}")
    if node.grad is not None:
        out = graph._by_id[graph.output].name
        lines.append(f"∂{out}/∂{node.name} = {fmt(node.grad)}")
    return lines


def edge_label(graph: Graph, edge) -> str:
    if edge.partial is None:
        return ""
    target, source = graph._by_id[edge.target], graph._by_id[edge.source]
    return f"∂{target.name}/∂{source.name} = {fmt(edge.partial)}"


def _color(graph: Graph, node: GraphNode) -> str:
    return COLORS["output"] if node.id == graph.output else COLORS[node.kind]


# ---------------------------------------------------------------- DOT


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph) -> str:
    lines = ["digraph chainrule {",
             '  rankdir=LR; bgcolor="white";',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#555555"];']
    for node in graph.nodes:
        label = "\\n".join(_dot_text(t) for t in node_lines(graph, node))
        shape = "ellipse" if node.kind != "op" else "box"
        extra = ', peripheries=2' if node.id == graph.output else ""
        lines.append(f'  {node.id} [label="{label}", shape={shape}, '
                     f'fillcolor="{_color(graph, node)}"{extra}];')
    for edge in graph.edges:
        lines.append(f'  {edge.source} -> {edge.target} '
                     f'[label="{_dot_text(edge_label(graph, edge))}"];')
    if graph.note:
        lines.append(f'  label="{_dot_text(graph.note)}"; labelloc=b; fontsize=9;')
    lines.append("}")
    return "\n".join(lines) + "\n"


def have_dot() -> bool:
    return shutil.which("dot") is not None


def _run_dot(dot: str, fmt_name: str) -> bytes:
    try:  # the graphviz bindings (extra "viz") when installed, else the dot program itself
        import graphviz
        return graphviz.Source(dot).pipe(format=fmt_name)
    except ImportError:
        pass
    result = subprocess.run(["dot", f"-T{fmt_name}"], input=dot.encode(), capture_output=True,
                            timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Graphviz's dot failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


# ---------------------------------------------------------------- our own layout

CHAR_W, LINE_H, PAD, GAP_X, GAP_Y = 7.0, 15.0, 10.0, 90.0, 24.0


def layout(graph: Graph) -> dict:
    """Box positions: a column per depth (longest path from an input), nodes in a column
    ordered by the mean position of their arguments, which keeps most edges short."""
    parents = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        parents[e.target].append(e.source)
    depth = {}
    for node in graph.nodes:  # nodes come in creation order: arguments first
        depth[node.id] = 1 + max((depth[p] for p in parents[node.id]), default=-1)
    columns = {}
    for node in graph.nodes:
        columns.setdefault(depth[node.id], []).append(node)
    sizes = {n.id: _box_size(node_lines(graph, n)) for n in graph.nodes}
    boxes, x = {}, PAD

    def center(node_id):
        bx, by, bw, bh = boxes[node_id]
        return by + bh / 2

    for d in sorted(columns):
        column = columns[d]
        # Each node aims at the mean height of its arguments; collisions push it down.
        wanted = {n.id: np.mean([center(p) for p in parents[n.id]]) if d else 0.0
                  for n in column}
        column.sort(key=lambda n: wanted[n.id])
        width = max(sizes[n.id][0] for n in column)
        bottom = PAD - GAP_Y
        for n in column:
            w, h = sizes[n.id]
            y = max(wanted[n.id] - h / 2, bottom + GAP_Y)
            boxes[n.id] = (x + (width - w) / 2, y, w, h)
            bottom = y + h
        x += width + GAP_X
    return boxes


def _box_size(lines) -> tuple:
    return (max(len(t) for t in lines) * CHAR_W + 2 * PAD, len(lines) * LINE_H + PAD)


def _extent(boxes) -> tuple:
    return (max(x + w for x, _, w, _ in boxes.values()) + 2 * PAD,
            max(y + h for _, y, _, h in boxes.values()) + 2 * PAD + LINE_H)


def to_svg(graph: Graph, engine: str | None = None) -> str:
    """The picture as SVG: Graphviz's when ``dot`` is installed, else our own layout
    (``engine="dot"`` or ``"builtin"`` chooses)."""
    if engine is None:
        engine = "dot" if have_dot() else "builtin"
    if engine == "dot":
        return _run_dot(to_dot(graph), "svg").decode()
    boxes = layout(graph)
    width, height = _extent(boxes)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
           'font-family="Helvetica, Arial, sans-serif">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
           '</marker></defs>', '<rect width="100%" height="100%" fill="white"/>']
    for e in graph.edges:
        (x1, y1), (x2, y2) = _edge_ends(boxes, e)
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                   'stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>')
    for e in graph.edges:
        label = edge_label(graph, e)
        if label:
            (x1, y1), (x2, y2) = _edge_ends(boxes, e)
            lx, ly = x1 + 0.6 * (x2 - x1), y1 + 0.6 * (y2 - y1) - 4  # near the target
            half = len(label) * 2.9
            out.append(f'<rect x="{lx - half:.1f}" y="{ly - 9:.1f}" width="{2 * half:.1f}" '
                       'height="11" fill="white" opacity="0.85"/>')
            out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="middle" '
                       f'fill="#333">{html.escape(label)}</text>')
    for node in graph.nodes:
        x, y, w, h = boxes[node.id]
        radius = h / 2 if node.kind != "op" else 6
        stroke = "#b45309" if node.id == graph.output else "#333"
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                   f'rx="{radius:.1f}" fill="{_color(graph, node)}" stroke="{stroke}" '
                   f'stroke-width="{2 if node.id == graph.output else 1}"/>')
        for i, line in enumerate(node_lines(graph, node)):
            out.append(f'<text x="{x + w / 2:.1f}" y="{y + PAD / 2 + (i + 0.8) * LINE_H:.1f}" '
                       f'font-size="12" text-anchor="middle">{html.escape(line)}</text>')
    if graph.note:
        out.append(f'<text x="{PAD}" y="{height - PAD:.1f}" font-size="10" fill="#666">'
                   f'{html.escape(graph.note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge_ends(boxes, edge):
    sx, sy, sw, sh = boxes[edge.source]
    tx, ty, tw, th = boxes[edge.target]
    return (sx + sw, sy + sh / 2), (tx, ty + th / 2)


def _png_with_matplotlib(graph: Graph, path: str) -> None:
    try:  # a Figure of its own, outside pyplot: no global backend is touched
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch
    except ImportError:
        raise RuntimeError("rendering a PNG needs Graphviz's dot or matplotlib: install "
                           "graphviz, or pip install 'chainrule[plot]'; .svg needs "
                           "neither") from None
    boxes = layout(graph)
    width, height = _extent(boxes)
    fig = Figure(figsize=(width / 96, height / 96), dpi=96)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    for e in graph.edges:
        (x1, y1), (x2, y2) = _edge_ends(boxes, e)
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                    arrowprops={"arrowstyle": "->", "color": "#555"})
        label = edge_label(graph, e)
        if label:
            ax.text(x1 + 0.6 * (x2 - x1), y1 + 0.6 * (y2 - y1) - 4, label, fontsize=7,
                    ha="center",
                    va="bottom", bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    for node in graph.nodes:
        x, y, w, h = boxes[node.id]
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6",
                                    facecolor=_color(graph, node), edgecolor="#333"))
        for i, line in enumerate(node_lines(graph, node)):
            ax.text(x + w / 2, y + PAD / 2 + (i + 0.8) * LINE_H, line, fontsize=8,
                    ha="center", va="baseline")
    fig.savefig(path)


def render(graph: Graph, path: str, engine: str | None = None) -> str:
    """Write the graph to ``path``: .dot, .svg or .png (by its extension)."""
    extension = os.path.splitext(path)[1].lower()
    if extension == ".dot":
        text = to_dot(graph)
    elif extension == ".svg":
        text = to_svg(graph, engine)
    elif extension == ".png":
        if (engine or ("dot" if have_dot() else "builtin")) == "dot":
            with open(path, "wb") as f:
                f.write(_run_dot(to_dot(graph), "png"))
        else:
            _png_with_matplotlib(graph, path)
        return path
    else:
        raise ValueError(f"render: cannot write {extension or 'a file without extension'}; "
                         "use .svg, .png or .dot")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
