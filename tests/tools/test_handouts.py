"""Handouts (course_tools/handouts.py): each deck as one self-contained HTML file.

The browser test (tests/browser/test_browser_handouts.py) opens every handout offline and checks
its math and its fit; these tests check, without a browser, what makes a handout self-contained:
nothing in it refers to another file or to the internet, the web fonts are inside, a widget shows
its snapshot with where it is live, and the deck has the lecture's slides.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from course_lib.drawing.described import SNAPSHOT_NOTE
from course_tools import handouts, web_assets
from course_tools.widget_snapshots import WIDGET_MIME
from notebook_outputs import ROOT

# Attributes that make a browser fetch something: any value but a data: URI, an in-page #anchor or a
# plain link (<a href>, which is followed only when clicked) is a file or a server the handout needs.
FETCHING = re.compile(r"<(?!a\b)(\w+)\b[^>]*?\s(?:src|href)\s*=\s*[\"']?(?!data:|#)([^\"'\s>]+)", re.I)


def test_inline_css_keeps_only_woff_fonts_as_data_uris(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "a.woff").write_bytes(b"wOFF-font-bytes")
    (tmp_path / "fonts" / "faces.css").write_text(
        "@font-face { font-family: 'A'; src: url('./a.eot'); src: url('./a.eot?#iefix') format('embedded-opentype'),"
        " url('./a.woff') format('woff'), url('./a.ttf') format('truetype'); font-weight: 600; }\n"
    )
    (tmp_path / "theme.css").write_text("@import url(./fonts/faces.css);\nbody { color: red; }\n")
    css = web_assets.inline_css(tmp_path / "theme.css")
    assert "body { color: red; }" in css and "@import" not in css
    assert "src: url(data:font/woff;base64," in css and "font-weight: 600" in css
    assert ".eot" not in css and ".ttf" not in css


def test_inline_css_refuses_a_reference_it_cannot_inline(tmp_path):
    (tmp_path / "theme.css").write_text("body { background: url(picture.png); }\n")
    with pytest.raises(web_assets.AssetError, match="picture.png"):
        web_assets.inline_css(tmp_path / "theme.css")


def test_an_inlined_script_cannot_end_its_own_element(tmp_path):
    (tmp_path / "a.js").write_text("var s = '</script><b>';")
    tag = web_assets.script_tag(tmp_path / "a.js")
    assert tag.count("</script>") == 1 and tag.endswith("</script>") and "<\\/script>" in tag


def test_a_widget_output_keeps_its_snapshot_and_says_where_it_is_live():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "explorer()",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={
                        WIDGET_MIME: {"model_id": "x"},
                        "text/plain": SNAPSHOT_NOTE,
                        "text/html": f'<img src="data:image/png;base64,AAAA"><p><i>{SNAPSHOT_NOTE}</i></p>',
                    },
                    execution_count=1,
                )
            ],
        )
    )
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "slider",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={WIDGET_MIME: {"model_id": "y"}, "text/plain": "IntSlider()"},
                    execution_count=2,
                )
            ],
        )
    )
    static = web_assets.static_notebook(nb)
    pictured, bare = (cell.outputs[0].data for cell in static.cells)
    assert WIDGET_MIME not in pictured and WIDGET_MIME not in bare
    assert (
        pictured["text/html"].startswith('<img src="data:image/png')
        and web_assets.STATIC_WIDGET_NOTE in pictured["text/html"]
    )
    assert "run this lesson in JupyterLab" in bare["text/html"]
    assert WIDGET_MIME in nb.cells[0].outputs[0].data, "the notebook itself must stay as it was"


@pytest.mark.slow  # installs reveal.js and MathJax from the npm registry the first time
def test_a_handout_needs_nothing_but_itself(tmp_path):
    lesson = next(path for path in handouts.lesson_paths() if path.stem.startswith("03"))
    html = handouts.build(["03"], out=tmp_path, pdf=False)[0].read_text(encoding="utf-8")
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S | re.I)  # code, not markup
    fetched = [match.group(0)[:120] for match in FETCHING.finditer(markup)]
    assert not fetched, f"the handout fetches files or servers: {fetched[:5]}"
    assert "<link" not in markup and "@import" not in html
    assert "reveal.js" in html and "MathJax" in html and "font/woff;base64," in html

    # The deck is the lecture's: one <section> per slide cell plus one per subslide stack, notes kept off.
    nb = nbformat.read(lesson, as_version=4)
    kinds = [cell.metadata.get("slideshow", {}).get("slide_type", "-") for cell in nb.cells]
    sections = html.count("<section")
    assert kinds.count("slide") <= sections <= kinds.count("slide") * 2 + kinds.count("subslide")
    assert re.search(r'<aside class="notes">', html) or "notes" not in kinds
    assert "Instructor notes" not in re.sub(r'<aside class="notes">.*?</aside>', "", html, flags=re.S)
    assert web_assets.STATIC_WIDGET_NOTE in html, "lesson 03's widgets should show their snapshots"


def test_the_handouts_are_built_into_an_ignored_folder():
    assert handouts.OUT.relative_to(ROOT).parts[0] == "build"
    assert "build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
