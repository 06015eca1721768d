"""The course catalogue and map: lessons found on disk, titles, exercises from their metadata, the drawing, the set-up check."""

import json
import re
import sys
from toml_reader import tomllib
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle, PathPatch

from course_lib import CourseError
from course_lib.drawing.course_map import ExerciseProgress, LessonProgress, draw_course_map
from course_lib.lessons.catalog import (
    Lesson,
    find_lessons,
    graded_exercises,
    lesson_table,
    title_from_notebook,
    title_from_source,
)
from course_lib.lessons.environment_check import course_requirements, environment_verdicts, version_table

ROOT = Path(__file__).resolve().parents[2]


def write_source(folder: Path, stem: str, heading: str) -> None:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / f"{stem}.py").write_text(
        "# ---\n# jupyter:\n#   jupytext:\n# ---\n\n"
        "# %%\n# # not a heading: this is a code cell's comment\nx = 1\n\n"
        f"# %% [markdown]\n# {heading}\n#\n# Some text.\n\n# %% [markdown]\n# # A later heading\n",
        encoding="utf-8",
    )


def write_notebook(folder: Path, stem: str, heading: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "source": ["# # a comment, not a heading\n"],
            "outputs": [],
            "execution_count": None,
        },
        {"cell_type": "markdown", "metadata": {}, "source": ["Intro line\n", f"{heading}\n", "more\n"]},
    ]
    (folder / f"{stem}.ipynb").write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8"
    )


# ------------------------------------------------------------------ finding lessons
def test_titles_come_from_the_first_markdown_heading(tmp_path):
    write_source(tmp_path, "03_gradient_descent", "# 3. Gradient descent: follow the slope")
    write_notebook(tmp_path, "07_activations", "## Lesson 07: Activations")
    assert title_from_source(tmp_path / "src" / "03_gradient_descent.py") == "Gradient descent: follow the slope"
    assert title_from_notebook(tmp_path / "07_activations.ipynb") == "Activations"


def write_exercise(folder: Path, exercise: str, lesson: str | None, title: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    info = {"id": exercise, "title": title or exercise} | ({"lesson": lesson} if lesson else {})
    (folder / f"{exercise}.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {"course_exercise": info}, "nbformat": 4, "nbformat_minor": 5}),
        encoding="utf-8",
    )


def test_each_exercise_names_its_lesson_in_its_own_metadata(tmp_path):
    write_exercise(tmp_path, "ex01_neurons", "01")
    write_exercise(tmp_path, "ex09_minibatches", "09")
    write_exercise(tmp_path, "ex99_extra", None)  # practice only: on no lesson
    assert graded_exercises(tmp_path) == {"01": ("ex01_neurons",), "09": ("ex09_minibatches",)}
    # A second exercise on one lesson comes after the first, in the order of their titles, not their file names.
    write_exercise(tmp_path, "ex01_a_second", "01", title="Exercise 1b: more")
    write_exercise(tmp_path, "ex01_neurons", "01", title="Exercise 1: neurons")
    assert graded_exercises(tmp_path)["01"] == ("ex01_neurons", "ex01_a_second")


def test_every_exercise_of_the_course_belongs_to_an_existing_lesson():
    graded = graded_exercises()
    exercise_ids = sorted(path.stem for path in (ROOT / "exercises").glob("ex*.ipynb"))
    assert sorted(e for names in graded.values() for e in names) == exercise_ids, "every exercise names its lesson"
    assert graded["06"] == ("ex06_mlp_backward", "ex06_find_the_bugs")  # find the bugs comes after writing one
    lesson_numbers = {lesson.number for lesson in find_lessons()}
    assert set(graded) <= lesson_numbers, f"exercises name lessons that do not exist: {set(graded) - lesson_numbers}"


def test_the_readme_lesson_table_agrees_with_the_exercises_metadata():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) \| `(\d\d_\w+)` \|[^|]*\| ((?:`ex\d\d_\w+`(?:, )?)+|—) \|$", readme, re.M)
    assert rows, "the README has no lesson table"
    listed = {number: tuple(re.findall(r"`(ex\d\d_\w+)`", cell)) for number, _, cell in rows if cell != "—"}
    assert listed == graded_exercises()
    assert [stem for _, stem, _ in rows] == [lesson.stem for lesson in find_lessons()]


