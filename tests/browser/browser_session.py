"""The browser-test session's shared pieces: pages that record what they load, one run per lesson.

Kept out of conftest.py so test modules can import them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labpage import LabNotebook, PlaywrightError
from labserver import LabServer
from notebook_facts import read_facts

VIEWPORT = {"width": 1400, "height": 900}
# Seconds one lesson may take to run all its cells in the browser (override: BROWSER_RUN_TIMEOUT).
RUN_TIMEOUT = float(os.environ.get("BROWSER_RUN_TIMEOUT", "240"))
# Playwright's default for each click, fill or wait that gives no timeout of its own.
ACTION_TIMEOUT_MS = 30_000

PAGES = pytest.StashKey[list]()  # per test item: the pages to photograph if it fails


class PageRecorder:
    """A page in a context of its own, with every request URL and console message it made."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.requests: list[str] = []
        self.console: list[str] = []
        self.context.on("request", lambda req: self.requests.append(req.url))
        self.page = self.context.new_page()
        self.context.on("page", self._watch)
        self._watch(self.page)

    def _watch(self, page) -> None:
        page.on("console", lambda msg: self.console.append(f"[{msg.type}] {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"[pageerror] {error}"))

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests that did not go to the local server (data: and blob: URLs are local by nature)."""
        return [url for url in self.requests if not url.startswith((base_url, "data:", "blob:", "about:"))]

    def close(self) -> None:
        self.context.close()


def register_page(node, recorder: PageRecorder) -> None:
    node.stash.setdefault(PAGES, []).append(recorder)


# ----------------------------------------------------------------- one run per lesson
class LessonRun:
    """A lesson opened in its own page, cleared and run once through the menus.

    ``notebook`` is the ``LabNotebook``; ``error`` the message if opening or
    running did not finish (the page is kept either way, for a look).
    """

    def __init__(self, path: Path, recorder: PageRecorder, notebook, error: str | None):
        self.path, self.recorder, self.notebook, self.error = path, recorder, notebook, error


class LessonRuns:
    """Runs each lesson once and hands the run to every test of that lesson.

    Only the latest lesson is kept: when another is asked for, the previous page
    is closed and its kernel shut down.
    """

    def __init__(self, browser, server: LabServer):
        self.browser, self.server = browser, server
        self.current: LessonRun | None = None

    def get(self, notebook: Path, node) -> LessonRun:
        notebook = Path(notebook)
        if self.current is None or self.current.path != notebook:
            self.close()
            copy = self.server.root / notebook.name
            if not copy.exists():
                pytest.fail(
                    f"{notebook.name}: not in the server's copy of notebooks/ (made at session start: "
                    f"{sorted(p.name for p in self.server.root.glob('*.ipynb'))})",
                    pytrace=False,
                )
            recorder = PageRecorder(self.browser)
            # What to expect comes from the checkout: the server's copy is what earlier tests left (a save).
            lab = LabNotebook(recorder.page, self.server.url, read_facts(notebook))
            error = None
            try:
                lab.open()
                lab.clear_all_outputs()
                lab.run_all(RUN_TIMEOUT)
            except (AssertionError, PlaywrightError) as failure:  # kept for every test of the lesson to report
                error = str(failure)
            self.current = LessonRun(notebook, recorder, lab, error)
        register_page(node, self.current.recorder)
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.current.recorder.close()
            self.current = None
            self.server.shut_down_kernels()
