"""What a lesson says about itself, read from its source: times, prerequisites, prompts, questions.

The instructor's kit (``course_tools.instructor_kit``) and its test read the lessons through
this module, as they are on disk, so the syllabus and the answer key follow the lessons:

    from course_tools.lesson_text import read_lesson, lesson_sources
    lesson = read_lesson(path)          # notebooks/src/NN_name.py
    lesson.minutes, lesson.optional_minutes, lesson.prerequisites
    lesson.prompts                      # every "Try it" prompt, by its markup
    lesson.questions                    # every check-your-understanding question, with its folded answer

**The markup.** A *Try it prompt* is a bold ``**Try:**`` / ``**Try it:**`` / ``**Try it
yourself:**``, a heading that starts "Try it", or a sentence that starts "Try it" in the prose
(answers folded in ``<details>`` and instructor notes are not read; a sentence prompt brings its
whole paragraph, which says what to try). A heading prompt runs from
the heading to the next code cell and takes in any bold prompt inside it. A *question* is a
numbered item (``1. ...`` at the start of a line) under the heading "Check your understanding",
its answer the ``<details>`` block that follows it.

Exercises: ``exercise_facts`` reads each exercise source's header (``course_exercise``: id,
title, lesson), its points (the parts table) and the time its introduction states, if any
("about N minutes").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "notebooks" / "src"
EXERCISE_SOURCES = ROOT / "solutions" / "src"
WORDS_PER_MINUTE = 30  # tests/lessons/test_lesson_pacing.py: technical prose with code and pictures

_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
_ESTIMATE = re.compile(r"\*\*Estimated time\.\*\*\s*(\d+)\s*minutes")
_BOLD_TRY = re.compile(r"\*\*Try(?: it)?(?: yourself)?:\*\*")
_PLAIN_TRY = re.compile(r"(?:(?<=^)|(?<=[.!?]\s)|(?<=\(\s)|(?<=\())Try it\b")
_QUESTION = re.compile(r"^(\d+)\.\s+(.*)$")
_DETAILS = re.compile(r"<details.*?</details>", re.S)


@dataclass
class Prompt:
    """A "Try it" prompt: ``text`` (markdown, as the lesson words it), the ``section`` heading it
    sits under, ``kind`` ("bold", "heading" or "plain") and the index of its first ``cell``."""

    lesson: str
    text: str
    section: str
    kind: str
    cell: int

    @property
    def one_line(self) -> str:
        return " ".join(self.text.split())


@dataclass
class Question:
    """A check-your-understanding question: ``number`` as printed, ``text`` and the lesson's folded ``answer``."""

    lesson: str
    number: int
    text: str
    answer: str

    @property
    def one_line(self) -> str:
        return " ".join(self.text.split())


@dataclass
class LessonFacts:
    number: str
    stem: str
    title: str
    minutes: int | None
    main_words: int
    optional_words: int
    prerequisites: str
    headings: list[str] = field(default_factory=list)
    tags: set = field(default_factory=set)
    prompts: list[Prompt] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def optional_minutes(self) -> int:
        """Reading time of the sections headed "Optional", at the pacing test's 30 words a minute,
        rounded up to 5 minutes (the lessons state only their main path's time)."""
        return 5 * math.ceil(self.optional_words / WORDS_PER_MINUTE / 5) if self.optional_words else 0


def lesson_sources(folder: Path = SOURCES) -> list[Path]:
    return sorted(Path(folder).glob("[0-9][0-9]_*.py"))


