"""Exercise 8 assesses understanding: its derivation, predictions, feedback and Try it recomputed, and what copying scores.

- The derived scale keeps E[z^2] steady through deep leaky ReLU networks (Monte Carlo), and the
  predicted second moments agree with plain-numpy measurements, Xavier's included.
- The zero start's gradients and the spreads are recomputed with a second, plain network.
- The feedback names the slips it claims to recognise.
- Every number the Try it prints is recomputed here.
- A transcription attempt (the lesson's code and formulas, or the measurements without the
  derivation and predictions) is graded by course-grade: it scores well under half.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

import plain_network as plain
from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.source import ROOT
from course_tools.grader.specs import ex08_initialization as spec
from grader_fixtures import exercise_submission
from notebook_outputs import load, printed, safely_rounded

EXERCISE = "ex08_initialization"
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture(scope="module")
def ex08():
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / f"{EXERCISE}.py")))


def leaky(z, slope):
    return np.where(z > 0, z, slope * z)


def plain_moments(weights, X, slope):
    """E[(Z^l)^2] for every layer, biases 0, written out."""
    moments, a = [], X
    for W in weights:
        z = np.einsum("ni,oi->no", a, W)
        moments.append(float(np.mean(z * z)))
        a = leaky(z, slope)
    return np.array(moments)


def draw(sizes, stds, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, s, size=(m, k)) for k, m, s in zip(sizes[:-1], sizes[1:], stds)]


def test_a_leaky_unit_keeps_one_plus_slope_squared_over_two_of_the_second_moment():
    z = np.random.default_rng(0).normal(size=1_000_000)
    for slope in (0.0, 0.3, 1.0):
        assert abs(np.mean(leaky(z, slope) ** 2) / np.mean(z * z) - (1 + slope**2) / 2) < 2e-3


def per_layer_factor(sizes, stds, slope, X, seeds=range(4)):
    """The geometric mean, over layers and seeds, of E[(Z^(l+1))^2] / E[(Z^l)^2], measured."""
    logs = [np.diff(np.log(plain_moments(draw(sizes, stds, seed), X, slope))) for seed in seeds]
    return float(np.exp(np.mean(logs)))


def test_the_steady_std_keeps_the_second_moment_steady(ex08):
    # Eight layers of 256 leaky units drawn with the derived scale: E[z^2] changes by a factor within 3% of 1 per
    # layer (one network drifts by a random walk; the mean over layers and seeds does not). With He's scale the
    # leaky units with slope 0.5 grow it by 1.25 a layer, so the test tells the two apart.
    X = np.random.default_rng(1).normal(size=(1000, 256))
    sizes = [256] * 9
    for slope in (0.0, 0.5, 1.0):
        factor = per_layer_factor(sizes, [ex08["steady_std"](256, 256, slope)] * 8, slope, X)
        assert abs(factor - 1) < 0.03, (slope, factor)
    assert abs(per_layer_factor(sizes, [np.sqrt(2 / 256)] * 8, 0.5, X) - 1.25) < 0.04
    assert ex08["steady_std"](256, 128, 0.0) == np.sqrt(2 / 256)  # ReLU: He's scale, n_out plays no part


def test_predicted_moments_agree_with_measurements(ex08):
    # Xavier on ReLU layers of equal width halves E[z^2] a layer; with widths alternating 64 and 256 the factors
    # are 64/320 and 256/320. Measured layer by layer (the geometric mean over eight networks, since one network of
    # 64-unit layers drifts by a random walk), each factor within 10% of the predicted one.
    X = np.random.default_rng(2).normal(size=(2000, 64))
    for sizes in ([64] * 7, [64, 256, 64, 256, 64, 256, 64]):
        stds = spec.xavier(sizes)
        predicted = ex08["predicted_moments"](sizes, stds)
        factors = [sizes[l] / (sizes[l] + sizes[l + 1]) for l in range(1, len(sizes) - 1)]
        np.testing.assert_allclose(predicted, np.cumprod([1.0] + factors), rtol=1e-12)
        logs = [np.diff(np.log(plain_moments(draw(sizes, stds, seed), X, 0.0))) for seed in range(8)]
        np.testing.assert_allclose(np.exp(np.mean(logs, axis=0)), factors, rtol=0.1)
    assert np.allclose(ex08["predicted_moments"]([64] * 7, spec.xavier([64] * 7)), 0.5 ** np.arange(6))


def test_zero_start_gradients_are_the_plain_backward_pass_at_zero(ex08):
    rng = np.random.default_rng(4)
    for hidden in ("tanh", "sigmoid", "relu"):
        for _ in range(4):
            n, n_in, h = int(rng.integers(2, 12)), int(rng.integers(1, 5)), int(rng.integers(2, 7))
            Y = (rng.random(size=(n, 1)) < 0.5).astype(float)
            weights, biases = [np.zeros((h, n_in)), np.zeros((1, h))], [np.zeros(h), np.zeros(1)]
            grad_W, _ = plain.backward(weights, biases, rng.normal(size=(n, n_in)), Y, hidden)
            mine = ex08["zero_start_gradients"](hidden, n_in, h, Y)
            np.testing.assert_array_equal(mine[0], grad_W[0])
            np.testing.assert_allclose(mine[1], grad_W[1], rtol=1e-12, atol=1e-15)
            assert np.all(grad_W[0] == 0)


def test_spread_after_steps_is_the_plain_networks(ex08):
    rng = np.random.default_rng(5)
    for hidden in ("tanh", "sigmoid", "relu"):
        for equal in (True, False):
            W1, b1, W2, b2 = spec._one_hidden(rng, equal)
            X = rng.normal(size=(6, W1.shape[1]))
            Y = (rng.random(size=(6, 1)) < 0.5).astype(float)
            steps, rate = int(rng.integers(0, 31)), float(rng.uniform(0.1, 1.0))
            ws, bs, _ = plain.sgd([W1, W2], [b1, b2], X, Y, hidden, epochs=steps, batch_size=None, learning_rate=rate)
            grad_W1 = plain.backward(ws, bs, X, Y, hidden)[0][0]
            expected = float(np.max(np.abs(grad_W1 - grad_W1[0])))
            got = ex08["spread_after_steps"](W1, b1, W2, b2, X, Y, hidden, steps, rate)
            assert abs(got - expected) <= 1e-6 * expected + 1e-13, (hidden, equal, got, expected)
            assert (expected < 1e-13) == equal


def _call(*args):
    return SimpleNamespace(inputs={f"_arg{i}": value for i, value in enumerate(args)})


def test_the_feedback_names_each_slip():
    n_in, n_out = 300, 100
    he = np.sqrt(2 / n_in)
    assert spec._std_feedback(he * (1 + 1e-9), he, _call(n_in, n_out, 0.0)) is None
    assert "Xavier" in spec._std_feedback(np.sqrt(2 / (n_in + n_out)), he, _call(n_in, n_out, 0.0))
    assert "n_in inputs" in spec._std_feedback(np.sqrt(2 / n_out), he, _call(n_in, n_out, 0.0))
    assert "only half" in spec._std_feedback(np.sqrt(1 / n_in), he, _call(n_in, n_out, 0.0))
    assert "variance" in spec._std_feedback(he**2, he, _call(n_in, n_out, 0.0))
    leaky_std = np.sqrt(2 / (1.25 * n_in))
    assert "He's" in spec._std_feedback(he, leaky_std, _call(n_in, n_out, 0.5))
    assert "not slope times" in spec._std_feedback(np.sqrt(2 / (1.5 * n_in)), leaky_std, _call(n_in, n_out, 0.5))
    assert f"got {he:.6g}, expected {leaky_std:.6g}" in spec._std_feedback(he, leaky_std, _call(n_in, n_out, 0.5))

    sizes, stds = [10, 20, 30, 40], [0.1, 0.2, 0.3]
    right = np.cumprod([1.0, 20 * 0.04 / 2, 30 * 0.09 / 2])
    assert spec._moments_feedback(right * 1.01, right, _call(sizes, stds)) is None
    assert "halving" in spec._moments_feedback(np.cumprod([1.0, 20 * 0.04, 30 * 0.09]), right, _call(sizes, stds))
    assert "n_l inputs" in spec._moments_feedback(
        np.cumprod([1.0, 30 * 0.04 / 2, 40 * 0.09 / 2]), right, _call(sizes, stds)
    )
    assert "multiply" in spec._moments_feedback(
        np.array([1.0, 20 * 0.04 / 2, 30 * 0.09 / 2]), right, _call(sizes, stds)
    )

    expected = (np.zeros((3, 2)), np.full((1, 3), 0.5 * (0.5 - 0.75)))
    assert spec._zero_start_feedback(expected, expected, _call("sigmoid")) is None
    assert "W^2 = 0" in spec._zero_start_feedback((np.ones((3, 2)), expected[1]), expected, _call("sigmoid"))
    assert "outputs 1/2" in spec._zero_start_feedback((expected[0], np.zeros((1, 3))), expected, _call("sigmoid"))
    zero = (np.zeros((3, 2)), np.zeros((1, 3)))
    assert "tanh(0) = 0" in spec._zero_start_feedback((expected[0], np.ones((1, 3))), zero, _call("tanh"))


def test_the_try_it_moments(ex08):
    lines = printed(load(EXERCISE, folder="solutions"), "worked:try-it-moments").splitlines()
    sizes = [64, 256, 64, 256, 64, 256, 64]
    X = np.random.default_rng(1).normal(size=(1000, 64))
    for (label, stds), (said, seen) in zip(
        [("xavier", spec.xavier(sizes)), ("steady", [np.sqrt(2 / n) for n in sizes[:-1]])], [lines[0:2], lines[2:4]]
    ):
        predicted = np.cumprod([1.0] + [sizes[l] * stds[l] ** 2 / 2 for l in range(1, 6)])
        measured = plain_moments(draw(sizes, stds, seed=0), X, 0.0)
        measured = measured / measured[0]
        assert said.startswith(f"{label:>6}: predicted")
        for shown, values in ((said, predicted), (seen, measured)):
            numbers = [float(v) for v in re.findall(r"\d+\.\d+", shown.split(":", 1)[1])]
            assert numbers == [round(v, 2) for v in values], (shown, values)
            assert all(safely_rounded(v, 2, 1e-9) for v in values)
        assert np.all(np.abs(measured / predicted - 1) < 0.2)  # "how far did they agree": within 20%
    assert [round(v, 2) for v in np.cumprod([1, 0.8, 0.2, 0.8, 0.2, 0.8])] == [1.0, 0.8, 0.16, 0.13, 0.03, 0.02]


def test_the_try_it_symmetry():
    lines = printed(load(EXERCISE, folder="solutions"), "worked:try-it-symmetry").splitlines()
    rng = np.random.default_rng(0)
    starts = {
        "zero": ([np.zeros((4, 2)), np.zeros((1, 4))], [np.zeros(4), np.zeros(1)]),
        "equal 0.5": ([np.full((4, 2), 0.5), np.full((1, 4), 0.5)], [np.zeros(4), np.zeros(1)]),
    }
    W1, W2 = rng.normal(0, 0.1, size=(4, 2)), rng.normal(0, 0.1, size=(1, 4))
    starts["random 0.1"] = ([W1, W2], [np.zeros(4), np.zeros(1)])
    for line, (label, (weights, biases)) in zip(lines, starts.items()):
        spreads = []
        for steps in (0, 1, 100):
            ws, bs, _ = plain.sgd(
                weights, biases, X_XOR, Y_XOR, "tanh", epochs=steps, batch_size=None, learning_rate=1.0
            )
            grad_W1 = plain.backward(ws, bs, X_XOR, Y_XOR, "tanh")[0][0]
            spreads.append(float(np.max(np.abs(grad_W1 - grad_W1[0]))))
        assert line.strip().startswith(f"{label} start:")
        assert line.endswith(", ".join(f"{s:.6f}" for s in spreads)), (line, spreads)
        # A spread is a largest absolute difference: noise can only raise an exact 0, never make it negative.
        assert all(safely_rounded(s, 6, 1e-12) if s else f"{1e-12:.6f}" == "0.000000" for s in spreads)
        assert (max(spreads) < 1e-15) == (label != "random 0.1")
    for line, (name, Y) in zip(lines[3:], (("XOR", Y_XOR), ("AND", np.array([[0.0], [0.0], [0.0], [1.0]])))):
        grad_W = plain.backward([np.zeros((4, 2)), np.zeros((1, 4))], [np.zeros(4), np.zeros(1)], X_XOR, Y, "sigmoid")[
            0
        ]
        assert line == (
            f"zero start, sigmoid units, {name}: largest |dL/dW1| = {np.max(np.abs(grad_W[0])):.3f}, "
            "dL/dW2 = " + " ".join(f"{g:.4f}" for g in grad_W[1].ravel())
        )
    assert lines[4].endswith("0.1250 0.1250 0.1250 0.1250")  # 1/2 * (1/2 - 1/4) for AND's targets


# ------------------------------------------------------------------ what copying scores
LESSON_CODE = {
    # Lesson 8's table and printed code: He's formula for the steady scale, the forward statistics and the
    # zero start's gradients from MLP, training with MLP.step; the prediction left undone.
    "derivation": """def steady_std(n_in, n_out, negative_slope):
    return float(np.sqrt(2 / n_in))
