"""A new learner's first screen, from the README's own command: ``python3 course.py lab``.

The lab is started as a learner starts it (``--no-browser``, as on a remote machine, so the address
is the one the learner copies from the terminal), in a copy of the course with a fresh HOME and
fresh Jupyter folders. Followed in headless Chromium, that address must show the course map, a file
browser at the course's root, no pop-up, and a lesson with nothing to save.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from notebook_facts import ROOT

pytestmark = pytest.mark.browser

ADDRESS = re.compile(r"http://(?:127\.0\.0\.1|localhost):\d+/\S+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    """``course.py lab`` in a fresh copy of the course; yields the address it printed and the copy."""
    course = tmp_path_factory.mktemp("course")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copy2(ROOT / "course.py", course / "course.py")
    for folder in ("course_tools", "notebooks", "exercises"):
        shutil.copytree(ROOT / folder, course / folder, ignore=skip)
    home = tmp_path_factory.mktemp("home")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "JPY_"))}
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "matplotlib"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("MPLBACKEND", None)
    log_path = course.parent / f"{course.name}-lab.log"
    with open(log_path, "w", encoding="utf-8") as log:
        # --no-setup: this environment is the course's; --no-browser: the address comes from the terminal.
        process = subprocess.Popen(
            [
                sys.executable,
                str(course / "course.py"),
                "lab",
                "--no-setup",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={free_port()}",
                "--ServerApp.port_retries=0",
            ],
            cwd=course,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # course.py starts JupyterLab as its child: stop them together
    try:
        deadline = time.monotonic() + 120
        while not (found := ADDRESS.findall(log_path.read_text(encoding="utf-8"))):
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text(encoding="utf-8")
            time.sleep(0.25)
        # The address is printed as the server starts; a learner who pastes it a moment later finds it
        # answering. Wait for that moment (one full run found the port refusing a page opened at once).
        base, token = found[0].split("/lab/")[0], found[0].split("token=")[1]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            try:
                with opener.open(f"{base}/api/status?token={token}", timeout=10):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text(encoding="utf-8")
                time.sleep(0.25)
        yield found[0], course, log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_the_kernel(address: str, page, timeout_s: float = 90) -> None:
    """Wait until the server's kernel for the open notebook has answered (execution_state idle) and the
    page says idle too. The page alone cannot tell: its indicator reads 'idle' before any kernel exists."""
    base, token = address.split("/lab/")[0], address.split("token=")[1]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while True:
        with opener.open(f"{base}/api/sessions?token={token}", timeout=10) as reply:
            states = [session["kernel"]["execution_state"] for session in json.load(reply) if session.get("kernel")]
        if "idle" in states:
            break
        assert time.monotonic() < deadline, f"no kernel became idle within {timeout_s:.0f} s (sessions: {states})"
        time.sleep(0.25)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=timeout_s * 1000
    )


def test_the_printed_address_opens_the_course_map_with_the_course_root_in_the_file_browser(learner_lab, recorder):
    address, _, _ = learner_lab
    assert "/lab/workspaces/backprop-course?token=" in address, f"the address a learner copies: {address}"
    page = recorder.page
    page.goto(address, wait_until="domcontentloaded", timeout=90_000)
    title = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    title.wait_for(state="visible", timeout=90_000)
    assert "Course map" in title.inner_text()
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    assert tab.locator(".lm-TabBar-tabLabel").inner_text().strip() == "00_course_map.ipynb"
    listing = page.locator(".jp-FileBrowser .jp-DirListing-itemText")
    listing.first.wait_for(timeout=30_000)
    names = set(listing.all_inner_texts())
    assert {"exercises", "notebooks"} <= names and "src" not in names, f"the file browser shows {sorted(names)}"
    # The kernel has started and told JupyterLab its language_info: nothing may have changed since.
    wait_for_the_kernel(address, page)
    page.wait_for_timeout(2_000)
    assert tab.evaluate("(element) => element.classList.contains('jp-mod-dirty')") is False, (
        "the course map shows as unsaved the moment it opens"
    )
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not toasts, f"a pop-up covers the first screen: {toasts}"


def test_every_lesson_is_served_with_the_language_info_its_kernel_reports(learner_lab):
    """5 of 11 lessons once showed as unsaved 1.5 s after opening: the kernel filled in language_info.
    The server now hands each lesson out with what a kernel of this Python says (asked here of a real
    kernel), so JupyterLab finds nothing to change in any of them."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reported = client.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    address, course, _ = learner_lab
    base, token = address.split("/lab/")[0], address.split("token=")[1]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    differing = []
    for lesson in sorted((course / "notebooks").glob("*.ipynb")):
        with opener.open(f"{base}/api/contents/notebooks/{lesson.name}?content=1&token={token}", timeout=60) as reply:
            served = json.load(reply)["content"]["metadata"]["language_info"]
        if served != reported:
            differing.append((lesson.name, served))
    assert not differing, f"served with a language_info the kernel will change: {differing[:2]} (kernel: {reported})"


def test_shift_enter_still_runs_and_moves_on_in_the_notebook(learner_lab, recorder):
    """The deck's Shift+Enter runs a cell and stays; the notebook's must still run it and select the next."""
    address, _, _ = learner_lab
    page = recorder.page
    page.goto(address, wait_until="domcontentloaded", timeout=90_000)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    wait_for_the_kernel(address, page)
    first_code = panel.locator(".jp-CodeCell").first
    first_code.locator(".jp-InputArea-editor").click()
    before = page.evaluate(
        "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')].findIndex((c) => c.classList.contains('jp-mod-active'))"
    )
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')]
        .findIndex((c) => c.classList.contains('jp-mod-active')) === before + 1""",
        arg=before,
        timeout=30_000,
    )
