"""Recompute, in plain numpy, every number lesson 05's worked example prints."""

import numpy as np
import pytest

from notebook_outputs import load, numbers, numbers_after, printed, safely_rounded

PRINTED = 5e-9 * 1.001  # the lesson prints 8 decimals: half a unit in the last place


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
    r["step_W2"] = np.array([[r["signal_out"][k] * r["hidden"][j] for j in range(2)] for k in range(2)])
    r["step_b2"] = r["signal_out"]
    r["step_W1"] = np.array([[r["signal_hidden"][j] * x[i] for i in range(2)] for j in range(2)])
    r["step_b1"] = r["signal_hidden"]
    for name in ("W1", "b1", "W2", "b2"):
        r["new_" + name] = r[name] + eta * r["step_" + name]
    h_new = 1 / (1 + np.exp(-(r["new_W1"] @ x + r["new_b1"])))
    y_new = 1 / (1 + np.exp(-(r["new_W2"] @ h_new + r["new_b2"])))
    r["loss_after"] = np.mean((y_new - t) ** 2)
    return r


def check(text, label, expected):
    shown = numbers_after(text, label)
    np.testing.assert_allclose(shown, np.ravel(expected), rtol=0, atol=PRINTED, err_msg=label)


@pytest.mark.parametrize(
    "tag, names",
    [
        ("worked:forward", ["z_hidden", "hidden", "z_out", "output", "loss"]),
        ("worked:output-signals", ["error", "slope_out", "signal_out"]),
        ("worked:hidden-signals", ["from_outputs", "slope_hidden", "signal_hidden"]),
        ("worked:gradients", ["step_W2", "step_b2", "step_W1", "step_b1"]),
        ("worked:updates", ["new_W1", "new_b1", "new_W2", "new_b2"]),
    ],
)
def test_worked_example(notebook, hand, tag, names):
    text = printed(notebook, tag)
    for name in names:
        check(text, f"{name} ", hand[name])  # the space keeps "hidden" from matching "hidden_signals"


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


def test_the_recipe_is_the_librarys_back_propagation(notebook, hand):
    line = printed(notebook, "worked:backward").splitlines()[-1]
    assert line.startswith("recipe's steps against -dL/dW, -dL/db: max difference")
    assert numbers(line.split("max difference")[1]).tolist() == [0.0], line


def test_all_methods_agree(notebook, hand):
    text = printed(notebook, "worked:agreement")
    lines = [line for line in text.splitlines() if "max difference" in line]
    assert [line.split(":")[0].strip() for line in lines] == ["Value (autodiff)", "numerical"]
    for line in lines:
        assert numbers(line.split("max difference")[1]).tolist() == [0.0], line
    # The claim itself, checked here by centred differences of a loss written in this test.
    params = [hand[n].copy() for n in ("W1", "b1", "W2", "b2")]

    def loss():
        h = 1 / (1 + np.exp(-(params[0] @ hand["x"] + params[1])))
        y = 1 / (1 + np.exp(-(params[2] @ h + params[3])))
        return np.mean((y - hand["t"]) ** 2)

    for p, recipe in zip(params, [hand["step_W1"], hand["step_b1"], hand["step_W2"], hand["step_b2"]]):
        for index in np.ndindex(p.shape):
            keep = p[index]
            p[index] = keep + 1e-5
            up = loss()
            p[index] = keep - 1e-5
            down = loss()
            p[index] = keep
            assert abs(-(up - down) / 2e-5 - recipe[index]) < 5e-11  # what "0.0000000000" claims


def test_delta_convention(notebook, hand):
    text = printed(notebook, "worked:conventions")
    delta_out = (hand["output"] - hand["t"]) * hand["slope_out"]
    delta_hidden = (hand["W2"].T @ delta_out) * hand["slope_hidden"]
    check(text, "delta2 =", delta_out)
    check(text, "delta1 =", delta_hidden)
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


def test_hidden_signal_is_the_sum_of_two_paths(notebook, hand):
    text = printed(notebook, "worked:two-paths")
    # dL/dz_y = (y - t) y (1 - y) for L = mean over the 2 outputs = half the sum of squares
    dz_y = (hand["output"] - hand["t"]) * hand["output"] * (1 - hand["output"])
    slope_h1 = hand["hidden"][0] * (1 - hand["hidden"][0])
    paths = [dz_y[k] * hand["W2"][k, 0] * slope_h1 for k in range(2)]
    check(text, "dL/dz_y1, dL/dz_y2 from Value:", dz_y)
    check(text, "path through y1:", paths[0])
    check(text, "path through y2:", paths[1])
    for label in ("sum of the two paths:", "dL/dz_h1 from Value:", "minus the recipe's signal:"):
        check(text, label, sum(paths))
    assert sum(paths) == pytest.approx(-hand["signal_hidden"][0], rel=1e-12)


def test_hidden_signals_shrink(notebook, hand):
    ratios = [abs(o) / abs(h) for o in hand["signal_out"] for h in hand["signal_hidden"]]
    text = printed(notebook, "worked:shrink")
    assert numbers(text.split(":")[1]).tolist() == [round(min(ratios), 1), round(max(ratios), 1)] == [3.8, 15.8]


def weights_only_loss(W1, W2, hand):
    """The loss (mean over the two outputs) with the given weights and the ORIGINAL biases."""
    h = 1 / (1 + np.exp(-(np.asarray(W1) @ hand["x"] + hand["b1"])))
    y = 1 / (1 + np.exp(-(np.asarray(W2) @ h + hand["b2"])))
    return np.mean((y - hand["t"]) ** 2)


