"""Every lesson notebook, run and presented in a real JupyterLab.

For each ``notebooks/*.ipynb`` found when the tests are collected (new lessons
are covered as soon as they exist):

* run: clear every output and run all cells through the menus; no cell may show
  an error or write to stderr, every code cell must get an execution count, and
  every widget the stored notebook displays must render as a live widget;
* slides (lesson 01): open it with jupyterlab-rise's toolbar button; it must become a
  reveal.js deck with one slide per cell of slide_type "slide", loaded entirely
  from the local server (test_browser_slides.py checks every deck on its /rise/ page).

The self-checks run a small generated notebook with a deliberate error, a
stray stderr message and a deliberately broken widget through the same checks,
and check that the failure messages name the notebook and the cell.
"""

from __future__ import annotations

import re
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from browser_session import PageRecorder, register_page
from course_lib.drawing.described import LIVE_NOTE
from course_tools.slides import PROJECTOR, open_deck
from labpage import WIDGET_FALLBACK, LabNotebook, wait_until
from notebook_facts import HIDDEN_SLIDE_TYPES, ROOT, WIDGET_MIME, lesson_notebooks, read_facts
from widget_view import WidgetView

pytestmark = pytest.mark.browser

NOTEBOOKS = lesson_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_run_all_cells(notebook, lesson_runs, request):
    run = lesson_runs.get(notebook, request.node)
    if run.error:
        # Still list what the page shows, so the message names the cell that hung or failed.
        try:
            shown = run.notebook.problems()
        except Exception as error:  # the page itself may be gone
            shown = [f"(could not read the page: {error})"]
        pytest.fail(f"{notebook.name}: {run.error}\n  - " + "\n  - ".join(shown), pytrace=False)
    timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in run.notebook.timings.items())
    print(f"{notebook.name}: {timings}")
    run.notebook.assert_ran_cleanly()


# ----------------------------------------------------------------- a lesson saved after a run
@pytest.mark.parametrize(
    "notebook",
    [path for path in NOTEBOOKS if read_facts(path).expected_widgets],
    ids=[path.stem for path in NOTEBOOKS if read_facts(path).expected_widgets],
)
def test_a_lesson_saved_after_its_run_presents_its_widgets_as_pictures(
    notebook, lesson_runs, lab_server, recorder, request
):
    """A lecturer rehearses in the lab, the lesson is saved (as a learner's autosave would save it), then
    presented: the deck must show each widget's picture, never "Error displaying widget: model not found"."""
    run = lesson_runs.get(notebook, request.node)
    assert not run.error, run.error
    copy = lab_server.root / notebook.name
    before = copy.stat().st_mtime_ns
    run.notebook.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 30
    while copy.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    saved = nbformat.read(copy, as_version=4)
    outputs = [(index, output) for index, cell in enumerate(saved.cells) for output in cell.get("outputs", [])]
    live = [index for index, output in outputs if WIDGET_MIME in output.get("data", {})]
    assert not live, f"{notebook.name}: saved with live widget views in cells {live} (the pre-save hook did not run)"
    pictured = {
        index for index, output in outputs if str(output.get("data", {}).get("text/plain", "")).startswith(LIVE_NOTE)
    }
    assert set(read_facts(notebook).expected_widgets) <= pictured, f"{notebook.name}: widgets saved without a picture"

    page = recorder.page
    page.set_viewport_size(PROJECTOR)
    open_deck(page, lab_server.url, notebook.name)
    shown = page.evaluate("() => document.querySelector('.reveal .slides').innerText")
    assert not WIDGET_FALLBACK.search(shown), (
        f"{notebook.name}: the deck of the saved lesson shows {WIDGET_FALLBACK.search(shown)[0]!r}"
    )
    pictures = page.evaluate(
        """(note) => [...document.querySelectorAll('.jp-OutputArea-output')]
        .filter((output) => output.innerText.includes(note)).length""",
        LIVE_NOTE,
    )
    facts = read_facts(notebook)
    on_slides = sum(
        count
        for index, count in facts.expected_widgets.items()
        if facts.cells[index].slide_type not in HIDDEN_SLIDE_TYPES
    )
    assert pictures >= on_slides, f"{notebook.name}: the deck shows {pictures} widget pictures, not {on_slides}"


