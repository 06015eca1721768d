"""The course map: which lessons exist, what each is called, where the graded exercises sit.

Lessons are found on disk, never listed here, so a new lesson appears on the map
as soon as its source ``notebooks/src/NN_name.py`` (or its notebook
``notebooks/NN_name.ipynb``) exists. Its title is the first heading of its first
markdown cell. The module also checks that this machine has the packages the
course needs (``environment_verdicts``), for the first lesson's set-up check.
"""
from __future__ import annotations

import json
import re
import sys
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path as CurvePath

from .validation import CourseError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# The "Exercises" table of CONTRIBUTING.md: lesson number -> graded exercise.
# tests/test_coursemap.py checks the two stay in step.
GRADED_EXERCISES = {
    "01": "ex01_neuron_and_layer",
    "02": "ex02_losses",
    "03": "ex03_gradient_descent",
    "04": "ex04_computational_graph",
    "05": "ex05_signals",
    "06": "ex06_mlp_backward",
    "10": "ex07_train_classifier",
}

# The minimum versions of pyproject.toml's dependencies (tests check they agree).
REQUIREMENTS = (
    ("python", "3.10"),
    ("numpy", "1.24"),
    ("matplotlib", "3.7"),
    ("ipywidgets", "8.0"),
    ("jupyterlab", "4.0"),
    ("jupyterlab-rise", "0.40"),
    ("scikit-learn", "1.2"),
)

_STEM = re.compile(r"^(\d{2})_\w+$")
# Headings may repeat the number the file name already carries: "Lesson 01: ...", "01 · ...".
_NUMBER_PREFIX = re.compile(r"^(?:lesson\s*)?\d+\s*[:.·\-–—]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``number`` ("01"), file ``stem`` ("01_neurons_and_forward_pass"),
    ``title`` from its first heading, and its graded ``exercise`` name or None."""

    number: str
    stem: str
    title: str
    exercise: str | None


def _clean_heading(line: str) -> str:
    title = line.lstrip("#").strip()
    return _NUMBER_PREFIX.sub("", title).strip() or title


def title_from_source(path: Path) -> str | None:
    """The first markdown heading of a jupytext percent-format script, or None."""
    in_markdown = False
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line or "[md]" in line
        elif in_markdown and line.startswith("# #"):
            return _clean_heading(line[2:])
    return None


def title_from_notebook(path: Path) -> str | None:
    """The first markdown heading of a ``.ipynb`` notebook, or None."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in (source if isinstance(source, str) else "".join(source)).splitlines():
            if line.startswith("#"):
                return _clean_heading(line)
    return None


def find_lessons(folder=None) -> list[Lesson]:
    """The lessons in ``folder`` (default: the course's ``notebooks/``), in course order.

    A lesson is any ``NN_name`` with a source in ``folder/src`` or a notebook in
    ``folder``; the source is read when both exist, so the list does not depend on
    which notebooks happen to be built already.
    """
    folder = NOTEBOOKS if folder is None else Path(folder)
    if not folder.is_dir():
        raise CourseError(f"no lesson folder at {folder}: pass the folder holding the NN_name.ipynb notebooks")
    files = {}
    for path in sorted(folder.glob("*.ipynb")) + sorted((folder / "src").glob("*.py")):
        if _STEM.match(path.stem):
            files[path.stem] = path  # sources come second, so they win
    lessons = []
    for stem in sorted(files):
        path = files[stem]
        title = title_from_source(path) if path.suffix == ".py" else title_from_notebook(path)
        fallback = stem[3:].replace("_", " ").capitalize()
        number = stem[:2]
        lessons.append(Lesson(number, stem, title or fallback, GRADED_EXERCISES.get(number)))
    return lessons


def lesson_table(lessons) -> str:
    """The lessons as aligned text: number, title and graded exercise, one line each."""
    lessons = list(lessons)
    width = max([len(lesson.title) for lesson in lessons] + [len("lesson")])
    lines = [f"{'':2}  {'lesson':<{width}}  graded exercise"]
    lines += [f"{l.number:2}  {l.title:<{width}}  {l.exercise or '-'}" for l in lessons]
    return "\n".join(lines)


# ----------------------------------------------------------------------- the map
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
    if not isinstance(per_row, int) or per_row < 2:
        raise CourseError(f"per_row must be a whole number >= 2, got {per_row!r}")
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


# ------------------------------------------------------------- the environment
def _version_tuple(version: str) -> tuple:
    """(major, minor, ...) from the leading numeric part of a version string; () if none."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _at_least(found: tuple, needed: tuple) -> bool:
    size = max(len(found), len(needed))
    return found + (0,) * (size - len(found)) >= needed + (0,) * (size - len(needed))


def installed_version(name: str) -> str | None:
    """The installed version of package ``name`` ("python" for the interpreter), or None."""
    if name == "python":
        return ".".join(str(part) for part in sys.version_info[:3])
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment_verdicts(requirements=REQUIREMENTS, version_of=installed_version) -> list[str]:
    """One line per requirement: "ok", "TOO OLD" or "MISSING", with the minimum needed.

    The lines name no installed version when all is well, so they read the same on
    every machine that can run the course. ``version_of(name)`` gives a version or None.
    """
    width = max(len(name) for name, _ in requirements)
    lines = []
    for name, minimum in requirements:
        found = version_of(name)
        if found is None:
            verdict = f"MISSING: install {name} >= {minimum}"
        elif _at_least(_version_tuple(found), _version_tuple(minimum)):
            verdict = f"ok (>= {minimum} required)"
        else:
            verdict = f"TOO OLD: found {found}, need >= {minimum}"
        lines.append(f"{name:<{width}}  {verdict}")
    return lines


def version_table(requirements=REQUIREMENTS, version_of=installed_version) -> str:
    """The versions in use, as aligned text (machine-dependent: for display only)."""
    width = max(len(name) for name, _ in requirements)
    return "\n".join(f"{name:<{width}}  {version_of(name) or 'not installed'}" for name, _ in requirements)