def test_loss_after_updating_weights_only(notebook, hand):
    value = weights_only_loss(hand["new_W1"], hand["new_W2"], hand)
    check(printed(notebook, "worked:weights-only"), "loss after, weights only =", value)
    assert safely_rounded(value, 9, 1e-12)
    assert f"{value:.9f}" == "0.291027774"
    assert "loss after, weights only = 0.291027774" in printed(notebook, "worked:weights-only")


def test_mazurs_published_loss_and_why_it_differs(notebook, hand):
    # The updated weights Mazur's post prints (w1+ ... w8+): the same as ours, to his digits.
    his_W1 = [[0.149780716, 0.19956143], [0.24975114, 0.29950229]]
    his_W2 = [[0.35891648, 0.408666186], [0.511301270, 0.561370121]]
    np.testing.assert_allclose(hand["new_W1"], his_W1, rtol=0, atol=5e-9)
    np.testing.assert_allclose(hand["new_W2"], his_W2, rtol=0, atol=5e-9)
    # "his own updated weights give it": fed forward, they give the lesson's value, not his 0.291027924.
    assert f"{weights_only_loss(his_W1, his_W2, hand):.9f}" == "0.291027774"
    # "what you get if step 7 uses the updated W^2": the hidden signals from new_W2 reproduce his figure.
    signal_hidden_late = (hand["new_W2"].T @ hand["signal_out"]) * hand["slope_hidden"]
    late_W1 = hand["W1"] + hand["eta"] * np.outer(signal_hidden_late, hand["x"])
    late = weights_only_loss(late_W1, hand["new_W2"], hand)
    assert f"{late:.9f}" == "0.291027924" and safely_rounded(late, 9, 1e-12)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "0.291027924" in prose


def test_softmax_output_signals_with_tanh_and_relu_hidden(notebook, hand):
    text = printed(notebook, "worked:other-units")
    t = np.array([0.0, 1.0])
    z_h = hand["z_hidden"]
    for kind, a_h, slope in [
        ("tanh", np.tanh(z_h), 1 - np.tanh(z_h) ** 2),
        ("relu", np.maximum(z_h, 0), (z_h > 0) * 1.0),
    ]:
        z = hand["W2"] @ a_h + hand["b2"]
        y = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        # cross-entropy's derivative by centred differences of -log softmax, an independent route to t - y
        dz = np.array(
            [
                (
                    -np.log(np.exp(z + e * 1e-6)[1] / np.exp(z + e * 1e-6).sum())
                    + np.log(np.exp(z - e * 1e-6)[1] / np.exp(z - e * 1e-6).sum())
                )
                / 2e-6
                for e in np.eye(2)
            ]
        )
        np.testing.assert_allclose(-dz, t - y, atol=1e-8)
        line = [l for l in text.splitlines() if l.strip().startswith(f"{kind} hidden")][0]
        out_part, hidden_part = line.split("signal_out =")[1].split(", signal_hidden =")
        np.testing.assert_allclose(numbers(out_part), t - y, atol=PRINTED)
        np.testing.assert_allclose(numbers(hidden_part), (hand["W2"].T @ (t - y)) * slope, atol=PRINTED)
    assert [numbers(l.split(":")[-1]).tolist() for l in text.splitlines() if "max difference" in l] == [[0.0], [0.0]]


def test_xor_training(notebook):
    text = printed(notebook, "worked:xor")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    T = np.array([[0.0], [1.0], [1.0], [0.0]])
    from course_lib import MLP  # only for the seeded starting weights

    start = MLP([2, 3, 1], "tanh", "sigmoid", "mse", seed=0)
    W1, b1, W2, b2 = (np.array(p, dtype=float) for p in start.parameters())
    losses = []
    for _ in range(301):  # the textbook delta form, written out here
        H = np.tanh(X @ W1.T + b1)
        Y = 1 / (1 + np.exp(-(H @ W2.T + b2)))
        losses.append(np.mean((Y - T) ** 2))
        outputs = Y[:, 0]  # after the last pass: the network of step 300
        d_out = 2 * (Y - T) / T.size * Y * (1 - Y)
        d_hid = (d_out @ W2) * (1 - H**2)
        W2, b2 = W2 - 2.0 * d_out.T @ H, b2 - 2.0 * d_out.sum(axis=0)
        W1, b1 = W1 - 2.0 * d_hid.T @ X, b1 - 2.0 * d_hid.sum(axis=0)
    shown = numbers_after(text, "loss at steps 0, 10, 30, 100, 300:")
    np.testing.assert_allclose(shown, [losses[k] for k in (0, 10, 30, 100, 300)], atol=5e-6 * 1.001)
    assert losses[30] > 0.2 and losses[300] < losses[0] / 100  # "stalls ... then falls a hundredfold"
    line = [l for l in text.splitlines() if l.startswith("outputs after 300 steps:")][0]
    assert "targets: 0 1 1 0" in line
    np.testing.assert_allclose(numbers(line.split(":")[1].split("targets")[0]), outputs, atol=5e-4 * 1.001)
    assert np.array_equal(np.round(outputs), T[:, 0])


def test_the_recipe_keeps_mccaffreys_step_numbers(notebook):
    # In McCaffrey's talks the output signal is step 5 and the hidden signal step 7; the lesson keeps his numbers.
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    recipe = next(source for source in cells if source.startswith("## The recipe in seven steps"))
    assert "McCaffrey" in recipe
    steps = dict(line.split(". ", 1) for line in recipe.splitlines() if line[:1].isdigit())
    assert list(steps) == [str(k) for k in range(1, 8)]
    assert steps["5"].startswith("Output signal") and steps["7"].startswith("Hidden signal")
    assert "weight delta" in steps["2"]
    headings = [source.splitlines()[0] for source in cells if source.startswith("## Step")]
    assert headings[:2] == ["## Step 5: output signals", "## Step 7: hidden signals, error flows backward"]
