"""The raster drawing module the playground draws with: colours, resampling, canvas and PNG."""

import io

import numpy as np
import pytest
from PIL import Image

from course_lib.widgets.raster import (
    BLUE,
    GREY,
    ORANGE,
    WHITE,
    Canvas,
    colourize,
    diverging_lut,
    lighten,
    mix_colours,
    ramp_lut,
    resize,
    upscale,
)


def test_diverging_table_ends_and_middle():
    lut = diverging_lut()
    assert lut.shape == (256, 3) and lut.dtype == np.uint8
    assert tuple(lut[0]) == ORANGE and tuple(lut[-1]) == BLUE
    assert np.all(lut[127:129] >= 250)  # the middle is (nearly) white
    with pytest.raises(ValueError):
        lut[0, 0] = 1  # shared through a cache: read-only
    ramp = ramp_lut(WHITE, BLUE)
    assert tuple(ramp[0]) == WHITE and tuple(ramp[-1]) == BLUE


def test_colourize_maps_clips_and_greys_out_non_finite_values():
    values = np.array([[-1.0, 0.0, 1.0], [-5.0, 5.0, np.nan]])
    rgb = colourize(values)
    assert rgb.shape == (2, 3, 3) and rgb.dtype == np.uint8
    assert tuple(rgb[0, 0]) == ORANGE and tuple(rgb[0, 2]) == BLUE
    assert tuple(rgb[1, 0]) == ORANGE and tuple(rgb[1, 1]) == BLUE  # clipped
    assert tuple(rgb[1, 2]) == GREY
    np.testing.assert_array_equal(colourize(np.array([2.0]), 0.0, 4.0), colourize(np.array([0.0])))


def test_mix_lighten_resize_upscale():
    weights = np.array([[[1.0, 0.0], [0.5, 0.5]]])
    mixed = mix_colours(weights, [ORANGE, BLUE])
    assert tuple(mixed[0, 0]) == ORANGE
    np.testing.assert_array_equal(mixed[0, 1], np.rint((np.array(ORANGE) + np.array(BLUE)) / 2))
    with pytest.raises(ValueError, match="2 channels but 3 colours"):
        mix_colours(weights, [ORANGE, BLUE, WHITE])
    assert tuple(lighten(np.array([[[0, 0, 0]]], np.uint8), 0.5)[0, 0]) == (128, 128, 128)
    block = upscale(mixed, 3)
    assert block.shape == (3, 6, 3) and tuple(block[2, 2]) == ORANGE and tuple(block[0, 5]) == tuple(mixed[0, 1])
    flat = np.full((4, 4, 3), 77, np.uint8)
    assert resize(flat, 10, 6).shape == (6, 10, 3) and np.all(resize(flat, 10, 6) == 77)


def test_canvas_round_trip_through_png():
    canvas = Canvas(40, 30)
    block = np.zeros((5, 7, 3), np.uint8)
    block[..., 2] = 200
    canvas.paste(block, 3, 4)
    canvas.line([(0, 29), (39, 29)], (255, 0, 0))
    canvas.text((20, 10), "hi", anchor="mm")
    copy = canvas.copy()
    copy.rectangle((30, 0, 39, 5), fill=(0, 255, 0))
    decoded = np.asarray(Image.open(io.BytesIO(canvas.png())).convert("RGB"))
    np.testing.assert_array_equal(decoded, canvas.pixels)
    np.testing.assert_array_equal(decoded[4:9, 3:10], block)
    assert tuple(decoded[29, 10]) == (255, 0, 0)
    assert tuple(decoded[0, 35]) == WHITE and tuple(copy.pixels[0, 35]) == (0, 255, 0)  # the copy is separate


def test_chart_draws_series_and_tolerates_nothing_to_draw():
    canvas = Canvas(200, 100)
    low, high = canvas.chart((0, 0, 200, 100), [("a", [3.0, 2.0, 1.0], (255, 0, 0))], title="t")
    assert low < 1.0 and high > 3.0
    assert np.any(np.all(canvas.pixels == (255, 0, 0), axis=-1))
    empty = Canvas(200, 100)
    result = empty.chart((0, 0, 200, 100), [("a", [0.0, np.nan], (255, 0, 0))], log=True)
    assert np.isnan(result[0])  # log axis, nothing positive: "nothing yet", no error, no warning
    lo, hi = Canvas(200, 100).chart((0, 0, 200, 100), [("g", [1e-3, 1e-1], (0, 0, 255))], log=True)
    assert lo < 1e-3 and hi > 1e-1


def test_nice_ticks_are_round_and_inside():
    from course_lib.widgets.raster import nice_ticks

    assert nice_ticks(0.0, 1.0) == pytest.approx([0.0, 0.5, 1.0])
    assert nice_ticks(-3.2, 7.9) == pytest.approx([0.0, 5.0])  # at most about count + 1 ticks
    ticks = nice_ticks(0.013, 0.047)
    assert all(0.013 <= t <= 0.047 for t in ticks) and len(ticks) >= 2
    assert nice_ticks(1.0, 1.0) == [1.0] and nice_ticks(float("nan"), 1.0) == []


def test_chart_curves_differ_by_marker_not_only_by_colour():
    values = np.linspace(1.0, 2.0, 12)

    def drawn(series):
        canvas = Canvas(300, 120)
        canvas.chart((0, 0, 300, 120), series, legend=False)
        return np.asarray(canvas.image).copy()

    # The same curve in the same colour, drawn first or second among the series: only its marker changes.
    alone = drawn([("a", values, BLUE)])
    second = drawn([("empty", [], ORANGE), ("a", values, BLUE)])
    assert not np.array_equal(alone, second)
    # Markers sit along the curve: six of them, each a patch of the curve's colour wider than the 2 px line.
    blue = np.all(alone == BLUE, axis=-1)
    wide_columns = np.flatnonzero(blue.sum(axis=0) >= 5)
    assert len(wide_columns) >= 6


def test_the_playgrounds_seven_weight_layers_get_seven_shapes():
    from course_lib.widgets.playground_settings import MAX_LAYERS
    from course_lib.widgets.raster import CURVE_MARKERS

    assert len(set(CURVE_MARKERS)) == len(CURVE_MARKERS) >= MAX_LAYERS + 1
    canvas = Canvas(60, 20)
    canvas.dots(np.array([[10.0, 10.0], [40.0, 10.0]]), BLUE, radius=4, shapes=["plus", "cross"])
    pixels = np.asarray(canvas.image)
    blue = np.all(pixels == BLUE, axis=-1)
    assert blue[10, 6:15].all() and blue[6:15, 10].all()  # the plus: a bar across and a bar down
    assert blue[7, 37] and blue[13, 43] and not blue[10, 36]  # the cross: the diagonals, not the bar
