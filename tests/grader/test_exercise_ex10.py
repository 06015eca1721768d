"""Exercise 10 (digits): its solution against independent computations, and its spec's judgement.

The spec must keep the held-out digits out of the learner's kernel and judge on new digits that no
data set holds (drawn in the grader from a secret seed), deal them afresh every grading run, fail a
look-up table of the public digits and a network prepared in advance, and block the library's
training loop, while the reference solution, trained by its own loop, passes.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from course_lib import MLP, train
from course_tools.grader import reference
from course_tools.exercises import read_exercise
from course_tools.grader.specs import ex10_digits as spec
from finite_differences import centred_differences_in_place
from grader_fixtures import check_choice_feedback
from notebook_outputs import load, printed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ex10():
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / "ex10_digits.py")))


def params_of(net, mean, scale, activation="relu"):
    return {
        "mean": mean,
        "scale": scale,
        "weights": [W.copy() for W in net.weights],
        "biases": [b.copy() for b in net.biases],
        "hidden_activation": activation,
    }


class _Probe:
    def __init__(self, **private):
        self.private, self.inputs = private, {}


def test_scaling_matches_the_definition(ex10):
    X = np.random.default_rng(0).normal(size=(40, 5)) * [1, 2, 3, 0, 5]
    mean, scale = ex10["scaling"](X)
    for j in range(5):
        column = X[:, j]
        assert mean[j] == pytest.approx(sum(column) / 40)
        assert scale[j] == pytest.approx(np.sqrt(sum((column - sum(column) / 40) ** 2) / 40) + 0.1)


def test_confusion_matrix_counts_pairs(ex10):
    rng = np.random.default_rng(1)
    true, guess = rng.integers(0, 7, size=500), rng.integers(0, 7, size=500)
    counts = ex10["confusion_matrix"](true, guess, 7)
    expected = np.zeros((7, 7), dtype=int)
    for t, g in zip(true, guess):
        expected[t, g] += 1
    np.testing.assert_array_equal(counts, expected)
    assert counts.dtype.kind == "i"


def _loss_by_hand(weights, biases, X, y):
    """Mean softmax cross-entropy of a ReLU network, one sample at a time, written out here."""
    total = 0.0
    for x, label in zip(X, y):
        a = x
        for W, b in zip(weights[:-1], biases[:-1]):
            a = np.maximum(W @ a + b, 0.0)
        z = weights[-1] @ a + biases[-1]
        total += np.log(np.sum(np.exp(z - z.max()))) + z.max() - z[label]
    return total / len(y)


def test_loss_and_gradients_against_centred_differences(ex10):
    rng = np.random.default_rng(5)
    sizes = [5, 6, 4, 3]
    weights = [rng.normal(size=(k, m)) for m, k in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=k) for k in sizes[1:]]
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)
    loss, grad_weights, grad_biases = ex10["loss_and_gradients"](weights, biases, X, y)
    assert loss == pytest.approx(_loss_by_hand(weights, biases, X, y), rel=1e-12)
    for params, grads in ((weights, grad_weights), (biases, grad_biases)):
        for P, G in zip(params, grads):
            assert G.shape == P.shape
            numeric = centred_differences_in_place(lambda: _loss_by_hand(weights, biases, X, y), P, 1e-5)
            for index in np.ndindex(P.shape):
                assert abs(G[index] - numeric[index]) <= 1e-6 * max(abs(G[index]), abs(numeric[index]), 1e-3), index


def test_predict_digits_is_the_graders_forward_pass(ex10):
    rng = np.random.default_rng(2)
    net = MLP([64, 12, 10], "tanh", "softmax", "cross_entropy", seed=2)
    params = params_of(net, rng.uniform(0, 1, 64), rng.uniform(0.1, 1, 64), "tanh")
    X = rng.uniform(0, 1, size=(30, 64))
    expected = net.predict((X - params["mean"]) / params["scale"])
    np.testing.assert_array_equal(ex10["predict_digits"](params, X), expected)
    np.testing.assert_array_equal(spec.grader_predict(params, X), expected)


def test_symmetries_are_the_eight_of_the_square():
    image = np.arange(64, dtype=float)[None, :]  # no symmetry of its own
    turned = {tuple(spec.turned(image, s)[0]) for s in range(8)}
    assert len(turned) == 8
    for s in range(8):
        assert sorted(spec.turned(image, s)[0]) == list(range(64))  # a permutation of the pixels
    grid = image.reshape(8, 8)
    np.testing.assert_array_equal(spec.turned(image, 4).reshape(8, 8), grid[:, ::-1])
    np.testing.assert_array_equal(spec.turned(image, 1).reshape(8, 8), np.rot90(grid))


# ------------------------------------------------------------------ the new digits
def _public_images():
    """Every public digit under every symmetry of the square, as a set of pixel rows."""
    X = load_digits().data / 16.0
    return {tuple(row) for s in range(8) for row in spec.turned(X, s)}


def test_new_digits_are_in_no_public_data_set_and_depend_on_the_seed():
    X, y = spec.new_held_out_digits(12345, 5, 777)
    assert X.shape == (2 * 359, 64) and y.shape == (2 * 359,)
    assert np.all((X >= 0) & (X <= 1)) and np.allclose(X * 16, np.round(X * 16))  # the originals' 17 levels
    public = _public_images()
    assert not any(tuple(row) in public for row in X)  # not one of them can be looked up
    again, _ = spec.new_held_out_digits(12345, 5, 777)
    np.testing.assert_array_equal(again, X)
    other, _ = spec.new_held_out_digits(12345, 5, 778)
    assert np.mean(np.all(other == X, axis=1)) < 0.01  # another seed, other digits
    # The two drawings of one held-out digit differ from each other and stay close to their original.
    originals = spec.grader_split(12345, 5)[2]
    assert not np.any(np.all(X[0::2] == X[1::2], axis=1))
    assert np.abs(X[0::2] - originals).mean() < 0.1


def test_the_kernel_gets_the_training_share_only():
    check = [c for c in spec.SPEC.checks if c.make_probes is spec.train_grader_split][0]
    (probe,) = check.probes(np.random.default_rng(7))
    assert set(probe.inputs) == {"X", "y", "seed"}
    assert set(probe.private) == {"split_seed", "symmetry", "redraw_seed"}
    X_train, _, X_held_out, _ = spec.grader_split(probe.private["split_seed"], probe.private["symmetry"])
    np.testing.assert_array_equal(probe.inputs["X"], X_train)
    assert len(X_train) + len(X_held_out) == 1797
    sent = {tuple(row) for row in probe.inputs["X"]}
    assert not any(tuple(row) in sent for row in X_held_out)  # no held-out digit reaches the kernel
    X_new, _ = spec.new_held_out_digits(**probe.private)
    assert not any(tuple(row) in sent for row in X_new)
    (again,) = check.probes(np.random.default_rng(8))
    assert again.private["redraw_seed"] != probe.private["redraw_seed"]


@pytest.mark.parametrize("draw", range(4))
@pytest.mark.slow  # seconds of training: the full run's, not the quick one's
def test_new_digits_are_learnable(ex10, draw):
    """The reference solution, trained on the grader's share of the public digits, reads the new digits."""
    rng = np.random.default_rng(1000 + draw)
    split_seed, symmetry, seed = int(rng.integers(1, 1 << 30)), int(rng.integers(1, 8)), int(rng.integers(1000))
    redraw_seed = int(rng.integers(1, 1 << 30))
    X_train, y_train, _, _ = spec.grader_split(split_seed, symmetry)
    params = ex10["train_digits"](X_train, y_train, seed=seed)
    X_new, y_new = spec.new_held_out_digits(split_seed, symmetry, redraw_seed)
    # Measured over 16 such draws: 93.6% to 96.9%, against the grader's 90%.
    assert np.mean(spec.grader_predict(params, X_new) == y_new) >= spec.REDRAWN_TARGET + 0.02
    private = {"split_seed": split_seed, "symmetry": symmetry, "redraw_seed": redraw_seed}
    assert spec._grader_split_problem(params, None, _Probe(**private)) is None


