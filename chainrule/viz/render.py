"""Drawing a Graph: DOT text always; pictures with Graphviz's ``dot`` when it is
installed, and otherwise from our own layout (layout.py): SVG, or PNG through matplotlib,
so a notebook always shows a picture.

The fallback is ours rather than a library's: the Python layout libraries are either
unmaintained or need compiled parts or Graphviz itself, and graphs of a few dozen
operations need no more than layout.py's layered method.
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess

from .graph import Graph
from .layout import (ARROW, LABEL_FONT, LABEL_LINE, LABEL_PAD, MARGIN, NODE_FONT, NODE_LINE,
                     NOTE_FONT, PAD_Y, Scene, layout)

COLORS = {"input": "#dbeafe", "constant": "#f3f4f6", "op": "#ffffff", "output": "#fef3c7"}
EDGE, TEXT, LABEL_TEXT, OUTPUT_STROKE = "#555555", "#111111", "#333333", "#b45309"
FONTS = "DejaVu Sans, Helvetica, Arial, sans-serif"  # layout.py measures DejaVu Sans
DPI = 150
MAX_PIXELS = 12_000  # a huge graph's PNG gets fewer dots per inch rather than this many
FORMATS = (".svg", ".png", ".dot")


class RenderError(RuntimeError):
    """Graphviz's dot failed, or a picture cannot be made on this machine."""


def _color(kind: str, output: bool) -> str:
    return COLORS["output"] if output else COLORS[kind]