""",
    "prediction": """def predicted_moments(sizes, stds):
    raise NotImplementedError()
""",
    "measurement": """from course_lib import MLP


def second_moments(weights, biases, X, negative_slope):
    net = MLP([weights[0].shape[1]] + [W.shape[0] for W in weights], "leaky_relu", "identity", "mse")
    net.weights, net.biases = [np.array(W) for W in weights], [np.array(b) for b in biases]
    return np.array([np.mean(z**2) for z in net.trace(X).zs])
""",
    "symmetry": """from course_lib import MLP


def _net(W1, b1, W2, b2, hidden):
    net = MLP([W1.shape[1], W1.shape[0], 1], hidden, "sigmoid", "binary_cross_entropy")
    net.weights, net.biases = [np.array(W1), np.array(W2)], [np.array(b1), np.array(b2)]
    return net


def zero_start_gradients(hidden, n_in, n_hidden, Y):
    grads = MLP([n_in, n_hidden, 1], hidden, "sigmoid", "binary_cross_entropy", init="zeros").backward(
        np.zeros((len(Y), n_in)), Y)
    return grads.weights[0], grads.weights[1]


def spread_after_steps(W1, b1, W2, b2, X, Y, hidden, steps, learning_rate):
    net = _net(W1, b1, W2, b2, hidden)
    for _ in range(steps):
        net.step(net.backward(X, Y), learning_rate)
    return row_spread(net.backward(X, Y).weights[0])
