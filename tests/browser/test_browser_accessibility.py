"""axe-core over the course's own pages and DOM: no serious or critical accessibility violation (issue 25).

axe-core (the engine behind most accessibility checkers) comes inside the ``axe-playwright-python``
package of the test extra, so it runs offline; each page is visited once and checked with axe's
default rules, and a violation of impact "serious" or "critical" fails the test with its rule, its
count and where. What is checked:

* **the static book**: every page (the course map and each lesson), built as ``course.py book`` builds
  it, opened from disk;
* **every deck as a handout**: each lesson's deck as ``course.py handouts`` writes it, reveal.js laid
  out in its print view, where every slide is on the page at once (in the slideshow view reveal.js
  hides every slide but the present one, and axe skips hidden content). This is the deck's HTML as
  nbconvert and reveal.js draw it; jupyterlab-rise's live deck draws the same cells with JupyterLab's
  renderers, whose DOM is the one checked in JupyterLab below (the deck view's own controls, upstream's,
  are not checked);
* **the course's DOM in JupyterLab**: each lesson after its run, every output (pictures, printed
  text, live widgets), but not JupyterLab's chrome (menus, toolbars, the editors), which is upstream's;
  the lessons' text is the same markdown the book and the decks show, checked there.

Code cells' syntax colours are left out of the browser check (excluded ``.jp-InputArea-editor``):
they are a dozen colours repeated thousands of times, which made the contrast check several seconds
a page; tests/test_colour_and_contrast.py checks every one of them against both backgrounds instead.

The book's pages also carry MathJax's assistive MathML: every drawn formula has its hidden MathML.
"""
from __future__ import annotations

import importlib.resources
import time

import pytest

from course_tools import book, handouts
from labpage import wait_until
from notebook_facts import NOTEBOOKS
from notebook_facts import lesson as lesson_path
from widget_view import widget_of

pytestmark = pytest.mark.browser

BAD = ("serious", "critical")
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CODE = ".jp-InputArea-editor"

RUN_JS = """async ([context, upstream]) => {
  const result = await axe.run(context || document, {resultTypes: ['violations']});
  const inside = (rule, node) => {
    const marker = upstream[rule];
    const element = marker && node.target.length === 1 && document.querySelector(node.target[0]);
    return !!(element && element.closest(marker));
  };
  return result.violations.filter((v) => %s.includes(v.impact)).map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    upstream: v.nodes.filter((n) => inside(v.id, n)).length,
    where: v.nodes.filter((n) => !inside(v.id, n)).map((n) =>
      n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim())
  }));
}""" % list(BAD)

# Each formula MathJax drew, and each that carries its MathML for screen readers.
MATHML_JS = """() => ({formulas: document.querySelectorAll('mjx-container').length,
  assistive: document.querySelectorAll('mjx-container mjx-assistive-mml math').length})"""

COUNTS: dict[str, dict[str, int]] = {}


def axe_source() -> str:
    try:
        return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.fail("axe-core is missing: the test extra installs it (pip install -e '.[test]', "
                    "package axe-playwright-python)", pytrace=False)


# Violations inside ipywidgets' own controls, which the course cannot reach from Python: ipywidgets
# 8.1's front end gives a slider's handle (noUiSlider) no accessible name and the Play control's
# icon buttons no text. They are counted and printed, and left out of the verdict like JupyterLab's
# chrome; any other violation, or these anywhere else, fails. (README: accessibility statement.)
UPSTREAM = {"aria-input-field-name": ".noUi-handle", "button-name": ".widget-play"}


def check(page, where: str, context, upstream: dict | None = None) -> list[dict]:
    """axe's serious and critical violations on ``page`` within ``context``, less those ``upstream``
    names (rule -> a selector its elements' paths contain); every count is printed."""
    page.add_script_tag(content=axe_source())
    found = page.evaluate(RUN_JS, [context, upstream or {}])
    kept = [violation for violation in found if violation["where"]]
    left_out = {violation["rule"]: violation["upstream"] for violation in found if violation["upstream"]}
    COUNTS[where] = {v["rule"]: len(v["where"]) for v in kept}
    print(f"\naxe, serious or critical: {where}: {sum(COUNTS[where].values())} {COUNTS[where] or ''}"
          + (f"; in ipywidgets' own controls: {left_out}" if left_out else ""))
    return kept


