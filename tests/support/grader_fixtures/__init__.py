"""Submissions for the grader's tests, made from the built ex01 notebooks by editing answer cells.

Each maker returns a notebook as a plain dict (parsed JSON), the way the grader
reads it; ``write`` saves one. Expected scores are read from the exercise (``POINTS``,
``sigmoid_alone``), so the tests hold when its points change. Nothing here imports the
grader when it is imported. ``check_choice_feedback`` checks a spec's feedback on a choice item.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXERCISE = "ex01_neuron_and_layer"
SOLUTION = ROOT / "solutions" / f"{EXERCISE}.ipynb"
STUDENT = ROOT / "exercises" / f"{EXERCISE}.ipynb"


def load(path: Path = SOLUTION) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def grade_id(cell: dict):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


# Each part's points, read from the solution's test cells (the exercise may change its points)
POINTS = {
    grade_id(c): c["metadata"]["nbgrader"]["points"]
    for c in load()["cells"]
    if c.get("metadata", {}).get("nbgrader", {}).get("grade")
}


TOTAL = sum(POINTS.values())
# The answer cells in their order; the last one runs after every other (nothing redefines what it takes).
ANSWERS = [grade_id(c) for c in load()["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
LAST_ANSWER = ANSWERS[-1]


def points_but(**scores) -> dict:
    """Full marks on every part except those given: {part: points}."""
    return {**POINTS, **scores}


def sigmoid_alone() -> float:
    """Part 1's points when sigmoid is right and neuron is not: its checks that call sigmoid only."""
    import numpy as np

    from course_tools.grader import catalog

    _, spec = catalog.load(EXERCISE)
    return sum(
        check.points
        for check in spec.checks
        if check.part.grade_id == "neuron_tests"
        and all("neuron(" not in probe.source for probe in check.probes(np.random.default_rng(0)))
    )


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def answer(grade: str, nb_path: Path = SOLUTION) -> str:
    """The code of answer cell ``grade`` in the solution (or another) notebook."""
    return next(source(c) for c in load(nb_path)["cells"] if grade_id(c) == grade)


def with_answers(base: Path = STUDENT, **codes: str) -> dict:
    """The notebook ``base`` with the answer cells named in ``codes`` replaced."""
    nb = load(base)
    for cell in nb["cells"]:
        if grade_id(cell) in codes:
            cell["source"] = codes[grade_id(cell)]
    return nb


def solved(**codes: str) -> dict:
    """The full solution with some answer cells replaced."""
    return with_answers(SOLUTION, **codes)


def write(nb, path: Path) -> Path:
    path.write_text(nb if isinstance(nb, str) else json.dumps(nb), encoding="utf-8")
    return path


# A sigmoid that is right, for cases that break only neuron().
SIGMOID = """def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
"""

# A two-layer pass that uses none of the other answers, for cases that break those.
SELF_CONTAINED_TWO_LAYER = """def two_layer_forward(X, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1.T + b1)
    return A1, 1.0 / (1.0 + np.exp(-(A1 @ W2.T + b2)))
"""


def process_starter(sleep: str, tries: int) -> str:
    """An answer cell that starts up to ``tries`` ``sleep`` processes, then a neuron() that raises "STARTED n ."
    (the space keeps n a word of its own): a process limit's test reads n off the grader's feedback."""
    return (
        f'''import subprocess
_started = 0
for _ in range({tries}):
    try:
        subprocess.Popen(["sleep", "{sleep}"])
        _started += 1
    except OSError:
        break
'''
        + answer("neuron").split("def neuron")[0]
        + """
def neuron(x, w, b):
    raise RuntimeError(f"STARTED {_started} .")
"""
    )


def exercise_submission(exercise: str, folder: Path, name: str, answers: dict[str, str]) -> str:
    """The student version of ``exercise`` with these answer cells (by grade_id) written in, saved as
    ``folder/name.ipynb``: its path, as course-grade takes it."""
    return str(write(with_answers(ROOT / "exercises" / f"{exercise}.ipynb", **answers), folder / f"{name}.ipynb"))


def check_choice_feedback(feedback, probe, right: str, why: str, choices, not_a_choice: str) -> None:
    """A choice item's feedback, called as the grader calls it: none for the ``right`` choice, ``why`` for every
    other of ``choices``, and a request for 'one of' the choices for an answer that is none of them."""
    said = feedback(right, None, probe)
    assert said is None, f"the right choice {right!r} got feedback: {said!r}"
    for other in choices:
        if other != right:
            said = feedback(other, None, probe)
            assert why in (said or ""), f"the feedback on {other!r} does not say {why!r}: {said!r}"
    said = feedback(not_a_choice, None, probe)
    assert "one of" in (said or ""), f"the feedback on {not_a_choice!r}, not a choice, does not say 'one of': {said!r}"
