"""How many submissions per minute does course-grade grade, next to just running them?

A class of generated ex01 submissions (correct, untouched, partly done, with a
transposed layer, in turn) is graded with ``course-grade``'s batch path (a process pool
on ``--jobs`` cores, one fresh kernel per submission, in the sandbox: every layer
this machine has, as ``course-grade`` uses by default). The reference is the least
any notebook autograder must do: execute every submission once, top to bottom,
in a fresh kernel, one after another (nbclient, errors allowed), which is what
``nbgrader autograde`` does per notebook. Before timing anything the script
checks the grader gives the expected score to each kind of submission: a speed
of wrong grading would mean nothing.

    python3 benchmarks/grade_speed.py                    # 20 submissions, every core
    python3 benchmarks/grade_speed.py --class-size 40 --jobs 2
    python3 benchmarks/grade_speed.py --no-reference     # grading only
    python3 benchmarks/grade_speed.py --exercise ex06_mlp_backward --no-reference
        # another exercise: correct and untouched submissions in turn

Prints each rate in submissions per minute, the projected time for a class of
100, and the ratio of the grader's time to the reference's (below 1: faster).
On a shared machine the wall-clock times vary with whatever else is running.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from course_tools.grader.cli import grade_many
from course_tools.grader import catalog
from course_tools.grader.grade import Options, layers_for, limits_for

ROOT = Path(__file__).resolve().parents[1]

EXERCISE = "ex01_neuron_and_layer"


def _answers(path: Path) -> dict:
    nb = json.loads(path.read_text())
    return {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def kinds(exercise: str = EXERCISE) -> dict:
    """Submission kinds: name -> (answer cells to put into the student version, expected score, from
    the parts' points). ex01 has four kinds, with its usual bugs; another exercise has the correct
    and the untouched one."""
    right = _answers(ROOT / "solutions" / f"{exercise}.ipynb")
    _, spec = catalog.load(exercise)
    points = {part.grade_id: sum(check.points for check in part.checks) for part in spec.parts}
    total = sum(points.values())
    if exercise != EXERCISE:
        return {"correct": (right, total), "untouched": ({}, 0)}
    transposed = right["layer"].replace("return X @ W.T + b", "return (X @ W.T + b).T")
    assert transposed != right["layer"], "the solution changed: update the bug"
    return {
        "correct": (right, total),
        "untouched": ({}, 0),
        "partly": (
            {"neuron": right["neuron"], "layer": right["layer"]},
            points["neuron_tests"] + points["layer_tests"],
        ),
        "transposed_layer": ({**right, "layer": transposed}, total - points["layer_tests"] - points["two_layer_tests"]),
    }


def write_class(folder: Path, size: int, exercise: str = EXERCISE) -> tuple[list[str], list[float]]:
    student = json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text())
    paths, expected = [], []
    made = list(kinds(exercise).items())
    for i in range(size):
        name, (answers, score) = made[i % len(made)]
        nb = json.loads(json.dumps(student))
        for cell in nb["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell["source"] = answers[grade_id]
        path = folder / f"student{i:03d}_{name}.ipynb"
        path.write_text(json.dumps(nb))
        paths.append(str(path))
        expected.append(score)
    return paths, expected


def run_reference(paths: list[str]) -> float:
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as cwd:
            NotebookClient(
                nb, timeout=60, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": cwd}}
            ).execute()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--class-size", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-reference", action="store_true", help="skip the plain-execution reference")
    parser.add_argument("--exercise", default=EXERCISE, help=f"the exercise graded (default {EXERCISE})")
    args, _ = parser.parse_known_args(argv)  # run_all.py may pass options meant for other benchmarks
    options = Options()
    options.layers = layers_for(options)  # the sandbox every kernel runs in, as course-grade does
    print(f"course-grade {options.layers.describe(limits_for(options))}")
    with tempfile.TemporaryDirectory() as folder:
        paths, expected = write_class(Path(folder), args.class_size, args.exercise)
        start = time.perf_counter()
        results, failures = grade_many(paths, options, args.jobs, progress=False)
        seconds = time.perf_counter() - start
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        got = [r.score for r in results]
        if got != expected:
            wrong = [(Path(p).name, g, e) for p, g, e in zip(paths, got, expected) if g != e]
            print(f"the grader gave unexpected scores (file, got, expected): {wrong}", file=sys.stderr)
            return 1
        reference = None if args.no_reference else run_reference(paths)
    rate = 60 * args.class_size / seconds
    print(
        f"course-grade: {args.class_size} submissions of {args.exercise} on {args.jobs} process(es) "
        f"in {seconds:.1f} s = {rate:.1f} per minute; a class of 100 would take {100 * seconds / args.class_size / 60:.1f} min"
    )
    print(f"  per submission, summed over the workers: {sum(r.seconds for r in results) / len(results):.1f} s")
    if reference is not None:
        print(
            f"reference (execute each notebook once, one at a time): {reference:.1f} s = "
            f"{60 * args.class_size / reference:.1f} per minute"
        )
        print(f"ratio course-grade / reference: {seconds / reference:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
