"""Data axes on a raster ``Picture``: what the lesson widgets need of a plot, drawn in milliseconds.

A matplotlib figure takes 100-250 ms to redraw and encode, too slow for a picture that follows
a slider while it is dragged. ``PixelAxes`` maps a data rectangle onto a pixel box of a
``raster.Canvas`` and draws into it: a frame with round-number ticks, curves, markers, straight
and dashed lines, a heat map, a colour bar. Everything is drawn at the pixel size it is shown.

Coordinates: data (x, y) with y up; pixels (px, py) from the canvas's top-left corner, y down.
"""

from __future__ import annotations

import math

import numpy as np

from ..drawing.described import AUDIENCE_PX
from .raster import BLACK, GREY, WHITE, Canvas, _nice_ticks, font, upscale

__all__ = [
    "Picture",
    "PixelAxes",
    "INK",
    "LABEL",
    "TEXT_PX",
    "colour_bar",
    "dashed_segments",
    "decade_label",
    "star_points",
]

TEXT_PX = AUDIENCE_PX  # every label, tick and title: read from the back of a room when a slide shows it

INK = (40, 40, 40)  # frame and text
LABEL = (90, 90, 90)  # tick labels
GRID = (232, 232, 232)


class Picture(Canvas):
    """A ``Canvas`` addressed in CSS pixels and drawn at ``scale`` device pixels per CSS pixel.

    A widget lays its picture out in the pixels it is shown at (``css_width`` x ``css_height``) and
    the image widget is given that CSS size; the PNG holds ``scale`` times as many pixels each way,
    so the picture stays sharp on high-density screens and in a slide deck scaled up to a large
    projector. Arrays pasted in are in CSS pixels and are enlarged (each pixel a block).
    """

    def __init__(self, width: int, height: int, scale: int = 2, background=WHITE):
        super().__init__(width * scale, height * scale, background)
        self.css_width, self.css_height, self.scale = int(width), int(height), int(scale)

    def _xy(self, points):
        s = self.scale
        return [(float(x) * s, float(y) * s) for x, y in points]

    def paste(self, rgb: np.ndarray, x: int, y: int) -> None:
        s = self.scale
        super().paste(upscale(np.ascontiguousarray(rgb), s), round(x * s), round(y * s))

    def rectangle(self, box, outline=None, fill=None, width: int = 1) -> None:
        s = self.scale
        x0, y0, x1, y1 = (float(v) for v in box)
        # A box's corners are included: its right/bottom edge is the last pixel of the CSS pixel.
        self.draw.rectangle(
            [round(x0 * s), round(y0 * s), round((x1 + 1) * s) - 1, round((y1 + 1) * s) - 1],
            outline=outline,
            fill=fill,
            width=max(1, round(width * s)),
        )

    def line(self, points, colour=BLACK, width: int = 1) -> None:
        pts = self._xy(points)
        if len(pts) >= 2:
            self.draw.line(pts, fill=colour, width=max(int(round(width * self.scale)), 1), joint="curve")

    def ellipse(self, box, fill=None, outline=None, width: int = 1) -> None:
        s = self.scale
        self.draw.ellipse([float(v) * s for v in box], fill=fill, outline=outline, width=max(1, round(width * s)))

    def polygon(self, points, fill=None, outline=None) -> None:
        self.draw.polygon(self._xy(points), fill=fill, outline=outline)

    def dots(self, xy: np.ndarray, colours, radius: float = 3.0, outline=WHITE) -> None:
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if len(colours) == 3 and np.ndim(colours[0]) == 0:
            colours = [colours] * len(xy)
        for (x, y), colour in zip(xy, colours):
            self.ellipse((x - radius, y - radius, x + radius, y + radius), fill=tuple(colour), outline=outline)

    def text(self, xy, text: str, colour=BLACK, size: int = TEXT_PX, anchor: str = "la", background=None) -> None:
        s = self.scale
        self._text((float(xy[0]) * s, float(xy[1]) * s), text, colour, size, size * s, anchor, background)

    def text_width(self, text: str, size: int) -> float:
        """How wide ``text`` is in CSS pixels."""
        return font(size * self.scale).getlength(text) / self.scale


