"""What the grader writes: Gradescope's results.json, a per-part table, a gradebook CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .grade import GradeResult


def _number(x: float):
    return int(x) if float(x).is_integer() else round(float(x), 4)


VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def gradescope(result: GradeResult, hidden_visibility: str = "after_published") -> dict:
    """The results.json Gradescope reads: score, execution_time, output, tests[] (hidden
    checks get ``hidden_visibility``)."""
    lines = [f"{result.title or 'Submission'}: {_number(result.score)} / {_number(result.max_score)} points."]
    lines += result.notes
    if result.seed is not None:
        lines.append(f"(Random test inputs drawn with seed {result.seed}.)")
    return {
        "score": _number(result.score),
        "execution_time": round(result.seconds, 2),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": [
            {
                "name": f"{test.part_title}: {test.name}",
                "score": _number(test.score),
                "max_score": _number(test.max_score),
                "status": "passed" if test.passed else "failed",
                "output": test.output,
                "visibility": hidden_visibility if test.hidden else "visible",
            }
            for test in result.tests
        ],
    }


def write_results(result: GradeResult, path: Path, hidden_visibility: str = "after_published") -> None:
    Path(path).write_text(json.dumps(gradescope(result, hidden_visibility), indent=2) + "\n", encoding="utf-8")


def table(result: GradeResult, details: bool = True) -> str:
    """A readable per-part summary; with ``details``, every check and why it failed."""
    head = f"{result.submission}: {result.exercise or 'unknown exercise'}"
    rows = [head, "=" * len(head)]
    width = max([len(title) for _, title, _, _ in result.parts()] + [len("total")])
    for grade_id, title, score, top in result.parts():
        rows.append(f"{title:<{width}}  {_number(score):>4} / {_number(top)}")
        if details:
            for test in (t for t in result.tests if t.part == grade_id):
                mark = "ok  " if test.passed else "FAIL"
                rows.append(f"    {mark} {test.name} ({_number(test.score)}/{_number(test.max_score)})")
                if not test.passed:
                    rows.extend("         " + line for line in test.output.splitlines())
    rows.append(f"{'total':<{width}}  {_number(result.score):>4} / {_number(result.max_score)}")
    rows.extend(result.notes)
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
            writer.writerow([result.submission, result.exercise or "", *(scores.get(c, "") for c in parts),
                             _number(result.score), _number(result.max_score), " ".join(result.notes)])
