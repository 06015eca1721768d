"""Exercise 6b (find the bugs): the answer key, the grader's model of the buggy code, and per-bug grading.

The right gradients are checked against centred differences written out here; the spec's model of the
given code (``variant``) against the locked cell itself; the predictions of Part 2 against what the
bugs really change; the printed try-it numbers against an independent run; and course-grade against
submissions that fix nothing, one bug, half the bugs, or hand the work to course_lib's MLP.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.specs import ex06_find_the_bugs as spec
from notebook_outputs import load, printed, safely_rounded
from plain_network import centred_gradient

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = "ex06_find_the_bugs"
SOLUTION = ROOT / "solutions" / f"{EXERCISE}.ipynb"
STUDENT = ROOT / "exercises" / f"{EXERCISE}.ipynb"
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


@pytest.fixture(scope="module")
def ns():
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / f"{EXERCISE}.py")))


def plain_loss(weights, biases, X, Y, hidden, lam):
    """The exercise's loss, written out: softmax cross-entropy (a mean over rows) + lam/2 sum W^2."""
    f = ACTIVATIONS[hidden][0]
    A = X
    for W, b in zip(weights[:-1], biases[:-1]):
        A = f(A @ W.T + b)
    Z = A @ weights[-1].T + biases[-1]
    log_p = Z - Z.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(X) + lam / 2 * sum(np.sum(W**2) for W in weights)


