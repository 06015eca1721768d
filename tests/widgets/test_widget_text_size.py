"""Every widget's picture is readable from the back of a room: each text in it is at least 20 px on the
page (``described.AUDIENCE_PX``), in every state a lecturer reaches, because a slide shows the picture
at the size the notebook does."""
from __future__ import annotations

import importlib

import pytest

from course_lib.drawing.described import AUDIENCE_PX, drawn_text
from test_widget_snapshots import matplotlib_widget
from test_widgets_playground_live import play


def drive(widget, **values):
    for name, value in values.items():
        widget.controls[name].value = value


def raster_states(make: str):
    """The widget ``make`` and the settings that draw each of its texts (titles, notes, captions)."""
    if make == "neuron":
        from course_lib.widgets.neuron import neuron_explorer
        return neuron_explorer(points="xor"), [dict(activation="relu"), dict(activation="leaky_relu", b=-3.0)]
    if make == "loss":
        from course_lib.widgets.loss import loss_explorer
        return loss_explorer(), [dict(target=0), dict(p=0.01)]
    if make == "descent":
        from course_lib.widgets.descent import learning_rate_explorer
        return learning_rate_explorer(), [dict(learning_rate=1.2, steps=30), dict(learning_rate=0.5)]
    if make == "stepper":
        from course_lib.widgets.stepper import backprop_stepper
        widget = backprop_stepper()
        return widget, [dict(step=k) for k in range(widget.controls["step"].max + 1)]
    raise KeyError(make)


@pytest.mark.parametrize("make", ["neuron", "loss", "descent", "stepper"])
def test_a_raster_widgets_text_is_20_px(make):
    widget, states = raster_states(make)
    for state in states:
        drive(widget, **state)
    assert widget.canvas.smallest_text >= AUDIENCE_PX, (
        f"the {make} widget drew text at {widget.canvas.smallest_text} px; a room reads {AUDIENCE_PX} px")


def test_the_playgrounds_text_is_20_px():
    """Its every text: the deepest network with every feature (titles, names, a legend of seven layers), a
    penalty in the header, a sample's backward pass in the caption, and a diverged run's warning."""
    from course_lib.widgets.playground import playground

    deep = playground(dataset="spiral", classes=3, hidden=(8, 8, 8, 8, 8, 8), regularization="L2",
                      regularization_rate=0.01, features=["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    smallest = deep.canvas.smallest_text
    play(deep, 2)
    deep.controls["sample"].value = 3
    smallest = min(smallest, deep.canvas.smallest_text)   # each frame is drawn afresh
    wild = playground(activation="linear")
    wild.controls["learning_rate"].value = 10.0
    play(wild, 5)
    assert wild.model.diverged, "the diverged run's warning is drawn too"
    smallest = min(smallest, wild.canvas.smallest_text)
    assert smallest >= AUDIENCE_PX, f"the playground drew text at {smallest} px; a room reads {AUDIENCE_PX} px"


@pytest.mark.parametrize("make", ["gradient_flow", "init_scale", "minibatch", "digit_reader"])
def test_a_matplotlib_widgets_text_is_20_px(make):
    widget = matplotlib_widget(make)()
    shown = importlib.import_module(f"course_lib.widgets.{make}").CSS_DPI / widget.figure.dpi
    size, text = drawn_text(widget.figure)[0]
    assert size * shown >= AUDIENCE_PX - 0.05, f"{text!r} is {size * shown:.1f} px on the page"
