"""Each lesson's main path fits the time it states.

The main path is what a learner reads who skips every section headed "Optional: ...", every folded
answer and every instructor note. Technical prose with code to run and pictures to look at reads at
about 30 words a minute, so the main path may hold at most 30 words per stated minute; the rest
belongs under "Optional:" or in a lesson of its own.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from notebook_outputs import ROOT

WORDS_PER_MINUTE = 30
SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


def main_path(path) -> tuple[int, int]:
    """(stated minutes, words on the main path) of the lesson source ``path``."""
    minutes, words, optional = None, 0, False
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "markdown":
            continue
        stated = re.search(r"\*\*Estimated time\.\*\*\s*(\d+)", cell.source)
        if stated:
            minutes = int(stated.group(1))
        first = cell.source.lstrip().split("\n", 1)[0]
        if re.match(r"#{1,4} ", first):
            optional = "optional" in first.lower()
        if optional or cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
            continue
        text = re.sub(r"<details.*?</details>", " ", cell.source, flags=re.S)
        text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
        words += len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))
    return minutes, words


@pytest.mark.parametrize("path", SOURCES, ids=[path.stem for path in SOURCES])
def test_the_main_path_fits_the_stated_time(path):
    minutes, words = main_path(path)
    assert minutes, f"{path.name} states no '**Estimated time.** N minutes'"
    assert words <= WORDS_PER_MINUTE * minutes, (
        f"{path.name}: {words} words on the main path for {minutes} minutes ({words / minutes:.0f} a minute, "
        f"at most {WORDS_PER_MINUTE}): move a section under an 'Optional: ...' heading, or shorten it"
    )


def test_the_measure_skips_optional_sections_answers_and_notes(tmp_path):
    lesson = tmp_path / "99_x.py"
    lesson.write_text(
        "# %% [markdown]\n# # Title\n#\n# **Estimated time.** 1 minutes.\n\n"
        "# %% [markdown]\n# ## Main\n#\n# one two three\n#\n# <details><summary>Answer</summary>\n# hidden words\n# </details>\n\n"
        "# %% [markdown]\n# ### Optional: deeper\n#\n# many more words here\n\n"
        '# %% [markdown] slideshow={"slide_type": "notes"}\n# a note\n'
    )
    minutes, words = main_path(lesson)
    assert minutes == 1 and words == len("Title Estimated time minutes Main one two three".split())
