"""Lesson 02's printed losses, recomputed with plain numpy written here.

Each worked example's inputs are restated from the lesson; the losses are
recomputed element by element (loops, not the library's vectorised code) and
the printed gradients with respect to z are also checked by centred differences.
"""

import math

import numpy as np
import pytest

from notebook_outputs import load, numbers, numbers_after, printed

NOTEBOOK = "02_loss_functions"


@pytest.fixture(scope="module")
def nb():
    return load(NOTEBOOK)


def rows_of_numbers(text):
    """The numbers of each line that starts with a number (a table's body)."""
    return [numbers(line) for line in text.splitlines() if line.strip()[:1].isdigit() or line.strip()[:1] == "-"]


def test_mean_squared_error(nb):
    text = printed(nb, "worked:mse")
    Y_hat = [[0.8, 0.1], [0.3, 0.6], [0.5, 0.5]]
    Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    squared = [[(p - t) ** 2 for p, t in zip(row_p, row_t)] for row_p, row_t in zip(Y_hat, Y)]
    mean_all = sum(map(sum, squared)) / 6
    per_sample = sum(sum(row) for row in squared) / 3
    assert numbers_after(text, "squared gaps =") == pytest.approx(np.ravel(squared), abs=5e-5)
    assert numbers_after(text, "MSE by hand") == pytest.approx([mean_all], abs=5e-7)
    assert numbers_after(text, "MSE course_lib") == pytest.approx([mean_all], abs=5e-7)
    assert numbers_after(text, "per-sample sum, then mean over samples =") == pytest.approx([per_sample], abs=5e-7)
    assert per_sample == pytest.approx(2 * mean_all)  # the lesson's "times the number of outputs"


def test_binary_cross_entropy(nb):
    text = printed(nb, "worked:bce")
    p, y = [0.9, 0.2, 0.6, 0.99], [1, 0, 0, 1]
    losses = [-math.log(pk) if yk == 1 else -math.log(1 - pk) for pk, yk in zip(p, y)]
    assert numbers_after(text, "per-sample loss =") == pytest.approx(losses, abs=5e-5)
    assert numbers_after(text, "BCE by hand") == pytest.approx([sum(losses) / 4], abs=5e-7)
    assert numbers_after(text, "BCE course_lib") == pytest.approx([sum(losses) / 4], abs=5e-7)
    assert max(range(4), key=losses.__getitem__) == 2  # "the third sample costs most"
    assert losses[2] == pytest.approx(0.92, abs=5e-3)


def test_categorical_cross_entropy_with_softmax(nb):
    text = printed(nb, "worked:ce")
    Z = [[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]
    labels = [0, 2]
    P = [[math.exp(z) / sum(math.exp(v) for v in row) for z in row] for row in Z]
    losses = [-math.log(P[i][labels[i]]) for i in range(2)]
    assert numbers_after(text, "P =") == pytest.approx(np.ravel(P), abs=5e-5)
    assert "softmax agrees with course_lib: True" in text
    assert numbers_after(text, "per-sample loss =") == pytest.approx(losses, abs=5e-5)
    assert numbers_after(text, "CE by hand") == pytest.approx([sum(losses) / 2], abs=5e-7)
    assert numbers_after(text, "CE course_lib") == pytest.approx([sum(losses) / 2], abs=5e-7)
    assert P[1][2] < 0.03  # "under 3% of the probability"


def test_confident_wrong_answer_table(nb):
    text = printed(nb, "worked:confident-wrong")
    rows = rows_of_numbers(text)
    assert [row[0] for row in rows] == [0.9, 0.5, 0.1, 0.01, 0.001]
    for p, squared, entropy in rows:
        assert squared == pytest.approx((1 - p) ** 2, abs=5e-5)
        assert entropy == pytest.approx(-math.log(p), abs=5e-5)
    # "each factor of 10 less probability on the truth adds log 10"
    for (_, _, a), (_, _, b) in zip(rows[2:], rows[3:]):
        assert b - a == pytest.approx(math.log(10), abs=1e-4)


def test_push_on_z_table(nb):
    text = printed(nb, "worked:dz")
    rows = rows_of_numbers(text)
    assert [row[0] for row in rows] == [-6.0, -3.0, 0.0, 3.0]

    def p_of(z):
        return 1 / (1 + math.exp(-z))

    def squared(z):
        return (p_of(z) - 1) ** 2

    def entropy(z):
        return -math.log(p_of(z))

    h = 1e-6
    for z, p, d_mse, d_bce in rows:
        assert p == pytest.approx(p_of(z), abs=5e-5)
        assert d_mse == pytest.approx(2 * (p_of(z) - 1) * p_of(z) * (1 - p_of(z)), abs=5e-5)
        assert d_bce == pytest.approx(p_of(z) - 1, abs=5e-5)
        # and both are the real derivatives, by centred differences
        assert d_mse == pytest.approx((squared(z + h) - squared(z - h)) / (2 * h), abs=5e-5)
        assert d_bce == pytest.approx((entropy(z + h) - entropy(z - h)) / (2 * h), abs=5e-5)
    assert rows[0][2] == pytest.approx(-0.0049, abs=5e-5) and rows[0][3] == pytest.approx(-0.9975, abs=5e-5)


def test_sigmoid_of_37_is_exactly_one(nb):
    text = printed(nb, "worked:log0")
    p = 1.0 / (1.0 + math.exp(-37.0))
    assert p == 1.0 and 1.0 / (1.0 + math.exp(-36.0)) < 1.0  # float64 rounding, not a library quirk
    assert "sigmoid(37) = 1.0, exactly 1.0: True" in text
    assert "-log(1 - p) = inf" in text
    assert numbers_after(text, "BCE from p, clipped at 1e-12 =") == pytest.approx([-math.log(1e-12)], abs=5e-5)
    # log(1 + e^z) - y z with y = 0, written out
    assert numbers_after(text, "BCE from z, no p formed      =") == pytest.approx(
        [math.log1p(math.exp(37.0))], abs=5e-5
    )


def test_loss_choice_training_runs(nb):
    text = printed(nb, "worked:loss-choice")
    xs, ys = [1.0, -1.0], [1.0, 0.0]
    for name, use_ce in (("squared error", False), ("cross-entropy", True)):
        w, b, right = -4.0, 0.0, []
        for _ in range(61):
            ps = [1.0 / (1.0 + math.exp(-(w * x + b))) for x in xs]
            right.append(sum(p if y == 1 else 1 - p for p, y in zip(ps, ys)) / 2)
            # derivative of the mean loss over the two samples, by the chain rule in scalars
            dz = [((p - y) if use_ce else 2 * (p - y) * p * (1 - p)) / 2 for p, y in zip(ps, ys)]
            w, b = w - sum(d * x for d, x in zip(dz, xs)), b - sum(dz)
        line = [l for l in text.splitlines() if l.strip().startswith(name)][0]
        shown = numbers(line.split("=", 1)[1])
        assert shown == pytest.approx([right[k] for k in (0, 10, 20, 40, 60)], abs=5e-5), name
        if use_ce:
            assert right[20] > 0.9
        else:
            assert right[30] < 0.5 < right[40]