# ---------------------------------------------------------------- DOT


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph) -> str:
    lines = ["digraph chainrule {",
             '  rankdir=LR; bgcolor="white";',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#555555"];']
    for node in graph.nodes:
        label = "\\n".join(_dot_text(t) for t in graph.node_lines(node))
        shape = "ellipse" if node.kind != "op" else "box"
        extra = ", peripheries=2" if node.id == graph.output else ""
        lines.append(f'  {node.id} [label="{label}", shape={shape}, '
                     f'fillcolor="{_color(node.kind, node.id == graph.output)}"{extra}];')
    for edge in graph.edges:
        label = "\\n".join(_dot_text(t) for t in graph.edge_lines(edge))
        lines.append(f'  {edge.source} -> {edge.target} [label="{label}"];')
    if graph.note:
        lines.append(f'  label="{_dot_text(graph.note)}"; labelloc=b; fontsize=9;')
    lines.append("}")
    return "\n".join(lines) + "\n"


def have_dot() -> bool:
    return shutil.which("dot") is not None


def engine_for(engine: str | None) -> str:
    """"dot" when Graphviz is installed (or asked for), else "builtin"."""
    if engine is None:
        return "dot" if have_dot() else "builtin"
    if engine not in ("dot", "builtin"):
        raise ValueError(f"render: engine must be 'dot' or 'builtin', got {engine!r}")
    return engine


def _run_dot(dot: str, fmt_name: str) -> bytes:
    """Graphviz's dot program, given the DOT text on its standard input (PNG at DPI)."""
    program = shutil.which("dot")
    if program is None:
        raise RenderError("Graphviz's dot is not installed: install graphviz (apt-get "
                          "install graphviz, brew install graphviz), or use "
                          "engine='builtin'")
    try:
        options = [f"-Gdpi={DPI}"] if fmt_name == "png" else []
        result = subprocess.run([program, f"-T{fmt_name}", *options], input=dot.encode("utf-8"),
                                capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"Graphviz's dot could not run: {exc}") from None
    if result.returncode != 0:
        raise RenderError(f"Graphviz's dot failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


# ---------------------------------------------------------------- our own layout: SVG


def _d(path) -> str:
    parts = []
    for segment in path:
        parts.append(segment[0] + " " + " ".join(f"{v:.1f}" for v in segment[1:]))
    return " ".join(parts)


def _arrow(tip) -> list:
    x, y = tip
    return [(x, y), (x - ARROW, y - ARROW / 2), (x - ARROW, y + ARROW / 2)]


def scene_svg(scene: Scene) -> str:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width:.0f}" '
           f'height="{scene.height:.0f}" viewBox="0 0 {scene.width:.0f} {scene.height:.0f}" '
           f'font-family="{FONTS}">', '<rect width="100%" height="100%" fill="white"/>',
           '<g class="edges">']
    for wire in scene.wires:  # edges under boxes under labels
        out.append(f'<path d="{_d(wire.path)}" fill="none" stroke="{EDGE}" '
                   'stroke-width="1.2"/>')
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in _arrow(wire.tip))
        out.append(f'<polygon points="{points}" fill="{EDGE}"/>')
    out.append('</g>\n<g class="nodes">')
    for box in scene.boxes:
        r = box.rect
        radius = min(r.h / 2, 14) if box.kind != "op" else 6
        out.append(f'<rect x="{r.x:.1f}" y="{r.y:.1f}" width="{r.w:.1f}" height="{r.h:.1f}" '
                   f'rx="{min(radius, r.w / 2):.1f}" fill="{_color(box.kind, box.output)}" '
                   f'stroke="{OUTPUT_STROKE if box.output else "#333"}" '
                   f'stroke-width="{2 if box.output else 1}"/>')
        for i, line in enumerate(box.lines):
            out.append(f'<text x="{r.x + r.w / 2:.1f}" y="{_node_baseline(r, i):.1f}" '
                       f'font-size="{NODE_FONT:g}" text-anchor="middle" fill="{TEXT}">'
                       f'{html.escape(line)}</text>')
    out.append('</g>\n<g class="labels">')
    for label in scene.labels:
        r = label.rect
        out.append(f'<rect x="{r.x:.1f}" y="{r.y:.1f}" width="{r.w:.1f}" height="{r.h:.1f}" '
                   'fill="white"/>')
        for i, line in enumerate(label.lines):
            out.append(f'<text x="{r.x + r.w / 2:.1f}" y="{_label_baseline(r, i):.1f}" '
                       f'font-size="{LABEL_FONT:g}" text-anchor="middle" fill="{LABEL_TEXT}">'
                       f'{html.escape(line)}</text>')
    out.append("</g>")
    if scene.note:
        out.append(f'<text x="{MARGIN}" y="{scene.height - MARGIN / 2:.1f}" '
                   f'font-size="{NOTE_FONT:g}" fill="#666">{html.escape(scene.note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _node_baseline(rect, i: int) -> float:
    return rect.y + PAD_Y + i * NODE_LINE + 0.78 * NODE_LINE


def _label_baseline(rect, i: int) -> float:
    return rect.y + LABEL_PAD + i * LABEL_LINE + 0.78 * LABEL_LINE


def to_svg(graph: Graph, engine: str | None = None) -> str:
    """The picture as SVG: Graphviz's when ``dot`` is installed, else our own layout
    (``engine="dot"`` or ``"builtin"`` chooses)."""
    if engine_for(engine) == "dot":
        return _run_dot(to_dot(graph), "svg").decode("utf-8")
    return scene_svg(layout(graph))


# ---------------------------------------------------------------- our own layout: PNG


def scene_figure(scene: Scene):
    """The scene as a matplotlib Figure (outside pyplot: nothing global is touched),
    one unit a point, at DPI dots per inch."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon, Rectangle
        from matplotlib.path import Path
    except ImportError:
        raise ImportError("rendering a PNG needs Graphviz's dot or matplotlib: install "
                          "graphviz, or pip install 'chainrule[plot]'; .svg needs "
                          "neither") from None
    fig = Figure(figsize=(scene.width / 72, scene.height / 72), dpi=png_dpi(scene))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.axis("off")
    codes = {"M": [Path.MOVETO], "L": [Path.LINETO], "C": [Path.CURVE4] * 3}
    for wire in scene.wires:
        vertices, kinds = [], []
        for segment in wire.path:
            values = segment[1:]
            vertices += [values[i:i + 2] for i in range(0, len(values), 2)]
            kinds += codes[segment[0]]
        ax.add_patch(PathPatch(Path(vertices, kinds), fill=False, edgecolor=EDGE,
                               linewidth=1.0, zorder=1))
        ax.add_patch(Polygon(_arrow(wire.tip), closed=True, facecolor=EDGE, edgecolor="none",
                             zorder=1))
    for box in scene.boxes:
        r = box.rect
        radius = min(r.h / 2, 14) if box.kind != "op" else 6
        ax.add_patch(FancyBboxPatch(
            (r.x, r.y), r.w, r.h, boxstyle=f"round,pad=0,rounding_size={min(radius, r.w / 2)}",
            facecolor=_color(box.kind, box.output),
            edgecolor=OUTPUT_STROKE if box.output else "#333333",
            linewidth=1.6 if box.output else 0.8, zorder=2))
        for i, line in enumerate(box.lines):
            ax.text(r.x + r.w / 2, _node_baseline(r, i), line, fontsize=NODE_FONT,
                    ha="center", va="baseline", color=TEXT, zorder=3)
    for label in scene.labels:
        r = label.rect
        ax.add_patch(Rectangle((r.x, r.y), r.w, r.h, facecolor="white", edgecolor="none",
                               zorder=4))
        for i, line in enumerate(label.lines):
            ax.text(r.x + r.w / 2, _label_baseline(r, i), line, fontsize=LABEL_FONT,
                    ha="center", va="baseline", color=LABEL_TEXT, zorder=5)
    if scene.note:
        ax.text(MARGIN, scene.height - MARGIN / 2, scene.note, fontsize=NOTE_FONT,
                color="#666666", va="baseline", zorder=5)
    return fig


def png_dpi(scene: Scene) -> float:
    return min(DPI, MAX_PIXELS * 72 / max(scene.width, scene.height))


def render(graph: Graph, path: str, engine: str | None = None) -> str:
    """Write the graph to ``path``: .dot, .svg or .png (by its extension)."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise ValueError(f"render: cannot write {extension or 'a file without extension'}; "
                         "use .svg, .png or .dot")
    if extension == ".png":
        if engine_for(engine) == "dot":
            data = _run_dot(to_dot(graph), "png")
            with open(path, "wb") as f:
                f.write(data)
        else:
            scene = layout(graph)
            scene_figure(scene).savefig(path, dpi=png_dpi(scene))
        return path
    text = to_dot(graph) if extension == ".dot" else to_svg(graph, engine)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
