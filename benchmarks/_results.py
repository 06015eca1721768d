"""How a benchmark script hands its numbers to run_all.py's one table.

run_all.py sets the environment variable ``BENCH_RESULTS`` to a file and runs
each script; a script calls ``record(...)`` once per measured number, which
appends one JSON line to that file. Run on its own (no ``BENCH_RESULTS``), a
script records nothing and only prints its own report.

    from _results import record
    record("grading", "submissions per minute, 2 workers", 56.1, "/min", goal=">= 40", met=56.1 >= 40)

``goal`` is the goal as text (None: no goal, the row is information) and
``met`` True, False or None (no goal, or not decidable from this run).
"""

from __future__ import annotations

import json
import os


def record(
    benchmark: str,
    measure: str,
    value,
    unit: str = "",
    *,
    goal: str | None = None,
    met: bool | None = None,
    note: str = "",
) -> None:
    """Append one result row to the file named by BENCH_RESULTS (does nothing when it is unset)."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {
        "benchmark": benchmark,
        "measure": measure,
        "value": value,
        "unit": unit,
        "goal": goal,
        "met": None if met is None else bool(met),
        "note": note,
    }
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps(row) + "\n")
