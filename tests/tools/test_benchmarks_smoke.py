"""Every benchmark script runs on tiny sizes and hands run_all.py sensible rows.

The measurements themselves are not pass/fail (benchmarks/RESULTS.md records a
full run); these tests check that ``python3 course.py bench`` would not crash,
that the scripts' own correctness checks hold on small problems (course_lib and
PyTorch end with the same weights; the gradients agree), and that run_all.py
builds its one table, reading the reports of the scripts that do not record rows.
The scripts that compare against PyTorch need it (the ``bench`` extra); where it
is not installed they must say so in one clear line instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from script_module import load_script

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
HAS_TORCH = importlib.util.find_spec("torch") is not None


def run(script: str, *args: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Run a benchmark script with BENCH_RESULTS set; return the process and the rows it recorded."""
    results = tmp_path / f"{script}.jsonl"
    env = {**os.environ, "BENCH_RESULTS": str(results)}
    process = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{script}.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    rows = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    return process, rows


def run_comparison(script: str, *args: str, tmp_path: Path) -> list[dict] | None:
    """Run a script that compares against PyTorch: the rows it recorded, once it exited cleanly (its own
    correctness checks held). Without PyTorch it must stop with one clear line and record nothing: None."""
    process, rows = run(script, "--quick", *args, tmp_path=tmp_path)
    if not HAS_TORCH:
        assert process.returncode != 0 and rows == []
        assert "needs PyTorch" in process.stderr and "Traceback" not in process.stderr
        return None
    assert process.returncode == 0, process.stdout + process.stderr
    return rows


@pytest.mark.slow
def test_machine_limit_measures_both_goals(tmp_path):
    process, rows = run("machine_limit", "--quick", tmp_path=tmp_path)
    assert process.returncode == 0, process.stderr
    goals = {row["measure"].split(":")[0]: row for row in rows if row["goal"]}
    assert set(goals) == {"batch 64 float32, 1 thread", "batch 256 float32, 1 thread"}
    for row in rows:
        assert 0 < row["value"] < 2, row  # a fraction of the GEMM rate
    assert "where a step's time goes" in process.stdout


@pytest.mark.slow
def test_train_speed_compares_the_same_computation(tmp_path):
    # A clean exit includes the check that course_lib and PyTorch end with the same weights.
    rows = run_comparison("train_speed", "--cases", "digits", "--dtypes", "float64", tmp_path=tmp_path)
    if rows is None:  # no PyTorch here: its one clear line was the check
        return
    others = {row["measure"].split("course_lib / ")[1].split(",")[0] for row in rows}
    assert {"PyTorch", "scikit-learn"} <= others
    assert all(row["value"] > 0 and row["met"] in (True, False) for row in rows)


@pytest.mark.slow
def test_gradient_agreement_finds_agreeing_gradients(tmp_path):
    rows = run_comparison("gradient_agreement", tmp_path=tmp_path)
    if rows is None:  # no PyTorch here: its one clear line was the check
        return
    worst = rows[0]["value"]
    assert 0 <= worst < 1e-6, "course_lib's and PyTorch's float64 gradients differ by more than rounding"


@pytest.mark.slow
def test_digits_accuracy_trains_all_three_tools(tmp_path):
    rows = run_comparison("digits_accuracy", tmp_path=tmp_path)
    if rows is None:  # no PyTorch here: its one clear line was the check
        return
    assert len(rows) == 3
    assert all(row["value"] > 0.5 for row in rows), rows  # four epochs take every tool far above chance (0.1)


@pytest.mark.slow
def test_notebook_times_times_a_lesson_and_the_course(tmp_path):
    process, rows = run("notebook_times", "--quick", tmp_path=tmp_path)
    assert process.returncode == 0, process.stderr
    measures = [row["measure"] for row in rows]
    assert measures[0].startswith("lesson 00") and measures[-1].startswith("the whole course, 1 lessons")
    assert all(row["value"] > 0 for row in rows)


@pytest.mark.slow
def test_run_all_prints_one_table_with_goals():
    process = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_all.py"), "--quick", "machine_limit"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert process.returncode == 0, process.stderr
    assert "| benchmark | measure | value | goal | met | note |" in process.stdout
    assert "OpenBLAS overrides: unset for the benchmarks" in process.stdout
    assert "of 2 goals met" in process.stdout


def test_run_all_reads_the_reports_of_scripts_that_record_nothing():
    run_all = load_script(BENCHMARKS / "run_all.py")
    grading = run_all.read_grade_speed(
        "course-grade: 20 submissions of ex01_neuron_and_layer on 2 process(es) in 21.4 s = 56.1 per minute; ...\n"
        "course-grade: 10 submissions of ex01_neuron_and_layer on 1 process(es) in 40.0 s = 15.0 per minute; ...\n"
    )
    assert [(row["value"], row["met"]) for row in grading] == [(56.1, True), (15.0, False)]
    assert "one at a time" in grading[1]["measure"]
    playground = run_all.read_playground(
        f"{'control':<22} {'median ms':>10} {'p90 ms':>8} {'budget ms':>10}  within\n"
        f"{'learning rate':<22} {40.0:>10.1f} {55.0:>8.1f} {150:>10.0f}  yes\n"
        f"{'dataset':<22} {160.5:>10.1f} {170.0:>8.1f} {150:>10.0f}  NO\n"
        f"{'default (circle, 4-2 tanh, batch 10)':<44} {30.0:>8.1f} {33.3:>29.1f} {12.0:>19.1f}\n"
        f"{'6 layers of 8, batch 1 (the heaviest)':<44} {190.0:>8.1f} {5.2:>29.1f} {6.3:>19.1f}\n"
    )
    assert playground[0]["value"] == 160.5 and playground[0]["met"] is False and "dataset" in playground[0]["measure"]
    assert playground[1]["value"] == 12.0 and playground[1]["met"] is True
    assert playground[2]["value"] == 6.3 and playground[2]["goal"] is None  # the budget is the default setup's


def test_run_all_table_marks_each_goal():
    run_all = load_script(BENCHMARKS / "run_all.py")
    text = run_all.table(
        [
            dict(benchmark="a", measure="x", value=0.5, unit="", goal=">= 0.7", met=False, note=""),
            dict(benchmark="b", measure="y", value=4.4e-10, unit="", goal="< 1e-10", met=False, note="n"),
            dict(benchmark="c", measure="z", value=12.0, unit="s", goal=None, met=None, note=""),
        ]
    )
    lines = text.splitlines()
    assert lines[2] == "| a | x | 0.5 | >= 0.7 | NOT MET |  |"
    assert lines[3] == "| b | y | 4.4e-10 | < 1e-10 | NOT MET | n |"
    assert lines[4] == "| c | z | 12 s |  |  |  |"
