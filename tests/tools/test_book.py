"""The static book (course_tools/book.py), built and read without a browser.

tests/browser/test_browser_book.py serves it and reads it in Chromium with the network blocked;
these tests check what the pages are made of: one page per executed lesson, the course map as
the index with every lesson listed, previous/next links in course order, MathJax and the style
served with the book (no CDN, no other host), the exercises the lessons link to beside the
pages, and a rebuild that never empties a folder it did not build.
"""

from __future__ import annotations

import re

import pytest

from course_tools import book
from course_tools.web_assets import STATIC_WIDGET_NOTE
from notebook_outputs import ROOT

# Attributes that make a browser fetch something when the page loads (an <a href> waits for a click).
FETCHING = re.compile(r"<(?!a\b)(\w+)\b[^>]*?\s(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("book") / "site"
    pages = book.build(folder, quiet=True)
    return folder, pages


def links(html: str, rel: str) -> list[str]:
    """The targets of the <a rel=...> links of a page, in order (attributes in any order)."""
    found = []
    for tag in re.findall(r"<a\s[^>]*>", html):
        if re.search(rf'\srel="{rel}"', tag):
            found.append(re.search(r'\shref="([^"]+)"', tag).group(1))
    return found


@pytest.mark.slow  # installs MathJax from the npm registry the first time
def test_one_page_per_lesson_the_course_map_first(built):
    folder, pages = built
    lessons = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [page.name for page in pages] == ["index.html"] + [f"{stem}.html" for stem in lessons[1:]]
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Course map" in index and 'class="book-contents"' in index
    listed = re.findall(r'<li>\s*<a href="([^"]+)"', index)
    assert listed == ["index.html"] + [f"{stem}.html" for stem in lessons[1:]], "the index must list every lesson"


@pytest.mark.slow
def test_previous_and_next_follow_the_course(built):
    folder, pages = built
    names = [page.name for page in pages]
    for position, page in enumerate(pages):
        html = page.read_text(encoding="utf-8")
        following = links(html, "next")
        previous = links(html, "prev")
        assert following == ([names[position + 1]] * 2 if position + 1 < len(names) else []), page.name
        assert previous == ([names[position - 1]] * 2 if position > 0 else []), page.name


@pytest.mark.slow
def test_pages_fetch_only_files_of_the_book(built):
    folder, pages = built
    for page in pages:
        html = page.read_text(encoding="utf-8")
        markup = re.sub(
            r"<(script|style)\b[^>]*>.*?</\1>",
            lambda m: re.sub(r">.*", ">", m.group(0), flags=re.S),
            html,
            flags=re.S | re.I,
        )
        for tag, target in FETCHING.findall(markup):
            if target.startswith("data:"):
                continue
            assert "://" not in target and not target.startswith("//"), f"{page.name}: <{tag}> fetches {target}"
            assert (folder / target).is_file(), f"{page.name}: <{tag}> needs {target}, which the book lacks"
        for target in re.findall(r'<a[^>]*\shref="([^"#:]+)"', html):
            assert (folder / target).is_file(), f"{page.name}: links to {target}, which the book lacks"


@pytest.mark.slow
def test_widgets_show_their_snapshot_and_where_they_are_live(built):
    folder, _ = built
    html = (folder / "03_gradient_descent.html").read_text(encoding="utf-8")
    assert STATIC_WIDGET_NOTE in html
    assert "application/vnd.jupyter.widget-view+json" not in html
    position = html.index(STATIC_WIDGET_NOTE)
    assert "data:image/png;base64," in html[position - 400_000 : position], "the widget's picture must precede its note"


@pytest.mark.slow
def test_a_rebuild_replaces_a_book_but_never_a_folder_it_did_not_build(tmp_path, built):
    folder, _ = built
    (folder / "stale.html").write_text("from an earlier build")
    book.build(folder, quiet=True)
    assert not (folder / "stale.html").exists(), "a lesson removed since must not linger"
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.tex").write_text("precious")
    with pytest.raises(SystemExit, match="not empty"):
        book.build(other, quiet=True)
    assert (other / "thesis.tex").read_text() == "precious"


def test_the_book_is_built_into_an_ignored_folder():
    assert book.OUT.relative_to(ROOT).parts[0] == "build"
    assert "build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
