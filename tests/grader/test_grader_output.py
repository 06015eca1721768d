"""What a submission prints or says cannot cost it points nor reach the instructor's screen raw (issue 23).

- A cell's printed text is capped in the kernel itself (``transport.MAX_CELL_OUTPUT``): past the
  cap nothing more is sent, so a huge print costs no time and no points.
- Control characters a submission puts in its messages (terminal escapes, carriage returns, bidi
  overrides) are stripped from the console table, the CSV and results.json (``report.clean``).

Each defence is also switched off, to show the test would catch it going missing.
"""

from __future__ import annotations

import csv
import json

import pytest

from grader_fixtures import POINTS, answer, solved, write

from course_tools.grader import report, sandbox, staging, transport
from course_tools.grader.cli import grade_many, main
from course_tools.grader.grade import Options, grade_file
from course_tools.grader.kernel import KernelSession

pytestmark = pytest.mark.slow

SAFE = dict(seed=3, timeout=5, memory_mb=768)
FULL = POINTS


def scores(result) -> dict:
    return {grade_id: score for grade_id, _, score, _ in result.parts()}


def everything(result) -> str:
    return "\n".join([t.output for t in result.tests] + result.notes)


# ---------------------------------------------------------------- a huge print

PRINT_100_MB = 'print("x" * 100_000_000)\n' + answer("neuron")
PRINT_LINES = 'for _i in range(1_000_000):\n    print(_i, "x" * 93)\n' + answer("neuron")  # 100 MB in lines
PRINT_IN_FUNCTION = (
    answer("neuron")
    + """
_neuron = neuron
def neuron(x, w, b):
    print("y" * 20_000_000)  # more than the grader reads of a probe's output
    return _neuron(x, w, b)
"""
)


def test_a_submission_that_prints_a_lot_but_answers_right_keeps_its_points(tmp_path, monkeypatch):
    paths = [
        str(write(solved(neuron=code), tmp_path / f"{name}.ipynb"))
        for name, code in [("top", PRINT_100_MB), ("lines", PRINT_LINES), ("function", PRINT_IN_FUNCTION)]
    ]
    results, failures = grade_many(paths, Options(**SAFE), jobs=2, progress=False)
    assert failures == [] and [scores(r) for r in results] == [FULL] * 3, [everything(r) for r in results]
    # without the cap in the kernel: 100 MB in one message ends the connection, 20 MB buries the result
    monkeypatch.setattr(transport, "MAX_CELL_OUTPUT", None)
    top = grade_file(paths[0], Options(**SAFE))
    assert scores(top)["neuron_tests"] == 0 and "Your answer cell 'neuron'" in everything(top)
    function = grade_file(paths[2], Options(**SAFE))
    assert 0 < scores(function)["neuron_tests"] < POINTS["neuron_tests"]  # sigmoid alone passes
    assert "printed more than the grader reads" in everything(function)


def test_the_kernel_says_that_it_dropped_output():
    session = KernelSession.fresh(
        sandbox.detect("auto"), staging.staged_library((), "ex01_neuron_and_layer"), [], sandbox.Limits()
    )
    try:
        session.start()
        outcome = session.run(
            'import sys\nprint("x" * 3_000_000)\nprint("not sent", file=sys.stderr)', 10, max_output=10_000_000
        )
        assert outcome.status == "ok" and "output truncated" in outcome.stdout
        assert transport.MAX_CELL_OUTPUT <= len(outcome.stdout) < transport.MAX_CELL_OUTPUT + 200
        assert session.run('print("the next cell prints again")', 10).stdout == "the next cell prints again\n"
    finally:
        session.close()


# ---------------------------------------------------------------- control characters

ESCAPES = "\x1b[2K\r total 10 / 10 \x1b]0;title\x07\u202e"
RAISE_ESCAPES = (
    answer("neuron").split("def neuron")[0]
    + f"""
def neuron(x, w, b):
    raise RuntimeError({ESCAPES!r})
"""
)
BROKEN_LAYER = (
    answer("layer")
    + f"""
raise ValueError({ESCAPES!r})
"""
)
CONTROL = ("\x1b", "\r", "\x07", "\u202e")


def _has_control(text: str) -> list[str]:
    return [c for c in CONTROL if c in text]


def test_no_control_character_from_a_submission_reaches_the_console_csv_or_results(tmp_path, capsys, monkeypatch):
    # the file name too: a class's files are often named by the students
    nb = write(solved(neuron=RAISE_ESCAPES, layer=BROKEN_LAYER), tmp_path / "name\x1b[2K\r.ipynb")
    results, gradebook = tmp_path / "results.json", tmp_path / "grades.csv"
    assert main([str(nb), "--results", str(results), "--seed", "3", "--timeout", "5"]) == 0
    assert (
        main(
            [str(nb), str(nb), "--gradebook", str(gradebook), "--seed", "3", "--timeout", "5", "--jobs", "1", "--quiet"]
        )
        == 0
    )
    printed = capsys.readouterr()
    written = json.loads(results.read_text())
    texts = [written["output"]] + [t[key] for t in written["tests"] for key in ("name", "output")]
    assert "total 10 / 10" in printed.out and "total 10 / 10" in "\n".join(texts)  # the text is there ...
    assert _has_control(printed.out + printed.err) == []  # ... its controls are not
    assert _has_control(results.read_bytes().decode()) == [] and _has_control("\n".join(texts)) == []
    with gradebook.open(newline="") as handle:  # the CSV's own line ends are CR LF: look inside its cells
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any("name[2K" in cell for cell in cells) and _has_control("".join(cells)) == []
    # without the cleaning, the escapes reach all three
    result = grade_file(nb, Options(**SAFE))
    monkeypatch.setattr(report, "clean", lambda text, keep="": str(text))
    report.write_results(result, results)
    report.write_gradebook([result], gradebook)
    assert "\x1b[2K\r" in report.table(result)
    assert any("\x1b[2K\r" in test["output"] for test in json.loads(results.read_text())["tests"])
    assert b"\x1b[2K\r" in gradebook.read_bytes()


def test_clean_keeps_line_structure_only_where_asked():
    assert report.clean("a\x1b[2K\r b\n\tc\u202ed\x00") == "a[2K  b\n\tcd"
    assert report.clean("a\nb\tc\rd", keep="") == "a b c d"
    assert report.clean("é ü – ✓") == "é ü – ✓"  # ordinary text stays
