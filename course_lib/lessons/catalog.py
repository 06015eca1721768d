"""Which lessons exist, what each is called, and which graded exercises belong to each.

Nothing is listed by hand. A lesson appears as soon as its source
``notebooks/src/NN_name.py`` (or its notebook ``notebooks/NN_name.ipynb``)
exists; its title is the first heading of its first markdown cell. An exercise
names its lesson in its own notebook metadata (``course_exercise.lesson``), so
the map, the README's table and the grader all read the same fact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..validation import CourseError

COURSE = Path(__file__).resolve().parents[2]
NOTEBOOKS = COURSE / "notebooks"
EXERCISES = COURSE / "exercises"

_STEM = re.compile(r"^(\d{2})_\w+$")
# Headings may repeat the number the file name already carries: "Lesson 01: ...", "01 · ...".
_NUMBER_PREFIX = re.compile(r"^(?:lesson\s*)?\d+\s*[:.·\-–—]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``number`` ("01"), file ``stem`` ("01_neurons_and_forward_pass"),
    ``title`` from its first heading, and its graded ``exercises`` (a tuple of names, maybe empty;
    a single name or None is accepted and stored as a tuple)."""

    number: str
    stem: str
    title: str
    exercises: tuple = ()

    def __post_init__(self):
        names = self.exercises
        names = () if names is None else (names,) if isinstance(names, str) else tuple(names)
        object.__setattr__(self, "exercises", names)

    @property
    def exercise(self) -> str | None:
        """The graded exercises' names, one a line (for a label), or None when there is none."""
        return "\n".join(self.exercises) or None


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


def graded_exercises(folder=None) -> dict[str, tuple[str, ...]]:
    """Lesson number -> its exercise ids, from each exercise notebook's ``course_exercise`` metadata.

    ``folder`` defaults to the course's ``exercises/`` (the student versions, which
    every learner has). An exercise without a ``lesson`` entry is on no lesson. A lesson
    may have several exercises ("Exercise 6" and "Exercise 6b"): they come in the order
    of their titles.
    """
    folder = EXERCISES if folder is None else Path(folder)
    found: dict[str, list] = {}
    for path in sorted(folder.glob("ex*.ipynb")):
        info = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("course_exercise", {})
        if info.get("lesson"):
            exercise = info.get("id", path.stem)
            found.setdefault(str(info["lesson"]), []).append((str(info.get("title", exercise)), exercise))
    return {lesson: tuple(exercise for _, exercise in sorted(pairs)) for lesson, pairs in found.items()}


def find_lessons(folder=None, exercises=None) -> list[Lesson]:
    """The lessons in ``folder`` (default: the course's ``notebooks/``), in course order.

    A lesson is any ``NN_name`` with a source in ``folder/src`` or a notebook in
    ``folder``; the source is read when both exist, so the list does not depend on
    which notebooks happen to be built already. ``exercises``: the folder of
    exercise notebooks (see ``graded_exercises``).
    """
    graded = graded_exercises(exercises)
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
        lessons.append(Lesson(number, stem, title or fallback, graded.get(number, ())))
    return lessons


def lesson_table(lessons) -> str:
    """The lessons as aligned text: number, title and graded exercise, one line each."""
    lessons = list(lessons)
    width = max([len(lesson.title) for lesson in lessons] + [len("lesson")])
    lines = [f"{'':2}  {'lesson':<{width}}  graded exercise"]
    lines += [f"{l.number:2}  {l.title:<{width}}  {', '.join(l.exercises) or '-'}" for l in lessons]
    return "\n".join(lines)