def star_points(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """The 10 corners of a five-pointed star centred at (cx, cy), point up."""
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def colour_bar(canvas: Picture, box, low: float, high: float, colours, ticks) -> None:
    """A colour bar filling ``box``: ``colours`` (values -> RGB) from ``high`` at the top to ``low`` at the
    bottom, framed, with ``ticks`` (value, label) on its right."""
    left, top, right, bottom = box
    values = np.linspace(high, low, bottom - top)[:, None] * np.ones((1, right - left))
    canvas.paste(colours(values), left, top)
    canvas.rectangle(box, outline=INK)
    for value, label in ticks:
        y = bottom - (value - low) / (high - low) * (bottom - top)
        canvas.line([(right, y), (right + 4, y)], INK)
        canvas.text((right + 6, y), label, LABEL, anchor="lm")


def decade_label(d: int) -> str:
    """10 to the power ``d`` as a tick reads it: 1e-8, 1, 1e4 (the picture's font has no superscripts)."""
    return "1" if d == 0 else f"1e{d}"


def dashed_segments(
    p0, p1, dash: float = 7.0, gap: float = 5.0
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The dashes of a dashed straight line from pixel p0 to p1."""
    (x0, y0), (x1, y1) = p0, p1
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return []
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    segments, s = [], 0.0
    while s < length:
        e = min(s + dash, length)
        segments.append(((x0 + ux * s, y0 + uy * s), (x0 + ux * e, y0 + uy * e)))
        s += dash + gap
    return segments


def _label(value: float) -> str:
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0.0", "-0.0") else text  # Pillow's bundled font has no U+2212 minus


class PixelAxes:
    """The data rectangle ``xlim`` x ``ylim`` drawn in the pixel ``box`` = (left, top, right, bottom).

    ``px(x, y)`` gives pixel positions (arrays welcome); values outside the limits map outside
    the box, and ``plot`` clips what it draws to the box.
    """

    def __init__(self, canvas: Picture, box, xlim, ylim, text_size: int = TEXT_PX):
        self.canvas = canvas
        self.left, self.top, self.right, self.bottom = (float(v) for v in box)
        self.xlim = (float(xlim[0]), float(xlim[1]))
        self.ylim = (float(ylim[0]), float(ylim[1]))
        self.text_size = text_size
        self.title_gap = 6  # between the box and its title's baseline

    @property
    def width(self) -> int:
        return int(round(self.right - self.left))

    @property
    def height(self) -> int:
        return int(round(self.bottom - self.top))

    def px(self, x, y):
        """Data (x, y) -> pixel (px, py); numbers or arrays of the same shape."""
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        px = self.left + (np.asarray(x, dtype=np.float64) - x0) * (self.right - self.left) / (x1 - x0)
        py = self.bottom - (np.asarray(y, dtype=np.float64) - y0) * (self.bottom - self.top) / (y1 - y0)
        return px, py

    def data(self, px, py):
        """Pixel (px, py) -> data (x, y): the inverse of ``px``."""
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        x = x0 + (np.asarray(px, dtype=np.float64) - self.left) * (x1 - x0) / (self.right - self.left)
        y = y0 + (self.bottom - np.asarray(py, dtype=np.float64)) * (y1 - y0) / (self.bottom - self.top)
        return x, y

    # ------------------------------------------------------------------ furniture
    def frame(
        self,
        title: str = "",
        xlabel: str = "",
        ylabel: str = "",
        grid: bool = True,
        xticks=None,
        yticks=None,
        xtick_labels=None,
        ytick_labels=None,
    ) -> None:
        """Box, ticks (round numbers unless given, labelled by their values unless labels are given), optional
        grid lines, axis labels and a title above."""
        c, size = self.canvas, self.text_size
        xticks = _nice_ticks(*self.xlim, count=4) if xticks is None else list(xticks)
        yticks = _nice_ticks(*self.ylim, count=4) if yticks is None else list(yticks)
        xtick_labels = [_label(x) for x in xticks] if xtick_labels is None else list(xtick_labels)
        ytick_labels = [_label(y) for y in yticks] if ytick_labels is None else list(ytick_labels)
        for x, text in zip(xticks, xtick_labels):
            px, _ = self.px(x, 0)
            if grid:
                c.line([(px, self.top), (px, self.bottom)], GRID)
            c.line([(px, self.bottom), (px, self.bottom + 4)], INK)
            c.text((px, self.bottom + 6), text, LABEL, size=size, anchor="ma")
        for y, text in zip(yticks, ytick_labels):
            _, py = self.px(0, y)
            if grid:
                c.line([(self.left, py), (self.right, py)], GRID)
            c.line([(self.left - 4, py), (self.left, py)], INK)
            c.text((self.left - 6, py), text, LABEL, size=size, anchor="rm")
        c.rectangle((self.left, self.top, self.right, self.bottom), outline=INK)
        if title:
            self.title(title)
        if xlabel:
            c.text(((self.left + self.right) / 2, self.bottom + 4 + size), xlabel, INK, size=size, anchor="ma")
        if ylabel:
            self.side_label(ylabel, max((c.text_width(text, size) for text in ytick_labels), default=0))

    def title(self, text: str) -> None:
        """``text`` centred over the box, but never cut by the picture's edge."""
        c, size = self.canvas, self.text_size
        half = c.text_width(text, size) / 2
        centre = min(max((self.left + self.right) / 2, half + 1), c.css_width - half - 1)
        c.text((centre, self.top - self.title_gap), text, INK, size=size, anchor="md")

    def log_ticks(self, decades, ylabel: str = "", grid: bool = False) -> None:
        """Y ticks at powers of ten, for data that are their exponents (log10 of the value): labelled
        1e-8, 1, 1e4 (the picture's font has no superscripts), and the y label left of them."""
        c, size = self.canvas, self.text_size
        labels = [decade_label(d) for d in decades]
        for d, text in zip(decades, labels):
            _, py = self.px(0, d)
            if grid:
                c.line([(self.left, py), (self.right, py)], GRID)
            c.line([(self.left - 4, py), (self.left, py)], INK)
            c.text((self.left - 6, py), text, LABEL, size=size, anchor="rm")
        if ylabel:
            self.side_label(ylabel, max((c.text_width(text, size) for text in labels), default=0))

    def side_label(self, text: str, widest: float) -> None:
        """The y label, written across (the font cannot turn), left of tick labels ``widest`` px wide with a
        clear gap, centred on the box's height; a label with line breaks takes a line each."""
        lines = text.split("\n")
        x, middle, step = self.left - 16 - widest, (self.top + self.bottom) / 2, self.text_size + 4
        for k, line in enumerate(lines):
            y = middle + (k - (len(lines) - 1) / 2) * step
            self.canvas.text((x, y), line, INK, size=self.text_size, anchor="rm")

    # ------------------------------------------------------------------ data
    def plot(self, x, y, colour, width: int = 2) -> None:
        """A curve through the points (x, y); pieces outside the box (or not finite) are left out."""
        px, py = self.px(x, y)
        inside = np.isfinite(px) & np.isfinite(py)
        inside &= (px >= self.left - 0.5) & (px <= self.right + 0.5)
        inside &= (py >= self.top - 0.5) & (py <= self.bottom + 0.5)
        # One polyline per run of consecutive visible points.
        edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(np.int8), [0]])))
        for start, stop in zip(edges[::2], edges[1::2]):
            if stop - start >= 2:
                self.canvas.line(np.column_stack([px[start:stop], py[start:stop]]), colour, width=width)

    def segment(self, p0, p1, colour, width: int = 2, dashed: bool = False) -> None:
        """A straight line between two data points (clipped to the box by the caller)."""
        a, b = (tuple(float(v) for v in self.px(*p)) for p in (p0, p1))
        pieces = dashed_segments(a, b) if dashed else [(a, b)]
        for s, e in pieces:
            self.canvas.line([s, e], colour, width=width)

    def hline(self, y: float, colour=GREY, width: int = 1) -> None:
        _, py = self.px(0, y)
        if self.top <= py <= self.bottom:
            self.canvas.line([(self.left, py), (self.right, py)], colour, width=width)

    def vline(self, x: float, colour=GREY, width: int = 1, dashed: bool = False) -> None:
        px, _ = self.px(x, 0)
        if self.left <= px <= self.right:
            pieces = (
                dashed_segments((px, self.top), (px, self.bottom), 4, 4)
                if dashed
                else [((px, self.top), (px, self.bottom))]
            )
            for s, e in pieces:
                self.canvas.line([s, e], colour, width=width)

    def inside(self, x: float, y: float) -> bool:
        px, py = self.px(x, y)
        return bool(self.left <= px <= self.right and self.top <= py <= self.bottom)

    def marker(self, x: float, y: float, colour, shape: str = "dot", radius: float = 6.0, outline=BLACK) -> None:
        """A dot, square or star at data (x, y), if it lies in the box."""
        if not (math.isfinite(x) and math.isfinite(y)) or not self.inside(x, y):
            return
        px, py = (float(v) for v in self.px(x, y))
        c = self.canvas
        if shape == "star":
            c.polygon(star_points(px, py, radius), fill=colour, outline=outline)
        elif shape == "square":
            c.rectangle((px - radius, py - radius, px + radius, py + radius), fill=colour, outline=outline)
        else:
            c.ellipse((px - radius, py - radius, px + radius, py + radius), fill=colour, outline=outline)

    def image(self, rgb: np.ndarray) -> None:
        """Fill the box with an (height, width, 3) uint8 picture, its first row at the top of the box."""
        if rgb.shape[:2] != (self.height, self.width):
            raise ValueError(f"the picture is {rgb.shape[1]}x{rgb.shape[0]} px; the box is {self.width}x{self.height}")
        self.canvas.paste(rgb, round(self.left), round(self.top))

    def pixel_grid(self):
        """Data coordinates of every pixel centre of the box: (x (h, w), y (h, w)), first row at the top."""
        cols = self.left + 0.5 + np.arange(self.width)
        rows = self.top + 0.5 + np.arange(self.height)
        x, _ = self.data(cols, np.zeros_like(cols))
        _, y = self.data(np.zeros_like(rows), rows)
        return np.meshgrid(x, y)

    def legend_width(self, entries) -> float:
        return max((self.canvas.text_width(label, self.text_size) for label, *_ in entries), default=0) + 34

    def legend_height(self, entries) -> float:
        return 6 + len(entries) * (self.text_size + 6)

    def legend(self, entries, x: float | None = None, y: float | None = None) -> None:
        """Entries (label, colour), or (label, colour, dashed), as short line samples on a white ground: at
        (x, y), or top-right inside the box."""
        size = self.text_size
        box_w = self.legend_width(entries)
        x = self.right - box_w - 6 if x is None else x
        y = self.top + 6 if y is None else y
        self.canvas.rectangle((x, y, x + box_w, y + self.legend_height(entries)), outline=GRID, fill=WHITE)
        for k, (label, colour, *dashed) in enumerate(entries):
            cy = y + 4 + k * (size + 6) + size / 2 + 1
            sample = ((x + 5, cy), (x + 25, cy))
            for a, b in dashed_segments(*sample) if any(dashed) else [sample]:
                self.canvas.line([a, b], colour, width=3)
            self.canvas.text((x + 30, cy), label, INK, size=size, anchor="lm")