def test_the_reference_passes_the_notebook_split_check(ex10):
    split = ex10["SPLIT"]
    params = ex10["train_digits"](split.X_train, split.y_train, seed=11)
    assert spec._notebook_split_problem(params, None, _Probe(redraw_seed=4242)) is None


# ------------------------------------------------------------------ attacks
def lookup_table(X, y):
    """An exact look-up network of the images X (n, 64) with labels y: no training.

    Every image gets a number, its projection on a fixed direction; a hidden layer of three ReLU units
    per image builds a narrow triangular bump around that number, and the output layer adds each bump
    to its image's label. On an image of the table it answers that image's label; elsewhere nothing.
    """
    X = np.asarray(X, dtype=float)
    direction = np.random.default_rng(0).normal(size=64)
    keys = X @ direction
    order = np.sort(np.unique(keys))
    width = np.min(np.diff(order)) / 3
    W1 = np.repeat(direction[None, :], 3 * len(X), axis=0) / width
    b1 = -np.concatenate([[k / width - 1, k / width, k / width + 1] for k in keys])
    W2 = np.zeros((10, 3 * len(X)))
    for i, label in enumerate(y):
        W2[label, 3 * i : 3 * i + 3] += [1.0, -2.0, 1.0]
    return {
        "mean": np.zeros(64),
        "scale": np.ones(64),
        "weights": [W1, W2],
        "biases": [b1, np.zeros(10)],
        "hidden_activation": "relu",
    }


