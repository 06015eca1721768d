"""Every exercise's grading spec against its notebooks: full marks, zero, and fresh inputs every run."""

from __future__ import annotations

import numpy as np
import pytest

from course_tools.grader import catalog
from course_tools.grader.cli import grade_many
from course_tools.grader.grade import Options
from course_tools.grader.source import ROOT
from course_tools.grader.transport import dumps

EXERCISES = catalog.known_ids()


def test_every_exercise_source_has_a_spec_and_a_built_notebook():
    sources = sorted(p.stem for p in (ROOT / "solutions" / "src").glob("ex*.py"))
    assert sources and EXERCISES == sources


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_check_draws_fresh_inputs(exercise_id):
    _, spec = catalog.load(exercise_id)
    for check in spec.checks:
        first = [dumps(p.inputs) + p.source for p in check.probes(np.random.default_rng(1))]
        second = [dumps(p.inputs) + p.source for p in check.probes(np.random.default_rng(2))]
        assert first != second, f"{exercise_id}: check {check.name!r} has no inputs drawn from rng"


@pytest.fixture(scope="module")
def graded():
    paths = [
        str(ROOT / folder / f"{exercise_id}.ipynb")
        for exercise_id in EXERCISES
        for folder in ("solutions", "exercises")
    ]
    results, failures = grade_many(paths, Options(), jobs=2, progress=False)
    assert failures == []
    return {result.submission: result for result in results}


def _explain(result) -> str:
    return "\n".join(f"{t.name}: {t.output}" for t in result.tests if not t.passed)


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_solution_scores_full_marks(graded, exercise_id):
    result = graded[str(ROOT / "solutions" / f"{exercise_id}.ipynb")]
    assert result.max_score > 0 and result.score == result.max_score, _explain(result)


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_untouched_student_version_scores_zero(graded, exercise_id):
    result = graded[str(ROOT / "exercises" / f"{exercise_id}.ipynb")]
    assert result.score == 0 and result.max_score > 0
    assert all(t.output for t in result.tests)
