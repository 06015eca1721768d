"""The handouts (``python3 course.py handouts``), opened as a learner opens them: a file, no network.

Every lesson's deck is built into a temporary folder and opened from disk in headless Chromium,
whose host resolver knows no name (tests/browser/browser_session.py), at the lectures' 1280x720:

* it asks for nothing but itself (no request other than its own file, data: and blob: URLs);
* MathJax drew the math: its containers are there, none holds a TeX error, and no TeX is left as
  raw text (``$$``, ``$x$``, ``\\frac``) outside code;
* every (sub)slide's content, fragments included, fits the 1280x720 canvas; a slide the handout
  had to scale down to fit is scaled no further than to half size, or its text is too small to read;
* its PDF has one 1280x720 page per slide.
"""

from __future__ import annotations

import re

import pytest

from course_tools import handouts
from notebook_facts import ROOT

pytestmark = pytest.mark.browser

LESSONS = handouts.lesson_paths()
SMALLEST_SCALE = 0.5


@pytest.fixture(scope="module")
def built(handout_build, browser):
    """Every lesson's handout (HTML built once a session) and its PDF, printed once for this module."""
    pages = handout_build
    printed = handouts.print_pdfs(pages, browser=browser)
    return {page.stem: (page, printed[page]) for page in pages}


def open_handout(recorder, html):
    page = recorder.page
    page.set_viewport_size(handouts.CANVAS)
    page.goto(html.as_uri(), wait_until="load")
    page.wait_for_function(handouts.READY_JS, timeout=60_000, polling=100)
    return page


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem for path in LESSONS])
def test_handout_draws_its_math_offline_and_every_slide_fits(notebook, built, recorder):
    html, printed = built[notebook.stem]
    page = open_handout(recorder, html)
    foreign = [url for url in recorder.requests if url != html.as_uri() and not url.startswith(("data:", "blob:"))]
    assert not foreign, f"{html.name} asked for more than itself: {foreign[:5]}"

    math = page.evaluate(handouts.MATH_JS)
    source = (ROOT / "notebooks" / "src" / f"{notebook.stem}.py").read_text(encoding="utf-8")
    if re.search(r"\$[^$\s][^$]*\$", source):
        assert math["formulas"] > 0, f"{html.name}: the lesson has math, but MathJax drew none"
    assert math["errors"] == 0, f"{html.name}: {math['errors']} formulas show a TeX error"
    assert not math["raw"], f"{html.name}: TeX left as raw text (MathJax missed it): {math['raw'][:5]}"

    slides = page.evaluate(handouts.SLIDES_JS)
    width, height = handouts.CANVAS["width"], handouts.CANVAS["height"]
    off = [
        f"{s['where']} {s['title']!r}: reaches y={s['bottom']:.0f}, x={s['right']:.0f}, top {s['top']:.0f}"
        for s in slides
        if s["bottom"] > height + 1 or s["right"] > width + 1 or s["top"] < -1
    ]
    assert not off, f"{html.name}: slides run off the {width}x{height} canvas:\n  " + "\n  ".join(off)
    tiny = [f"{s['where']} {s['title']!r}: scaled to {s['scale']:.2f}" for s in slides if s["scale"] < SMALLEST_SCALE]
    assert not tiny, (
        f"{html.name}: slides so long the handout shrinks them below {SMALLEST_SCALE:.0%} "
        "(split them in the lesson):\n  " + "\n  ".join(tiny)
    )

    pdf = html.with_suffix(".pdf").read_bytes()
    boxes = set(re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf))
    assert {box.split() == [b"0", b"0", b"960", b"540"] for box in boxes} == {True}, (
        f"{html.name}: PDF pages are not 1280x720 px (960x540 pt): {boxes}"
    )
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages == printed["pages"] == len(slides), (
        f"{html.name}: the PDF has {pages} pages ({printed['pages']} laid out) for {len(slides)} slides"
    )
