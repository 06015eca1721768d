"""course-grade: grade submitted exercise notebooks (see course_tools/grader/FORMAT.md).

    course-grade SUBMISSION.ipynb --results results.json    # Gradescope's results.json and a table
    course-grade submissions/*.ipynb --gradebook grades.csv  # many at once, one CSV row each

The exercise is read from each notebook's metadata. Exit status 0 whenever
grading completed, whatever the scores; 2 when the grader itself could not run.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .grade import GraderError, Options, grade_file
from .report import table, write_gradebook, write_results


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
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}  {elapsed:.0f} s  {label}"
        if self.tty:
            print("\r" + bar[:110].ljust(110), end="" if self.done < self.total else "\n", file=sys.stderr, flush=True)
        else:
            print(bar, file=sys.stderr, flush=True)


def grade_many(paths: list[str], options: Options, jobs: int, progress: bool = True):
    """Grade ``paths`` on ``jobs`` processes; returns (results in input order, grader failures)."""
    results, failures = {}, []
    bar = Progress(len(paths), progress)
    if jobs <= 1 or len(paths) == 1:
        outcomes = ((path, _grade_one(path, options)) for path in paths)
        for path, (result, failure) in outcomes:
            results[path] = result
            if failure:
                failures.append(f"{path}: {failure}")
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
                bar.step(Path(path).name)
    return [results[p] for p in paths if results[p] is not None], failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="course-grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="+", help="submitted .ipynb files")
    parser.add_argument("--results", type=Path, help="write Gradescope's results.json here (one submission only)")
    parser.add_argument("--gradebook", type=Path, help="write a CSV with one row per submission")
    parser.add_argument("--exercise", help="accept only this exercise id (others score 0, explained)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per cell and per probe (default 10)")
    parser.add_argument("--budget", type=float, default=300.0, help="total seconds per submission (default 300)")
    parser.add_argument("--memory", type=int, default=2048, help="the kernel's address-space limit in MB (default 2048)")
    parser.add_argument("--seed", type=int, help="fix the random test inputs (default: fresh every run)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)")
    parser.add_argument("--quiet", action="store_true", help="no table, no progress bar")
    args = parser.parse_args(argv)
    if args.results and len(args.submissions) != 1:
        parser.error("--results takes exactly one submission; use --gradebook for many")
    if args.timeout <= 0 or args.budget <= 0 or args.memory < 256 or args.jobs < 1:
        parser.error("--timeout and --budget must be positive, --memory at least 256 (MB), --jobs at least 1")
    options = Options(timeout=args.timeout, budget=args.budget, memory_mb=args.memory, seed=args.seed,
                      exercise=args.exercise)
    many = len(args.submissions) > 1
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
        print(f"course-grade: the grader could not run: {failure}", file=sys.stderr)
    return 2 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
