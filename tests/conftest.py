"""Fixtures shared by the unit tests, and the run's closing report: time by group, widget latency by goal."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import matplotlib
import pytest

# Tests draw without a screen; set here, in the test process alone, so the kernels that nbval and the
# browser tests start still pick the notebook's own inline backend.
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
LATENCY_DIR = ROOT / "test-artifacts" / "latency"  # written by tests/browser/latency.py's judge()
GROUPS = (  # (the start of a test's id, its group), first match wins
    ("notebooks/", "nbval: lessons"),
    ("solutions/", "nbval: solutions"),
    ("tests/lessons/test_portable_outputs", "nbval under other BLAS kernels"),
    ("tests/browser/", "browser (JupyterLab, decks, widgets)"),
    ("tests/grader/", "grader (sandboxed grading)"),
    ("tests/lessons/test_lesson", "lesson numbers and claims"),
    ("tests/widgets/", "widgets, headless"),
    ("tests/", "library, tools and notebooks' shape"),
)
_seconds: dict[str, float] = defaultdict(float)
_counts: dict[str, int] = defaultdict(int)
_by_worker: dict[str, float] = defaultdict(float)
_by_set_up: dict[str, float] = defaultdict(float)


@pytest.fixture
def in_a_kernel(monkeypatch):
    """Make the widgets behave as in a notebook's kernel: they use the running event loop (a test's asyncio.run)."""
    monkeypatch.setattr("course_lib.widgets.base.in_a_kernel", lambda: True)


def _group(nodeid: str) -> str:
    return next(group for start, group in GROUPS if nodeid.startswith(start))


# Browser tests that present decks or read built pages: they share no lesson run with the others, so
# they form a second browser group, with a JupyterLab and a Chromium of their own on the other worker.
PAGE_TESTS = (
    "test_browser_slides",
    "test_browser_handouts",
    "test_browser_book",
    "test_browser_deployment",
    "test_browser_accessibility_pages",
    "test_browser_progress",
    "test_browser_first_screen",
)


def shared_set_up(nodeid: str) -> str:
    """What a test shares its set-up with, so a parallel run keeps them on one worker: the browser tests
    that share the lessons' runs in one JupyterLab, those of decks and built pages, else the tests of one
    file (a notebook's cells share its kernel; a test module's fixtures are built once)."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/browser/"):
        return "tests/browser/ pages" if Path(path).stem in PAGE_TESTS else "tests/browser/ lessons"
    return path


def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's own groups ('--dist loadgroup') rename test ids, which pytest 9 no longer lets a
    plugin do, so its groups fall apart; a scheduler that groups by ``shared_set_up`` needs no renaming."""
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetUp(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return shared_set_up(nodeid)

    # Collection order, not size order: the browser tests, the longest share, are collected first and start first.
    config.option.loadscopereorder = False
    return SharedSetUp(config, log)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput") and LATENCY_DIR.exists():  # the controller, once
        shutil.rmtree(LATENCY_DIR)  # an earlier run's figures would be reported as this run's


def pytest_runtest_logreport(report):
    group = _group(report.nodeid)
    _seconds[group] += report.duration
    _by_set_up[shared_set_up(report.nodeid)] += report.duration
    worker = getattr(getattr(report, "node", None), "gateway", None)
    _by_worker[worker.id if worker else "main"] += report.duration
    if report.when == "call":
        _counts[group] += 1


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput") or not _seconds:
        return
    write = terminalreporter.write_line
    terminalreporter.section("time by group (summed over workers; set-up and tear-down included)")
    for group, seconds in sorted(_seconds.items(), key=lambda item: -item[1]):
        write(f"{group:<40} {seconds:7.1f} s  {_counts[group]:5d} tests")
    if len(_by_worker) > 1:  # a parallel run: how evenly it spread, and what one worker had to take whole
        write("busy time per worker: " + ", ".join(f"{w} {s:.0f} s" for w, s in sorted(_by_worker.items())))
        longest = sorted(_by_set_up.items(), key=lambda item: -item[1])[:6]
        write("longest shared set-ups (one worker each): " + ", ".join(f"{name} {s:.0f} s" for name, s in longest))
    records = [json.loads(path.read_text()) for path in sorted(LATENCY_DIR.glob("*.json"))]
    records = [record for record in records if "median" in record]
    if records:
        terminalreporter.section("widget latency in the browser: input to new picture, median against the goal")
        for record in records:
            met = "met" if record["median"] <= record["goal"] else "NOT MET (a loaded machine? judged at 3x)"
            write(f"{record['name']:<52} {record['median']:6.0f} ms  goal {record['goal']:.0f} ms  {met}")
