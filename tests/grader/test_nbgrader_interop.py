"""The exercises work with the real nbgrader: generate_assignment, then autograde.

A scratch nbgrader course (its own nbgrader_config.py and sqlite gradebook) gets
the solution notebooks as sources; the solution must score full marks, and both
nbgrader's released version and our exercises/ version must score zero.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from environment_paths import only_this_environment

from course_tools.grader.source import ROOT

EXERCISES = sorted(path.stem for path in (ROOT / "solutions" / "src").glob("ex*.py"))
pytestmark = pytest.mark.slow


def nbgrader(course, *args):
    env = only_this_environment()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env.pop("MPLBACKEND", None)
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    course = tmp_path_factory.mktemp("nbgrader-course")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'backprop'\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(course / 'gradebook.db')!r}\n"
        "c.ExecutePreprocessor.timeout = 300\n"
    )
    for exercise in EXERCISES:
        (course / "source" / exercise).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / f"{exercise}.ipynb", course / "source" / exercise)
    # One nbgrader command for all the exercises at once (nbgrader takes a glob for the assignment):
    # each command costs a Python start and nbgrader's imports.
    nbgrader(course, "generate_assignment", "ex*", "--force")
    for exercise in EXERCISES:
        submissions = {
            "solver": ROOT / "solutions" / f"{exercise}.ipynb",
            "released": course / "release" / exercise / f"{exercise}.ipynb",
            "ours": ROOT / "exercises" / f"{exercise}.ipynb",
        }
        for student, notebook in submissions.items():
            folder = course / "submitted" / student / exercise
            folder.mkdir(parents=True)
            shutil.copy(notebook, folder / f"{exercise}.ipynb")
    nbgrader(course, "autograde", "ex*", "--create", "--force")

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as book:
        for exercise in EXERCISES:
            for student in ("solver", "released", "ours"):
                submission = book.find_submission(exercise, student)
                scores[exercise, student] = (submission.score, submission.max_score)
    return scores


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_solution_scores_full_marks_under_nbgrader(gradebook, exercise):
    score, top = gradebook[exercise, "solver"]
    assert top == 10 and score == top


@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("version", ["released", "ours"])
def test_the_untouched_student_versions_score_zero_under_nbgrader(gradebook, exercise, version):
    score, top = gradebook[exercise, version]
    assert top == 10 and score == 0
