"""The loss explorer, driven headlessly: slider and toggle in, readout and picture out.

Expected values are recomputed here from the formulas, and each slope is also
checked against a centred difference of the loss itself.
"""

import io
import re

import numpy as np
import pytest
from PIL import Image

from course_lib import CourseError
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.loss import loss_explorer


def mse(p, y):
    return (p - y) ** 2


def bce(p, y):
    return -np.log(p) if y == 1 else -np.log(1 - p)


def centred_slope(f, p, y, h=1e-6):
    return (f(p + h, y) - f(p - h, y)) / (2 * h)


def readout_number(widget, name):
    match = re.search(rf"data-name='{name}'>([-+0-9.eE]+)<", widget.readout.value)
    assert match, f"no {name!r} in readout {widget.readout.value!r}"
    return float(match.group(1))


@pytest.fixture(scope="module")
def shared():
    """One widget for the many-settings tests: building one per setting is slow."""
    return loss_explorer()


def test_is_a_lesson_widget_with_the_promised_controls():
    widget = loss_explorer()
    assert isinstance(widget, LessonWidget)
    assert set(widget.controls) == {"p", "target"}
    assert (widget.controls["p"].min, widget.controls["p"].max) == (0.01, 0.99)
    assert sorted(value for _, value in widget.controls["target"].options) == [0, 1]
    assert bytes(widget.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("target", [0, 1])
@pytest.mark.parametrize("p", [0.01, 0.05, 0.3, 0.5, 0.82, 0.99])
def test_readout_gives_both_losses_and_slopes(shared, p, target):
    widget = shared
    widget.controls["target"].value = target
    widget.controls["p"].value = p
    mse_slope = 2 * (p - target)
    bce_slope = -1 / p if target == 1 else 1 / (1 - p)
    assert readout_number(widget, "p") == pytest.approx(p)
    assert readout_number(widget, "mse") == pytest.approx(mse(p, target), abs=5e-5)
    assert readout_number(widget, "bce") == pytest.approx(bce(p, target), abs=5e-5)
    assert readout_number(widget, "mse-slope") == pytest.approx(mse_slope, abs=5e-5)
    assert readout_number(widget, "bce-slope") == pytest.approx(bce_slope, abs=5e-5)
    assert readout_number(widget, "slope-ratio") == pytest.approx(abs(bce_slope / mse_slope), abs=5e-3)
    # the slopes are the derivatives of the losses, numerically
    assert widget.slopes["mse"] == pytest.approx(centred_slope(mse, p, target), rel=1e-6)
    assert widget.slopes["bce"] == pytest.approx(centred_slope(bce, p, target), rel=1e-6)


@pytest.mark.parametrize("target", [0, 1])
def test_picture_shows_curves_points_and_tangents(target):
    widget = loss_explorer()
    widget.controls["target"].value = target
    p = 0.2
    widget.controls["p"].value = p
    xs = widget.CURVE_P
    assert xs.min() > 0 and xs.max() < 1
    for name, f in (("mse", mse), ("bce", bce)):
        np.testing.assert_allclose(widget.curves[name], [f(x, target) for x in xs], rtol=1e-12)
        assert widget.losses[name] == pytest.approx(f(p, target))
        (x0, x1), (y0, y1) = widget.tangents[name]
        assert x0 < p < x1
        assert (y1 - y0) / (x1 - x0) == pytest.approx(centred_slope(f, p, target), rel=1e-6)
        # it touches the curve at p
        assert y0 + (p - x0) * (y1 - y0) / (x1 - x0) == pytest.approx(f(p, target))
    # The PNG shows each point in its curve's colour where the axes put (p, loss).
    pixels = np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB")).astype(int)
    for name in ("mse", "bce"):
        px, py = (int(round(float(v) * widget.canvas.scale)) for v in widget.axes.px(p, widget.losses[name]))
        assert np.abs(pixels[py, px] - widget.COLOURS[name][0]).max() <= 2, name


def test_drawn_at_its_shown_size_and_short_enough_to_see_slider_and_numbers_together():
    widget = loss_explorer()
    height, width = np.asarray(Image.open(io.BytesIO(widget.image.value))).shape[:2]
    s = widget.canvas.scale  # drawn at twice the pixel density it is shown at
    assert (widget.image.layout.width, widget.image.layout.height) == (f"{width // s}px", f"{height // s}px")
    assert height // s <= 300, "slider, picture and readout must fit on one screen"
    assert widget.controls["p"].continuous_update


def test_controls_redraw_the_picture():
    widget = loss_explorer(p=0.7, target=1)
    first, updates = widget.image.value, widget.updates
    widget.controls["p"].value = 0.1
    assert widget.updates == updates + 1 and widget.image.value != first
    second = widget.image.value
    widget.controls["target"].value = 0
    assert widget.image.value != second
    assert widget.curves["bce"][0] == pytest.approx(-np.log(1 - widget.CURVE_P[0]))


def test_cross_entropy_is_steeper_when_confidently_wrong():
    widget = loss_explorer(p=0.01, target=1)
    assert abs(widget.slopes["bce"]) > 40 * abs(widget.slopes["mse"])
    widget.controls["p"].value = 0.99
    assert abs(widget.slopes["bce"]) == pytest.approx(1 / 0.99)


def test_bad_arguments_are_explained():
    with pytest.raises(CourseError, match="target must be 0 or 1"):
        loss_explorer(target=2)
    with pytest.raises(CourseError, match="between 0.01 and 0.99"):
        loss_explorer(p=1.0)
