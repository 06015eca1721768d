"""The notebook builder makes every lesson a lecture deck: settings, skipped set-up code, folded notes."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from course_tools import notebooks
from course_tools.cell_names import module_names
from course_tools.notebooks import LECTURE_SLIDES, default_slide_type, folded_notes, is_setup_code, read_source
from course_tools.slides import WIDGETS_AFTER_THE_LESSON


def test_setup_code_is_left_out_of_the_deck():
    assert is_setup_code("import numpy as np\nfrom course_lib import MLP\n%matplotlib inline")
    assert is_setup_code(
        "# the course's library\nfrom course_lib.drawing import (\n    plot_history,\n    draw_graph,\n)"
    )
    assert not is_setup_code("import numpy as np\nx = np.ones(3)")
    assert not is_setup_code("from course_lib.widgets.neuron import neuron_explorer\n\nneuron_explorer()")
    assert not is_setup_code("# only a comment")
    assert default_slide_type(new_code_cell("import numpy as np")) == "skip"
    assert default_slide_type(new_code_cell("print(1)")) == "-"
    assert default_slide_type(new_markdown_cell("## A heading")) == "slide"
    assert default_slide_type(new_markdown_cell("### A subheading")) == "subslide"


def test_notes_are_folded_under_instructor_notes_once():
    folded = folded_notes("Ask the room first.")
    assert folded.startswith('<details class="instructor-notes"><summary>Instructor notes</summary>')
    assert "Ask the room first." in folded and folded.endswith("</details>")
    assert folded_notes(folded) == folded


SOURCE = """# %% [markdown]
# # A lesson

# %% [markdown] slideshow={"slide_type": "notes"}
# Speak slowly.

# %%
import numpy as np

# %% slideshow={"slide_type": "fragment"}
import math
"""


def test_read_source_makes_a_lecture_deck_of_a_lesson_only(tmp_path):
    path = tmp_path / "99_demo.py"
    path.write_text(SOURCE)
    lesson = read_source(path)
    assert lesson.metadata["rise"] == LECTURE_SLIDES["rise"]
    assert lesson.metadata["rise"]["width"] == 1280 and lesson.metadata["rise"]["height"] == 720
    assert lesson.metadata["rise"]["theme"] in ("white", "black", "serif"), "other reveal.js themes load web fonts"
    types = [cell.metadata["slideshow"]["slide_type"] for cell in lesson.cells]
    assert types == ["slide", "notes", "skip", "fragment"], "an explicit slide type in the source wins"
    assert "<summary>Instructor notes</summary>" in lesson.cells[1].source
    exercise = read_source(path, lecture=False)
    assert exercise.metadata["rise"] == notebooks.EXERCISE_SLIDES["rise"]
    assert exercise.cells[1].source == "Speak slowly."
    assert [c.metadata["slideshow"]["slide_type"] for c in exercise.cells] == ["slide", "notes", "-", "fragment"]


def test_restamp_updates_metadata_without_running_and_refuses_changed_code(tmp_path):
    path = tmp_path / "99_demo.py"
    path.write_text(SOURCE)
    target = tmp_path / "99_demo.ipynb"
    old = read_source(path, lecture=False)
    old.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nbformat.write(old, target)
    notebooks.restamp(path, target)
    again = nbformat.read(target, as_version=4)
    assert again.metadata["rise"] == LECTURE_SLIDES["rise"]
    assert again.cells[2].outputs[0]["text"] == "kept\n", "outputs survive a restamp"
    assert notebooks.differences(path, target) == []
    path.write_text(SOURCE.replace("import math", "import cmath"))
    try:
        notebooks.restamp(path, target)
    except ValueError as error:
        assert "rebuild it instead" in str(error)
    else:
        raise AssertionError("restamp accepted a notebook whose code differs from its source")


LESSON_NOTEBOOKS = sorted((notebooks.LESSONS).glob("*.ipynb"))


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=[p.stem[:2] for p in LESSON_NOTEBOOKS])
def test_lesson_deck_opens_on_a_title_without_code_and_hides_its_notes(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("rise") == LECTURE_SLIDES["rise"], f"{path.name}: rebuild it for the lecture settings"
    first_slide, shown_code = 0, []
    for index, cell in enumerate(nb.cells):
        if _slide_type(cell) == "slide":
            first_slide += 1
            if first_slide > 1:
                break
        if cell.cell_type == "code" and _slide_type(cell) not in ("skip", "notes"):
            shown_code.append(f"cell {index}: {cell.source.splitlines()[0][:60]!r}")
    assert not shown_code, (
        f"{path.name}: the title slide shows code {shown_code}; mark set-up cells "
        '`# %% slideshow={"slide_type": "skip"}` or move them below the title slide'
    )
    for index, cell in enumerate(nb.cells):
        if _slide_type(cell) == "notes":
            assert cell.cell_type == "markdown" and cell.source.startswith('<details class="instructor-notes">'), (
                f"{path.name} cell {index}: a speaker note a learner would read unfolded"
            )


# ----------------------------------------------------------------- a deck runs the cells it shows
def found_in_every_lesson(check) -> dict[str, list[str]]:
    """What ``check`` finds in each lesson's notebook as built from its source, by lesson; clean lessons left out."""
    return {source.stem: found for source in notebooks.sources() if (found := check(read_source(source)))}


