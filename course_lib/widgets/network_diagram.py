"""The course's one network diagram: where the nodes sit, and the links between them drawn by weight.

Each layer is a column, inputs on the left; a layer's nodes sit one under another, centred on the
tallest layer. Every link is a straight line whose colour gives the sign of its number (blue
positive, orange negative) and whose thickness gives its size. The playground puts a heatmap tile
on each node; the stepper and the lessons' diagrams (``network_picture``) a circle with its name,
and its number above it. All of them place their nodes and draw their links here.
"""

from __future__ import annotations

import math

import numpy as np

from ..validation import CourseError, ShapeError
from .plot_axes import INK, TEXT_PX, Picture
from .raster import BLUE, ORANGE, WHITE, lighten

FAINT = (225, 225, 225)  # a link too weak to matter: it stays visible without drawing the eye
NODE_R = 24  # a node's radius: its name, "h1", fits inside at TEXT_PX
MAX_NODES = 8  # per layer: every node is drawn and named
# A node's fill says its layer's role, so inputs and outputs stand out from the hidden layers.
LAYER_FILL = {"input": (219, 233, 246), "hidden": (242, 242, 242), "output": (253, 227, 200)}


def node_centres(sizes, left: float, right: float, top: float, row_gap: float, rows: int | None = None) -> list:
    """Centre (x, y) of every node, ``centres[l][j]``: columns from ``left`` to ``right``, nodes
    ``row_gap`` apart in a body ``rows`` nodes tall (default: the tallest layer) starting at ``top``."""
    rows = max(sizes) if rows is None else rows
    return [
        [(float(x), top + row_gap * ((rows - n) / 2 + j + 0.5)) for j in range(n)]
        for x, n in zip(np.linspace(left, right, len(sizes)), sizes)
    ]


def centre_links(centres: list) -> dict:
    """Every link from node centre to node centre, as ``draw_links`` takes them:
    {(layer, to, source): (start, end)} for ``weights[layer][to, source]``."""
    return {
        (l, to, source): (begin, end)
        for l in range(len(centres) - 1)
        for to, end in enumerate(centres[l + 1])
        for source, begin in enumerate(centres[l])
    }


def pale(rgb, amount: float) -> tuple:
    """A colour moved ``amount`` (0..1) of the way to white."""
    return tuple(int(v) for v in lighten(np.array([[rgb]], dtype=np.uint8), amount)[0, 0])


def draw_links(canvas, ends: dict, numbers, scale, widest: float, paler: float = 0.0, faint_below: float = 0.0) -> None:
    """Draw every link, thinnest first so the strongest lie on top.

    ``ends[(l, to, source)]`` is the link's (start, end) in pixels and ``numbers[l][to, source]`` its
    number, a weight or a gradient. Its width runs from 1 px to 1 + ``widest`` px as its size goes from
    0 to ``scale`` (one number, or one per layer) and beyond; links below ``faint_below`` of the scale
    are drawn ``FAINT``, and ``paler`` moves every colour that far towards white. A link whose number is
    not finite is left out.
    """
    links = []
    for (l, to, source), (start, end) in ends.items():
        number = float(numbers[l][to, source])
        if math.isfinite(number):
            links.append((min(abs(number) / (scale[l] if np.ndim(scale) else scale), 1.0), number, start, end))
    for size, number, start, end in sorted(links, key=lambda link: link[0]):
        colour = FAINT if size <= faint_below else pale(BLUE if number >= 0 else ORANGE, paler)
        canvas.line([start, end], colour, width=1 + widest * size)


def draw_node(canvas, centre, name: str, fill, ring=INK, ring_width: int = 2) -> None:
    """A node: a circle ``NODE_R`` across with its ``name`` inside."""
    x, y = centre
    canvas.ellipse((x - NODE_R, y - NODE_R, x + NODE_R, y + NODE_R), fill=fill, outline=ring, width=ring_width)
    canvas.text((x, y), name, INK, anchor="mm")


def number_text(value: float) -> str:
    """A node's number as the lessons print it: two decimals, or three digits when it is large."""
    value = float(value)
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.3g}"


def network_picture(net_or_sizes, node_labels, node_values=None, width: int = 600) -> Picture:
    """A lesson's diagram of a small network, ``width`` pixels wide and as tall as its layers need.

    ``net_or_sizes``: a network (its links drawn by weight) or a list of layer sizes (plain grey links).
    ``node_labels[l]``: the names of layer l's nodes, written inside them; ``node_values[l]``: None, or
    one number per node of layer l, written above each. Under each column, its role and size.
    """
    sizes = list(getattr(net_or_sizes, "sizes", net_or_sizes))
    if max(sizes) > MAX_NODES:
        raise CourseError(
            f"a diagram writes every node's name, so it takes at most {MAX_NODES} nodes per layer; "
            f"got layer sizes {sizes}"
        )
    # Every node has a name; a layer may go without numbers (None).
    for name, given, optional in (
        ("node_labels", node_labels, False),
        ("node_values", node_values or [None] * len(sizes), True),
    ):
        counts = [None if entry is None else len(entry) for entry in given]
        if len(counts) != len(sizes) or any(c != n and not (optional and c is None) for c, n in zip(counts, sizes)):
            raise ShapeError(f"{name} gives {counts} entries per layer; the layer sizes are {sizes}")
    tallest, line = max(sizes), TEXT_PX + 4
    row_gap = 2 * NODE_R + line + 12  # a number above each node clears the node over it
    top = line + 8  # the top node's number
    height = int(top + tallest * row_gap + 2 * line + 8)
    canvas = Picture(width, height, scale=1)
    centres = node_centres(sizes, NODE_R + 60, width - NODE_R - 60, top, row_gap)
    ends = centre_links(centres)
    weights = getattr(net_or_sizes, "weights", None)
    if weights is None:
        for begin, end in ends.values():
            canvas.line([begin, end], (170, 170, 170), width=2)
    else:
        draw_links(canvas, ends, weights, max(float(np.max(np.abs(W))) for W in weights) or 1.0, widest=5, paler=0.2)
    for l, column in enumerate(centres):
        role = "input" if l == 0 else "output" if l == len(sizes) - 1 else "hidden"
        for j, centre in enumerate(column):
            draw_node(canvas, centre, str(node_labels[l][j]), LAYER_FILL[role])
            if node_values is not None and node_values[l] is not None:
                x, y = centre
                canvas.text((x, y - NODE_R - 4), number_text(node_values[l][j]), INK, anchor="md", background=WHITE)
        units = f"{sizes[l]} unit" + "s" * (sizes[l] != 1)
        canvas.text((column[0][0], height - 2 * line - 2), role, INK, anchor="ma")
        canvas.text((column[0][0], height - line - 2), units, INK, anchor="ma")
    return canvas