def report(where: str, found: list[dict]) -> str:
    lines = [f"{where}: {len(found)} serious or critical axe rules fail"]
    for v in found:
        lines.append(f"  {v['rule']} ({v['impact']}, {len(v['where'])} elements): {v['help']}")
        lines.extend(f"      {w}" for w in v["where"][:4])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The book and every handout, built once for this module from the committed notebooks."""
    out = tmp_path_factory.mktemp("accessible")
    pages = book.build(out / "book", quiet=True)
    decks = handouts.build(out=out / "handouts", pdf=False)
    return {"book": {page.stem: page for page in pages}, "deck": {deck.stem: deck for deck in decks}}


BOOK_PAGES = ["index"] + [path.stem for path in LESSONS if not path.stem.startswith("00_")]


@pytest.mark.parametrize("page_name", BOOK_PAGES)
def test_book_page(page_name, built, recorder):
    path = built["book"][page_name]
    page = recorder.page
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    math = page.evaluate(MATHML_JS)
    assert math["assistive"] == math["formulas"], (
        f"book {page_name}: {math['formulas'] - math['assistive']} of {math['formulas']} formulas have no "
        "assistive MathML, so a screen reader cannot read them")
    found = check(page, f"book {page_name}", {"exclude": [[CODE]]})
    assert not found, report(f"book {page_name}", found)


@pytest.mark.parametrize("deck_name", [path.stem for path in LESSONS])
def test_deck(deck_name, built, recorder):
    path = built["deck"][deck_name]
    page = recorder.page
    page.set_viewport_size(handouts.CANVAS)
    page.goto(path.as_uri() + "?print-pdf", wait_until="load")
    page.wait_for_function(handouts.READY_JS, timeout=60_000, polling=100)
    page.wait_for_function("() => document.querySelectorAll('.pdf-page').length > 0", timeout=60_000)
    math = page.evaluate(MATHML_JS)
    assert math["assistive"] == math["formulas"], f"deck {deck_name}: formulas without assistive MathML"
    found = check(page, f"deck {deck_name}", {"exclude": [[CODE]]})
    assert not found, report(f"deck {deck_name}", found)


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem[:2] for path in LESSONS])
def test_lesson_in_jupyterlab(notebook, lesson_runs, request):
    """The lesson's outputs after its run, widgets included (its text is checked in the book and decks)."""
    run = lesson_runs.get(notebook, request.node)
    page = run.notebook.page
    if run.error:
        pytest.fail(f"{notebook.name} did not run: {run.error}", pytrace=False)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
    start = time.perf_counter()
    found = check(page, f"JupyterLab {notebook.stem[:2]}", {"include": [[f"{panel} .jp-OutputArea-output"]]}, UPSTREAM)
    print(f"axe in JupyterLab took {time.perf_counter() - start:.1f} s")
    assert not found, report(f"{notebook.name} in JupyterLab", found)


def test_the_checks_would_catch_a_violation(recorder):
    """axe really runs and reports: an image without alt text and grey-on-grey text both fail."""
    page = recorder.page
    page.set_content("<html lang='en'><head><title>t</title></head><body><main>"
                     "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
                     "<p style='color:#aaa;background:#bbb'>hard to read</p></main></body></html>")
    rules = {v["rule"] for v in check(page, "a page made to fail", None)}
    assert {"image-alt", "color-contrast"} <= rules



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
    wait_until(view.page, """([root, start]) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) >= start + 3;
    }""", "the epochs to count up after Space on play", 30, arg=[view.root.element_handle(), start])
    view.page.keyboard.press("Space")           # the same button now pauses
    time.sleep(1.0)
    paused = epoch()
    time.sleep(1.0)
    assert epoch() == paused, f"{view.where}: Space on the play button did not pause"

    tab_to(view, lambda f: f["tag"] == "BUTTON" and f["text"] == "step", "the step button")
    before = epoch()
    view.page.keyboard.press("Space")
    wait_until(view.page, """([root, before]) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) === before + 1;
    }""", "one more epoch after Space on step", 20, arg=[view.root.element_handle(), before])

    tab_to(view, lambda f: f["tag"] == "BUTTON" and f["text"] == "reset", "the reset button")
    view.page.keyboard.press("Space")
    wait_until(view.page, """(root) => {
        const span = root.querySelector("[data-name='epoch']");
        return span && Number(span.innerText) === 0;
    }""", "epoch 0 after Space on reset", 20, arg=view.root.element_handle())

    tab_to(view, lambda f: f["role"] == "slider", "the learning-rate slider")
    rate = view.readout.locator("[data-name='learning-rate']").inner_text()
    view.page.keyboard.press("ArrowRight")
    wait_until(view.page, """([root, rate]) => {
        const span = root.querySelector("[data-name='learning-rate']");
        return span && span.innerText !== rate;
    }""", "a new learning rate after ArrowRight on the slider", 20, arg=[view.root.element_handle(), rate])