def names_a_deck_cannot_reach(nb) -> list[str]:
    """Shown cells that read a name only a hidden cell defines: the deck does not show that cell, so it
    cannot run it, and the lab runs only hidden cells tagged set-up when the kernel starts."""
    reachable, hidden_only, found = set(), {}, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        defined, read = module_names(cell.source)
        shown = cell.metadata["slideshow"]["slide_type"] not in notebooks.HIDDEN_SLIDE_TYPES
        if shown and (missing := sorted((read & hidden_only.keys()) - reachable)):
            found.append(
                f"cell {index} reads {missing}, defined only by hidden cell(s) "
                f"{sorted({hidden_only[name] for name in missing})}"
            )
        if shown or notebooks.SETUP_TAG in cell.metadata.get("tags", []):
            reachable |= defined
            for name in defined:
                hidden_only.pop(name, None)
        else:
            hidden_only.update({name: index for name in defined - reachable})
    return found


def test_a_deck_can_run_every_cell_it_shows_in_order():
    unreachable = found_in_every_lesson(names_a_deck_cannot_reach)
    assert not unreachable, unreachable


def test_the_name_check_finds_a_name_only_a_hidden_cell_defines():
    nb = nbformat.v4.new_notebook(
        cells=[
            new_code_cell("import numpy as np", metadata={"slideshow": {"slide_type": "skip"}, "tags": ["setup"]}),
            new_code_cell("grid = np.linspace(0, 1, 5)", metadata={"slideshow": {"slide_type": "skip"}}),
            new_code_cell("print(np.sum(grid))", metadata={"slideshow": {"slide_type": "-"}}),
        ]
    )
    assert names_a_deck_cannot_reach(nb) == ["cell 2 reads ['grid'], defined only by hidden cell(s) [1]"]
    nb.cells[1].metadata["slideshow"]["slide_type"] = "-"
    assert names_a_deck_cannot_reach(nb) == []


