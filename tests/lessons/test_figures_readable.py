"""Every lesson figure a slide shows can be read from the back of the room (issue 22): its smallest
label is at least 20 px on a 1280x720 slide, and the figure is narrow enough that the slide shows it
at its own size.

``show_figure`` records each figure's smallest label as drawn (``smallest_text_px`` in the output's
metadata, measured from what the renderer is asked to draw); the PNG's width comes from its header.
Cells that the decks skip are the notebook's only.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from course_lib.drawing import style
from course_lib.drawing.described import AUDIENCE_PX, SLIDE_FIGURE_PX, drawn_text, png_size

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PNG = re.compile(r'<img src="data:image/png;base64,([^"]+)"')

# Figures a slide shows with smaller text, each with why it is not yet readable; the list only shrinks.
NOT_YET: dict = {}  # (lesson, the start of a figure's description) -> why it cannot yet be drawn at 20 px


def slide_figures():
    for path in LESSONS:
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") in ("skip", "notes"):
                continue
            for output in cell.get("outputs", []):
                if "smallest_text_px" in output.get("metadata", {}):
                    html = output["data"]["text/html"]
                    html = "".join(html) if isinstance(html, list) else html
                    png = base64.b64decode(PNG.search(html).group(1))
                    yield path.stem, index, output["metadata"], png_size(png)[0]


FIGURES = list(slide_figures())


def test_the_lessons_show_figures_on_their_slides():
    assert len(FIGURES) >= 30, f"only {len(FIGURES)} figures found on slides: is smallest_text_px still recorded?"


@pytest.mark.parametrize(
    "lesson, index, metadata, width", FIGURES, ids=[f"{lesson[:2]}-cell{index}" for lesson, index, _, _ in FIGURES]
)
def test_a_figure_on_a_slide_is_readable_from_the_back(lesson, index, metadata, width):
    exempt = [reason for (name, alt), reason in NOT_YET.items() if name == lesson and metadata["alt"].startswith(alt)]
    assert width <= SLIDE_FIGURE_PX, (
        f"{lesson} cell {index}: the figure is {width} px wide, so the slide shrinks "
        f"it and its text; draw it at most {SLIDE_FIGURE_PX} px wide"
    )
    smallest = metadata["smallest_text_px"]
    if exempt:
        assert smallest is not None and smallest < AUDIENCE_PX, (
            f"{lesson} cell {index} is readable now: drop it from NOT_YET"
        )
        return
    assert smallest is None or smallest >= AUDIENCE_PX, (
        f"{lesson} cell {index}: its smallest label is {smallest} px on the slide, under the {AUDIENCE_PX} px a room "
        f"reads; use the course's type sizes (course_lib.drawing.style), not a smaller fontsize"
    )


def test_drawn_text_measures_what_is_drawn_at_the_figure_dpi():
    """Independently of the renderer: a label of p points at d dpi is p * d / 72 px high; a label that is
    not drawn (hidden, or empty) does not count."""
    fig, ax = plt.subplots(dpi=100)
    ax.set_title("title", fontsize=30)
    ax.text(0.5, 0.5, "small", fontsize=9)
    ax.text(0.5, 0.2, "hidden", fontsize=4, visible=False)
    ax.set_xticks([0, 1], ["a", "b"], fontsize=12)
    ax.set_yticks([])
    texts = dict((text, px) for px, text in drawn_text(fig))
    plt.close(fig)
    assert texts["small"] == pytest.approx(9 * 100 / 72)
    assert texts["title"] == pytest.approx(30 * 100 / 72)
    assert texts["a"] == pytest.approx(12 * 100 / 72)
    assert "hidden" not in texts


def test_the_course_type_size_reaches_the_audience_size():
    assert style.TEXT_PT * style.DPI / 72 >= AUDIENCE_PX
    assert all(size == style.TEXT_PT for key, size in style.SIZES.items() if key.endswith("size"))


def test_a_log_axis_is_labelled_without_superscripts():
    """10 to a superscript draws its exponent at 70% of the label; 1e-3 draws every character full size."""
    from course_lib.drawing.described import plain_log_labels

    fig, ax = plt.subplots(dpi=100)
    ax.loglog([1e-4, 1e5], [1e-4, 1e5])
    ax.set_xticks([1e-4, 1e-2, 1, 1e2, 1e4])  # matplotlib 3.10 would tick every other decade here
    plain_log_labels(fig)
    labels = {text for _, text in drawn_text(fig)}
    plt.close(fig)
    assert {"1e\N{MINUS SIGN}4", "0.01", "1", "100", "1e4"} <= labels, labels  # matplotlib writes a true minus
    assert not any("$" in text for text in labels), labels


def test_a_figure_legend_over_the_data_is_caught():
    from course_lib.drawing.described import points_under_legends

    fig, ax = plt.subplots(dpi=100)
    ax.plot([0, 1], [0, 1], "o", label="ends")
    ax.plot([0.5], [0.5], "s", label="the middle")
    fig.legend(loc="center")  # a figure's legend, over the axes' middle
    hidden = points_under_legends(fig)
    plt.close(fig)
    assert (0.5, 0.5) in hidden