# ----------------------------------------------------------------- slides
DECK_SECTIONS_JS = "() => document.querySelectorAll('.reveal .slides > section').length"


def _open_slideshow(lab: LabNotebook):
    """Press the RISE toolbar button; return the frame showing the deck once reveal.js has laid it out."""
    button = lab.panel.locator('.jp-Toolbar-item[data-jp-item-name="RISE-button"] button')
    button.click()
    iframe = lab.page.locator(".jp-MainAreaWidget iframe[src*='/rise/']").first
    iframe.wait_for(state="attached", timeout=30_000)
    frame = iframe.element_handle().content_frame()
    # RISE moves the cells into <section>s once the notebook is ready, then reveal.js marks itself ready.
    wait_until(
        frame,
        """() => {
        const reveal = document.querySelector('.reveal');
        return reveal && reveal.classList.contains('ready') && document.querySelector('.reveal .slides > section');
    }""",
        f"{lab.facts.name}: the RISE slideshow to become a ready reveal.js deck",
        60,
    )
    return frame


def _stable_count(frame, settle_s: float = 1.0, timeout_s: float = 20) -> int:
    """The number of top-level slides once it stops changing for ``settle_s``."""
    deadline = time.monotonic() + timeout_s
    count, since = frame.evaluate(DECK_SECTIONS_JS), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = frame.evaluate(DECK_SECTIONS_JS)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= settle_s:
            break
    return count


# The lab's RISE button, tried on one lesson: every deck's slides, heading and fit are checked on its own
# /rise/ page by test_browser_slides.py, which is the same deck without the lab around it.
@pytest.mark.parametrize("notebook", NOTEBOOKS[1:2], ids=[path.stem for path in NOTEBOOKS[1:2]])
def test_slideshow(notebook, lab_server, recorder):
    facts = read_facts(notebook)
    lab = LabNotebook(recorder.page, lab_server.url, facts).open()
    frame = _open_slideshow(lab)
    assert f"/rise/{notebook.name}" in frame.url, f"{notebook.name}: the slideshow frame shows {frame.url}"

    problem = facts.deck_size_problem(_stable_count(frame))
    if problem:
        pytest.fail(problem, pytrace=False)
    slides = facts.slide_cells

    # The deck opens on the first slide, whose heading the learner should see.
    if slides:
        heading = slides[0].first_line.lstrip("#").strip()
        present = frame.evaluate(
            "() => (document.querySelector('.reveal .slides > section.present') || {}).innerText || ''"
        )
        # Compared ignoring case: some reveal.js themes set headings in capitals.
        assert heading.casefold() in present.casefold(), (
            f"{notebook.name}: the first slide should show {heading!r} ({slides[0].label}); it shows {present[:200]!r}"
        )

    foreign = recorder.foreign_requests(lab_server.url)
    assert not foreign, (
        f"{notebook.name}: the slideshow is not self-contained; it asked for {len(foreign)} resource(s) outside "
        f"the local server: {sorted(set(foreign))}. (reveal.js themes other than 'white', 'black' and 'serif' "
        "import Google Fonts; RISE's default theme is 'simple'.)"
    )


# ----------------------------------------------------------------- the checks can fail
SELF_CHECK = "zz_browser_self_check.ipynb"
BROKEN_WIDGET = '''import ipywidgets as widgets
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.plot_axes import Picture


class DrawsOnceThenBreaks(LessonWidget):
    """A widget whose callback raises on every change: what a broken lesson widget looks like."""

    def update(self):
        if self.updates:
            raise RuntimeError("deliberately broken widget callback")
        picture = Picture(200, 60)
        picture.text((4, 4), f"n = {self.value('n')}")
        self.image.value = picture.png()
        self.readout.value = f"<span data-name='n'>{self.value('n')}</span>"


DrawsOnceThenBreaks({"n": widgets.IntSlider(value=1, min=0, max=5, description="n")})'''


WHICH_PYTHON = "import sys\n\nimport course_lib\n\nprint(sys.executable)\nprint(course_lib.__file__)"


