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
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from . import course_lab

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
PROJECTOR = {"width": 1280, "height": 720}
# The smallest slide text (markdown paragraphs, list items, table cells) a room can read, on screen.
MIN_BODY_PX = 24.0
MAX_WORDS = 60  # slide text beyond this belongs in a skipped cell or a subslide
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
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
  // Slide text: the markdown's own paragraphs, list items and table cells, as shown on screen.
  const sizes = [];
  for (const el of slide.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown :is(p, li, td, th)')) {
    if (!shown(el) || !el.innerText.trim()) continue;
    if (el.closest('details:not([open])') && !el.closest('summary')) continue;
    // getBoundingClientRect includes reveal.js's scaling; offsetWidth does not.
    const scale = el.offsetWidth ? el.getBoundingClientRect().width / el.offsetWidth : 1;
    sizes.push(parseFloat(getComputedStyle(el).fontSize) * scale);
  }
  // Words of slide text: a formula counts as one word, a folded answer's hidden body as none.
  const text = (md) => {
    const copy = md.cloneNode(true);
    copy.querySelectorAll('mjx-container, .MathJax').forEach((m) => m.replaceWith(' formula '));
    copy.querySelectorAll('details:not([open]) > :not(summary)').forEach((e) => e.remove());
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
  return {
    title: (heading ? heading.innerText : firstCell).replace(/\\u00b6/g, '').trim().slice(0, 80),
    cells: cells.length,
    top: cells.length ? top : 0, bottom: cells.length ? bottom : 0, right: cells.length ? right : 0,
    width: window.innerWidth, height: window.innerHeight,
    min_font_px: sizes.length ? Math.min(...sizes) : null,
    words,
    scrolls: slide.scrollHeight > slide.clientHeight + 2 && getComputedStyle(slide).overflowY === 'scroll',
  };
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

    @property
    def overflow_px(self) -> float:
        """How far the content reaches past the bottom (or right) edge of the screen, or above its top."""
        return max(0.0, self.bottom - self.height, self.right - self.width, -self.top)

    def problems(self, min_font_px: float = MIN_BODY_PX, max_words: int = MAX_WORDS) -> list[str]:
        found = []
        if self.overflow_px > 1:
            found.append(f"content runs {self.overflow_px:.0f} px off the {self.width}x{self.height} screen "
                         f"(reaches y={self.bottom:.0f}, x={self.right:.0f})")
        if self.min_font_px is not None and self.min_font_px < min_font_px - 0.5:
            found.append(f"slide text {self.min_font_px:.1f} px on screen (minimum {min_font_px:g} px)")
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
        env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
                   JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"),
                   JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
                   JUPYTER_CONFIG_PATH=str(Path(sys.prefix) / "etc" / "jupyter"),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        env.pop("MPLBACKEND", None)
        course_lab.install(Path(sys.prefix))   # as course.py does: the course's server extension and settings
        self.log = open(self.workdir / "server.log", "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}",
             "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
             "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
             "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"],
            env=env, cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
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
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
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
    look = "() => [JSON.stringify(" + DECK_SHAPE_JS + "()), (document.querySelector('.reveal section.present') || {}).scrollHeight]"
    deadline, last, since = time.monotonic() + timeout_s, page.evaluate(look), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
        time.sleep(min(0.15, quiet_s / 2))
        now = page.evaluate(look)
        if now != last:
            last, since = now, time.monotonic()


def go_to(page, h: int, v: int) -> None:
    """Show slide ``#/h/v`` (RISE turns on reveal.js's history, so the address moves the deck)."""
    page.evaluate("(hash) => { window.location.hash = hash; }", f"#/{h}/{v}")
    page.wait_for_function("""([h, v]) => {
        const stacks = [...document.querySelectorAll('.reveal .slides > section')];
        const stack = stacks[h];
        if (!stack || !stack.classList.contains('present')) return false;
        const subs = stack.querySelectorAll(':scope > section');
        return !subs.length || (subs[v] && subs[v].classList.contains('present'));
    }""", arg=[h, v], timeout=10_000, polling=50)
    # reveal.js moves the deck (the course's decks have no transition); wait for the slide to stand still.
    page.wait_for_function("""() => !document.querySelector('.reveal .slides section.present.past, '
        + '.reveal .slides section.present.future') && !document.querySelector('.reveal.sliding')""",
                           timeout=5_000, polling=50)
    settle(page, quiet_s=0.1, timeout_s=5)


# Every (sub)slide visited and measured inside the page, as go_to and settle do it from Python, but
# without two round trips per slide: a deck's walk takes seconds, not a minute. A slide stands still
# when it is present, nothing is sliding, and its height has not changed for QUIET_MS.
WALK_JS = """async ([shape, quietMs]) => {
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
}""" % MEASURE_JS


def walk(page, screenshots: Path | None = None) -> list[SlideFacts]:
    """Visit every (sub)slide of the open deck in order; measure each, and photograph it into ``screenshots``."""
    shape = page.evaluate(DECK_SHAPE_JS)
    if screenshots is None:
        return [SlideFacts(**measured) for measured in page.evaluate(WALK_JS, [shape, 100])]
    facts = []
    for h, count in enumerate(shape):
        for v in range(count):
            go_to(page, h, v)
            measured = page.evaluate(MEASURE_JS)
            slide = SlideFacts(where=f"#/{h}/{v}", **measured)
            facts.append(slide)
            if screenshots is not None:
                page.screenshot(path=str(screenshots / f"slide-{h:02d}-{v:02d}.png"))
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
        lines.append(f"  {slide.where:<8} {slide.words:>4} words  text {size:>8}  bottom {slide.bottom:6.0f}  "
                     f"{slide.title[:50]!r}{mark}")
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
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "slides",
                        help="folder for the screenshots, one subfolder per lesson (default test-artifacts/slides/)")
    parser.add_argument("--no-screenshots", action="store_true", help="only measure")
    parser.add_argument("--notebooks", type=Path, default=LESSONS, help="folder of the lesson notebooks")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--markdown", type=Path, help="also write the slides to fix here, as a markdown list")
    parser.add_argument("--chromium", default=os.environ.get("BROWSER_TESTS_CHROMIUM") or shutil.which("chromium")
                        or "/usr/bin/chromium")
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
                facts = walk(page, folder)
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
