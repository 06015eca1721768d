"""Drive JupyterLab in a Playwright page the way a learner would, and read what it shows.

``LabNotebook`` opens one notebook, clears its outputs and runs it through the
menus, then ``problems()`` lists, cell by cell, what a learner would see go
wrong: errors, text on stderr, cells that never ran, widgets that did not render.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import quote

from notebook_facts import NotebookFacts

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # conftest's fixtures then skip (or, on CI, fail) with an install hint
    PlaywrightError = Exception

if TYPE_CHECKING:
    from playwright.sync_api import Page

# What the page shows when a widget output did not become a live widget: the
# kernel-side repr (e.g. "NeuronExplorer(children=(HBox(..." or "VBox(children=")
# is JupyterLab's plain-text fallback; the other two come from the widget manager.
WIDGET_FALLBACK = re.compile(r"\b[A-Z]\w*\(children=|Loading widget\.\.\.|Error displaying widget")
NUMERIC_PROMPT = re.compile(r"^\[\d+\]:?$")

# Reads the open notebook from the DOM (what the learner sees); where the app is
# exposed (LabApp.expose_app_in_browser) also the output types from its model.
STATE_JS = """
() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return null;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const visible = (el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; };
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const top = [...cell.querySelectorAll('.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')];
    const outputs = top.map((out) => {
      const roots = [...out.querySelectorAll(':scope > .jupyter-widgets')];
      return {mime: out.dataset.mimeType || '', text: (out.innerText || '').slice(0, 4000),
              widgets: roots.length, visibleWidgets: roots.filter(visible).length};
    });
    // stderr anywhere in the cell, also inside widgets (an Output widget's area)
    const stderr = [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(out => (out.innerText || '').slice(0, 4000));
    const kind = cell.classList.contains('jp-CodeCell') ? 'code'
      : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw';
    return {kind, prompt: prompt ? prompt.innerText.trim() : '', outputs, stderr};
  });
  let modelErrors = null;
  const app = window.jupyterapp;
  if (app) {
    const widget = [...app.shell.widgets('main')].find(w => w.node === panel);
    const model = widget && widget.content && widget.content.model;
    if (model) {
      modelErrors = [];
      for (let i = 0; i < model.cells.length; i++) {
        const json = model.cells.get(i).toJSON();
        for (const out of (json.outputs || [])) {
          if (out.output_type === 'error') modelErrors.push({index: i, ename: out.ename, evalue: out.evalue});
        }
      }
    }
  }
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.slice(0, 500));
  return {status: indicator ? indicator.dataset.status : null, cells, modelErrors, dialogs};
}
"""

# True once Run All has finished: kernel idle, no cell queued or running ("[*]"),
# and the first code cell has run (so we are not looking at the page before the run started).
RUN_FINISHED_JS = """
() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!indicator || indicator.dataset.status !== 'idle') return false;
  const prompts = [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].map(p => p.innerText.trim());
  if (prompts.some(p => p.includes('*'))) return false;
  return prompts.length === 0 || /\\d/.test(prompts[0]);
}
"""

# True once the notebook at ``path`` (or, for null, the one shown) is open with a connected, idle
# kernel. Asked of the app, not of the toolbar: the execution indicator reads 'idle' from the moment
# the panel appears, before any kernel exists, and Run All on a panel whose kernel is still starting
# clears the cells' prompts and runs nothing (one full run waited 240 s on such a lesson 10).
KERNEL_READY_JS = """(path) => {
  const app = window.jupyterapp;
  if (!app) return false;   // still loading
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  const widget = [...app.shell.widgets('main')].find(w => path ? (w.context && w.context.path === path) : w.node === panel);
  if (!widget || !widget.isVisible || !widget.sessionContext) return false;
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
    && widget.content.widgets.length > 0;
}"""

# True once a run has visibly begun: a cell shows [*] or a number, or the kernel is busy.
RUN_STARTED_JS = """
() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (indicator && indicator.dataset.status === 'busy') return true;
  return [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')].some(p => /[*0-9]/.test(p.innerText));
}
"""

# The kernel's status and the indices of the cells whose prompt shows [*] (queued or running).
RUN_STATE_JS = """
() => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return null;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const waiting = cells.map((cell, index) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    return prompt && prompt.innerText.includes('*') ? index : -1;
  }).filter((index) => index >= 0);
  return {status: indicator ? indicator.dataset.status : null, waiting};
}
"""

# True once every cell expected to show widgets shows that many visible widget views.
WIDGETS_RENDERED_JS = """
(expected) => {
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  if (!panel) return false;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  return Object.entries(expected).every(([index, count]) => {
    const cell = cells[Number(index)];
    if (!cell) return false;
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    if (!prompt || !/\\d/.test(prompt.innerText)) return true;  // never ran: problems() reports it
    const roots = [...cell.querySelectorAll('.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets')]
      .filter(el => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; });
    return roots.length >= count && !/Loading widget/.test(cell.innerText);
  });
}
"""


# Collects what the kernel writes to stderr outside cell execution (widget callbacks run
# on comm messages, and ipykernel logs their exceptions to stderr), which JupyterLab
# would only show in its Log Console.
RECORD_CALLBACK_OUTPUT_JS = """
() => {
  const app = window.jupyterapp;
  const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
  const widget = app && panel && [...app.shell.widgets('main')].find(w => w.node === panel);
  if (!widget) return false;
  window.courseCallbackOutput = [];
  const listen = (kernel) => {
    if (!kernel) return;
    kernel.iopubMessage.connect((_, msg) => {
      const type = msg.header.msg_type;
      const parent = (msg.parent_header || {}).msg_type;
      if (parent === 'execute_request') return;
      if (type === 'stream' && msg.content.name === 'stderr') window.courseCallbackOutput.push(msg.content.text);
      if (type === 'error') window.courseCallbackOutput.push(msg.content.traceback.join('\\n'));
    });
  };
  listen(widget.sessionContext.session && widget.sessionContext.session.kernel);
  widget.sessionContext.kernelChanged.connect((_, change) => listen(change.newValue));
  return true;
}
"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class BrowserTimeout(AssertionError):
    """A wait in the page ran out; the message says what was awaited."""


