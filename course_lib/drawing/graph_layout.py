"""Drawing a ``Value`` graph: a layered layout with the gradient on every node.

Machinery for the lessons' pictures, not part of the reading path: the idea of
reverse-mode differentiation lives in ``course_lib.value``.

Data flows either to the right (levels are columns) or down (levels are rows).
One layout routine serves both: it places every point at (along, across), along
the flow and across it, and only the final step turns that into (x, y).
"""

from __future__ import annotations

from ..validation import lookup
from ..value import Value, topological_order
from .style import TEXT_PT

# Drawing geometry in data units; _INCH inches per unit gives _FONT-point text, in which a
# monospace character is _CHAR units wide.
_BOX_H, _RADIUS, _MARGIN = 1.0, 0.34, 0.1
_INCH, _FONT, _MIN_FONT = 1.0, TEXT_PT, TEXT_PT
_CHAR = 0.602 * _FONT / 72 / _INCH
# A figure made here is shown at its own size, at 100 dpi: a slide shows 11 in of it without shrinking
# it (described.SLIDE_FIGURE_PX), and the inline backend pads a figure by 0.1 in on each side.
_PAGE_W, _PAGE_H = 10.8, 15.0
_SYMBOLS = {"*": "\u00d7", "/": "\u00f7", "-": "\u2212", "neg": "\u2212x", "sigmoid": "\u03c3"}
DIRECTIONS = ("right", "down")


class _Flow:
    """One orientation: box extents along and across the flow, the spacing, and (along, across) -> (x, y).

    Consecutive levels are a box plus ``room`` apart (room for the op circle and two
    arrows); neighbours in a level are ``gap`` apart.
    """

    def __init__(self, direction: str, box_w: float, compact: bool = False):
        if direction == "right":  # levels are columns, first inputs on top
            self.box_along, self.box_across, room, self.gap = box_w, _BOX_H, 1.6, 0.4
            if compact:  # a longer graph on a slide's width: arrows shorter, boxes closer
                room, self.gap = 1.2, 0.3
            self.to_xy = lambda along, across: (along, across)
        else:  # levels are rows, first inputs on the left
            self.box_along, self.box_across, room, self.gap = _BOX_H, box_w, 1.4, 0.2
            self.to_xy = lambda along, across: (-across, -along)
        self.step = self.box_along + room


def _layout(order: list[Value], flow: _Flow):
    """Place Values in levels by depth; give long edges a bend point in every level they cross.

    Returns ({point: (along, across)}, {(value, parent_index): [bend points]}); a point is
    a Value or a bend (value, parent_index, level).
    """
    depth: dict = {}
    first_use: dict = {}
    for v in order:
        depth[v] = 1 + max((depth[p] for p in v.parents), default=-1)
        for p in v.parents:
            first_use[p] = min(first_use.get(p, depth[v]), depth[v])
    # A leaf sits just before its first use, not far off at the start with a long edge.
    level = {v: first_use[v] - 1 if not v.parents and v in first_use else depth[v] for v in order}
    preds = {v: [] for v in order}
    succs = {v: [] for v in order}
    routes = {}
    for v in order:
        for i, p in enumerate(v.parents):
            prev, routes[v, i] = p, []
            # Bends take a slot in each level crossed, so the edge runs between boxes, not behind them.
            for k in range(level[p] + 1, level[v]):
                bend = (v, i, k)
                level[bend], preds[bend], succs[bend] = k, [prev], []
                succs[prev].append(bend)
                routes[v, i].append(bend)
                prev = bend
            preds[v].append(prev)
            succs[prev].append(v)
    levels: dict = {}
    for point, k in level.items():
        levels.setdefault(k, []).append(point)
    across = {point: -i for points in levels.values() for i, point in enumerate(points)}

    def extent(point) -> float:
        return flow.box_across if isinstance(point, Value) else 0.0

    def sweep(level_order, neighbours):
        # Aim each point at the mean position of its neighbours (fewer crossings), push
        # points apart so boxes cannot touch, then re-centre the level on the aims.
        for k in level_order:
            points = levels[k]
            aim = {
                p: sum(across[n] for n in neighbours[p]) / len(neighbours[p]) if neighbours[p] else across[p]
                for p in points
            }
            points.sort(key=lambda p: -aim[p])
            for before, p in zip([None] + points, points):
                gap = 0 if before is None else (extent(before) + extent(p)) / 2 + flow.gap
                across[p] = aim[p] if before is None else min(aim[p], across[before] - gap)
            shift = sum(aim[p] - across[p] for p in points) / len(points)
            for p in points:
                across[p] += shift

    for _ in range(3):
        sweep(sorted(levels, reverse=True), succs)
        sweep(sorted(levels), preds)
    return {p: (level[p] * flow.step, across[p]) for p in level}, routes


