"""Drawing a ``Value`` graph: a layered layout with the gradient on every node.

Machinery for the lessons' pictures, not part of the reading path: the idea of
reverse-mode differentiation lives in ``course_lib.value``.
"""
from __future__ import annotations

import math

from ..value import Value, topological_order
from ..validation import CourseError

# Drawing geometry in data units; _INCH inches per unit keeps text at ~9 pt.
_COL, _ROW_GAP, _BOX_W, _BOX_H, _RADIUS, _INCH = 3.6, 0.4, 2.0, 1.1, 0.34, 0.6
_SYMBOLS = {"*": "\u00d7", "/": "\u00f7", "-": "\u2212", "neg": "\u2212x", "sigmoid": "\u03c3"}


def _layout(order: list[Value]):
    """Place Values in columns by depth; give long edges a bend point in every column they cross.

    Returns ({point: (x, y)}, {(value, parent_index): [bend points]}); a point is a
    Value or a bend (value, parent_index, column).
    """
    depth: dict = {}
    first_use: dict = {}
    for v in order:
        depth[v] = 1 + max((depth[p] for p in v.parents), default=-1)
        for p in v.parents:
            first_use[p] = min(first_use.get(p, depth[v]), depth[v])
    # A leaf sits just before its first use, not far off at the left with a long edge.
    column = {v: first_use[v] - 1 if not v.parents and v in first_use else depth[v] for v in order}
    preds = {v: [] for v in order}
    succs = {v: [] for v in order}
    routes = {}
    for v in order:
        for i, p in enumerate(v.parents):
            prev, routes[v, i] = p, []
            # Bends take a slot in each column crossed, so the edge runs between boxes, not behind them.
            for c in range(column[p] + 1, column[v]):
                bend = (v, i, c)
                column[bend], preds[bend], succs[bend] = c, [prev], []
                succs[prev].append(bend)
                routes[v, i].append(bend)
                prev = bend
            preds[v].append(prev)
            succs[prev].append(v)
    columns: dict = {}
    for point, c in column.items():
        columns.setdefault(c, []).append(point)
    y = {point: -i for points in columns.values() for i, point in enumerate(points)}

    def sweep(column_order, neighbours):
        # Aim each point at the mean height of its neighbours (fewer crossings), push
        # points apart so boxes cannot touch, then re-centre the column on the aims.
        for c in column_order:
            points = columns[c]
            aim = {p: sum(y[n] for n in neighbours[p]) / len(neighbours[p]) if neighbours[p] else y[p] for p in points}
            points.sort(key=lambda p: -aim[p])
            for above, p in zip([None] + points, points):
                gap = 0 if above is None else (_height(above) + _height(p)) / 2 + _ROW_GAP
                y[p] = aim[p] if above is None else min(aim[p], y[above] - gap)
            shift = sum(aim[p] - y[p] for p in points) / len(points)
            for p in points:
                y[p] += shift

    for _ in range(3):
        sweep(sorted(columns, reverse=True), succs)
        sweep(sorted(columns), preds)
    return {p: (column[p] * _COL, y[p]) for p in column}, routes


def _height(point) -> float:
    return _BOX_H if isinstance(point, Value) else 0.0


def draw_graph(root: Value, ax=None, show_grad: bool = True):
    """Draw the computational graph of ``root`` with matplotlib and return the Axes.

    Each Value is a rounded box (label, data and, if ``show_grad``, grad to 4
    significant digits); each operation is a circle between its inputs and its output;
    arrows point forward. Columns are depths (longest path from a leaf;
    a leaf sits just before its first use) and long edges bend around boxes. With
    ``ax=None`` a new figure sized to the graph is made; otherwise text is scaled to ``ax``.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    order = topological_order(root)
    pos, routes = _layout(order)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    x0, x1 = min(xs) - _BOX_W / 2 - 0.3, max(xs) + _BOX_W / 2 + 0.3
    y0, y1 = min(ys) - _BOX_H / 2 - 0.3, max(ys) + _BOX_H / 2 + 0.3
    if ax is None:
        import matplotlib.pyplot as plt

        # Capped so a big graph still fits a screen; the font then shrinks with it.
        scale = _INCH * min(1.0, 20.0 / ((x1 - x0) * _INCH), 14.0 / ((y1 - y0) * _INCH))
        fig, ax = plt.subplots(figsize=((x1 - x0) * scale, (y1 - y0) * scale))
        fig.subplots_adjust(0, 0, 1, 1)
    frame = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    inch_per_unit = min(frame.width * fig_w / (x1 - x0), frame.height * fig_h / (y1 - y0))
    font = max(4.0, min(12.0, 9.0 * inch_per_unit / _INCH))
    ink = "#444444"

    boxes = {}
    for v in order:
        x, y = pos[v]
        colour = "#ffe2b8" if v is root else ("#dcebfa" if not v.parents else "#f4f4f4")
        pad = 0.12
        boxes[v] = FancyBboxPatch((x - _BOX_W / 2 + pad, y - _BOX_H / 2 + pad), _BOX_W - 2 * pad, _BOX_H - 2 * pad,
                                  boxstyle=f"round,pad={pad}", fc=colour, ec=ink, lw=1, zorder=2, gid="value")
        ax.add_patch(boxes[v])
        lines = ([v.label] if v.label else []) + [f"data {v.data:.4g}"] + ([f"grad {v.grad:.4g}"] if show_grad else [])
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=font, zorder=3, family="monospace")

    def arrow(a, b, patch_a, patch_b, rad=0.0):
        ax.add_patch(FancyArrowPatch(a, b, patchA=patch_a, patchB=patch_b, arrowstyle="-|>", color=ink,
                                     mutation_scale=font * 1.3, lw=1, shrinkA=1, shrinkB=1, zorder=1,
                                     connectionstyle=f"arc3,rad={rad}"))

    for v in order:
        if not v.parents:
            continue
        x, y = pos[v]
        centre = (x - _COL / 2, y)
        circle = Circle(centre, _RADIUS, fc="white", ec=ink, lw=1, zorder=2, gid="op")
        ax.add_patch(circle)
        symbol = _SYMBOLS.get(v.op, v.op)
        ax.text(*centre, symbol, ha="center", va="center", fontsize=font * (1.2 if len(symbol) <= 2 else 0.8), zorder=3)
        arrow(centre, (x - _BOX_W / 2, y), circle, None)
        for i, p in enumerate(v.parents):
            # Leave from the box's right edge: a steep edge from its centre would cross the box below.
            start = (pos[p][0] + _BOX_W / 2, pos[p][1])
            bends = [pos[b] for b in routes[v, i]]
            if bends:
                ax.plot(*zip(start, *bends), color=ink, lw=1, zorder=1)
                arrow(bends[-1], centre, None, circle)
            else:
                repeats = v.parents[:i].count(p)  # a + a: bend the second arrow so both show
                arrow(start, centre, None, circle, rad=0.35 * repeats)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