def wait_until(page: Page, script: str, what: str, timeout_s: float, arg=None) -> None:
    """Wait until ``script`` (a JS function) returns true in ``page``; fail with ``what`` after ``timeout_s``."""
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000, polling=250)
    except PlaywrightError as error:
        if "Timeout" not in str(error):
            raise
        raise BrowserTimeout(f"timed out after {timeout_s:.0f} s waiting for {what}") from None


class LabNotebook:
    """One notebook opened in JupyterLab in ``page``; ``facts`` say what the file holds."""

    def __init__(self, page: Page, base_url: str, facts: NotebookFacts):
        self.page = page
        self.base_url = base_url
        self.facts = facts
        self.path = facts.name  # the server serves the notebooks' folder itself
        self.timings: dict[str, float] = {}

    @property
    def panel(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first

    def cell(self, index: int):
        """The DOM element of cell ``index`` (all cells are attached: windowingMode is 'none')."""
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(index)

    # -- opening -----------------------------------------------------------------
    def open(self, timeout_s: float = 90) -> "LabNotebook":
        """Open the notebook in a fresh workspace and wait for its kernel to be idle."""
        start = time.monotonic()
        # A workspace of its own: JupyterLab must not reopen what earlier tests had open.
        workspace = f"browser-test-{uuid.uuid4().hex[:8]}"
        self.page.goto(
            f"{self.base_url}lab/workspaces/{workspace}/tree/{quote(self.path)}",
            wait_until="domcontentloaded",
            timeout=timeout_s * 1000,
        )
        wait_until(
            self.page,
            """(n) => {
            const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
            return !!panel && panel.querySelectorAll('.jp-Notebook .jp-Cell').length === n;
        }""",
            f"{self.facts.name} to open in JupyterLab with its {len(self.facts.cells)} cells",
            timeout_s,
            arg=len(self.facts.cells),
        )
        wait_until(
            self.page,
            KERNEL_READY_JS,
            f"{self.facts.name}'s kernel to start and be idle",
            timeout_s - (time.monotonic() - start),
            arg=None,
        )
        self.timings["open"] = time.monotonic() - start
        if not self.page.evaluate(RECORD_CALLBACK_OUTPUT_JS):
            raise AssertionError(
                f"{self.facts.name}: window.jupyterapp is not exposed; the server must run "
                "with --LabApp.expose_app_in_browser=True"
            )
        return self

    # -- menus --------------------------------------------------------------------
    def menu(self, menu: str, command: str) -> None:
        """Click ``menu`` in the menu bar, then its item for ``command`` (e.g. 'runmenu:run-all')."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$")).click()
        item = self.page.locator(f'.lm-Menu li.lm-Menu-item[data-command="{command}"]')
        item.wait_for(state="visible", timeout=10_000)
        if item.get_attribute("aria-disabled") == "true":
            self.page.keyboard.press("Escape")
            raise AssertionError(f"{self.facts.name}: the menu item {menu} > {command} is disabled")
        item.click()

    def clear_all_outputs(self) -> None:
        """Edit > Clear Outputs of All Cells, then check the page really shows no output."""
        self.menu("Edit", "editmenu:clear-all")
        wait_until(
            self.page,
            """() => {
            const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => !p.classList.contains('lm-mod-hidden'));
            if (!panel || panel.querySelectorAll('.jp-Cell-outputArea .jp-OutputArea-output').length) return false;
            return [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].every(p => !/[0-9]/.test(p.innerText));
        }""",
            f"{self.facts.name}: Edit > Clear Outputs of All Cells to remove every output and execution count",
            20,
        )

    def run_all(self, timeout_s: float) -> None:
        """Run > Run All Cells; wait until the kernel is idle and no cell is queued, then for the widgets."""
        start = time.monotonic()
        self.menu("Run", "runmenu:run-all")
        try:
            wait_until(self.page, RUN_STARTED_JS, f"{self.facts.name}: Run All Cells to start a run", 60)
            wait_until(
                self.page,
                RUN_FINISHED_JS,
                f"{self.facts.name}: Run All Cells to finish (kernel idle, no cell showing [*])",
                timeout_s,
            )
        except BrowserTimeout as timeout:
            raise BrowserTimeout(f"{timeout} ({self.run_state()})") from None
        self.timings["run"] = time.monotonic() - start
        expected = {str(index): count for index, count in self.facts.expected_widgets.items()}
        if expected:
            try:
                wait_until(self.page, WIDGETS_RENDERED_JS, "widgets to render", 30, arg=expected)
            except BrowserTimeout:
                pass  # problems() says which cell lacks which widget
        self.timings["widgets"] = time.monotonic() - start - self.timings["run"]

    # -- reading ----------------------------------------------------------------------
    def run_state(self) -> str:
        """Where a run stands, for a timeout's message: the kernel's status and the cells still waiting."""
        try:
            state = self.page.evaluate(RUN_STATE_JS)
        except PlaywrightError as error:  # the page itself may be what went wrong
            return f"state unavailable: {str(error).splitlines()[0]}"
        if state is None:
            return "no notebook panel is shown"
        waiting = [
            self.facts.cells[index].label if index < len(self.facts.cells) else f"cell {index}"
            for index in state["waiting"]
        ]
        return f"kernel {state['status'] or 'unknown'}; {len(waiting)} cell(s) showing [*]" + (
            ": " + ", ".join(waiting[:3]) + (" ..." if len(waiting) > 3 else "") if waiting else ""
        )

    def callback_output(self, since: int = 0) -> list[str]:
        """What the kernel wrote to stderr outside cell runs (widget callbacks), from message ``since`` on."""
        texts = self.page.evaluate("(n) => (window.courseCallbackOutput || []).slice(n)", since)
        return [ANSI.sub("", text) for text in texts]

    def callback_output_count(self) -> int:
        return self.page.evaluate("() => (window.courseCallbackOutput || []).length")

    def state(self) -> dict:
        state = self.page.evaluate(STATE_JS)
        if state is None:
            raise AssertionError(f"{self.facts.name}: no notebook panel is shown in JupyterLab")
        return state

    def problems(self) -> list[str]:
        """Everything wrong on the page after a run, one line per problem, naming the cell."""
        state = self.state()
        facts = self.facts
        found = []
        if state["dialogs"]:
            found.append("a dialog is open: " + " | ".join(text.replace("\n", " ") for text in state["dialogs"]))
        if len(state["cells"]) != len(facts.cells):
            found.append(f"the page shows {len(state['cells'])} cells, the file has {len(facts.cells)}")
        model_errors = {}
        for error in state["modelErrors"] or []:
            model_errors.setdefault(error["index"], f"{error['ename']}: {error['evalue']}")
        for cell, shown in zip(facts.cells, state["cells"]):
            found += [
                f"{cell.label}: {problem}" for problem in _cell_problems(cell, shown, model_errors.get(cell.index))
            ]
        return found

    def assert_ran_cleanly(self) -> None:
        problems = self.problems()
        if problems:
            raise AssertionError(
                f"{self.facts.name}: {len(problems)} problem(s) after Edit > Clear Outputs of All Cells and "
                "Run > Run All Cells in JupyterLab:\n  - " + "\n  - ".join(problems)
            )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _cell_problems(cell, shown: dict, model_error: str | None) -> list[str]:
    """What is wrong with one cell as shown, given its ``facts``."""
    problems = []
    if shown["kind"] != cell.cell_type:
        problems.append(f"shown as a {shown['kind']} cell")
        return problems
    if cell.cell_type != "code":
        return problems
    tracebacks = [text for text in shown["stderr"] if "Traceback" in text]
    if tracebacks or model_error:
        problems.append("raised an error: " + (model_error or _last_line(tracebacks[0])))
    other_stderr = [text for text in shown["stderr"] if "Traceback" not in text]
    if other_stderr:
        problems.append("printed to stderr: " + other_stderr[0].strip()[:300].replace("\n", " | "))
    if not NUMERIC_PROMPT.match(shown["prompt"]):
        problems.append(f"has no execution count (prompt {shown['prompt'] or '(none)'!r}): it did not run")
    for output in shown["outputs"]:
        match = WIDGET_FALLBACK.search(output["text"])
        if match:
            problems.append(f"shows {match.group(0)!r} instead of a live widget: {output['text'][:120].strip()!r}")
    rendered = sum(output["visibleWidgets"] for output in shown["outputs"])
    if rendered != cell.widget_outputs:
        problems.append(
            f"expected {cell.widget_outputs} rendered widget output(s) (as stored in the notebook), found {rendered}"
        )
    return problems
