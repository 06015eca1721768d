"""Console scripts come from the environment under test, never from a global install.

nbgrader once found ``alembic`` only because an earlier global install had left
one on PATH; on a fresh machine the suite failed. These tests fail when the suite
runs without its environment's script folder first on PATH, which is what
``course.py`` arranges for every command it runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from environment_paths import SCRIPTS, only_this_environment
from script_module import load_script

ROOT = Path(__file__).resolve().parents[2]


def environment_scripts() -> list[Path]:
    return sorted(path for path in SCRIPTS.iterdir() if path.is_file() and os.access(path, os.X_OK))


def test_every_script_of_this_environment_is_the_one_path_finds():
    scripts = environment_scripts()
    assert any(path.name == "alembic" for path in scripts), "nbgrader's alembic is not installed here"
    wrong = {
        path.name: shutil.which(path.name)
        for path in scripts
        if Path(shutil.which(path.name) or "/nowhere").parent != SCRIPTS
    }
    assert not wrong, (
        f"these commands resolve outside the environment under test ({SCRIPTS}): {wrong}. "
        "Run the tests through `python3 course.py test`, or activate the environment first."
    )


def test_tools_started_by_name_resolve_with_only_this_environment_on_path():
    environ = only_this_environment()
    for name in ("alembic", "jupyter", "jupyter-lab", "course-grade", "pytest"):
        found = shutil.which(name, path=environ["PATH"])
        assert found and Path(found).parent == SCRIPTS, f"{name}: found {found!r}, not in {SCRIPTS}"
    run = subprocess.run(["alembic", "--version"], env=environ, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "alembic" in run.stdout.lower(), run.stderr


def test_course_py_runs_each_command_as_an_activated_environment_would(tmp_path):
    course = load_script(ROOT / "course.py")
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    python = venv_bin / "python"
    python.symlink_to(sys.executable)
    environ = course.activated(python, {"PATH": f"/usr/local/bin:{venv_bin}:/usr/bin", "PYTHONHOME": "/x"})
    assert environ["PATH"].split(os.pathsep) == [str(venv_bin), "/usr/local/bin", "/usr/bin"]
    assert environ["VIRTUAL_ENV"] == str(tmp_path / "venv")
    assert "PYTHONHOME" not in environ
    # A conda environment (--no-setup) has no pyvenv.cfg: its folder still comes first.
    conda_bin = tmp_path / "conda" / "bin"
    conda_bin.mkdir(parents=True)
    environ = course.activated(conda_bin / "python", {"PATH": "/usr/bin"})
    assert environ["PATH"].split(os.pathsep) == [str(conda_bin), "/usr/bin"]
    assert "VIRTUAL_ENV" not in environ


def test_a_child_of_course_py_finds_the_environment_scripts_first(tmp_path):
    course = load_script(ROOT / "course.py")
    probe = "import shutil, sys; print(shutil.which('alembic'))"
    environ = course.activated(Path(sys.executable), {"PATH": "/usr/bin:/bin"})
    run = subprocess.run([sys.executable, "-c", probe], env=environ, capture_output=True, text=True, timeout=60)
    assert Path(run.stdout.strip()).parent == Path(sys.executable).absolute().parent


def test_the_quick_run_leaves_out_the_browser_nbval_and_sandboxed_grading(monkeypatch):
    course = load_script(ROOT / "course.py")
    python = Path(sys.executable)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    quick = course.test_command(python, ["--quick", "-x"])
    assert "--quick" not in quick and quick[-1] == "-x"
    assert "not browser and not slow" in quick
    assert quick[quick.index("-n") + 1] == "2" and quick[quick.index("--dist") + 1] == "loadscope"  # two cores
    assert all("--nbval" not in str(arg) for arg in quick)  # addopts replaced: no notebook is executed
    full = course.test_command(python, [])
    assert full[full.index("-n") + 1] == "2" and full[full.index("--dist") + 1] == "loadscope"
    assert course.test_command(python, ["-n", "0"]).count("-n") == 1  # the caller's choice stands
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert "-n" not in course.test_command(python, [])  # one core: no workers to start


def test_setting_up_says_nothing_setuptools_did_not_need_to_say(tmp_path, monkeypatch):
    """The first run once printed setuptools' ten-line 'Editable installation' notice: pip is told to
    drop it (PYTHONWARNINGS reaches the build backend), and only it."""
    course = load_script(ROOT / "course.py")
    calls = []
    (tmp_path / "venv").mkdir()
    monkeypatch.setattr(course, "VENV", tmp_path / "venv")
    monkeypatch.setattr(course, "venv_python", lambda: Path(sys.executable))
    monkeypatch.setattr(course, "run", lambda command, **kwargs: calls.append((command, kwargs)))
    course.ensure_environment("test")
    install = next(kwargs for command, kwargs in calls if "-e" in command)
    assert install["env"]["PYTHONWARNINGS"] == "ignore:Editable installation"
    assert install["env"]["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).absolute().parent)


def test_the_learners_lab_opens_the_course_workspace(tmp_path, monkeypatch):
    course = load_script(ROOT / "course.py")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    command = [str(part) for part in course.lab_command(Path(sys.executable), ["--no-browser"])]
    assert command[1:3] == ["-m", "jupyterlab"] and command[-1] == "--no-browser"
    assert "--LabApp.default_url=/lab/workspaces/backprop-course" in command
    assert f"--ServerApp.root_dir={tmp_path}" in command