def _words(text: str) -> int:
    text = _DETAILS.sub(" ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def _strip_folds(text: str) -> str:
    """The text a learner reads before opening anything: folded answers blanked (keeping line count)."""
    return _DETAILS.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def read_lesson(path: Path) -> LessonFacts:
    """Everything the kit needs from one lesson source (a jupytext percent-format script)."""
    import jupytext

    path = Path(path)
    cells = jupytext.read(path, fmt="py:percent").cells
    facts = LessonFacts(
        number=path.stem[:2], stem=path.stem, title="", minutes=None, main_words=0, optional_words=0, prerequisites=""
    )
    section, optional, in_questions = "", False, False
    open_heading_prompt: Prompt | None = None
    for index, cell in enumerate(cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        facts.tags.update(tag for tag in cell.metadata.get("tags", []))
        if cell.cell_type == "code":
            open_heading_prompt = None
            continue
        if cell.cell_type != "markdown" or slide_type == "notes":
            continue
        source = cell.source
        for line in source.splitlines():
            heading = _HEADING.match(line)
            if heading:
                title = heading.group(2).strip()
                facts.headings.append(title)
                if not facts.title and len(heading.group(1)) == 1:
                    facts.title = re.sub(r"^\d+\.\s*", "", title)
        first = source.lstrip().split("\n", 1)[0]
        first_heading = _HEADING.match(first)
        if first_heading:
            section = first_heading.group(2).strip()
            optional = "optional" in section.lower()
            level = len(first_heading.group(1))
            if level <= 2:
                in_questions = section.lower().startswith("check your understanding")
        stated = _ESTIMATE.search(source)
        if stated:
            facts.minutes = int(stated.group(1))
        prerequisites = re.search(r"\*\*Prerequisites\.\*\*\s*(.*?)(?:\n\s*\n|$)", source, re.S)
        if prerequisites and not facts.prerequisites:
            facts.prerequisites = " ".join(prerequisites.group(1).split())
        if optional:
            facts.optional_words += _words(source)
        else:
            facts.main_words += _words(source)

        visible = _strip_folds(source)
        # Heading prompts: the heading's cell and the markdown cells after it, up to the next code cell.
        if first_heading and first_heading.group(2).strip().lower().startswith("try it"):
            open_heading_prompt = Prompt(facts.number, visible.strip(), section, "heading", index)
            facts.prompts.append(open_heading_prompt)
            continue
        if open_heading_prompt is not None and not first_heading:
            open_heading_prompt.text += "\n\n" + visible.strip()
            continue
        open_heading_prompt = None
        for paragraph in _paragraphs(visible):
            bold = _BOLD_TRY.search(paragraph)
            if bold:
                facts.prompts.append(Prompt(facts.number, paragraph[bold.start() :], section, "bold", index))
                continue
            plain = _PLAIN_TRY.search(paragraph)
            if plain and not _HEADING.match(paragraph):
                facts.prompts.append(Prompt(facts.number, paragraph, section, "plain", index))
        if in_questions:
            facts.questions += _questions(facts.number, source)
    return facts


def _questions(lesson: str, source: str) -> list[Question]:
    """The numbered questions of one markdown cell, each with the <details> answer that follows it."""
    found, current, lines = [], None, source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _QUESTION.match(line)
        if match:
            current = Question(lesson, int(match.group(1)), match.group(2), "")
            found.append(current)
        elif current is not None and line.lstrip().startswith("<details"):
            body = []
            i += 1
            while i < len(lines) and "</details>" not in lines[i]:
                body.append(lines[i])
                i += 1
            current.answer = "\n".join(body).strip()
            current = None
        elif current is not None and not current.answer and line.strip() and not line.startswith("#"):
            current.text += " " + line.strip()
        i += 1
    return found


# ----------------------------------------------------------------- exercises
@dataclass
class ExerciseFacts:
    """One graded exercise: ``id``, ``title``, the ``lesson`` it belongs to, its ``points`` (the
    parts table's sum) and ``minutes`` if its text states them ("about N minutes"), else None."""

    id: str
    title: str
    lesson: str
    points: int
    minutes: int | None
    parts: int


def exercise_facts(folder: Path = EXERCISE_SOURCES) -> list[ExerciseFacts]:
    found = []
    for path in sorted(Path(folder).glob("ex*.py")):
        text = path.read_text(encoding="utf-8")
        header = re.search(r"course_exercise:\s*\n((?:#\s{3,}.*\n)+)", text)
        if not header:
            continue
        meta = dict(re.findall(r"#\s+(\w+):\s*\"?([^\"\n]*)\"?", header.group(1)))
        table = re.findall(r"^# \|\s*\d+\s*\|.*\|\s*(\d+)\s*\|\s*$", text, flags=re.M)
        intro = text.split("# %%", 2)[1] if text.count("# %%") >= 2 else text  # the first markdown cell
        stated = re.search(r"about (\d+) minutes", intro)
        found.append(
            ExerciseFacts(
                meta.get("id", path.stem),
                meta.get("title", path.stem),
                meta.get("lesson", ""),
                sum(int(points) for points in table),
                int(stated.group(1)) if stated else None,
                len(table),
            )
        )
    return found
