"""What every lesson widget shares: controls, a picture, a readout, and redraws that never pile up.

A lesson widget is an ``ipywidgets.VBox`` holding its controls, an
``ipywidgets.Image`` and an ``HTML`` readout. The picture is drawn straight from
numpy arrays with Pillow (``plot_axes`` on ``raster``), at the size it is shown,
in a few milliseconds: no matplotlib figure, which takes 50-250 ms to redraw.
Because the state lives in ordinary attributes, a test can set a control's value
and check the picture and ``readout`` without a browser or a kernel.

Latest value wins. A dragged slider sends a value every few milliseconds and the
kernel handles them one at a time, in order. If every value were drawn, a slow
picture would build a backlog and the widget would go on redrawing long after the
hand stopped. So a change that starts right after the previous one finished (it
was waiting in the queue, so newer values are probably behind it) has its redraw
put off briefly, on the kernel's event loop, and done once from the controls'
values at that time: the latest. A change that arrives when the kernel was idle is
drawn at once; outside a kernel (a script, a test) every change is drawn at once.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
import time

import ipywidgets as widgets
from traitlets import Unicode

from ..drawing.described import SNAPSHOT_NOTE, snapshot_html

# A visible keyboard focus on every control of a course widget (WCAG 2.4.7): ipywidgets' slider
# handles show none of their own. Scoped to the course's widgets, carried by each widget itself (a
# <style> in a hidden HTML child), since a notebook cannot add CSS to JupyterLab.
FOCUS_CSS = """<style>
.course-widget .noUi-handle:focus-visible, .course-widget .noUi-handle:focus,
.course-widget :is(button, select, input, textarea):focus-visible {
  outline: 2px solid #1a5fb4; outline-offset: 2px;
}
.course-widget :is(select, input, textarea):focus {
  box-shadow: 0 0 0 2px #1a5fb4 !important;
}
</style>"""
# ipywidgets' own CSS sets ``outline: none !important`` on its dropdowns and text boxes, so those show the
# course's focus as a ring (box-shadow) instead; the focus test accepts either.

QUEUED_GAP_S = 0.010  # a change starting this soon after the last one ended was waiting in the queue
COALESCE_DELAY_S = 0.030  # ... so its redraw waits this long for newer values
MAX_FRAME_GAP_S = 0.5  # but while changes pour in, the picture is never older than this


def kernel_event_loop():
    """The running event loop of the IPython kernel this code runs in; None anywhere else.

    Widgets put work off onto the kernel's loop only. A loop that belongs to something
    else in the same thread (a script's, or a test's browser driver, which keeps its
    loop marked as running) would run the callbacks at times nobody expects, or never.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop if in_a_kernel() else None


def in_a_kernel() -> bool:
    """Is this an IPython kernel (a notebook), rather than a script or a test?"""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


class DescribedImage(widgets.Image):
    """An ``Image`` whose ``tooltip`` becomes its picture's text alternative (the ``<img>``'s title).

    ipywidgets 8.1's front end sets the title only on a widget whose ``description`` is empty, and
    reads that ``description`` without checking it exists; ``Image`` has none, so a tooltip alone makes
    JupyterLab fail to draw the picture at all ("Could not create a view"). An empty description
    synced with the model is what the front end expects.
    """

    description = Unicode("").tag(sync=True)


class LessonWidget(widgets.VBox):
    """Base class of the course's widgets.

    Subclasses build ``self.controls`` (a dict name -> ipywidget) and implement
    ``update()``, which redraws from the controls' values into ``self.image.value``
    (PNG bytes) and ``self.readout.value``.
    ``update`` runs once at construction and again whenever a control changes
    (at most once per burst of queued changes).
    """

    _last_done = float("-inf")
    _last_drawn = float("-inf")
    _redraw_pending = False
    # What the picture shows, for readers who cannot see it; ``describe`` adds the readout's numbers.
    # Every subclass says it in its own words: a screen reader user has only this.
    PICTURE = ""

    def __init__(self, controls: dict, **layout):
        self.controls = dict(controls)
        self.image = DescribedImage(format="png")
        self.readout = widgets.HTML()
        self.updates = 0  # how many times update() ran: handy in tests
        control_box = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.focus_style = widgets.HTML(FOCUS_CSS, layout=widgets.Layout(display="none"))
        super().__init__([control_box, self.image, self.readout, self.focus_style], **layout)
        self.add_class("course-widget")
        # Named parts, for the deck's style (notebooks/rise.css lays a widget out for a 1280x720 slide).
        control_box.add_class("course-controls")
        self.image.add_class("course-picture")
        self.readout.add_class("course-readout")
        for control in self.controls.values():
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        # The picture's text alternative follows every redraw, whoever draws (``update``, a play loop):
        # the browser shows it as the image's title, which screen readers read as its name.
        self.image.observe(self._describe_picture, names="value")
        self.readout.observe(self._describe_picture, names="value")
        self._on_change()

    def _on_change(self, change=None) -> None:
        self.redraw(queued=change is not None and self.came_queued(time.perf_counter()))

    def came_queued(self, started: float) -> bool:
        """Did a change that started at ``started`` wait in the queue behind the previous one?"""
        return started - self._last_done < QUEUED_GAP_S and started - self._last_drawn < MAX_FRAME_GAP_S

    def redraw(self, queued: bool = False, draw=None) -> None:
        """Run ``draw`` (default: ``update``) now, or, for a queued change, once shortly after the queue drains."""
        draw = draw or self._update
        if not (queued and self._redraw_later(draw)):
            draw()
            self._last_drawn = time.perf_counter()
        self._last_done = time.perf_counter()

    def _redraw_later(self, draw) -> bool:
        """Schedule one redraw shortly; False outside a kernel, where no loop would run it."""
        loop = kernel_event_loop()
        if loop is None:
            return False
        if not self._redraw_pending:
            self._redraw_pending = True
            loop.call_later(COALESCE_DELAY_S, self._flush, draw)
        return True

    def _flush(self, draw) -> None:
        self._redraw_pending = False
        draw()
        self._last_drawn = time.perf_counter()

    def _update(self) -> None:
        self.update()
        self.updates += 1

    def describe(self) -> str:
        """The picture in words: what it shows (``PICTURE``) and the numbers the readout gives now."""
        readout = html.unescape(re.sub(r"<[^>]+>", " ", self.readout.value))
        return " ".join(f"{self.PICTURE} Now: {readout}".split()) if readout.strip() else self.PICTURE

    def _repr_mimebundle_(self, **kwargs):
        """The widget's output: the live view, and its picture as it is now, with a line saying how to
        make it live. JupyterLab draws the live view while the kernel that made it runs. A notebook
        saved by the course's JupyterLab keeps only the picture (``course_tools.widget_snapshots``),
        so a deck or a reopened notebook shows it instead of "Error displaying widget: model not found"."""
        data = super()._repr_mimebundle_(**kwargs)
        description = self.describe()
        try:
            picture = (
                snapshot_html(self.image.value, self.image.layout.width or "", description) if self.image.value else ""
            )
        except ValueError:  # a widget that does not describe its picture keeps no picture (lessons' are tested)
            picture = ""
        if not data or not picture:
            return data
        data["text/html"], data["text/plain"] = picture, SNAPSHOT_NOTE
        return data, {"alt": description}

    def _describe_picture(self, change=None) -> None:
        self.image.tooltip = self.describe()

    def value(self, name: str):
        """The current value of the control called ``name``."""
        return self.controls[name].value

    def update(self) -> None:
        """Redraw the picture and readout from the controls' values."""
        raise NotImplementedError
