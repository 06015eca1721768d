"""Gradescope: build an exercise's autograder zip, and grade one submission inside it.

``course-grade gradescope EXERCISE -o autograder.zip`` writes a zip holding, at
its root, Gradescope's ``setup.sh`` and ``run_autograder``, a wheel of the
course, and the exercise's built solution notebook. ``setup.sh`` installs the
course and closes the solutions, the grader and the library's original files to
every other user, so that the kernel (run as an unprivileged uid; inside
bubblewrap's namespaces too where the container allows them) cannot read them.
``run_autograder`` calls ``course-grade gradescope-run``, which grades the one
notebook in ``submission/`` and writes ``results/results.json``.

Both scripts take the autograder root from ``AUTOGRADER_ROOT`` (default
``/autograder``), so the zip can be tried in any folder laid out like
Gradescope's (``source/``, ``submission/``, ``results/``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from . import catalog
from .grade import DEFAULTS, GraderError, Options, grade_file, layers_for, limits_for
from .report import VISIBILITIES, write_results
from .source import ROOT, built_path

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
PYTHON="${COURSE_PYTHON:-python3}"
if ! command -v bwrap >/dev/null && command -v apt-get >/dev/null; then
    # namespaces are an extra layer where the container allows them; the uid layer works anyway
    apt-get update -qq && apt-get install -y -qq bubblewrap || true
fi
# shellcheck disable=SC2086
"$PYTHON" -m pip install ${COURSE_PIP_FLAGS:-} "$SOURCE"/*.whl ||
    # a Python that is "externally managed" (PEP 668) takes the course only when told so
    "$PYTHON" -m pip install --break-system-packages ${COURSE_PIP_FLAGS:-} "$SOURCE"/*.whl
# The kernel runs as another user: it must not read the solutions, the grader or the
# library's original files (it imports a staged copy of course_lib).
chmod -R go-rwx "$SOURCE"
for package in course_tools course_lib; do
    chmod -R go-rwx "$("$PYTHON" -c "import $package, os; print(os.path.dirname($package.__file__))")"
done
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this, as root, for every submission.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${COURSE_PYTHON:-python3}"
exec "$PYTHON" -m course_tools.grader.cli gradescope-run --root "$ROOT" {arguments}
"""


def build_wheel(out: Path) -> Path:
    """A wheel of the course from this checkout, built without network access.

    Without build isolation pip uses this environment's setuptools, which the course's
    ``grader`` and ``test`` extras keep new enough for pyproject.toml (77 or newer).
    """
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(ROOT), "-w", str(out)],
        check=True,
    )
    return next(Path(out).glob("backprop_course-*.whl"))


def build_zip(
    exercise: str,
    output: Path,
    *,
    hidden_visibility: str = "after_published",
    wheel: Path | None = None,
    options: Options | None = None,
) -> Path:
    """Write the autograder zip for ``exercise`` to ``output``."""
    options = options or Options()
    if catalog.load(exercise, options.solutions) is None:
        raise GraderError(
            f"{exercise!r} is not a known exercise; known: {', '.join(catalog.known_ids(options.solutions))}"
        )
    if hidden_visibility not in VISIBILITIES:
        raise GraderError(f"hidden test visibility must be one of {', '.join(VISIBILITIES)}")
    arguments = [
        "--exercise",
        exercise,
        "--hidden-visibility",
        hidden_visibility,
        "--timeout",
        f"{options.timeout:g}",
        "--budget",
        f"{options.budget:g}",
        "--memory",
        str(options.memory_mb),
        "--disk",
        str(options.disk_mb),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        wheel = Path(wheel) if wheel else build_wheel(Path(scratch))
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in (
                ("setup.sh", SETUP),
                ("run_autograder", RUN.replace("{arguments}", shlex.join(arguments))),
            ):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o755 << 16  # executable, as Gradescope expects
                archive.writestr(info, text)
            archive.write(wheel, wheel.name)
            archive.write(built_path(exercise, options.solutions), f"solutions/{exercise}.ipynb")
    return Path(output)


def run(root: Path, options: Options, hidden_visibility: str) -> int:
    """Grade the one notebook in ``root/submission`` and write ``root/results/results.json``."""
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    notebooks = sorted((root / "submission").glob("*.ipynb"))
    if len(notebooks) != 1:
        found = ", ".join(p.name for p in notebooks) or "none"
        message = (
            f"Submit exactly one notebook (.ipynb) for {options.exercise}; found {len(notebooks)} ({found}). "
            "Upload only your exercise notebook."
        )
        results.write_text(json.dumps({"score": 0, "output": message, "tests": []}, indent=2) + "\n")
        return 0
    try:
        layers = layers_for(options)  # refuses without the sandbox's minimum
        print(f"course-grade: {layers.describe(limits_for(options))}", file=sys.stderr)
        result = grade_file(notebooks[0], options)
    except GraderError as exc:
        print(f"course-grade: the grader could not run: {exc}", file=sys.stderr)
        return 2
    write_results(result, results, hidden_visibility)
    return 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="course-grade gradescope", description="Build Gradescope's autograder zip for one exercise."
    )
    parser.add_argument("exercise", help="the exercise id, e.g. ex01_neuron_and_layer")
    parser.add_argument("-o", "--output", type=Path, default=Path("autograder.zip"))
    parser.add_argument(
        "--hidden-visibility",
        choices=VISIBILITIES,
        default="after_published",
        help="when students see the hidden tests' results (default after_published)",
    )
    parser.add_argument(
        "--wheel", type=Path, help="a wheel of the course to bundle (default: built from this checkout)"
    )
    parser.add_argument("--timeout", type=float, default=DEFAULTS["timeout"])
    parser.add_argument("--budget", type=float, default=DEFAULTS["budget"])
    parser.add_argument("--memory", type=int, default=DEFAULTS["memory_mb"])
    parser.add_argument("--disk", type=int, default=DEFAULTS["disk_mb"])
    args = parser.parse_args(argv)
    try:
        made = build_zip(
            args.exercise,
            args.output,
            hidden_visibility=args.hidden_visibility,
            wheel=args.wheel,
            options=Options(timeout=args.timeout, budget=args.budget, memory_mb=args.memory, disk_mb=args.disk),
        )
    except (GraderError, subprocess.CalledProcessError) as exc:
        print(f"course-grade gradescope: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {made}: upload it as the autograder of {args.exercise} (Ubuntu base image)")
    return 0


def run_main(argv) -> int:
    parser = argparse.ArgumentParser(prog="course-grade gradescope-run")
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    parser.add_argument("--exercise", required=True)
    parser.add_argument("--hidden-visibility", choices=VISIBILITIES, default="after_published")
    parser.add_argument("--timeout", type=float, default=DEFAULTS["timeout"])
    parser.add_argument("--budget", type=float, default=DEFAULTS["budget"])
    parser.add_argument("--memory", type=int, default=DEFAULTS["memory_mb"])
    parser.add_argument("--disk", type=int, default=DEFAULTS["disk_mb"])
    parser.add_argument(
        "--sandbox",
        choices=("auto", "uid", "namespaces"),
        default=os.environ.get("COURSE_GRADE_SANDBOX", DEFAULTS["sandbox"]),
    )
    args = parser.parse_args(argv)
    options = Options(
        timeout=args.timeout,
        budget=args.budget,
        memory_mb=args.memory,
        disk_mb=args.disk,
        exercise=args.exercise,
        solutions=args.root / "source" / "solutions",
        sandbox=args.sandbox,
    )
    options.fingerprint = catalog.fingerprint(options.solutions, options.exercise)
    return run(args.root, options, args.hidden_visibility)
