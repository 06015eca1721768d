"""Pictures of training runs, decision boundaries and networks (matplotlib).

Every function takes an optional ``ax`` (or ``axes``), makes a new figure only
when none is given, and returns what it drew on, so pictures can be combined
and widgets can redraw into their own figure. Networks are any object with the
course's contract: ``net.sizes`` (layer sizes), ``net.weights[l]`` of shape
``(sizes[l+1], sizes[l])`` and ``net.forward(X (n, sizes[0])) -> (n, sizes[-1])``.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Circle
from matplotlib.ticker import MaxNLocator

from ..activations import decision_threshold, labels_from_outputs
from ..validation import CourseError, ShapeError, as_array, whole_number
from ..widgets.raster import CLASS_COLOURS
from .style import TEXT_PT

POSITIVE, NEGATIVE, NEUTRAL = "tab:blue", "tab:red", "0.6"
LAYER_FILL = {"input": "#dbe9f6", "hidden": "#f2f2f2", "output": "#fde3c8"}
HIGHLIGHT = "darkorange"
MAX_NODES = 12      # larger layers show their first and last few nodes around an ellipsis
SHOWN_AT_EACH_END = 5


# ---------------------------------------------------------------- training curves
# The playground's class colours (readable under protanopia and deuteranopia too) and a marker shape
# per class, in matplotlib's codes: the same classes look the same in the figures and the widgets.
CLASS_MARKERS = "os^Dvos^"

def _series(history, name: str, required: bool = False) -> list:
    """``history.name`` (or ``history[name]`` for a dict) as a list; [] when optional and absent."""
    value = history.get(name) if isinstance(history, dict) else getattr(history, name, None)
    if value is None:
        if required:
            raise CourseError(f"history has no {name!r}; expected an object with lists loss, accuracy "
                              "and optionally val_loss, val_accuracy")
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
    grid = np.column_stack([g1.ravel(), g2.ravel()])                        # (resolution**2, 2)
    out = as_array(net.forward(grid), "net.forward(grid)", ndim=2)         # (resolution**2, n_out)
    predicted = labels_from_outputs(out, net.output_activation)

    n_classes = max(2 if out.shape[1] == 1 else out.shape[1], int(y.max()) + 1 if len(y) else 0)
    colours = [tuple(c / 255 for c in CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in range(n_classes)]
    ax.contourf(g1, g2, predicted.reshape(g1.shape), levels=np.arange(n_classes + 1) - 0.5,
                colors=colours, alpha=0.3)
    threshold = decision_threshold(net.output_activation)
    if out.shape[1] == 1 and out[:, 0].min() < threshold < out[:, 0].max():
        ax.contour(g1, g2, out[:, 0].reshape(g1.shape), levels=[threshold], colors="black", linewidths=1.5)
    for k in np.unique(y).astype(int):
        # A shape per class as well as a colour: classes stay apart for readers who cannot tell the colours apart.
        ax.scatter(*X[y == k].T, s=18, color=colours[k], marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                   edgecolors="black", linewidths=0.5, label=f"class {k}")
    ax.set_xlim(low[0], high[0])
    ax.set_ylim(low[1], high[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", framealpha=0.8)
    return ax


# ---------------------------------------------------------------- network diagrams
def _shown_nodes(size: int) -> list:
    """Node indices drawn for a layer of ``size`` nodes, with None marking the ellipsis slot."""
    if size <= MAX_NODES:
        return list(range(size))
    return list(range(SHOWN_AT_EACH_END)) + [None] + list(range(size - SHOWN_AT_EACH_END, size))


def _per_layer(values, sizes, name: str) -> list:
    """Check an optional list with one entry (None or one item per node) per layer."""
    if values is None:
        return [None] * len(sizes)
    if len(values) != len(sizes):
        raise ShapeError(f"{name} needs one entry per layer ({len(sizes)}), got {len(values)}")
    for layer, (entry, size) in enumerate(zip(values, sizes)):
        if entry is not None and len(entry) != size:
            raise ShapeError(f"{name}[{layer}] has {len(entry)} entries but layer {layer} has {size} nodes")
    return list(values)


def _format(value) -> str:
    value = float(value)
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.3g}"


def draw_network(net_or_sizes, ax=None, node_values=None, node_labels=None, highlight=None,
                 show_weights: bool = True):
    """Draw a layered network diagram, inputs on the left; returns the Axes.

    ``net_or_sizes``: a network (``.sizes``, ``.weights``) or a list of layer sizes.
    With a network and ``show_weights``, each connection's width is proportional
    to |weight| (scaled to the largest drawn) and its colour gives the sign (blue
    +, red -). All connections are one ``LineCollection`` per pair of layers, its
    segments ordered like ``weights[l].ravel()`` (row = receiving node).
    ``node_values[l]``: None or ``sizes[l]`` numbers printed in the nodes;
    ``node_labels[l]``: None or ``sizes[l]`` strings (inside the nodes, or beside
    them when values are shown); ``highlight``: set of (layer, node) to emphasise,
    whose incoming connections stay bright while the rest fade. Layers larger
    than 12 show their first and last 5 nodes around an ellipsis.
    """
    is_net = hasattr(net_or_sizes, "sizes")
    sizes = list(net_or_sizes.sizes if is_net else net_or_sizes)
    sizes = [whole_number(s, "each of the layer sizes", 1) for s in sizes] if sizes else []
    if not sizes:
        raise CourseError(f"layer sizes must be a non-empty list of whole numbers >= 1, got {sizes!r}")
    weights = None
    if is_net and show_weights:
        weights = [as_array(W, f"net.weights[{l}]", shape=(sizes[l + 1], sizes[l]))
                   for l, W in enumerate(net_or_sizes.weights)]
        if len(weights) != len(sizes) - 1:
            raise ShapeError(f"the network has {len(sizes)} layers but {len(weights)} weight matrices")
    values = _per_layer(node_values, sizes, "node_values")
    labels = _per_layer(node_labels, sizes, "node_labels")
    highlight = set() if highlight is None else {(int(l), int(i)) for l, i in highlight}
    for layer, node in highlight:
        if not (0 <= layer < len(sizes) and 0 <= node < sizes[layer]):
            raise CourseError(f"highlight ({layer}, {node}) is not a node of a network with layer sizes {sizes}")

    shown = [_shown_nodes(s) for s in sizes]
    n_slots = max(len(s) for s in shown)
    gap, radius = 2.5, 0.36                       # horizontal layer spacing, node radius (vertical spacing 1)
    value_size = None                             # the course's type size, on a given Axes
    if ax is None:                                # about 1 inch per unit, at most 7 tall
        width, height = gap * (len(sizes) - 1) + 2.4, n_slots + 1.8
        inch = min(1.0, 7.0 / height)
        _, ax = plt.subplots(figsize=(max(3.0, inch * width), max(2.5, inch * height)))
        value_size = TEXT_PT * inch               # a value fits in its node, which shrinks in a tall network
    # position of each drawn node: pos[l][node] = (x, y); slots are centred vertically
    pos = [{node: (gap * l, (len(slots) - 1) / 2 - s) for s, node in enumerate(slots) if node is not None}
           for l, slots in enumerate(shown)]

    scale = None
    if weights is not None:
        drawn = [abs(W[np.ix_(list(pos[l + 1]), list(pos[l]))]) for l, W in enumerate(weights)]
        scale = max((float(d.max()) for d in drawn if d.size), default=0.0) or 1.0
    for l in range(len(sizes) - 1):
        segments, widths, colours = [], [], []
        for j, end in pos[l + 1].items():
            for i, start in pos[l].items():
                segments.append([start, end])
                if weights is None:
                    widths.append(1.0)
                    colour = NEUTRAL
                else:
                    w = weights[l][j, i]
                    widths.append(4.0 * abs(w) / scale)
                    colour = POSITIVE if w > 0 else NEGATIVE if w < 0 else NEUTRAL
                faded = highlight and (l + 1, j) not in highlight
                colours.append((*to_rgb(colour), 0.15 if faded else 0.8))
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, zorder=1, gid=f"weights-{l}"))

    for l, slots in enumerate(shown):
        role = "input" if l == 0 else "output" if l == len(sizes) - 1 else "hidden"
        for node, (x, y) in pos[l].items():
            emphasised = (l, node) in highlight
            ax.add_patch(Circle((x, y), radius, facecolor="#ffe7a8" if emphasised else LAYER_FILL[role],
                                edgecolor=HIGHLIGHT if emphasised else "black",
                                linewidth=3 if emphasised else 1, zorder=3))
            label = None if labels[l] is None else str(labels[l][node])
            if values[l] is not None:
                ax.text(x, y, _format(values[l][node]), ha="center", va="center", fontsize=value_size, zorder=4)
                if label is None:
                    pass
                elif role == "hidden":      # above the node: beside it, weight lines run through
                    ax.text(x, y + radius + 0.04, label, ha="center", va="bottom", zorder=4)
                else:                       # outside the network: left of inputs, right of outputs
                    side = -1 if l == 0 else 1
                    ax.text(x + side * (radius + 0.08), y, label, ha="right" if side < 0 else "left",
                            va="center", zorder=4)
            elif label is not None:
                ax.text(x, y, label, ha="center", va="center", zorder=4)
        if None in slots:                   # the ellipsis: three dots in the gap
            centre = (len(slots) - 1) / 2 - slots.index(None)
            ax.plot([gap * l] * 3, [centre - 0.25, centre, centre + 0.25], "o", color="black", markersize=2.5)
        name = f"hidden {l}" if role == "hidden" and len(sizes) > 3 else role
        caption = f"{name}\n{sizes[l]} unit" + ("s" if sizes[l] != 1 else "")
        ax.text(gap * l, -(n_slots - 1) / 2 - 0.75, caption, ha="center", va="top")

    ax.set_xlim(-1.2, gap * (len(sizes) - 1) + 1.2)
    ax.set_ylim(-(n_slots - 1) / 2 - 1.6, (n_slots - 1) / 2 + 0.7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
