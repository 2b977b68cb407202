"""chainrule.viz: the dependency graph of the chapter's exercise-5 function (and of a
second derivative, and of a vector function), its pictures, the two sweeps of explain,
and plot."""
from __future__ import annotations

import math
import os
import re
import shutil
import stat
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import chainrule as cr
from chainrule.viz import render as drawing
from chainrule.viz.layout import layout
from chainrule.viz.render import RenderError, render, to_svg
from chainrule.viz.text import fmt, text_width

SVG = "{http://www.w3.org/2000/svg}"


def f5(x):
    """Exercise 5: f(x) = log(x²)·sin(x) + 1/x."""
    return cr.log(x ** 2) * cr.sin(x) + 1 / x


def df5(x):
    return 2 / x * math.sin(x) + math.log(x * x) * math.cos(x) - 1 / x ** 2


@pytest.fixture
def graph():
    return cr.viz.trace(f5, x=2.0)


def second_derivative_graph():
    """The 14 operations of dy/dx for the exercise function (create_graph=True)."""
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    (dy,) = cr.autograd.grad(f5(x), x, create_graph=True)
    return cr.viz.graph(dy)


def vector_graph():
    """tanh(sum(w*w) + b): two edges from w into one node, small gradients."""
    w = cr.tensor([1.0, -2.0, 0.5], dtype=cr.float64, requires_grad=True, name="w")
    b = cr.tensor(0.3, dtype=cr.float64, requires_grad=True, name="b")
    return cr.tanh(cr.sum(w * w) + b).graph()


GRAPHS = {"exercise5": lambda: cr.viz.trace(f5, x=2.0), "dy_dx": second_derivative_graph,
          "vector": vector_graph}


# ---------------------------------------------------------------- the graph itself


def test_nodes_of_the_exercise_function(graph):
    ops = [(n.name, n.op, n.arguments) for n in graph.nodes if n.kind == "op"]
    assert ops == [("v1", "power", ["x", "2"]), ("v2", "log", ["v1"]), ("v3", "sin", ["x"]),
                   ("v4", "multiply", ["v2", "v3"]), ("v5", "divide", ["1", "x"]),
                   ("v6", "add", ["v4", "v5"])]
    assert [n.name for n in graph.nodes if n.kind == "input"] == ["x"]
    assert sorted(n.name for n in graph.nodes if n.kind == "constant") == ["1", "2"]
    assert graph._by_id[graph.output].name == "v6"


def test_values_of_the_exercise_function(graph):
    expected = {"x": 2.0, "v1": 4.0, "v2": math.log(4), "v3": math.sin(2),
                "v4": math.log(4) * math.sin(2), "v5": 0.5,
                "v6": math.log(4) * math.sin(2) + 0.5}
    for name, value in expected.items():
        assert graph.node(name).value == pytest.approx(value, abs=1e-12)


def test_local_partials_on_the_edges(graph):
    expected = {("x", "v1"): 4.0, ("v1", "v2"): 0.25, ("x", "v3"): math.cos(2),
                ("v2", "v4"): math.sin(2), ("v3", "v4"): math.log(4), ("x", "v5"): -0.25,
                ("v4", "v6"): 1.0, ("v5", "v6"): 1.0}
    for (source, target), value in expected.items():
        assert graph.edge(source, target).partial == pytest.approx(value, abs=1e-12)
    assert graph.edge("2", "v1").partial is None  # constants are not differentiated
    assert len(graph.edges) == 10


def test_gradients_after_the_sweep(graph):
    assert graph.node("x").grad == pytest.approx(df5(2.0), abs=1e-12)
    assert graph.node("v4").grad == pytest.approx(1.0)
    assert graph.node("v2").grad == pytest.approx(math.sin(2), abs=1e-12)
    assert graph.node("v1").grad == pytest.approx(math.sin(2) / 4, abs=1e-12)


def test_graph_of_a_users_tensor_named_by_the_user():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    w = cr.tensor([1.0, 2.0], dtype=cr.float64, requires_grad=True, name="w")
    y = cr.sum(w * x)
    g = y.graph()
    assert {n.name for n in g.nodes if n.kind == "input"} == {"x", "w"}
    np.testing.assert_allclose(g.node("w").grad, [2.0, 2.0])
    np.testing.assert_allclose(g.edge("w", "v1").partial, [[2.0, 0.0], [0.0, 2.0]])


