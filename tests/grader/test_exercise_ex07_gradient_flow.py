"""Exercise 7 assesses understanding: its predictions, their feedback and its Try it recomputed, and what copying scores.

- The prediction rule (the weights' gain sigma sqrt(n) times the typical slope) is checked against
  plain-numpy measurements in every region the grader draws Part 3's scenarios from, and each region
  is shown to be the cause the reference names (within 20% of the prediction, or far below it).
- The feedback of the predictions names the slips it claims to recognise.
- Every number the Try it prints is recomputed here by a plain forward and backward pass.
- A transcription attempt (the lesson's code pasted in, or the measurements without the predictions)
  is graded by course-grade: it scores well under half.
"""

from __future__ import annotations

import copy
import re
from types import SimpleNamespace

import numpy as np
import pytest

import plain_network as plain
from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.source import ROOT
from course_tools.grader.specs import ex07_gradient_flow as spec
from grader_fixtures import exercise_submission
from notebook_outputs import load, printed, safely_rounded

EXERCISE = "ex07_gradient_flow"


@pytest.fixture(scope="module")
def ex07():
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / f"{EXERCISE}.py")))


def plain_norms(weights, biases, X, delta_out, activation):
    """||Delta^l||, l = 1..L, from a plain forward pass and the recurrence written out."""
    zs, a = [], X
    for W, b in zip(weights[:-1], biases[:-1]):
        zs.append(np.einsum("ni,oi->no", a, W) + b)
        a = plain.f(activation, zs[-1])
    deltas = [delta_out]
    for l in range(len(weights) - 1, 0, -1):
        deltas.insert(0, np.einsum("nk,kj->nj", deltas[0], weights[l]) * plain.slope(activation, zs[l - 1]))
    return np.array([np.sqrt(np.sum(d * d)) for d in deltas])


def measured_factor(ex07, activation, n, sigma, bias):
    """(||Delta^1|| / ||Delta^11||)^(1/10) of the exercise's scenario, measured the plain way."""
    weights, biases, X, delta_out = ex07["scenario"](n, sigma, bias)
    norms = plain_norms(weights, biases, X, delta_out, activation)
    return (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))


def test_the_typical_slopes_are_what_a_norm_sees():
    # For z symmetric about 0: sqrt(E[relu'(z)^2]) = sqrt(1/2) whatever the scale; leaky adds 0.01^2 on the
    # negative half; sigmoid's and tanh's slopes near 0 are 1/4 and 1.
    z = np.random.default_rng(0).normal(size=1_000_000)
    for scale in (0.1, 1.0, 30.0):
        assert abs(np.sqrt(np.mean(plain.slope("relu", scale * z) ** 2)) - spec.TYPICAL_SLOPE["relu"]) < 2e-3
        assert (
            abs(np.sqrt(np.mean(plain.slope("leaky_relu", scale * z) ** 2)) - spec.TYPICAL_SLOPE["leaky_relu"]) < 2e-3
        )
    assert abs(np.sqrt(np.mean(plain.slope("sigmoid", 1e-3 * z) ** 2)) - spec.TYPICAL_SLOPE["sigmoid"]) < 1e-6
    assert abs(np.sqrt(np.mean(plain.slope("tanh", 1e-3 * z) ** 2)) - spec.TYPICAL_SLOPE["tanh"]) < 1e-5


def test_the_reference_prediction_is_the_rule(ex07):
    rng = np.random.default_rng(7)
    for _ in range(20):
        n, sigma = int(rng.integers(1, 500)), float(rng.uniform(0.001, 1))
        for name, slope in spec.TYPICAL_SLOPE.items():
            assert abs(ex07["predicted_factor"](name, n, sigma) - sigma * np.sqrt(n) * slope) < 1e-12
    assert ex07["layers_until"](0.25, 1e-6) == 10  # 0.25^10 = 9.5e-7 <= 1e-6 < 0.25^9
    assert 0.25**10 <= 1e-6 < 0.25**9


def _region_cases(rng):
    """(case, cause) drawn from every region the spec's Part 3 checks draw from."""
    cases = [(spec.as_predicted(rng, name), "as predicted") for name in spec.AS_PREDICTED]
    cases += [
        (spec.saturated(rng, name, by), "saturated units") for name in ("sigmoid", "tanh") for by in ("weights", "bias")
    ]
    cases.append((spec.switched_off(rng), "units switched off"))
    return cases


