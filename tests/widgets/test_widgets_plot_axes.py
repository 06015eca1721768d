"""The pixel axes the lesson widgets draw on: data to pixels and back, drawn at twice the density."""

import io

import numpy as np
import pytest
from PIL import Image

from course_lib.widgets.plot_axes import Picture, PixelAxes, dashed_segments, star_points


def pixels(picture):
    return np.asarray(Image.open(io.BytesIO(picture.png())).convert("RGB")).astype(int)


def test_data_and_pixels_map_both_ways():
    axes = PixelAxes(Picture(200, 100), (20, 10, 180, 90), (-1.0, 1.0), (0.0, 4.0))
    assert axes.px(-1.0, 0.0) == (20.0, 90.0) and axes.px(1.0, 4.0) == (180.0, 10.0)
    x, y = axes.data(*axes.px(0.25, 3.0))
    assert (float(x), float(y)) == pytest.approx((0.25, 3.0))
    gx, gy = axes.pixel_grid()
    assert gx.shape == gy.shape == (80, 160) and gy[0, 0] > gy[-1, 0] and gx[0, 0] < gx[0, -1]


def test_picture_draws_at_twice_the_density_in_css_coordinates():
    picture = Picture(40, 30)
    assert (picture.css_width, picture.css_height, picture.scale) == (40, 30, 2)
    block = np.zeros((5, 5, 3), dtype=np.uint8)
    block[..., 0] = 200
    picture.paste(block, 10, 10)
    shown = pixels(picture)
    assert shown.shape == (60, 80, 3)
    assert (shown[20:30, 20:30, 0] == 200).all() and (shown[30:32, 20:30] == 255).all()
    picture.rectangle((0, 0, 3, 3), fill=(0, 0, 255))
    assert (pixels(picture)[0:8, 0:8, 2] == 255).all() and pixels(picture)[8, 8, 0] == 255
    assert picture.text_width("abc", 14) == pytest.approx(Picture(1, 1, scale=1).text_width("abc", 28) / 2)


def test_plot_leaves_out_what_falls_outside_the_box():
    picture = Picture(100, 100)
    axes = PixelAxes(picture, (10, 10, 90, 90), (0.0, 1.0), (0.0, 1.0))
    axes.plot(np.array([0.0, 0.5, 1.0]), np.array([0.5, 5.0, 0.5]), (255, 0, 0), width=2)  # middle point far above
    red = (pixels(picture)[..., 0] > 200) & (pixels(picture)[..., 1] < 60)
    assert not red.any(), "a curve with no two visible neighbours draws nothing"
    axes.plot(np.array([0.0, 1.0]), np.array([0.5, 0.5]), (255, 0, 0), width=2)
    red = (pixels(picture)[..., 0] > 200) & (pixels(picture)[..., 1] < 60)
    rows = np.flatnonzero(red.any(axis=1))
    assert rows.min() >= 2 * 48 and rows.max() <= 2 * 52


def test_shapes():
    assert len(star_points(0, 0, 10)) == 10
    dashes = dashed_segments((0, 0), (24, 0), dash=7, gap=5)
    assert [round(s[0][0]) for s in dashes] == [0, 12] and dashes[-1][1][0] == 19
