"""The grader's parts without a kernel: transport, specs, sources, and the in-process decision."""

from __future__ import annotations

import base64
import json
import pickle

import numpy as np
import pytest

from course_tools.grader import catalog, reference
from course_tools.grader.grade import judge
from course_tools.grader.kernel import Outcome
from course_tools.grader.source import drop_hidden_tests, stub_solutions, SourceError
from course_tools.grader.spec import Code, Spec, call, code, probe
from course_tools.grader.transport import (
    Opaque,
    TransportError,
    bootstrap_cell,
    decode,
    dumps,
    kernel_helpers,
    loads,
    probe_cell,
)

MARKER = "@@course-grade-test@@"


def kernel_namespace() -> dict:
    return kernel_helpers()


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -2.5,
        "relu",
        float("inf"),
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.arange(6.0).reshape(2, 3).T,
        np.array([[True, False]]),
        np.array(4.5),
        np.zeros((0, 3)),
        np.int64(7),
        (np.ones(2), 1.5),
        [1, [2.0, None]],
        {"W": np.eye(2), "b": np.zeros(2)},
    ],
)
def test_values_survive_the_trip_from_kernel_to_grader(value):
    ns = kernel_namespace()
    back = loads(json.dumps(ns["_enc"](value)))
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, dict):
        assert set(back) == set(value) and all(np.array_equal(back[k], value[k]) for k in value)
    elif isinstance(value, tuple):
        assert isinstance(back, tuple) and np.array_equal(back[0], value[0]) and back[1] == value[1]
    else:
        assert back == value and type(back) is type(value)


def test_inputs_survive_the_trip_from_grader_to_kernel_with_code_arguments():
    ns = kernel_namespace()
    inputs = {"X": np.arange(4.0).reshape(2, 2), "f": Code("lambda v: 2 * v"), "pair": (1, [2.0])}
    got = ns["_dec"](json.loads(dumps(inputs)), ns)
    assert np.array_equal(got["X"], inputs["X"]) and got["f"](3) == 6 and got["pair"] == (1, [2.0])


def test_objects_come_back_opaque_and_never_run_in_the_grader():
    class Sneaky:
        def __eq__(self, other):
            return True

    ns = kernel_namespace()
    back = loads(json.dumps(ns["_enc"]([Sneaky(), np.array(["a"], dtype=object)])))
    assert [type(item) for item in back] == [Opaque, Opaque] and back[0].type_name == "Sneaky"


@pytest.mark.parametrize(
    "data, words",
    [
        (
            {"__ndarray__": base64.b64encode(pickle.dumps([1])).decode(), "dtype": "object", "shape": [1]},
            "malformed array",
        ),
        (
            {"__ndarray__": base64.b64encode(b"\0" * 8).decode(), "dtype": "float64", "shape": [2]},
            "does not match its shape",
        ),
        ({"__ndarray__": "!!!", "dtype": "float64", "shape": [1]}, "malformed array data"),
        ({"__ndarray__": "", "dtype": "float64", "shape": [-1]}, "malformed array shape"),
        ({"__ndarray__": "", "dtype": "float64", "shape": [10**4, 10**4]}, "more than"),
        ({"__class__": "os.system"}, "malformed value"),
        ({"__code__": "__import__('os')"}, "malformed value"),
    ],
)
def test_the_grader_rejects_malformed_or_dangerous_values(data, words):
    with pytest.raises(TransportError, match=words):
        decode(data)


def test_huge_lists_are_refused():
    with pytest.raises(TransportError, match="more than 1000000 items"):
        decode([0.0] * 1_000_001)


def test_deep_nesting_is_refused():
    deep = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(TransportError):
        decode(deep)


def test_spec_api_builds_probes_and_refuses_mistakes():
    made = call("layer_forward", np.zeros((2, 3)), np.ones((4, 3)), b=0.5)
    assert made.source == "layer_forward(_arg0, _arg1, b=_kw_b)"
    assert made.description == "layer_forward(array (2, 3), array (4, 3), b=0.5)"
    assert probe("result = f(x)[0]", x=1).source == "result = f(x)[0]"
    with pytest.raises(SyntaxError):
        probe("result = (")
    with pytest.raises(SyntaxError):
        code("lambda: (")
    with pytest.raises(ValueError):
        call("not a name")
    spec = Spec("ex99_example")
    part = spec.part("p_tests", "Part 1")
    with pytest.raises(ValueError):
        spec.part("p_tests", "again")
    with pytest.raises(ValueError):
        part.check("no reference, no compare", points=1, reference=False)
    with pytest.raises(ValueError):
        part.check("zero", points=0)


def test_a_spec_disagreeing_with_its_exercise_stops_the_grader():
    exercise, spec = catalog.load("ex01_neuron_and_layer")
    wrong = Spec("ex01_neuron_and_layer")
    for part in spec.parts:
        copy = wrong.part(part.grade_id, part.title)
        copy.checks = list(part.checks)
    wrong.parts[0].checks = wrong.parts[0].checks[:1]  # 1 point where the test cell says 3
    with pytest.raises(catalog.SpecError, match="worth 3 points but its checks add up to 1"):
        catalog.validate(exercise, wrong)
    wrong.parts = wrong.parts[1:]
    with pytest.raises(catalog.SpecError, match="test cells"):
        catalog.validate(exercise, wrong)