def test_every_scenario_region_is_the_cause_the_reference_names(ex07):
    # Measured at the scenario's own seed (what a learner measures): within 20% of the prediction when "as
    # predicted", below half of it otherwise; and the reference's answer is that cause.
    rng = np.random.default_rng(2024)
    for _ in range(12):
        for case, cause in _region_cases(rng):
            ratio = measured_factor(ex07, *case) / ex07["predicted_factor"](*case[:3])
            assert ex07["mismatch_cause"](*case) == cause, case
            if cause == "as predicted":
                assert 0.8 <= ratio <= 1.2, (case, ratio)
            else:
                assert ratio < 0.5, (case, ratio)


def test_the_hidden_test_cases_are_their_causes(ex07):
    # The nbgrader hidden tests' fixed scenarios, measured.
    for case, cause in [
        (("relu", 64, 0.1, 0.0), "as predicted"),
        (("identity", 32, 0.4, 0.0), "as predicted"),
        (("sigmoid", 32, 0.1, 0.0), "as predicted"),
        (("tanh", 64, 0.05, 0.0), "as predicted"),
        (("tanh", 64, 0.5, 0.0), "saturated units"),
        (("sigmoid", 16, 3.0, 0.0), "saturated units"),
        (("tanh", 32, 0.1, -3.0), "saturated units"),
        (("sigmoid", 32, 0.1, 4.5), "saturated units"),
        (("relu", 32, 0.2, -1.0), "units switched off"),
        (("relu", 100, 0.1, -2.0), "units switched off"),
    ]:
        ratio = measured_factor(ex07, *case) / ex07["predicted_factor"](*case[:3])
        assert (0.8 <= ratio <= 1.2) if cause == "as predicted" else ratio < 0.5, (case, ratio)


def _call(*args):
    return SimpleNamespace(inputs={f"_arg{i}": value for i, value in enumerate(args)})


def test_the_prediction_feedback_names_each_slip():
    n, sigma = 64, 0.1
    gain = sigma * np.sqrt(n)
    relu = gain * np.sqrt(0.5)
    assert spec._factor_feedback(relu * 1.05, relu, _call("relu", n, sigma)) is None
    assert "sigma * n" in spec._factor_feedback(sigma * n * np.sqrt(0.5), relu, _call("relu", n, sigma))
    assert "not sigma" in spec._factor_feedback(sigma * np.sqrt(0.5), relu, _call("relu", n, sigma))
    assert "mean slope 1/2" in spec._factor_feedback(gain * 0.5, relu, _call("relu", n, sigma))
    assert "half the units" in spec._factor_feedback(gain, relu, _call("relu", n, sigma))
    assert "about 1/4" in spec._factor_feedback(gain, gain / 4, _call("sigmoid", n, sigma))
    assert "near 0 is 1" in spec._factor_feedback(gain / 4, gain, _call("tanh", n, sigma))
    assert "one finite number" in spec._factor_feedback([1.0, 2.0], relu, _call("relu", n, sigma))
    # The numbers it quotes: the ratio to the rule, and the rule's value.
    message = spec._factor_feedback(gain * 0.5, relu, _call("relu", n, sigma))
    assert f"{0.5 / np.sqrt(0.5):.3g} times the rule's {relu:.4g}" in message
    assert spec._cause_feedback("as predicted", "as predicted", None) is None
    assert "not 'as predicted'" in spec._cause_feedback("as predicted", "saturated units", None)
    assert "one of" in spec._cause_feedback("dead", "saturated units", None)


TRY_IT = [
    ("relu", 64, 0.1, 0.0),
    ("sigmoid", 32, 0.2, 0.0),
    ("tanh", 64, 0.5, 0.0),
    ("tanh", 32, 0.1, 2.5),
    ("relu", 32, 0.2, -1.0),
]


