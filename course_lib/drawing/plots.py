"""Pictures of training runs and decision boundaries (matplotlib); networks are drawn by ``widgets.network_diagram``.

Every function takes an optional ``ax`` (or ``axes``), makes a new figure only
when none is given, and returns what it drew on, so pictures can be combined
and widgets can redraw into their own figure. Networks are any object with the
course's contract: ``net.sizes`` (layer sizes), ``net.weights[l]`` of shape
``(sizes[l+1], sizes[l])`` and ``net.forward(X (n, sizes[0])) -> (n, sizes[-1])``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import decision_threshold, labels_from_outputs
from ..validation import CourseError, ShapeError, as_array, whole_number
from ..widgets.raster import CLASS_COLOURS


# ---------------------------------------------------------------- training curves
# The playground's class colours (readable under protanopia and deuteranopia too) and a marker shape
# per class, in matplotlib's codes: the same classes look the same in the figures and the widgets.
CLASS_MARKERS = "os^Dvos^"


def _series(history, name: str, required: bool = False) -> list:
    """``history.name`` (or ``history[name]`` for a dict) as a list; [] when optional and absent."""
    value = history.get(name) if isinstance(history, dict) else getattr(history, name, None)
    if value is None:
        if required:
            raise CourseError(
                f"history has no {name!r}; expected an object with lists loss, accuracy "
                "and optionally val_loss, val_accuracy"
            )
        return []
    return list(value)


def plot_history(history, axes=None):
    """Loss (left) and accuracy (right) per epoch, with validation curves when recorded.

    ``history`` has list attributes ``loss`` and ``accuracy`` (one number per
    epoch) and optionally ``val_loss``, ``val_accuracy`` (may be empty). Epochs
    are numbered from 1. ``axes`` is a pair of Axes; returns it (or the new pair).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    elif len(axes) != 2:
        raise CourseError(f"axes must be a pair of matplotlib Axes (loss, accuracy), got {len(axes)}")
    for ax, name, label in zip(axes, ("loss", "accuracy"), ("loss", "accuracy")):
        train = _series(history, name, required=True)
        val = _series(history, "val_" + name)
        if train:
            ax.plot(np.arange(1, len(train) + 1), train, marker="." if len(train) < 30 else None, label="training")
        if val:
            ax.plot(np.arange(1, len(val) + 1), val, marker="." if len(val) < 30 else None, label="validation")
        if not train and not val:
            ax.text(0.5, 0.5, f"no {label} recorded", ha="center", va="center", transform=ax.transAxes, color="0.5")
        elif val:
            ax.legend()
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(label.capitalize())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    return axes


# ---------------------------------------------------------------- decision boundaries
def plot_decision_boundary(net, X, y, ax=None, resolution: int = 200, padding: float = 0.5):
    """Colour the plane by the class ``net`` predicts, and show the data on top.

    ``X (n, 2)`` inputs, ``y (n,)`` integer labels. The grid covers the data plus
    ``padding`` on each side with ``resolution`` points per axis. One output
    unit: class = output above its activation's midpoint, drawn as a black line.
    Several outputs: class = argmax (``activations.labels_from_outputs``). Returns the Axes.
    """
    X = as_array(X, "X", shape=(None, 2))
    y = as_array(y, "y", shape=(len(X),))
    if y.dtype.kind not in "iu" and not np.all(y == np.round(y)):
        raise CourseError(f"y must hold integer class labels, got dtype {y.dtype}")
    if int(net.sizes[0]) != 2:
        raise ShapeError(f"the network takes {net.sizes[0]} inputs; a decision boundary needs 2")
    resolution = whole_number(resolution, "resolution", 2)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))

    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (resolution**2, 2)
    out = as_array(net.forward(grid), "net.forward(grid)", ndim=2)  # (resolution**2, n_out)
    predicted = labels_from_outputs(out, net.output_activation)

    n_classes = max(2 if out.shape[1] == 1 else out.shape[1], int(y.max()) + 1 if len(y) else 0)
    colours = [tuple(c / 255 for c in CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in range(n_classes)]
    ax.contourf(g1, g2, predicted.reshape(g1.shape), levels=np.arange(n_classes + 1) - 0.5, colors=colours, alpha=0.3)
    threshold = decision_threshold(net.output_activation)
    if out.shape[1] == 1 and out[:, 0].min() < threshold < out[:, 0].max():
        ax.contour(g1, g2, out[:, 0].reshape(g1.shape), levels=[threshold], colors="black", linewidths=1.5)
    for k in np.unique(y).astype(int):
        # A shape per class as well as a colour: classes stay apart for readers who cannot tell the colours apart.
        ax.scatter(
            *X[y == k].T,
            s=18,
            color=colours[k],
            marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
            edgecolors="black",
            linewidths=0.5,
            label=f"class {k}",
        )
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", framealpha=0.8)
    return ax
