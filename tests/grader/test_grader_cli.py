"""course-grade as a command: results.json, the gradebook, exit status, and files that are not notebooks."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from environment_paths import only_this_environment
from grader_fixtures import EXERCISE, POINTS, ROOT, SOLUTION, STUDENT, TOTAL, load, with_answers, write

from course_tools.grader import catalog
from course_tools.grader.grade import Options, grade_file


def checks() -> int:
    return len(catalog.load(EXERCISE)[1].checks)


def course_grade(*args, cwd=None, path=None) -> subprocess.CompletedProcess:
    env = only_this_environment()
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "course_tools.grader.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
        env=env,
    )


def other_exercise() -> dict:
    nb = load(SOLUTION)
    nb["metadata"]["course_exercise"] = {"id": "ex02_losses", "title": "Exercise 2"}
    return nb


def no_metadata() -> dict:
    nb = load(SOLUTION)
    nb["metadata"] = {}
    return nb


def unknown_exercise() -> dict:
    nb = load(SOLUTION)
    nb["metadata"]["course_exercise"]["id"] = "../../etc/passwd"
    return nb


UNGRADABLE = {
    "empty": ("", "is empty (0 bytes)"),
    "text": ("def neuron(x, w, b):\n    return 1\n", "is not valid JSON (line 1, column 1)"),
    "invalid_json": ('{"cells": [', "is not valid JSON"),
    "json_list": ("[1, 2, 3]", "is JSON but not a Jupyter notebook"),
    "old_format": ('{"cells": [], "nbformat": 3}', "old format version 3"),
    # an nbformat 3 notebook keeps its cells in worksheets: it is a notebook, in the old format
    "nbformat_3": (
        '{"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}], "metadata": {}}',
        "old format version 3",
    ),
    "no_metadata": (no_metadata(), "has no course_exercise metadata"),
    "unknown": (unknown_exercise(), "which the grader does not know"),
}


@pytest.mark.parametrize("name", UNGRADABLE)
def test_files_that_cannot_be_graded_score_zero_with_the_reason(name, tmp_path):
    content, reason = UNGRADABLE[name]
    path = write(content, tmp_path / f"{name}.ipynb")
    result = grade_file(path, Options())
    assert result.score == 0 and reason in " ".join(result.notes)
    # Told which exercise to expect, the grader lists its checks, each failed with the reason.
    expected = grade_file(path, Options(exercise=EXERCISE))
    assert expected.score == 0 and expected.max_score == TOTAL and len(expected.tests) == checks()
    if name == "unknown":
        reason = "but this assignment is 'ex01_neuron_and_layer'"
    assert all(reason in test.output for test in expected.tests)


def test_binary_and_missing_files_and_folders_are_explained(tmp_path):
    binary = tmp_path / "photo.ipynb"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "it is not even text" in grade_file(binary).notes[0]
    assert "could not be read" in grade_file(tmp_path / "missing.ipynb").notes[0]
    assert "is not a file" in grade_file(tmp_path).notes[0]


def test_a_notebook_of_another_exercise_is_refused_when_the_assignment_is_known(tmp_path):
    path = write(other_exercise(), tmp_path / "mine.ipynb")
    result = grade_file(path, Options(exercise=EXERCISE))
    assert result.score == 0 and result.max_score == TOTAL
    assert "is exercise 'ex02_losses', but this assignment is 'ex01_neuron_and_layer'" in result.notes[0]


@pytest.mark.slow
def test_results_json_is_gradescopes_and_a_submission_cannot_write_it(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    results = out / "results.json"
    fake = json.dumps({"score": 1000, "tests": []})
    writer = (
        f"import json\nopen({str(results)!r}, 'w').write({fake!r})\nopen('results.json', 'w').write({fake!r})\n"
        f"print({fake!r})\n"
    )
    submission = write(
        with_answers(STUDENT, neuron=writer + "def neuron(x, w, b):\n    return 0.5\n"), tmp_path / "cheeky.ipynb"
    )
    run = course_grade(submission, "--results", results, "--seed", "7", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    data = json.loads(results.read_text())
    assert data["score"] == 0 and set(data) >= {"score", "execution_time", "output", "tests"}
    assert len(data["tests"]) == checks() and sum(t["max_score"] for t in data["tests"]) == TOTAL
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] == "failed" and test["visibility"] in ("visible", "after_published")
    assert {t["visibility"] for t in data["tests"]} == {"visible", "after_published"}
    assert "seed 7" in data["output"]
    assert not (tmp_path / "results.json").exists()  # the kernel ran in its own folder
    assert f" 0 / {TOTAL}" in run.stdout and "Part 1: one neuron" in run.stdout


@pytest.mark.slow
def test_a_class_goes_into_one_gradebook(tmp_path):
    paths = [
        write(load(SOLUTION), tmp_path / "ada.ipynb"),
        write(load(STUDENT), tmp_path / "bob.ipynb"),
        write("not a notebook", tmp_path / "cy.ipynb"),
    ]
    gradebook = tmp_path / "grades.csv"
    run = course_grade(*paths, "--gradebook", gradebook, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(gradebook.open()))
    assert [Path(r["submission"]).name for r in rows] == ["ada.ipynb", "bob.ipynb", "cy.ipynb"]
    parts = [f"{EXERCISE}:{part}" for part in POINTS]
    assert [rows[0][p] for p in parts] == [f"{points:g}" for points in POINTS.values()]
    assert rows[0]["total"] == f"{TOTAL:g}"
    assert [rows[1][p] for p in parts] == ["0"] * len(POINTS) and rows[1]["total"] == "0"
    assert rows[2]["total"] == "0" and "not valid JSON" in rows[2]["notes"]
    assert "3/3" in run.stderr  # the progress bar


def test_the_grader_failing_is_a_nonzero_exit_with_the_reason(tmp_path):
    path = write(load(SOLUTION), tmp_path / "a.ipynb")
    # A mistyped id is said before anything about the machine: here bwrap is hidden and namespaces
    # asked for, so the sandbox would refuse too (this machine once answered the typo with chmod advice).
    run = course_grade(
        path, "--exercise", "ex99_nothing", "--sandbox", "namespaces", path=str(Path(sys.executable).parent)
    )
    assert run.returncode == 2 and "'ex99_nothing' is not a known exercise; known: ex01_" in run.stderr, run.stderr
    assert "sandbox" not in run.stderr and "refusing" not in run.stderr, run.stderr
    run = course_grade(path, path, "--results", tmp_path / "r.json")
    assert run.returncode == 2 and "--results takes exactly one submission" in run.stderr
    run = course_grade(tmp_path / "nothing-here.ipynb", "--results", tmp_path / "no" / "such" / "dir.json")
    assert run.returncode == 2 and "could not write the results" in run.stderr


@pytest.mark.slow
def test_a_batch_says_which_exercise_each_row_was_graded_as_and_warns_when_they_mix(tmp_path):
    paths = [write(load(SOLUTION), tmp_path / "ada.ipynb"), write(other_exercise(), tmp_path / "bob.ipynb")]
    gradebook = tmp_path / "grades.csv"
    run = course_grade(*paths, "--gradebook", gradebook, "--jobs", "2", "--quiet")
    assert run.returncode == 0, run.stderr
    assert "this batch mixes exercises (1 x ex01_neuron_and_layer, 1 x ex02_losses)" in run.stderr
    assert "Pass --exercise ID" in run.stderr
    rows = list(csv.DictReader(gradebook.open()))
    assert [r["exercise"] for r in rows] == [EXERCISE, "ex02_losses"]
    run = course_grade(*paths, "--gradebook", gradebook, "--jobs", "2", "--quiet", "--exercise", EXERCISE)
    assert run.returncode == 0 and "mixes exercises" not in run.stderr
    rows = list(csv.DictReader(gradebook.open()))
    assert [r["exercise"] for r in rows] == [EXERCISE, EXERCISE] and rows[1]["total"] == "0"


@pytest.mark.slow  # grades in a sandboxed kernel: the full run's, not the quick one's
def test_the_grader_says_which_sandbox_layers_it_has(tmp_path):
    run = course_grade(write(load(STUDENT), tmp_path / "a.ipynb"), "--quiet")
    assert run.returncode == 0, run.stderr
    assert "sandbox: resource limits" in run.stderr and "namespaces" in run.stderr