def test_the_try_it_numbers(ex07):
    text = printed(load(EXERCISE, folder="solutions"), "worked:try-it").splitlines()
    for line, (activation, n, sigma, bias) in zip(text, TRY_IT):
        predicted = sigma * np.sqrt(n) * spec.TYPICAL_SLOPE[activation]
        measured = measured_factor(ex07, activation, n, sigma, bias)
        shown = [float(v) for v in re.findall(r"×(\d+\.\d+)", line)]
        assert line.strip().startswith(f"{activation}, n = {n}, σ = {sigma}, bias {bias:+.1f}:")
        assert shown == [round(predicted, 2), round(measured, 2)], (line, predicted, measured)
        assert safely_rounded(predicted, 2, 1e-9) and (measured == 0 or safely_rounded(measured, 2, 1e-9))
        cause = (
            "as predicted"
            if 0.8 <= measured / predicted <= 1.2
            else "units switched off"
            if activation == "relu"
            else "saturated units"
        )
        assert line.endswith(f"; {cause}")
    # ReLU with biases at -1: every unit of layers 3 to 10 is dead, so Delta^1 is exactly 0.
    weights, biases, X, _ = ex07["scenario"](32, 0.2, -1.0)
    a, dead = X, []
    for W, b in zip(weights[:-1], biases[:-1]):
        z = np.einsum("ni,oi->no", a, W) + b
        dead.append(int(np.sum(np.max(z, axis=0) <= 0)))
        a = plain.f("relu", z)
    assert text[5] == f"dead units per hidden layer, ReLU with biases at -1: {dead}"
    assert dead[2:] == [32] * 8
    factor = 0.2 * np.sqrt(32) / 4
    k = int(np.ceil(np.log(1e-6) / np.log(factor)))
    assert factor**k <= 1e-6 < factor ** (k - 1)
    assert text[6] == f"layers until sigmoid's factor leaves a millionth: {k}" and k == 11


# ------------------------------------------------------------------ what copying scores
LESSON_CODE = {
    # Lesson 7's printed code pasted into the answer cells: the typical slope from MLP.trace, the norms from
    # MLP.backward, dead units from MLP.trace; the compounding and the explanation left undone.
    "predictions": """from course_lib import MLP


def predicted_factor(activation, n, sigma):
    net = MLP([n] * 11 + [1], activation, "sigmoid", "binary_cross_entropy", init="normal", weight_scale=sigma, seed=0)
    X = np.random.default_rng(0).normal(size=(200, n))
    slopes = [get_activation(activation).derivative(z) for z in net.trace(X).zs[:-1]]
    return float(sigma * np.sqrt(n) * np.sqrt(np.mean([np.mean(s**2) for s in slopes])))


def layers_until(factor, ratio):
    raise NotImplementedError()
""",
    "measurements": """from course_lib import MLP


def _net(weights, biases, activation):
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], activation, "identity", "mse")
    net.weights, net.biases = [np.array(W) for W in weights], [np.array(b) for b in biases]
    return net


def error_norms(weights, biases, X, delta_out, activation):
    grads = _net(weights, biases, activation).backward(X, np.zeros_like(delta_out))
    return np.array([np.linalg.norm(d) for d in grads.deltas])


def dead_units(weights, biases, X):
    return [np.all(z <= 0, axis=0) for z in _net(weights, biases, "relu").trace(X).zs[:-1]]
""",
}


def measurement_only():
    """The measurements written right from the equations (the reference's code), no prediction made."""
    source = read_exercise(ROOT / "solutions" / "src" / f"{EXERCISE}.py")
    return {"measurements": next(cell.solution for cell in source.cells if cell.grade_id == "measurements")}


@pytest.mark.slow
def test_a_transcription_attempt_scores_well_under_half(tmp_path):
    from course_tools.grader.cli import grade_many
    from course_tools.grader.grade import Options

    paths = {
        "lesson code": exercise_submission(EXERCISE, tmp_path, "lesson_code", copy.deepcopy(LESSON_CODE)),
        "measurements only": exercise_submission(EXERCISE, tmp_path, "measurements_only", measurement_only()),
    }
    results, failures = grade_many(list(paths.values()), Options(), jobs=2, progress=False)
    assert failures == []
    score = {name: next(r for r in results if r.submission == path).score for name, path in paths.items()}
    # Pasting the lesson's code scores nothing: every route it takes (MLP.trace, MLP.backward) is blocked.
    assert score["lesson code"] == 0
    # Measuring right without predicting or explaining: the 3 points of Part 2, out of 10.
    assert score["measurements only"] == 3
