"""Build the graded exercises from their one source of truth, and check everything agrees.

Each ``solutions/src/exNN_name.py`` (solutions and hidden tests inside nbgrader's
markers; see ``course_tools/grader/FORMAT.md``) becomes

- ``solutions/exNN_name.ipynb``: executed top to bottom (every test passes), and
- ``exercises/exNN_name.ipynb``: the student version, solutions replaced by
  nbgrader's stub (whose error names its part and function), hidden tests dropped, no outputs.

::

    python -m course_tools.exercises            # build every exercise
    python -m course_tools.exercises ex02       # only exercises whose name starts so
    python -m course_tools.exercises --check    # report what is out of step; build nothing
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from pathlib import Path

import nbformat

from course_tools.grader import catalog, routes
from course_tools.grader import source as grader_source
from course_tools.grader.source import (
    SOLUTIONS,
    Exercise,
    SourceError,
    cell_kind,
    cell_source,
    exercise_from_notebook,
    student_notebook,
)
from course_tools.notebooks import ROOT, compare, execute, read_source, sources

EXERCISES = ROOT / "exercises"


def targets(source: Path, solutions: Path = SOLUTIONS, exercises: Path = EXERCISES) -> tuple[Path, Path]:
    """The solution notebook and the student notebook built from ``source``."""
    return solutions / f"{source.stem}.ipynb", exercises / f"{source.stem}.ipynb"


PART_HEADING = re.compile(r"^#+\s*(Part\s+\d+)", re.M)
STUB_LINE = re.compile(r"^(?P<indent>\s*)raise NotImplementedError\(\)\s*$")
DEF_LINE = re.compile(r"^(?P<indent>\s*)def\s+(?P<name>\w+)\s*\(")


def stub_message(part: str | None, function: str | None) -> str:
    """What an unsolved stub says when it runs: which part, what to write, how to work."""
    where = ": ".join(filter(None, [part, f"{function}()" if function else None])) or "this cell"
    return f"{where} is still to write. Replace this line with your code, and run the cells in order from the top"


def with_stub_messages(code: str, part: str | None) -> str:
    """Each ``raise NotImplementedError()`` stub in ``code`` gets a message naming its part and function."""
    lines = code.split("\n")
    for index, line in enumerate(lines):
        stub = STUB_LINE.match(line)
        if not stub:
            continue
        function = None
        for previous in reversed(lines[:index]):
            found = DEF_LINE.match(previous)
            if found and len(found["indent"]) < len(stub["indent"]):
                function = found["name"]
                break
        lines[index] = f"{stub['indent']}raise NotImplementedError({stub_message(part, function)!r})"
    return "\n".join(lines)


def learner_notebook(nb):
    """The released exercise: nbgrader's student version, its stubs saying which part they belong to."""
    student = student_notebook(nb)
    part = None
    for cell in student["cells"]:
        if cell["cell_type"] == "markdown":
            heading = PART_HEADING.search(cell_source(cell))
            part = heading.group(1) if heading else part
        elif cell_kind(cell) == "answer":
            cell["source"] = with_stub_messages(cell_source(cell), part)
    return student


CLOSED_MARKER = "{{ not allowed while graded }}"


def read_exercise(path: Path) -> Exercise:
    """Read and check an exercise from its source (``.py``, through jupytext) or a built notebook."""
    path = Path(path)
    if path.suffix == ".py":
        return exercise_from_notebook(read_source(path, lecture=False), path)
    return grader_source.read_exercise(path)


def exercise_notebook(source: Path) -> nbformat.NotebookNode:
    """The exercise as written, its "Not allowed while graded" paragraph made from its grading spec, so
    the instructions and the grader's closed code come from one list (``grader/routes.py``)."""
    nb = read_source(source, lecture=False)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and CLOSED_MARKER in cell.source:
            loaded = catalog.load(source.stem)
            if loaded is None:
                raise SourceError(f"{source.name} asks for the closed routes but has no grading spec")
            cell.source = cell.source.replace(CLOSED_MARKER, routes.not_allowed_text(loaded[1].learner_writes))
    return nb


def build(source: Path, solutions: Path = SOLUTIONS, exercises: Path = EXERCISES) -> float:
    """Check ``source``, write its executed solution notebook and its student version; return seconds."""
    start = time.perf_counter()
    nb = exercise_notebook(source)
    exercise_from_notebook(nb, source)  # refuse to build a source that breaks the format
    solution_path, student_path = targets(source, solutions, exercises)
    nbformat.write(execute(copy.deepcopy(nb), cwd=solution_path.parent), solution_path)
    exercises.mkdir(parents=True, exist_ok=True)
    nbformat.write(learner_notebook(nb), student_path)
    return time.perf_counter() - start


def differences(source: Path, solutions: Path = SOLUTIONS, exercises: Path = EXERCISES) -> list[str]:
    """Why the built notebooks or the grading spec do not match ``source`` (empty when all agree)."""
    try:
        read_exercise(source)
    except SourceError as exc:
        return [str(exc)]
    solution_path, student_path = targets(source, solutions, exercises)
    problems = compare(exercise_notebook(source), solution_path, source.name)
    if not problems:
        unexecuted = [
            i
            for i, c in enumerate(nbformat.read(solution_path, as_version=4).cells)
            if c.cell_type == "code" and c.execution_count is None
        ]
        if unexecuted:
            problems.append(f"{solution_path}: cells {unexecuted} were not executed; rebuild it")
    problems += compare(learner_notebook(exercise_notebook(source)), student_path, f"{source.name} (student version)")
    if student_path.exists():
        with_output = [
            i
            for i, c in enumerate(nbformat.read(student_path, as_version=4).cells)
            if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
        ]
        if with_output:
            problems.append(f"{student_path}: cells {with_output} have outputs; student versions are unexecuted")
    if solutions == SOLUTIONS:
        try:
            if catalog.load(source.stem) is None:
                problems.append(f"{source.stem} has no grading spec course_tools/grader/specs/{source.stem}.py")
        except (catalog.SpecError, SourceError) as exc:
            problems.append(str(exc))
        except Exception as exc:  # a spec that does not even import
            problems.append(f"the grading spec of {source.stem} could not be loaded: {type(exc).__name__}: {exc}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="only exercises whose name starts with one of these")
    parser.add_argument("--check", action="store_true", help="compare sources, notebooks and specs; build nothing")
    parser.add_argument(
        "--students",
        action="store_true",
        help="write only the student versions (unexecuted, so quick); leave the solutions alone",
    )
    args = parser.parse_args(argv)
    paths = sources(SOLUTIONS, args.prefixes)
    if not paths:
        print(f"no exercise sources in {SOLUTIONS / 'src'} matching {args.prefixes}", file=sys.stderr)
        return 2
    if args.check:
        problems = [p for path in paths for p in differences(path)]
        print("\n".join(problems) or f"{len(paths)} exercises agree with their sources")
        return 1 if problems else 0
    if args.students:
        for path in paths:
            _, student_path = targets(path)
            nbformat.write(learner_notebook(exercise_notebook(path)), student_path)
            print(f"wrote {student_path.relative_to(ROOT)}", flush=True)
        return 0
    for path in paths:
        try:
            seconds = build(path)
        except SourceError as exc:
            print(f"{path.name}: {exc}", file=sys.stderr)
            return 1
        print(f"built solutions/{path.stem}.ipynb and exercises/{path.stem}.ipynb in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
