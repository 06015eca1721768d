"""Tests of course_lib.plots with a stand-in network (independent of course_lib.network)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet

from course_lib.data import blobs, moons
from course_lib.drawing.plots import plot_decision_boundary, plot_history
from course_lib.validation import CourseError, ShapeError


class StandInNet:
    """Just enough of the network contract: tanh hidden layers, sigmoid outputs."""

    output_activation = "sigmoid"

    def __init__(self, weights, biases=None):
        self.weights = [np.asarray(W, dtype=float) for W in weights]
        self.biases = (
            [np.zeros(len(W)) for W in self.weights] if biases is None else [np.asarray(b, dtype=float) for b in biases]
        )
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
    vertices = np.concatenate(
        [
            path.vertices
            for c in ax.collections
            if isinstance(c, ContourSet)
            for path in c.get_paths()
            if len(path.vertices)
        ]
    )
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
    net = StandInNet([3 * centres])  # output k is largest near blob k
    fig, ax = plt.subplots()
    assert plot_decision_boundary(net, X, y, ax=ax, resolution=60) is ax
    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert len(filled) == 1 and len(filled[0].levels) == 4  # 3 classes: levels -0.5 .. 2.5
    assert not [c for c in ax.collections if isinstance(c, ContourSet) and not c.filled]


def test_decision_boundary_constant_prediction_has_no_line():
    X, y = moons(40)
    net = StandInNet([np.zeros((1, 2))], [np.array([5.0])])  # always class 1
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
