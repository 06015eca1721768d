"""Exercises 9 and 10 keep lesson 9's discipline: choices on a validation split carved from the
training data, the test split read once, by the graded test cell.

The try-it cells now measure validation points; their printed statements are recomputed here
with a forward pass written out in numpy, on splits redone here.
"""

import numpy as np
import pytest

from course_lib.data import spirals
from notebook_outputs import load, printed
from test_exercise_solutions import solution

TRY_IT = {"ex09_train_classifier": "worked:held-out", "ex10_digits": "worked:confusion"}


def scores(params, X, standardise=False):
    """Class scores by hand: hidden activation after every layer but the last, then the argmax."""
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[params["hidden_activation"]]
    a = (X - params["mean"]) / params["scale"] if standardise else X
    for W, b in zip(params["weights"][:-1], params["biases"][:-1]):
        a = f(a @ W.T + b)
    return np.argmax(a @ params["weights"][-1].T + params["biases"][-1], axis=1)


@pytest.mark.parametrize(
    "exercise, train_size, val_size", [("ex09_train_classifier", 360, 90), ("ex10_digits", 1151, 287)]
)
def test_validation_points_come_from_the_training_split_only(exercise, train_size, val_size):
    names = solution(exercise)
    split, fit = names["SPLIT"], names["FIT"]
    assert len(fit.y_train) == train_size and len(fit.y_val) == val_size

    def rows(X):
        return {tuple(row) for row in X}

    assert rows(fit.X_train) | rows(fit.X_val) == rows(split.X_train)
    assert not rows(fit.X_val) & rows(split.X_test) and not rows(fit.X_train) & rows(fit.X_val)


@pytest.mark.parametrize("exercise", sorted(TRY_IT))
def test_only_the_graded_test_cell_reads_the_test_labels(exercise):
    cells = [cell for cell in load(exercise, folder="solutions").cells if cell.cell_type == "code"]
    readers = [cell for cell in cells if "SPLIT.y_test" in cell.source]
    assert len(readers) == 1 and readers[0].metadata["nbgrader"]["grade_id"] == "train_tests"
    try_it = [cell for cell in cells if TRY_IT[exercise] in cell.metadata.get("tags", [])]
    assert len(try_it) == 1 and "SPLIT" not in try_it[0].source and "FIT.X_val" in try_it[0].source


def test_ex09_try_it_measures_validation_points():
    names = solution("ex09_train_classifier")
    fit = names["FIT"]
    params = names["train_classifier"](fit.X_train, fit.y_train, seed=1)
    lines = printed(load("ex09_train_classifier", folder="solutions"), "worked:held-out").strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "training accuracy at least 90%",
        "validation accuracy at least 90%",
    ]
    expected = [
        np.mean(scores(params, fit.X_train) == fit.y_train) >= 0.9,
        np.mean(scores(params, fit.X_val) == fit.y_val) >= 0.9,
    ]
    assert [line.rsplit(":", 1)[1].strip() == "True" for line in lines] == expected == [True, True]


def test_ex10_try_it_measures_validation_digits_and_the_solution_stops_early():
    names = solution("ex10_digits")
    fit = names["FIT"]
    params = names["train_digits"](fit.X_train, fit.y_train, seed=1)
    guesses = scores(params, fit.X_val, standardise=True)
    lines = printed(load("ex10_digits", folder="solutions"), "worked:confusion").strip().splitlines()
    assert lines == ["validation accuracy at least 95%: True", "every validation digit counted once: True"]
    assert np.mean(guesses == fit.y_val) >= 0.95
    # The reference solution standardises with its own training part only (its validation images carved out).
    X_fit = names["validation_split"](fit.X_train, fit.y_train, fraction=0.2, seed=1).X_train
    np.testing.assert_allclose(params["mean"], X_fit.mean(axis=0), rtol=1e-12)


def test_ex09_reference_still_generalises_on_fresh_spirals():
    names = solution("ex09_train_classifier")
    fit = names["FIT"]
    params = names["train_classifier"](fit.X_train, fit.y_train, seed=0)
    X_new, y_new = spirals(n_samples=900, noise=0.3, seed=5)
    assert np.mean(scores(params, X_new) == y_new) >= 0.9