def _self_check_notebook() -> nbformat.NotebookNode:
    """Cell 1 says which Python and course_lib the kernel uses, cell 2 shows a widget that breaks
    when moved, cell 3 writes to stderr, cell 4 raises, and cell 5 never runs although its stored
    outputs claim a widget. Expected problems: cells 3, 4 and 5."""

    def widget_output(model_id: str):
        return new_output(
            "display_data",
            data={WIDGET_MIME: {"model_id": model_id, "version_major": 2, "version_minor": 0}, "text/plain": "VBox()"},
        )

    cells = [
        new_markdown_cell("# Browser self-check", metadata={"slideshow": {"slide_type": "slide"}}),
        new_code_cell(WHICH_PYTHON),
        # The widget cell claims its widget, as an executed lesson would, so the run check expects it.
        new_code_cell(BROKEN_WIDGET, outputs=[widget_output("1" * 32)]),
        new_code_cell("import sys\nprint('a warning nobody wants', file=sys.stderr)"),
        new_code_cell("total = 1 + 1\nraise ValueError('deliberate failure for the browser self-check')"),
        new_code_cell("answer = 42", outputs=[widget_output("0" * 32)]),
    ]
    return new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3 (ipykernel)"}},
    )


@pytest.fixture(scope="module")
def self_check_run(lab_server, browser):
    """The self-check notebook, opened, cleared and run once in JupyterLab (in the server's temporary copy)."""
    path = lab_server.root / SELF_CHECK
    nbformat.write(_self_check_notebook(), path)
    recorder = PageRecorder(browser)
    lab = LabNotebook(recorder.page, lab_server.url, read_facts(path))
    try:
        lab.open()
        lab.clear_all_outputs()
        lab.run_all(timeout_s=60)
        yield lab, recorder
    finally:
        recorder.close()
        lab_server.shut_down_kernels(SELF_CHECK)  # only its own: a lesson's run may still be in use


@pytest.fixture
def self_check(self_check_run, request):
    lab, recorder = self_check_run
    register_page(request.node, recorder)
    return lab


def test_kernel_is_this_python_with_this_course_lib(self_check):
    printed = self_check.cell(1).locator(".jp-OutputArea-output").first.inner_text().split()
    assert printed == [sys.executable, str(ROOT / "course_lib" / "__init__.py")], (
        f"{SELF_CHECK} cell 1: the kernel runs {printed}; expected this Python and the checkout's course_lib"
    )


def test_run_check_names_the_failing_cells(self_check):
    with pytest.raises(AssertionError) as failure:
        self_check.assert_ran_cleanly()
    message = str(failure.value)
    print(message)
    assert message.startswith(SELF_CHECK), message
    lines = message.splitlines()[1:]
    assert "  - cell 3 (code: `import sys`): printed to stderr: a warning nobody wants" in lines, message
    assert any(
        line.startswith("  - cell 4 (code: `total = 1 + 1`): raised an error: ValueError: deliberate failure")
        for line in lines
    ), message
    assert any(line.startswith("  - cell 5 (code: `answer = 42`): has no execution count") for line in lines), message
    assert any(
        line.startswith("  - cell 5 (code: `answer = 42`): expected 1 rendered widget output(s)")
        and line.endswith("found 0")
        for line in lines
    ), message
    # Cells 0 to 2 are fine: each problem is pinned to the cell that has it.
    assert not [line for line in lines if re.match(r"  - cell [012] ", line)], message


def test_widget_check_reports_a_broken_callback(self_check):
    view = WidgetView(self_check, 2)
    assert view.readout_number("n") == 1
    before = view.snapshot()
    view.press_on_slider("n", "ArrowRight")
    with pytest.raises(AssertionError) as failure:
        view.wait_for_change(before, "pressing ArrowRight on slider n", timeout_s=5)
    message = str(failure.value)
    print(message)
    assert message.startswith(
        f"{SELF_CHECK} cell 2 (code: `import ipywidgets as widgets`): after pressing ArrowRight on slider n, timed out"
    ), message
    assert "RuntimeError: deliberately broken widget callback" in message, message
