"""An exercise's source: its cells by kind, and the student version made from it.

The source ``solutions/src/<id>.py`` holds solutions and hidden tests between
nbgrader's markers. The student version replaces each solution region with the
same stub nbgrader writes and drops the hidden tests; both the exercise builder
and the grader use the functions here, so they agree on what was released.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
EXERCISE_ID = re.compile(r"^ex\d\d_[a-z0-9_]+$")
_NBGRADER_KEYS = {"grade", "solution", "locked", "grade_id", "schema_version"}


class SourceError(ValueError):
    """An exercise source breaks the format of FORMAT.md; the message says where and how."""


def _replace_regions(text: str, begin: str, end: str, replacement: tuple) -> tuple[str, bool]:
    """Replace every ``begin``..``end`` line region (markers included) by ``replacement``,
    indented like the ``begin`` line. Returns the new text and whether a region was found."""
    lines, inside, found = [], False, False
    for line in text.split("\n"):
        if begin in line:
            if inside:
                raise SourceError(f"nested {begin!r}")
            inside = found = True
            indent = re.match(r"\s*", line).group(0)
            lines.extend(indent + stub for stub in replacement)
        elif end in line:
            if not inside:
                raise SourceError(f"{end!r} without {begin!r}")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise SourceError(f"{begin!r} without {end!r}")
    return "\n".join(lines), found


def stub_solutions(text: str) -> str:
    """The student version of an answer cell: each solution region becomes nbgrader's stub."""
    return _replace_regions(text, BEGIN_SOLUTION, END_SOLUTION, STUB)[0]


def drop_hidden_tests(text: str) -> str:
    """The student version of a test cell: hidden test regions removed."""
    return _replace_regions(text, BEGIN_HIDDEN, END_HIDDEN, ())[0]


