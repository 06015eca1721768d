"""Every lesson presented as a lecture deck at a projector's 1280x720, as an instructor would.

For each lesson notebook, its jupyterlab-rise deck (the ``/rise/<notebook>`` page) is opened at
1280x720 and every slide and subslide is visited in turn (course_tools.slides does the measuring;
``python3 course.py slides NN`` shows the same numbers with a screenshot per slide):

* it has one top-level slide per cell of slide_type "slide", and opens on the first one's heading;
* no slide's content runs off the screen (bottom, right or top);
* slide text (markdown paragraphs, list items, table cells) is at least 24 px on screen;
* nothing is loaded from anywhere but the local server.

And a widget works inside a slide: lesson 01's neuron explorer is run in the slide view, its slider
is dragged with the mouse, and the picture changes. The time from a small move of the held handle
to the new picture is measured there and written to test-artifacts/latency/.
"""

from __future__ import annotations

import re

import pytest

from course_tools.slides import (
    DECK_SHAPE_JS,
    MIN_BODY_PX,
    PROJECTOR,
    SLIDE_OF_CELL_JS,
    SlideFacts,
    go_to,
    open_deck,
    walk,
)
from axe_check import check, code_colours_problem, report
from labpage import WIDGET_FALLBACK, wait_until
from latency import judge, measure_drag
from notebook_facts import lesson, lesson_notebooks, read_facts
from widget_view import WidgetView

pytestmark = pytest.mark.browser

NOTEBOOKS = lesson_notebooks()

# What a deck's page logs that is not the course's doing, each upstream and harmless (the deck draws):
UPSTREAM_CONSOLE = [
    re.compile(pattern)
    for pattern in (
        # jupyterlab-rise's bundle of the Jupyter UI toolkit: @microsoft/fast-foundation's design tokens
        # (its chunks 4437, 794 and fast-colors' 7918) recurse while they work out colours, five times a deck.
        r"RangeError: Maximum call stack size exceeded",
        # jupyterlab-rise asks for <notebook>.css beside rise.css, whether or not a lesson has one.
        r"Refused to apply style from '[^']*/files/[^']*\.css'",
        r"Failed to load resource: the server responded with a status of 404",
        # Extensions of the test environment (nbgrader, notebook) that the RISE page cannot load; a
        # learner's environment has neither.
        r"The getter for the shared module is not a function",
        r"Cannot access '\w+' before initialization",
    )
]


# JupyterLab's notebook viewport keeps role="feed" in a deck after jupyterlab-rise has moved its cells (the
# feed's articles) into the slides: upstream's structure, not the course's content. Counted, not judged.
DECK_UPSTREAM = {"aria-required-children": ".jp-WindowedPanel-viewport"}
ALL_SLIDES_CSS = """.reveal .slides section { display: block !important; visibility: visible !important;
  opacity: 1 !important; transform: none !important; position: relative !important; top: 0 !important; }
.reveal .slides .fragment { opacity: 1 !important; visibility: visible !important; }"""