def _bounds(positions: dict, flow: _Flow):
    """(x0, x1, y0, y1) enclosing every box of a layout, with a margin."""
    xs, ys = [], []
    for point, (along, across) in positions.items():
        if isinstance(point, Value):
            for d_along in (-flow.box_along / 2, flow.box_along / 2):
                for d_across in (-flow.box_across / 2, flow.box_across / 2):
                    x, y = flow.to_xy(along + d_along, across + d_across)
                    xs.append(x)
                    ys.append(y)
    return min(xs) - _MARGIN, max(xs) + _MARGIN, min(ys) - _MARGIN, max(ys) + _MARGIN


def _inch_per_unit(bounds, width: float, height: float) -> float:
    x0, x1, y0, y1 = bounds
    return min(width / (x1 - x0), height / (y1 - y0))


def _lines(v: Value, show_grad: bool, compact: bool = False) -> list[str]:
    """A box's text: its label ("constant" for an unlabelled leaf, i.e. a number an operation wrapped), data, grad.
    ``compact``: the numbers to 3 significant digits without their names (the figure's key names them)."""
    label = v.label or ("" if v.parents else "constant")
    if compact:
        return [label] + [f"{v.data:.3g}"] + ([f"{v.grad:.3g}"] if show_grad else [])
    return ([label] if label else []) + [f"data {v.data:.4g}"] + ([f"grad {v.grad:.4g}"] if show_grad else [])


def describe_graph(root: Value, show_grad: bool = True, limit: int = 12) -> str:
    """The text alternative of ``draw_graph(root, show_grad=show_grad)``: each operation's output
    with the operation and the inputs it reads, inputs first, at the figure's 4 significant digits.
    Past ``limit`` operations only the count and the output are spelt out (the picture itself is then
    too big to read node by node)."""
    order = topological_order(root)

    def name(v: Value) -> str:
        label = v.label or ("" if v.parents else "constant")
        values = f"{v.data:.4g}" + (f", grad {v.grad:.4g}" if show_grad else "")
        return f"{label} ({values})" if label else f"({values})"

    steps = [v for v in order if v.parents]
    leaves = [v for v in order if not v.parents]
    text = (
        f"A computational graph of {len(order)} values and {len(steps)} operations, arrows pointing "
        f"forward from inputs to output; each box gives a value's label"
        + (", data and grad. " if show_grad else " and data. ")
    )
    if len(steps) > limit:
        named = {v.label: v for v in leaves if v.label}  # x1 and x2 recur, once per use: name each once
        return text + (
            f"Its {len(leaves)} inputs ({', '.join(name(v) for v in named.values())}) feed "
            f"{len(steps)} operations ending in {name(root)}."
        )
    words = {"+": "the sum", "*": "the product"}
    parts = [
        f"{name(v)} = {words.get(v.op, v.op or 'an operation')} of {' and '.join(name(p) for p in v.parents)}"
        for v in steps
    ]
    return text + "; ".join(parts) + "."


