"""Present a lesson's deck in jupyterlab-rise, measure every slide, and photograph it.

    python3 course.py slides 03                 # screenshots in test-artifacts/slides/03_.../
    python3 course.py slides 03 05 --out /tmp/decks
    python -m course_tools.slides --all         # every lesson, with a table of what was measured

Each deck is opened the way an instructor presents it: the ``/rise/<notebook>``
page of a private JupyterLab on 127.0.0.1, in headless Chromium at the
projector size (1280x720). Every (sub)slide is visited in turn and measured:
how far its content reaches below the screen, the smallest on-screen size of
its slide text, and how many words of text it shows. Chromium resolves no host
name but 127.0.0.1, so a deck that needs the internet shows it here.

The measuring is shared with the browser tests (tests/browser/test_browser_slides.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from course_lib.drawing.described import LIVE_NOTE

from . import course_lab

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
PROJECTOR = {"width": 1280, "height": 720}
# The smallest slide text (markdown paragraphs, list items, table cells) a room can read, on screen.
MIN_BODY_PX = 24.0
# The smallest code, printed output or widget text: a room reads these too (issue 22).
MIN_CODE_PX = 20.0
MAX_WORDS = 60  # slide text beyond this belongs in a skipped cell or a subslide
# Headless Chromium as every course tool and browser test starts it (the decks, the handouts, the tests).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Without these Chromium phones home at start-up; the connections are refused here and slow it down.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Offline by construction: every host name but the local server's fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

# True once RISE has turned the notebook into a ready reveal.js deck.
DECK_READY_JS = """() => {
  const reveal = document.querySelector('.reveal');
  return !!(reveal && reveal.classList.contains('ready') && document.querySelector('.reveal .slides > section'));
}"""

# [[h, number of vertical subslides], ...] of the deck as laid out.
DECK_SHAPE_JS = """() => [...document.querySelectorAll('.reveal .slides > section')].map(
  (s) => Math.max(1, s.querySelectorAll(':scope > section').length))"""

# What the present subslide shows: its heading, the bottom and right edge of its visible
# content on screen, its slide text's sizes on screen and its word count.
MEASURE_JS = """() => {
  const stack = document.querySelector('.reveal .slides > section.present');
  if (!stack) return null;
  const slide = stack.querySelector(':scope > section.present') || stack;
  // What the audience sees by the end of the slide: every fragment shown, every folded answer open.
  // (A hidden fragment keeps its place in the layout, so the slide is never taller than this.)
  // (Without reveal.js's fade, on the fragment and all inside it: during the fade a fragment's
  // computed visibility is still 'hidden'.)
  if (!document.getElementById('course-measuring')) {
    const style = document.createElement('style');
    style.id = 'course-measuring';
    style.textContent = '.course-measuring .fragment, .course-measuring .fragment * { transition: none !important; }';
    document.head.appendChild(style);
  }
  slide.classList.add('course-measuring');
  const hidden = [...slide.querySelectorAll('.fragment:not(.visible)')];
  const closed = [...slide.querySelectorAll('details:not([open])')];
  hidden.forEach((el) => el.classList.add('visible'));
  closed.forEach((el) => { el.open = true; });
  const shown = (el) => {
    if (el.closest('aside.notes')) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // The cells on the slide, fragments included (an instructor reveals them all in the end).
  const cells = [...slide.querySelectorAll('.jp-Cell')].filter(shown);
  let top = Infinity, bottom = -Infinity, right = -Infinity;
  for (const cell of cells) {
    // The cell's content, not its box: an empty output area or padding is not content.
    for (const part of cell.querySelectorAll('.jp-RenderedHTMLCommon > *, .jp-InputArea-editor, .jp-OutputArea-output')) {
      if (!shown(part)) continue;
      const box = part.getBoundingClientRect();
      top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
    }
  }
  // Text sizes as shown on screen (getBoundingClientRect includes reveal.js's scaling; offsetWidth does not).
  const onScreen = (el) => parseFloat(getComputedStyle(el).fontSize)
    * (el.offsetWidth ? el.getBoundingClientRect().width / el.offsetWidth : 1);
  const sizes = [];   // slide text: the markdown's own paragraphs, list items and table cells
  for (const el of slide.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown :is(p, li, td, th)')) {
    if (!shown(el) || !el.innerText.trim()) continue;
    sizes.push(onScreen(el));
  }
  // Everything else the room reads: code, printed output, a live widget's labels, readouts and buttons.
  const codeSizes = [];
  const cut = [];
  for (const el of slide.querySelectorAll('.jp-InputArea-editor .cm-line, .jp-OutputArea-output pre, '
      + '.jupyter-widgets :is(.widget-label, .widget-readout, .widget-html-content, button, select, label)')) {
    if (!shown(el) || !el.innerText.trim()) continue;
    codeSizes.push(onScreen(el));
    if (el.closest('.jupyter-widgets') && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')
      cut.push(el.innerText.trim().slice(0, 40));
  }
  // Code and printed lines wider than their box: the room sees them cut at the right edge.
  for (const box of slide.querySelectorAll('.jp-InputArea-editor .cm-scroller, .jp-OutputArea-output pre')) {
    if (shown(box) && box.scrollWidth > box.clientWidth + 2)
      cut.push(((box.innerText || '').split('\\n').find((line) => line.length > 60) || box.innerText || '').trim().slice(0, 40));
  }
  // Pictures shown smaller than they are drawn for (their width in CSS px, else their own pixels): their
  // labels, drawn at 20 px for that size, would reach the room smaller.
  const shrunk = [];
  for (const img of slide.querySelectorAll('img')) {
    if (!shown(img) || !img.naturalWidth) continue;
    const meant = img.style.width.endsWith('px') ? parseFloat(img.style.width) : img.naturalWidth;
    const name = img.classList.contains('widget-image') ? "a widget's picture" : (img.alt || 'a picture').slice(0, 40);
    if (img.offsetWidth < meant - 1) shrunk.push(`${name} at ${Math.round(100 * img.offsetWidth / meant)}%`);
  }
  // Words of slide text: a formula counts as one word, a folded answer's hidden body as none.
  const text = (md) => {
    const copy = md.cloneNode(true);
    copy.querySelectorAll('mjx-container, .MathJax').forEach((m) => m.replaceWith(' formula '));
    copy.querySelectorAll('details > :not(summary)').forEach((e) => e.remove());
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
    return parts.join(' ');
  };
  const words = cells.filter((c) => c.classList.contains('jp-MarkdownCell'))
    .map((c) => { const md = c.querySelector('.jp-RenderedMarkdown'); return md ? text(md) : ''; })
    .join(' ').split(/\\s+/).filter((w) => /\\w/.test(w)).length;
  const heading = slide.querySelector('.jp-RenderedMarkdown :is(h1, h2, h3, h4)');
  const firstCell = cells.length ? (cells[0].innerText || '').trim().split('\\n')[0] : '';
  const facts = {
    title: (heading ? heading.innerText : firstCell).replace(/\\u00b6/g, '').trim().slice(0, 80),
    cells: cells.length,
    top: cells.length ? top : 0, bottom: cells.length ? bottom : 0, right: cells.length ? right : 0,
    width: window.innerWidth, height: window.innerHeight,
    min_font_px: sizes.length ? Math.min(...sizes) : null,
    min_code_px: codeSizes.length ? Math.min(...codeSizes) : null,
    // What the room sees ends at the slide's own box: RISE makes it 95vh tall (684 px of 720) and scrolls it.
    box_bottom: slide.getBoundingClientRect().top + slide.clientHeight,
    cut_labels: cut,
    shrunk_pictures: shrunk,
    words,
    scrolls: slide.scrollHeight > slide.clientHeight + 2 && getComputedStyle(slide).overflowY === 'scroll',
  };
  hidden.forEach((el) => el.classList.remove('visible'));
  closed.forEach((el) => { el.open = false; });
  slide.classList.remove('course-measuring');
  return facts;
}"""


@dataclass
class SlideFacts:
    """One (sub)slide as presented: ``where`` is '#/h/v', the rest as MEASURE_JS reports."""

    where: str
    title: str
    cells: int
    top: float
    bottom: float
    right: float
    width: int
    height: int
    min_font_px: float | None
    words: int
    scrolls: bool
    min_code_px: float | None = None
    cut_labels: list = field(default_factory=list)
    box_bottom: float | None = None
    shrunk_pictures: list = field(default_factory=list)

    @property
    def overflow_px(self) -> float:
        """How far the content reaches past the bottom of the slide's box (or of the screen), past its
        right edge, or above its top."""
        visible = min(self.height, self.box_bottom) if self.box_bottom else self.height
        return max(0.0, self.bottom - visible, self.right - self.width, -self.top)

    def problems(
        self, min_font_px: float = MIN_BODY_PX, max_words: int = MAX_WORDS, min_code_px: float = MIN_CODE_PX
    ) -> list[str]:
        found = []
        if self.overflow_px > 1:
            found.append(
                f"content runs {self.overflow_px:.0f} px off the {self.width}x{self.height} screen's slide "
                f"(reaches y={self.bottom:.0f}, x={self.right:.0f}; the slide shows down to "
                f"y={self.box_bottom or self.height:.0f}) with every fragment and answer shown"
            )
        if self.min_font_px is not None and self.min_font_px < min_font_px - 0.5:
            found.append(f"slide text {self.min_font_px:.1f} px on screen (minimum {min_font_px:g} px)")
        if self.min_code_px is not None and self.min_code_px < min_code_px - 0.5:
            found.append(
                f"code, output or widget text {self.min_code_px:.1f} px on screen (minimum {min_code_px:g} px)"
            )
        if self.cut_labels:
            found.append(f"text cut off at its box's edge: {self.cut_labels[:4]}")
        if self.shrunk_pictures:
            found.append(f"pictures shown smaller than drawn, and their text with them: {self.shrunk_pictures[:3]}")
        if self.words > max_words:
            found.append(f"{self.words} words (at most ~{max_words} on a slide)")
        return found


# ----------------------------------------------------------------- a private JupyterLab
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateLab:
    """A JupyterLab on 127.0.0.1 serving a copy of ``notebooks/`` from a temporary folder, with its own
    Jupyter settings; stopped (kernels and all) on exit."""

    def __init__(self, notebooks: Path = LESSONS):
        self.notebooks = notebooks
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = None

    def __enter__(self) -> "PrivateLab":
        self.workdir = Path(tempfile.mkdtemp(prefix="course-slides-"))
        self.root = self.workdir / "root"
        shutil.copytree(self.notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        home = self.workdir / "home"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "JPY_"))}
        env.update(
            HOME=str(home),
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            IPYTHONDIR=str(home / "ipython"),
            JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
            JUPYTER_CONFIG_PATH=str(Path(sys.prefix) / "etc" / "jupyter"),
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        env.pop("MPLBACKEND", None)
        course_lab.install(Path(sys.prefix))  # as course.py does: the course's server extension and settings
        self.log = open(self.workdir / "server.log", "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.root_dir={self.root}",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--ServerApp.disable_check_xsrf=True",
                "--LabApp.news_url=None",
                "--LabApp.extension_manager=readonly",
                "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            ],
            env=env,
            cwd=self.root,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 90
        while True:
            try:
                with opener.open(self.url + "api/status", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"JupyterLab did not start; see {self.workdir / 'server.log'}")
                time.sleep(0.25)

    def __exit__(self, *exc) -> None:
        course_lab.stop(self.process)
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


# ----------------------------------------------------------------- presenting a deck
def open_deck(page, base_url: str, notebook: str, timeout_s: float = 90) -> None:
    """Load ``notebook``'s deck in ``page`` and wait until reveal.js has laid it out."""
    page.goto(f"{base_url}rise/{quote(notebook)}", wait_until="domcontentloaded", timeout=timeout_s * 1000)
    page.wait_for_function(DECK_READY_JS, timeout=timeout_s * 1000, polling=250)
    settle(page)


def settle(page, quiet_s: float = 0.8, timeout_s: float = 20) -> None:
    """Wait until the deck's shape and the present slide's size stop changing (outputs, MathJax, images)."""
    look = (
        "() => [JSON.stringify("
        + DECK_SHAPE_JS
        + "()), (document.querySelector('.reveal section.present') || {}).scrollHeight]"
    )
    deadline, last, since = time.monotonic() + timeout_s, page.evaluate(look), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
        time.sleep(min(0.15, quiet_s / 2))
        now = page.evaluate(look)
        if now != last:
            last, since = now, time.monotonic()


def go_to(page, h: int, v: int) -> None:
    """Show slide ``#/h/v`` (RISE turns on reveal.js's history, so the address moves the deck)."""
    page.evaluate("(hash) => { window.location.hash = hash; }", f"#/{h}/{v}")
    page.wait_for_function(
        """([h, v]) => {
        const stacks = [...document.querySelectorAll('.reveal .slides > section')];
        const stack = stacks[h];
        if (!stack || !stack.classList.contains('present')) return false;
        const subs = stack.querySelectorAll(':scope > section');
        return !subs.length || (subs[v] && subs[v].classList.contains('present'));
    }""",
        arg=[h, v],
        timeout=10_000,
        polling=50,
    )
    # reveal.js moves the deck (the course's decks have no transition); wait for the slide to stand still.
    page.wait_for_function(
        """() => !document.querySelector('.reveal .slides section.present.past, '
        + '.reveal .slides section.present.future') && !document.querySelector('.reveal.sliding')""",
        timeout=5_000,
        polling=50,
    )
    settle(page, quiet_s=0.1, timeout_s=5)


# Every (sub)slide visited and measured inside the page, as go_to and settle do it from Python, but
# without two round trips per slide: a deck's walk takes seconds, not a minute. A slide stands still
# when it is present, nothing is sliding, and its height has not changed for QUIET_MS.
WALK_JS = (
    """async ([shape, quietMs]) => {
  const measure = %s;
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const until = async (test, ms) => {
    const end = performance.now() + ms;
    while (!test()) { if (performance.now() > end) return false; await frame(); }
    return true;
  };
  const facts = [];
  for (let h = 0; h < shape.length; h++) {
    for (let v = 0; v < shape[h]; v++) {
      window.location.hash = `#/${h}/${v}`;
      const arrived = await until(() => {
        const stack = document.querySelectorAll('.reveal .slides > section')[h];
        if (!stack || !stack.classList.contains('present')) return false;
        const subs = stack.querySelectorAll(':scope > section');
        return !subs.length || (subs[v] && subs[v].classList.contains('present'));
      }, 10000);
      if (!arrived) throw new Error(`slide #/${h}/${v} never became the present one`);
      await until(() => !document.querySelector('.reveal .slides section.present.past, '
        + '.reveal .slides section.present.future') && !document.querySelector('.reveal.sliding'), 5000);
      const height = () => (document.querySelector('.reveal section.present') || {}).scrollHeight;
      let last = height(), since = performance.now();
      const end = since + 5000;
      while (performance.now() - since < quietMs && performance.now() < end) {
        await frame();
        const now = height();
        if (now !== last) { last = now; since = performance.now(); }
      }
      facts.push({where: `#/${h}/${v}`, ...measure()});
    }
  }
  return facts;
}"""
    % MEASURE_JS
)


# The (sub)slide [h, v] that shows cell ``index`` of the notebook ([-1, 0] for a cell on no slide).
SLIDE_OF_CELL_JS = """(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  const stacks = [...document.querySelectorAll('.reveal .slides > section')];
  const h = stacks.findIndex((s) => s.contains(cell));
  const subs = h < 0 ? [] : [...stacks[h].querySelectorAll(':scope > section')];
  return [h, Math.max(0, subs.findIndex((s) => s.contains(cell)))];
}"""

# The cells whose saved output is a widget's picture: they come alive when run (course_tools/widget_snapshots.py).
WIDGET_CELLS_JS = """(note) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .map((cell, index) => [index, (cell.querySelector('.jp-Cell-outputArea') || {}).innerText || ''])
  .filter(([index, text]) => text.includes(note)).map(([index]) => index)"""

# True once cell ``index`` shows a drawn widget, or has failed ('error').
WIDGET_DRAWN_JS = """(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  if (cell.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"], '
      + '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) return 'error';
  const view = cell.querySelector('.jp-OutputArea-output .jupyter-widgets');
  if (!view || /Loading widget|Error displaying widget/.test(view.innerText)) return false;
  return [...view.querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0);
}"""

# Lessons whose widget needs the lesson's earlier results: run first in a deck, its cell first runs the cells
# before it (course_tools/deck_kernel.py), which takes a few seconds. Every other widget runs right after the
# set-up (tests/lessons/test_notebook_slides.py checks), at once.
WIDGETS_AFTER_THE_LESSON = {"10_capstone_digits": "the digit reader reads the network the lesson trains"}


def run_widget(page, index: int, timeout_s: float = 90) -> None:
    """Run cell ``index`` on its slide as an instructor does (click into it, Shift+Enter); wait for its
    widget. The deck must stay on the slide (it used to turn to the next cell's slide, leaving the new
    widget off screen), and the cell must run in a fresh deck: a lesson's set-up runs as its kernel starts."""
    where = page.evaluate("() => location.hash")
    page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(WIDGET_DRAWN_JS, arg=index, timeout=timeout_s * 1000, polling=100)
    if page.evaluate(WIDGET_DRAWN_JS, index) == "error":
        text = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-Cell-outputArea").inner_text()
        raise RuntimeError(f"cell {index} failed when run in the deck: {text[-400:]}")
    if page.evaluate("() => location.hash") != where:
        raise RuntimeError(
            f"running cell {index} moved the deck from {where} to {page.evaluate('() => location.hash')}"
        )
    settle(page, quiet_s=0.3)


def walk(page, screenshots: Path | None = None, live_widgets: bool = False) -> list[SlideFacts]:
    """Visit every (sub)slide of the open deck in order; measure each, and photograph it into ``screenshots``.
    With ``live_widgets``, each widget's slide is measured again once its cell has run (``where`` '#/h/v live')."""
    shape = page.evaluate(DECK_SHAPE_JS)
    if screenshots is None:
        facts = [SlideFacts(**measured) for measured in page.evaluate(WALK_JS, [shape, 100])]
    else:
        facts = []
        for h, count in enumerate(shape):
            for v in range(count):
                go_to(page, h, v)
                facts.append(SlideFacts(where=f"#/{h}/{v}", **page.evaluate(MEASURE_JS)))
                page.screenshot(path=str(screenshots / f"slide-{h:02d}-{v:02d}.png"))
    for index in page.evaluate(WIDGET_CELLS_JS, LIVE_NOTE) if live_widgets else []:
        h, v = page.evaluate(SLIDE_OF_CELL_JS, index)
        if h < 0:
            continue
        go_to(page, h, v)
        if not page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputArea-editor").is_visible():
            continue  # a cell the deck does not show (slide type skip)
        run_widget(page, index)
        facts.append(SlideFacts(**{**page.evaluate(MEASURE_JS), "where": f"#/{h}/{v} live"}))
        if screenshots is not None:
            page.screenshot(path=str(screenshots / f"slide-{h:02d}-{v:02d}-live.png"))
    return facts


def lesson_paths(prefixes, folder: Path = LESSONS) -> list[Path]:
    found = sorted(folder.glob("*.ipynb"))
    return [path for path in found if not prefixes or path.stem.startswith(tuple(prefixes))]


def report(name: str, facts: list[SlideFacts]) -> str:
    lines = [f"{name}: {len(facts)} slides"]
    for slide in facts:
        problems = slide.problems()
        size = f"{slide.min_font_px:.1f} px" if slide.min_font_px else "-"
        mark = "  !! " + "; ".join(problems) if problems else ""
        lines.append(
            f"  {slide.where:<8} {slide.words:>4} words  text {size:>8}  bottom {slide.bottom:6.0f}  "
            f"{slide.title[:50]!r}{mark}"
        )
    return "\n".join(lines)


def markdown_report(measured: dict) -> str:
    """The slides that break a rule, per lesson, as a markdown list for the lessons' authors."""
    lines = []
    for name, facts in measured.items():
        bad = [slide for slide in facts if slide.problems()]
        lines.append(f"### {name}: {len(bad)} of {len(facts)} slides to fix")
        lines += [f"- `{slide.where}` {slide.title!r}: " + "; ".join(slide.problems()) for slide in bad]
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="lessons whose notebook name starts with one of these")
    parser.add_argument("--all", action="store_true", help="every lesson")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "test-artifacts" / "slides",
        help="folder for the screenshots, one subfolder per lesson (default test-artifacts/slides/)",
    )
    parser.add_argument("--no-screenshots", action="store_true", help="only measure")
    parser.add_argument("--notebooks", type=Path, default=LESSONS, help="folder of the lesson notebooks")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--markdown", type=Path, help="also write the slides to fix here, as a markdown list")
    parser.add_argument(
        "--chromium",
        default=os.environ.get("BROWSER_TESTS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium",
    )
    args = parser.parse_args(argv)
    if not args.prefixes and not args.all:
        parser.error("name a lesson (e.g. 03) or pass --all")
    paths = lesson_paths(args.prefixes, args.notebooks)
    if not paths:
        print(f"no lesson notebook in {args.notebooks} starts with {args.prefixes}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    measured, bad = {}, 0
    with PrivateLab(args.notebooks) as lab, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                context = browser.new_context(viewport=PROJECTOR)
                page = context.new_page()
                folder = None
                if not args.no_screenshots:
                    folder = args.out / path.stem
                    shutil.rmtree(folder, ignore_errors=True)
                    folder.mkdir(parents=True)
                open_deck(page, lab.url, path.name)
                facts = walk(page, folder, live_widgets=True)
                context.close()
                measured[path.stem] = facts
                bad += sum(1 for slide in facts if slide.problems())
                print(report(path.stem, facts) + (f"\n  screenshots: {folder}" if folder else ""), flush=True)
        finally:
            browser.close()
    if args.json:
        args.json.write_text(json.dumps({k: [asdict(s) for s in v] for k, v in measured.items()}, indent=1))
    if args.markdown:
        args.markdown.write_text(markdown_report(measured))
    print(f"{bad} slide(s) with problems" if bad else "every slide fits, with text large enough")
    return 0


if __name__ == "__main__":
    sys.exit(main())