def test_a_lookup_table_of_the_public_digits_fails_the_new_digits():
    digits = load_digits()
    split_seed, symmetry, redraw_seed = 99, 6, 31337
    # The attack knows the symmetry (it can find it by matching its training share with the public digits).
    table = lookup_table(spec.turned(digits.data / 16.0, symmetry), digits.target)
    assert spec.params_problem(table) is None
    X_train, y_train, X_held_out, y_held_out = spec.grader_split(split_seed, symmetry)
    # An exact table: it reads every held-out original...
    assert np.mean(spec.grader_predict(table, X_held_out) == y_held_out) > 0.99
    # ...and no new digit, which is what the grader judges on.
    X_new, y_new = spec.new_held_out_digits(split_seed, symmetry, redraw_seed)
    assert np.mean(spec.grader_predict(table, X_new) == y_new) < 0.2
    problem = spec._grader_split_problem(
        table, None, _Probe(split_seed=split_seed, symmetry=symmetry, redraw_seed=redraw_seed)
    )
    assert problem is not None and "needs at least 90%" in problem
    # The notebook's split: the table reads SPLIT.X_test, but not the new digits drawn from it.
    upright = lookup_table(digits.data / 16.0, digits.target)
    problem = spec._notebook_split_problem(upright, None, _Probe(redraw_seed=redraw_seed))
    assert problem is not None and "new digits" in problem


@pytest.fixture(scope="module")
def prepared():
    """A network trained in advance on ALL 1797 upright digits (held-out ones included): a cheat."""
    digits = load_digits()
    X = digits.data / 16.0
    mean, scale = X.mean(axis=0), X.std(axis=0) + 0.1
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    train(net, (X - mean) / scale, digits.target, epochs=30, batch_size=32, learning_rate=0.05, seed=0)
    return params_of(net, mean, scale)


@pytest.mark.slow  # seconds of training: the full run's, not the quick one's
def test_a_prepared_network_fails_turned_new_digits(prepared):
    for symmetry in range(1, 8):
        problem = spec._grader_split_problem(prepared, None, _Probe(split_seed=99, symmetry=symmetry, redraw_seed=5))
        assert problem is not None and "needs at least 90%" in problem, symmetry
    # Upright, it would pass (it has seen every original): the symmetry is what makes the check fair.
    assert spec._grader_split_problem(prepared, None, _Probe(split_seed=99, symmetry=0, redraw_seed=5)) is None


