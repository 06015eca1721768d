"""The set-up files agree with each other and with what the README promises."""

import importlib
import re
import subprocess
import sys
from toml_reader import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def normalise(requirement: str) -> str:
    """'scikit_learn >= 1.2' -> 'scikit-learn>=1.2' (names compare case- and dash-insensitively)."""
    requirement = requirement.split(";", 1)[0].replace(" ", "")  # an environment marker is not compared
    name, spec = re.match(r"([A-Za-z0-9_.\-]+)(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + spec


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def environment_requirements() -> tuple[set, set]:
    """(conda requirements, pip requirements) listed in environment.yml."""
    conda, pip, in_pip = set(), set(), False
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        item = re.match(r"^(\s*)-\s+(.+)$", stripped)
        if stripped.strip() == "- pip:":
            in_pip = True
        elif item:
            (pip if in_pip and len(item.group(1)) > 2 else conda).add(item.group(2).strip())
    return conda, pip


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = pyproject()["project"]
    wanted = {normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    conda, pip = environment_requirements()
    listed = {normalise(r) for r in conda | pip if not r.startswith(("python", "pip", "-e"))}
    assert listed == wanted, f"only in environment.yml: {listed - wanted}; only in pyproject.toml: {wanted - listed}"
    assert "-e .[test]" in pip, "environment.yml must install the course itself, editable, through pip"
    assert any(r.startswith("python>=3.10") for r in conda)


def test_every_console_script_points_at_a_callable():
    for name, target in pyproject()["project"]["scripts"].items():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), f"{name} -> {target}"


def test_this_python_meets_requires_python():
    minimum = pyproject()["project"]["requires-python"].removeprefix(">=")
    assert sys.version_info[:2] >= tuple(int(part) for part in minimum.split("."))


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in readme
    assert "python3 course.py lab" in readme
    assert re.search(r"^python3 course.py test$", ci, re.M), ".ci/run must call the README's test command as it is"


def test_course_py_explains_itself():
    result = subprocess.run([sys.executable, str(ROOT / "course.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "python3 course.py lab" in result.stdout
    result = subprocess.run([sys.executable, str(ROOT / "course.py"), "fly"], capture_output=True, text=True)
    assert result.returncode == 2
