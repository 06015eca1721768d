"""Every picture a lesson shows says in words what it shows (issue 25): figures, stills and the
snapshots of live widgets, as their alt text, and live widgets' pictures as they change.

A screen reader reads a picture's alt text and nothing else of it, so a missing, generic or
repeated description leaves its user with nothing. The notebooks are read as committed (nbval
checks elsewhere that the build still prints the same descriptions).
"""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from pathlib import Path

import pytest

from course_lib.drawing.described import GENERIC, MIN_WORDS, check_description, picture_bundle

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)


def generic_reason(text: str) -> str | None:
    """Why ``text`` does not describe a picture, or None when it may."""
    plain = " ".join(text.split())
    lowered = plain.lower().strip(".: ")
    if not plain:
        return "it is empty"
    if lowered in GENERIC or lowered.startswith("no description") or "not described" in lowered:
        return "it is generic"
    if "when the cell last ran" in lowered:
        return "it is the old generic snapshot sentence"
    if len(plain.split()) < MIN_WORDS:
        return f"it has fewer than {MIN_WORDS} words"
    return None


def pictures(path: Path):
    """(cell index, kind, alt text or None, output metadata) for every picture the notebook shows."""
    nb = json.loads(path.read_text())
    for index, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data, metadata = output.get("data", {}), output.get("metadata", {})
            for mime in ("image/png", "image/jpeg", "image/svg+xml"):
                if mime in data:
                    alt = metadata.get("alt") or metadata.get(mime, {}).get("alt")
                    yield index, mime, alt, metadata
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            for tag in IMG.findall(html):
                found = ALT.search(tag)
                yield index, "<img>", unescape(found.group(1)) if found else None, metadata


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem[:2] for p in LESSONS])
def test_every_lesson_picture_is_described(path):
    seen = {}
    problems = []
    count = 0
    for index, kind, alt, metadata in pictures(path):
        count += 1
        where = f"{path.name} cell {index} ({kind})"
        if alt is None:
            problems.append(f"{where}: no alt text")
            continue
        reason = generic_reason(alt)
        if reason:
            problems.append(f"{where}: {reason}: {alt!r}")
        if metadata.get("alt") != alt:
            problems.append(f"{where}: the output's metadata 'alt' does not hold the picture's description")
        if alt in seen:
            problems.append(f"{where}: the same description as cell {seen[alt]}: {alt[:60]!r}...")
        seen.setdefault(alt, index)
    assert not problems, "\n".join(problems)
    if path.stem != "00_course_map" or count:
        assert count, f"{path.name} shows no picture at all: was it built?"


def test_no_lesson_leaves_a_figure_to_the_inline_backend():
    """A bare ``plt.show()`` makes a PNG output with no description; lessons call ``show_figure``."""
    offenders = [
        f"{src.name}:{n}"
        for src in sorted((ROOT / "notebooks" / "src").glob("*.py"))
        for n, line in enumerate(src.read_text().splitlines(), 1)
        if re.search(r"\bplt\.show\(\)|\bImage\(", line)
    ]
    assert not offenders, f"figures shown without a description: {offenders}"


@pytest.mark.parametrize(
    "text",
    [
        "No description has been provided for this image",
        "figure",
        "Figure.",
        "the widget's picture when the cell last ran",
        "a plot of the loss",
    ],
)
def test_a_generic_or_short_description_is_refused(text):
    with pytest.raises(ValueError, match="what it shows"):
        check_description(text)


def test_a_described_picture_carries_its_text_everywhere_a_viewer_looks():
    text = 'The loss falls from 0.69 to 0.01 over 100 epochs; the "plateau" lasts 20'
    png = b"\x89PNG fake"
    data, metadata = picture_bundle(text, png)
    assert metadata == {"alt": text}
    assert data["text/plain"] == text
    assert data["text/html"] == (
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
        'alt="The loss falls from 0.69 to 0.01 over 100 epochs; the &quot;plateau&quot; lasts 20">'
    )


