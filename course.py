#!/usr/bin/env python3
"""Set up and run the backprop course with nothing but Python 3.

    python3 course.py lab          # set up (first time only) and open the course
    python3 course.py test         # set up (first time only) and run every test
    python3 course.py test --quick # while you work: library, lesson-number and grader unit tests (< 1 min)
    python3 course.py notebooks    # re-execute every lesson notebook in place
    python3 course.py exercises    # regenerate exercises/ from solutions/
    python3 course.py slides 03    # present lesson 03's deck at 1280x720 and screenshot every slide
    python3 course.py handouts     # every lesson's deck as a self-contained HTML file and a PDF (build/handouts/)
    python3 course.py book         # the course as a static web site to read without installing (build/book/)
    python3 course.py bench        # run the benchmarks (installs PyTorch once)

The first run makes a virtual environment in .venv and installs the course into
it; later runs reuse it and only reinstall when pyproject.toml changes. Extra
arguments are passed on, e.g. ``python3 course.py test -m "not browser"``.
Pass ``--no-setup`` to use the Python running this script instead of .venv
(for a conda environment made from environment.yml).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

from course_tools import course_lab

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> Path:
    """Create .venv if missing and install the course with ``extras`` ('' for the course alone); return its python."""
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras.replace(',', '-') or 'course'}"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        print(f"Installing the course and its dependencies ({extras or 'for learners'}) ...", flush=True)
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        # setuptools says on stderr, in ten lines, that an editable install is editable; nobody asked.
        run(
            [python, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else "."],
            env={**activated(python), "PYTHONWARNINGS": "ignore:Editable installation"},
        )
        # Matplotlib builds its font cache on first import and says so on stderr;
        # do it now, so that message never lands in a notebook's outputs.
        run([python, "-c", "import matplotlib.font_manager"])
        stamp.touch()
    return python


def activated(python: Path, environ: dict | None = None) -> dict:
    """The environment variables an activated environment of ``python`` would have.

    Tools start other tools by name: nbgrader runs ``alembic``, JupyterLab runs
    ``jupyter-*`` subcommands. Unless the environment's script folder comes first
    on PATH, those names resolve to whatever happens to be installed globally, or
    to nothing on a fresh machine. ``python`` is not resolved: a venv's python is
    a symlink to the system's, and its own folder is the one that matters.
    """
    environ = dict(os.environ if environ is None else environ)
    scripts = str(Path(python).absolute().parent)
    rest = [entry for entry in environ.get("PATH", "").split(os.pathsep) if entry and entry != scripts]
    environ["PATH"] = os.pathsep.join([scripts, *rest])
    prefix = Path(scripts).parent
    if (prefix / "pyvenv.cfg").exists():
        environ["VIRTUAL_ENV"] = str(prefix)
    environ.pop("PYTHONHOME", None)
    return environ


def run(command: list, **kwargs) -> None:
    command = [str(part) for part in command]
    kwargs.setdefault("env", activated(Path(command[0])))
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def lab_command(python: Path, extra: list) -> list:
    """JupyterLab on the course map. As root (a container, a cloud VM) Jupyter refuses to start
    unless told --allow-root; the learner asked for the course, so say it for them."""
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra else []
    return [python, "-m", "jupyterlab", *course_lab.learner_options(ROOT), *as_root, *extra]


# What `test --quick` leaves out: the browser, nbval, and anything that grades in a sandbox or runs
# notebooks in kernels of their own (tests marked slow). What is left runs in under a minute.
QUICK = ["-o", "addopts=-p no:cacheprovider", "-m", "not browser and not slow", "tests"]


def test_command(python: Path, extra: list) -> list:
    """pytest for the whole course, or its quick part. The full run uses every core up to two (pytest-xdist):
    tests that share set-up stay together on one worker (tests/conftest.py groups them)."""
    extra = list(extra)
    quick = "--quick" in extra
    if quick:
        extra.remove("--quick")
    parallel = []
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses", "-p")) for arg in extra):
        workers = min(os.cpu_count() or 1, 2)
        parallel = ["-n", str(workers), "--dist", "loadscope"] if workers > 1 else []
    return [python, "-m", "pytest", *parallel, *(QUICK if quick else []), *extra]


def main(argv: list[str]) -> None:
    commands = {
        # Learners get what learners use: no test tools, no nbgrader (its menu would clutter their JupyterLab).
        "lab": ("", lab_command),
        "test": ("test", test_command),
        "notebooks": ("test", lambda py, extra: [py, "-m", "course_tools.notebooks", *extra]),
        "exercises": ("test", lambda py, extra: [py, "-m", "course_tools.exercises", *extra]),
        "slides": ("test", lambda py, extra: [py, "-m", "course_tools.slides", *extra]),
        # Both take reveal.js and MathJax from the npm registry once (build/web-assets/); the PDFs need Chromium.
        "handouts": ("test", lambda py, extra: [py, "-m", "course_tools.handouts", *extra]),
        "book": ("test", lambda py, extra: [py, "-m", "course_tools.book", *extra]),
        "bench": ("test,bench", lambda py, extra: [py, "benchmarks/run_all.py", *extra]),
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    name, rest = argv[0], argv[1:]
    extras, build = commands[name]
    if "--no-setup" in rest:
        rest.remove("--no-setup")
        python = Path(sys.executable)
    else:
        python = ensure_environment(extras)
    course_lab.install(sys.prefix if python == Path(sys.executable) else VENV)
    run(build(python, rest))


if __name__ == "__main__":
    main(sys.argv[1:])
