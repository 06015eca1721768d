"""Colours every reader can read (issue 25): text contrast to WCAG AA, classes apart under colour blindness.

* Code colours: every text colour JupyterLab's light theme gives code (``--jp-mirror-editor-*-color``),
  as the book, the handouts and the decks end up with it after the course's CSS, has a contrast of at
  least 4.5:1 on the code cells' background (#f5f5f5) and on white.
* Classes: the class colours of the widgets and of the lessons' decision-boundary figures keep a
  colour distance (CIE76 ΔE in CIELAB) of at least ``MIN_DELTA_E`` between any two of the first
  three classes, and of ``MIN_DELTA_E_MANY`` among all eight, for normal vision and under protanopia
  and deuteranopia simulated with Machado, Oliveira and Fernandes's (2009) matrices at full severity.
  (Every class also has its own marker shape, so colour is never the only cue.)
* MathJax's assistive MathML is switched on in the book's and handouts' configuration.

The browser's own check of the rendered pages (axe-core) is tests/browser/test_browser_accessibility.py.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib.drawing.plots import CLASS_MARKERS
from course_tools.web_assets import CONTRAST_CSS
from course_lib.widgets.raster import CLASS_COLOURS, MARKERS

ROOT = Path(__file__).resolve().parents[2]

# Every stylesheet the course writes; contrast.css alone holds the code colours.
COURSE_CSS = sorted([*(ROOT / "course_tools/web").rglob("*.css"), ROOT / "notebooks/rise.css"])
BACKGROUNDS = ("#f5f5f5", "#ffffff")
AA_TEXT = 4.5
MIN_DELTA_E = 20.0
MIN_DELTA_E_MANY = 15.0
# Not text: a rule's colour and a header's (headers are not used in code cells).
NOT_TEXT = {"hr", "header"}

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
)
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
)
VISION = {"normal": np.eye(3), "protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}


def _theme() -> Path:
    """nbconvert's copy of JupyterLab's light theme, which the book and the handouts use."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("nbconvert", "templates"):
        found = Path(folder) / "lab" / "static" / "theme-light.css"
        if found.exists():
            return found
    pytest.skip("nbconvert's lab template is not installed")


def rgb(colour: str) -> tuple[int, int, int]:
    hex_digits = colour.strip().lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    return tuple(int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))


def linear(colour) -> np.ndarray:
    c = np.asarray(colour, dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def contrast(a, b) -> float:
    """WCAG 2's contrast ratio of two sRGB colours (0-255 triples)."""
    la, lb = (float(np.dot([0.2126, 0.7152, 0.0722], linear(c))) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def lab(linear_rgb) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour, vision: str) -> np.ndarray:
    """The CIELAB colour a reader with ``vision`` sees for an sRGB colour (0-255)."""
    return lab(np.clip(VISION[vision] @ linear(colour), 0, 1))


def min_distance(colours, vision: str) -> float:
    return min(float(np.linalg.norm(seen(a, vision) - seen(b, vision))) for a, b in itertools.combinations(colours, 2))


def variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"--jp-mirror-editor-([a-z-]+)-color:\s*(#[0-9a-fA-F]{3,6})", css))


def test_the_contrast_formula_matches_wcags_examples():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast(rgb("#777"), rgb("#fff")) == pytest.approx(4.48, abs=0.01)


def test_the_code_colours_are_set_in_one_place():
    """contrast.css, which the plugin links in JupyterLab and the decks and the book and handouts embed;
    a second copy could drift from it (each page's browser test reads the colours it shows)."""
    setting = [css.name for css in COURSE_CSS if variables(css.read_text())]
    assert setting == [CONTRAST_CSS.name], setting


def test_code_colours_meet_aa_after_the_course_css():
    theme_css = _theme()
    theme = variables(theme_css.read_text())
    assert len(theme) > 10, f"found no code colours in {theme_css}"
    css = CONTRAST_CSS
    course = variables(css.read_text())
    failing = []
    for name, colour in {**theme, **course}.items():
        if name in NOT_TEXT:
            continue
        for background in BACKGROUNDS:
            ratio = contrast(rgb(colour), rgb(background))
            if ratio < AA_TEXT:
                failing.append(f"{name} {colour} on {background}: {ratio:.2f}")
    assert not failing, f"{css.name}: code colours below {AA_TEXT}:1 — " + "; ".join(failing)
    # The theme itself falls short, so the override is what makes it pass: a theme update that fixed
    # these would make the override unneeded, not wrong.
    assert {"number", "comment", "operator"} <= course.keys()


def test_every_figure_uses_the_widgets_class_colours_and_a_shape_per_class():
    assert len(CLASS_COLOURS) == len(MARKERS) == len(CLASS_MARKERS) >= 8
    assert len(set(MARKERS[:5])) == 5 and len(set(CLASS_MARKERS[:5])) == 5


@pytest.mark.parametrize("vision", VISION)
def test_class_colours_stay_apart_under_colour_blindness(vision):
    first_three = min_distance(CLASS_COLOURS[:3], vision)
    every = min_distance(CLASS_COLOURS, vision)
    assert first_three >= MIN_DELTA_E, f"{vision}: two of the first three classes are ΔE {first_three:.1f} apart"
    assert every >= MIN_DELTA_E_MANY, f"{vision}: two of the eight classes are ΔE {every:.1f} apart"


def test_the_old_palette_would_have_failed():
    """The check has teeth: matplotlib's tab10 (the figures' old class colours) loses its third class."""
    tab10 = [(31, 119, 180), (255, 127, 14), (44, 160, 44)]
    assert min_distance(tab10, "protanopia") < MIN_DELTA_E


def test_mathjax_gives_screen_readers_mathml():
    from course_tools.web_assets import MATHJAX_CONFIG

    assert re.search(r"enableAssistiveMml:\s*true", MATHJAX_CONFIG)
    assert re.search(r"assistiveMml:\s*true", MATHJAX_CONFIG.split("menuOptions", 1)[1])
