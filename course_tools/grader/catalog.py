"""Find an exercise's source and spec by id, check that they agree, and guard them during a batch.

One cache holds, per exercise, the parsed solution notebook, its spec and (once
computed, see ``reference``) the reference namespace; an entry is used only
while the files it came from hash the same. ``fingerprint`` hashes every
solution notebook and spec, so a batch can verify that nothing a submission did
changed what the others are graded against.
"""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

from .source import EXERCISE_ID, SOLUTIONS, Exercise, built_path, read_exercise
from .spec import Spec

SPECS = Path(__file__).resolve().parent / "specs"
_LOADED: dict = {}


class SpecError(RuntimeError):
    """An exercise's spec and source disagree: the grader cannot grade that exercise."""


def known_ids(solutions: Path = SOLUTIONS) -> list[str]:
    """Exercise ids with both a built solution notebook and a spec."""
    return sorted(p.stem for p in SPECS.glob("ex*.py") if EXERCISE_ID.match(p.stem) and built_path(p.stem, solutions))


def _digest(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return digest.hexdigest()


def fingerprint(solutions: Path = SOLUTIONS, exercise: str | None = None) -> str:
    """A hash of what submissions are graded against: the built solution notebook and spec of
    ``exercise``, or of every exercise."""
    pattern = f"{exercise}." if exercise else "ex"
    return _digest(
        sorted(Path(solutions).glob(pattern + "*ipynb"))
        + sorted(SPECS.glob(pattern + "*py"))
        + sorted(p for p in SPECS.parent.glob("*.py"))
    )


def load(exercise_id: str, solutions: Path = SOLUTIONS) -> tuple[Exercise, Spec] | None:
    """The exercise and its spec, or None when ``exercise_id`` names no known exercise.

    ``exercise_id`` may come from an untrusted notebook: it is matched against the
    files present before anything is imported. Raises ``SpecError`` when the spec
    and the source disagree.
    """
    if not isinstance(exercise_id, str) or exercise_id not in known_ids(solutions):
        return None
    path = built_path(exercise_id, solutions)  # kept in step with its source by tests/grader/test_exercises_sync.py
    spec_path = SPECS / f"{exercise_id}.py"
    key = (exercise_id, str(path), _digest([path, spec_path]))
    if key not in _LOADED:
        exercise = read_exercise(path)
        name = f"course_tools.grader.specs.{exercise_id}"
        module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
        validate(exercise, module.SPEC)
        for old in [k for k in _LOADED if k[:2] == key[:2]]:
            del _LOADED[old]
        _LOADED[key] = (exercise, module.SPEC)
    return _LOADED[key]


def validate(exercise: Exercise, spec: Spec) -> None:
    """Raise ``SpecError`` unless every test cell has a part with the same points and vice versa."""
    if spec.exercise_id != exercise.id:
        raise SpecError(f"the spec for {exercise.id} says it is for {spec.exercise_id!r}")
    tests = {cell.grade_id: cell.points for cell in exercise.of_kind("test")}
    parts = {part.grade_id: part.points for part in spec.parts}
    if set(tests) != set(parts):
        raise SpecError(f"{exercise.id}: test cells {sorted(tests)} but spec parts {sorted(parts)}")
    for grade_id, points in tests.items():
        if abs(points - parts[grade_id]) > 1e-9:
            raise SpecError(
                f"{exercise.id}: test cell {grade_id!r} is worth {points:g} points "
                f"but its checks add up to {parts[grade_id]:g}"
            )
    order = [cell.grade_id for cell in exercise.of_kind("test")]
    if [part.grade_id for part in spec.parts] != order:
        raise SpecError(f"{exercise.id}: declare the spec's parts in the notebook's order {order}")
