"""The learner's progress on the course map (course_lib.drawing.course_map), headless.

The self-checks note each passed or failed check of an exercise cell run in JupyterLab
(course_lib.exercises.checks.record_progress); the map reads those notes and JupyterLab's
checkpoints of the lessons. Here JupyterLab is imitated: ``JPY_SESSION_NAME`` names the notebook
and a stand-in kernel says which cell is running. tests/browser/test_browser_progress.py does the
same in a real JupyterLab.
"""

from __future__ import annotations

import json

import IPython
import nbformat
import pytest

from course_lib.drawing import course_map
from course_lib.exercises import CheckFailure, check_close, checks


class FakeKernel:
    """What ipykernel offers: the request being run, with JupyterLab's cell id in its metadata."""

    def __init__(self):
        self.cell, self.run = "cell-005", "run-1"

    def get_parent(self):
        return {"header": {"msg_id": self.run}, "metadata": {"cellId": self.cell}}


def write_course(folder):
    """A small course: lessons 00 and 01, and exercise ex01_demo (lesson 01) with two self-check cells."""
    for stem, title in (("00_course_map", "0. Course map"), ("01_demo", "1. Demo")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}")])
        nbformat.write(nb, folder / "notebooks" / f"{stem}.ipynb")
    exercise = nbformat.v4.new_notebook(
        metadata={"course_exercise": {"id": "ex01_demo", "title": "Exercise 1", "lesson": "01"}}
    )
    for index in range(4):
        cell = nbformat.v4.new_code_cell("pass")
        cell.id = f"cell-{index:03d}"
        cell.metadata["nbgrader"] = {
            "grade": index % 2 == 1,
            "solution": index % 2 == 0,
            "locked": False,
            "grade_id": f"part{index}",
            "schema_version": 3,
        }
        exercise.cells.append(cell)
    nbformat.write(exercise, folder / "exercises" / "ex01_demo.ipynb")


@pytest.fixture
def course(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "exercises").mkdir()
    write_course(tmp_path)
    return tmp_path


@pytest.fixture
def in_jupyterlab(course, monkeypatch):
    kernel = FakeKernel()
    shell = type("Shell", (), {"kernel": kernel})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setenv("JPY_SESSION_NAME", str(course / "exercises" / "ex01_demo.ipynb"))
    return kernel


def notes(course) -> dict:
    return json.loads((course / "exercises" / checks.PROGRESS_FILE).read_text())


def test_checks_note_nothing_outside_jupyterlab(course, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    check_close("x", 1.0, 1.0, quiet=True)
    with pytest.raises(CheckFailure):
        check_close("x", 1.0, 2.0)
    assert not (course / "exercises" / checks.PROGRESS_FILE).exists()


def test_checks_note_the_latest_run_of_each_cell(course, in_jupyterlab):
    in_jupyterlab.cell = "cell-001"
    check_close("a", 1.0, 1.0, quiet=True)
    check_close("b", 2.0, 2.0, quiet=True)
    assert notes(course) == {"ex01_demo": {"cell-001": {"run": "run-1", "passed": 2, "failed": 0}}}
    in_jupyterlab.cell, in_jupyterlab.run = "cell-003", "run-2"
    with pytest.raises(CheckFailure):
        check_close("c", 1.0, 2.0)
    assert notes(course)["ex01_demo"]["cell-003"] == {"run": "run-2", "passed": 0, "failed": 1}
    in_jupyterlab.run = "run-3"  # the learner fixed it and ran the cell again
    check_close("c", 2.0, 2.0, quiet=True)
    assert notes(course)["ex01_demo"]["cell-003"] == {"run": "run-3", "passed": 1, "failed": 0}


def test_a_lesson_notebook_or_an_unreadable_note_never_breaks_a_check(course, in_jupyterlab, monkeypatch):
    (course / "exercises" / checks.PROGRESS_FILE).write_text("{not json")
    check_close("a", 1.0, 1.0, quiet=True)  # an unreadable file is replaced, silently
    assert notes(course)["ex01_demo"]
    monkeypatch.setenv("JPY_SESSION_NAME", str(course / "notebooks" / "01_demo.ipynb"))
    (course / "notebooks" / checks.PROGRESS_FILE).unlink(missing_ok=True)
    check_close("a", 1.0, 1.0, quiet=True)  # a lesson's cells are no exercise's progress
    assert not (course / "notebooks" / checks.PROGRESS_FILE).exists()


def test_the_map_shows_opened_lessons_and_passing_exercises(course, in_jupyterlab):
    widget = course_map.progress_map(course)
    assert "Opened 0 of 2 lessons" in widget.readout.value
    assert "Self-checks pass in 0 of 1 exercises" in widget.readout.value
    first_picture = bytes(widget.image.value)
    assert first_picture.startswith(b"\x89PNG")

    checkpoints = course / "notebooks" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "01_demo-checkpoint.ipynb").write_text("{}")  # JupyterLab opened lesson 1
    in_jupyterlab.cell = "cell-001"
    check_close("part 1", 1.0, 1.0, quiet=True)
    widget.refresh()
    assert widget.progress["01"].opened and not widget.progress["00"].opened
    assert widget.progress["01"].exercises["ex01_demo"].state == "started"
    assert "Opened 1 of 2 lessons" in widget.readout.value and "ex01_demo (1 of 2 parts)" in widget.readout.value

    in_jupyterlab.cell = "cell-003"
    check_close("part 2", 1.0, 1.0, quiet=True)
    widget.controls["refresh"].click()
    assert widget.progress["01"].exercises["ex01_demo"].state == "passing"
    assert "Self-checks pass in 1 of 1 exercises: ex01_demo." in widget.readout.value
    assert bytes(widget.image.value) != first_picture


def test_outside_jupyterlab_the_map_shows_no_progress_and_says_where_it_would(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    widget = course_map.progress_map()
    assert widget.progress == {} and "Open this notebook in JupyterLab" in widget.readout.value
    assert bytes(widget.image.value).startswith(b"\x89PNG")
