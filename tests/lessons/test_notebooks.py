"""Every lesson notebook: built from its source, executed in order, shaped like a lesson.

nbval (run by the same test command) re-executes each notebook and compares its
outputs; these tests check what nbval does not: that the committed notebook is
the one its source makes, that it was executed top to bottom in one run, that
it is ready to present as slides, and that it has the parts every lesson has.
"""

import json
import re

import nbformat
import pytest

from course_lib.drawing.described import LIVE_NOTE
from course_tools.notebooks import LESSONS, SLIDE_TYPES, differences, sources

SOURCES = sources()
NAMES = [path.stem for path in SOURCES]


def load(name):
    return nbformat.read(LESSONS / f"{name}.ipynb", as_version=4)


def test_lessons_exist_in_course_order():
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", name) for name in NAMES), NAMES
    numbers = [int(name[:2]) for name in NAMES]
    assert numbers == list(range(len(numbers))), "lessons are numbered 00, 01, ... without gaps"


def test_every_notebook_has_a_source():
    built = sorted(path.stem for path in LESSONS.glob("*.ipynb"))
    assert built == NAMES, "every notebooks/*.ipynb is generated from notebooks/src/*.py"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_matches_its_source(name):
    problems = differences(LESSONS / "src" / f"{name}.py", LESSONS / f"{name}.ipynb")
    assert not problems, "\n".join(problems) + "\nrebuild with: python3 course.py notebooks " + name[:2]


@pytest.mark.parametrize("name", NAMES)
def test_executed_top_to_bottom_without_errors_or_warnings(name):
    nb = load(name)
    code = [cell for cell in nb.cells if cell.cell_type == "code" and cell.source.strip()]
    counts = [cell.execution_count for cell in code]
    assert counts == list(range(1, len(code) + 1)), f"{name}: execution counts {counts}"
    for index, cell in enumerate(code):
        for output in cell.outputs:
            assert output.output_type != "error", f"{name} code cell {index} has an error output"
            if output.output_type == "stream" and output.name == "stderr":
                assert not re.search(r"Warning|Traceback", output.text), (
                    f"{name} code cell {index} warns: {output.text}"
                )


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_is_ready_for_slides(name):
    nb = load(name)
    for index, cell in enumerate(nb.cells):
        assert cell.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES, f"{name} cell {index}"
    assert nb.cells[0].metadata.slideshow.slide_type == "slide", f"{name} must open with a slide"


@pytest.mark.parametrize("name", NAMES)
def test_only_live_widgets_escape_output_comparison(name):
    for index, cell in enumerate(load(name).cells):
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            # A widget is stored as its picture and a line saying how to make it live (widget_snapshots).
            shown = [output.get("data", {}).get("text/plain") or "" for output in cell.get("outputs", [])]
            assert any(text.startswith(LIVE_NOTE) for text in shown), (
                f"{name} cell {index} is tagged nbval-ignore-output but displays no live widget"
            )


@pytest.mark.parametrize("name", NAMES)
def test_lesson_has_objectives_summary_questions_and_exercise(name):
    text = "\n".join(cell.source for cell in load(name).cells if cell.cell_type == "markdown")
    head = text[:3000].lower()
    for part in ("objectives", "prerequisite", "time"):
        assert part in head, f"{name}: the opening should state the {part}"
    tail = text[-6000:]
    assert re.search(r"#+ .*summary", tail, re.I), f"{name}: ends with a summary"
    assert 3 <= tail.count("<details>") <= 8, f"{name}: 3-6 questions with folded answers"
    if name != "00_course_map":
        assert re.search(r"exercises/ex\d\d_\w+\.ipynb", tail), f"{name}: points to its graded exercise"


def test_notebooks_are_valid_nbformat():
    for name in NAMES:
        nbformat.validate(load(name))
        json.loads((LESSONS / f"{name}.ipynb").read_text())


@pytest.mark.parametrize("name", NAMES)
def test_printed_text_is_stored_in_one_piece(name):
    # The builder merges the kernel's stream chunks, whose split depends on timing.
    for index, cell in enumerate(load(name).cells):
        kinds = [(o.output_type, o.get("name")) for o in cell.get("outputs", [])]
        repeats = [a for a, b in zip(kinds, kinds[1:]) if a == b and a[0] == "stream"]
        assert not repeats, f"{name} cell {index}: consecutive {repeats[0][1]} chunks; rebuild the notebook"
