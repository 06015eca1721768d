"""What a notebook file says the browser should show: cells, widget outputs, slides.

Everything here is read from the ``.ipynb`` JSON alone, so the browser tests
compare the page against an expectation that does not come from the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_lib.drawing.described import LIVE_NOTE
from course_tools.widget_snapshots import WIDGET_MIME

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
# Slide types reveal.js leaves out of the deck's flow (RISE hides or moves them).
HIDDEN_SLIDE_TYPES = ("skip", "notes")


@dataclass(frozen=True)
class CellFacts:
    """One cell: ``index`` in the notebook, ``cell_type``, the ``first_line`` of its
    source, its ``slide_type`` and how many widget views its stored outputs hold."""

    index: int
    cell_type: str
    first_line: str
    slide_type: str
    widget_outputs: int
    source: str

    @property
    def label(self) -> str:
        """How failure messages name the cell: ``cell 4 (`loss = mse(y, t)`)``."""
        line = self.first_line if len(self.first_line) <= 80 else self.first_line[:77] + "..."
        return f"cell {self.index} ({self.cell_type}: `{line}`)"


@dataclass(frozen=True)
class NotebookFacts:
    path: Path
    cells: tuple[CellFacts, ...]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def code_cells(self) -> list[CellFacts]:
        return [cell for cell in self.cells if cell.cell_type == "code"]

    @property
    def expected_widgets(self) -> dict[int, int]:
        """Cell index -> number of widget views it displays (cells with none left out)."""
        return {cell.index: cell.widget_outputs for cell in self.cells if cell.widget_outputs}

    @property
    def slide_cells(self) -> list[CellFacts]:
        return [cell for cell in self.cells if cell.slide_type == "slide"]

    @property
    def first_shown_cell(self) -> CellFacts | None:
        """The first cell RISE puts on a slide (skipped cells and notes do not count)."""
        return next((cell for cell in self.cells if cell.slide_type not in HIDDEN_SLIDE_TYPES), None)

    def deck_size_problem(self, top_level_slides: int) -> str | None:
        """Why a RISE deck of ``top_level_slides`` slides is not one slide per cell of slide_type 'slide', with
        the likely cause; None when it is."""
        expected = self.slide_cells
        if top_level_slides == len(expected):
            return None
        first = self.first_shown_cell
        hint = ""
        if first is not None and first.slide_type != "slide":
            hint = (
                f"; its first shown {first.label} has slide_type {first.slide_type!r}, and RISE puts the "
                "cells before the first 'slide' cell on a slide of their own"
            )
        return (
            f"{self.name}: the RISE deck has {top_level_slides} top-level slides, but the notebook has "
            f"{len(expected)} cells of slide_type 'slide' (cells {[cell.index for cell in expected]}){hint}"
        )

    def cells_calling(self, text: str) -> list[CellFacts]:
        """The code cells whose source contains ``text``, e.g. a widget factory's name and '('."""
        return [cell for cell in self.code_cells if text in cell.source]


def first_line(source: str) -> str:
    """The first non-blank line of a cell's source, stripped (comments included: they say what a cell does)."""
    return next((line.strip() for line in source.splitlines() if line.strip()), "(empty)")


def read_facts(path: Path) -> NotebookFacts:
    nb = nbformat.read(path, as_version=4)
    cells = []
    for index, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        # A lesson stores a widget as its picture (course_tools/widget_snapshots.py); the live view is its own.
        widgets = sum(
            1
            for output in outputs
            if WIDGET_MIME in output.get("data", {})
            or str(output.get("data", {}).get("text/plain", "")).startswith(LIVE_NOTE)
        )
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        cells.append(CellFacts(index, cell.cell_type, first_line(cell.source), slide_type, widgets, cell.source))
    return NotebookFacts(Path(path), tuple(cells))


def lesson_notebooks() -> list[Path]:
    """Every lesson notebook in the checkout, in course order (found when the tests are collected)."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def lesson(number: str) -> Path:
    """The notebook of lesson ``number`` ("01"), or, if there is none, the pattern that found nothing
    (the test using it then fails saying so)."""
    found = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    return found[0] if found else NOTEBOOKS / f"{number}_*.ipynb"