def network(seed, sizes, n):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.8, size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=m) for m in sizes[1:]]
    return weights, biases, rng.normal(size=(n, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]


CASES = [
    ([2, 3, 3, 3], 5, "tanh", 0.05),
    ([4, 3], 1, "identity", 0.3),
    ([3, 5, 2], 4, "sigmoid", 0.0),
    ([2, 4, 4], 1, "relu", 0.1),
    ([3, 6, 4, 2], 7, "tanh", 1.0),
]


# ---------------------------------------------------------------- the answer key
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_fixed_backward_pass_and_the_spec_agree_with_centred_differences(ns, case):
    sizes, n, hidden, lam = case
    weights, biases, X, Y = network(sum(sizes) + n, sizes, n)
    for grads in (ns["backward"](weights, biases, X, Y, hidden, lam), spec.variant(weights, biases, X, Y, hidden, lam)):
        for l in range(len(weights)):

            def of_W(W, l=l):
                return plain_loss(weights[:l] + [W] + weights[l + 1 :], biases, X, Y, hidden, lam)

            def of_b(b, l=l):
                return plain_loss(weights, biases[:l] + [b] + biases[l + 1 :], X, Y, hidden, lam)

            np.testing.assert_allclose(grads[0][l], centred_gradient(of_W, weights[l], 1e-5), rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(grads[1][l], centred_gradient(of_b, biases[l], 1e-5), rtol=1e-6, atol=1e-9)


SQUARE = [c for c in CASES if all(s == c[0][-1] for s in c[0][1:])] + [([3, 4, 4, 4], 6, "sigmoid", 0.2)]


@pytest.mark.parametrize("case", SQUARE, ids=str)  # every W^l above the first square: the given code runs
def test_the_spec_models_the_locked_cell_with_every_bug(ns, case):
    sizes, n, hidden, lam = case
    weights, biases, X, Y = network(7 * n, sizes, n)
    given = ns["buggy_backward"](weights, biases, X, Y, hidden, lam)
    model = spec.variant(weights, biases, X, Y, hidden, lam, set(spec.BACKWARD_BUGS))
    for got, want in zip(given[0] + given[1], model[0] + model[1]):
        np.testing.assert_array_equal(got, want)


def test_the_given_code_raises_where_the_spec_says_it_does(ns):
    weights, biases, X, Y = network(1, [3, 5, 2], 2)
    with pytest.raises(ValueError):
        ns["buggy_backward"](weights, biases, X, Y, "tanh", 0.0)
    assert spec.variant(weights, biases, X, Y, "tanh", 0.0, {"transposed"}) is None


def test_the_lines_are_where_the_given_code_and_the_fix_differ(ns):
    source = (ROOT / "solutions" / "src" / f"{EXERCISE}.py").read_text(encoding="utf-8")
    locked = source.split('"grade_id": "buggy_code", "schema_version": 3}\n', 1)[1].split("\n# %%", 1)[0]
    fixed = re.sub(
        r"\n\s*### (BEGIN|END) SOLUTION",
        "",
        source.split('"grade_id": "fixed_code", "schema_version": 3}\n', 1)[1].split("\n# %%", 1)[0],
    )
    given_lines = locked.rstrip("\n").split("\n")
    fixed_lines = (
        fixed.replace("def backward(", "def buggy_backward(")
        .replace("def sgd_step(", "def buggy_sgd_step(")
        .rstrip("\n")
        .split("\n")
    )
    assert len(given_lines) == len(fixed_lines) == 22
    differ = {i + 1 for i, (a, b) in enumerate(zip(given_lines, fixed_lines)) if a != b}
    assert differ == set(spec.LINES.values())
    assert ns["bug_lines"]() == spec.LINES and set(spec.LINES) == set(ns["BUGS"])
    nb = json.loads(SOLUTION.read_text(encoding="utf-8"))
    shown = next(
        "".join(c["outputs"][0]["text"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and "linecache" in "".join(c["source"])
    )
    assert [line[4:] for line in shown.rstrip("\n").split("\n")] == given_lines  # the printed numbers are these


def test_each_bug_shows_on_every_network_its_checks_draw():
    # fix_probe redraws until the bug changes the result whatever the others do; it must not give up.
    rng = np.random.default_rng(0)
    for check in spec.SPEC.checks:
        for probe in check.probes(rng):
            if "accepted" in probe.private:
                assert probe.private["bug"] in spec.BACKWARD_BUGS


# ---------------------------------------------------------------- Part 2's predictions, measured
@pytest.mark.parametrize("c", [5.0, -1.0, 0.25, -3.0, 2.0])
def test_the_scaled_prediction_is_what_a_checker_measures(ns, c):
    g = np.random.default_rng(2).normal(size=(3, 4))
    measured = np.abs(c * g - g) / (np.abs(c * g) + np.abs(g))
    np.testing.assert_allclose(measured, ns["relative_error_of_scaled"](c), rtol=1e-12)
    assert ns["relative_error_of_scaled"](5.0) == pytest.approx(4 / 6)  # the answer's 0.67 for n = 5


@pytest.mark.parametrize(
    "n, lam, hidden, layers",
    [
        (5, 0.05, "tanh", 3),
        (1, 0.0, "identity", 2),
        (8, 0.1, "relu", 1),
        (1, 0.3, "sigmoid", 4),
        (3, 0.0, "identity", 1),
        (2, 1.0, "tanh", 2),
    ],
)
def test_visible_bugs_are_the_ones_that_change_the_result(ns, n, lam, hidden, layers):
    sizes = [3] + [4] * layers  # square W^l for l >= 2, so the transposed product runs and changes numbers
    weights, biases, X, Y = network(11 * n + layers, sizes, n)
    if hidden == "relu":
        biases = [b - 0.5 for b in biases]  # some relu units off, as the question says
    right = spec.variant(weights, biases, X, Y, hidden, lam)
    changes = sorted(
        bug
        for bug in spec.BACKWARD_BUGS
        if not spec._same(spec.variant(weights, biases, X, Y, hidden, lam, {bug}), right)
    )
    assert ns["visible_bugs"](n, lam, hidden, layers) == changes  # and "sign" never: it is in sgd_step


def test_the_example_checker_report_names_every_gradient_bug_and_then_agrees(ns):
    nb = json.loads(SOLUTION.read_text(encoding="utf-8"))
    reports = [
        "".join(c["outputs"][0]["text"])
        for c in nb["cells"]
        if c["cell_type"] == "code" and re.search(r"^report\(", "".join(c["source"]), re.M)
    ]
    assert len(reports) == 2
    buggy, fixed = reports[0], reports[1]
    assert set(buggy.split("\n")) >= {"W^3: BUG", "W^2: BUG", "W^1: BUG", "b^3: shape (5,), expected (3,)"}
    assert fixed.strip().split("\n") == [f"{p}^{l}: agree" for l in (3, 2, 1) for p in "Wb"]
    # The verdicts have a wide margin: the right gradients agree to far below 1e-6, the buggy weights are off by > 1e-2.
    W, b, X, Y, lam = (ns[k] for k in ("WEIGHTS_EXAMPLE", "BIASES_EXAMPLE", "X_EXAMPLE", "Y_EXAMPLE", "LAM_EXAMPLE"))
    right, wrong = spec.variant(W, b, X, Y, "tanh", lam), spec.variant(W, b, X, Y, "tanh", lam, set(spec.BACKWARD_BUGS))
    for l in range(3):
        numeric = centred_gradient(
            lambda V, l=l: plain_loss(W[:l] + [V] + W[l + 1 :], b, X, Y, "tanh", lam), W[l], 1e-5
        )
        assert np.max(np.abs(right[0][l] - numeric) / (np.abs(right[0][l]) + np.abs(numeric))) < 1e-8
        assert np.max(np.abs(wrong[0][l] - numeric) / (np.abs(wrong[0][l]) + np.abs(numeric))) > 1e-2


def test_the_fixed_network_learns_as_printed(ns):
    W, b, X, Y, lam = (ns[k] for k in ("WEIGHTS_EXAMPLE", "BIASES_EXAMPLE", "X_EXAMPLE", "Y_EXAMPLE", "LAM_EXAMPLE"))
    losses, uphill = [plain_loss(W, b, X, Y, "tanh", lam)], [plain_loss(W, b, X, Y, "tanh", lam)]
    Wu, bu = W, b
    for _ in range(20):
        gW, gb = spec.variant(W, b, X, Y, "tanh", lam)
        W, b = [w - 0.5 * g for w, g in zip(W, gW)], [v - 0.5 * g for v, g in zip(b, gb)]
        losses.append(plain_loss(W, b, X, Y, "tanh", lam))
        gW, gb = spec.variant(Wu, bu, X, Y, "tanh", lam)
        Wu, bu = [w + 0.5 * g for w, g in zip(Wu, gW)], [v - 0.5 * g for v, g in zip(bu, gb)]
        uphill.append(plain_loss(Wu, bu, X, Y, "tanh", lam))
    assert all(after < before for before, after in zip(losses, losses[1:]))
    assert uphill[-1] > uphill[0]  # with the sign bug alone the loss climbs: the checker cannot see it, training can
    text = printed(load(EXERCISE, folder="solutions"), "worked:learns")
    assert safely_rounded(losses[0], 2, 1e-9) and safely_rounded(losses[-1], 2, 1e-9)
    assert text == f"the loss falls at every step: True\nfrom {losses[0]:.2f} to {losses[-1]:.2f}\n"


# ---------------------------------------------------------------- grading, bug by bug
def _cell(nb, grade_id):
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _given_code_with(nb, fixed: set) -> str:
    """The locked cell's functions, renamed, with the bugs in ``fixed`` replaced by the solution's lines."""
    given = _source(_cell(nb, "buggy_code")).split("\n")
    solution = re.sub(r"\n\s*### (BEGIN|END) SOLUTION", "", _source(_cell(nb, "fixed_code"))).split("\n")
    for bug in fixed:
        given[spec.LINES[bug] - 1] = solution[spec.LINES[bug] - 1]
    return (
        "\n".join(given).replace("def buggy_backward(", "def backward(").replace("def buggy_sgd_step(", "def sgd_step(")
    )


def _submission(tmp_path, name, fixed, *, lines=True, base=STUDENT, code=None):
    solution = json.loads(SOLUTION.read_text(encoding="utf-8"))
    nb = json.loads(base.read_text(encoding="utf-8"))
    _cell(nb, "fixed_code")["source"] = code or _given_code_with(solution, fixed)
    if lines:
        _cell(nb, "bug_lines")["source"] = (
            "def bug_lines():\n    return " + repr({bug: spec.LINES[bug] for bug in sorted(fixed)}) + "\n"
        )
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


MLP_ROUTE = """def backward(weights, biases, X, Y, hidden_activation, lam):
    from course_lib import MLP
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], hidden_activation, "softmax", "cross_entropy")
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    grads = net.backward(X, Y)
    return [g + lam * W for g, W in zip(grads.weights, weights)], list(grads.biases)


def sgd_step(weights, biases, grad_weights, grad_biases, rate):
    from course_lib import MLP
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], "tanh", "softmax", "cross_entropy")
    net.weights, net.biases = [W.copy() for W in weights], [b.copy() for b in biases]
    net.step(type("G", (), {"weights": grad_weights, "biases": grad_biases})(), rate)
    return net.weights, net.biases
"""
LIBRARY_GRADIENT = """def centred_gradient(f, x, h=1e-5):
    from course_lib import numerical_gradient
    return numerical_gradient(f, np.array(x, dtype=float), h)
"""
LIBRARY_ERROR = """def elementwise_relative_error(a, b):
    from course_lib import relative_errors
    return relative_errors(a, b)
"""
HALVES = ({"transposed", "derivative", "fan_out"}, {"axis", "one_over_n", "sign"})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from course_tools.grader.cli import grade_many
    from course_tools.grader.grade import Options

    tmp = tmp_path_factory.mktemp("find-the-bugs")
    paths = {
        "nothing": _submission(tmp, "nothing", set(), lines=False),
        "nothing, with every line": _submission(tmp, "nothing-lines", set()),
    }
    # naming every line but fixing nothing earns nothing: a bug's point needs its line and its fix
    nb = json.loads(paths["nothing, with every line"].read_text())
    _cell(nb, "bug_lines")["source"] = "def bug_lines():\n    return " + repr(spec.LINES) + "\n"
    paths["nothing, with every line"].write_text(json.dumps(nb))
    for bug in spec.LINES:
        paths[bug] = _submission(tmp, bug, {bug})
    for i, half in enumerate(HALVES):
        paths[f"half {i}"] = _submission(tmp, f"half-{i}", half)
    paths["mlp"] = _submission(tmp, "mlp", set(), base=SOLUTION, code=MLP_ROUTE, lines=False)
    nb = json.loads(SOLUTION.read_text(encoding="utf-8"))
    _cell(nb, "checker_gradient")["source"] = LIBRARY_GRADIENT
    _cell(nb, "checker_error")["source"] = LIBRARY_ERROR
    paths["library checker"] = tmp / "library-checker.ipynb"
    paths["library checker"].write_text(json.dumps(nb), encoding="utf-8")
    results, failures = grade_many([str(p) for p in paths.values()], Options(seed=5), jobs=2, progress=False)
    assert failures == []
    by_path = {result.submission: result for result in results}
    return {name: by_path[str(path)] for name, path in paths.items()}


def _bug_scores(result):
    return {
        grade_id.removesuffix("_tests"): score
        for grade_id, _, score, _ in result.parts()
        if grade_id.removesuffix("_tests") in spec.LINES
    }


@pytest.mark.slow
def test_a_submission_that_fixes_nothing_scores_zero(graded):
    for name in ("nothing", "nothing, with every line"):
        assert graded[name].score == 0, [(t.name, t.output) for t in graded[name].tests if t.score]
    outputs = "\n".join(t.output for t in graded["nothing"].tests)
    assert "a missing 1/n is still there" in outputs and "the weights still move uphill" in outputs


@pytest.mark.slow
@pytest.mark.parametrize("bug", list(spec.LINES))
def test_each_bug_fixed_alone_earns_its_own_point_and_no_other(graded, bug):
    scores = _bug_scores(graded[bug])
    assert scores == {b: (1.0 if b == bug else 0.0) for b in spec.LINES}, graded[bug].tests
    assert graded[bug].score == 1


@pytest.mark.slow
@pytest.mark.parametrize("half", range(len(HALVES)))
def test_half_the_bugs_fixed_scores_half_the_bug_points(graded, half):
    scores = _bug_scores(graded[f"half {half}"])
    assert scores == {b: (1.0 if b in HALVES[half] else 0.0) for b in spec.LINES}
    assert graded[f"half {half}"].score == 3 == sum(scores.values())  # of 6 bug points; of 10 in all


@pytest.mark.slow
def test_handing_the_backward_pass_to_course_lib_scores_zero_for_every_bug(graded):
    result = graded["mlp"]
    assert _bug_scores(result) == {b: 0.0 for b in spec.LINES}
    assert result.score == 4  # only the checker and the predictions, which the submission kept from the solution
    assert "not available while ex06_find_the_bugs is graded" in "\n".join(t.output for t in result.tests)


@pytest.mark.slow
def test_handing_the_checker_to_course_lib_scores_zero_for_it(graded):
    parts = {grade_id: score for grade_id, _, score, _ in graded["library checker"].parts()}
    assert parts["checker_gradient_tests"] == parts["checker_error_tests"] == 0
    assert graded["library checker"].score == 8
