"""Show a matplotlib figure together with its description, for readers who cannot see it.

``show_figure("what it shows and what to notice", fig)`` replaces ``plt.show()`` in a lesson. The
notebook output it makes carries the description in three places, because each viewer reads a
different one:

- ``text/html``: an ``<img>`` whose ``alt`` is the description. JupyterLab 4 (and jupyterlab-rise's
  decks, which use its renderers) prefers HTML to PNG and ignores any alt text in an image
  output's metadata, so this is the only way its screen-reader users hear a description. nbconvert
  (the book, the handouts) shows the same HTML.
- ``metadata["alt"]``: where the proposed Jupyter convention (jupyter/enhancement-proposals#120)
  and nbconvert's ``get_metadata('alt', ...)`` look for it; the course's tests read it from here.
- ``text/plain``: the description itself, so a text-only front end says what the picture shows,
  and nbval checks the description's numbers as strictly as any printed number.
"""

from __future__ import annotations

import base64
import html
import warnings

import numpy as np

GENERIC = (
    "no description",
    "figure",
    "image",
    "plot",
    "picture",
    "chart",
    "graph",
    "the widget's picture when the cell last ran",
)
MIN_WORDS = 8


def check_description(text: str) -> str:
    """``text`` with surrounding spaces removed; ValueError if it is too short or generic to help."""
    text = " ".join(str(text).split())
    words = text.split()
    if len(words) < MIN_WORDS or text.lower().strip(".: ") in GENERIC or text.lower().startswith("no description"):
        raise ValueError(
            f"a figure's description must say what it shows and what to notice "
            f"(at least {MIN_WORDS} words), not {text!r}"
        )
    return text


def points_under_legends(fig) -> list[tuple[float, float]]:
    """The data points (scatter points and line markers, in data coordinates) that a legend of
    ``fig`` covers, as drawn: a legend placed over the data hides exactly what a figure is about."""
    from matplotlib.collections import PathCollection

    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    hidden = []
    # An axes' legend, and the figure's own (``fig.legend``), which may sit over any axes.
    pairs = [(ax.get_legend(), ax) for ax in fig.axes if ax.get_legend() is not None]
    pairs += [(legend, ax) for legend in fig.legends for ax in fig.axes]
    for legend, ax in pairs:
        box = legend.get_window_extent(renderer)
        to_pixels = fig.dpi / 72  # marker sizes are in points
        marked = [
            (collection.get_offsets(), np.sqrt(collection.get_sizes()).max(initial=0) / 2 * to_pixels)
            for collection in ax.collections  # scatter points (contours and meshes have no markers)
            if isinstance(collection, PathCollection) and len(collection.get_offsets())
        ]
        marked += [
            (line.get_xydata(), line.get_markersize() / 2 * to_pixels)
            for line in ax.get_lines()
            if line.get_marker() not in (None, "", " ", "None")
        ]
        for xy, radius in marked:  # a marker overlapping the box by any part counts
            for (x, y), (px, py) in zip(xy, ax.transData.transform(xy)):
                if box.x0 - radius <= px <= box.x1 + radius and box.y0 - radius <= py <= box.y1 + radius:
                    hidden.append((float(x), float(y)))
    return hidden


AUDIENCE_PX = 20  # the smallest text a room reads on a 1280x720 slide
SLIDE_FIGURE_PX = 1100  # the widest picture a slide shows at its own size (its output area is about 1,120 px)


def drawn_text(fig) -> list[tuple[float, str]]:
    """Every piece of text ``fig`` draws, as (its type size in screen px at the figure's dpi, the text),
    smallest first: what the renderer is asked to draw, so hidden labels and unused ticks don't count.
    Sub- and superscripts in math text are drawn at 70% of their label's size, as the slides' MathJax
    draws them in the text; ``plain_log_labels`` keeps them off log axes' numbers."""
    from matplotlib.backends.backend_agg import RendererAgg

    class Recorder(RendererAgg):
        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if s.strip():
                texts.append((prop.get_size_in_points() * fig.dpi / 72, s))
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    texts = []
    fig.draw_without_rendering()  # lays out (constrained layout) as the real drawing will
    width, height = fig.bbox.size
    fig.draw(Recorder(int(width), int(height), fig.dpi))
    return sorted(texts)


