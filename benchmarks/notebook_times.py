"""How long each lesson and solution notebook takes to execute, against its budget.

Each notebook is executed headless from its source in a fresh kernel, as
``python3 course.py notebooks`` does (nothing is written). The reference, timed
in the same run, is a notebook with a single empty cell: the kernel's own
start-up cost, which every notebook pays. Budgets (issue 14): every lesson under
30 s on this 2-core machine, and the whole course (every lesson, one after
another) under 3 minutes.

    python3 benchmarks/notebook_times.py                      # lessons and solutions
    python3 benchmarks/notebook_times.py --folder notebooks 06 07
    python3 benchmarks/notebook_times.py --quick              # the empty notebook and lesson 00 only
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import nbformat

from course_tools.notebooks import execute, read_source, sources

from _common import ROOT, describe
from _results import record

LESSON_BUDGET = 30.0
COURSE_BUDGET = 180.0


def time_execution(nb, cwd) -> float:
    start = time.perf_counter()
    execute(nb, cwd=cwd)
    return time.perf_counter() - start


def reference_seconds(cwd, repeats: int = 3) -> float:
    """Median time to start a kernel and run one empty cell."""
    runs = []
    for _ in range(repeats):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        runs.append(time_execution(nb, cwd))
    return statistics.median(runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*")
    parser.add_argument("--folder", action="append", choices=["notebooks", "solutions"])
    parser.add_argument("--quick", action="store_true", help="lesson 00 only, one empty-notebook run")
    args, _ = parser.parse_known_args(argv)
    folders = ["notebooks"] if args.quick else (args.folder or ["notebooks", "solutions"])
    prefixes = ["00"] if args.quick else args.prefixes
    print(describe(threads=0).replace("threads: 0; ", ""))
    reference = reference_seconds(ROOT / "notebooks", repeats=1 if args.quick else 3)
    print(f"reference: an empty notebook takes {reference:.2f} s (kernel start-up)")
    print(f"{'notebook':48} {'seconds':>8} {'x empty':>8}  budget {LESSON_BUDGET:.0f} s", flush=True)
    over, lesson_total, lessons = 0, 0.0, 0
    for name in folders:
        folder = ROOT / name
        for path in sources(folder, prefixes):
            seconds = time_execution(read_source(path), cwd=folder)
            verdict = "ok" if seconds <= LESSON_BUDGET else "OVER BUDGET"
            over += seconds > LESSON_BUDGET
            print(f"{name + '/' + path.stem:48} {seconds:8.1f} {seconds / reference:8.1f}  {verdict}", flush=True)
            if name == "notebooks":
                lesson_total += seconds
                lessons += 1
                record(
                    "notebooks",
                    f"lesson {path.stem}",
                    round(seconds, 1),
                    "s",
                    goal=f"< {LESSON_BUDGET:.0f}",
                    met=seconds < LESSON_BUDGET,
                )
            else:
                record("notebooks", f"solution {path.stem}", round(seconds, 1), "s", note="information")
    if lessons:
        print(
            f"{'the whole course: ' + str(lessons) + ' lessons, one after another':48} {lesson_total:8.1f}  "
            f"budget {COURSE_BUDGET:.0f} s: {'ok' if lesson_total < COURSE_BUDGET else 'OVER BUDGET'}"
        )
        record(
            "notebooks",
            f"the whole course, {lessons} lessons one after another",
            round(lesson_total, 1),
            "s",
            goal=f"< {COURSE_BUDGET:.0f}",
            met=lesson_total < COURSE_BUDGET,
            note=f"an empty notebook (kernel start-up) takes {reference:.1f} s",
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
