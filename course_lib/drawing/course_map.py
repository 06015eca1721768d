"""The course map as a picture: lessons as numbered stations on a snaking route."""
from __future__ import annotations

import textwrap

from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path as CurvePath

from ..lessons.catalog import find_lessons
from ..validation import CourseError, whole_number

_GAP_X, _GAP_Y, _RADIUS = 3.0, 2.9, 0.42
_FILL = {"start": "#dbe9f6", "graded": "#fde3c8", "plain": "white"}


def _station(index: int, per_row: int) -> tuple[float, float]:
    """Where lesson ``index`` sits: rows snake left-to-right, then right-to-left."""
    row, col = divmod(index, per_row)
    if row % 2:
        col = per_row - 1 - col
    return _GAP_X * col, -_GAP_Y * row


def _route(points: list, per_row: int) -> CurvePath:
    """The road through the stations: straight along a row, a U-turn between rows."""
    vertices, codes = [points[0]], [CurvePath.MOVETO]
    for k in range(1, len(points)):
        (x0, y0), (x1, y1) = points[k - 1], points[k]
        if y0 == y1:
            vertices.append((x1, y1))
            codes.append(CurvePath.LINETO)
        else:  # bulge outwards past the end of the row
            out = 1.3 if (k // per_row) % 2 else -1.3
            vertices += [(x0 + out, y0), (x1 + out, y1), (x1, y1)]
            codes += [CurvePath.CURVE4] * 3
    return CurvePath(vertices, codes)


def draw_course_map(lessons=None, ax=None, per_row: int = 4):
    """Draw the course as a route of numbered stations; returns the Axes.

    ``lessons``: a list of ``Lesson`` (default ``find_lessons()``). Each station
    shows the lesson number and title; lessons with a graded exercise are filled
    orange and name it. ``per_row`` stations per row, the rows snaking down.
    """
    import matplotlib.pyplot as plt  # only here: the rest of the module needs no figure

    lessons = find_lessons() if lessons is None else list(lessons)
    if not lessons:
        raise CourseError("there are no lessons to draw: find_lessons() found no NN_name notebooks or sources")
    per_row = whole_number(per_row, "per_row", 2)
    per_row = min(per_row, len(lessons))
    rows = -(-len(lessons) // per_row)
    x_range = (-1.6, _GAP_X * (per_row - 1) + 1.6)
    y_range = (-_GAP_Y * (rows - 1) - 1.8, 1.0)
    if ax is None:  # 0.75 inch per unit keeps the text's size in step with the stations
        fig, ax = plt.subplots(figsize=(0.75 * (x_range[1] - x_range[0]), 0.75 * (y_range[1] - y_range[0]) + 0.3))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1 - 0.3 / fig.get_figheight())
    points = [_station(i, per_row) for i in range(len(lessons))]
    if len(points) > 1:
        ax.add_patch(PathPatch(_route(points, per_row), facecolor="none", edgecolor="0.75",
                               linewidth=7, capstyle="round", zorder=1, gid="route"))
    for index, (lesson, (x, y)) in enumerate(zip(lessons, points)):
        kind = "start" if index == 0 else "graded" if lesson.exercise else "plain"
        ax.add_patch(Circle((x, y), _RADIUS, facecolor=_FILL[kind], edgecolor="black", linewidth=1.5, zorder=3,
                            gid=f"station-{lesson.number}"))
        ax.text(x, y, lesson.number, ha="center", va="center", fontsize=12, fontweight="bold", zorder=4)
        # At most three lines, so a long title cannot run into the row below.
        title = textwrap.fill(lesson.title, 22, break_on_hyphens=False, max_lines=3, placeholder=" …")
        ax.text(x, y - _RADIUS - 0.15, title, ha="center", va="top", fontsize=9, zorder=4)
        if lesson.exercise:
            n_lines = title.count("\n") + 1
            ax.text(x, y - _RADIUS - 0.3 - 0.22 * n_lines, f"graded: {lesson.exercise}", ha="center", va="top",
                    fontsize=7.5, color="saddlebrown", zorder=4,
                    bbox=dict(boxstyle="round,pad=0.25", facecolor=_FILL["graded"], edgecolor="none"))
    ax.text(points[0][0], points[0][1] + _RADIUS + 0.2, "start", ha="center", va="bottom", fontsize=9,
            color="tab:blue", fontweight="bold")
    ax.set_title("The course route: orange stations end with a graded exercise", fontsize=10)
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


