"""The course map as a picture: lessons as numbered stations on a snaking route, with your progress.

``draw_course_map`` draws the route. ``course_progress`` reads, from your own files and with no
server, how far you are: a lesson counts as *opened* once JupyterLab has opened it (JupyterLab
then keeps a checkpoint of it in ``notebooks/.ipynb_checkpoints/``), and an exercise's parts count
as *passing* once their self-check cells pass (the self-checks note it in
``exercises/.course-progress.json``, see ``course_lib.exercises.checks.record_progress``).
``progress_map()`` is the map with that progress drawn on it, and a button to read it again.
"""

from __future__ import annotations

import html
import json
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path as CurvePath

from ..exercises.checks import PROGRESS_FILE
from ..lessons.catalog import COURSE, find_lessons
from ..validation import CourseError, whole_number
from . import style
from .style import TEXT_PT

# Geometry in units of _INCH inches: six stations to a row fit a slide's 1,100 px, their text at the
# course's size (style.TEXT_PT), which a title wraps to _WRAP characters to stay within its station.
_GAP_X, _GAP_Y, _RADIUS, _INCH, _WRAP = 3.0, 2.9, 0.42, 0.56, 13
_CHAR = 0.6 * TEXT_PT / 72 / _INCH  # a wide character's width, in units
_LINE = 1.25 * TEXT_PT / 72 / _INCH  # a line of text's height, in units
_BADGE = 1.4 * _LINE  # a badge's height, its box included
_TITLE_LINES = 4
_FILL = {"start": "#dbe9f6", "graded": "#fde3c8", "plain": "white"}
_PASSING, _STARTED, _OPENED_RING = "#c7e9c0", "#fff3b0", "tab:blue"  # badge fills and the ring of an opened lesson


def _station(index: int, per_row: int, gap_x: float = _GAP_X, gap_y: float = _GAP_Y) -> tuple[float, float]:
    """Where lesson ``index`` sits: rows snake left-to-right, then right-to-left."""
    row, col = divmod(index, per_row)
    if row % 2:
        col = per_row - 1 - col
    return gap_x * col, -gap_y * row