def test_lessons_are_found_on_disk_in_order_with_their_exercises(tmp_path):
    write_exercise(tmp_path / "exercises", "ex01_neuron_and_layer", "01")
    write_exercise(tmp_path / "exercises", "ex10_capstone", "10")
    write_source(tmp_path, "01_neurons", "# Neurons")
    write_notebook(tmp_path, "01_neurons", "# An outdated title")  # the source wins
    write_notebook(tmp_path, "10_capstone", "# 10 · Capstone")  # a notebook without a source
    write_source(tmp_path, "08_initialisation", "# Initialisation and symmetry")
    write_source(tmp_path, "helpers", "# Not a lesson")  # no NN_ prefix: ignored
    write_notebook(tmp_path, "1_bad", "# Not a lesson either")
    lessons = find_lessons(tmp_path, tmp_path / "exercises")
    assert [lesson.stem for lesson in lessons] == ["01_neurons", "08_initialisation", "10_capstone"]
    assert [lesson.title for lesson in lessons] == ["Neurons", "Initialisation and symmetry", "Capstone"]
    assert [lesson.exercise for lesson in lessons] == ["ex01_neuron_and_layer", None, "ex10_capstone"]
    assert [lesson.exercises for lesson in lessons] == [("ex01_neuron_and_layer",), (), ("ex10_capstone",)]
    assert lessons[0] == Lesson("01", "01_neurons", "Neurons", "ex01_neuron_and_layer")
    assert lessons[0] == Lesson("01", "01_neurons", "Neurons", ("ex01_neuron_and_layer",))


def test_a_lesson_without_a_heading_is_named_from_its_file(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "04_chain_rule.py").write_text("# %%\nx = 1\n", encoding="utf-8")
    assert find_lessons(tmp_path)[0].title == "Chain rule"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CourseError, match="no lesson folder"):
        find_lessons(tmp_path / "nowhere")


