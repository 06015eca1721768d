"""The static book (``python3 course.py book``), read in a browser with the network blocked.

The book is built into a temporary folder and served on 127.0.0.1 by Python's own file server;
headless Chromium resolves no other host name (tests/browser/browser_session.py). Starting at
the index and following each page's "next" link to the last lesson and its "previous" links back:

* every page loads with no failed request, no response of 400 or more, and no request anywhere
  but the local server (data: URLs aside);
* MathJax drew the math on every page with math (its containers there, no TeX error, no TeX left
  as raw text outside code);
* the index is the course map: its route picture and the list of every lesson, each linked;
* the pictures are inline, and every widget shows its snapshot with "run this lesson in
  JupyterLab to use it";
* every link on every page to a file of the book (a lesson, an exercise to download) answers.
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
import urllib.request
from urllib.parse import urlparse

import nbformat
import pytest

from course_tools import book, handouts
from course_tools.web_assets import STATIC_LIVE_NOTE

pytestmark = pytest.mark.browser

_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# The page's picture, its widget snapshots, and the local links it offers.
PAGE_JS = """() => ({
  title: document.title,
  images: [...document.querySelectorAll('.jp-OutputArea-output img')].map((img) => ({
    inline: img.src.startsWith('data:image/'), loaded: img.complete && img.naturalWidth > 0})),
  widgets: [...document.querySelectorAll('.jp-OutputArea-output')].filter((o) =>
    o.innerText.includes('A live widget')).map((o) => ({text: o.innerText.trim(), picture: !!o.querySelector('img')})),
  next: (document.querySelector('.book-footer a[rel=next]') || {}).href || null,
  previous: (document.querySelector('.book-footer a[rel=prev]') || {}).href || null,
  contents: [...document.querySelectorAll('.book-contents li > a')].map((a) => a.getAttribute('href')),
  links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
})"""


BODY_MATH_JS = handouts.MATH_JS.replace("document.querySelector('.reveal .slides')", "document.body")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports what matters
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that moves on drops connections it no longer needs; that is no error of the book."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def served(book_build):
    """The book (built once a session) served on 127.0.0.1 for this module's tests."""
    folder, _ = book_build
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = LocalServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    finally:
        server.shutdown()
        server.server_close()


def has_math(notebook) -> bool:
    """True when a markdown cell of ``notebook`` holds TeX between dollars."""
    cells = nbformat.read(notebook, as_version=4).cells
    return any(re.search(r"\$[^$\s][^$]*\$", cell.source) for cell in cells if cell.cell_type == "markdown")


def read_page(page, url: str) -> dict:
    """Load ``url``, wait for MathJax to finish, and return what PAGE_JS and MATH_JS see, with the
    page's failed requests and error responses."""
    failed, bad = [], []
    on_failed = lambda request: failed.append(f"{request.url} ({request.failure})")  # noqa: E731
    on_response = lambda response: bad.append(f"{response.url}: {response.status}") if response.status >= 400 else None  # noqa: E731
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
        facts = page.evaluate(PAGE_JS)
        facts["math"] = page.evaluate(BODY_MATH_JS)
    finally:
        page.remove_listener("requestfailed", on_failed)
        page.remove_listener("response", on_response)
    facts["failed"], facts["bad"] = failed, bad
    return facts


def test_the_book_reads_offline_from_the_course_map_to_the_last_lesson_and_back(served, recorder):
    base, folder = served
    lessons = book.lesson_pages()
    expected = [base + entry["href"] for entry in lessons]
    seen, url = [], base + "index.html"
    pages = {}
    while url:
        assert url not in seen, f"the 'next' links go round in a circle: {seen + [url]}"
        seen.append(url)
        pages[url] = read_page(recorder.page, url)
        url = pages[url]["next"]
    assert seen == expected, f"following 'next' from the index visits {seen}, not the lessons in order {expected}"
    back, url = [], expected[-1]
    while url:
        back.append(url)
        url = pages[url]["previous"]
    assert back == expected[::-1], f"following 'previous' from the last lesson visits {back}"

    index = pages[expected[0]]
    assert index["contents"] == [entry["href"] for entry in lessons], (
        f"the index lists {index['contents']}, not every lesson in order"
    )
    assert index["images"], "the index (the course map) shows no picture: the route is missing"
    foreign = [u for u in recorder.requests if not u.startswith((base, "data:", "blob:"))]
    assert not foreign, f"the book asked for something beyond the local server: {foreign[:5]}"

    problems = []
    for entry, (url, facts) in zip(lessons, pages.items()):
        name = url.rsplit("/", 1)[-1]
        if facts["failed"] or facts["bad"]:
            problems.append(f"{name}: failed requests {facts['failed'][:3]}, error responses {facts['bad'][:3]}")
        math = facts["math"]
        if math["errors"] or math["raw"] or (has_math(entry["notebook"]) and not math["formulas"]):
            problems.append(
                f"{name}: MathJax drew {math['formulas']} formulas, {math['errors']} with TeX errors; "
                f"raw TeX left: {math['raw'][:3]}"
            )
        if not all(image["inline"] and image["loaded"] for image in facts["images"]):
            problems.append(f"{name}: a figure is not an inline picture that loaded: {facts['images']}")
        for widget in facts["widgets"]:
            if STATIC_LIVE_NOTE not in widget["text"]:  # with "(This is a picture ...)" where there is one
                problems.append(f"{name}: a widget's placeholder does not say where it is live: {widget['text'][:120]}")
        links = {link.split("#", 1)[0] for link in facts["links"] if link.startswith(base)}
        for link in sorted(links):
            try:
                with _LOCAL.open(link, timeout=10) as answer:
                    status = answer.status
            except OSError as error:
                status = getattr(error, "code", str(error))
            if status != 200:
                problems.append(f"{name}: its link to {urlparse(link).path} answers {status}")
    assert not problems, "\n".join(problems)
    snapshots = [widget for facts in pages.values() for widget in facts["widgets"] if widget["picture"]]
    assert snapshots, "no widget snapshot (a picture with its note) anywhere in the book"