def test_malformed_parameters_are_explained(prepared):
    assert "keys" in spec.params_problem([1, 2])
    broken = dict(prepared, scale=np.zeros(64))
    assert "positive" in spec.params_problem(broken)
    broken = dict(prepared, weights=[prepared["weights"][0][:, :63], prepared["weights"][1]])
    assert "weights[0] has shape (64, 63), expected (units, 64)" in spec.params_problem(broken)
    broken = dict(prepared, weights=prepared["weights"][:1], biases=prepared["biases"][:1])
    assert "64 scores, expected 10" in spec.params_problem(broken)
    nan = [W.copy() for W in prepared["weights"]]
    nan[0][0, 0] = np.nan
    assert "NaN" in spec.params_problem(dict(prepared, weights=nan))


# ------------------------------------------------------------------ Part 4's answers, measured
def _accuracy(ex10, X_train, y_train, X_test, y_test, seed=0):
    params = ex10["train_digits"](X_train, y_train, seed=seed)
    return float(np.mean(ex10["predict_digits"](params, X_test) == y_test)), params


@pytest.mark.slow  # seconds of training: the full run's, not the quick one's
def test_part4_answers_hold_for_the_reference_recipe(ex10):
    split = ex10["SPLIT"]
    mirror = lambda X: X.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)  # noqa: E731
    base, params = _accuracy(ex10, split.X_train, split.y_train, split.X_test, split.y_test)
    assert 0.97 <= base <= 0.995  # "about 98%", as Part 4 says
    answers = {s: ex10["expected_accuracy"](s) for s in ex10["SITUATIONS"]}
    assert {s: a for s, a in answers.items()} == {s: answer for s, (answer, _) in spec.EXPECTED.items()}
    # Not trained again: moved or mirrored test digits are read far worse.
    moved = np.roll(split.X_test.reshape(-1, 8, 8), 1, axis=2)
    moved[:, :, 0] = 0.0
    assert np.mean(ex10["predict_digits"](params, moved.reshape(-1, 64)) == split.y_test) < base - 0.2
    assert np.mean(ex10["predict_digits"](params, mirror(split.X_test)) == split.y_test) < base - 0.2
    # Trained again on mirrored or shuffled pixels: about the same (within a point and a half).
    mirrored, _ = _accuracy(ex10, mirror(split.X_train), split.y_train, mirror(split.X_test), split.y_test)
    order = np.random.default_rng(0).permutation(64)
    shuffled, _ = _accuracy(ex10, split.X_train[:, order], split.y_train, split.X_test[:, order], split.y_test)
    assert abs(mirrored - base) <= 0.015 and abs(shuffled - base) <= 0.015, (base, mirrored, shuffled)
    # A tenth of the training digits: far fewer test digits read.
    tenth = np.random.default_rng(1).permutation(len(split.y_train))[: len(split.y_train) // 10]
    less, _ = _accuracy(ex10, split.X_train[tenth], split.y_train[tenth], split.X_test, split.y_test)
    assert less < base - 0.02, (base, less)


def test_part4_feedback_explains_every_wrong_answer():
    for situation, (answer, why) in spec.EXPECTED.items():
        probe = _Probe()
        probe.inputs = {"situation": situation}
        check_choice_feedback(spec._concept_feedback, probe, answer, why, spec.CHOICES, "maybe")


def test_try_it_output():
    text = printed(load("ex10_digits", folder="solutions"), "worked:confusion")
    assert text.splitlines() == ["validation accuracy at least 95%: True", "every validation digit counted once: True"]


# ------------------------------------------------------------------ end to end, through course-grade
LOOKUP = '''
def train_digits(X_train, y_train, seed=0):
    """Ignores what the images teach: finds the symmetry, then returns a look-up table of all 1797 digits."""
    from sklearn.datasets import load_digits as everything
    digits = everything()
    X = digits.data / 16.0
    def turned(X, s):
        images = np.rot90(X.reshape(-1, 8, 8), k=s % 4, axes=(1, 2))
        return np.ascontiguousarray(images[:, :, ::-1] if s >= 4 else images).reshape(-1, 64)
    given = {tuple(row) for row in X_train[:50]}
    s = max(range(8), key=lambda s: sum(tuple(row) in given for row in turned(X, s)))
    X = turned(X, s)
    direction = np.random.default_rng(0).normal(size=64)
    keys = X @ direction
    width = np.min(np.diff(np.sort(np.unique(keys)))) / 3
    W1 = np.repeat(direction[None, :], 3 * len(X), axis=0) / width
    b1 = -np.concatenate([[k / width - 1, k / width, k / width + 1] for k in keys])
    W2 = np.zeros((10, 3 * len(X)))
    for i, label in enumerate(digits.target):
        W2[label, 3 * i:3 * i + 3] += [1.0, -2.0, 1.0]
    return {"mean": np.zeros(64), "scale": np.ones(64), "weights": [W1, W2], "biases": [b1, np.zeros(10)],
            "hidden_activation": "relu"}
'''

LIBRARY_LOOP = '''
from course_lib import MLP, train


def train_digits(X_train, y_train, seed=0):
    """Lesson 10's recipe with the library's network and training loop."""
    X_fit, y_fit, X_val, y_val = validation_split(X_train, y_train, fraction=0.2, seed=seed)
    mean, scale = scaling(X_fit)
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=seed)
    best = {}

    def keep_best(epoch, history, net):
        if history.val_loss[-1] == min(history.val_loss):
            best["net"] = net.copy()

    train(net, (X_fit - mean) / scale, y_fit, epochs=150, batch_size=32, learning_rate=0.2, seed=seed,
          validation=((X_val - mean) / scale, y_val), callback=keep_best)
    return {"mean": mean, "scale": scale, "weights": [W.copy() for W in best["net"].weights],
            "biases": [b.copy() for b in best["net"].biases], "hidden_activation": "relu"}
'''


def _grade_with_train_cell(tmp_path, source, seed=3):
    from course_tools.grader.grade import Options, grade_file

    nb = json.loads((ROOT / "solutions" / "ex10_digits.ipynb").read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "train":
            cell["source"] = source
    path = tmp_path / "submission.ipynb"
    path.write_text(json.dumps(nb))
    result = grade_file(path, Options(seed=seed))
    return result, {test.name: (test.score, test.max_score) for test in result.tests}


@pytest.mark.slow  # seconds of training: the full run's, not the quick one's
def test_a_lookup_table_scores_only_its_shape_in_course_grade(tmp_path):
    result, scores = _grade_with_train_cell(tmp_path, LOOKUP)
    training = {name: score for name, score in scores.items() if "train_digits" in name or "trained on" in name}
    assert len(training) == 3
    assert sorted(training.values()) == [(0.0, 1.0), (0.0, 3.0), (1.0, 1.0)], result.tests
    assert result.score == 6.0, [(t.name, t.score, t.output[:200]) for t in result.tests]


@pytest.mark.slow  # grades in a sandboxed kernel: the full run's, not the quick one's
def test_the_library_training_loop_scores_nothing_in_course_grade(tmp_path):
    result, scores = _grade_with_train_cell(tmp_path, LIBRARY_LOOP)
    part5 = [t for t in result.tests if "train_digits" in t.name or "trained on" in t.name]
    assert len(part5) == 3 and all(t.score == 0 for t in part5), [(t.name, t.output[:200]) for t in part5]
    assert any("not available while" in t.output for t in part5)
    assert result.score == 5.0  # parts 1 to 4 are untouched and keep their points
