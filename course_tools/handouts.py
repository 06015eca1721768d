"""Handouts: each lesson's deck as one self-contained HTML file and a PDF, made offline.

    python3 course.py handouts                 # every lesson, into build/handouts/
    python3 course.py handouts 03 05           # lessons whose name starts so
    python3 course.py handouts --no-pdf        # the HTML decks only (no browser needed)

The deck is the one an instructor presents (headings start slides, set-up cells and notes stay
off them), laid out by nbconvert's slides exporter on the lectures' 1280x720 canvas with the
lectures' text sizes. Each ``NN_name.html`` holds everything it shows: reveal.js, its theme and
font, MathJax (math is drawn when the file is opened, with no network), and the pictures, widget
pictures included, as data: URIs. Post it before the lecture; it opens from a USB stick.

``NN_name.pdf`` is that file printed by headless Chromium (Playwright's ``page.pdf``) in
reveal.js's print layout: one 1280x720 page per (sub)slide, math already drawn. Folded answers
stay folded in both.

reveal.js and MathJax come from the npm registry when the first handout is built
(``course_tools.web_assets``); nothing is fetched when a handout is read.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import nbformat

from .slides import CHROMIUM_ARGS
from .web_assets import (
    CONTRAST_CSS,
    MATHJAX_CONFIG,
    ROOT,
    Assets,
    ensure_assets,
    inline_css,
    script_tag,
    static_notebook,
)

LESSONS = ROOT / "notebooks"
OUT = ROOT / "build" / "handouts"
TEMPLATES = Path(__file__).resolve().parent / "web" / "templates"
STYLE = Path(__file__).resolve().parent / "web" / "handout.css"
CANVAS = {"width": 1280, "height": 720}
CHROMIUM = "/usr/bin/chromium"

# reveal.js set up as the lectures are (course_tools/notebooks.py LECTURE_SLIDES), for a static page.
# It starts once MathJax has drawn the math and the font has loaded, so every slide has its final
# size. A slide taller than the canvas (its fragments all shown) is scaled down until it fits: on
# paper nothing may be cut off. ``data-handout-zoom`` records the scale; the build lists such slides.
REVEAL_SETUP = (
    """(async () => {
  const W = %(width)d, H = %(height)d;
  await MathJax.startup.promise;
  await document.fonts.ready;
  const canvas = document.querySelector('.reveal .slides');
  canvas.style.width = W + 'px';
  canvas.style.height = H + 'px';
  const leaves = [...document.querySelectorAll('.reveal .slides > section')].flatMap((s) => {
    const subs = s.querySelectorAll(':scope > section');
    return subs.length ? [...subs] : [s];
  });
  for (const slide of leaves) {
    const stack = slide.parentElement.matches('section') ? slide.parentElement : null;
    slide.style.display = 'block';
    if (stack) stack.style.display = 'block';
    const style = getComputedStyle(slide);
    const room = H - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const box = document.createElement('div');
    box.className = 'handout-fit';
    box.append(...slide.childNodes);
    slide.append(box);
    let scale = 1;
    for (let i = 0; i < 6 && box.getBoundingClientRect().height > room; i++) {
      scale *= 0.99 * room / box.getBoundingClientRect().height;
      box.style.transform = `scale(${scale})`;
      box.style.width = `${100 / scale}%%`;
    }
    if (scale < 1) {
      slide.dataset.handoutZoom = scale.toFixed(3);
      // A transform leaves the layout box as it was: give back the height the scaling saved.
      box.style.marginBottom = `${box.getBoundingClientRect().height - box.offsetHeight}px`;
    }
    slide.style.display = '';
    if (stack) stack.style.display = '';
  }
  Reveal.initialize({
    width: W, height: H, margin: 0, minScale: 0.2, maxScale: 2.0, center: false,
    transition: 'none', slideNumber: true, hash: true, controls: true, progress: true,
    pdfMaxPagesPerSlide: 1, pdfSeparateFragments: false, plugins: []
  });
})();"""
    % CANVAS
)

# True once reveal.js is ready and MathJax has typeset the page.
READY_JS = """() => !!(window.Reveal && Reveal.isReady && Reveal.isReady() && window.MathJax
  && MathJax.startup && MathJax.startup.document && MathJax.startup.document.processed
  && MathJax.startup.document.processed.isSet && MathJax.startup.document.processed.isSet('typeset'))"""


# Every (sub)slide of an open handout, shown in turn at the canvas size: where its content reaches on
# screen (fragments included: on paper they are all shown), and the scale it was given to fit.
SLIDES_JS = """() => {
  const shown = (el) => {
    if (el.closest('aside.notes')) return false;
    if (getComputedStyle(el).display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  return Reveal.getSlides().map((slide) => {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v);
    let top = Infinity, bottom = 0, right = 0;
    for (const part of slide.querySelectorAll(
        '.jp-RenderedHTMLCommon > *, .jp-InputArea-editor, .jp-OutputArea-output')) {
      if (!shown(part)) continue;
      const box = part.getBoundingClientRect();
      top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom); right = Math.max(right, box.right);
    }
    const heading = slide.querySelector('h1, h2, h3, h4');
    return {where: `#/${where.h}/${where.v || 0}`, top: top === Infinity ? 0 : top, bottom, right,
            scale: parseFloat(slide.dataset.handoutZoom || '1'),
            title: (heading ? heading.innerText : slide.innerText).trim().split('\\n')[0].slice(0, 60)};
  });
}"""

# Whether MathJax drew the math: its containers, TeX errors, and TeX left as raw text outside code.
MATH_JS = """() => {
  const walker = document.createTreeWalker(document.querySelector('.reveal .slides'), NodeFilter.SHOW_TEXT);
  const raw = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('pre, code, script, style, mjx-container')) continue;
    const text = node.nodeValue;
    if (/\\$\\$|\\$[^$\\s][^$]*\\$|\\\\(frac|partial|mathbf|sum|delta)\\b/.test(text)) raw.push(text.trim().slice(0, 80));
  }
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    errors: document.querySelectorAll('mjx-container [data-mjx-error], mjx-merror, [data-mml-node="merror"]').length,
    raw,
  };
}"""


def lesson_paths(prefixes=(), folder: Path = LESSONS) -> list[Path]:
    """The executed lesson notebooks ``NN_name.ipynb`` whose name starts with one of ``prefixes`` (all if none)."""
    found = sorted(path for path in Path(folder).glob("[0-9][0-9]_*.ipynb"))
    return [path for path in found if not prefixes or path.stem.startswith(tuple(prefixes))]


def page_parts(assets: Assets) -> dict:
    """The <head> and closing <script>s every handout carries, inlined once per build."""
    reveal = assets.reveal / "dist"
    head = "\n".join(
        [
            f"<style>{inline_css(reveal / 'reveal.css')}</style>",
            f"<style>{inline_css(reveal / 'theme' / 'white.css')}</style>",
            f"<style>{CONTRAST_CSS.read_text(encoding='utf-8')}</style>",
            f"<style>{STYLE.read_text(encoding='utf-8')}</style>",
            f"<script>{MATHJAX_CONFIG}</script>",
            script_tag(assets.mathjax),
        ]
    )
    scripts = script_tag(reveal / "reveal.js") + f"\n<script>{REVEAL_SETUP}</script>"
    return {"head": head, "scripts": scripts}


def deck_html(notebook: Path, parts: dict) -> str:
    """The self-contained HTML deck of the executed lesson ``notebook``."""
    from nbconvert import SlidesExporter

    nb = static_notebook(nbformat.read(notebook, as_version=4))
    title = title_of(nb) or notebook.stem
    exporter = SlidesExporter(template_name="course_handout", extra_template_basedirs=[str(TEMPLATES)])
    exporter.log.setLevel(logging.ERROR)  # not its notes on images without alt text, one per deck
    body, _ = exporter.from_notebook_node(nb, resources={"course": {**parts, "title": f"{title}: slides"}})
    return body


def title_of(nb) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


# The slides reveal.js laid out on paper, and those the handout had to scale down to fit.
PRINTED_JS = """() => ({
  pages: document.querySelectorAll('.pdf-page').length,
  scaled: [...document.querySelectorAll('[data-handout-zoom]')].map((slide) => {
    const heading = slide.querySelector('h1, h2, h3, h4');
    return [(heading ? heading.innerText : slide.innerText).trim().split('\\n')[0].slice(0, 60),
            parseFloat(slide.dataset.handoutZoom)];
  })
})"""


def print_pdfs(pages: list[Path], chromium: str = CHROMIUM, browser=None) -> dict[Path, dict]:
    """Print each HTML deck in ``pages`` to a PDF beside it, one 1280x720 page per slide.

    ``browser``: a Playwright Chromium to use (default: start ``chromium`` headless, offline).
    Returns, per deck: ``seconds`` it took, ``pages`` printed, and ``scaled``: [heading, scale] of
    each slide scaled down to fit its page.
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                return print_pdfs(pages, browser=browser)
            finally:
                browser.close()
    printed = {}
    for html in pages:
        start = time.perf_counter()
        context = browser.new_context(viewport=CANVAS)
        try:
            page = context.new_page()
            page.goto(html.resolve().as_uri() + "?print-pdf", wait_until="load")
            page.wait_for_function(READY_JS, timeout=120_000, polling=100)
            # reveal.js lays the print pages out once it is ready.
            page.wait_for_function(
                "() => document.querySelectorAll('.pdf-page').length > 0", timeout=30_000, polling=100
            )
            page.pdf(
                path=str(html.with_suffix(".pdf")),
                width=f"{CANVAS['width']}px",
                height=f"{CANVAS['height']}px",
                print_background=True,
                prefer_css_page_size=True,
            )
            printed[html] = {**page.evaluate(PRINTED_JS), "seconds": time.perf_counter() - start}
        finally:
            context.close()
    return printed