def present(recorder, lab_server, notebook):
    page = recorder.page
    page.set_viewport_size(PROJECTOR)
    open_deck(page, lab_server.url, notebook.name)
    return page


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_slide_deck_fits_a_projector(notebook, lab_server, recorder):
    page = present(recorder, lab_server, notebook)
    facts = read_facts(notebook)
    stacks = page.evaluate(DECK_SHAPE_JS)
    problem = facts.deck_size_problem(len(stacks))
    if problem:
        pytest.fail(problem, pytrace=False)
    # Measured as the room sees each slide by its end: fragments shown, answers open, widgets live. Each
    # widget's cell is run on its slide with Shift+Enter (walk: run_widget): it must run in this fresh
    # deck, the lesson's set-up having run as the kernel started (lesson 06's playground once failed
    # with NameError: name 'playground' is not defined), and the deck must stay on its slide. Lesson 10's
    # digit reader reads the network the lesson trains: its cell first runs the cells before it.
    slides = walk(page, live_widgets=True)
    # The deck opens on the first slide, whose heading the audience should see (compared ignoring case:
    # some reveal.js themes set headings in capitals).
    heading = facts.slide_cells[0].first_line.lstrip("#").strip()
    assert heading.casefold() in slides[0].title.casefold(), (
        f"{notebook.name}: the first slide should show {heading!r}; it shows {slides[0].title!r}"
    )
    measured = [slide for slide in slides if slide.min_font_px is not None]
    assert measured, f"{notebook.name}: no slide shows any markdown text to measure"
    smallest = min(slide.min_font_px for slide in measured)
    print(
        f"{notebook.name}: {len(slides)} slides, smallest slide text {smallest:.1f} px, "
        f"tallest reach {max(slide.bottom for slide in slides):.0f} px"
    )
    problems = [
        f"{slide.where} {slide.title!r}: {problem}"
        for slide in slides
        for problem in slide.problems(min_font_px=MIN_BODY_PX, max_words=10**6)
    ]
    assert not problems, (
        f"{notebook.name} presented at {PROJECTOR['width']}x{PROJECTOR['height']}: "
        f"{len(problems)} slide(s) to fix (see `python3 course.py slides {notebook.stem[:2]}`):\n  - "
        + "\n  - ".join(problems)
    )
    # axe over the deck as jupyterlab-rise shows it, after the walk (widgets live): every slide shown at
    # once, each fragment visible, in one run (slide by slide would take minutes). Its controls outside the
    # slides are upstream's.
    page.add_style_tag(content=ALL_SLIDES_CSS)
    found = check(page, f"deck {notebook.stem[:2]}", {"include": [[".reveal .slides"]]}, DECK_UPSTREAM)
    assert not found, report(f"{notebook.name}'s deck", found)
    problem = code_colours_problem(page, f"{notebook.name}'s deck")  # axe leaves the code out
    assert problem is None, problem
    foreign = recorder.foreign_requests(lab_server.url)
    assert not foreign, (
        f"{notebook.name}: the deck asked for resources outside the local server: {sorted(set(foreign))}"
    )
    errors = [
        line
        for line in recorder.console
        if line.startswith(("[error]", "[pageerror]")) and not any(pattern.search(line) for pattern in UPSTREAM_CONSOLE)
    ]
    assert not errors, f"{notebook.name}: the deck logged errors: {errors[:5]}"


def test_slide_measure_sees_an_overflow_and_small_text():
    """The rules the deck test applies can fail: a slide reaching below the screen, tiny text, a picture shrunk."""
    fine = SlideFacts("#/0/0", "t", 2, 10.0, 700.0, 1270.0, 1280, 720, 24.0, 40, False)
    assert fine.problems() == []
    low = SlideFacts("#/1/0", "t", 2, 10.0, 900.0, 1270.0, 1280, 720, 24.0, 40, False)
    assert "180 px off" in low.problems()[0]
    # RISE's slide box ends at y = 704 (20 px down, 95vh tall): content to 715 is cut though on the screen.
    boxed = SlideFacts("#/1/1", "t", 2, 10.0, 715.0, 1270.0, 1280, 720, 24.0, 40, True, box_bottom=704.0)
    assert "11 px off" in boxed.problems()[0]
    small = SlideFacts("#/2/0", "t", 2, 10.0, 700.0, 1270.0, 1280, 720, 14.0, 40, False)
    assert "14.0 px" in small.problems()[0]
    wordy = SlideFacts("#/3/0", "t", 2, 10.0, 700.0, 1270.0, 1280, 720, 24.0, 120, False)
    assert "120 words" in wordy.problems()[0]
    shrunk = SlideFacts(
        "#/4/0", "t", 2, 10.0, 700.0, 1270.0, 1280, 720, 24.0, 40, False, shrunk_pictures=["course-picture at 93%"]
    )
    assert "smaller than drawn" in shrunk.problems()[0] and "93%" in shrunk.problems()[0]


# ----------------------------------------------------------------- a live widget in a slide
class DeckNotebook:
    """The slide view seen as WidgetView expects a notebook: cell N is the Nth cell element
    (RISE moves the cells into reveal.js sections, in notebook order)."""

    def __init__(self, page, facts):
        self.page, self.facts = page, facts

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def callback_output_count(self) -> int:
        return 0

    def callback_output(self, since: int = 0) -> list[str]:
        return []


