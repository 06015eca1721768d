"""The instructor's kit (instructor/, built by course_tools/instructor_kit.py) against the lessons as they are.

* The syllabus's times are the lessons' own ("**Estimated time.** N minutes") and the exercises',
  and they add up: per lesson, the course total, each day of the intensive week and each week of
  the term (every lesson exactly once).
* Every "Try it" prompt and every check-your-understanding question of every lesson has an entry
  in the answer key, found by its markup in notebooks/src/*.py by this test's own patterns: a
  bold **Try...:**, a heading "Try it...", or a sentence starting "Try it"; a numbered item under
  "Check your understanding" with a folded answer.
* Every misconception cites a heading and cells that exist in its lesson; every lesson has some;
  the issue's five examples are there.
* The exercises' points (their parts tables) are what course-grade scores (the grading specs).

When a lesson changes, run ``python -m course_tools.instructor_kit`` and commit instructor/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jupytext
import pytest

from course_tools import instructor_kit as kit
from course_tools.lesson_text import exercise_facts
from notebook_outputs import ROOT

GUIDE = ROOT / "instructor"
SOURCES = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
REGENERATE = "run: python -m course_tools.instructor_kit (and commit instructor/)"


def squash(text: str) -> str:
    return " ".join(text.split())


def table(markdown: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table after ``heading`` in ``markdown``."""
    after = markdown.split(heading, 1)[1]
    rows = []
    for line in after.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows[1:] if not set("".join(row)) <= set("-: ")]


def minutes(cell: str) -> int:
    """'1 h 05 min' or '65 min' or '**1185**' -> minutes; '—' -> 0; several ('45 min<br>90 min') are summed."""
    total = 0
    for part in cell.replace("*", "").split("<br>"):
        part = part.strip()
        if part in ("—", ""):
            continue
        hours = re.match(r"(\d+) h (\d+) min", part)
        total += int(hours.group(1)) * 60 + int(hours.group(2)) if hours else int(re.match(r"(\d+)", part).group(1))
    return total


