"""solutions/*.ipynb and exercises/*.ipynb are exactly what solutions/src/*.py makes, and the starter code runs."""

from __future__ import annotations

import ast
import json
import shutil

import nbformat
import pytest

from course_tools import exercises
from course_tools.exercises import read_exercise
from course_tools.grader.source import ROOT, cell_kind, cell_source

SOURCES = sorted((ROOT / "solutions" / "src").glob("ex*.py"))


def test_there_are_exercises():
    assert [p.stem for p in SOURCES][:2] == ["ex01_neuron_and_layer", "ex02_losses"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_built_notebooks_and_spec_agree_with_the_source(source):
    problems = exercises.differences(source)
    assert problems == [], "run `python -m course_tools.exercises` to rebuild:\n" + "\n".join(problems)


def test_the_check_command_reports_agreement(capsys):
    assert exercises.main(["--check", "ex01", "ex02"]) == 0
    assert "2 exercises agree with their sources" in capsys.readouterr().out


def _defined(code: str) -> set:
    return {node.name for node in ast.parse(code).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_starter_code_runs_and_defines_every_graded_function(source):
    student = json.loads((ROOT / "exercises" / f"{source.stem}.ipynb").read_text())
    solution = read_exercise(ROOT / "solutions" / f"{source.stem}.ipynb")
    graded = [cell for cell in student["cells"] if cell_kind(cell) in ("setup", "answer", "test")]
    assert [cell["metadata"]["nbgrader"]["grade_id"] for cell in graded] == [c.grade_id for c in solution.cells]
    namespace: dict = {}
    for cell, solution_cell in zip(graded, solution.cells):
        code = cell_source(cell)
        assert "### BEGIN" not in code, "a solution or hidden tests leaked into the student version"
        if cell_kind(cell) in ("setup", "answer"):
            exec(compile(code, solution_cell.grade_id, "exec"), namespace)
        if cell_kind(cell) == "answer":
            assert _defined(code) == _defined(solution_cell.solution)
            assert "raise NotImplementedError(" in code


@pytest.fixture()
def copies(tmp_path):
    """ex01's built notebooks copied into scratch folders the check can be pointed at."""
    solutions, students = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    students.mkdir()
    name = "ex01_neuron_and_layer.ipynb"
    shutil.copy(ROOT / "solutions" / name, solutions / name)
    shutil.copy(ROOT / "exercises" / name, students / name)
    source = ROOT / "solutions" / "src" / "ex01_neuron_and_layer.py"
    return source, solutions, students, name


def test_the_check_notices_every_kind_of_drift(copies):
    source, solutions, students, name = copies
    assert exercises.differences(source, solutions, students) == []

    student = nbformat.read(students / name, as_version=4)
    student.cells[3].source += "\n# edited by hand"
    student.cells[5].outputs = [nbformat.v4.new_output("stream", text="ran")]
    nbformat.write(student, students / name)
    solution = nbformat.read(solutions / name, as_version=4)
    solution.cells[3].execution_count = None
    solution.metadata["course_exercise"]["id"] = "something_else"
    nbformat.write(solution, solutions / name)
    problems = "\n".join(exercises.differences(source, solutions, students))
    assert "notebook metadata differs" in problems
    assert "cell 3 source differs from ex01_neuron_and_layer.py (student version)" in problems
    assert "have outputs; student versions are unexecuted" in problems

    (students / name).unlink()
    assert any("is missing" in p for p in exercises.differences(source, solutions, students))
