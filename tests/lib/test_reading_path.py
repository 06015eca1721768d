"""The library a learner reads stays small, plain and apart from the lessons' machinery.

The README promises a reading path of one-idea modules; these tests keep that
promise honest: sizes, the README's table, and no machinery on the path.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import course_lib

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "course_lib"
MAX_MODULE_LINES = 250
MAX_NETWORK_MATH_LINES = 120
MACHINERY = (
    "matplotlib",
    "ipywidgets",
    "course_lib.drawing",
    "course_lib.widgets",
    "course_lib.lessons",
    "course_lib.exercises",
    "course_tools",
)


def lines_of(module: str) -> int:
    return len((LIBRARY / f"{module}.py").read_text(encoding="utf-8").splitlines())


def test_the_top_level_holds_only_the_reading_path():
    top_level = sorted(path.stem for path in LIBRARY.glob("*.py") if path.stem != "__init__")
    assert top_level == sorted(course_lib.READING_PATH), (
        "a module at the top of course_lib is on the reading path; machinery goes in drawing/, widgets/, "
        "lessons/ or exercises/"
    )


def test_every_reading_path_module_is_short():
    too_long = {m: lines_of(m) for m in course_lib.READING_PATH if lines_of(m) > MAX_MODULE_LINES}
    assert not too_long, f"reading-path modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_the_network_math_sits_together_and_is_short():
    source = (LIBRARY / "network.py").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(source) if "the math: forward, backward, step" in line)
    end = next(i for i, line in enumerate(source) if "the public API" in line)
    assert 0 < end - start <= MAX_NETWORK_MATH_LINES
    block = "\n".join(source[start:end])
    for method in ("def trace_unchecked", "def backward_unchecked", "def step_unchecked"):
        assert method in block, f"{method} is not in the math block"
    assert "as_array" not in block and "raise" not in block, "input checking belongs in the public API, not the math"


def test_the_reading_path_imports_no_machinery():
    for module in course_lib.READING_PATH:
        tree = ast.parse((LIBRARY / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                name = ("course_lib." if node.level else "") + (node.module or "")
            elif isinstance(node, ast.Import):
                name = node.names[0].name
            else:
                continue
            assert not name.startswith(MACHINERY), f"course_lib/{module}.py imports {name}"


def test_the_readme_gives_the_reading_order_with_honest_line_counts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `course_lib/(\w+)\.py` \| (\d+) \|", readme, re.M)
    assert [module for _, module, _ in rows] == list(course_lib.READING_PATH), "the README's reading order"
    assert [int(n) for n, _, _ in rows] == list(range(1, len(rows) + 1))
    # Loosely: a count is a reader's guide to the length, so a small edit to a module needs no README edit.
    stale = {
        module: (int(count), lines_of(module))
        for _, module, count in rows
        if abs(int(count) - lines_of(module)) > max(20, 0.2 * lines_of(module))
    }
    assert not stale, f"README line counts (README, actual), off by more than 20%: {stale}"
    total = re.search(r"reading path is ([\d,]+)\s+lines", readme)
    actual = sum(lines_of(m) for m in course_lib.READING_PATH)
    assert total and abs(int(total.group(1).replace(",", "")) - actual) <= 0.1 * actual, (total, actual)


def counting(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that records each call; the list of calls is returned."""
    calls, original = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("method", ["trace", "forward", "predict", "loss", "backward", "accuracy"])
def test_a_public_method_checks_its_input_once(monkeypatch, method):
    from course_lib import losses, network

    net = course_lib.MLP([2, 3, 1], loss="binary_cross_entropy")
    X, y = [[0.0, 1.0], [1.0, 0.0]], [1, 0]
    calls = {name: counting(monkeypatch, network, name) for name in ("as_parameters", "as_inputs", "as_targets")}
    shape_checks = counting(monkeypatch, losses, "check_same_shape")
    getattr(net, method)(*((X,) if method in ("trace", "forward", "predict") else (X, y)))
    assert [len(calls["as_parameters"]), len(calls["as_inputs"])] == [1, 1], f"MLP.{method} checks X {calls}"
    assert len(calls["as_targets"]) == (method in ("loss", "backward")), f"MLP.{method} checks Y {calls}"
    assert not shape_checks, "the loss's math re-checked arrays MLP had already checked"


def test_the_loss_functions_check_once_and_the_math_never(monkeypatch):
    from course_lib import losses

    shape_checks = counting(monkeypatch, losses, "check_same_shape")
    losses.mse([[0.5]], [[1.0]])
    assert len(shape_checks) == 1
    for loss in losses.LOSSES.values():
        loss.gradient(np.array([[0.5]]), np.array([[1.0]]))
    assert len(shape_checks) == 1


def test_the_recipes_steps_do_not_recheck_the_activation(monkeypatch):
    from course_lib import signals

    net = course_lib.MLP([2, 2, 2], hidden_activation="sigmoid", output_activation="sigmoid")
    checks = counting(monkeypatch, signals, "_elementwise")
    signals.recipe_step(net, [0.5, -0.5], [1.0, 0.0], 0.5)
    assert len(checks) == 2, "one check per activation, where the network enters the recipe"