def build(prefixes=(), out: Path = OUT, pdf: bool = True, notebooks: Path = LESSONS) -> list[Path]:
    """Write ``out/NN_name.html`` (and ``.pdf``) for each chosen lesson; return the HTML paths."""
    lessons = lesson_paths(prefixes, notebooks)
    if not lessons:
        raise SystemExit(f"no lesson notebooks in {notebooks} match {list(prefixes) or 'anything'}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    parts = page_parts(ensure_assets())
    written = []
    for notebook in lessons:
        target = out / f"{notebook.stem}.html"
        target.write_text(deck_html(notebook, parts), encoding="utf-8")
        written.append(target)
        print(
            f"  {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
            f"  ({target.stat().st_size / 1e6:.1f} MB)",
            flush=True,
        )
    if pdf:
        for html, facts in print_pdfs(written).items():
            print(f"  {html.with_suffix('.pdf').name}: {facts['pages']} pages in {facts['seconds']:.1f} s", flush=True)
            for heading, scale in facts["scaled"]:
                print(f"      scaled to {scale:.2f} to fit its page: {heading!r}", flush=True)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="lessons whose notebook name starts with one of these")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the handouts (default build/handouts/)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML decks only")
    parser.add_argument("--notebooks", type=Path, default=LESSONS, help="folder of the executed lesson notebooks")
    args = parser.parse_args(argv)
    print(f"Handouts into {args.out}:", flush=True)
    build(args.prefixes, args.out, pdf=not args.no_pdf, notebooks=args.notebooks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
