"""axe-core over the course's DOM in JupyterLab, and the keyboard alone (issue 25).

* **the course's DOM in JupyterLab**: each lesson after its run (sharing the other browser tests' lesson
  runs), every output (pictures, printed text, live widgets), but not JupyterLab's chrome (menus,
  toolbars, the editors), which is upstream's; the lessons' text is the same markdown the book and the
  decks show, checked by ``test_browser_accessibility_pages``. ipywidgets' own controls are judged too:
  their slider handles and Play buttons are named by the course's JupyterLab plugin.
* **the keyboard alone**: lesson 6's playground driven without a mouse.
"""

from __future__ import annotations

import time

import pytest

from axe_check import check, code_colours_problem, report
from labpage import wait_until
from notebook_facts import NOTEBOOKS, read_facts
from notebook_facts import lesson as lesson_path
from widget_view import WidgetView, widget_of

pytestmark = pytest.mark.browser

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem[:2] for path in LESSONS])
def test_lesson_in_jupyterlab(notebook, lesson_runs, request):
    """The lesson's outputs after its run, widgets included (its text is checked in the book and decks)."""
    run = lesson_runs.get(notebook, request.node)
    page = run.notebook.page
    if run.error:
        pytest.fail(f"{notebook.name} did not run: {run.error}", pytrace=False)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
    start = time.perf_counter()
    found = check(page, f"JupyterLab {notebook.stem[:2]}", {"include": [[f"{panel} .jp-OutputArea-output"]]})
    print(f"axe in JupyterLab took {time.perf_counter() - start:.1f} s")
    assert not found, report(f"{notebook.name} in JupyterLab", found)


def test_jupyterlab_shows_code_in_the_course_colours(lesson_runs, request):
    """The course's JupyterLab plugin links its code colours (AA on the code cells' grey), and JupyterLab's
    light theme yields to them; without the plugin, numbers would be #080 (4.26:1)."""
    page = lesson_runs.get(lesson_path("01"), request.node).notebook.page
    problem = code_colours_problem(page, "JupyterLab")
    assert problem is None, problem


# ----------------------------------------------------------------- the keyboard alone
# The element that has the keyboard's focus, described: where it is and whether its focus is visible
# (an outline or a ring drawn by box-shadow; JupyterLab's widgets use either).
FOCUS_JS = """(root) => {
  const el = document.activeElement;
  if (!el || !root.contains(el)) return {inside: false, tag: el ? el.tagName : null};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  return {inside: true, tag: el.tagName, text: (el.innerText || '').trim(),
          icon: (el.querySelector('i') || {}).className || '', role: el.getAttribute('role') || '',
          visible: outline || ring};
}"""


def focused(view) -> dict:
    return view.page.evaluate(FOCUS_JS, view.root.element_handle())


def tab_to(view, wanted, what: str, limit: int = 12) -> dict:
    """Press Tab until the focused element inside the widget satisfies ``wanted``; fail after ``limit``."""
    for _ in range(limit):
        view.page.keyboard.press("Tab")
        now = focused(view)
        if now["inside"] and wanted(now):
            assert now["visible"], f"{view.where}: {what} has the keyboard's focus but shows no focus outline"
            return now
    pytest.fail(f"{view.where}: {limit} presses of Tab never reached {what}", pytrace=False)


@pytest.mark.parametrize("notebook", [lesson_path("06")], ids=["06"])
def test_playground_by_keyboard_alone(notebook, lesson_runs, request):
    """Lesson 6's playground with play, step, reset and a learning-rate slider, driven by the keyboard:
    Tab from the cell into the widget, Space on play (and again to pause), on step and on reset, and
    the arrow keys on the slider. (Space rather than Enter: in JupyterLab's command mode Enter opens the
    cell's editor, and a notebook's Tab, Space and arrows reach the focused control.)"""
    view = widget_of(notebook, 'playground(controls=["play", "step", "reset", "learning_rate"]', lesson_runs, request)
    epoch = lambda: int(view.readout_number("epoch"))  # noqa: E731
    # Start as a keyboard user would: on the cell, in command mode, then Tab into its output.
    cell = view.lab.facts.cells_calling('playground(controls=["play", "step", "reset"')[0].index
    view.lab.cell(cell).focus()

    tab_to(view, lambda f: f["tag"] == "BUTTON" and "fa-play" in f["icon"], "the play button")
    start = epoch()
    view.page.keyboard.press("Space")
    wait_until(
        view.page,
        """([root, start]) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) >= start + 3;
    }""",
        "the epochs to count up after Space on play",
        30,
        arg=[view.root.element_handle(), start],
    )
    view.page.keyboard.press("Space")  # the same button now pauses
    time.sleep(1.0)
    paused = epoch()
    time.sleep(1.0)
    assert epoch() == paused, f"{view.where}: Space on the play button did not pause"

    tab_to(view, lambda f: f["tag"] == "BUTTON" and f["text"] == "step", "the step button")
    before = epoch()
    view.page.keyboard.press("Space")
    wait_until(
        view.page,
        """([root, before]) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) === before + 1;
    }""",
        "one more epoch after Space on step",
        20,
        arg=[view.root.element_handle(), before],
    )

    tab_to(view, lambda f: f["tag"] == "BUTTON" and f["text"] == "reset", "the reset button")
    view.page.keyboard.press("Space")
    wait_until(
        view.page,
        """(root) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) === 0;
    }""",
        "epoch 0 after Space on reset",
        20,
        arg=view.root.element_handle(),
    )

    tab_to(view, lambda f: f["role"] == "slider", "the learning-rate slider")
    rate = view.readout.locator("[data-name='learning-rate']").inner_text()
    view.page.keyboard.press("ArrowRight")
    wait_until(
        view.page,
        """([root, rate]) => {
        const span = root.querySelector("[data-name='learning-rate']");
        return span && span.innerText !== rate;
    }""",
        "a new learning rate after ArrowRight on the slider",
        20,
        arg=[view.root.element_handle(), rate],
    )


