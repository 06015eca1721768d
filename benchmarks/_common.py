"""Helpers shared by the benchmark scripts: the machine's description and careful timing.

Timing on a shared machine. Other programs take the CPU at random moments, so a
wall-clock time is the work plus some waiting. Two defences, used by every script:

- compared tools run alternately within one process (the order switches every
  repeat), so slow spells hit all of them alike;
- besides the wall-clock median, the CPU seconds of the process are recorded: with
  one thread they leave out the time spent waiting for a core. With more threads
  they add up every thread's work (spinning included), so there wall-clock rules.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

# The checkout; the scripts run in the course's environment (python3 course.py bench), where
# course_lib and course_tools are installed from it.
ROOT = Path(__file__).resolve().parents[1]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, or "unknown" where the system does not report them."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def blas_description() -> str:
    """Every BLAS the process has loaded, with its kernel (threadpoolctl's "architecture") and threads."""
    from threadpoolctl import threadpool_info

    found = [
        f"{info['internal_api']} {info.get('version')} ({info.get('architecture', '?')} kernels, "
        f"{info['num_threads']} thread{'s' * (info['num_threads'] != 1)}) from {Path(info['filepath']).name}"
        for info in threadpool_info()
        if info["user_api"] == "blas"
    ]
    return "; ".join(found) or "unknown"


def blas_kernel() -> str:
    """The kernel numpy's BLAS runs, as threadpoolctl reports it (e.g. "SkylakeX", "Haswell")."""
    from threadpoolctl import threadpool_info

    return next((info.get("architecture", "?") for info in threadpool_info() if info["user_api"] == "blas"), "?")


def openblas_settings() -> str:
    """The OPENBLAS_* variables this process runs with (run_all.py unsets the kernel overrides)."""
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    return ", ".join(f"{name}={os.environ[name]}" for name in names if name in os.environ) or "none set"


def describe(threads: int) -> str:
    """A few lines saying where, when and with what a benchmark ran."""
    return "\n".join(
        [
            f"date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
            f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
            f"python {platform.python_version()}, numpy {np.__version__}",
            f"numpy BLAS: {blas_description()}; OpenBLAS overrides: {openblas_settings()}",
            f"threads: {threads}; load average (1, 5, 15 min) at the start: {load_average()}",
        ]
    )


def timed(function, *args):
    """Run ``function(*args)``; return (wall-clock seconds, process CPU seconds, its result)."""
    gc.collect()  # start each run with no garbage pending from the previous one
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def alternate(runs: dict, repeats: int) -> dict:
    """Time each of ``runs`` ``repeats`` times, alternating; name -> (setup, work).

    ``setup()`` builds what one timed run needs (a fresh model, say) and is not
    timed; ``work(state)`` is. The order rotates every repeat, so no tool always
    runs first or right after another one warmed the caches. Returns
    name -> {"wall": [...], "cpu": [...], "result": [work's result, one a repeat], "state": [...]}.
    """
    names = list(runs)
    times = {name: {"wall": [], "cpu": [], "result": [], "state": []} for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            setup, work = runs[name]
            state = setup()
            wall, cpu, result = timed(work, state)
            record = times[name]
            record["wall"].append(wall)
            record["cpu"].append(cpu)
            record["result"].append(result)
            record["state"].append(state if repeat == 0 else None)  # keep the first model, for checks
    return times


def median(values) -> float:
    return statistics.median(values)


def best_cpu_seconds(function, repeats: int, inner: int = 1, threads: int = 1) -> float:
    """The least thread CPU time of ``inner`` back-to-back calls, over ``repeats`` tries, per call.

    With one thread, the thread's own CPU clock leaves out time spent waiting for a
    core, and the least of several tries leaves out other slowdowns (caches emptied
    by another program), giving the machine's rate for this work. With more threads
    (BLAS workers) one thread's CPU time misses the others' work: the wall clock is used.
    """
    clock = time.thread_time if threads == 1 else time.perf_counter
    function()
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        for _ in range(inner):
            function()
        best = min(best, (clock() - start) / inner)
    return best
