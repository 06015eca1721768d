"""The notebook format of exercises: an exercise's cells by kind, its student version, and submissions.

The source ``solutions/src/<id>.py`` holds solutions and hidden tests between
nbgrader's markers. The student version replaces each solution region with the
same stub nbgrader writes and drops the hidden tests; both the exercise builder
and the grader use the functions here, so they agree on what was released.
``read_submission`` and ``pick_answers`` read a learner's notebook the same way.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
EXERCISE_ID = re.compile(r"^ex\d\d_[a-z0-9_]+$")
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_SUBMISSION = 50 * 1024 * 1024
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

    kind: str  # 'setup', 'answer' or 'test'
    grade_id: str
    solution: str  # the source's code (with solutions and hidden tests)
    released: str  # the student version's code
    points: float = 0.0


@dataclass
class Exercise:
    """An exercise read from ``solutions/src/<id>.py``."""

    id: str
    title: str
    path: Path
    cells: list
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # see reference.namespace

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
    if not isinstance(grade_id, str) or not GRADE_ID.match(grade_id):
        raise SourceError(f"{where}: grade_id {grade_id!r} must match {GRADE_ID.pattern}")
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
    """Read and check an exercise notebook (``.ipynb``), built from its source or submitted.

    The grader reads notebooks as plain JSON: it imports none of the authoring tools
    (jupytext, the notebook builder), so the grader that ships alone (Gradescope's zip)
    needs none of them; ``course_tools.exercises.read_exercise`` also reads sources.
    Raises ``SourceError`` when the exercise breaks the format of FORMAT.md.
    """
    path = Path(path)
    if path.suffix != ".ipynb":
        raise SourceError(
            f"{path.name}: the grader reads notebooks (.ipynb); build the exercise from its source "
            "with `python3 course.py exercises`"
        )
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


def built_path(exercise_id: str, solutions: Path = SOLUTIONS) -> Path | None:
    """The built solution notebook of ``exercise_id``, or None when there is none."""
    if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
        return None
    path = solutions / f"{exercise_id}.ipynb"
    return path if path.is_file() else None


# ------------------------------------------------------------------ submissions


def read_submission(path: Path) -> tuple[dict | None, str]:
    """A submitted notebook as parsed JSON, or None and the reason it cannot be graded."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return None, f"{path.name} is not a file."
        if size == 0:
            return None, f"{path.name} is empty (0 bytes): the notebook was not saved, or the upload failed."
        if size > MAX_SUBMISSION:
            return (
                None,
                f"{path.name} is {size / 2**20:.0f} MB; a notebook should be far smaller (clear large outputs).",
            )
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"{path.name} could not be read: {exc.strerror or exc}."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, f"{path.name} is not a Jupyter notebook: it is not even text (a notebook is JSON text)."
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        return None, (
            f"{path.name} is not valid JSON{where}, so it is not a Jupyter notebook or it was damaged. "
            "Download it again from JupyterLab (File > Download) and resubmit."
        )
    version = nb.get("nbformat") if isinstance(nb, dict) else None
    if isinstance(version, int) and version != 4:
        return None, (
            f"{path.name} is a Jupyter notebook in the old format version {version}; the grader reads "
            "version 4. Open it in JupyterLab and save it (File > Save Notebook), then resubmit."
        )
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, f"{path.name} is JSON but not a Jupyter notebook (it has no list of cells)."
    return nb, ""


def exercise_id_of(nb: dict) -> str | None:
    """The ``course_exercise.id`` a submitted notebook claims, if any."""
    meta = nb.get("metadata")
    info = meta.get("course_exercise") if isinstance(meta, dict) else None
    value = info.get("id") if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def _submitted_source(cell) -> str | None:
    source = cell.get("source")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def pick_answers(nb: dict, exercise: Exercise) -> tuple[dict, list[str], list[str]]:
    """Code of each answer cell by grade_id (the last of duplicates), notes on what was odd,
    and the code of the submission's unmarked code cells (which are not run)."""
    wanted = {cell.grade_id for cell in exercise.of_kind("answer")}
    found: dict = {}
    unmarked = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        source = _submitted_source(cell)
        if grade_id in wanted and source is not None:
            found.setdefault(grade_id, []).append(source)
        elif grade_id is None and source:
            unmarked.append(source)
    notes = []
    for grade_id in sorted(wanted - set(found)):
        notes.append(
            f"Your notebook has no answer cell {grade_id!r} (cells are matched by their nbgrader grade_id; "
            "was it deleted, or retyped into a new cell?). The released starter code was used, which scores 0."
        )
    for grade_id, sources in sorted(found.items()):
        if len(sources) > 1:
            notes.append(f"Answer cell {grade_id!r} appears {len(sources)} times; the last one was graded.")
    return {grade_id: sources[-1] for grade_id, sources in found.items()}, notes, unmarked
