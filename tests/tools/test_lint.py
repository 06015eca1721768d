"""The code passes ruff's checks (configured in pyproject.toml): pyflakes' rules (no undefined name, unused
import or variable, or redefinition), pycodestyle's errors, and no stale ``noqa``. An undefined name in a
widget's rarely used branch fails here, at once. And it is laid out as ``ruff format`` lays it out, so a
diff shows a change of meaning, never of layout."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ruff(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_finds_nothing():
    done = ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert done.returncode == 0, f"ruff check found:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_ruff_format_would_change_nothing():
    done = ruff("format", "--check", "--no-cache", ".")
    assert done.returncode == 0, (
        f"run `ruff format .`; it would lay these files out anew:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
    )


def test_ruff_reads_all_the_code_and_no_lesson_source():
    """The lessons' and exercises' sources are left out by their top-level folders only: a pattern that
    named any folder called ``exercises`` once left out ``course_lib/exercises`` too."""
    listed = ruff("check", "--show-files", ".").stdout.split()
    checked = {Path(line).resolve().relative_to(ROOT).as_posix() for line in listed if line.endswith(".py")}
    for module in (
        "course_lib/exercises/checks.py",
        "course_lib/network.py",
        "course_tools/grader/kernel_side.py",
        "tests/tools/test_lint.py",
        "benchmarks/_common.py",
        "course.py",
    ):
        assert module in checked, f"ruff does not check {module}"
    left_in = sorted(path for path in checked if path.split("/")[0] in ("notebooks", "exercises", "solutions", "build"))
    assert not left_in, f"ruff checks lesson or exercise sources: {left_in[:5]}"
