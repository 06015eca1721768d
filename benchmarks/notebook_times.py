"""How long each lesson and solution notebook takes to execute, against its budget.

Each notebook is executed from its source in a fresh kernel, as
``python3 course.py notebooks`` does (nothing is written). The reference, timed
in the same run, is a notebook with a single empty cell: the kernel's own
start-up cost, which every notebook pays. The budget is 30 s per lesson on a
2-core machine.

    python benchmarks/notebook_times.py [--folder notebooks|solutions] [PREFIX ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course_tools.notebooks import execute, read_source, sources  # noqa: E402

BUDGET_SECONDS = 30.0


def time_execution(nb, cwd: Path) -> float:
    start = time.perf_counter()
    execute(nb, cwd=cwd)
    return time.perf_counter() - start


def reference_seconds(cwd: Path, repeats: int = 3) -> float:
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
    args = parser.parse_args(argv)
    folders = [ROOT / name for name in (args.folder or ["notebooks", "solutions"])]
    reference = reference_seconds(ROOT / "notebooks")
    print(f"reference: an empty notebook takes {reference:.2f} s (kernel start-up)")
    print(f"{'notebook':48} {'seconds':>8} {'x empty':>8}  budget {BUDGET_SECONDS:.0f} s")
    over = 0
    for folder in folders:
        for path in sources(folder, args.prefixes):
            seconds = time_execution(read_source(path), cwd=folder)
            verdict = "ok" if seconds <= BUDGET_SECONDS else "OVER BUDGET"
            over += seconds > BUDGET_SECONDS
            print(f"{folder.name + '/' + path.stem:48} {seconds:8.1f} {seconds / reference:8.1f}  {verdict}", flush=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
