"""A learner's first visit on a class hub (instructor/deployment.md), as far as it can be run here.

On a hub, nbgitpuller clones the course into ``~/backprop-course`` and sends the learner to
``lab/tree/backprop-course/notebooks/00_course_map.ipynb``. Here a JupyterLab with a fresh HOME
and fresh Jupyter folders serves a home that holds the course where nbgitpuller puts it, and
headless Chromium (no host name resolves but 127.0.0.1) follows that link: the course map must
open as the notebook in view, with its title, its route picture and its lesson table, and the
page must ask nothing of the internet.
"""

from __future__ import annotations

import shutil

import pytest

from course_tools.slides import PrivateLab
from notebook_facts import ROOT

pytestmark = pytest.mark.browser

LINK_PATH = "lab/tree/backprop-course/notebooks/00_course_map.ipynb"  # nbgitpuller's urlpath in the recipe


@pytest.fixture(scope="module")
def hub_home(tmp_path_factory):
    """A learner's home after nbgitpuller's first pull (the folders a learner uses), served by a fresh JupyterLab."""
    home = tmp_path_factory.mktemp("learner-home")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("notebooks", "exercises"):
        shutil.copytree(ROOT / folder, home / "backprop-course" / folder, ignore=skip)
    with PrivateLab(notebooks=home) as lab:
        yield lab


def test_the_nbgitpuller_link_opens_the_course_map_from_a_fresh_home(hub_home, recorder):
    page = recorder.page
    page.goto(hub_home.url + LINK_PATH, wait_until="domcontentloaded", timeout=90_000)
    title = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    title.wait_for(state="visible", timeout=90_000)
    assert "Course map" in title.inner_text()
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel").first
    assert tab.inner_text().strip() == "00_course_map.ipynb", "the course map should be the notebook in view"
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    route = notebook.locator(".jp-OutputArea-output img").first
    route.wait_for(state="attached", timeout=30_000)
    route.scroll_into_view_if_needed(timeout=30_000)
    route.wait_for(state="visible", timeout=30_000)
    assert route.evaluate("(img) => img.complete && img.naturalWidth > 200"), "the route picture did not load"
    assert "graded exercise" in notebook.inner_text(), "the lesson table (its stored output) is not shown"
    foreign = [url for url in recorder.requests if not url.startswith((hub_home.url, "data:", "blob:", "about:"))]
    assert not foreign, f"a fresh JupyterLab asked the internet for {foreign[:5]}"