def test_ids_from_notebooks_are_matched_against_known_files_only():
    assert catalog.load("ex01_neuron_and_layer") is not None
    for bad in ("../ex01_neuron_and_layer", "os", "ex01_neuron_and_layer.py", 42, None, "ex00_nothing"):
        assert catalog.load(bad) is None


def test_student_versions_match_what_nbgrader_makes():
    from nbformat.v4 import new_code_cell
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    answer = 'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n'
    tests = "check(f(1))\n### BEGIN HIDDEN TESTS\ncheck(f(2))\n### END HIDDEN TESTS\n"
    cell = new_code_cell(answer)
    ClearSolutions()._replace_solution_region(cell, "python")
    assert stub_solutions(answer) == cell.source
    cell = new_code_cell(tests)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    assert drop_hidden_tests(tests) == cell.source
    with pytest.raises(SourceError):
        stub_solutions("### BEGIN SOLUTION\nx = 1\n")


def test_reference_values_are_computed_in_the_graders_process():
    exercise, _ = catalog.load("ex01_neuron_and_layer")
    made = call("layer_forward", np.ones((1, 2)), np.array([[1.0, 2.0]]), np.array([0.5]))
    assert np.array_equal(reference.expected_value(exercise, made, dumps(made.inputs)), [[3.5]])


def _outcome(*lines: str) -> Outcome:
    return Outcome("ok", "".join(line + "\n" for line in lines))


def _check():
    spec = Spec("ex99_example")
    part = spec.part("p", "Part")
    part.check("c", points=1, hint="the hint")(lambda rng: call("f", 1.0))
    return part.checks[0]


def test_the_decision_reads_exactly_one_marked_result():
    check, made = _check(), call("f", 1.0)
    ok = MARKER + json.dumps({"value": 2.0})
    assert judge(check, made, _outcome(ok), MARKER, 2.0, 10) is None
    assert "produced more than one result" in judge(check, made, _outcome(ok, ok), MARKER, 2.0, 10)
    assert "produced no result" in judge(check, made, _outcome('{"score": 100}'), MARKER, 2.0, 10)
    assert "could not read" in judge(check, made, _outcome(MARKER + "{not json"), MARKER, 2.0, 10)
    assert "could not read" in judge(check, made, _outcome(MARKER + '{"value": 1, "extra": 2}'), MARKER, 2.0, 10)
    wrong = judge(check, made, _outcome(MARKER + json.dumps({"value": -2.0})), MARKER, 2.0, 10)
    assert "sign is flipped" in wrong and "hint:     the hint" in wrong
    died = judge(check, made, Outcome("timeout"), MARKER, 2.0, 7)
    assert "did not finish within 7 s" in died


def test_probe_cells_are_valid_python_whatever_the_inputs():
    cell = probe_cell("f(_arg0)", '/tmp/it\'s "quoted"\n.json', MARKER)
    compile(cell, "<probe>", "exec")
    compile(bootstrap_cell(MARKER), "<bootstrap>", "exec")


def test_without_a_separate_uid_or_namespaces_the_grader_refuses_unless_told_unsafe(monkeypatch):
    from course_tools.grader import grade, sandbox

    bare = sandbox.Layers(
        False,
        None,
        (
            "no unprivileged uid (the grader does not run as root)",
            "no namespaces (bwrap not found: install Debian's bubblewrap)",
        ),
    )
    monkeypatch.setattr(sandbox, "detect", lambda mode="auto": bare)
    with pytest.raises(grade.GraderError, match="refusing to grade.*bubblewrap.*--unsafe"):
        grade.layers_for(grade.Options())
    assert grade.layers_for(grade.Options(unsafe=True)) == bare
    assert "no namespaces" in bare.describe() and not bare.safe


def test_the_grader_needs_none_of_the_authoring_tools():
    """The grader that ships alone (Gradescope's zip) reads notebooks as JSON: with jupytext, nbformat and
    the notebook and exercise builders unimportable, it still loads every exercise and its reference."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    program = (
        "import sys\n"
        "for name in ('jupytext', 'nbformat', 'nbclient', 'course_tools.notebooks', 'course_tools.exercises'):\n"
        "    sys.modules[name] = None\n"
        "from course_tools.grader import catalog, cli, grade, gradescope, reference, staging, transport\n"
        "for exercise in catalog.known_ids():\n"
        "    loaded, spec = catalog.load(exercise)\n"
        "    reference.namespace(loaded)\n"
        "print('ok', len(catalog.known_ids()))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-2000:]
    # nor any path a run could take later (a lazy import inside a function is still a tie)
    import ast

    tools = ("jupytext", "nbformat", "nbclient", "course_tools.notebooks", "course_tools.exercises")
    for module in (root / "course_tools" / "grader").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.startswith(tools)], f"{module.relative_to(root)} imports {names}"


def test_the_kernel_side_is_a_module_of_its_own_sent_whole():
    """The kernel's helpers are kernel_side.py, read and linted like any module, and sent as its source."""
    import inspect

    from course_tools.grader import kernel_side, transport

    assert transport.KERNEL_HELPERS == inspect.getsource(kernel_side)
    assert "import course_tools" not in transport.KERNEL_HELPERS and "from course_tools" not in transport.KERNEL_HELPERS
    assert set(transport._DTYPES) == set(kernel_side.DTYPE_NAMES) and transport.MAX_TEXT == kernel_side.MAX_TEXT
