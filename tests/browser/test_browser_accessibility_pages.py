"""axe-core over the course's static pages: no serious or critical accessibility violation (issue 25).

* **the static book**: every page (the course map and each lesson), built as ``course.py book`` builds
  it (once a session, shared with the book's own tests), opened from disk; every formula carries
  MathJax's assistive MathML;
* **every deck as a handout**: each lesson's deck as ``course.py handouts`` writes it, reveal.js laid
  out in its print view, where every slide is on the page at once (in the slideshow view reveal.js
  hides every slide but the present one, and axe skips hidden content). This is the deck's HTML as
  nbconvert and reveal.js draw it; jupyterlab-rise's live deck draws the same cells with JupyterLab's
  renderers, whose DOM ``test_browser_accessibility`` checks (the deck view's own controls, upstream's,
  are not checked).

Code cells' syntax colours are left out (``CODE``): tests/tools/test_colour_and_contrast.py checks each of
them against both backgrounds. A page made to fail shows the check can fail.
"""

from __future__ import annotations

import pytest

from axe_check import CODE, MATHML_JS, check, code_colours_problem, report
from course_tools import handouts
from notebook_facts import NOTEBOOKS

pytestmark = pytest.mark.browser

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def built(book_build, handout_build):
    """The book and every handout, as the session built them from the committed notebooks."""
    _, pages = book_build
    return {"book": {page.stem: page for page in pages}, "deck": {deck.stem: deck for deck in handout_build}}


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
        "assistive MathML, so a screen reader cannot read them"
    )
    found = check(page, f"book {page_name}", {"exclude": [[CODE]]})
    assert not found, report(f"book {page_name}", found)
    problem = code_colours_problem(page, f"book {page_name}")
    assert problem is None, problem


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
    problem = code_colours_problem(page, f"handout {deck_name}")
    assert problem is None, problem


def test_the_checks_would_catch_a_violation(recorder):
    """axe really runs and reports: an image without alt text and grey-on-grey text both fail."""
    page = recorder.page
    page.set_content(
        "<html lang='en'><head><title>t</title></head><body><main>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
        "<p style='color:#aaa;background:#bbb'>hard to read</p></main></body></html>"
    )
    rules = {v["rule"] for v in check(page, "a page made to fail", None)}
    assert {"image-alt", "color-contrast"} <= rules
