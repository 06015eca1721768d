"""Losses: values by hand, gradients against centred differences, log(0) never reached."""

import warnings

import numpy as np
import pytest

from course_lib import LOSS_NAMES, ShapeError, UnknownNameError, binary_cross_entropy, cross_entropy, get_loss, mse
from course_lib.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(3)
PROBS = RNG.uniform(0.05, 0.95, size=(4, 3))
BINARY = RNG.integers(0, 2, size=(4, 3)).astype(float)
ROWS = np.exp(RNG.normal(size=(4, 3)))
ROWS /= ROWS.sum(axis=1, keepdims=True)
ONE_HOT = np.eye(3)[[0, 2, 1, 2]]


def test_each_name_finds_the_loss_of_that_name():
    for name in LOSS_NAMES:
        assert get_loss(name).name == name
        assert get_loss(get_loss(name)) is get_loss(name)


def test_mse_is_the_mean_over_every_element():
    Y_hat = np.array([[1.0, 2.0], [3.0, 5.0]])
    Y = np.array([[0.0, 2.0], [3.0, 1.0]])
    assert get_loss("mse")(Y_hat, Y) == pytest.approx((1 + 0 + 0 + 16) / 4)


def test_binary_cross_entropy_by_hand():
    p, y = np.array([[0.9], [0.2]]), np.array([[1.0], [1.0]])
    assert get_loss("binary_cross_entropy")(p, y) == pytest.approx(-(np.log(0.9) + np.log(0.2)) / 2)


def test_cross_entropy_is_the_mean_over_samples():
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    Y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert get_loss("cross_entropy")(P, Y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)


@pytest.mark.parametrize(
    "name, Y_hat, Y",
    [("mse", PROBS, BINARY), ("binary_cross_entropy", PROBS, BINARY), ("cross_entropy", ROWS, ONE_HOT)],
)
def test_gradient_matches_centred_differences(name, Y_hat, Y):
    loss = get_loss(name)
    numeric = numerical_gradient(lambda v: loss(v, Y), Y_hat.copy())
    assert relative_error(loss.gradient(Y_hat, Y), numeric) < 1e-7


def test_from_logits_forms_agree_with_probabilities():
    from course_lib import get_activation

    Z = RNG.normal(size=(4, 3))
    bce, ce = get_loss("binary_cross_entropy"), get_loss("cross_entropy")
    P = get_activation("sigmoid")(Z)
    assert bce.from_logits(Z, BINARY) == pytest.approx(bce(P, BINARY), rel=1e-12)
    S = get_activation("softmax")(Z)
    assert ce.from_logits(Z, ONE_HOT) == pytest.approx(ce(S, ONE_HOT), rel=1e-12)
    # The fused gradient is the chain rule through the activation, done on paper.
    numeric = numerical_gradient(lambda v: ce.from_logits(v, ONE_HOT), Z.copy())
    assert relative_error(ce.gradient_from_logits(S, ONE_HOT), numeric) < 1e-7
    numeric = numerical_gradient(lambda v: bce.from_logits(v, BINARY), Z.copy())
    assert relative_error(bce.gradient_from_logits(P, BINARY), numeric) < 1e-7


def test_log_of_zero_is_never_reached():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            bce = get_loss("binary_cross_entropy")
            ce = get_loss("cross_entropy")
            assert np.isfinite(bce(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))
            assert np.isfinite(ce(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))
            assert np.all(np.isfinite(ce.gradient(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))))
            # From logits the loss stays exact far beyond where probabilities round to 0 or 1.
            assert bce.from_logits(np.array([[-1000.0]]), np.array([[1.0]])) == pytest.approx(1000.0)
            assert ce.from_logits(np.array([[1000.0, 0.0, -1000.0]]), np.array([[0.0, 0.0, 1.0]])) == pytest.approx(
                2000.0
            )


@pytest.mark.parametrize("loss", [mse, binary_cross_entropy, cross_entropy])
def test_shape_mismatch_names_both_shapes(loss):
    # The functions are where a learner's arrays enter; the Loss objects hold only the math.
    with pytest.raises(ShapeError, match=r"\(4, 3\).*\(4, 2\)"):
        loss(np.zeros((4, 3)), np.zeros((4, 2)))
    assert loss([[0.5, 0.5]], [[0.0, 1.0]]) > 0  # lists are taken as arrays


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(UnknownNameError, match="'mse', 'binary_cross_entropy', 'cross_entropy'"):
        get_loss("crossentropy")


def test_binary_cross_entropy_gradient_at_exact_0_and_1_in_float32():
    P = np.array([[1.0], [0.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grad = get_loss("binary_cross_entropy").gradient(P, P.copy())
    assert np.all(np.isfinite(grad))
