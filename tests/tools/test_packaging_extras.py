"""Who installs what: learners get the course alone, the tests everything they need, graders nbgrader."""

import re
from script_module import load_script
from toml_reader import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def names(requirements):
    return {re.match(r"[A-Za-z0-9_.\-]+", r).group(0).lower().replace("_", "-") for r in requirements}


def test_learners_lab_installs_no_grader_or_test_tools(monkeypatch):
    module = load_script(ROOT / "course.py")
    chosen = []
    monkeypatch.setattr(module, "ensure_environment", lambda extras: chosen.append(extras) or Path("python"))
    monkeypatch.setattr(module, "run", lambda command: None)
    module.main(["lab"])
    assert chosen == [""], f"course.py lab installs the extras {chosen}; learners need the course alone"
    base = names(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    assert "nbgrader" not in base and "pytest" not in base


def test_grader_extra_holds_nbgrader_and_the_tests_still_get_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "nbgrader" in names(extras["grader"])
    assert "nbgrader" in names(extras["test"]), "tests/grader/test_nbgrader_interop.py needs nbgrader"


def test_widget_packages_are_pinned_together():
    """jupyterlab-rise's slide view lacks @jupyterlab/console; jupyterlab_widgets >= 3.0.11 needs it."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {r.split("==")[0]: r.split("==")[1] for r in deps if "==" in r}
    assert pins.get("ipywidgets") == "8.1.2"
    assert pins.get("jupyterlab_widgets") == "3.0.10", "ipywidgets 8.1.2 accepts any 3.0.x, so pin this too"
    assert pins.get("widgetsnbextension") == "4.0.10"
