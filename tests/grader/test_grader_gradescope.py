"""The Gradescope autograder zip, unpacked into a folder laid out like Gradescope's /autograder, for every exercise.

``setup.sh`` installs a wheel of the course into a fresh virtual environment
(its dependencies come from the project's environment through a .pth file, so
no network is needed), then ``run_autograder`` grades a good and a bad
submission in the sandbox and writes results.json where Gradescope reads it.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from course_tools.grader import catalog
from course_tools.grader.gradescope import build_zip
from course_tools.grader.source import ROOT

pytestmark = pytest.mark.slow
EXERCISE = "ex01_neuron_and_layer"


@pytest.fixture(scope="module")
def autograder():
    """(root, environment, site-packages) after setup.sh ran: root holds source/, submission/, results/."""
    scratch = Path(tempfile.mkdtemp(prefix="course-gradescope-test-"))
    scratch.chmod(0o755)  # as in a container: the Python environment is readable by every user
    try:
        yield _set_up(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _set_up(
    scratch: Path, exercise: str = EXERCISE, wheel: Path | None = None, venv: Path | None = None, folder: str = "main"
):
    made = build_zip(exercise, scratch / f"{exercise}.zip", hidden_visibility="hidden", wheel=wheel)
    with zipfile.ZipFile(made) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", f"solutions/{exercise}.ipynb"} <= set(names)
        assert any(name.endswith(".whl") for name in names)
        assert archive.getinfo("run_autograder").external_attr >> 16 & stat.S_IXUSR
        root = scratch / folder / "autograder"
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    venv = venv or scratch / "venv"
    if not venv.exists():
        subprocess.run([sys.executable, "-m", "venv", "--copies", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    packages = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True, capture_output=True, text=True
    ).stdout.strip()
    Path(packages, "project_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    env = dict(
        os.environ,
        AUTOGRADER_ROOT=str(root),
        COURSE_PYTHON=str(python),
        # the wheel only: never touch the project's own installation
        COURSE_PIP_FLAGS="--no-deps --no-index --ignore-installed --no-warn-script-location -q",
    )
    done = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True, cwd=scratch
    )
    assert done.returncode == 0, done.stderr
    return root, env, Path(packages)


def run_autograder(root: Path, env: dict, notebook: Path, sandbox: str = "auto") -> dict:
    for old in (root / "submission").iterdir():
        old.unlink()
    shutil.rmtree(root / "results", ignore_errors=True)
    shutil.copy(notebook, root / "submission" / "my_notebook.ipynb")
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        capture_output=True,
        env=dict(env, COURSE_GRADE_SANDBOX=sandbox),
        text=True,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_setup_installs_the_course_closed_to_other_users(autograder):
    root, _, packages = autograder
    for folder in (packages / "course_tools", packages / "course_lib", root / "source"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder
    assert (ROOT / ".venv").exists() and list((ROOT / ".venv").glob("lib/python*/site-packages/__editable__*"))


# "uid": as in Gradescope's Docker container, where namespaces are usually forbidden
@pytest.mark.parametrize("sandbox", ["auto", "uid"])
def test_a_full_solution_scores_full_marks_and_hidden_tests_stay_hidden(autograder, sandbox):
    root, env, _ = autograder
    results = run_autograder(root, env, ROOT / "solutions" / f"{EXERCISE}.ipynb", sandbox)
    assert results["score"] == 10
    assert {t["visibility"] for t in results["tests"]} == {"visible", "hidden"}


def test_the_untouched_student_version_scores_zero(autograder):
    root, env, _ = autograder
    results = run_autograder(root, env, ROOT / "exercises" / f"{EXERCISE}.ipynb")
    assert results["score"] == 0 and all(t["output"] for t in results["tests"])


@pytest.mark.parametrize("sandbox", ["auto", "uid"])
def test_a_submission_that_reads_the_solutions_gains_nothing(autograder, sandbox):
    root, env, _ = autograder
    attack = json.loads((ROOT / "exercises" / f"{EXERCISE}.ipynb").read_text())
    solutions = root / "source" / "solutions" / f"{EXERCISE}.ipynb"
    for cell in attack["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "two_layer":
            cell["source"] = (
                f"import json\nfor _c in json.load(open({str(solutions)!r}))['cells']:\n"
                "    if _c.get('metadata', {}).get('nbgrader', {}).get('solution'):\n"
                "        exec(''.join(_c['source']))\n"
            )
    path = root.parent / "attack.ipynb"
    path.write_text(json.dumps(attack))
    assert run_autograder(root, env, path, sandbox)["score"] == 0


@pytest.mark.parametrize("exercise", catalog.known_ids())
def test_every_exercise_through_its_zip_full_marks_and_zero(exercise, autograder):
    root, _, _ = autograder
    scratch = root.parent.parent
    wheel = next((root / "source").glob("*.whl"))
    other_root, env, _ = _set_up(scratch, exercise, wheel=wheel, venv=scratch / "venv", folder=exercise)
    assert run_autograder(other_root, env, ROOT / "solutions" / f"{exercise}.ipynb")["score"] == 10
    assert run_autograder(other_root, env, ROOT / "exercises" / f"{exercise}.ipynb")["score"] == 0


def test_a_library_route_scores_nothing_through_the_zip(autograder):
    """The red team's ex06 route (an MLP made without __init__, one step of train at rate 1) in the zip."""
    from grader_fixtures import with_answers, write
    from test_grader_probes import EX06, TRAINED_BACKWARD

    root, _, _ = autograder
    scratch = root.parent.parent
    wheel = next((root / "source").glob("*.whl"))
    other_root, env, _ = _set_up(scratch, "ex06_mlp_backward", wheel=wheel, venv=scratch / "venv", folder="attack")
    submission = write(with_answers(EX06, backward=TRAINED_BACKWARD), scratch / "attack.ipynb")
    results = run_autograder(other_root, env, submission)
    backward = [t for t in results["tests"] if "Part 6" in t["name"]]
    assert backward and all(t["score"] == 0 for t in backward), [(t["name"], t["score"]) for t in backward]
    assert any("is not available while ex06_mlp_backward is graded" in t["output"] for t in backward)