def test_graph_of_a_users_tensor_has_every_value():
    """No trace, no observer: the values the tape did not keep are recomputed by the
    primitives from the leaves, in the order the operations ran."""
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    g = f5(x).graph()
    expected = {"v1": 4.0, "v2": math.log(4), "v3": math.sin(2),
                "v4": math.log(4) * math.sin(2), "v5": 0.5,
                "v6": math.log(4) * math.sin(2) + 0.5}
    for name, value in expected.items():
        assert g.node(name).value == pytest.approx(value, abs=1e-12), name
        assert g.node(name).shape == ()
    assert "shape ()" in g.node_lines(g.node("v3"))
    np.testing.assert_allclose(vector_graph().node("v1").value, [1.0, 4.0, 0.25])


def test_a_value_modified_in_place_is_not_trusted():
    """b = sin(a) saved a; a changed afterwards: a's value is recomputed (4, not 5),
    and b's partial, which would use the changed a, is not shown."""
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    a = x * 2
    b = cr.sin(a)
    a.add_(1.0)
    g = b.graph()
    assert g.node("v1").value == pytest.approx(4.0)
    assert g.node("v2").value == pytest.approx(math.sin(4.0))
    assert g.edge("v1", "v2").partial is None
    assert "modified in place" in g.note


def test_a_constant_the_tape_did_not_keep_is_marked():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    g = (x + 1).graph()  # add keeps nothing for its backward
    assert g.node("v1").title == "v1 = add(x, ·)"
    assert g.node("v1").value == pytest.approx(3.0)  # the output itself
    assert "a constant the tape did not keep" in g.note
    assert cr.viz.trace(lambda x: x + 1, x=2.0).node("v1").title == "v1 = add(x, 1)"


def test_graph_after_a_backward_that_freed_it_labels_the_leafs_grad():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    (x * 3).backward()
    y = cr.sin(x)
    y.backward()
    g = cr.viz.graph(y)
    assert "retain_graph=True" in g.note
    node = g.node("x")
    assert node.grad == pytest.approx(3 + math.cos(2)) and node.grad_source == "grad"
    lines = g.node_lines(node)
    assert f"x.grad = {fmt(3 + math.cos(2))}" in lines
    assert not any(line.startswith("∂") for line in lines)  # not ∂v1/∂x: it is not that
    assert g.edge("x", "v1").partial is None
    assert g.node("v1").value == pytest.approx(math.sin(2))  # replayed from x


def test_whole_graph_labels_the_leaf_with_its_partial():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    (x * 3).backward()
    g = cr.viz.graph(cr.sin(x))
    assert g.node("x").grad == pytest.approx(math.cos(2)) and g.node("x").grad_source == "adjoint"
    assert f"∂v1/∂x = {fmt(math.cos(2))}" in g.node_lines(g.node("x"))


def test_names_are_unique():
    a = cr.tensor(1.0, dtype=cr.float64, requires_grad=True)
    b = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    g = cr.viz.graph(a * b)
    inputs = [n.name for n in g.nodes if n.kind == "input"]
    assert len(set(inputs)) == 2 and "x" in inputs
    assert g.node("v1").title == f"v1 = multiply({inputs[0]}, x)"
    assert g.node(inputs[0]).value == 1.0 and g.node("x").value == 2.0
    v1 = cr.tensor(3.0, dtype=cr.float64, requires_grad=True, name="v1")
    g = cr.viz.graph(cr.sin(v1) * v1)
    names = [n.name for n in g.nodes]
    assert len(set(names)) == len(names)
    assert g.node("v1").kind == "op" and g.node("v2").title == f"v2 = multiply(v1, {names[0]})"
    assert g.node(names[0]).value == 3.0


def test_two_edges_between_the_same_nodes_say_which_argument():
    g = vector_graph()
    first, second = g.edge("w", "v1", argument=1), g.edge("w", "v1", argument=2)
    assert (first.position, second.position) == (0, 1)
    with pytest.raises(KeyError, match="argument="):
        g.edge("w", "v1")
    assert g.edge_lines(first) == ["∂v1/∂w (argument 1) = diag[1, -2, 0.5]"]
    assert g.edge_lines(second) == ["∂v1/∂w (argument 2) = diag[1, -2, 0.5]"]
    dot = g.to_dot()
    assert "(argument 1)" in dot and "(argument 2)" in dot


