"""End-to-end tests of the course in a real JupyterLab, driven through headless Chromium.

Run them with::

    python -m pytest tests/browser -q -o addopts="" -m browser

What they need
--------------
* Chromium at ``/usr/bin/chromium`` (or on PATH as ``chromium``; or name the
  executable in ``BROWSER_TESTS_CHROMIUM``). On Debian or Ubuntu:
  ``apt-get install chromium``. Playwright's own browser downloads are not used.
  Without Chromium the tests are skipped with that hint, except when the
  environment variable ``CI`` is ``true``: there a missing browser is a failure,
  so CI can never pass by skipping them.
* The Python packages of the course's ``test`` extra (playwright, jupyterlab,
  jupyterlab-rise, ipywidgets).

How they run
------------
One JupyterLab server (``python -m jupyterlab`` with this Python) serves a
temporary copy of ``notebooks/`` with a private HOME and Jupyter folders, and
one Chromium serves the whole session. Each lesson is opened in a new browser
context, cleared and run once through the menus; its widget tests then handle
the widgets of that same run (the tests are ordered lesson by lesson so no
lesson runs twice), and its slideshow test opens the notebook afresh in a
context of its own. ``BROWSER_RUN_TIMEOUT`` (seconds, default 240) bounds one
lesson's Run All. Chromium resolves no host name but 127.0.0.1, so anything
that tries to reach the internet fails, and the tests notice.

When a test fails, screenshots of its pages, their console messages and the
server log are kept in ``test-artifacts/browser/`` and their paths are added to
the failure report.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from browser_session import PAGES, LessonRuns, PageRecorder, register_page
from course_tools.slides import CHROMIUM_ARGS
from labserver import LabServer
from notebook_facts import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium")
SERVER = pytest.StashKey[LabServer]()  # per session: the server, for its log on failure


# ----------------------------------------------------------------- collection order
def pytest_collection_modifyitems(config, items):
    """Put the browser tests that share a lesson's run (run all, its widgets) next to each other, so
    the lesson runs once and only one lesson's kernel lives at a time. The others keep their modules'
    order: moving one between another module's tests would tear down and rebuild its module's fixtures
    (all the handouts, built once per module, were built eleven times so)."""

    def notebook_of(item):
        callspec = getattr(item, "callspec", None)
        notebook = callspec.params.get("notebook") if callspec else None
        return Path(notebook).name if notebook is not None else ""

    positions = [index for index, item in enumerate(items) if item.get_closest_marker("browser")]
    # Within a lesson's run, a test marked ``leaves_widgets_moved`` comes last: it leaves the run's widgets
    # in another state (a log slider's value, once stepped and stepped back, lands on the slider's grid).
    ordered = sorted(
        enumerate(items[index] for index in positions),
        key=lambda pair: (
            (0, notebook_of(pair[1]), pair[1].get_closest_marker("leaves_widgets_moved") is not None, pair[0])
            if "lesson_runs" in pair[1].fixturenames
            else (1, "", False, pair[0])
        ),
    )
    for position, (_, item) in zip(positions, ordered):
        items[position] = item


# ----------------------------------------------------------------- the browser and the server
def _find_chromium() -> str | None:
    chosen = os.environ.get("BROWSER_TESTS_CHROMIUM")  # another Chromium build, or a path that does not exist
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        path = (
            shutil.which(candidate)
            if os.sep not in candidate
            else (candidate if os.access(candidate, os.X_OK) else None)
        )
        if path:
            return path
    return None


def _missing(message: str) -> None:
    """Skip with ``message``, or fail when CI=true: CI must never pass by skipping the browser tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: a missing browser fails the run instead of skipping it)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright for Python is not installed; the browser tests need it: pip install -e '.[test]'")
    path = _find_chromium()
    if path is None:
        chosen = os.environ.get("BROWSER_TESTS_CHROMIUM")
        looked = f"BROWSER_TESTS_CHROMIUM={chosen}" if chosen else "/usr/bin/chromium and 'chromium' on PATH"
        _missing(
            f"Chromium is not installed (looked for {looked}); the browser tests need it. "
            "Install it with: apt-get install chromium"
        )
    return path


@pytest.fixture(scope="session")
def lab_server(chromium_executable, tmp_path_factory, request):
    """A JupyterLab on 127.0.0.1 serving a temporary copy of notebooks/; stopped at the end, also on failure."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)  # screenshots of an earlier run would only confuse
    server = LabServer(ROOT / "notebooks", tmp_path_factory.mktemp("jupyterlab"), ROOT)
    request.config.stash[SERVER] = server
    start = time.monotonic()
    with server:
        print(f"\nJupyterLab at {server.url} answered after {time.monotonic() - start:.1f} s")
        yield server


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (user-data-dir) and removes it afterwards.
        chromium = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def recorder(browser, request):
    """A fresh browser context and page for one test."""
    page = PageRecorder(browser)
    register_page(request.node, page)
    yield page
    page.close()


@pytest.fixture(scope="session")
def lesson_runs(browser, lab_server):
    runs = LessonRuns(browser, lab_server)
    yield runs
    runs.close()


# ----------------------------------------------------------------- artifacts on failure
def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:150]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when not in ("setup", "call"):
        return
    recorders = item.stash.get(PAGES, [])
    server = item.config.stash.get(SERVER, None)
    if not recorders and server is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kept = []
    for number, recorder in enumerate(recorders, start=1):
        stem = ARTIFACTS / f"{_safe_name(item.nodeid)}-{number}"
        try:
            pages = list(recorder.context.pages)
        except Exception:  # the context is gone already
            pages = []
        for page_number, page in enumerate(pages, start=1):
            suffix = "" if page_number == 1 else f"-tab{page_number}"
            try:
                page.screenshot(path=f"{stem}{suffix}.png", full_page=False, timeout=15_000)
                kept.append(f"{stem}{suffix}.png")
            except Exception as error:  # a closed or crashed page: say so, keep going
                kept.append(f"(no screenshot of page {number}{suffix}: {error.__class__.__name__}: {error})")
        console = Path(f"{stem}-console.txt")
        console.write_text("\n".join(recorder.console) + "\n", encoding="utf-8")
        kept.append(str(console))
    if server is not None and server.log_path.exists():
        log_copy = ARTIFACTS / "jupyterlab-server.log"
        shutil.copyfile(server.log_path, log_copy)
        kept.append(str(log_copy))
    text = "\n".join(kept)
    if hasattr(report.longrepr, "addsection"):
        report.longrepr.addsection("browser test artifacts", text)
    else:
        report.sections.append(("browser test artifacts", text))


# ----------------------------------------------------------------- built pages, shared
# The book and the handouts are built once a session, for every test that reads them (the
# book's, the handouts' and the accessibility checks'), all in the pages group of a parallel run.
@pytest.fixture(scope="session")
def book_build(tmp_path_factory):
    """(folder, pages) of the book, built as ``course.py book`` builds it."""
    from course_tools import book

    folder = tmp_path_factory.mktemp("book") / "book"
    return folder, book.build(folder, quiet=True)


@pytest.fixture(scope="session")
def handout_build(tmp_path_factory):
    """Every lesson's handout (HTML), built as ``course.py handouts`` builds them, without their PDFs."""
    from course_tools import handouts

    return handouts.build(out=tmp_path_factory.mktemp("handouts"), pdf=False)
