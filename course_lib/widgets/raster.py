"""Fast pictures for live widgets: numpy arrays straight to PNG, no matplotlib on the way.

A matplotlib figure takes 50-200 ms to redraw; a widget that must answer a slider in
well under that draws its changing parts here instead. The idea is small:

- colour a 2-D array of numbers through a lookup table (``colourize``), or mix class
  colours by probability (``mix_colours``): pure numpy, microseconds per thousand pixels;
- paste those pixel blocks onto a ``Canvas`` and add lines, dots, text and small line
  charts on top (Pillow's ``ImageDraw``, which matplotlib itself depends on);
- encode the canvas as PNG at low compression (``Canvas.png``): about 10 ms for 980 x 530 pixels.

Every picture is drawn at the pixel size it is shown at, so nothing is rescaled in the
browser. Colours are RGB tuples of ints in 0..255; array shapes are (height, width, 3) uint8.

In a widget::

    canvas = Canvas(400, 300)                                  # or background.copy(), drawn once
    canvas.paste(upscale(colourize(values, -1.0, 1.0), 4), 10, 10)   # values (h, w) -> 4x pixels
    canvas.chart((0, 200, 400, 300), [("loss", losses, BLACK)], title="loss per epoch")
    widget.image.value = canvas.png()                          # an ipywidgets.Image(format="png")
"""

from __future__ import annotations

import importlib.util
import io
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "ORANGE",
    "BLUE",
    "WHITE",
    "GREY",
    "BLACK",
    "CLASS_COLOURS",
    "MARKERS",
    "diverging_lut",
    "ramp_lut",
    "lut_through",
    "colourize",
    "mix_colours",
    "lighten",
    "resize",
    "upscale",
    "font",
    "nice_ticks",
    "Canvas",
]

ORANGE = (245, 147, 34)  # negative values, class 0
BLUE = (8, 119, 189)  # positive values, class 1
WHITE = (255, 255, 255)
GREY = (150, 150, 150)
BLACK = (0, 0, 0)
# Class colours beyond the first two: chosen to stay apart from each other and from orange/blue for
# every reader, also under simulated protanopia and deuteranopia (tests/tools/test_colour_and_contrast.py),
# and with a marker shape per class (``MARKERS``) so that no class is told apart by colour alone.
CLASS_COLOURS = (
    ORANGE,
    BLUE,
    (110, 60, 20),
    (100, 210, 230),
    (130, 130, 130),
    (20, 40, 100),
    (255, 225, 90),
    (120, 120, 30),
)
MARKERS = ("circle", "square", "triangle", "diamond", "down", "circle", "square", "triangle")
# A chart's curves, one shape each: seven, as many as the playground has weight layers (6 hidden + output).
CURVE_MARKERS = ("circle", "square", "triangle", "diamond", "down", "plus", "cross")


@lru_cache(maxsize=16)
def diverging_lut(low=ORANGE, middle=WHITE, high=BLUE, size: int = 256) -> np.ndarray:
    """A (size, 3) uint8 colour table from ``low`` through ``middle`` to ``high``, linear in RGB."""
    t = np.linspace(-1.0, 1.0, size)[:, None]
    low, middle, high = (np.asarray(c, dtype=np.float64) for c in (low, middle, high))
    table = np.where(t < 0, middle + (-t) * (low - middle), middle + t * (high - middle))
    table = np.rint(table).astype(np.uint8)
    table.setflags(write=False)  # shared through the cache: nobody may change it
    return table


@lru_cache(maxsize=32)
def ramp_lut(start=WHITE, end=BLUE, size: int = 256) -> np.ndarray:
    """A (size, 3) uint8 colour table running linearly from ``start`` to ``end``."""
    t = np.linspace(0.0, 1.0, size)[:, None]
    table = np.rint(np.asarray(start, float) + t * (np.asarray(end, float) - np.asarray(start, float)))
    table = table.astype(np.uint8)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=8)
def lut_through(stops: tuple, size: int = 256) -> np.ndarray:
    """A (size, 3) uint8 colour table through the colours ``stops``, evenly spaced, linear in RGB between them."""
    anchors = np.asarray(stops, dtype=np.float64)
    at, t = np.linspace(0.0, 1.0, len(anchors)), np.linspace(0.0, 1.0, size)
    table = np.rint(np.column_stack([np.interp(t, at, anchors[:, k]) for k in range(3)])).astype(np.uint8)
    table.setflags(write=False)
    return table


