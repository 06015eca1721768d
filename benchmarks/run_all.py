"""Run every benchmark, then print one table: each measure, its goal, and whether it was met.

    python3 course.py bench                              # everything (about 15 minutes)
    python3 benchmarks/run_all.py train_speed machine_limit    # only the ones named
    python3 benchmarks/run_all.py --quick                # tiny sizes: checks that every script runs
    python3 benchmarks/run_all.py train_speed -- --threads 2   # options after -- go to this project's scripts
    python3 benchmarks/run_all.py --table table.md       # also write the table to a file

A benchmark script is any ``*.py`` file here except this one and names starting
with ``_`` (helpers). Each runs in its own Python process, one at a time (they
time themselves), and hands its numbers over through ``_results.record``; the
scripts that do not (yet) are read from their printed report instead.

OpenBLAS: this machine sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE so that old
OpenBLAS builds stay correct on its processor; they slow a current numpy (its
Haswell kernels instead of AVX-512 ones). The benchmarks measure numpy as
shipped, so their processes run without the two (``--machine-openblas`` keeps
them); each script prints the kernel threadpoolctl reports, and train_speed and
gradient_agreement check the numbers against PyTorch. Tests and CI never change them.

The exit status is 1 when a script failed (crashed, or its own correctness check
failed); goals not met are reported in the table, not as a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The order of the run: fast, robust checks first; the noisiest (kernels, browsers' share of work) last.
ORDER = [
    "gradient_agreement",
    "machine_limit",
    "train_speed",
    "digits_accuracy",
    "notebook_times",
    "playground_latency",
    "grade_speed",
]
# Scripts owned by other helpers: how to call them, quickly, and how to read their report
# until they record their numbers themselves.
FOREIGN = {
    "playground_latency": {"quick": ["--repeats", "3", "--ticks", "5"], "extra_runs": []},
    "grade_speed": {
        "quick": ["--class-size", "2", "--jobs", "1", "--no-reference"],
        # issue 14: one at a time and as a batch on all cores
        "extra_runs": [["--jobs", "1", "--no-reference", "--class-size", "10"]],
    },
}


# Some of this project's scripts run a second time with the machine's OpenBLAS overrides back
# (numbers recorded as information, not judged): numpy then runs AVX2 (Haswell) kernels, like
# PyTorch's MKL on this AMD processor, so the second run shows how much of course_lib's lead
# is numpy's faster kernel, and what the overrides cost.
SECOND_RUNS = {
    "machine_limit": (["--information"], "machine OpenBLAS"),
    "train_speed": (["--information", "--cases", "mnist", "--repeats", "3", "--before", ""], "machine OpenBLAS"),
}


def benchmark_scripts() -> list[Path]:
    """The benchmark scripts in this folder, in ORDER, then any others by name."""
    found = {
        path.stem: path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    }
    return [found[name] for name in ORDER if name in found] + [
        found[name] for name in sorted(found) if name not in ORDER
    ]


def read_playground(text: str) -> list[dict]:
    rows = []
    controls = re.findall(r"^(\S.*?)\s+([\d.]+)\s+([\d.]+)\s+150\s+(yes|NO)\s*$", text, re.M)
    if controls:
        name, median, _, _ = max(controls, key=lambda c: float(c[1]))
        worst = float(median)
        rows.append(
            dict(
                benchmark="playground",
                measure=f"change -> new picture, slowest control's median ({name})",
                value=worst,
                unit="ms",
                goal="<= 150",
                met=worst <= 150,
                note=f"{len(controls)} controls",
            )
        )
    for label, ms, kernel_fps, task_fps in re.findall(r"^(.{44})\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", text, re.M):
        fps, default = float(task_fps), label.startswith("default")  # the budget is for the default setup
        rows.append(
            dict(
                benchmark="playground",
                measure=f"frames per second while playing: {label.strip()}",
                value=fps,
                unit="/s",
                goal=">= 10" if default else None,
                met=fps >= 10 if default else None,
                note=f"{float(ms):.1f} ms a frame; the kernel could draw {float(kernel_fps):.0f}/s",
            )
        )
    return rows


def read_grade_speed(text: str) -> list[dict]:
    rows = []
    for size, jobs, seconds, rate in re.findall(
        r"(\d+) submissions of \S+ on (\d+) process\(es\) in ([\d.]+) s = ([\d.]+) per minute", text
    ):
        how = "one at a time" if jobs == "1" else f"a batch on {jobs} processes"
        rows.append(
            dict(
                benchmark="grading",
                measure=f"submissions per minute, {how}",
                value=float(rate),
                unit="/min",
                goal=">= 40",
                met=float(rate) >= 40,
                note=f"{size} submissions in {float(seconds):.1f} s",
            )
        )
    return rows


READERS = {"playground_latency": read_playground, "grade_speed": read_grade_speed}
# Lines not echoed: every kernel a notebook benchmark starts says this on its stderr.
NOISE = ("[IPKernelApp] WARNING | Kernel is running over TCP without encryption",)


def run_script(script: Path, args: list, results: Path, env: dict) -> tuple[int, list[dict]]:
    """Run one script, echoing its report; return its exit status and the rows it recorded (or we read)."""
    results.write_text("")
    lines = []
    with subprocess.Popen(
        [sys.executable, str(script), *args],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        for line in process.stdout:  # echoed as it comes, and kept for the readers
            if not line.startswith(NOISE):
                print(line, end="", flush=True)
            lines.append(line)
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    if not rows and script.stem in READERS:
        rows = READERS[script.stem]("".join(lines))
    return process.returncode, rows


def format_value(value) -> str:
    if isinstance(value, float) and value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.1e}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | measure | value | goal | met | note |", "|---|---|---|---|---|---|"]
    for row in rows:
        met = {True: "met", False: "NOT MET", None: ""}[row.get("met")]
        value = f"{format_value(row['value'])} {row.get('unit', '')}".strip()
        lines.append(
            f"| {row['benchmark']} | {row['measure']} | {value} | {row.get('goal') or ''} | {met} "
            f"| {row.get('note', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    argv = list(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    names, passed_on = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    quick = "--quick" in names
    keep_openblas = "--machine-openblas" in names
    table_file = None
    if "--table" in names:
        table_file = Path(names[names.index("--table") + 1])
        del names[names.index("--table") : names.index("--table") + 2]
    names = [name for name in names if name not in ("--quick", "--machine-openblas")]
    scripts = benchmark_scripts()
    if names:
        known = {path.stem: path for path in scripts}
        unknown = [name for name in names if name.removesuffix(".py") not in known]
        if unknown:
            print(f"unknown benchmark(s) {', '.join(unknown)}; the benchmarks are: {', '.join(known)}", file=sys.stderr)
            return 2
        scripts = [known[name.removesuffix(".py")] for name in names]

    env = dict(os.environ)
    machine_openblas = {
        name: os.environ[name] for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if name in os.environ
    }
    if not keep_openblas:
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # both together, these processes only
            env.pop(name, None)
    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    failed, rows = [], []
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder) / "results.jsonl"
        env["BENCH_RESULTS"] = str(results)
        for script in scripts:
            foreign = FOREIGN.get(script.stem)
            runs = (
                [foreign["quick"] if quick else []] + ([] if quick else foreign["extra_runs"])
                if foreign
                else [(["--quick"] if quick else []) + passed_on]
            )
            second = SECOND_RUNS.get(script.stem)
            if second and not quick and not keep_openblas and machine_openblas:
                runs.append(second[0] + passed_on)
            for i, args in enumerate(runs):
                print(f"=== {script.name} {' '.join(args)} ===", flush=True)
                start = time.perf_counter()
                run_env = {**env, **machine_openblas} if "--information" in args else env
                status, found = run_script(script, args, results, run_env)
                print(
                    f"=== {script.name}: {'ok' if status == 0 else f'FAILED (exit status {status})'} after "
                    f"{time.perf_counter() - start:.0f} s ===\n",
                    flush=True,
                )
                if status != 0:
                    failed.append(script.name)
                rows += found
                if (
                    i == 0
                    and found
                    and any(row["benchmark"] == "grading" and "one at a time" in row["measure"] for row in found)
                ):
                    break  # the script measured both ways itself
    load_after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"started {started}; load average (1, 5, 15 min) before: {load_before}; after: {load_after}")
    print(f"OpenBLAS overrides: {'kept as the machine sets them' if keep_openblas else 'unset for the benchmarks'}\n")
    text = table(rows)
    print(text)
    goals = [row for row in rows if row.get("met") is not None]
    print(f"\n{sum(row['met'] for row in goals)} of {len(goals)} goals met")
    if table_file:
        table_file.write_text(text + "\n", encoding="utf-8")
    if failed:
        print(f"{len(failed)} benchmark run(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(scripts)} benchmark(s) ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