def draw_graph(root: Value, ax=None, show_grad: bool = True, direction: str | None = None, compact: bool = False):
    """Draw the computational graph of ``root`` with matplotlib and return the Axes.

    Each Value is a rounded box (label, data and, if ``show_grad``, grad to 4
    significant digits); a leaf without a label, such as a plain number an operation
    wrapped, reads "constant". Each operation is a circle between its inputs and its
    output; arrows point forward. Levels are depths (longest path from a leaf; a leaf
    sits just before its first use) and long edges bend around boxes.

    ``compact`` boxes give the numbers to 3 digits without the words "data" and "grad",
    and a dashed key box says which line is which: narrower boxes, so that a longer graph
    fits a slide's width at the course's text size.

    ``direction`` is "right" (levels are columns) or "down" (levels are rows); by
    default "right" when that fits the space with the course's text size (``style.TEXT_PT``),
    else whichever gives the larger text. With ``ax=None`` a new figure sized to the graph
    is made, at most 10.8 in wide (1,100 px, padding included: a slide shows it at its own
    size) and 15 in tall, with text of at most ``TEXT_PT``; otherwise the drawing is scaled
    to fill ``ax``.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    order = topological_order(root)
    texts = {v: "\n".join(_lines(v, show_grad, compact)) for v in order}
    # Every box as wide as the longest line of any box: a tidy grid, and no text sticks out.
    key_lines = ["name", "data", "grad"] if compact else []  # the compact graph's key box is as wide as the rest
    lines = [*key_lines, *(line for text in texts.values() for line in text.splitlines())]
    box_w = max(len(line) for line in lines) * _CHAR + 0.25
    if ax is None:
        room = (_PAGE_W, _PAGE_H)
    else:
        frame = ax.get_position()
        fig_w, fig_h = ax.figure.get_size_inches()
        room = (frame.width * fig_w, frame.height * fig_h)
    names = [lookup(direction, dict(zip(DIRECTIONS, DIRECTIONS)), "direction")] if direction is not None else DIRECTIONS
    layouts = {}
    for name in names:
        flow = _Flow(name, box_w, compact)
        positions, routes = _layout(order, flow)
        bounds = _bounds(positions, flow)
        # Never larger than the design size, so a small graph keeps the course's text size.
        layouts[name] = (flow, positions, routes, bounds, min(_INCH, _inch_per_unit(bounds, *room)))
    name = names[0]
    if layouts[name][4] * _FONT / _INCH < _MIN_FONT:
        name = max(names, key=lambda n: layouts[n][4])
    flow, positions, routes, (x0, x1, y0, y1), inch = layouts[name]
    width, height = (abs(d) for d in flow.to_xy(flow.box_along, flow.box_across))
    key = None
    if compact:  # a key box, "name / data / grad", in the top-right corner, or above the graph if that is taken
        key = (x1 - _MARGIN - width / 2, y1 - _MARGIN - height / 2)
        taken = [xy for point, xy in ((p, flow.to_xy(*positions[p])) for p in positions) if isinstance(point, Value)]
        if any(abs(x - key[0]) < width and abs(y - key[1]) < height for x, y in taken):
            y1 += height + flow.gap
            key = (key[0], y1 - _MARGIN - height / 2)
            if ax is None:
                inch = min(inch, _inch_per_unit((x0, x1, y0, y1), *room))
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=((x1 - x0) * inch, (y1 - y0) * inch))
        fig.subplots_adjust(0, 0, 1, 1)
    else:
        inch = _inch_per_unit((x0, x1, y0, y1), *room)  # a given Axes may also enlarge the drawing
    font = max(4.0, min(1.3 * _FONT, _FONT * inch / _INCH))
    ink = "#444444"

    def xy(point, d_along=0.0):
        along, across = positions[point]
        return flow.to_xy(along + d_along, across)

    def box(x, y, text, colour, gid, style="-"):
        pad = 0.12
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2 + pad, y - height / 2 + pad),
                width - 2 * pad,
                height - 2 * pad,
                boxstyle=f"round,pad={pad}",
                fc=colour,
                ec=ink,
                lw=1,
                ls=style,
                zorder=2,
                gid=gid,
            )
        )
        ax.text(x, y, text, ha="center", va="center", fontsize=font, zorder=3, family="monospace")

    for v in order:
        box(*xy(v), texts[v], "#ffe2b8" if v is root else ("#dcebfa" if not v.parents else "#f4f4f4"), "value")
    if key is not None:
        box(*key, "name\ndata" + "\ngrad" * show_grad, "white", "key", style="--")

    def arrow(a, b, patch_a, patch_b, gid, rad=0.0):
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                patchA=patch_a,
                patchB=patch_b,
                arrowstyle="-|>",
                color=ink,
                mutation_scale=font * 1.3,
                lw=1,
                shrinkA=1,
                shrinkB=1,
                zorder=1,
                connectionstyle=f"arc3,rad={rad}",
                gid=gid,
            )
        )

    for v in order:
        if not v.parents:
            continue
        centre = xy(v, -flow.step / 2)
        circle = Circle(centre, _RADIUS, fc="white", ec=ink, lw=1, zorder=2, gid="op")
        ax.add_patch(circle)
        symbol = _SYMBOLS.get(v.op, v.op)
        ax.text(*centre, symbol, ha="center", va="center", fontsize=font * (1.2 if len(symbol) <= 2 else 1.0), zorder=3)
        arrow(centre, xy(v, -flow.box_along / 2), circle, None, "result")
        for i, p in enumerate(v.parents):
            # Leave from the box's far side: a steep edge from its centre would cross the box next to it.
            start = xy(p, flow.box_along / 2)
            bends = [xy(b) for b in routes[v, i]]
            if bends:
                ax.plot(*zip(start, *bends), color=ink, lw=1, zorder=1, gid="bend")
                arrow(bends[-1], centre, None, circle, "edge")
            else:
                repeats = v.parents[:i].count(p)  # a + a: bend the second arrow so both show
                arrow(start, centre, None, circle, "edge", rad=0.35 * repeats)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
