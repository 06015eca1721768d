"""Lesson 00's history and its claims about the course, checked against the dates and the lessons' own code."""

import re

import jupytext

from notebook_outputs import ROOT, load

SOURCES = ROOT / "notebooks" / "src"


def prose(name):
    """The lesson's markdown, with line breaks and indents folded into single spaces."""
    return " ".join(" ".join(cell.source for cell in load(name).cells if cell.cell_type == "markdown").split())


def code(stem):
    path = next(SOURCES.glob(f"{stem}_*.py"))
    return "\n".join(cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code")


def test_the_years():
    text = prose("00_course_map")
    for year in ("1969", "1974", "1986", "2006", "2012", "2015"):
        assert f"**{year}.**" in text
    assert "For more than a decade it stays on the margins" in text and 1986 - 1974 > 10


def test_xor_is_the_first_problem_solved_with_a_hidden_layer_not_the_first_network_trained():
    text = prose("00_course_map")
    assert "lessons 2 and 3 train single neurons first; XOR is the first problem solved *with a hidden layer*" in text
    # Lessons 1 and 4 train nothing; lesson 2 trains one sigmoid neuron by hand; lesson 3 trains MLP([1, 1]).
    for stem in ("01", "04"):
        assert not re.search(r"\btrain\(|\.step\(|recipe_step\(", code(stem)), stem
    assert "One sigmoid neuron, $p = \\sigma(wx + b)$" in prose("02_loss_functions")
    trained = [
        cell.source
        for cell in load("03_gradient_descent").cells
        if cell.cell_type == "code" and "train(" in cell.source
    ]
    assert len(trained) == 1 and re.findall(r"MLP\((\[[^\]]*\])", trained[0]) == ["[1, 1]"]
    # Lesson 5's only training loop is XOR with a hidden layer, in a section headed "Optional:".
    heading, loops = None, []
    for cell in load("05_signals").cells:
        first = cell.source.lstrip().split("\n", 1)[0]
        if cell.cell_type == "markdown" and re.match(r"#{1,4} ", first):
            heading = first
        if (
            cell.cell_type == "code"
            and re.search(r"for \w+ in range\(\d+\):", cell.source)
            and "recipe_step" in cell.source
        ):
            loops.append((heading, cell.source))
    assert len(loops) == 1
    heading, source = loops[0]
    assert heading.startswith("## Optional:") and "XOR" in heading and "MLP([2, 3, 1]" in source


def test_no_false_history_left_in_these_lessons():
    for name in ("00_course_map", "03_gradient_descent", "05_signals"):
        text = prose(name)
        assert "first network the course trains" not in text and "first network this course trains" not in text
        assert "fifteen years" not in text


def test_the_main_path_leaves_history_and_reading_optional():
    text = prose("00_course_map")
    assert "## Optional: a short history" in text and "## Optional: further reading" in text
