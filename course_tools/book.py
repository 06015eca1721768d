"""The course as a static book: the executed lessons as web pages you can read without installing.

    python3 course.py book                  # into build/book/; open build/book/index.html
    python3 course.py book --out site/      # somewhere else (e.g. to publish on any static host)

Each lesson notebook in ``notebooks/`` (executed, with its outputs) becomes ``NN_name.html``;
the course map, lesson 00, is ``index.html``, with the list of lessons on top. Every page has
the lesson's prose, code, printed numbers and figures (inline, as data: URIs), its math drawn by
MathJax, and links to the previous and next lesson. A live widget shows the picture the build
took of it, with "run this lesson in JupyterLab to use it". The graded exercises (the student
versions from ``exercises/``) are copied beside the pages, so the lessons' links to them download
the notebook.

Tool: nbconvert with a template of the course's (``course_tools/web/templates/course_book``).
nbconvert is installed with the course already, renders notebooks exactly as JupyterLab lays
them out, embeds the executed outputs, and needs nothing at view time but the files it writes.
MathJax comes from the npm registry when the book is built (``course_tools.web_assets``) and is
served with the book: no page asks a CDN for anything, so the book works offline and on any
static file host.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import nbformat

from .web_assets import CONTRAST_CSS, MATHJAX_CONFIG, ROOT, ensure_assets, static_notebook

LESSONS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
OUT = ROOT / "build" / "book"
TEMPLATES = Path(__file__).resolve().parent / "web" / "templates"
STYLE = Path(__file__).resolve().parent / "web" / "book.css"
MARKER = ".course-book"  # marks a folder this module built, so a rebuild may replace it
BOOK_TITLE = "The backprop course"
ABOUT = (
    "Read the course here; to run the code, drag the sliders and do the graded exercises, "
    "install it and open the lessons in JupyterLab (python3 course.py lab)."
)


def page_name(stem: str) -> str:
    """The page a lesson becomes: the course map is the index."""
    return "index.html" if stem.startswith("00_") else f"{stem}.html"


def graded_exercises(folder: Path = EXERCISES) -> dict[str, list[str]]:
    """Lesson number -> the ids of its graded exercises, from each exercise notebook's metadata
    (``course_exercise.lesson``); a lesson may have more than one."""
    found: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("ex*.ipynb")):
        info = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("course_exercise", {})
        if info.get("lesson"):
            found.setdefault(str(info["lesson"]), []).append(path.stem)
    return found


def lesson_pages(folder: Path = LESSONS, exercises: Path = EXERCISES) -> list[dict]:
    """The lessons in course order: notebook path, page, title and graded exercises."""
    from course_lib.lessons.catalog import title_from_notebook

    graded = graded_exercises(exercises)
    pages = []
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        number = int(path.stem[:2])
        title = title_from_notebook(path) or path.stem[3:].replace("_", " ").capitalize()
        pages.append(
            {
                "notebook": path,
                "href": page_name(path.stem),
                "number": number,
                "title": f"{number}. {title}",
                "exercises": graded.get(path.stem[:2], []),
            }
        )
    return pages


def linked_exercises(nb) -> None:
    """Point the lessons' links to ``../exercises/...`` at the copies beside the pages."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("](../exercises/", "](exercises/")


def render(page: dict, pages: list[dict], exporter) -> str:
    """The HTML of one book page."""
    index = pages.index(page)
    previous = pages[index - 1] if index > 0 else None
    following = pages[index + 1] if index + 1 < len(pages) else None
    nb = static_notebook(nbformat.read(page["notebook"], as_version=4))
    linked_exercises(nb)
    nb.metadata["title"] = f"{page['title']} · {BOOK_TITLE}"
    course = {
        "book_title": BOOK_TITLE,
        "home": {"href": "index.html"},
        "where": "the course map" if page["number"] == 0 else f"lesson {page['number']} of {pages[-1]['number']}",
        "previous": previous and {"href": previous["href"], "title": previous["title"]},
        "next": following and {"href": following["href"], "title": following["title"]},
        "mathjax_config": MATHJAX_CONFIG,
        "mathjax_src": "assets/tex-svg-full.js",
        "stylesheet": "assets/book.css",
        "contents": None,
    }
    if page["number"] == 0:
        course["about"] = ABOUT
        course["contents"] = [
            {"href": entry["href"], "title": entry["title"], "exercises": entry["exercises"]} for entry in pages
        ]
    body, _ = exporter.from_notebook_node(nb, resources={"course": course})
    return body


def build(out: Path = OUT, notebooks: Path = LESSONS, exercises: Path = EXERCISES, quiet: bool = False) -> list[Path]:
    """Write the book into ``out`` (emptied first); return the pages written, the index first."""
    from nbconvert import HTMLExporter

    pages = lesson_pages(notebooks, exercises)
    if not pages:
        raise SystemExit(f"no executed lesson notebooks in {notebooks}: run python3 course.py notebooks first")
    assets = ensure_assets(quiet=quiet)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and holds no book built before: choose another --out")
        shutil.rmtree(out)  # an earlier build: a lesson removed since must not linger
    (out / "assets").mkdir(parents=True)
    (out / MARKER).write_text("Built by python3 course.py book; the whole folder is replaced on the next build.\n")
    shutil.copyfile(assets.mathjax, out / "assets" / "tex-svg-full.js")
    (out / "assets" / "book.css").write_text(
        CONTRAST_CSS.read_text(encoding="utf-8") + "\n" + STYLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (out / "exercises").mkdir()
    for exercise in sorted(Path(exercises).glob("ex*.ipynb")):
        shutil.copyfile(exercise, out / "exercises" / exercise.name)
    exporter = HTMLExporter(template_name="course_book", extra_template_basedirs=[str(TEMPLATES)])
    exporter.log.setLevel(logging.ERROR)  # not its notes on images without alt text, one per page
    written = []
    for page in pages:
        target = out / page["href"]
        target.write_text(render(page, pages, exporter), encoding="utf-8")
        written.append(target)
        if not quiet:
            print(f"  {target.name:<48} {page['title']}", flush=True)
    return sorted(written, key=lambda path: path.name != "index.html")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="folder for the book (default build/book/; a book built there before is replaced)",
    )
    parser.add_argument("--notebooks", type=Path, default=LESSONS, help="folder of the executed lesson notebooks")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"The book, into {args.out}:", flush=True)
    build(args.out, args.notebooks)
    print(
        f"Done in {time.perf_counter() - start:.1f} s. Open {args.out / 'index.html'} in a browser, or serve the "
        f"folder: python3 -m http.server -d {args.out}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