def test_small_entries_are_printed_not_rounded_to_zero():
    g = vector_graph()
    w = np.array([1.0, -2.0, 0.5])
    slope = 1 - np.tanh(np.sum(w * w) + 0.3) ** 2
    np.testing.assert_allclose(g.node("w").grad, 2 * w * slope)
    line = g.grad_line(g.node("w"))
    assert line == "∂v4/∂w = [" + ", ".join(f"{v:.4g}" for v in 2 * w * slope) + "]"
    assert line == "∂v4/∂w = [0.0001209, -0.0002418, 6.045e-05]"
    assert fmt(np.array([-0.0, 1e-7, -3.0])) == "[0, 1e-07, -3]"
    assert fmt(-0.0) == "0" and fmt(np.float32(0.1)) == "0.1"
    assert fmt(np.array([[1.0, 0.0], [0.0, -2.0]])) == "[[1, 0], [0, -2]]"


def test_the_identity_and_a_constant_have_graphs():
    g = cr.viz.trace(lambda x: x, x=2.0)
    assert g._by_id[g.output].name == "x" and g.node("x").grad == 1.0
    assert "0 operations on x" in repr(g)
    g = cr.viz.trace(lambda x: 3.0, x=2.0)
    output = g._by_id[g.output]
    assert output.kind == "constant" and output.value == 3.0
    assert g.node("x").grad == 0.0 and g.edges == []
    x = cr.tensor(2.0, requires_grad=True, name="x")
    assert cr.viz.graph(x).node("x").grad == 1.0


def test_graph_refuses_a_tensor_without_history():
    with pytest.raises(ValueError, match="no recorded history.*trace"):
        cr.viz.graph(cr.tensor(1.0))


def test_summary_table(graph):
    text = graph.summary()
    assert text.splitlines()[0] == "Dependency graph of v6: 6 operations on x"
    row = next(line for line in text.splitlines() if line.startswith("v4 "))
    assert re.split(r"\s{2,}", row) == ["v4", "multiply(v2, v3)", fmt(math.log(4) * math.sin(2)),
                                        "∂v4/∂v2 = 0.9093; ∂v4/∂v3 = 1.386", "1"]
    x_row = next(line for line in text.splitlines() if line.startswith("x "))
    assert x_row.split()[-1] == fmt(df5(2.0))


# ---------------------------------------------------------------- pictures


def test_dot_text(graph):
    dot = graph.to_dot()
    assert dot.startswith("digraph chainrule {") and dot.rstrip().endswith("}")
    assert dot.count("->") == 10
    assert "v4 = multiply(v2, v3)" in dot and "∂v4/∂v3 = 1.386" in dot
    assert "∂v6/∂x = 0.0824" in dot


def _svg_tree(svg: str):
    root = ET.fromstring(svg)
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
    return root, groups


def test_builtin_svg_draws_every_node_edge_and_label_in_order(graph, tmp_path):
    svg = to_svg(graph, engine="builtin")
    root, groups = _svg_tree(svg)
    assert list(groups) == ["edges", "nodes", "labels"]  # drawn in this order: z-order
    assert len(groups["edges"].findall(f"{SVG}path")) == 10
    assert len(groups["edges"].findall(f"{SVG}polygon")) == 10  # an arrowhead each
    assert len(groups["nodes"].findall(f"{SVG}rect")) == 9
    assert len(groups["labels"].findall(f"{SVG}rect")) == 8  # constants' edges: no label
    texts = [t.text for t in groups["nodes"].iter(f"{SVG}text")]
    assert "v2 = log(v1)" in texts and "shape ()" in texts
    labels = [t.text for t in groups["labels"].iter(f"{SVG}text")]
    assert "∂v2/∂v1 = 0.25" in labels
    path = render(graph, str(tmp_path / "g.svg"), engine="builtin")
    assert open(path, encoding="utf-8").read() == svg


def _overlapping(rects):
    return [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.overlaps(b)]