def test_hidden_set_up_is_tagged_for_the_lab_to_run():
    source = (
        "# %% [markdown]\n# # A lesson\n\n# %%\nimport numpy as np\nnp.set_printoptions(precision=3)\n\n"
        '# %%\nx = np.ones(3)\n\n# %% slideshow={"slide_type": "skip"}\ndef double(v):\n    return 2 * v\n\n'
        '# %% slideshow={"slide_type": "skip"}\ny = double(x)\n'
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "99_lesson.py"
        path.write_text(source)
        nb = read_source(path)
    tagged = [notebooks.SETUP_TAG in cell.metadata.get("tags", []) for cell in nb.cells]
    # The set-up block before the first shown code, and a hidden definition, but not hidden work.
    assert tagged == [False, False, False, True, False]


def test_a_live_widgets_cell_runs_right_after_the_lessons_set_up():
    """A lecturer jumps to a widget's slide and runs it first: it may read only what the set-up defines."""
    import builtins

    needing = {}
    for source in notebooks.sources():
        setup = set()
        for index, cell in enumerate(read_source(source).cells):
            if cell.cell_type != "code":
                continue
            defined, read = module_names(cell.source)
            if notebooks.SETUP_TAG in cell.metadata.get("tags", []):
                setup |= defined
            missing = read - defined - setup - set(dir(builtins))
            if (
                "nbval-ignore-output" in cell.metadata.get("tags", [])
                and missing
                and source.stem not in WIDGETS_AFTER_THE_LESSON
            ):
                needing[f"{source.stem} cell {index}"] = sorted(missing)
    assert not needing, f"widget cells that need cells run before them: {needing}"


def predictions_answered_at_once(nb) -> list[str]:
    """'Predict first' prompts whose answer, the next shown code cell's output, appears with them: no
    fragment, subslide or slide comes between, so the room reads the answer before anyone predicts."""
    steps, found = ("slide", "subslide", "fragment"), []
    for index, cell in enumerate(nb.cells):
        if (
            cell.cell_type != "markdown"
            or "Predict first" not in cell.source
            or cell.metadata["slideshow"]["slide_type"] in notebooks.HIDDEN_SLIDE_TYPES
        ):
            continue
        stepped = False
        for later, answer in enumerate(nb.cells[index + 1 :], start=index + 1):
            kind = answer.metadata["slideshow"]["slide_type"]
            stepped = stepped or kind in steps
            if answer.cell_type == "code" and kind not in notebooks.HIDDEN_SLIDE_TYPES:
                if not stepped:
                    found.append(f"cell {index} is answered by cell {later} on the same step")
                break
    return found


def test_a_prediction_is_asked_before_its_answer_is_shown():
    answered = found_in_every_lesson(predictions_answered_at_once)
    assert not answered, answered


def test_the_prediction_check_finds_an_answer_shown_with_its_question():
    nb = nbformat.v4.new_notebook(
        cells=[
            new_markdown_cell(
                "**Predict first.** What does it print?", metadata={"slideshow": {"slide_type": "slide"}}
            ),
            new_code_cell("print(2 + 2)", metadata={"slideshow": {"slide_type": "-"}}),
        ]
    )
    assert predictions_answered_at_once(nb) == ["cell 0 is answered by cell 1 on the same step"]
    nb.cells[1].metadata["slideshow"]["slide_type"] = "fragment"
    assert predictions_answered_at_once(nb) == []


# ----------------------------------------------------------------- code fits the slide's width
# On the 1280x720 deck code is 20 px (rise.css) and about 95 characters fit in a code cell; the course's
# JupyterLab wraps a longer line, which makes its slide taller than the screen.
SLIDE_CODE_WIDTH = 95


def code_lines_too_wide(nb, width: int = SLIDE_CODE_WIDTH) -> list[str]:
    """Lines of code cells a deck shows that are longer than ``width`` characters: "cell i line j (len)"."""
    return [
        f"cell {index} line {number} ({len(line)})"
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.metadata["slideshow"]["slide_type"] not in notebooks.HIDDEN_SLIDE_TYPES
        for number, line in enumerate(cell.source.splitlines(), start=1)
        if len(line) > width
    ]


def test_code_on_a_slide_fits_its_width():
    too_wide = [
        f"{source.stem[:2]} {found}"
        for source in notebooks.sources()
        for found in code_lines_too_wide(read_source(source))
    ]
    assert not too_wide, f"{len(too_wide)} code lines on slides longer than {SLIDE_CODE_WIDTH} characters: {too_wide}"


def test_the_width_check_finds_a_long_line_on_a_slide_only():
    long_line = "x = " + "1 + " * 30 + "1"
    nb = nbformat.v4.new_notebook(
        cells=[
            new_code_cell(f"y = 1\n{long_line}", metadata={"slideshow": {"slide_type": "-"}}),
            new_code_cell(long_line, metadata={"slideshow": {"slide_type": "skip"}}),
        ]
    )
    assert code_lines_too_wide(nb) == [f"cell 0 line 2 ({len(long_line)})"]