@pytest.fixture(scope="module")
def syllabus():
    return (GUIDE / "syllabus.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def answer_key():
    text = (GUIDE / "answer-key.md").read_text(encoding="utf-8")
    return squash(re.sub(r"^>( |$)", "", text, flags=re.M))  # quotes read as the lesson's own text


def stated_minutes(path) -> int:
    found = re.search(r"\*\*Estimated time\.\*\*\s*(\d+) minutes", path.read_text(encoding="utf-8"))
    assert found, f"{path.name} states no estimated time"
    return int(found.group(1))


def test_the_syllabus_times_are_the_lessons_and_exercises_own(syllabus):
    rows = table(syllabus, "| lesson | main |")
    assert [int(row[0].split(".")[0]) for row in rows] == [int(path.stem[:2]) for path in SOURCES], (
        f"the syllabus does not list every lesson in order; {REGENERATE}"
    )
    exercises = {e.id: e for e in exercise_facts()}
    for row, path in zip(rows, SOURCES):
        assert minutes(row[1]) == stated_minutes(path), f"{path.stem}: syllabus says {row[1]}; {REGENERATE}"
        listed = re.findall(r"`(ex\w+)`", row[3])
        assert sorted(listed) == sorted(e.id for e in exercises.values() if e.lesson == path.stem[:2]), (
            f"{path.stem}: the syllabus lists exercises {listed}; {REGENERATE}"
        )
        expected = sum(exercises[e].minutes or kit.EXERCISE_ESTIMATES[e] for e in listed)
        assert minutes(row[4]) == expected, f"{path.stem}: exercise time {row[4]}, expected {expected}; {REGENERATE}"
        assert minutes(row[5]) == sum(exercises[e].points for e in listed) if listed else row[5] == "—"


def test_the_syllabus_totals_and_schedules_add_up(syllabus):
    rows = table(syllabus, "| lesson | main |")
    main = sum(minutes(row[1]) for row in rows)
    optional = sum(minutes(row[2]) for row in rows)
    exercise = sum(minutes(row[4]) for row in rows)
    totals = {row[0].replace("*", ""): minutes(row[1]) for row in table(syllabus, "## Course total")}
    assert totals["lessons, main path"] == main and totals["graded exercises"] == exercise
    assert totals["core course (main paths and exercises)"] == main + exercise
    assert totals["optional sections"] == optional and totals["everything"] == main + exercise + optional

    lessons = [int(row[0].split(".")[0]) for row in rows]
    core = {int(row[0].split(".")[0]): minutes(row[1]) + minutes(row[4]) for row in rows}
    days = table(syllabus, "## A one-week intensive")
    assert len(days) == kit.INTENSIVE_DAYS
    taught = [int(n) for day in days for n in day[1].split(",")]
    assert taught == lessons, f"the intensive week teaches {taught}, not every lesson once in order"
    for day in days:
        in_day = [int(n) for n in day[1].split(",")]
        assert minutes(day[2]) + minutes(day[3]) == minutes(day[4]) == sum(core[n] for n in in_day)
    assert sum(minutes(day[4]) for day in days) == main + exercise
    assert sum(minutes(day[5]) for day in days) == optional

    weeks = table(syllabus, "## A 10-week term")
    assert len(weeks) == 10
    assert [int(n) for week in weeks for n in re.findall(r"(\d+)\. ", week[1])] == lessons
    assert sum(minutes(w[2]) for w in weeks) == main and sum(minutes(w[3]) for w in weeks) == exercise
    assert sum(minutes(w[4]) for w in weeks) == optional


def test_the_guide_is_current_with_the_lessons():
    course = kit.read_course()
    for name, text in (("syllabus.md", kit.syllabus(course)), ("misconceptions.md", kit.misconceptions(course))):
        assert (GUIDE / name).read_text(encoding="utf-8") == text, f"instructor/{name} is out of date; {REGENERATE}"


@pytest.mark.slow  # runs every lesson's cells with each prompt's change (about 7 s)
def test_the_answer_key_is_current_and_its_command_runs():
    """The whole kit as its command writes it: a key whose lesson cell changed fails here, not for an instructor."""
    # In a process of its own: the lessons' cells set plotting and printing options for the whole process.
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from course_tools import instructor_kit as kit; print(json.dumps(kit.generate()))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"python -m course_tools.instructor_kit fails:\n{run.stderr[-3000:]}"
    written = json.loads(run.stdout)
    for name, text in written.items():
        assert (GUIDE / name).read_text(encoding="utf-8") == text, f"instructor/{name} is out of date; {REGENERATE}"


# ----------------------------------------------------------------- prompts and questions, found by their markup
def markdown_cells(path):
    cells = jupytext.read(path, fmt="py:percent").cells
    return [
        cell
        for cell in cells
        if cell.cell_type == "markdown" and cell.metadata.get("slideshow", {}).get("slide_type") != "notes"
    ]


def try_prompts(path) -> list[str]:
    """The first words of every Try-it prompt, in order."""
    found = []
    for cell in markdown_cells(path):
        text = re.sub(r"<details.*?</details>", " ", cell.source, flags=re.S)
        for paragraph in re.split(r"\n\s*\n", text):
            line = squash(paragraph)
            bold = re.search(r"\*\*Try(?: it)?(?: yourself)?:\*\*", line)
            if bold:
                found.append(line[bold.start() :][:70])
            elif re.match(r"#{1,4} Try it", line) or re.search(r"(^|[.!?(]\s?)Try it\b", line):
                found.append(line[:70])
    return found


def questions(path) -> list[tuple[str, str]]:
    """(question text, folded answer) of every numbered question under "Check your understanding"."""
    found, inside = [], False
    for cell in markdown_cells(path):
        first = cell.source.lstrip().split("\n", 1)[0]
        if re.match(r"#{1,2} ", first):
            inside = "check your understanding" in first.lower()
        if not inside:
            continue
        for match in re.finditer(
            r"^(\d+)\.\s+(.*?)\n\s*\n?<details><summary>[^<]*</summary>(.*?)</details>", cell.source, flags=re.S | re.M
        ):
            found.append((squash(match.group(2)), squash(match.group(3))))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=[path.stem for path in SOURCES])
def test_every_try_it_and_every_question_has_an_entry(path, answer_key):
    title = squash(path.read_text(encoding="utf-8").split("# # ", 1)[1].split("\n", 1)[0])
    number = int(path.stem[:2])
    section = answer_key.split(f"## Lesson {number}: ", 1)
    assert len(section) == 2, f"the answer key has no section for lesson {number}; {REGENERATE}"
    section = re.split(r" ## Lesson \d+: ", section[1], maxsplit=1)[0]
    assert section.startswith(re.sub(r"^\d+\.\s*", "", title)[:30])
    prompts = try_prompts(path)
    for prompt in prompts:
        words = re.sub(r"^#+ ", "", prompt)[:50]
        assert words in section, f"{path.stem}: no answer-key entry for the prompt {prompt!r}; {REGENERATE}"
    asked = questions(path)
    for text, answer in asked:
        assert f"{text[:60]}" in section, (
            f"{path.stem}: no answer-key entry for the question {text[:80]!r}; {REGENERATE}"
        )
        assert answer[:40] in section, f"{path.stem}: the key does not carry the lesson's answer to {text[:60]!r}"
    assert len(re.findall(r"\*\*Q\d+\.\*\*", section)) == len(asked), f"{path.stem}: {REGENERATE}"


def test_every_prompt_has_exactly_one_key_and_every_key_a_prompt():
    assert kit.missing_keys(kit.read_course()) == []