def test_the_course_itself_lists_the_first_lessons():
    lessons = find_lessons()
    by_number = {lesson.number: lesson for lesson in lessons}
    assert by_number["00"].title == "Course map"
    assert by_number["01"].title == "Neurons and the forward pass"
    assert by_number["02"].title == "Loss functions"
    numbers = [lesson.number for lesson in lessons]
    assert numbers == sorted(set(numbers))
    sources = sorted(path.stem for path in (ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    assert [lesson.stem for lesson in lessons] == sources
    assert all(lesson.title and not lesson.title.startswith("#") for lesson in lessons)


def test_lesson_table_aligns_number_title_and_exercise():
    lessons = [
        Lesson("00", "00_map", "Course map", None),
        Lesson("02", "02_loss", "Loss functions", "ex02_losses"),
        Lesson("06", "06_backprop", "Backprop", ("ex06_a", "ex06_b")),
    ]
    lines = lesson_table(lessons).splitlines()
    assert lines[1].split() == ["00", "Course", "map", "-"]
    assert lines[2].split() == ["02", "Loss", "functions", "ex02_losses"]
    assert lines[3].split() == ["06", "Backprop", "ex06_a,", "ex06_b"]
    assert lines[1].index("-") == lines[2].index("ex02_losses") == lines[0].index("graded exercise")


# ------------------------------------------------------------------ the drawing
def test_the_map_draws_one_station_per_lesson_with_titles_and_exercises():
    graded = {"01": "ex01_a", "04": "ex04_b", "09": "ex09_c"}
    lessons = [Lesson(f"{n:02d}", f"{n:02d}_x", f"Lesson title {n}", graded.get(f"{n:02d}")) for n in range(11)]
    ax = draw_course_map(lessons)
    stations = [p for p in ax.patches if isinstance(p, Circle)]
    assert [p.get_gid() for p in stations] == [f"station-{n:02d}" for n in range(11)]
    texts = [t.get_text() for t in ax.texts]
    for lesson in lessons:
        assert lesson.number in texts
        assert any(lesson.title in t.replace("\n", " ") for t in texts)
    badges = {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("badge-")}
    assert badges == {f"badge-{number}": "graded" for number in graded}
    # a lesson with two exercises says so; with progress, each exercise has a badge with its name and state
    lessons = [Lesson("00", "00_a", "A", None), Lesson("06", "06_b", "B", ("ex06_one", "ex06_two"))]
    two = draw_course_map(lessons)
    assert "graded ×2" in [t.get_text() for t in two.texts]
    progress = {
        "06": LessonProgress(
            True, {"ex06_one": ExerciseProgress(4, passing=4), "ex06_two": ExerciseProgress(5, passing=2, failing=1)}
        )
    }
    mine = draw_course_map(lessons, progress=progress)
    badges = {t.get_gid(): t.get_text() for t in mine.texts if (t.get_gid() or "").startswith("badge-")}
    assert badges == {"badge-ex06_one": "\u2713 ex06_one", "badge-ex06_two": "ex06_two 2/5"}
    plt.close("all")
    # graded lessons are filled differently from the others, and the route joins all stations
    fills = {p.get_gid(): p.get_facecolor() for p in stations}
    assert fills["station-01"] != fills["station-07"] and fills["station-01"] == fills["station-09"]
    route = [p for p in ax.patches if isinstance(p, PathPatch) and p.get_gid() == "route"]
    assert len(route) == 1
    centres = [p.center for p in stations]
    vertices = route[0].get_path().vertices
    for centre in centres:
        assert min(((v[0] - centre[0]) ** 2 + (v[1] - centre[1]) ** 2) for v in vertices) < 1e-12
    # every station lies inside the visible area
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert all(x0 < x < x1 and y0 < y < y1 for x, y in centres)
    plt.close(ax.figure)


def test_the_map_grows_with_the_lessons_on_disk():
    few = draw_course_map([Lesson("00", "00_a", "A", None), Lesson("01", "01_b", "B", "ex01_neuron_and_layer")])
    many = draw_course_map([Lesson(f"{n:02d}", f"{n:02d}_x", "T", None) for n in range(9)])
    assert len([p for p in few.patches if isinstance(p, Circle)]) == 2
    assert many.figure.get_figheight() > few.figure.get_figheight()
    plt.close("all")


def test_the_map_refuses_nothing_to_draw():
    with pytest.raises(CourseError, match="no lessons"):
        draw_course_map([])
    with pytest.raises(CourseError, match="per_row"):
        draw_course_map([Lesson("00", "00_a", "A", None)], per_row=1)


# ------------------------------------------------------------------ the environment
def test_requirements_are_read_from_the_installed_course_and_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {}
    for spec in project["dependencies"]:
        name, relation, version = re.fullmatch(r"([A-Za-z0-9_.-]+)(>=|==)([0-9.]+)", spec.strip()).groups()
        declared[name] = ("==" if relation == "==" else "") + version
    declared["python"] = project["requires-python"].removeprefix(">=")
    assert dict(course_requirements()) == declared, "reinstall the course: its metadata is older than pyproject.toml"


def test_verdicts_say_ok_too_old_or_missing_without_the_installed_version():
    versions = {"alpha": "2.4.6", "beta": "1.23.5", "gamma": None, "delta": "0.4.1", "eps": "1.0rc1"}
    versions |= {"pinned": "8.1.2", "moved": "8.1.9"}
    requirements = (
        ("alpha", "1.24"),
        ("beta", "1.24"),
        ("gamma", "3.0"),
        ("delta", "0.40"),
        ("eps", "1.0"),
        ("pinned", "==8.1.2"),
        ("moved", "==8.1.2"),
    )
    lines = environment_verdicts(requirements, version_of=versions.get)
    assert lines == [
        "alpha   ok (>= 1.24 required)",
        "beta    TOO OLD: found 1.23.5, need >= 1.24",
        "gamma   MISSING: install gamma >= 3.0",
        "delta   TOO OLD: found 0.4.1, need >= 0.40",
        "eps     ok (>= 1.0 required)",
        "pinned  ok (== 8.1.2 required)",
        "moved   WRONG VERSION: found 8.1.9, need == 8.1.2",
    ]


def test_this_machine_passes_and_the_verdict_is_stable():
    lines = environment_verdicts()
    assert len(lines) == len(course_requirements())
    assert all(line.split()[1] == "ok" for line in lines), lines
    python = ".".join(map(str, sys.version_info[:3]))
    assert python not in "\n".join(lines)
    assert python in version_table()


def test_the_version_table_reads_across_two_columns():
    table = version_table([("alpha", ">=1"), ("beta", ">=1"), ("gamma", ">=1")], version_of=lambda name: "1.0")
    assert table.splitlines() == ["alpha  1.0    beta   1.0", "gamma  1.0"]
    assert len(version_table().splitlines()) == -(-len(course_requirements()) // 2)


@pytest.mark.parametrize(
    "per_row, progress",
    [(6, None), (4, None), (3, None), (3, {})],
    ids=["slide", "default", "widget-static", "widget-progress"],
)
def test_the_courses_own_map_keeps_its_text_apart_inside_the_picture_and_off_the_route(per_row, progress):
    """With the real titles and exercise names: no two labels (badge boxes included) overlap, all lie
    inside the figure, and the route passes through no title or badge."""
    ax = draw_course_map(per_row=per_row, progress=progress)
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    numbers = {lesson.number for lesson in find_lessons()}
    boxes = []
    for text in [*ax.texts, ax.title]:
        if text.get_text():
            patch = text.get_bbox_patch()
            box = (patch or text).get_window_extent(renderer)
            boxes.append((text.get_text(), box))
    try:
        for i, (name, box) in enumerate(boxes):
            assert fig.bbox.x0 - 0.5 <= box.x0 and box.x1 <= fig.bbox.x1 + 0.5, f"{name!r} sticks out of the picture"
            for other, box2 in boxes[i + 1 :]:
                assert not box.overlaps(box2), f"{name!r} overlaps {other!r}"
        route = next(p for p in ax.patches if p.get_gid() == "route")
        on_curve = [segment(np.linspace(0, 1, 25)) for segment, _ in route.get_path().iter_bezier()]
        points = ax.transData.transform(np.concatenate(on_curve))
        for name, box in boxes:
            if name in numbers or name == "start":  # the route runs through the stations themselves
                continue
            inside = [p for p in points if box.x0 < p[0] < box.x1 and box.y0 < p[1] < box.y1]
            assert not inside, f"the route runs through {name!r}"
    finally:
        plt.close(fig)