# Every control of a widget a keyboard can reach, in the order Tab reaches them: enabled, shown, focusable.
CONTROLS_JS = """(root) => [...root.querySelectorAll('button, select, input, textarea, [role="slider"]')]
  .filter((el) => el.tabIndex >= 0 && !el.disabled && !el.closest('[disabled], .widget-html')
          && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden').length"""


# What a widget shows: its picture's address and its text (a widget without a picture shows only text).
SHOWN_JS = """(root) => { const img = root.querySelector('img.widget-image');
  return (img ? img.getAttribute('src') : '') + root.innerText; }"""


@pytest.mark.parametrize(
    "notebook",
    [path for path in LESSONS if read_facts(path).expected_widgets],
    ids=[path.stem[:2] for path in LESSONS if read_facts(path).expected_widgets],
)
@pytest.mark.leaves_widgets_moved
def test_every_widget_is_reached_and_operated_by_keyboard(notebook, lesson_runs, request):
    """Each widget of the lesson, from its cell, by Tab alone: every control is reached and shows its focus,
    and a slider moves with the arrow keys (then back, so the other tests find the widget as it was)."""
    run = lesson_runs.get(notebook, request.node)
    if run.error:
        pytest.fail(f"{notebook.name} did not run: {run.error}", pytrace=False)
    for index in run.notebook.facts.expected_widgets:
        view = WidgetView(run.notebook, index)
        controls = view.root.evaluate(CONTROLS_JS)
        view.lab.cell(index).focus()
        reached, unringed, slider = 0, [], None
        for _ in range(controls + 8):
            view.page.keyboard.press("Tab")
            now = focused(view)
            if not now["inside"]:
                if reached:
                    break  # out of the widget again, past its last control
                continue
            reached += 1
            if not now["visible"]:
                unringed.append(now["text"] or now["role"] or now["tag"])
            if slider is None and now["role"] == "slider":
                slider = view.page.evaluate("() => document.activeElement.getAttribute('aria-label')")
                # Away from the end the slider is at (an earlier test may have dragged it there), then back.
                at_end = view.page.evaluate("""() => { const h = document.activeElement;
                    return Number(h.getAttribute('aria-valuenow')) >= Number(h.getAttribute('aria-valuemax')); }""")
                there, back = ("ArrowLeft", "ArrowRight") if at_end else ("ArrowRight", "ArrowLeft")
                before = view.root.evaluate(SHOWN_JS)
                view.page.keyboard.press(there)
                wait_until(
                    view.page,
                    f"([root, before]) => ({SHOWN_JS})(root) !== before",
                    f"the widget to follow {there} on slider {slider!r}",
                    20,
                    arg=[view.root.element_handle(), before],
                )
                moved = view.root.evaluate(SHOWN_JS)
                view.page.keyboard.press(back)  # back where it was, as near as the grid allows
                wait_until(
                    view.page,
                    f"([root, moved]) => ({SHOWN_JS})(root) !== moved",
                    f"the widget to follow {back} on slider {slider!r}",
                    20,
                    arg=[view.root.element_handle(), moved],
                )
        assert reached >= controls, f"{view.where}: Tab reached {reached} of its {controls} controls"
        has_slider = view.root.locator("[role='slider']").count() > 0
        assert slider is not None or not has_slider, f"{view.where}: Tab reached none of its sliders"
        assert not unringed, f"{view.where}: focused without a visible focus: {unringed}"
        print(f"{view.where}: {reached} controls by Tab" + (f", slider {slider!r} by the arrow keys" if slider else ""))


@pytest.mark.parametrize("notebook", [lesson_path("06")], ids=["06"])
def test_a_weight_is_chosen_and_edited_by_keyboard_alone(notebook, lesson_runs, request):
    """The playground's weight editing without a mouse: Tab to the list of links, an arrow key chooses one
    (it is dashed in the picture and named in the readout), Tab to its value, type, Enter."""
    view = widget_of(notebook, "playground()", lesson_runs, request)
    view.lab.cell(view.lab.facts.cells_calling("playground()")[0].index).focus()
    tab_to(view, lambda f: f["tag"] == "SELECT" and "←" in f["text"], "the list of links to edit", limit=60)
    chosen = view.page.evaluate("() => document.activeElement.selectedIndex")
    view.page.keyboard.press("ArrowDown")
    # (ipywidgets writes the options' spaces as no-break spaces; the readout has plain ones.)
    wanted = view.page.evaluate("() => document.activeElement.options[document.activeElement.selectedIndex].text")
    wanted = wanted.replace("\xa0", " ")
    assert view.page.evaluate("() => document.activeElement.selectedIndex") == chosen + 1
    wait_until(
        view.page,
        """([root, wanted]) => {
        const span = root.querySelector("[data-name='chosen-link']");
        return span && span.innerText === wanted;
    }""",
        f"the readout to name the link {wanted!r}",
        20,
        arg=[view.root.element_handle(), wanted],
    )
    tab_to(view, lambda f: f["tag"] == "INPUT", "the chosen weight's value", limit=3)
    loss = view.readout.locator("[data-name='train-loss']").inner_text()
    view.page.keyboard.press("Control+A")
    view.page.keyboard.type("4.5")
    view.page.keyboard.press("Enter")
    wait_until(
        view.page,
        """([root, loss]) => {
        const span = root.querySelector("[data-name='train-loss']");
        return span && span.innerText !== loss;
    }""",
        "the train loss to follow the typed weight",
        20,
        arg=[view.root.element_handle(), loss],
    )
