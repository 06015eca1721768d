"""The widgets' one network diagram: where the nodes sit, and the links between them drawn by weight.

Each layer is a column, inputs on the left; a layer's nodes sit one under another, centred on the
tallest layer. Every link is a straight line whose colour gives the sign of its number (blue
positive, orange negative) and whose thickness gives its size. The playground puts a heatmap tile
on each node and the stepper a circle with its numbers; both place them and draw their links here.
"""
from __future__ import annotations

import math

import numpy as np

from .raster import BLUE, ORANGE

FAINT = (225, 225, 225)   # a link too weak to matter: it stays visible without drawing the eye


def node_centres(sizes, left: float, right: float, top: float, row_gap: float, rows: int | None = None) -> list:
    """Centre (x, y) of every node, ``centres[l][j]``: columns from ``left`` to ``right``, nodes
    ``row_gap`` apart in a body ``rows`` nodes tall (default: the tallest layer) starting at ``top``."""
    rows = max(sizes) if rows is None else rows
    return [[(float(x), top + row_gap * ((rows - n) / 2 + j + 0.5)) for j in range(n)]
            for x, n in zip(np.linspace(left, right, len(sizes)), sizes)]


def pale(rgb, amount: float) -> tuple:
    """A colour moved ``amount`` (0..1) of the way to white."""
    return tuple(int(round(v + (255 - v) * amount)) for v in rgb)


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
