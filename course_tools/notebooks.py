"""Build the course's notebooks from their readable sources, and check they agree.

Every lesson is written as a jupytext percent-format script in ``notebooks/src``
(reviewable diffs, no hand-edited JSON). This module turns each script into a
notebook, fills in the slideshow metadata the lecture mode needs, executes it
top to bottom in a fresh kernel and writes the ``.ipynb`` with its outputs::

    python -m course_tools.notebooks            # rebuild and execute every lesson
    python -m course_tools.notebooks 03 05      # only lessons whose name starts so
    python -m course_tools.notebooks --check    # report sources and notebooks out of step
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .widget_snapshots import picture_only

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "notebooks"
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
# How jupyterlab-rise presents a lesson. reveal.js lays each slide out on a 1280x720 canvas and scales
# it to the screen (exactly 1:1 on a 1280x720 projector); notebooks/rise.css sizes the text for that
# canvas. "white" ships its font with reveal.js (RISE's default theme fetches web fonts: no slides
# offline). The deck starts at the title whatever cell is selected, and no cell is auto-selected
# (selecting one scrolls the slide to it). An over-long slide gets a scroll bar, though the slide
# tests allow none.
LECTURE_SLIDES = {
    "rise": {
        "theme": "white",
        "width": 1280,
        "height": 720,
        "margin": 0,
        "minScale": 0.5,
        "center": False,
        "scroll": True,
        "transition": "none",
        "slideNumber": True,
        "start_slideshow_at": "beginning",
        "auto_select": "none",
    }
}
# Exercises are not presented; they keep the plain setting they were built with.
EXERCISE_SLIDES = {"rise": {"theme": "serif"}}
SLIDES = LECTURE_SLIDES  # backwards-compatible name: the lessons' setting
NOTES_SUMMARY = "Instructor notes"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Metadata a source may carry into its notebook; anything else jupytext adds is dropped.
KEPT_CELL_METADATA = ("slideshow", "tags", "nbgrader", "deletable", "editable")
SETUP_TAG = "setup"  # lab_extension.SETUP_TAG
HIDDEN_SLIDE_TYPES = ("skip", "notes")  # cells a deck does not show
KEPT_NOTEBOOK_METADATA = ("course_exercise",)  # which exercise a notebook is, for the grader


def default_slide_type(cell) -> str:
    """Headings open slides ('#'/'##') and subslides ('###'); set-up code (imports, magics, nothing
    else) stays out of the deck; everything else continues the slide it follows."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    if cell.cell_type == "code" and is_setup_code(cell.source):
        return "skip"
    return "-"


def is_setup_code(source: str) -> bool:
    """True for a code cell that only imports or configures (a title slide must not carry it)."""
    lines = [line.strip() for line in source.splitlines()]
    statements = [line for line in lines if line and not line.startswith("#")]
    return bool(statements) and all(
        line.startswith(("import ", "from ", "%", ")")) or line.endswith(",") for line in statements
    )


def defines_only(source: str) -> bool:
    """True for code that only imports and defines functions or classes: it runs the same anywhere."""
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (a magic): not plain definitions
        return False
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    if not body or not all(
        isinstance(node, kinds) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in body
    ):
        return False
    # A default value or a decorator is evaluated where the definition runs: it must need nothing.
    evaluated = [
        part
        for node in body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for part in (*node.args.defaults, *node.args.kw_defaults, *node.decorator_list)
        if part is not None
    ]
    return all(isinstance(part, ast.Constant) for part in evaluated)


def folded_notes(source: str) -> str:
    """A notes cell's text folded under "Instructor notes": RISE keeps notes out of the deck, and in
    the notebook a learner sees only the closed summary line, never a note's hint mid-lesson."""
    if source.lstrip().startswith("<details"):
        return source  # folded by its author already
    return f'<details class="instructor-notes"><summary>{NOTES_SUMMARY}</summary>\n\n{source.strip()}\n\n</details>'