@pytest.mark.parametrize("name", GRAPHS)
def test_builtin_layout_overlaps_nothing(name):
    """No label box touches a node box or another label; no edge runs through a box
    or a label (edges pass only through the gaps and through their own slots)."""
    g = GRAPHS[name]()
    scene = layout(g)
    boxes = [b.rect for b in scene.boxes]
    labels = [lab.rect for lab in scene.labels]
    assert len(labels) == sum(bool(g.edge_lines(e)) for e in g.edges)
    assert not _overlapping(boxes)
    assert not _overlapping(labels)
    assert not [(lab, box) for lab in labels for box in boxes if lab.overlaps(box)]
    for lab in scene.labels:  # the background holds its text
        assert lab.rect.w >= max(text_width(t, 10.0) for t in lab.lines)
    for wire in scene.wires:
        for x, y in scene.samples(wire):
            assert not any(r.contains(x, y, inset=0.5) for r in boxes + labels), \
                (name, g.edges[wire.edge], x, y)
        edge = g.edges[wire.edge]
        source, target = (next(b.rect for b in scene.boxes if b.node_id == i)
                          for i in (edge.source, edge.target))
        assert wire.path[0][1] == pytest.approx(source.x + source.w)  # leaves the source
        assert wire.tip[0] == pytest.approx(target.x)                 # points at the target
        assert target.y < wire.tip[1] < target.y + target.h


def test_parallel_edges_run_apart():
    scene = layout(vector_graph())
    wires = [w for w in scene.wires if w.edge in (0, 1)]  # the two edges w -> v1
    first, second = (np.array(scene.samples(w)) for w in wires)
    assert np.min(np.abs(first[:, 1] - second[:, 1])) > 3.0


def test_long_edges_get_a_slot_in_each_column_they_cross(graph):
    scene = layout(graph)
    long_edge = next(k for k, e in enumerate(graph.edges)
                     if graph._by_id[e.source].name == "v5")  # v5 (rank 2) -> v6 (rank 4)
    wire = next(w for w in scene.wires if w.edge == long_edge)
    # Horizontal runs through its own slots: more than the one label slot.
    runs = [s for s in wire.path if s[0] == "L"]
    assert len(runs) >= 3


def _pixels(path):
    import matplotlib.image
    return matplotlib.image.imread(path)


