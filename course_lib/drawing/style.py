"""The course's type sizes, so that every label in a lesson's figure is readable on a slide.

A lesson figure is drawn at 100 dpi and shown at its own size, one PNG pixel to one screen pixel
of a 1280x720 slide. Text of ``TEXT_PT`` points is then 15 / 72 * 100 = 20.8 px high, above the
20 px a room reads from its back row (``described.AUDIENCE_PX``; ``show_figure`` records each
figure's smallest label, and tests/lessons/test_figures_readable.py checks every figure a deck shows).
Importing ``course_lib.drawing`` applies these sizes to matplotlib. The widgets draw without
matplotlib, their text at ``described.AUDIENCE_PX`` (``widgets.plot_axes.TEXT_PX``).
"""

from __future__ import annotations

TEXT_PT = 15
DPI = 100

SIZES = {
    "figure.dpi": DPI,
    "font.size": TEXT_PT,
    # matplotlib's relative sizes ("small", "x-small") would shrink some labels below TEXT_PT
    "axes.titlesize": TEXT_PT,
    "axes.labelsize": TEXT_PT,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
    "legend.fontsize": TEXT_PT,
    "legend.title_fontsize": TEXT_PT,
    "figure.titlesize": TEXT_PT,
    "figure.labelsize": TEXT_PT,
}


def apply() -> None:
    """Set the course's type sizes in matplotlib's defaults (for every figure made after)."""
    import matplotlib

    matplotlib.rcParams.update(SIZES)