""",
}


def measurements_only():
    """The measurements written right from the equations (the reference's code, with the zero start's
    question left undone), no derivation or prediction made."""
    source = read_exercise(ROOT / "solutions" / "src" / f"{EXERCISE}.py")
    cells = {cell.grade_id: cell.solution for cell in source.cells}
    symmetry = cells["symmetry"]
    undone = symmetry[: symmetry.index("def spread_after_steps")].split('"""', 2)
    symmetry = (
        undone[0]
        + '"""'
        + undone[1]
        + '"""\n    raise NotImplementedError()\n\n\n'
        + symmetry[symmetry.index("def spread_after_steps") :]
    )
    return {"measurement": cells["measurement"], "symmetry": symmetry}


@pytest.mark.slow
def test_a_transcription_attempt_scores_well_under_half(tmp_path):
    from course_tools.grader.cli import grade_many
    from course_tools.grader.grade import Options

    with_he = dict(measurements_only(), derivation=LESSON_CODE["derivation"])
    paths = {
        "lesson code": exercise_submission(EXERCISE, tmp_path, "lesson_code", LESSON_CODE),
        "measurements only": exercise_submission(EXERCISE, tmp_path, "measurements_only", measurements_only()),
        "measurements and He": exercise_submission(EXERCISE, tmp_path, "measurements_he", with_he),
    }
    results, failures = grade_many(list(paths.values()), Options(), jobs=2, progress=False)
    assert failures == []
    score = {name: next(r for r in results if r.submission == path).score for name, path in paths.items()}
    # He's formula earns the ReLU check of Part 1 (1 point); every MLP route of the lesson's code is blocked.
    assert score["lesson code"] == 1
    # Forward pass, backward pass and training loop right, with no derivation or prediction: 2 of 10; with
    # He's formula from the lesson's table as well: 3 of 10.
    assert score["measurements only"] == 2
    assert score["measurements and He"] == 3