def test_builtin_png_through_matplotlib(graph, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    path = render(graph, str(tmp_path / "g.png"), engine="builtin")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    scene = layout(graph)
    pixels = _pixels(path)[..., :3]
    # 150 dots per inch, one scene unit a point.
    assert abs(pixels.shape[1] - scene.width * 150 / 72) <= 2
    assert abs(pixels.shape[0] - scene.height * 150 / 72) <= 2
    ink = np.mean(np.any(pixels < 0.9, axis=-1))
    assert 0.02 < ink < 0.5  # neither blank nor a block of colour
    output_fill = np.array([0xfe, 0xf3, 0xc7]) / 255
    assert np.any(np.all(np.abs(pixels - output_fill) < 0.02, axis=-1))
    input_fill = np.array([0xdb, 0xea, 0xfe]) / 255
    assert np.any(np.all(np.abs(pixels - input_fill) < 0.02, axis=-1))


@pytest.mark.parametrize("name", GRAPHS)
def test_png_text_fits_in_its_boxes(name):
    """Measured by matplotlib's own renderer: every label's text lies inside its white
    background, every node's text inside its box."""
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    scene = layout(GRAPHS[name]())
    fig = drawing.scene_figure(scene)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    to_display = ax.transData
    rects = [b.rect for b in scene.boxes] + [lab.rect for lab in scene.labels]
    for text in ax.texts:
        if text.get_text() == scene.note:
            continue
        extent = text.get_window_extent(renderer)
        (x0, y0), (x1, y1) = to_display.inverted().transform(
            [(extent.x0, extent.y0), (extent.x1, extent.y1)])
        inside = [r for r in rects if r.x - 0.5 <= min(x0, x1) and max(x0, x1) <= r.x + r.w + 0.5
                  and r.y - 0.5 <= min(y0, y1) and max(y0, y1) <= r.y + r.h + 0.5]
        assert inside, (text.get_text(), (x0, y0, x1, y1))


def test_jupyter_display(graph):
    bundle = graph._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    root, groups = _svg_tree(bundle["image/svg+xml"])
    size = [float(re.match(r"[\d.]+", root.get(k)).group()) for k in ("width", "height")]
    assert size[0] > 100 and size[1] > 50  # pixels (our layout) or points (Graphviz's)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {n.title for n in graph.nodes} <= texts
    assert "6 operations on x" in bundle["text/plain"]
    assert graph._repr_svg_() == bundle["image/svg+xml"]


def test_render_refuses_unknown_formats(graph, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        graph.render(str(tmp_path / "g.pdf"))
    assert not (tmp_path / "g.pdf").exists()


# ---------------------------------------------------------------- Graphviz's dot

STUB = """#!{python}
import os, sys
data = sys.stdin.buffer.read()
with open(os.environ["STUB_LOG"], "ab") as log:
    log.write(repr((sys.argv[1:], data.decode("utf-8"))).encode() + b"\\n")
if os.environ.get("STUB_FAIL"):
    sys.stderr.write("syntax error in line 1")
    sys.exit(1)
fmt = [a for a in sys.argv[1:] if a.startswith("-T")][0][2:]
sys.stdout.buffer.write(b"\\x89PNG\\r\\n\\x1a\\nstub" if fmt == "png" else b"<svg>stub</svg>")
"""


@pytest.fixture
def stub_dot(tmp_path, monkeypatch):
    """A tiny `dot` on PATH that records its command line and input."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text(STUB.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "dot.log"
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("STUB_LOG", str(log))

    def calls():
        import ast
        return [ast.literal_eval(line) for line in log.read_text().splitlines()]
    return calls


@pytest.mark.skipif(sys.platform == "win32", reason="the stub is a POSIX script")
def test_dot_is_used_when_installed(graph, stub_dot, tmp_path):
    assert drawing.have_dot() and drawing.engine_for(None) == "dot"
    assert to_svg(graph) == "<svg>stub</svg>"           # the default engine is dot
    assert graph._repr_svg_() == "<svg>stub</svg>"
    path = graph.render(str(tmp_path / "g.png"))
    assert open(path, "rb").read() == b"\x89PNG\r\n\x1a\nstub"
    (svg_args, svg_input), _, (png_args, png_input) = stub_dot()
    assert svg_args == ["-Tsvg"] and png_args == ["-Tpng", "-Gdpi=150"]
    assert svg_input == png_input == graph.to_dot()      # the DOT text, on stdin
    assert to_svg(graph, engine="builtin").startswith("<svg xmlns")


@pytest.mark.skipif(sys.platform == "win32", reason="the stub is a POSIX script")
def test_a_failing_dot_says_what_it_said(graph, stub_dot, monkeypatch):
    monkeypatch.setenv("STUB_FAIL", "1")
    with pytest.raises(RenderError, match="dot failed: syntax error in line 1"):
        to_svg(graph)


def test_without_dot_the_builtin_layout_draws(graph, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    assert not drawing.have_dot() and drawing.engine_for(None) == "builtin"
    assert 'class="edges"' in graph._repr_svg_()
    with pytest.raises(RenderError, match="not installed"):
        to_svg(graph, engine="dot")
    with pytest.raises(ValueError, match="'dot' or 'builtin'"):
        to_svg(graph, engine="neato")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_renders_svg_and_png(graph, tmp_path):
    svg = to_svg(graph, engine="dot")
    root = ET.fromstring(svg)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"v4 = multiply(v2, v3)", "∂v4/∂v3 = 1.386"} <= texts
    path = graph.render(str(tmp_path / "g.png"))
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    if pytest.importorskip("matplotlib"):
        pixels = _pixels(path)
        assert pixels.shape[1] > 600 and np.mean(np.any(pixels[..., :3] < 0.9, axis=-1)) > 0.02


# ---------------------------------------------------------------- explain


@pytest.mark.parametrize("x", [0.5, 2.0, 3.7])
def test_both_sweeps_agree_with_grad(x):
    e = cr.viz.explain(f5, x=x)
    expected = cr.grad(f5)(cr.tensor(x, dtype=cr.float64)).item()
    assert abs(float(e.forward_derivative) - expected) < 1e-12
    assert abs(float(e.reverse_derivative) - expected) < 1e-12
    assert [r.name for r in e.forward] == ["v1", "v2", "v3", "v4", "v5", "v6"]


def test_sweep_rows_name_the_chain_rule():
    e = cr.viz.explain(f5, x=2.0)
    rows = {r.name: r for r in e.tangent}
    assert rows["v4"].formula == "∂v4/∂v2·v2̇ + ∂v4/∂v3·v3̇"
    adjoint = {r.name: r for r in e.adjoint}
    assert adjoint["x"].formula == "v1̄·∂v1/∂x + v3̄·∂v3/∂x + v5̄·∂v5/∂x"
    assert adjoint["x"].numbers == "0.2273·4 + 1.386·(-0.4161) + 1·(-0.25)"
    text = str(e)
    for heading in ("Forward sweep", "Tangent sweep", "Adjoint sweep", "Both sweeps give"):
        assert heading in text


def _shown_sum(numbers: str) -> float:
    """The value of a row's products as printed: "0.2273·4 + 1.386·(-0.4161)"."""
    total = 0.0
    for term in numbers.split(" + "):
        factors = [float(f.strip("()")) for f in term.split("·")]
        total += math.prod(factors)
    return total


@pytest.mark.parametrize("x", [0.5, 2.0, 3.7])
def test_each_rows_shown_products_add_up_to_its_value(x):
    e = cr.viz.explain(f5, x=x)
    rows = [r for r in e.tangent + e.adjoint if r.numbers]
    assert len(rows) == 6 + 6  # every operation in the tangent sweep; all but f, and x
    for row in rows:
        value = float(row.value)
        # Each printed factor has four significant digits.
        assert _shown_sum(row.numbers) == pytest.approx(value, rel=2e-3, abs=2e-4), row


def test_explain_a_vector_function_and_the_costs():
    x = np.array([1.0, -2.0, 0.5])
    direction = np.array([0.3, 0.1, -1.0])
    e = cr.viz.explain(lambda v: cr.sum(cr.sin(v) * v), x, direction=direction)
    gradient = np.sin(x) + x * np.cos(x)
    assert float(e.forward_derivative) == pytest.approx(gradient @ direction, abs=1e-12)
    assert float(e.reverse_derivative) == pytest.approx(gradient @ direction, abs=1e-12)
    cost = e.cost
    assert (cost["inputs"], cost["outputs"], cost["operations"]) == (3, 1, 3)
    assert cost["forward_sweeps"] == 3 and cost["reverse_sweeps"] == 1
    # f's own 3 operations once, then a derivative rule per operation per sweep.
    assert (cost["forward_operations"], cost["reverse_operations"]) == (3 + 3 * 3, 3 + 1 * 3)
    assert cost["cheaper"] == "reverse" and "reverse mode is cheaper" in str(e)
    assert "f's 3 once, then one derivative rule per operation per sweep" in e.cost_table()


def test_explain_a_function_with_several_outputs():
    """For f: R → R³ the sweeps meet at ⟨f̄, J·ẋ⟩; here f̄ picks the second output."""
    e = cr.viz.explain(lambda t: cr.sin(t * cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64)),
                       0.5, cotangent=[0.0, 1.0, 0.0])
    assert float(e.forward_derivative) == pytest.approx(2 * math.cos(1.0), abs=1e-12)
    assert float(e.reverse_derivative) == pytest.approx(2 * math.cos(1.0), abs=1e-12)
    assert e.cost["cheaper"] == "forward" and "forward mode is cheaper" in e.cost_table()
    assert (e.cost["forward_operations"], e.cost["reverse_operations"]) == (2 + 2, 2 + 3 * 2)


def test_explain_the_identity_and_a_constant():
    e = cr.viz.explain(lambda x: x, 2.0)
    assert float(e.forward_derivative) == 1.0 and float(e.reverse_derivative) == 1.0
    assert "Both sweeps give df = 1 (forward) and 1 (reverse)." in str(e)
    e = cr.viz.explain(lambda x: 3.0, 2.0)
    assert float(e.forward_derivative) == 0.0 and float(e.reverse_derivative) == 0.0
    assert "Both sweeps give df = 0 (forward) and 0 (reverse)." in str(e)


def test_explain_takes_a_dialects_tensor_as_the_point():
    """A dialect's tensor as the point gives f that dialect's tensors, so f may use its
    methods (DJL's x.pow(2).log() ...)."""
    from chainrule.djl import NDManager
    manager = NDManager.newBaseManager()
    e = cr.viz.explain(lambda x: x.pow(2).log().mul(x.sin()).add(x.pow(-1)),
                       manager.create(2.0))
    assert float(e.forward_derivative) == pytest.approx(df5(2.0), abs=1e-12)
    assert float(e.reverse_derivative) == pytest.approx(df5(2.0), abs=1e-12)
    assert e.cost["saved_values"] > 0


# ---------------------------------------------------------------- plot


def test_plot_of_sin_draws_cos_as_its_derivative(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    path = tmp_path / "sin.png"
    fig = cr.viz.plot(cr.sin, -math.pi, math.pi, order=2, path=str(path))
    lines = fig.axes[0].lines
    xs = lines[0].get_xdata()
    np.testing.assert_allclose(lines[0].get_ydata(), np.sin(xs), atol=1e-12)
    np.testing.assert_allclose(lines[1].get_ydata(), np.cos(xs), atol=1e-12)
    np.testing.assert_allclose(lines[2].get_ydata(), -np.sin(xs), atol=1e-12)
    assert fig.axes[0].get_title() == "sin and its derivatives by autodiff"
    pixels = _pixels(path)
    assert pixels.shape[1] > 1000  # 150 dots per inch
    assert 0.01 < np.mean(np.any(pixels[..., :3] < 0.9, axis=-1)) < 0.5


def test_plot_names_a_formula_and_keeps_the_legend_off_the_curves():
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    from chainrule.formula import parse
    fig = cr.viz.plot(parse("log(x**2)*sin(x) + 1/x"), 0.5, 6.0, label="f")
    ax = fig.axes[0]
    assert ax.get_title() == "f(x) = log(x**2)*sin(x) + 1/x and its derivative by autodiff"
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    assert labels == ["f(x) = log(x**2)*sin(x) + 1/x", "f′(x) (autodiff)"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # beside the axes, not on them


def test_plot_leaves_pyplot_alone_and_shows_in_jupyter(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot", reason="matplotlib is not installed")
    before = plt.get_fignums()
    fig = cr.viz.plot(cr.sin, 0.0, 1.0)
    assert plt.get_fignums() == before  # nothing accumulates in pyplot
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_plot_reports_progress_per_block_and_order(monkeypatch):
    import importlib
    plotting = importlib.import_module("chainrule.viz.plot")  # the module, not the function
    monkeypatch.setattr(plotting, "BLOCK", 30)
    done = []
    curves = plotting.derivatives(cr.sin, np.linspace(0, 1, 100), order=2, progress=done.append)
    assert done == [30, 30, 30, 10] * 3
    np.testing.assert_allclose(curves[2], -np.sin(np.linspace(0, 1, 100)), atol=1e-12)


def test_derivatives_without_matplotlib():
    from chainrule.viz.plot import derivatives
    xs = np.linspace(0.1, 2.0, 5)
    value, slope = derivatives(lambda x: x ** 3, xs, order=1)
    np.testing.assert_allclose(slope, 3 * xs ** 2, rtol=1e-12)


def test_tensors_show_their_facts_in_jupyter():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    html = y._repr_html_()
    assert "shape</b> (2,)" in html and "dtype</b> float32" in html
    assert "grad_fn</b> MulBackward" in html and "tensor([3., 6.]" in html
    assert "requires_grad</b> True" in x._repr_html_()


def test_matplotlib_can_plot_tensors_that_require_grad(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot", reason="matplotlib is not installed")
    x = cr.linspace(0.0, 3.0, 20, requires_grad=True)
    y = cr.sin(x)
    fig, ax = plt.subplots()
    ax.plot(x, y)  # through __array__, no .detach() needed
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.sin(x.numpy()), rtol=1e-6)
    plt.close(fig)


def test_plot_leaves_the_matplotlib_backend_alone(tmp_path):
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    before = matplotlib.get_backend()
    cr.viz.plot(cr.sin, 0.0, 1.0, path=str(tmp_path / "a.png"))
    render(cr.viz.trace(f5, x=2.0), str(tmp_path / "g.png"), engine="builtin")
    assert matplotlib.get_backend() == before