def run_in_the_slide(page, deck, index: int) -> WidgetView:
    """Run cell ``index`` on its slide as the README tells an instructor (click into it, Shift+Enter) and
    wait for its widget. The deck must stay on the slide: Shift+Enter used to select the next cell too,
    and RISE then turned to that cell's slide, leaving the new widget off screen (course_lab.LAB_SETTINGS)."""
    where = page.evaluate("() => location.hash")
    deck.cell(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    view = WidgetView(deck, index, timeout_s=60)
    assert page.evaluate("() => location.hash") == where, "running the cell moved the deck off its slide"
    shown = deck.cell(index).locator(".jp-Cell-outputArea").inner_text()
    assert not WIDGET_FALLBACK.search(shown) and "Error" not in shown, f"the slide shows {shown[:300]!r}"
    return view


def slider_handle_names(view) -> list:
    return view.root.locator(".noUi-handle").evaluate_all(
        "(handles) => handles.map((h) => h.getAttribute('aria-label'))"
    )


SCREENS = {"1280x720": PROJECTOR, "1920x1080": {"width": 1920, "height": 1080}}  # 1:1, and scaled 1.5x


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("notebook", [lesson("01")], ids=["01"])
def test_widget_is_live_inside_a_slide(notebook, screen, lab_server, recorder):
    facts = read_facts(notebook)
    cells = facts.cells_calling("neuron_explorer(")
    assert cells, f"{notebook.name}: no cell builds the neuron explorer"
    index = cells[0].index
    page = recorder.page
    page.set_viewport_size(SCREENS[screen])
    open_deck(page, lab_server.url, notebook.name)
    h, v = page.evaluate(SLIDE_OF_CELL_JS, index)
    assert h >= 0, f"{notebook.name}: {cells[0].label} is on no slide (slide_type skip?)"
    go_to(page, h, v)
    deck = DeckNotebook(page, facts)
    view = run_in_the_slide(page, deck, index)
    shown = deck.cell(index).locator(".jp-Cell-outputArea").inner_text()
    assert not WIDGET_FALLBACK.search(shown), f"{notebook.name}: the slide shows {shown[:200]!r}, not a widget"

    # The course's JupyterLab plugin loads in the deck too: the slider's handle has a name a screen reader says.
    assert slider_handle_names(view) == ["w1", "w2", "b"], slider_handle_names(view)
    # axe over the slide as the deck itself shows it, the live widget in it (the handouts check every slide's
    # text and pictures; jupyterlab-rise's own controls, outside the slide, are upstream's).
    found = check(page, f"deck 01 live widget slide at {screen}", {"include": [[".reveal .slides section.present"]]})
    assert not found, report(f"{notebook.name}'s live widget slide", found)

    before = view.snapshot()
    start = view.slider_value("w1")
    view.drag_slider("w1", 0.1 if start > 0 else 0.9)
    after = view.wait_for_change(before, "dragging slider w1 in the slide")
    moved = view.slider_value("w1")
    assert moved != start, f"{notebook.name}: the w1 slider did not move in the slide"
    # The readout spells out z = w1 x1 + w2 x2 + b with the weights the sliders now show.
    wait_until(
        page,
        """([el, w1]) => el.innerText.includes(`(${w1})`)""",
        "the readout to use the dragged weight",
        10,
        arg=[view.readout.element_handle(), f"{moved:g}"],
    )

    # The picture is drawn for the size it is laid out at on the 1280x720 canvas, at twice the pixel
    # density (reveal.js scales the slide to the screen: 1:1 at 1280x720, 1.5x at 1920x1080; sharp both ways).
    natural, laid_out = view.image.evaluate("(img) => [img.naturalWidth, img.offsetWidth]")
    assert abs(natural - 2 * laid_out) <= 2, f"the picture is {natural} px wide, laid out at {laid_out} px"

    # In a slide the arrow keys turn the slides, so the slider is timed as the instructor moves it: dragging.
    slider = view.control("slider", "w1")
    times = measure_drag(page, slider.locator(".noUi-handle"), slider.locator(".noUi-base"), view.image)
    assert after.digest != before.digest
    judge(times, f"{notebook.name} in the slide view at {screen}", f"slide {screen}: 01 neuron w1 (drag)")
