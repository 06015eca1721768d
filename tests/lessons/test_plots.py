"""Tests of course_lib.plots with a stand-in network (independent of course_lib.network)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.contour import ContourSet
from matplotlib.patches import Circle

from course_lib.data import blobs, moons
from course_lib.drawing.plots import draw_network, plot_decision_boundary, plot_history
from course_lib.validation import CourseError, ShapeError


class StandInNet:
    """Just enough of the network contract: tanh hidden layers, sigmoid outputs."""

    output_activation = "sigmoid"

    def __init__(self, weights, biases=None):
        self.weights = [np.asarray(W, dtype=float) for W in weights]
        self.biases = [np.zeros(len(W)) for W in self.weights] if biases is None else \
            [np.asarray(b, dtype=float) for b in biases]
        self.sizes = [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    def forward(self, X):
        a = np.asarray(X, dtype=float)
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T + b
            a = np.tanh(z) if l < len(self.weights) - 1 else 1.0 / (1.0 + np.exp(-z))
        return a


def random_net(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return StandInNet([rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])])


class History:
    def __init__(self, loss, accuracy, val_loss=(), val_accuracy=()):
        self.loss, self.accuracy = list(loss), list(accuracy)
        self.val_loss, self.val_accuracy = list(val_loss), list(val_accuracy)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def connection_collections(ax):
    return [c for c in ax.collections if isinstance(c, LineCollection) and str(c.get_gid()).startswith("weights-")]


def texts(ax):
    return [t.get_text() for t in ax.texts]


# ---------------------------------------------------------------- plot_history
def test_plot_history_curves_start_at_epoch_one():
    history = History([1.0, 0.5, 0.25], [0.5, 0.75, 0.9], [1.1, 0.6, 0.4], [0.4, 0.7, 0.8])
    axes = plot_history(history)
    assert len(axes) == 2
    loss_ax, acc_ax = axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 2
    for line in loss_ax.lines + acc_ax.lines:
        assert list(line.get_xdata()) == [1, 2, 3]
    assert list(loss_ax.lines[0].get_ydata()) == [1.0, 0.5, 0.25]
    assert list(acc_ax.lines[1].get_ydata()) == [0.4, 0.7, 0.8]
    assert loss_ax.get_xlabel() == "epoch"


def test_plot_history_without_validation_and_into_given_axes():
    fig, given = plt.subplots(1, 2)
    n_figures = len(plt.get_fignums())
    axes = plot_history(History([0.9, 0.8], [0.6, 0.7]), axes=given)
    assert axes is given
    assert len(plt.get_fignums()) == n_figures
    assert [len(ax.lines) for ax in axes] == [1, 1]


def test_plot_history_accepts_dict_and_empty_accuracy():
    axes = plot_history({"loss": [3.0, 2.0, 1.0], "accuracy": []})
    assert len(axes[0].lines) == 1 and len(axes[1].lines) == 0
    assert any("no accuracy" in t for t in texts(axes[1]))


def test_plot_history_errors():
    with pytest.raises(CourseError, match="loss"):
        plot_history(object())
    with pytest.raises(CourseError, match="pair"):
        plot_history(History([1], [1]), axes=[plt.gca()])


# ---------------------------------------------------------------- plot_decision_boundary
def contour_bounds(ax):
    """(xmin, ymin, xmax, ymax) over every filled-contour path."""
    vertices = np.concatenate([path.vertices for c in ax.collections if isinstance(c, ContourSet)
                               for path in c.get_paths() if len(path.vertices)])
    return (*vertices.min(axis=0), *vertices.max(axis=0))


def test_decision_boundary_single_output_covers_data():
    X, y = moons(100, seed=1)
    net = StandInNet([[[0.0, -4.0], [3.0, -3.0], [-3.0, -3.0]], [[3.0, 3.0, 3.0]]], [[1.0, -2.0, 1.0], [-1.0]])
    ax = plot_decision_boundary(net, X, y, resolution=50)
    assert isinstance(ax, plt.Axes)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 2, "filled classes plus the 0.5 line"
    assert [list(c.levels) for c in contours if not c.filled] == [[0.5]]
    xmin, ymin, xmax, ymax = contour_bounds(ax)
    assert xmin <= X[:, 0].min() and xmax >= X[:, 0].max()
    assert ymin <= X[:, 1].min() and ymax >= X[:, 1].max()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    assert xlim[0] <= X[:, 0].min() - 0.49 and xlim[1] >= X[:, 0].max() + 0.49
    assert ylim[0] <= X[:, 1].min() - 0.49 and ylim[1] >= X[:, 1].max() + 0.49
    scattered = sum(len(c.get_offsets()) for c in ax.collections if not isinstance(c, ContourSet))
    assert scattered == len(X)


def test_decision_boundary_multi_output_uses_argmax():
    X, y = blobs(90, n_classes=3, spread=0.3)
    centres = np.array([[np.cos(a), np.sin(a)] for a in 2 * np.pi * np.arange(3) / 3])
    net = StandInNet([3 * centres])                 # output k is largest near blob k
    fig, ax = plt.subplots()
    assert plot_decision_boundary(net, X, y, ax=ax, resolution=60) is ax
    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert len(filled) == 1 and len(filled[0].levels) == 4           # 3 classes: levels -0.5 .. 2.5
    assert not [c for c in ax.collections if isinstance(c, ContourSet) and not c.filled]


def test_decision_boundary_constant_prediction_has_no_line():
    X, y = moons(40)
    net = StandInNet([np.zeros((1, 2))], [np.array([5.0])])        # always class 1
    ax = plot_decision_boundary(net, X, y, resolution=20)
    assert [c.filled for c in ax.collections if isinstance(c, ContourSet)] == [True]


def test_decision_boundary_errors():
    X, y = moons(20)
    with pytest.raises(ShapeError, match="3 inputs"):
        plot_decision_boundary(random_net([3, 2, 1]), X, y)
    with pytest.raises(ShapeError, match=r"\(20, 3\)"):
        plot_decision_boundary(random_net([2, 1]), np.zeros((20, 3)), y)
    with pytest.raises(ShapeError, match="y"):
        plot_decision_boundary(random_net([2, 1]), X, y[:-1])


# ---------------------------------------------------------------- draw_network
def test_draw_network_from_sizes_one_line_per_connection():
    ax = draw_network([2, 4, 3, 1])
    collections = connection_collections(ax)
    assert [len(c.get_segments()) for c in collections] == [2 * 4, 4 * 3, 3 * 1]
    assert len([p for p in ax.patches if isinstance(p, Circle)]) == 10
    for size in ("2 units", "4 units", "3 units", "1 unit"):
        assert any(size in t for t in texts(ax))


def test_draw_network_widths_follow_weights():
    W1 = np.array([[0.5, -2.0], [1.0, 0.0], [-0.25, 4.0]])      # (3, 2)
    W2 = np.array([[-3.0, 0.1, 2.0]])                           # (1, 3)
    ax = draw_network(StandInNet([W1, W2]))
    collections = connection_collections(ax)
    widths = np.concatenate([c.get_linewidths() for c in collections])
    weights = np.concatenate([W1.ravel(), W2.ravel()])
    assert len(widths) == len(weights) == 9
    assert np.allclose(widths / widths.max(), np.abs(weights) / np.abs(weights).max())
    assert np.array_equal(np.argsort(widths, kind="stable"), np.argsort(np.abs(weights), kind="stable"))
    colours = np.concatenate([c.get_colors() for c in collections])
    positive, negative = colours[weights > 0], colours[weights < 0]
    assert np.all(positive[:, 2] > positive[:, 0]), "positive weights are blue"
    assert np.all(negative[:, 0] > negative[:, 2]), "negative weights are red"
    # the segment for weights[0][j, i] runs from input node i to hidden node j
    segments = collections[0].get_segments()
    assert segments[1][0][1] < segments[0][0][1]                # i = 1 lies below i = 0
    assert np.allclose(segments[0][1], segments[1][1])          # both end at hidden node 0


def test_draw_network_without_weights_uses_equal_lines():
    ax = draw_network(random_net([2, 3, 1]), show_weights=False)
    widths = np.concatenate([c.get_linewidths() for c in connection_collections(ax)])
    assert len(widths) == 9 and np.all(widths == widths[0])


def test_draw_network_node_values_and_labels_appear_as_text():
    net = random_net([2, 3, 1])
    values = [[0.5, -1.25], [0.1, 0.2, 0.3], [0.875]]
    ax = draw_network(net, node_values=values, node_labels=[["x1", "x2"], ["h1", "h2", "h3"], ["y1"]])
    shown = texts(ax)
    for text in ("0.50", "-1.25", "0.10", "0.20", "0.30", "0.88", "x1", "x2", "h1", "h2", "h3", "y1"):
        assert text in shown
    ax = draw_network([2, 1], node_labels=[["a", "b"], None])
    assert {"a", "b"} <= set(texts(ax))


def test_draw_network_highlight_emphasises_nodes_and_incoming_lines():
    ax = draw_network(random_net([2, 3, 1]), highlight={(1, 2)})
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    widths = sorted(p.get_linewidth() for p in circles)
    assert widths[-1] > widths[0] and widths[-2] == widths[0], "exactly one node is emphasised"
    alphas = connection_collections(ax)[0].get_colors()[:, 3]
    assert len(alphas) == 6                                    # ordered like weights[0].ravel(): rows 0, 1, 2
    assert alphas[4:].min() > alphas[:4].max(), "connections into node (1, 2) stay bright"
    assert np.all(connection_collections(ax)[1].get_colors()[:, 3] == alphas[0]), "others fade"


def test_draw_network_large_layers_are_abbreviated():
    net = random_net([784, 128, 10])
    fig, ax = plt.subplots()
    assert draw_network(net, ax=ax) is ax
    n_lines = sum(len(c.get_segments()) for c in connection_collections(ax)) + len(ax.lines)
    assert n_lines < 300
    assert len([p for p in ax.patches if isinstance(p, Circle)]) <= 3 * 12
    assert any("784" in t for t in texts(ax)) and any("128" in t for t in texts(ax))
    values = [np.linspace(0, 1, 784), None, np.arange(10.0)]
    ax = draw_network(net, node_values=values)
    assert "1.00" in texts(ax) and "9.00" in texts(ax)


def test_draw_network_errors():
    with pytest.raises(CourseError, match="sizes"):
        draw_network([2, 0, 1])
    with pytest.raises(ShapeError, match="node_values"):
        draw_network([2, 3, 1], node_values=[[1, 2], [1, 2, 3]])
    with pytest.raises(ShapeError, match=r"node_labels\[1\]"):
        draw_network([2, 3, 1], node_labels=[None, ["a"], None])
    with pytest.raises(CourseError, match="highlight"):
        draw_network([2, 3, 1], highlight={(1, 3)})
    bad = random_net([2, 3, 1])
    bad.sizes = [2, 4, 1]
    with pytest.raises(ShapeError, match="weights"):
        draw_network(bad)
