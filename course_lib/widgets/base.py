"""What every lesson widget shares: controls, a picture and a readout.

A lesson widget is an ``ipywidgets.VBox`` holding its controls, an
``ipywidgets.Image`` showing a matplotlib figure and an ``HTML`` readout. The
figure is a plain ``matplotlib.figure.Figure`` (no pyplot state, so nothing is
displayed twice) rendered to PNG on every update. Because the state lives in
ordinary attributes, a test can set a control's value and check ``figure`` and
``readout`` without a browser or a kernel.
"""
from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.figure import Figure


class LessonWidget(widgets.VBox):
    """Base class of the course's widgets.

    Subclasses build ``self.controls`` (a dict name -> ipywidget), draw on
    ``self.figure`` in ``update()``, and call ``self.render()`` at the end of it.
    ``update`` runs once at construction and again whenever a control changes.
    """

    def __init__(self, controls: dict, figsize=(6.0, 3.6), dpi: int = 90, **layout):
        self.controls = dict(controls)
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.image = widgets.Image(format="png")
        self.readout = widgets.HTML()
        self.updates = 0  # how many times update() ran: handy in tests
        control_box = widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([control_box, self.image, self.readout], **layout)
        for control in self.controls.values():
            if hasattr(control, "value"):
                control.observe(self._on_change, names="value")
        self._on_change()

    def _on_change(self, change=None) -> None:
        self.update()
        self.updates += 1

    def value(self, name: str):
        """The current value of the control called ``name``."""
        return self.controls[name].value

    def update(self) -> None:
        """Redraw the figure and readout from the controls' values."""
        raise NotImplementedError

    def render(self) -> None:
        """Render ``self.figure`` into the image widget as PNG."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()