def cell_source(cell: dict) -> str:
    """A cell's source as one string (notebook files may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_kind(cell: dict) -> str:
    """'markdown', 'setup', 'answer', 'test' or 'free' (a code cell without nbgrader metadata)."""
    if cell.get("cell_type") != "code":
        return "markdown"
    meta = cell.get("metadata", {}).get("nbgrader")
    if not meta:
        return "free"
    if meta.get("solution"):
        return "answer"
    if meta.get("grade"):
        return "test"
    return "setup"


@dataclass(frozen=True)
class Cell:
    """One code cell of an exercise the grader cares about, in notebook order."""

    kind: str              # 'setup', 'answer' or 'test'
    grade_id: str
    solution: str          # the source's code (with solutions and hidden tests)
    released: str          # the student version's code
    points: float = 0.0


@dataclass
class Exercise:
    """An exercise read from ``solutions/src/<id>.py``."""

    id: str
    title: str
    path: Path
    cells: list

    def of_kind(self, kind: str) -> list[Cell]:
        return [cell for cell in self.cells if cell.kind == kind]

    def answers_before(self, test_id: str) -> list[str]:
        """grade_ids of the answer cells between the previous test cell and test ``test_id``."""
        found = []
        for cell in self.cells:
            if cell.kind == "answer":
                found.append(cell.grade_id)
            elif cell.kind == "test":
                if cell.grade_id == test_id:
                    return found
                found = []
        raise KeyError(test_id)


def _check_cell(name: str, index: int, cell: dict, seen: set) -> None:
    meta, text = cell["metadata"]["nbgrader"], cell_source(cell)
    where = f"{name}, cell {index}"
    missing = _NBGRADER_KEYS - set(meta)
    if missing:
        raise SourceError(f"{where}: nbgrader metadata lacks {sorted(missing)}")
    if meta["schema_version"] != 3:
        raise SourceError(f"{where}: nbgrader schema_version must be 3")
    grade_id = meta["grade_id"]
    if not isinstance(grade_id, str) or not re.match(r"^[A-Za-z0-9_-]+$", grade_id):
        raise SourceError(f"{where}: grade_id {grade_id!r} must match [A-Za-z0-9_-]+")
    if grade_id in seen:
        raise SourceError(f"{where}: grade_id {grade_id!r} is used twice")
    seen.add(grade_id)
    kind = cell_kind(cell)
    if kind == "answer" and (meta["grade"] or BEGIN_SOLUTION not in text or meta["locked"]):
        raise SourceError(f"{where}: an answer cell is unlocked, not graded, and holds {BEGIN_SOLUTION!r}")
    if kind == "test" and not (meta.get("points", 0) > 0 and meta["locked"]):
        raise SourceError(f"{where}: a test cell is locked and has points > 0")
    if kind != "answer" and BEGIN_SOLUTION in text:
        raise SourceError(f"{where}: {BEGIN_SOLUTION!r} outside an answer cell")
    if kind != "test" and BEGIN_HIDDEN in text:
        raise SourceError(f"{where}: {BEGIN_HIDDEN!r} outside a test cell")


def exercise_from_notebook(nb: dict, path: Path) -> Exercise:
    """Check the exercise notebook ``nb`` (read from ``path``) against FORMAT.md and list its cells."""
    info = nb.get("metadata", {}).get("course_exercise") or {}
    stem = path.name.split(".")[0]
    if info.get("id") != stem:
        raise SourceError(f"{path.name}: notebook metadata course_exercise.id must be {stem!r}, got {info.get('id')!r}")
    if not info.get("title"):
        raise SourceError(f"{path.name}: notebook metadata course_exercise.title is missing")
    cells, seen = [], set()
    for index, cell in enumerate(nb["cells"]):
        kind = cell_kind(cell)
        if kind in ("markdown", "free"):
            if kind == "markdown" and "nbgrader" in cell.get("metadata", {}):
                _check_cell(path.name, index, cell, seen)
            continue
        _check_cell(path.name, index, cell, seen)
        meta, text = cell["metadata"]["nbgrader"], cell_source(cell)
        try:
            released = stub_solutions(text) if kind == "answer" else drop_hidden_tests(text)
        except SourceError as exc:
            raise SourceError(f"{path.name}, cell {index}: {exc}") from None
        cells.append(Cell(kind, meta["grade_id"], text, released, float(meta.get("points", 0) or 0)))
    if not any(cell.kind == "test" for cell in cells):
        raise SourceError(f"{path.name}: has no test cell")
    return Exercise(stem, str(info["title"]), path, cells)


def read_exercise(path: Path) -> Exercise:
    """Read and check an exercise: its source (``.py``) or a notebook built from it (``.ipynb``).

    The grader reads the built solution notebook as plain JSON (no jupytext or
    nbformat to import); the exercise builder reads the source. Raises
    ``SourceError`` when the exercise breaks the format of FORMAT.md.
    """
    path = Path(path)
    if path.suffix == ".py":
        from course_tools.notebooks import read_source  # jupytext is only needed for sources
        return exercise_from_notebook(read_source(path), path)
    with open(path, encoding="utf-8") as handle:
        return exercise_from_notebook(json.load(handle), path)


def student_notebook(nb):
    """The released version of an exercise notebook: stubs for solutions, no hidden tests, no outputs."""
    student = copy.deepcopy(nb)
    for cell in student["cells"]:
        kind = cell_kind(cell)
        if kind == "answer":
            cell["source"] = stub_solutions(cell_source(cell))
        elif kind == "test":
            cell["source"] = drop_hidden_tests(cell_source(cell))
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return student


def source_path(exercise_id: str, solutions: Path = SOLUTIONS) -> Path | None:
    """The source of exercise ``exercise_id``, or None when there is no such exercise."""
    if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
        return None
    path = solutions / "src" / f"{exercise_id}.py"
    return path if path.is_file() else None


def built_path(exercise_id: str, solutions: Path = SOLUTIONS) -> Path | None:
    """The built solution notebook of ``exercise_id``, or None when there is none."""
    if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
        return None
    path = solutions / f"{exercise_id}.ipynb"
    return path if path.is_file() else None


def exercise_ids(solutions: Path = SOLUTIONS) -> list[str]:
    """Every exercise id with a source, in course order."""
    return sorted(p.stem for p in (solutions / "src").glob("ex*.py") if EXERCISE_ID.match(p.stem))
