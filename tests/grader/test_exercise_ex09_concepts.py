"""Exercise 9, Part 3: the concept items (which epoch to keep, which data decide what).

The spec's random runs must have the lowest validation loss where it says, a training loss that
falls all along, and its feedback must name the usual mistakes; the notebook's answers and the
spec's must agree.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from course_tools.grader.specs import ex09_train_classifier as spec
from grader_fixtures import check_choice_feedback
from test_exercise_solutions import solution


@pytest.fixture(scope="module")
def ex09():
    return solution("ex09_train_classifier")


class _Probe:
    def __init__(self, **inputs):
        self.inputs, self.private = inputs, {}


def test_the_example_run_is_the_one_the_text_describes():
    train, val = spec.example_curves()
    assert len(train) == len(val) == 1000
    assert int(np.argmin(val)) + 1 == 15  # lowest validation loss at epoch 15
    assert np.all(np.diff(train) < 0)  # the training loss still falls at epoch 1000


@pytest.mark.parametrize("seed", range(20))
def test_random_runs_have_their_lowest_validation_loss_where_drawn(seed):
    rng = np.random.default_rng(seed)
    n_epochs = int(rng.integers(10, 400))
    best = int(rng.integers(3, n_epochs // 2 + 4)) if seed % 3 else n_epochs
    best = min(best, n_epochs)
    train, val = spec.random_curves(rng, n_epochs, best)
    assert len(train) == len(val) == n_epochs
    assert np.all(np.diff(train) < 0)
    order = np.argsort(val)
    assert order[0] + 1 == best and val[order[1]] - val[order[0]] >= 0.009  # one clear lowest point


def test_every_check_draws_a_run_that_still_improves_at_its_end():
    check = [c for c in spec.SPEC.checks if c.make_probes is spec.epochs_to_keep][0]
    probes = check.probes(np.random.default_rng(3))
    lasts = [int(np.argmin(p.inputs["val_losses"])) + 1 == len(p.inputs["val_losses"]) for p in probes]
    assert lasts.count(True) == 1


def test_the_reference_answers(ex09):
    train, val = spec.example_curves()
    assert ex09["epoch_to_keep"](train, val) == 15
    assert {d: ex09["judged_on"](d) for d in ex09["DECISIONS"]} == {d: a for d, (a, _) in spec.DECIDED_ON.items()}
    assert ex09["DATA"] == spec.DATA


def test_the_epoch_feedback_names_the_mistake():
    train, val = spec.random_curves(np.random.default_rng(0), 100, 30)
    probe = _Probe(train_losses=train, val_losses=val)
    assert spec._epoch_feedback(30, 30, probe) is None
    assert "training loss always falls" in spec._epoch_feedback(100, 30, probe)
    assert "one too early" in spec._epoch_feedback(29, 30, probe)
    assert "an int" in spec._epoch_feedback("30", 30, probe)
    assert "an int" in spec._epoch_feedback(True, 30, probe)
    assert "another epoch" in spec._epoch_feedback(50, 30, probe)


def test_the_data_feedback_explains_every_wrong_answer():
    for decision, (answer, why) in spec.DECIDED_ON.items():
        check_choice_feedback(spec._data_feedback, _Probe(decision=decision), answer, why, spec.DATA, "all of them")


def test_the_stuck_box_teaches_a_search_and_gives_no_configuration():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "solutions" / "src" / "ex09_train_classifier.py").read_text()
    start = text.index("<details><summary>Stuck?")
    box = text[start : text.index("</details>", start)]
    assert "How to search" in box and "FIT.X_val" in box
    for configuration in ("MLP(", "np.eye(3)", "net.step", "[2, 32", "batches of 32"):
        assert configuration not in box


@pytest.mark.parametrize(
    "order, words",
    [
        (lambda n: np.arange(n)[::-1], "reverse"),  # reversed: not shuffled
        (lambda n: np.roll(np.arange(n), 3), "reverse"),  # nearly sorted
        (lambda n: np.arange(n), "original order"),
    ],
)
def test_the_shuffle_check_judges_by_statistics_not_by_not_sorted(order, words):
    n, size = 100, 30
    indices = order(n)
    batches = [indices[start : start + size] for start in range(0, n, size)]
    probe = SimpleNamespace(inputs={"n": n, "size": size})
    assert words in spec._batches_problem(batches, None, probe)
    shuffled = np.random.default_rng(5).permutation(n)
    assert spec._batches_problem([shuffled[start : start + size] for start in range(0, n, size)], None, probe) is None
