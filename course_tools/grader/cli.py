"""course-grade: grade submitted exercise notebooks (see course_tools/grader/FORMAT.md).

    course-grade SUBMISSION.ipynb --results results.json    # Gradescope's results.json and a table
    course-grade submissions/*.ipynb --exercise ID --gradebook grades.csv  # a class at once, one CSV row each
    course-grade gradescope ID -o autograder.zip             # Gradescope's autograder zip for exercise ID

The exercise is read from each notebook's metadata. Exit status 0 whenever
grading completed, whatever the scores; 2 when the grader itself could not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import catalog
from .grade import DEFAULTS, GraderError, Options, check_exercise, grade_file, layers_for, limits_for
from .report import clean, table, write_gradebook, write_results
from .source import exercise_id_of, read_submission

_INTEGRITY = "changed while grading"


def _grade_one(path: str, options: Options):
    """Worker: (result, None) or (None, why the grader failed)."""
    try:
        return grade_file(path, options), None
    except GraderError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug in the grader: report it for this file, grade the others
        return None, f"internal error {type(exc).__name__}: {exc}"


class Progress:
    """A plain-text progress bar on stderr (one line per submission when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool = True):
        self.total, self.done, self.enabled = total, 0, enabled
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.start
        filled = int(30 * self.done / self.total)
        bar = (
            f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}  {elapsed:.0f} s  {clean(label, keep='')}"
        )
        if self.tty:
            print("\r" + bar[:110].ljust(110), end="" if self.done < self.total else "\n", file=sys.stderr, flush=True)
        else:
            print(bar, file=sys.stderr, flush=True)


def grade_many(paths: list[str], options: Options, jobs: int, progress: bool = True):
    """Grade ``paths`` on ``jobs`` processes; returns (results in input order, grader failures).

    When the solutions or specs change during the batch, the remaining
    submissions are not graded and the failure says so.
    """
    results, failures = {}, []
    bar = Progress(len(paths), progress)
    options = dataclasses.replace(options, ahead=len(paths) > 1)
    stop = False
    if jobs <= 1 or len(paths) == 1:
        for path in paths:
            result, failure = (None, "not graded: the batch stopped") if stop else _grade_one(path, options)
            results[path] = result
            if failure:
                failures.append(f"{path}: {failure}")
                stop = stop or _INTEGRITY in failure
            bar.step(Path(path).name)
    else:
        # spawn: workers must not inherit the parent's sockets or threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_grade_one, path, options): path for path in paths}
            for future in as_completed(futures):
                path = futures[future]
                try:
                    result, failure = future.result()
                except Exception as exc:  # a worker process died: the grader failed on this one
                    result, failure = None, f"the grading process failed: {type(exc).__name__}: {exc}"
                results[path] = result
                if failure:
                    failures.append(f"{path}: {failure}")
                    if _INTEGRITY in failure and not stop:
                        stop = True
                        for other in futures:
                            other.cancel()
                bar.step(Path(path).name)
    return [results[p] for p in paths if results.get(p) is not None], failures


def exercises_of(paths: list[str]) -> dict:
    """How many of the notebooks ``paths`` claim each exercise id (None: unreadable or unmarked)."""
    counts: dict = {}
    for path in paths:
        nb, _ = read_submission(Path(path))
        exercise = exercise_id_of(nb) if nb else None
        counts[exercise] = counts.get(exercise, 0) + 1
    return counts


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["gradescope"]:
        from .gradescope import main as build

        return build(argv[1:])
    if argv[:1] == ["gradescope-run"]:
        from .gradescope import run_main

        return run_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="course-grade", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("submissions", nargs="+", help="submitted .ipynb files")
    parser.add_argument("--results", type=Path, help="write Gradescope's results.json here (one submission only)")
    parser.add_argument("--gradebook", type=Path, help="write a CSV with one row per submission")
    parser.add_argument("--exercise", help="accept only this exercise id (others score 0, explained)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULTS["timeout"],
        help=f"seconds per cell and per probe (default {DEFAULTS['timeout']:g})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULTS["budget"],
        help=f"total seconds per submission (default {DEFAULTS['budget']:g})",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=DEFAULTS["memory_mb"],
        help=f"MB of memory one submission may use, all its processes together (default {DEFAULTS['memory_mb']})",
    )
    parser.add_argument(
        "--disk",
        type=int,
        default=DEFAULTS["disk_mb"],
        help=f"MB of files one submission may write in all (default {DEFAULTS['disk_mb']})",
    )
    parser.add_argument("--seed", type=int, help="fix the random test inputs (default: fresh every run)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)"
    )
    parser.add_argument(
        "--sandbox",
        choices=("auto", "uid", "namespaces"),
        default=DEFAULTS["sandbox"],
        help="isolation layers for the kernels (default: every layer available)",
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="grade even where the sandbox's minimum is missing (trusted notebooks only)",
    )
    parser.add_argument(
        "--solutions",
        type=Path,
        default=DEFAULTS["solutions"],
        help="the folder of built solution notebooks (default: the course's solutions/)",
    )
    parser.add_argument("--quiet", action="store_true", help="no table, no progress bar")
    args = parser.parse_args(argv)
    if args.results and len(args.submissions) != 1:
        parser.error("--results takes exactly one submission; use --gradebook for many")
    if args.timeout <= 0 or args.budget <= 0 or args.memory < 256 or args.disk < 16 or args.jobs < 1:
        parser.error(
            "--timeout and --budget must be positive, --memory at least 256 (MB), --disk at least 16 (MB), "
            "--jobs at least 1"
        )
    options = Options(
        timeout=args.timeout,
        budget=args.budget,
        memory_mb=args.memory,
        disk_mb=args.disk,
        seed=args.seed,
        exercise=args.exercise,
        sandbox=args.sandbox,
        unsafe=args.unsafe,
        solutions=args.solutions,
    )
    try:
        check_exercise(options)  # a mistyped id is said first, before anything about this machine
        options.layers = layers = layers_for(options)
    except GraderError as exc:
        print(f"course-grade: {exc}", file=sys.stderr)
        return 2
    print(
        f"course-grade: {layers.describe(limits_for(options))}"
        + ("" if layers.safe else "; UNSAFE: grading without the sandbox"),
        file=sys.stderr,
    )
    many = len(args.submissions) > 1
    if many and not args.exercise:
        claimed = {k: v for k, v in exercises_of(args.submissions).items() if k}
        if len(claimed) > 1:
            print(
                "course-grade: warning: this batch mixes exercises ("
                + ", ".join(f"{n} x {k}" for k, v in sorted(claimed.items()) for n in [v])
                + "); each notebook is graded as the exercise it claims. Pass --exercise ID to grade one assignment.",
                file=sys.stderr,
            )
    options.fingerprint = catalog.fingerprint(options.solutions, options.exercise)
    results, failures = grade_many(args.submissions, options, args.jobs, progress=many and not args.quiet)
    if not args.quiet:
        for result in results:
            print(table(result, details=not many))
            if many:
                print()
    try:
        if args.results and results:
            write_results(results[0], args.results)
        if args.gradebook:
            write_gradebook(results, args.gradebook)
    except OSError as exc:
        print(f"course-grade: could not write the results: {exc}", file=sys.stderr)
        return 2
    for failure in failures:
        print(f"course-grade: the grader could not run: {clean(failure)}", file=sys.stderr)
    return 2 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
