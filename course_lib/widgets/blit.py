"""Fast pictures for dragged sliders: redraw only what moves, over a cached background.

Most of a matplotlib render is text: tick labels, axis labels, titles. While a slider
is dragged only the data change (bar heights, an image, a line), so the axes are drawn
once into a background; each update restores it, draws the changing ("animated")
artists on top and encodes the pixels as PNG with light compression. Anything that
changes the axes themselves (limits, ticks, labels) must call ``invalidate()`` so the
next picture is drawn in full.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


class BlitPicture:
    """PNG pictures of ``figure`` in which only ``artists`` are redrawn between calls to ``invalidate``.

    The artists are marked animated, so a full draw leaves them out of the background.
    """

    def __init__(self, figure: Figure, artists):
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self._background = None
        self.full_draws = 0  # how many times the background was drawn: handy in tests

    def invalidate(self) -> None:
        """The axes changed: draw everything afresh next time."""
        self._background = None

    def png(self) -> bytes:
        """The figure as PNG bytes, at the figure's size and dpi."""
        if self._background is None:
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for artist in self.artists:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()