# ----------------------------------------------------------------- misconceptions
def test_every_misconception_cites_what_is_in_its_lesson():
    lessons = {path.stem[:2]: path.read_text(encoding="utf-8") for path in SOURCES}
    headings = {
        number: [squash(line.lstrip("# ")) for line in text.splitlines() if re.match(r"# #{1,4} ", line)]
        for number, text in lessons.items()
    }
    for item in kit.MISCONCEPTIONS:
        assert item.section in headings[item.lesson], (
            f"lesson {item.lesson}: {item.belief!r} cites the heading {item.section!r}, which the lesson no longer has"
        )
        for tag in re.findall(r"`(worked:[\w-]+)`", item.how):
            assert f'"{tag}"' in lessons[item.lesson], (
                f"lesson {item.lesson}: {item.belief!r} cites {tag}, which is gone"
            )
    covered = {item.lesson for item in kit.MISCONCEPTIONS}
    assert {path.stem[:2] for path in SOURCES if path.stem[:2] != "00"} <= covered
    beliefs = " ".join(item.belief.lower() for item in kit.MISCONCEPTIONS)
    for example in (
        "the gradient points to the minimum",
        "a bigger learning rate is always faster",
        "zero initialisation is neutral",
        "vanishing gradients mean",
        "back-propagation is a different algorithm from the chain rule",
    ):
        assert example in beliefs, f"the issue's example {example!r} is missing"


@pytest.mark.slow  # loads every exercise's grading spec
def test_the_points_are_what_course_grade_scores():
    from course_tools.grader import catalog

    for exercise in exercise_facts():
        loaded = catalog.load(exercise.id)
        assert loaded is not None, f"{exercise.id} has no grading spec"
        assert loaded[1].points == exercise.points, (
            f"{exercise.id}: its parts table says {exercise.points} points, its grading spec {loaded[1].points}"
        )


# ----------------------------------------------------------------- the class deployment (instructor/deployment.md)
def binder_requirements() -> tuple[str, set]:
    """(the python line, every other requirement) of binder/environment.yml, conda and pip alike."""
    python, found = None, set()
    for line in (ROOT / "binder" / "environment.yml").read_text().split("\ndependencies:", 1)[1].splitlines():
        item = re.match(r"^\s*-\s+(.+?)\s*$", line.split("#", 1)[0])
        if not item or item.group(1) in ("pip", "pip:"):
            continue
        if item.group(1).startswith("python"):
            python = item.group(1)
        else:
            found.add(item.group(1))
    return python, found


def normalise(requirement: str) -> str:
    requirement = requirement.split(";", 1)[0].replace(" ", "")
    name, spec = re.match(r"([A-Za-z0-9_.\-]+)(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + spec


def test_the_binder_environment_lists_what_pyproject_lists():
    from toml_reader import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = {normalise(r) for r in project["project"]["dependencies"]}
    python, listed = binder_requirements()
    listed = {normalise(r) for r in listed}
    build = {normalise(r) for r in project["build-system"]["requires"]}
    assert listed - wanted == build | {"nbgitpuller>=1.2"}, f"only in binder/environment.yml: {listed - wanted}"
    assert wanted <= listed, f"missing from binder/environment.yml: {wanted - listed}"
    minimum = project["project"]["requires-python"].removeprefix(">=")
    assert re.fullmatch(r"python=3\.\d+", python), "repo2docker wants an exact Python version: python=3.X"
    assert tuple(map(int, python.split("=")[1].split("."))) >= tuple(map(int, minimum.split(".")))


@pytest.mark.slow  # a fresh virtual environment and an editable install: about 20 s
def test_binder_postbuild_installs_the_course_by_itself(tmp_path):
    import shutil
    import subprocess
    import sys
    import sysconfig

    repo = tmp_path / "backprop-course"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("course_lib", "course_tools", "binder"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=skip)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copyfile(ROOT / name, repo / name)
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    # The packages binder/environment.yml would have installed (pip and setuptools too): this test
    # environment's own, so nothing is downloaded.
    site = next(env.glob("lib/python3*/site-packages"))
    (site / "zz_installed_by_environment_yml.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    home = tmp_path / "home"
    home.mkdir()
    clean = {
        "PATH": f"{env / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "MPLCONFIGDIR": str(home / "mpl"),
    }
    result = subprocess.run(
        ["bash", str(repo / "binder" / "postBuild")],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"postBuild failed:\n{result.stdout}\n{result.stderr}"
    where = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import course_lib, course_tools.grader.cli; print(course_lib.__file__)"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(repo)), f"course_lib comes from {where.stdout.strip()}, not the copy"
    assert (home / "mpl").is_dir(), "postBuild should have built matplotlib's font cache"
    assert (env / "etc" / "jupyter" / "jupyter_server_config.d" / "backprop-course.json").is_file(), (
        "postBuild should have set up the course's JupyterLab (course_tools/course_lab.py)"
    )
