"""The learner's progress on the course map, in a real JupyterLab (issue 24, item 5).

A JupyterLab with a fresh home serves a copy of the course (``notebooks/`` and ``exercises/``, no
checkpoints, no progress notes). In one page, as a learner would:

1. open the course map (lesson 0) and run it: the progress map says 1 lesson opened (the map
   itself) and no exercise's self-checks passing;
2. open exercise 1, fill in its answer cells (the solutions' code) and run every cell: every
   self-check prints "passed";
3. open lesson 1, go back to the map and press "Read my progress again": 2 lessons opened, and
   exercise 1's self-checks pass; the picture has changed.

No server beyond JupyterLab's own is involved: the map reads the learner's files.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from labpage import KERNEL_READY_JS, RUN_FINISHED_JS, wait_until
from labserver import LabServer
from notebook_facts import ROOT

pytestmark = pytest.mark.browser

EXERCISE = "ex01_neuron_and_layer"
MAP = "notebooks/00_course_map.ipynb"

CURRENT_PANEL = "[...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'))"

OPEN_JS = """async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); return true; }"""

# Put the solutions' code into the answer cells of the open exercise (the cells' nbgrader grade_id says which).
FILL_JS = """([path, sources]) => {
  const widget = [...window.jupyterapp.shell.widgets('main')].find(w => w.context && w.context.path === path);
  const cells = widget.content.model.cells;
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    const nbgrader = cell.getMetadata('nbgrader');
    if (nbgrader && nbgrader.solution && sources[nbgrader.grade_id] !== undefined) {
      cell.sharedModel.setSource(sources[nbgrader.grade_id]);
      filled += 1;
    }
  }
  return filled;
}"""

READOUT_JS = f"""() => {{
  const panel = {CURRENT_PANEL};
  const html = panel && [...panel.querySelectorAll('.widget-html-content')].find(h => h.innerText.includes('Opened'));
  const image = html && html.closest('.widget-vbox').querySelector('img');
  return html ? {{text: html.innerText, picture: image ? image.src : null}} : null;
}}"""


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """A JupyterLab (fresh home, the app exposed to the tests) serving a copy of the course."""
    source = tmp_path_factory.mktemp("course")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", ".course-progress.json")
    for folder in ("notebooks", "exercises"):
        shutil.copytree(ROOT / folder, source / folder, ignore=skip)
    with LabServer(source, tmp_path_factory.mktemp("progress-lab"), ROOT) as server:
        yield server


def solution_sources() -> dict:
    nb = nbformat.read(ROOT / "solutions" / f"{EXERCISE}.ipynb", as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def run_all(page, what: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu li.lm-Menu-item[data-command="runmenu:run-all"]').click()
    wait_until(page, RUN_FINISHED_JS, f"{what}: Run All Cells to finish", 180)


def readout(page) -> dict:
    wait_until(page, READOUT_JS, "the progress map's readout", 60)
    return page.evaluate(READOUT_JS)


def test_filling_in_an_exercise_shows_on_the_course_map(course_lab, recorder):
    page = recorder.page
    page.goto(f"{course_lab.url}lab/workspaces/progress/tree/{MAP}", wait_until="domcontentloaded", timeout=90_000)
    wait_until(page, KERNEL_READY_JS, "the course map to open with an idle kernel", 90, arg=MAP)
    run_all(page, MAP)
    before = readout(page)
    assert "Opened 1 of 11 lessons" in before["text"], before["text"]
    assert "Self-checks pass in 0 of" in before["text"], before["text"]

    exercise = f"exercises/{EXERCISE}.ipynb"
    page.evaluate(OPEN_JS, exercise)
    wait_until(page, KERNEL_READY_JS, f"{exercise} to open with an idle kernel", 90, arg=exercise)
    sources = solution_sources()
    assert page.evaluate(FILL_JS, [exercise, sources]) == len(sources) > 0
    run_all(page, exercise)
    shown = page.evaluate(f"() => {CURRENT_PANEL}.innerText")
    assert shown.count("passed:") >= 3, "every part's self-check should print 'passed'"
    errors = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )
    assert errors.count() == 0, errors.first.inner_text()

    lesson = "notebooks/01_neurons_and_forward_pass.ipynb"
    page.evaluate(OPEN_JS, lesson)
    wait_until(page, KERNEL_READY_JS, f"{lesson} to open", 90, arg=lesson)
    page.evaluate(OPEN_JS, MAP)
    wait_until(page, KERNEL_READY_JS, "the course map to be shown again", 30, arg=MAP)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.get_by_role("button", name="Read my progress again").click()
    wait_until(
        page,
        f"""() => {{ const r = ({READOUT_JS})(); return r && r.text.includes('{EXERCISE}'); }}""",
        "the map to show the exercise's self-checks passing",
        30,
    )
    after = readout(page)
    assert "Opened 2 of 11 lessons" in after["text"], after["text"]
    assert "Self-checks pass in 1 of" in after["text"] and f"{EXERCISE}." in after["text"], after["text"]
    assert after["picture"] != before["picture"], "the map's picture should have changed"
    foreign = [url for url in recorder.requests if not url.startswith((course_lab.url, "data:", "blob:", "about:"))]
    assert not foreign, f"JupyterLab asked the internet for {foreign[:5]}"