def plain_log_labels(fig) -> None:
    """Label ``fig``'s log axes 1e-3, 0.01, 1, 100, 1e4 instead of matplotlib's 10 to a superscript: a
    superscript is drawn at 70% of the label's size, and an exponent is what a reader must not miss."""
    from matplotlib.ticker import LogFormatter, LogFormatterSciNotation

    class Plain(LogFormatter):
        def _num_to_string(self, x, vmin, vmax):
            if 0.01 <= abs(x) < 1e4:
                return f"{x:g}"
            mantissa, exponent = f"{x:.0e}".split("e")
            return f"{mantissa}e{int(exponent)}"

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                old = get()
                if isinstance(old, LogFormatterSciNotation):
                    put(
                        Plain(
                            base=old._base,
                            labelOnlyBase=old.labelOnlyBase,
                            minor_thresholds=old.minor_thresholds,
                            linthresh=old._linthresh,
                        )
                    )


def figure_png(fig) -> bytes:
    """``fig`` as PNG bytes, cropped and sized as the notebook's inline backend would show it."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, fmt="png", bbox_inches="tight")


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def picture_bundle(description: str, png: bytes) -> tuple[dict, dict]:
    """The display data and metadata that show the PNG ``png`` with ``description`` as its alt text."""
    text = check_description(description)
    png = base64.b64encode(png).decode("ascii")
    tag = f'<img src="data:image/png;base64,{png}" alt="{html.escape(text, quote=True)}">'
    return {"text/html": tag, "text/plain": text}, {"alt": text}


def show_figure(description: str, fig=None) -> None:
    """Display ``fig`` (default: pyplot's current figure) with ``description`` as its text
    alternative, then close it so that the inline backend does not show it a second time.

    ``description`` says what the figure shows and what to notice in it, with the numbers that
    matter; compute those numbers (an f-string) rather than typing them. Log axes are labelled
    1e-3 rather than with superscripts (``plain_log_labels``).
    """
    import matplotlib.pyplot as plt
    from IPython.display import publish_display_data

    fig = plt.gcf() if fig is None else fig
    plain_log_labels(fig)
    hidden = points_under_legends(fig)
    if hidden:  # a warning lands in the cell's output, where the notebook tests see it
        warnings.warn(f"the legend hides data point(s) {hidden}: place it elsewhere", stacklevel=2)
    data, metadata = picture_bundle(description, figure_png(fig))
    texts = drawn_text(fig)  # for the slide check (tests/lessons/test_figures_readable.py): the smallest label
    metadata["smallest_text_px"] = round(texts[0][0], 1) if texts else None
    plt.close(fig)
    publish_display_data(data, metadata=metadata)


LIVE_NOTE = "A live widget: run this cell to use it."
SNAPSHOT_NOTE = f"{LIVE_NOTE} (Until then, this is a picture of how it starts.)"


def snapshot_html(png: bytes, width: str, description: str) -> str:
    """A widget's picture as a notebook keeps it for when the live widget cannot be drawn: the PNG
    ``png`` at CSS ``width`` ('' for its own size) with ``description`` as its alt text, then a line
    saying how to make it live."""
    size = f' style="width: {width}"' if width.endswith("px") else ""
    return (
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"{size} '
        f'alt="{html.escape(check_description(description), quote=True)}"><p><i>{SNAPSHOT_NOTE}</i></p>'
    )


def show_picture(description: str, picture) -> None:
    """Display a picture drawn without matplotlib with ``description`` as its text alternative:
    PNG bytes, or a ``raster`` canvas shown at its own size, whose smallest text is then recorded
    for the slide check as ``show_figure`` records a figure's."""
    from IPython.display import publish_display_data

    png = picture if isinstance(picture, bytes) else picture.png()
    data, metadata = picture_bundle(description, png)
    if not isinstance(picture, bytes):
        metadata["smallest_text_px"] = round(picture.smallest_text, 1)
    publish_display_data(data, metadata=metadata)