def widgets_to_check():
    from course_lib.widgets.descent import learning_rate_explorer
    from course_lib.widgets.loss import loss_explorer
    from course_lib.widgets.neuron import neuron_explorer
    from course_lib.widgets.playground import playground

    return [
        ("neuron", neuron_explorer, "w1", 2.5),
        ("loss", loss_explorer, "p", 0.2),
        ("descent", learning_rate_explorer, "steps", 3),
        ("playground", lambda: playground(controls=["learning_rate", "activation", "step"]), "activation", "relu"),
    ]


@pytest.mark.parametrize("case", widgets_to_check(), ids=lambda case: case[0])
def test_a_live_widget_describes_its_picture_as_it_changes(case):
    _, make, control, value = case
    widget = make()
    before = widget.image.tooltip
    assert generic_reason(before or "") is None, before
    assert before == widget.describe() and before.startswith(widget.PICTURE)
    widget.controls[control].value = value
    after = widget.image.tooltip
    assert after != before, "the description must follow the picture's state"
    assert after == widget.describe()


def test_every_lesson_widget_says_what_its_picture_shows():
    import importlib
    import pkgutil

    import course_lib.widgets as package
    from course_lib.widgets.base import LessonWidget

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"course_lib.widgets.{info.name}")
    classes = LessonWidget.__subclasses__()
    assert len(classes) >= 8
    texts = [cls.PICTURE or cls.describe is not LessonWidget.describe for cls in classes]
    assert all(texts), [cls.__name__ for cls, ok in zip(classes, texts) if not ok]
    own = [cls.PICTURE for cls in classes if cls.PICTURE]
    assert len(set(own)) == len(own), "two widgets describe their pictures alike"


@pytest.mark.parametrize("template", ["course_book", "course_handout"])
def test_the_books_and_handouts_templates_use_a_png_outputs_alt_metadata(template):
    """A bare PNG output (not made by show_figure) with its description in its metadata keeps it as alt
    text in the book and the handouts, where nbconvert's own template would drop it."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter, SlidesExporter

    from course_tools.book import TEMPLATES

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    described = 'The loss "falls" from 1 to 0 in 5 steps <quickly>'
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "draw()",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={"image/png": png, "text/plain": "<Figure>"},
                        metadata={"image/png": {"alt": described}},
                    ),
                    nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                ],
            )
        ]
    )
    course = {
        "mathjax_config": "",
        "mathjax_src": "",
        "stylesheet": "",
        "home": {"href": ""},
        "book_title": "",
        "where": "",
        "previous": None,
        "next": None,
        "contents": [],
        "title": "t",
        "head": "",
        "scripts": "",
    }
    exporter = (HTMLExporter if template == "course_book" else SlidesExporter)(
        template_name=template, extra_template_basedirs=[str(TEMPLATES)]
    )
    html, _ = exporter.from_notebook_node(nb, resources={"course": course})
    alts = [img.get("alt") for img in BeautifulSoup(html, "html.parser").select(".jp-OutputArea-output img")]
    assert alts == [described, "No description has been provided for this image"]


def test_a_legend_over_the_data_is_found_and_one_beside_it_is_not():
    """Lesson 01's XOR plot once hid the point (1, 1) under its legend: show_figure warns, and a
    warning in a stored output fails the notebook tests."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib.drawing.described import points_under_legends

    for place, expected in (
        (dict(loc="upper right"), [(1.0, 1.0)]),
        (dict(loc="upper left", bbox_to_anchor=(1.02, 1)), []),
    ):
        fig, ax = plt.subplots(figsize=(4.2, 2.9))  # lesson 01's XOR plot, as it was
        ax.scatter([0, 1], [1, 0], s=120, marker="s", label="XOR = 1")
        ax.scatter([0, 1], [0, 1], s=120, marker="o", label="XOR = 0")
        ax.plot([-0.5, 1.5], [1.2, -0.2], "k--", label="a best neuron's line")
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5))
        ax.legend(fontsize=8, **place)
        assert points_under_legends(fig) == expected, place
        plt.close(fig)