def read_source(path: Path, lecture: bool = True) -> nbformat.NotebookNode:
    """Read a percent-format script as an (unexecuted) notebook with the course's metadata.

    ``lecture``: a lesson, presented as slides (set-up cells skipped by default, notes folded, the
    lecture deck's settings); False for an exercise, whose cells and metadata are taken as written.
    """
    nb = jupytext.read(path, fmt="py:percent")
    shown_code = False
    for index, cell in enumerate(nb.cells):
        metadata = {key: cell.metadata[key] for key in KEPT_CELL_METADATA if key in cell.metadata}
        slideshow = dict(metadata.get("slideshow", {}))
        if lecture:
            slideshow.setdefault("slide_type", default_slide_type(cell))
        else:
            slideshow.setdefault("slide_type", "-" if default_slide_type(cell) == "skip" else default_slide_type(cell))
        if slideshow["slide_type"] not in SLIDE_TYPES:
            raise ValueError(
                f"{path.name}: cell {index} has slide_type {slideshow['slide_type']!r}; valid: {SLIDE_TYPES}"
            )
        if lecture and slideshow["slide_type"] == "notes" and cell.cell_type == "markdown":
            cell.source = folded_notes(cell.source)
        if cell.cell_type == "code" and slideshow["slide_type"] not in HIDDEN_SLIDE_TYPES:
            shown_code = True
        elif (
            lecture
            and cell.cell_type == "code"
            and (is_setup_code(cell.source) or defines_only(cell.source) or not shown_code)
            and SETUP_TAG not in metadata.get("tags", [])
        ):
            # A deck cannot run a cell it does not show: the course's JupyterLab runs a lesson's hidden
            # set-up (imports, definitions, the hidden cells before its first shown code) when the lesson's
            # kernel starts (lab_extension), so that a slide's cell can be the first one run.
            metadata["tags"] = [*metadata.get("tags", []), SETUP_TAG]
        metadata["slideshow"] = slideshow
        cell.metadata = nbformat.from_dict(metadata)
        # Stable ids keep regenerated notebooks' diffs to what really changed.
        cell.id = f"cell-{index:03d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    kept = {key: nb.metadata[key] for key in KEPT_NOTEBOOK_METADATA if key in nb.metadata}
    slides = LECTURE_SLIDES if lecture else EXERCISE_SLIDES
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}, **kept, **slides})
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run every cell of ``nb`` in order in a fresh kernel started in ``cwd``; return it."""
    env_backend = os.environ.pop("MPLBACKEND", None)  # the kernel must use its inline backend
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
            record_timing=False,
            # Not stored: it is keyed by random model ids, so every rebuild would be a large diff. A
            # widget's output carries its own picture (LessonWidget._repr_mimebundle_).
            store_widget_state=False,
        )
        client.execute()
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    nb.metadata["language_info"] = {"name": "python"}  # drop the version: it varies by machine
    for cell in nb.cells:
        if cell.cell_type == "code":
            # A widget is stored as its picture, which the learner brings to life by running the cell.
            cell.outputs = [picture_only(output) for output in merged_streams(cell.outputs)]
    return nb


def merged_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks into one output.

    How the kernel splits printed text into messages depends on timing; merging
    makes the stored notebook the same from one build to the next.
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def build(source: Path, target: Path) -> float:
    """Build ``target`` (.ipynb) from ``source`` (.py), executed; return the seconds it took."""
    start = time.perf_counter()
    nb = execute(read_source(source), cwd=target.parent)
    nbformat.write(nb, target)
    return time.perf_counter() - start


def restamp(source: Path, target: Path) -> None:
    """Bring ``target``'s slide metadata and markdown up to date with ``source`` without executing it.

    Only for a notebook whose code already matches its source: the result is what a rebuild would
    write (builds are deterministic), minus the minutes of running every cell.
    """
    want, have = read_source(source), nbformat.read(target, as_version=4)
    if [c.cell_type for c in want.cells] != [c.cell_type for c in have.cells] or any(
        w.source != h.source for w, h in zip(want.cells, have.cells) if w.cell_type == "code"
    ):
        raise ValueError(f"{target.name}: its code differs from {source.name}; rebuild it instead")
    for w, h in zip(want.cells, have.cells):
        h.metadata = w.metadata
        if w.cell_type != "code":
            h.source = w.source
    have.metadata = want.metadata
    nbformat.write(have, target)


def comparable(nb: nbformat.NotebookNode) -> list:
    """The parts of a notebook a source determines: each cell's type, source and metadata."""
    kept = {key: nb.metadata.get(key) for key in (*KEPT_NOTEBOOK_METADATA, *SLIDES)}
    return [("notebook", "", kept)] + [(cell.cell_type, cell.source, dict(cell.metadata)) for cell in nb.cells]


def compare(want: nbformat.NotebookNode, path: Path, made_from: str) -> list[str]:
    """Why the notebook at ``path`` is not ``want``, which ``made_from`` makes (empty when they agree)."""
    if not path.exists():
        return [f"{path.name} is missing: build it from {made_from}"]
    want_cells, have_cells = comparable(want), comparable(nbformat.read(path, as_version=4))
    if len(want_cells) != len(have_cells):  # both lists start with the notebook's own metadata
        return [f"{path} has {len(have_cells) - 1} cells but {made_from} makes {len(want_cells) - 1}"]
    problems = []
    for index, (w, h) in enumerate(zip(want_cells, have_cells)):
        for part, a, b in zip(("type", "source", "metadata"), w, h):
            if a != b:
                label = "notebook metadata" if index == 0 else f"cell {index - 1} {part}"
                problems.append(f"{path}: {label} differs from {made_from}")
    return problems


def differences(source: Path, target: Path) -> list[str]:
    """Why ``target`` does not match ``source`` (empty when they agree)."""
    return compare(read_source(source), target, source.name)


def sources(folder: Path = LESSONS, prefixes=()) -> list[Path]:
    """The percent-format sources in ``folder/src``, in course order, filtered by name prefixes."""
    found = sorted((folder / "src").glob("*.py"))
    return [path for path in found if not prefixes or path.stem.startswith(tuple(prefixes))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="only sources whose name starts with one of these")
    parser.add_argument("--check", action="store_true", help="compare sources and notebooks, build nothing")
    parser.add_argument(
        "--metadata-only",
        action="store_true",
        help="update slide metadata and markdown of notebooks whose code matches, without running",
    )
    parser.add_argument("--folder", type=Path, default=LESSONS, help="folder holding src/ (default notebooks/)")
    args = parser.parse_args(argv)
    paths = sources(args.folder, args.prefixes)
    if not paths:
        print(f"no sources found in {args.folder / 'src'} matching {args.prefixes}", file=sys.stderr)
        return 2
    if args.check:
        problems = [p for path in paths for p in differences(path, args.folder / f"{path.stem}.ipynb")]
        print("\n".join(problems) or f"{len(paths)} notebooks agree with their sources")
        return 1 if problems else 0
    if args.metadata_only:
        for path in paths:
            restamp(path, args.folder / f"{path.stem}.ipynb")
            print(f"restamped {path.stem}.ipynb", flush=True)
        return 0
    for path in paths:
        seconds = build(path, args.folder / f"{path.stem}.ipynb")
        print(f"built {path.stem}.ipynb in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