def colourize(values: np.ndarray, vmin: float = -1.0, vmax: float = 1.0, lut: np.ndarray | None = None) -> np.ndarray:
    """Colour an array of numbers: values (h, w) -> (h, w, 3) uint8.

    ``vmin`` gets the table's first colour, ``vmax`` its last; values outside are clipped.
    NaN or infinite values are drawn grey, never raised about: a live picture must not stop.
    """
    lut = diverging_lut() if lut is None else lut
    values = np.asarray(values, dtype=np.float64)
    span = vmax - vmin if vmax > vmin else 1.0
    with np.errstate(invalid="ignore"):
        scaled = (values - vmin) * ((len(lut) - 1) / span)
    finite = np.isfinite(scaled)
    index = np.clip(np.where(finite, scaled, 0.0), 0, len(lut) - 1).astype(np.intp)
    rgb = lut[index]
    if not finite.all():
        rgb[~finite] = GREY
    return rgb


def mix_colours(weights: np.ndarray, colours) -> np.ndarray:
    """Blend colours by weights: weights (h, w, k) summing to 1 along k, colours k RGB tuples -> (h, w, 3) uint8.

    With class probabilities as weights a confident region takes its class's colour and an
    undecided one a muddy mix, which is what the eye should read as "unsure".
    """
    palette = np.asarray(colours, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape[-1] != len(palette):
        raise ValueError(f"weights have {weights.shape[-1]} channels but {len(palette)} colours were given")
    return np.clip(np.rint(weights @ palette), 0, 255).astype(np.uint8)


def lighten(rgb: np.ndarray, amount: float) -> np.ndarray:
    """Move colours ``amount`` (0..1) of the way to white: (h, w, 3) uint8 -> same shape."""
    out = rgb.astype(np.float32)
    out += (255.0 - out) * amount
    return np.rint(out).astype(np.uint8)


def resize(rgb: np.ndarray, width: int, height: int, smooth: bool = True) -> np.ndarray:
    """Resample (h, w, 3) uint8 to (height, width, 3): bilinear when ``smooth``, else nearest. About 1 ms."""
    method = Image.BILINEAR if smooth else Image.NEAREST
    return np.asarray(Image.fromarray(np.ascontiguousarray(rgb), "RGB").resize((int(width), int(height)), method))


def upscale(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel becomes a ``factor`` x ``factor`` block: (h, w, 3) -> (h*factor, w*factor, 3)."""
    if factor == 1:
        return rgb
    return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1)


@lru_cache(maxsize=8)
def _typeface() -> str | None:
    """DejaVu Sans from matplotlib's own files: found without importing matplotlib, present wherever it is."""
    spec = importlib.util.find_spec("matplotlib")
    path = spec and spec.origin and Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return str(path) if path and path.is_file() else None


@lru_cache(maxsize=None)
def font(size: int = 11) -> ImageFont.ImageFont:
    """The pictures' font at ``size`` pixels: DejaVu Sans, the typeface of the lessons' matplotlib figures,
    which has the course's Greek (eta, sigma, Delta) and the square root. Pillow's bundled font, which has
    neither, only where matplotlib's file is missing. Needs no system fonts: it works offline everywhere."""
    face = _typeface()
    try:
        return ImageFont.truetype(face, size) if face else ImageFont.load_default(size=size)
    except (TypeError, OSError):  # a Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def nice_ticks(low: float, high: float, count: int = 3) -> list[float]:
    """A few round numbers (steps of 1, 2 or 5 times a power of ten) between low and high, for axis labels."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


_nice_ticks = nice_ticks  # the name other widgets imported first


class Canvas:
    """An RGB picture to paste pixel arrays on and draw lines, dots, text and charts over.

    ``pixels`` (height, width, 3) uint8 is a copy of the current picture; ``png()`` encodes it.
    Coordinates are pixels from the top-left corner, x to the right and y down.
    """

    smallest_text = float("inf")  # the smallest text drawn so far, in the pixels it is shown at
    scale = 1  # device pixels per pixel shown (``plot_axes.Picture`` draws at 2)

    def __init__(self, width: int, height: int, background=WHITE):
        self.width, self.height = int(width), int(height)
        self.image = Image.new("RGB", (self.width, self.height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.texts = []  # (where, text, size, anchor) of each text since the last clear(), in device pixels

    def clear(self, background=WHITE) -> None:
        """Paint the whole picture ``background`` and forget its texts: the start of a new frame."""
        self.draw.rectangle((0, 0, self.image.width - 1, self.image.height - 1), fill=background)
        self.texts = []

    def copy(self) -> "Canvas":
        """An independent canvas with the same picture: draw the parts that never change once, copy per frame."""
        twin = Canvas.__new__(Canvas)
        twin.width, twin.height = self.width, self.height
        twin.image = self.image.copy()
        twin.draw = ImageDraw.Draw(twin.image)
        twin.smallest_text, twin.texts = self.smallest_text, list(self.texts)
        return twin

    @property
    def pixels(self) -> np.ndarray:
        return np.asarray(self.image)

    def paste(self, rgb: np.ndarray, x: int, y: int) -> None:
        """Put an (h, w, 3) uint8 block with its top-left corner at (x, y)."""
        self.image.paste(Image.fromarray(np.ascontiguousarray(rgb), "RGB"), (int(x), int(y)))

    def rectangle(self, box, outline=None, fill=None, width: int = 1) -> None:
        """box = (x0, y0, x1, y1), corners included."""
        self.draw.rectangle([int(v) for v in box], outline=outline, fill=fill, width=width)

    def line(self, points, colour=BLACK, width: int = 1) -> None:
        """A polyline through ``points``, a sequence of (x, y) or an (n, 2) array."""
        pts = [(float(x), float(y)) for x, y in points]
        if len(pts) >= 2:
            self.draw.line(pts, fill=colour, width=max(int(round(width)), 1))

    def dots(self, xy: np.ndarray, colours, radius: float = 3.0, outline=WHITE, shapes=None) -> None:
        """Filled markers at the (n, 2) pixel positions ``xy``; ``colours`` one RGB per dot or one for all;
        ``shapes`` one name of ``MARKERS`` per dot (default: circles)."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if len(colours) == 3 and np.ndim(colours[0]) == 0:
            colours = [colours] * len(xy)
        shapes = ["circle"] * len(xy) if shapes is None else shapes
        for (x, y), colour, shape in zip(xy, colours, shapes):
            fill, r = tuple(colour), radius
            if shape == "circle":
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline)
            elif shape == "square":
                r *= 0.9  # the same area, roughly, as the circle
                self.draw.rectangle((x - r, y - r, x + r, y + r), fill=fill, outline=outline)
            else:
                r *= 1.25
                if shape in ("plus", "cross"):  # two strokes, each with the outline's colour around it
                    ends = (
                        (((x - r, y), (x + r, y)), ((x, y - r), (x, y + r)))
                        if shape == "plus"
                        else (((x - r, y - r), (x + r, y + r)), ((x - r, y + r), (x + r, y - r)))
                    )
                    for stroke in ends:
                        if outline is not None:
                            self.draw.line(stroke, fill=outline, width=4)
                    for stroke in ends:
                        self.draw.line(stroke, fill=fill, width=2)
                    continue
                corners = {
                    "triangle": ((x, y - r), (x + r, y + 0.75 * r), (x - r, y + 0.75 * r)),
                    "down": ((x, y + r), (x + r, y - 0.75 * r), (x - r, y - 0.75 * r)),
                    "diamond": ((x, y - r), (x + r, y), (x, y + r), (x - r, y)),
                }[shape]
                self.draw.polygon(corners, fill=fill, outline=outline)

    def text(self, xy, text: str, colour=BLACK, size: int = 11, anchor: str = "la", background=None) -> None:
        """Text at ``xy``; ``anchor`` is Pillow's: 'la' left-top, 'mm' centred, 'ra' right-top, 'ls' left-baseline...

        ``background``: a colour to fill the text's box with first, so it stays readable over lines.
        """
        self._text((float(xy[0]), float(xy[1])), text, colour, size, size, anchor, background)

    def _text(self, at, text: str, colour, shown_size, device_size, anchor: str, background) -> None:
        self.smallest_text = min(self.smallest_text, shown_size)
        if text.strip():
            self.texts.append((at, text, device_size, anchor))  # measured only when asked (text_boxes)
        if background is not None:
            self.draw.rectangle(self.draw.textbbox(at, text, font=font(device_size), anchor=anchor), fill=background)
        self.draw.text(at, text, fill=colour, font=font(device_size), anchor=anchor)

    @property
    def text_boxes(self) -> list[tuple]:
        """(x0, y0, x1, y1, text) of each text since the last ``clear()``, in the pixels it is shown at."""
        return [
            (*(v / self.scale for v in self.draw.textbbox(at, text, font=font(size), anchor=anchor)), text)
            for at, text, size, anchor in self.texts
        ]

    def chart(
        self,
        box,
        series,
        *,
        log: bool = False,
        title: str = "",
        xlabel: str = "",
        ymin=None,
        ymax=None,
        legend: bool = True,
        size: int = 11,
    ) -> tuple[float, float]:
        """A small line chart inside ``box`` = (x0, y0, x1, y1), its text ``size`` px, laid out around it.

        ``series`` is a list of (label, values (n,), colour); x is the index 0..n-1. Non-finite
        values and, on a ``log`` axis, values <= 0 are left out. Returns the y range drawn.
        Each curve also carries a marker of its own (``MARKERS``, a few along it and one in the
        legend), so that the curves are told apart without their colours.
        """
        x0, y0, x1, y1 = box
        line = size + 3  # a row of text
        labels = [label for label, *_ in series]
        entry = [22 + font(size).getlength(label) + 10 for label in labels]  # sample, label, gap
        legend_width = sum(entry) if legend else 0
        title_width = font(size).getlength(title) + 16 if title else 0
        # The legend shares the title's row when both fit, else it gets a row of its own.
        if title and legend_width:
            rows = 1 if title_width + legend_width <= x1 - x0 else 2
        else:
            rows = int(bool(title or legend_width))
        legend_row = y0 + line * (rows - 1) + line / 2
        # A tick at the top has half its label above the frame: room for it under the title's row.
        top, bottom, right = y0 + line * rows + size // 2 - 2, y1 - line - 2, x1 - 4
        if title:
            self.text((x0 + 2, y0), title, size=size)
        curves = []
        for label, values, colour in series:
            v = np.asarray(values, dtype=np.float64).reshape(-1)
            keep = np.isfinite(v) & ((v > 0) if log else True)
            if keep.any():
                curves.append((label, np.flatnonzero(keep), np.log10(v[keep]) if log else v[keep], colour))
        if not curves:
            self.rectangle((x0 + 2, top, right, bottom), outline=GREY)
            self.text(((x0 + right) / 2, (top + bottom) / 2), "nothing yet", GREY, size=size, anchor="mm")
            return (math.nan, math.nan)
        n = max(int(idx[-1]) for _, idx, _, _ in curves) + 1
        low = min(float(v.min()) for *_, v, _ in curves) if ymin is None else (math.log10(ymin) if log else ymin)
        high = max(float(v.max()) for *_, v, _ in curves) if ymax is None else (math.log10(ymax) if log else ymax)
        if high - low < 1e-12:
            low, high = low - 0.5, high + 0.5
        pad = 0.05 * (high - low)
        low, high = low - pad, high + pad
        ticks = nice_ticks(low, high, count=2 if bottom - top < 4 * line else 3)
        names = [
            (f"1e{round(t):d}" if abs(t - round(t)) < 1e-9 else f"{10**t:.2g}") if log else f"{t:.3g}" for t in ticks
        ]
        left = x0 + max((font(size).getlength(name) for name in names), default=0) + 8
        self.rectangle((left, top, right, bottom), outline=GREY)
        sx = (right - left - 2) / max(n - 1, 1)
        sy = (bottom - top - 2) / (high - low)
        for tick, name in zip(ticks, names):
            y = bottom - 1 - (tick - low) * sy
            self.line([(left - 3, y), (left, y)], GREY)
            self.text((left - 5, y), name, (90, 90, 90), size=size, anchor="rm")
        self.text((left, bottom + 2), "0", (90, 90, 90), size=size)
        self.text((right, bottom + 2), str(n - 1), (90, 90, 90), size=size, anchor="ra")
        if xlabel:
            self.text(((left + right) / 2, bottom + 2), xlabel, (90, 90, 90), size=size, anchor="ma")
        shape = {label: CURVE_MARKERS[k % len(CURVE_MARKERS)] for k, (label, *_) in enumerate(series)}
        for label, idx, v, colour in curves:
            xs = left + 1 + idx * sx
            ys = bottom - 1 - (np.clip(v, low, high) - low) * sy
            if len(xs) > 1:
                self.line(np.column_stack([xs, ys]), colour, width=2)
            marked = np.unique(np.linspace(0, len(xs) - 1, min(len(xs), 6)).round().astype(int))
            self.dots(
                np.column_stack([xs[marked], ys[marked]]),
                colour,
                radius=3,
                outline=WHITE,
                shapes=[shape[label]] * len(marked),
            )
        if legend:  # right-aligned, in the title's row or the row under it
            x = x1 - 4
            for label, *_, colour in reversed(curves):
                x -= font(size).getlength(label)
                self.text((x, legend_row), label, size=size, anchor="lm")
                self.line([(x - 20, legend_row), (x - 4, legend_row)], colour, width=2)
                self.dots(np.array([[x - 12, legend_row]]), colour, radius=3, outline=WHITE, shapes=[shape[label]])
                x -= 22 + 10
        return (10**low, 10**high) if log else (low, high)

    def png(self, compress_level: int = 3) -> bytes:
        """The picture as PNG bytes. zlib level 3 of 9: measured about as fast as level 1 on these
        pictures, with smaller files, and twice as fast as Pillow's default (6)."""
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", compress_level=compress_level)
        return buffer.getvalue()
