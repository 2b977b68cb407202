"""chainrule.viz: the dependency graph of the chapter's exercise-5 function, the two
sweeps of explain, and plot."""
from __future__ import annotations

import math
import shutil

import numpy as np
import pytest

import chainrule as cr
from chainrule.viz.render import render, to_svg


def f5(x):
    """Exercise 5: f(x) = log(x²)·sin(x) + 1/x."""
    return cr.log(x ** 2) * cr.sin(x) + 1 / x


def df5(x):
    return 2 / x * math.sin(x) + math.log(x * x) * math.cos(x) - 1 / x ** 2


@pytest.fixture
def graph():
    return cr.viz.trace(f5, x=2.0)


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


def test_graph_after_a_backward_that_freed_it_says_so():
    x = cr.tensor(2.0, dtype=cr.float64, requires_grad=True, name="x")
    y = f5(x)
    y.backward()
    g = cr.viz.graph(y)
    assert "retain_graph=True" in g.note
    assert g.node("x").grad == pytest.approx(df5(2.0))  # the leaf's .grad
    assert g.edge("x", "v3").partial is None


def test_graph_refuses_a_tensor_without_history():
    with pytest.raises(ValueError, match="no recorded history.*trace"):
        cr.viz.graph(cr.tensor(1.0))


def test_dot_text(graph):
    dot = graph.to_dot()
    assert dot.startswith("digraph chainrule {") and dot.rstrip().endswith("}")
    assert dot.count("->") == 10
    assert "v4 = multiply(v2, v3)" in dot and "∂v4/∂v3 = 1.386" in dot
    assert "∂v6/∂x = 0.0824" in dot


def test_builtin_svg_draws_every_node_and_edge(graph, tmp_path):
    svg = to_svg(graph, engine="builtin")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert svg.count("<line") == 10 and svg.count("rx=") == 9
    assert "v2 = log(v1)" in svg and "∂v2/∂v1 = 0.25" in svg
    path = render(graph, str(tmp_path / "g.svg"), engine="builtin")
    assert open(path).read() == svg


def test_jupyter_display(graph):
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<")
    assert "6 operations on x" in bundle["text/plain"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_renders_svg_and_png(graph, tmp_path):
    assert "<svg" in to_svg(graph, engine="dot")
    path = graph.render(str(tmp_path / "g.png"))
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_builtin_png_through_matplotlib(graph, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (extra 'plot')")
    path = render(graph, str(tmp_path / "g.png"), engine="builtin")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_render_refuses_unknown_formats(graph, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.dot"):
        graph.render(str(tmp_path / "g.pdf"))


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
    text = str(e)
    for heading in ("Forward sweep", "Tangent sweep", "Adjoint sweep", "Both sweeps give"):
        assert heading in text


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
    assert "reverse mode is cheaper" in str(e)


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
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert "sin" in fig.axes[0].get_title()


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


def test_explain_a_function_with_several_outputs():
    """For f: R → R³ the sweeps meet at ⟨f̄, J·ẋ⟩; here f̄ picks the second output."""
    e = cr.viz.explain(lambda t: cr.sin(t * cr.tensor([1.0, 2.0, 3.0], dtype=cr.float64)),
                       0.5, cotangent=[0.0, 1.0, 0.0])
    assert float(e.forward_derivative) == pytest.approx(2 * math.cos(1.0), abs=1e-12)
    assert float(e.reverse_derivative) == pytest.approx(2 * math.cos(1.0), abs=1e-12)
    assert "forward mode is cheaper" in e.cost_table()


def test_plot_leaves_the_matplotlib_backend_alone(tmp_path):
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    before = matplotlib.get_backend()
    cr.viz.plot(cr.sin, 0.0, 1.0, path=str(tmp_path / "a.png"))
    render(cr.viz.trace(f5, x=2.0), str(tmp_path / "g.png"), engine="builtin")
    assert matplotlib.get_backend() == before
