"""What the grader writes: Gradescope's results.json, a per-part table, a gradebook CSV.

Every text in them passes through ``clean``: a submission controls its error
messages and printed values, and a terminal escape or a carriage return in one
could redraw the instructor's console (a row reading "total 10 / 10").
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from .grade import GradeResult

# C0 and C1 control characters, DEL, and the Unicode controls that reorder or break displayed text
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x85"  # controls that separate words: become a space when not kept


def clean(text, keep: str = "\n\t") -> str:
    """``text`` without control characters: those in ``keep`` stay, the ones that separate words
    (tab, line breaks, carriage return) become a space, the rest (escape, bell, backspace, bidi
    overrides, ...) go."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else (" " if m.group() in _SPACES else ""), str(text))


def _number(x: float):
    return int(x) if float(x).is_integer() else round(float(x), 4)


VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def gradescope(result: GradeResult, hidden_visibility: str = "after_published") -> dict:
    """The results.json Gradescope reads: score, execution_time, output, tests[] (hidden
    checks get ``hidden_visibility``)."""
    lines = [f"{result.title or 'Submission'}: {_number(result.score)} / {_number(result.max_score)} points."]
    lines += [clean(note) for note in result.notes]
    if result.seed is not None:
        lines.append(f"(Random test inputs drawn with seed {result.seed}.)")
    return {
        "score": _number(result.score),
        "execution_time": round(result.seconds, 2),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": [
            {
                "name": clean(f"{test.part_title}: {test.name}", keep=""),
                "score": _number(test.score),
                "max_score": _number(test.max_score),
                "status": "passed" if test.passed else "failed",
                "output": clean(test.output),
                "visibility": hidden_visibility if test.hidden else "visible",
            }
            for test in result.tests
        ],
    }


def write_results(result: GradeResult, path: Path, hidden_visibility: str = "after_published") -> None:
    Path(path).write_text(json.dumps(gradescope(result, hidden_visibility), indent=2) + "\n", encoding="utf-8")


def table(result: GradeResult, details: bool = True) -> str:
    """A readable per-part summary; with ``details``, every check and why it failed."""
    head = clean(f"{result.submission}: {result.exercise or 'unknown exercise'}", keep="")
    rows = [head, "=" * len(head)]
    parts = [(grade_id, clean(title, keep=""), score, top) for grade_id, title, score, top in result.parts()]
    width = max([len(title) for _, title, _, _ in parts] + [len("total")])
    for grade_id, title, score, top in parts:
        rows.append(f"{title:<{width}}  {_number(score):>4} / {_number(top)}")
        if details:
            for test in (t for t in result.tests if t.part == grade_id):
                mark = "ok  " if test.passed else "FAIL"
                rows.append(f"    {mark} {clean(test.name, keep='')} ({_number(test.score)}/{_number(test.max_score)})")
                if not test.passed:
                    rows.extend("         " + line for line in clean(test.output, keep="\n").splitlines())
    rows.append(f"{'total':<{width}}  {_number(result.score):>4} / {_number(result.max_score)}")
    rows.extend(clean(note, keep="\n") for note in result.notes)
    rows.append(f"graded in {result.seconds:.1f} s")
    return "\n".join(rows)


def write_gradebook(results: list[GradeResult], path: Path) -> None:
    """One row per submission, one column per part (of every exercise seen), and the total."""
    parts: list[str] = []
    for result in results:
        for grade_id, _, _, _ in result.parts():
            column = f"{result.exercise}:{grade_id}"
            if column not in parts:
                parts.append(column)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "exercise", *parts, "total", "max_total", "notes"])
        for result in results:
            scores = {f"{result.exercise}:{grade_id}": _number(score) for grade_id, _, score, _ in result.parts()}
            writer.writerow(
                [
                    clean(result.submission, keep=""),
                    clean(result.exercise or "", keep=""),
                    *(scores.get(c, "") for c in parts),
                    _number(result.score),
                    _number(result.max_score),
                    clean(" ".join(result.notes), keep=""),
                ]
            )
