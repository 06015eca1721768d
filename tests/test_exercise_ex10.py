"""Exercise 10 (digits): its solution against independent computations, and its spec's judgement.

The spec must keep the held-out digits out of the learner's kernel, deal them afresh
every grading run, and fail a network prepared in advance on upright digits.
"""
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits

from course_lib import MLP, train
from course_tools.grader import reference
from course_tools.grader.source import read_exercise
from course_tools.grader.specs import ex10_digits as spec
from notebook_outputs import load, printed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ex10():
    return dict(reference.namespace(read_exercise(ROOT / "solutions" / "src" / "ex10_digits.py")))


def params_of(net, mean, scale, activation="relu"):
    return {"mean": mean, "scale": scale, "weights": [W.copy() for W in net.weights],
            "biases": [b.copy() for b in net.biases], "hidden_activation": activation}


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


def test_predict_digits_is_the_graders_forward_pass(ex10):
    rng = np.random.default_rng(2)
    net = MLP([64, 12, 10], "tanh", "softmax", "cross_entropy", seed=2)
    params = params_of(net, rng.uniform(0, 1, 64), rng.uniform(0.1, 1, 64), "tanh")
    X = rng.uniform(0, 1, size=(30, 64))
    expected = net.predict((X - params["mean"]) / params["scale"])
    np.testing.assert_array_equal(ex10["predict_digits"](params, X), expected)
    np.testing.assert_array_equal(spec.grader_predict(params, X), expected)


def test_symmetries_are_the_eight_of_the_square():
    image = np.arange(64, dtype=float)[None, :]          # no symmetry of its own
    turned = {tuple(spec.turned(image, s)[0]) for s in range(8)}
    assert len(turned) == 8
    for s in range(8):
        assert sorted(spec.turned(image, s)[0]) == list(range(64))   # a permutation of the pixels
    grid = image.reshape(8, 8)
    np.testing.assert_array_equal(spec.turned(image, 4).reshape(8, 8), grid[:, ::-1])
    np.testing.assert_array_equal(spec.turned(image, 1).reshape(8, 8), np.rot90(grid))


def test_grader_split_deals_all_digits_once_and_keeps_the_held_out_ones():
    X_tr, y_tr, X_ho, y_ho = spec.grader_split(12345, 5)
    assert len(y_tr) + len(y_ho) == 1797 and len(y_ho) == 359
    digits = load_digits()
    everything = spec.turned(digits.data / 16.0, 5)
    together = np.concatenate([X_tr, X_ho])
    # Same multiset of (image, label) rows as all the digits, turned.
    key = lambda X, y: sorted(map(tuple, np.column_stack([X, y])))
    assert key(together, np.concatenate([y_tr, y_ho])) == key(everything, digits.target)
    again = spec.grader_split(12345, 5)
    np.testing.assert_array_equal(again[0], X_tr)
    assert not np.array_equal(spec.grader_split(54321, 5)[0], X_tr)
    # What the hidden check sends to the kernel: the training share and a seed, nothing else.
    check = [c for c in spec.SPEC.checks if c.make_probes is spec.train_grader_split][0]
    (probe,) = check.probes(np.random.default_rng(7))
    assert set(probe.inputs) == {"X", "y", "seed"}
    assert set(probe.private) == {"split_seed", "symmetry"}
    held_out = spec.grader_split(probe.private["split_seed"], probe.private["symmetry"])
    np.testing.assert_array_equal(probe.inputs["X"], held_out[0])
    sent = {tuple(row) for row in probe.inputs["X"]}
    assert not any(tuple(row) in sent for row in held_out[2])   # no held-out image reaches the kernel


@pytest.fixture(scope="module")
def prepared():
    """A network trained in advance on ALL 1797 upright digits (held-out ones included): a cheat."""
    digits = load_digits()
    X = digits.data / 16.0
    mean, scale = X.mean(axis=0), X.std(axis=0) + 0.1
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    train(net, (X - mean) / scale, digits.target, epochs=30, batch_size=32, learning_rate=0.05, seed=0)
    return params_of(net, mean, scale)


def test_a_prepared_network_fails_turned_held_out_digits(prepared):
    for symmetry in range(1, 8):
        problem = spec._grader_split_problem(prepared, None, _Probe(split_seed=99, symmetry=symmetry))
        assert problem is not None and "needs at least 95%" in problem, symmetry
    # Upright, it would pass (it has seen every digit): the symmetry is what makes the check fair.
    assert spec._grader_split_problem(prepared, None, _Probe(split_seed=99, symmetry=0)) is None


def test_the_solution_passes_every_symmetry(ex10):
    for symmetry in (0, 3, 6):
        X_tr, y_tr, X_ho, y_ho = spec.grader_split(2024 + symmetry, symmetry)
        params = ex10["train_digits"](X_tr, y_tr, seed=symmetry)
        assert spec.held_out_problem(params, X_ho, y_ho, "held-out") is None, symmetry


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


def test_try_it_output():
    text = printed(load("ex10_digits", folder="solutions"), "worked:confusion")
    assert text.splitlines() == ["held-out accuracy at least 95%: True", "every held-out digit counted once: True"]


class _Probe:
    def __init__(self, **private):
        self.private, self.inputs = private, {}


# ------------------------------------------------------------------ end to end, through course-grade
PREPARED = '''
def train_digits(X_train, y_train, seed=0):
    """Ignores the images it is given: a network prepared on all 1797 upright digits."""
    from sklearn.datasets import load_digits as everything
    digits = everything()
    X = digits.data / 16.0
    mean, scale = scaling(X)
    net = MLP([64, 64, 10], "relu", "softmax", "cross_entropy", seed=0)
    train(net, (X - mean) / scale, digits.target, epochs=30, batch_size=32, learning_rate=0.05, seed=0)
    return {"mean": mean, "scale": scale, "weights": [W.copy() for W in net.weights],
            "biases": [b.copy() for b in net.biases], "hidden_activation": "relu"}
'''


def symmetry_drawn(seed: int) -> int:
    """The symmetry the hidden check draws when grading with --seed ``seed`` (the checks' draws, replayed)."""
    rng = np.random.default_rng(seed)
    for check in spec.SPEC.checks:
        for probe in check.probes(rng):
            if "symmetry" in probe.private:
                return probe.private["symmetry"]
    raise LookupError("no check drew a symmetry")


def test_a_prepared_network_loses_the_held_out_points_in_course_grade(tmp_path):
    import json

    from course_tools.grader.grade import Options, grade_file

    seed = next(s for s in range(100) if symmetry_drawn(s) != 0)

    nb = json.loads((ROOT / "solutions" / "ex10_digits.ipynb").read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "train":
            cell["source"] = PREPARED
    path = tmp_path / "submission.ipynb"
    path.write_text(json.dumps(nb))
    result = grade_file(path, Options(seed=seed))
    scores = {test.name: (test.score, test.max_score) for test in result.tests}
    hidden = [name for name in scores if name.startswith("trained on the grader's share")]
    assert len(hidden) == 1
    # The seed draws a turned symmetry (not the upright one), so the prepared network fails there...
    assert scores[hidden[0]] == (0.0, 3.0), result.tests
    # ...while everything it does honestly still scores: parts 1 and 2, and the notebook's own split.
    assert result.score == 7.0, [(t.name, t.score, t.output[:200]) for t in result.tests]
