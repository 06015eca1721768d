"""Recompute, in plain numpy, every number lesson 05's worked example prints."""
import numpy as np
import pytest

from notebook_outputs import load, numbers, numbers_after, printed

PRINTED = 5e-9 * 1.001        # the lesson prints 8 decimals: half a unit in the last place


@pytest.fixture(scope="module")
def notebook():
    return load("05_signals")


@pytest.fixture(scope="module")
def hand():
    """The whole worked example, from the lesson's stated inputs, written out independently."""
    W1, b1 = np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([0.35, 0.35])
    W2, b2 = np.array([[0.40, 0.45], [0.50, 0.55]]), np.array([0.60, 0.60])
    x, t, eta = np.array([0.05, 0.10]), np.array([0.01, 0.99]), 0.5
    r = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "x": x, "t": t, "eta": eta}
    r["z_hidden"] = np.array([W1[j, 0] * x[0] + W1[j, 1] * x[1] + b1[j] for j in range(2)])
    r["hidden"] = 1 / (1 + np.exp(-r["z_hidden"]))
    r["z_out"] = np.array([W2[k, 0] * r["hidden"][0] + W2[k, 1] * r["hidden"][1] + b2[k] for k in range(2)])
    r["output"] = 1 / (1 + np.exp(-r["z_out"]))
    r["loss"] = ((r["output"][0] - t[0]) ** 2 + (r["output"][1] - t[1]) ** 2) / 2
    r["error"] = t - r["output"]
    r["slope_out"] = r["output"] * (1 - r["output"])
    r["signal_out"] = r["error"] * r["slope_out"]
    r["from_outputs"] = np.array([sum(r["signal_out"][k] * W2[k, j] for k in range(2)) for j in range(2)])
    r["slope_hidden"] = r["hidden"] * (1 - r["hidden"])
    r["signal_hidden"] = r["from_outputs"] * r["slope_hidden"]
    r["grad_W2"] = np.array([[r["signal_out"][k] * r["hidden"][j] for j in range(2)] for k in range(2)])
    r["grad_b2"] = r["signal_out"]
    r["grad_W1"] = np.array([[r["signal_hidden"][j] * x[i] for i in range(2)] for j in range(2)])
    r["grad_b1"] = r["signal_hidden"]
    for name in ("W1", "b1", "W2", "b2"):
        r["new_" + name] = r[name] + eta * r["grad_" + name]
    h_new = 1 / (1 + np.exp(-(r["new_W1"] @ x + r["new_b1"])))
    y_new = 1 / (1 + np.exp(-(r["new_W2"] @ h_new + r["new_b2"])))
    r["loss_after"] = np.mean((y_new - t) ** 2)
    return r


def check(text, label, expected):
    shown = numbers_after(text, label)
    np.testing.assert_allclose(shown, np.ravel(expected), rtol=0, atol=PRINTED, err_msg=label)


@pytest.mark.parametrize("tag, names", [
    ("worked:forward", ["z_hidden", "hidden", "z_out", "output", "loss"]),
    ("worked:output-signals", ["error", "slope_out", "signal_out"]),
    ("worked:hidden-signals", ["from_outputs", "slope_hidden", "signal_hidden"]),
    ("worked:gradients", ["grad_W2", "grad_b2", "grad_W1", "grad_b1"]),
    ("worked:updates", ["new_W1", "new_b1", "new_W2", "new_b2"]),
])
def test_worked_example(notebook, hand, tag, names):
    text = printed(notebook, tag)
    for name in names:
        check(text, f"{name} ", hand[name])   # the space keeps "hidden" from matching "hidden_signals"


def test_known_textbook_values(hand):
    # Values widely published for this example, to 8 decimals: an outside check of the set-up.
    assert round(hand["output"][0], 8) == 0.75136507
    assert round(hand["loss"], 8) == 0.29837111
    assert round(hand["new_W2"][0, 0], 8) == 0.35891648
    assert round(hand["new_W1"][0, 0], 8) == 0.14978072


def test_loss_before_and_after(notebook, hand):
    text = printed(notebook, "worked:updates")
    check(text, "loss before", hand["loss"])
    check(text, "loss after", hand["loss_after"])
    assert hand["loss_after"] < hand["loss"]


def test_all_methods_agree(notebook, hand):
    text = printed(notebook, "worked:agreement")
    lines = [line for line in text.splitlines() if "max difference" in line]
    assert len(lines) == 3
    for line in lines:
        assert numbers(line.split("max difference")[1]).tolist() == [0.0], line
    # The claim itself, checked here by centred differences of a loss written in this test.
    params = [hand[n].copy() for n in ("W1", "b1", "W2", "b2")]

    def loss():
        h = 1 / (1 + np.exp(-(params[0] @ hand["x"] + params[1])))
        y = 1 / (1 + np.exp(-(params[2] @ h + params[3])))
        return np.mean((y - hand["t"]) ** 2)

    for p, recipe in zip(params, [hand["grad_W1"], hand["grad_b1"], hand["grad_W2"], hand["grad_b2"]]):
        for index in np.ndindex(p.shape):
            keep = p[index]
            p[index] = keep + 1e-5
            up = loss()
            p[index] = keep - 1e-5
            down = loss()
            p[index] = keep
            assert abs(-(up - down) / 2e-5 - recipe[index]) < 5e-11   # what "0.0000000000" claims


def test_delta_convention(notebook, hand):
    text = printed(notebook, "worked:conventions")
    delta_out = (hand["output"] - hand["t"]) * hand["slope_out"]
    delta_hidden = (hand["W2"].T @ delta_out) * hand["slope_hidden"]
    check(text, "delta_out", delta_out)
    check(text, "delta_hidden", delta_hidden)
    check(text, "W1 by", hand["W1"] - hand["eta"] * np.outer(delta_hidden, hand["x"]))
    check(text, "W2 by", hand["W2"] - hand["eta"] * np.outer(delta_out, hand["hidden"]))
    np.testing.assert_allclose(delta_out, -hand["signal_out"], rtol=1e-15)
    assert numbers(text.splitlines()[-1].split(":")[-1]).tolist() == [0.0]


def test_library_signals_and_recipe_step(notebook, hand):
    text = printed(notebook, "worked:backward")
    check(text, "grads.signals[1] =", hand["signal_out"])
    check(text, "grads.signals[0] =", hand["signal_hidden"])
    text = printed(notebook, "worked:recipe-step")
    check(text, "output signals:", hand["signal_out"])
    check(text, "hidden signals:", hand["signal_hidden"])
    assert numbers(text.splitlines()[-1].split(":")[-1]).tolist() == [0.0]
    text = printed(notebook, "worked:net-step")
    assert numbers(text.split(":")[-1]).tolist() == [0.0]


def test_batch_scaling(notebook):
    text = printed(notebook, "worked:batch")
    n, k = 4, 2
    np.testing.assert_array_equal(numbers_after(text, "library signals"), np.full(n * k, 2 / (n * k)))
    assert numbers_after(text, "expected factor 2 / (n k) =").tolist() == [2 / (n * k)]