def _route(points: list, per_row: int, gap_x: float = _GAP_X) -> CurvePath:
    """The road through the stations: straight along a row, a U-turn between rows, outside the titles."""
    vertices, codes = [points[0]], [CurvePath.MOVETO]
    for k in range(1, len(points)):
        (x0, y0), (x1, y1) = points[k - 1], points[k]
        if y0 == y1:
            vertices.append((x1, y1))
            codes.append(CurvePath.LINETO)
        else:  # bulge outwards past the end of the row
            # far enough out that the curve clears the titles under the row's end stations
            out = (1 if (k // per_row) % 2 else -1) * (gap_x / 2 + 1.0)
            vertices += [(x0 + out, y0), (x1 + out, y1), (x1, y1)]
            codes += [CurvePath.CURVE4] * 3
    return CurvePath(vertices, codes)


def map_size(lessons, per_row: int, progress: dict | None = None) -> tuple[float, float]:
    """The figure size (inches) ``draw_course_map`` draws ``lessons`` at, ``per_row`` to a row."""
    _, _, (x0, x1), (y0, y1) = _extent(lessons, min(per_row, len(lessons)), progress)
    return _INCH * (x1 - x0), _INCH * (y1 - y0) + 0.4


def _badges(lesson, progress: dict | None) -> list[tuple[str, str, str, str]]:
    """(gid, label, fill, colour) of each badge under a graded lesson's title: with no progress one
    "graded" badge (the lesson and the course's table name its exercises), else one per exercise."""
    names = lesson.exercises
    if not names:
        return []
    if progress is None:
        label = "graded" if len(names) == 1 else f"graded ×{len(names)}"
        return [(f"badge-{lesson.number}", label, _FILL["graded"], "saddlebrown")]
    mine = progress.get(lesson.number)
    states = mine.exercises if mine else {}
    return [(f"badge-{name}", *_badge(name, states.get(name))) for name in names]


def _extent(lessons, per_row: int, progress: dict | None):
    """(gap_x, gap_y, x range, y range) of the map, in units: stations far enough apart for their widest
    badge, and rows for the title and badges under each station."""
    if progress is None:
        widest = max((len(label) for lesson in lessons for _, label, _, _ in _badges(lesson, None)), default=0)
    else:  # as wide as any state's label ("ex01_name 10/10"), so the map keeps its size as you work
        widest = max((len(name) + 6 for lesson in lessons for name in lesson.exercises), default=0)
    gap_x = max(_GAP_X, widest * _CHAR + 0.4)
    rows = -(-len(lessons) // per_row)
    badges = max(
        (len(lesson.exercises) if progress is not None else 1 for lesson in lessons if lesson.exercises), default=0
    )
    below = _RADIUS + 0.45 + _TITLE_LINES * _LINE + badges * _BADGE
    gap_y = max(_GAP_Y, below + _RADIUS + 0.25)
    x0, x1 = -gap_x / 2 - 0.5, gap_x * (per_row - 0.5) + 0.5  # room for the U-turns (3/4 of ``out``)
    spare = _text_width(_heading(progress)) + 0.2 - (x1 - x0)  # the heading may be wider than the stations
    if spare > 0:
        x0, x1 = x0 - spare / 2, x1 + spare / 2
    return gap_x, gap_y, (x0, x1), (-gap_y * (rows - 1) - below - 0.1, _RADIUS + _LINE + 0.2)


def _heading(progress: dict | None) -> str:
    return (
        "Your progress: a blue ring on each lesson you opened; green: self-checks pass"
        if progress is not None
        else "The course route: orange stations end with a graded exercise"
    )


def _text_width(text: str) -> float:
    """How wide ``text`` is at the course's size, in units."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, FontProperties(size=TEXT_PT), ismath=False)
    return width / 72 / _INCH


def draw_course_map(lessons=None, ax=None, per_row: int = 4, progress: dict | None = None):
    """Draw the course as a route of numbered stations; returns the Axes.

    ``lessons``: a list of ``Lesson`` (default ``find_lessons()``). Each station
    shows the lesson number and title; lessons with a graded exercise are filled
    orange and marked "graded". ``per_row`` stations per row, the rows snaking down.
    ``progress`` (from ``course_progress``): opened lessons get a blue ring, and each
    exercise gets a badge with its name, green when its self-checks pass, yellow while some do.
    Text is at the course's size (``style.TEXT_PT``): six stations to a row fit a slide.
    """
    import matplotlib.pyplot as plt  # only here: the rest of the module needs no figure

    lessons = find_lessons() if lessons is None else list(lessons)
    if not lessons:
        raise CourseError("there are no lessons to draw: find_lessons() found no NN_name notebooks or sources")
    per_row = whole_number(per_row, "per_row", 2)
    per_row = min(per_row, len(lessons))
    gap_x, gap_y, x_range, y_range = _extent(lessons, per_row, progress)
    if ax is None:
        width, height = map_size(lessons, per_row, progress)
        fig, ax = plt.subplots(figsize=(width, height))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1 - 0.4 / height)
    points = [_station(i, per_row, gap_x, gap_y) for i in range(len(lessons))]
    if len(points) > 1:
        ax.add_patch(
            PathPatch(
                _route(points, per_row, gap_x),
                facecolor="none",
                edgecolor="0.75",
                linewidth=7,
                capstyle="round",
                zorder=1,
                gid="route",
            )
        )
    for index, (lesson, (x, y)) in enumerate(zip(lessons, points)):
        kind = "start" if index == 0 else "graded" if lesson.exercise else "plain"
        mine = progress.get(lesson.number) if progress else None
        opened = bool(mine and mine.opened)
        ax.add_patch(
            Circle(
                (x, y),
                _RADIUS,
                facecolor=_FILL[kind],
                edgecolor=_OPENED_RING if opened else "black",
                linewidth=4 if opened else 1.5,
                zorder=3,
                gid=f"station-{lesson.number}",
            )
        )
        ax.text(x, y, lesson.number, ha="center", va="center", fontweight="bold", zorder=4)
        # At most four lines, so a long title cannot run into the row below.
        title = textwrap.fill(lesson.title, _WRAP, break_long_words=False, max_lines=_TITLE_LINES, placeholder=" …")
        ax.text(x, y - _RADIUS - 0.15, title, ha="center", va="top", linespacing=1.1, zorder=4)
        n_lines = title.count("\n") + 1
        for k, (gid, label, fill, colour) in enumerate(_badges(lesson, progress)):
            ax.text(
                x,
                y - _RADIUS - 0.45 - _LINE * n_lines - _BADGE * k,
                label,
                ha="center",
                va="top",
                color=colour,
                zorder=4,
                gid=gid,
                bbox=dict(boxstyle="round,pad=0.2", facecolor=fill, edgecolor="none"),
            )
    ax.text(
        points[0][0],
        points[0][1] + _RADIUS + 0.1,
        "start",
        ha="center",
        va="bottom",
        color="tab:blue",
        fontweight="bold",
    )
    ax.set_title(_heading(progress))
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


# ----------------------------------------------------------------- progress, read from the learner's own files
@dataclass
class ExerciseProgress:
    """One exercise: ``parts`` (its self-check cells) and how many pass, how many ran and failed."""

    parts: int
    passing: int = 0
    failing: int = 0
    opened: bool = False

    @property
    def state(self) -> str:
        """ "passing" (every part), "started" (some part ran), "opened", or "not started"."""
        if self.parts and self.passing == self.parts:
            return "passing"
        if self.passing or self.failing:
            return "started"
        return "opened" if self.opened else "not started"


@dataclass
class LessonProgress:
    opened: bool
    exercises: dict = field(default_factory=dict)  # exercise id -> ExerciseProgress


def _badge(name: str, exercise: ExerciseProgress | None) -> tuple[str, str, str]:
    """(label, fill, text colour) of an exercise's badge on the progress map."""
    if exercise is not None and exercise.state == "passing":
        return f"\u2713 {name}", _PASSING, "darkgreen"
    if exercise is not None and exercise.state == "started":
        return f"{name} {exercise.passing}/{exercise.parts}", _STARTED, "saddlebrown"
    return name, _FILL["graded"], "saddlebrown"


def find_course(course=None) -> Path:
    """The course folder (the one holding notebooks/ and exercises/) this kernel works in.

    In JupyterLab, the folder above the running notebook's; else above the working folder, or the
    working folder itself; else the folder ``course_lib`` was installed from.
    """
    if course is not None:
        return Path(course)
    session = os.environ.get("JPY_SESSION_NAME")
    candidates = ([Path(session).resolve().parent.parent] if session else []) + [Path.cwd().parent, Path.cwd(), COURSE]
    for folder in candidates:
        if (folder / "notebooks").is_dir() and (folder / "exercises").is_dir():
            return folder
    raise CourseError(
        f"no course folder (one holding notebooks/ and exercises/) found among {[str(folder) for folder in candidates]}"
    )


def _self_check_cells(notebook: Path) -> list[str]:
    """The ids of an exercise notebook's self-check cells (nbgrader test cells), in order."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        cell.get("id")
        for cell in nb.get("cells", [])
        if (cell.get("metadata", {}).get("nbgrader") or {}).get("grade") is True and cell.get("id")
    ]


def course_progress(course=None, lessons=None) -> dict:
    """Lesson number -> ``LessonProgress``, read from the files in ``course`` (see ``find_course``).

    Opened: JupyterLab's checkpoint of the notebook exists. An exercise part passes when the latest
    run of its self-check cell had no failing check (``.course-progress.json``, written by the checks).
    """
    course = find_course(course)
    lessons = find_lessons(course / "notebooks", course / "exercises") if lessons is None else lessons
    try:
        notes = json.loads((course / "exercises" / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notes = {}
    progress = {}
    for lesson in lessons:
        checkpoint = course / "notebooks" / ".ipynb_checkpoints" / f"{lesson.stem}-checkpoint.ipynb"
        mine = LessonProgress(opened=checkpoint.exists())
        for name in lesson.exercises:
            notebook = course / "exercises" / f"{name}.ipynb"
            parts = _self_check_cells(notebook) if notebook.exists() else []
            runs = notes.get(name, {}) if isinstance(notes.get(name), dict) else {}
            done = [runs[cell] for cell in parts if isinstance(runs.get(cell), dict)]
            mine.exercises[name] = ExerciseProgress(
                parts=len(parts),
                passing=sum(1 for run in done if run.get("passed") and not run.get("failed")),
                failing=sum(1 for run in done if run.get("failed")),
                opened=(course / "exercises" / ".ipynb_checkpoints" / f"{name}-checkpoint.ipynb").exists(),
            )
        progress[lesson.number] = mine
    return progress


def progress_summary(progress: dict) -> str:
    """Your progress in a sentence or two (the course map widget's readout, as plain text)."""
    opened = sum(lesson.opened for lesson in progress.values())
    exercises = {name: e for lesson in progress.values() for name, e in lesson.exercises.items()}
    passing = [name for name, e in exercises.items() if e.state == "passing"]
    started = [f"{name} ({e.passing} of {e.parts} parts)" for name, e in exercises.items() if e.state == "started"]
    text = (
        f"Opened {opened} of {len(progress)} lessons. "
        f"Self-checks pass in {len(passing)} of {len(exercises)} exercises"
        + (f": {', '.join(passing)}." if passing else ".")
    )
    return text + (f" Under way: {', '.join(started)}." if started else "")


def progress_map(course=None, per_row: int = 3):
    """The course map with your progress on it (a widget): opened lessons ringed blue, exercises whose
    self-checks pass in green. Press "Read my progress again" after working on a lesson or an exercise.

    ``course``: the course folder (default: found from where the notebook runs). Outside JupyterLab
    (a script, the notebook builder) and without ``course``, it shows the map with no progress.
    """
    return _progress_widget()(course, per_row)


_WIDGET_CLASS = None


def _progress_widget():
    """The widget's class, built on first use: only the widget needs ipywidgets."""
    global _WIDGET_CLASS
    if _WIDGET_CLASS is None:
        _WIDGET_CLASS = _progress_widget_class()
    return _WIDGET_CLASS


def _progress_widget_class():
    import io

    import ipywidgets as widgets
    import matplotlib
    from matplotlib.figure import Figure

    from ..widgets.base import LessonWidget

    class ProgressMap(LessonWidget):
        """The course map with ``progress`` (``course_progress()``'s answer) drawn on it.

        Controls: ``refresh``, a button that reads the progress again. The readout says it in words.
        Headless use: ``ProgressMap(course).refresh()`` after changing the files.
        """

        DPI = 100
        PICTURE = (
            "The course map with your progress: each lesson a numbered station on the route, a blue "
            "ring on each lesson you have opened and on each graded exercise a badge, green when its "
            "self-checks pass and yellow while only some do."
        )

        def __init__(self, course=None, per_row: int = 3):
            self.live = course is not None or bool(os.environ.get("JPY_SESSION_NAME"))
            try:
                self.course = find_course(course)
            except CourseError as error:  # e.g. the notebook was moved out of the course folder
                if course is not None:
                    raise
                self.course, self.live, self.missing = None, False, str(error)
            self.per_row = whole_number(per_row, "per_row", 2)
            self.lessons = (
                find_lessons(self.course / "notebooks", self.course / "exercises") if self.course else find_lessons()
            )
            self.progress = {}
            self._size = map_size(self.lessons, self.per_row, {} if self.live else None)
            button = widgets.Button(
                description="Read my progress again", icon="refresh", layout=widgets.Layout(width="240px")
            )
            # The lesson's own map, a matplotlib figure: it is redrawn on a button press, never while dragging.
            self.figure = Figure(figsize=self._size, dpi=self.DPI)
            super().__init__({"refresh": button})
            # Drawn for a wide screen; shown no wider than the notebook.
            self.image.layout = widgets.Layout(width="100%", max_width=f"{round(self._size[0] * self.DPI)}px")
            button.on_click(lambda _: self.refresh())

        def refresh(self) -> None:
            """Read the progress again and redraw (what the button does)."""
            self.redraw()

        def update(self) -> None:
            figure = self.figure
            figure.clear()
            figure.set_layout_engine("none")
            self.progress = course_progress(self.course, self.lessons) if self.live else {}
            # The lessons' type sizes, whatever the notebook's (a notebook narrower than the map shows it smaller).
            with matplotlib.rc_context(style.SIZES):
                ax = figure.add_axes((0, 0, 1, 1 - 0.4 / self._size[1]))
                draw_course_map(
                    self.lessons, ax=ax, per_row=self.per_row, progress=self.progress if self.live else None
                )
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png")
            self.image.value = buffer.getvalue()
            if self.live:
                text = progress_summary(self.progress)
            elif self.course is None:
                text = f"Your progress cannot be shown: {self.missing}."
            else:
                text = "Open this notebook in JupyterLab to see your progress here."
            self.readout.value = f"<div style='font-size: 14px'>{html.escape(text)}</div>"

    return ProgressMap


def __getattr__(name):
    if name == "ProgressMap":
        return _progress_widget()
    raise AttributeError(name)
