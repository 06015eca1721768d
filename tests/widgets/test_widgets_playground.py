"""The training playground, driven headlessly: every control, the numbers behind the picture, and bad input.

The reference for every run is a plain training loop written out here (or ``course_lib.train``):
the playground's weights after N epochs must equal it exactly.
"""

import asyncio
import html
import io
import re
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
from own_loop import run_in_own_loop
from PIL import Image

from course_lib import READING_PATH, MLP, CourseError, NonFiniteError, ShapeError, UnknownNameError, train
from course_lib.playground_data import playground_data, split_indices
from course_lib.widgets.base import LessonWidget
from course_lib.widgets.playground import CONTROL_NAMES, Playground, playground
from course_lib.widgets.playground_draw import HEIGHT, OUT_SIZE, OUT_X, OUT_Y, WIDTH
from course_lib.widgets.playground_model import PlaygroundModel

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(pg) -> np.ndarray:
    data = bytes(pg.image.value)
    assert data.startswith(PNG_SIGNATURE)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def features_by_hand(X, names):
    table = {
        "x1": X[:, 0],
        "x2": X[:, 1],
        "x1^2": X[:, 0] * X[:, 0],
        "x2^2": X[:, 1] * X[:, 1],
        "x1*x2": X[:, 0] * X[:, 1],
        "sin(x1)": np.sin(X[:, 0]),
        "sin(x2)": np.sin(X[:, 1]),
    }
    return np.column_stack([table[n] for n in names])


def plain_run(settings, epochs, X_raw=None, labels=None, schedule=None):
    """The run a playground with ``settings`` does, written as a plain MLP loop; returns (net, X_train, y_train).

    ``schedule``: a list of (epochs, learning_rate) to change the rate mid-run.
    """
    s = dict(
        dataset="circle",
        n_samples=400,
        noise=0.0,
        classes=2,
        train_ratio=50.0,
        batch_size=10,
        features=("x1", "x2"),
        hidden=(4, 2),
        activation="tanh",
        learning_rate=0.03,
        regularization="none",
        regularization_rate=0.0,
        data_seed=0,
        init_seed=0,
        shuffle_seed=0,
    )
    s.update(settings)
    if X_raw is None:
        X_raw, labels = playground_data(s["dataset"], s["n_samples"], s["noise"], s["classes"], s["data_seed"])
    n = len(labels)
    n_train = min(max(int(round(n * s["train_ratio"] / 100)), 1), n)
    train_idx = np.sort(np.random.default_rng(s["data_seed"]).permutation(n)[:n_train])
    X_train = features_by_hand(X_raw, s["features"])[train_idx]
    y_train = labels[train_idx]
    regression = labels.dtype.kind == "f"
    k = 1 if regression else int(labels.max()) + 1
    out = (
        ("identity", "mse")
        if regression
        else ("sigmoid", "binary_cross_entropy")
        if k == 2
        else ("softmax", "cross_entropy")
    )
    act = {"linear": "identity"}.get(s["activation"], s["activation"])
    net = MLP([len(s["features"]), *s["hidden"], 1 if k <= 2 else k], act, out[0], out[1], seed=s["init_seed"])
    rng = np.random.default_rng(s["shuffle_seed"])
    for count, lr in schedule or [(epochs, s["learning_rate"])]:
        for _ in range(count):
            order = rng.permutation(len(X_train))
            for start in range(0, len(X_train), s["batch_size"]):
                batch = order[start : start + s["batch_size"]]
                grads = net.backward(X_train[batch], y_train[batch])
                for W, g in zip(net.weights, grads.weights):
                    if s["regularization"] == "L2":
                        g += s["regularization_rate"] * W
                    elif s["regularization"] == "L1":
                        g += s["regularization_rate"] * np.sign(W)
                net.step(grads, lr)
    return net, X_train, y_train


def same_weights(net_a, net_b):
    for a, b in zip(net_a.parameters(), net_b.parameters()):
        np.testing.assert_array_equal(a, b)


def play(pg, ticks):
    """Press play and let the browser's Play widget send ``ticks`` ticks."""
    pg.controls["play"].playing = True
    for _ in range(ticks):
        pg.controls["play"].value += 1


@pytest.fixture
def pg():
    return playground()


# ----------------------------------------------------------------- structure
def test_structure_and_first_picture(pg):
    assert isinstance(pg, LessonWidget) and isinstance(pg, Playground)
    assert tuple(pg.controls) == CONTROL_NAMES
    assert isinstance(pg.controls["play"], widgets.Play)
    assert isinstance(pg.controls["learning_rate"], widgets.FloatLogSlider)
    # Sliders answer while dragged (text boxes when the typing is done): no release needed to see a change.
    for name, control in pg.controls.items():
        if isinstance(control, (widgets.IntSlider, widgets.FloatLogSlider)):
            assert control.continuous_update, name
    assert picture(pg).shape == (HEIGHT, WIDTH, 3)
    assert pg.model.epoch == 0 and "epoch <span data-name='epoch'>0</span>" in pg.readout.value
    assert pg.net.sizes == [2, 4, 2, 1] and pg.net.output_activation.name == "sigmoid"
    # The readout's loss is the network's loss on the training data.
    shown = float(pg.readout.value.split("data-name='train-loss'>")[1].split("<")[0])
    assert shown == pytest.approx(pg.net.loss(pg.model.X_train, pg.model.y_train), abs=5.1e-5)
    # The slider range is 1e-5 .. 10, to within one 0.01-decade step, and its grid runs through the default.
    slider = pg.controls["learning_rate"]
    assert 10**-5.01 <= 10**slider.min <= 1e-5 and 10 <= 10**slider.max <= 10**1.01
    assert slider.value == 0.03


# ----------------------------------------------------------------- training equals a plain loop
def test_play_equals_course_lib_train(pg):
    play(pg, 12)
    assert pg.model.epoch == 12
    reference = MLP([2, 4, 2, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=0)
    train(reference, pg.model.X_train, pg.model.y_train, epochs=12, batch_size=10, learning_rate=0.03, seed=0)
    same_weights(pg.net, reference)
    net, X_train, y_train = plain_run({}, 12)
    same_weights(pg.net, net)
    np.testing.assert_array_equal(pg.model.X_train, X_train)


@pytest.mark.parametrize(
    "settings",
    [
        dict(regularization="L2", regularization_rate=0.01, activation="relu", init_seed=1),
        dict(regularization="L1", regularization_rate=0.003, activation="sigmoid", batch_size=7),
        dict(
            dataset="spiral", classes=3, hidden=(8, 6), features=("x1", "x2", "sin(x1)", "sin(x2)"), learning_rate=0.1
        ),
        dict(dataset="gauss", classes=4, hidden=(), noise=30.0, train_ratio=70.0),
        dict(dataset="xor", activation="linear", features=("x1", "x2", "x1*x2"), batch_size=1, learning_rate=0.001),
        dict(dataset="plane", noise=20.0, hidden=(3,)),
        dict(
            dataset="bumps",
            hidden=(8, 4),
            features=("x1", "x2", "sin(x1)", "sin(x2)"),
            regularization="L2",
            regularization_rate=0.001,
        ),
    ],
)
def test_step_button_equals_plain_loop(settings):
    pg = playground(**settings)
    for _ in range(5):
        pg.controls["step"].click()
    net, _, _ = plain_run(settings, 5)
    same_weights(pg.net, net)
    assert pg.settings["hidden"] == list(settings.get("hidden", (4, 2)))


def test_learning_rate_and_batch_size_change_the_run_without_reset(pg):
    play(pg, 3)
    pg.controls["learning_rate"].value = 0.3
    assert pg.model.epoch == 3 and pg.model.settings.learning_rate == 0.3
    play(pg, 4)
    net, _, _ = plain_run({}, 7, schedule=[(3, 0.03), (4, 0.3)])
    same_weights(pg.net, net)
    assert "learning-rate'>0.3<" in pg.readout.value
    pg.controls["batch_size"].value = 25
    assert pg.model.settings.batch_size == 25 and pg.model.epoch == 7


def test_reset_restores_the_same_weights_and_new_weights_changes_them(pg):
    start = [p.copy() for p in pg.net.parameters()]
    play(pg, 5)
    assert not np.array_equal(pg.net.weights[0], start[0])
    pg.controls["reset"].click()
    assert pg.model.epoch == 0 and len(pg.model.history.train_loss) == 1
    for p, q in zip(pg.net.parameters(), start):
        np.testing.assert_array_equal(p, q)
    # Two runs from the same weights differ only in what was changed: the same setting gives the same run.
    play(pg, 5)
    first = [p.copy() for p in pg.net.parameters()]
    pg.controls["reset"].click()
    play(pg, 5)
    for p, q in zip(pg.net.parameters(), first):
        np.testing.assert_array_equal(p, q)
    pg.controls["new_weights"].click()
    assert pg.settings["init_seed"] == 1 and pg.model.epoch == 0
    assert not np.array_equal(pg.net.weights[0], start[0])
    np.testing.assert_array_equal(pg.net.weights[0], MLP([2, 4, 2, 1], seed=1).weights[0])


def test_history_and_gradient_norms_follow_the_plain_loop(pg):
    play(pg, 4)
    h = pg.model.history
    assert len(h.train_loss) == len(h.test_loss) == 5 and len(h.grad_norms) == 4
    # Recompute epoch 1's gradient norms: the mean over its batches of each layer's ||dL/dW||.
    net = MLP([2, 4, 2, 1], "tanh", "sigmoid", "binary_cross_entropy", seed=0)
    X, y = pg.model.X_train, pg.model.y_train
    order = np.random.default_rng(0).permutation(len(X))
    sums = np.zeros(3)
    for start in range(0, len(X), 10):
        grads = net.backward(X[order[start : start + 10]], y[order[start : start + 10]])
        sums += [np.linalg.norm(g) for g in grads.weights]
        net.step(grads, 0.03)
    np.testing.assert_allclose(h.grad_norms[0], sums / 20, rtol=1e-12)
    assert h.train_loss[1] == pytest.approx(net.loss(X, y), rel=1e-12)
    assert h.test_loss[1] == pytest.approx(net.loss(pg.model.X_test, pg.model.y_test), rel=1e-12)


def test_dead_relus_show_as_zero_gradients_and_are_named(pg):
    pg.controls["activation"].value = "relu"  # with seed 0 the second hidden layer starts dead
    play(pg, 3)
    norms = np.array(pg.model.history.grad_norms)
    assert np.all(norms == 0)
    assert "dead ReLUs: 2 of 6" in pg.readout.value
    pg.controls["new_weights"].click()
    play(pg, 3)
    assert np.all(np.array(pg.model.history.grad_norms) > 0) and "dead ReLUs" not in pg.readout.value


# ----------------------------------------------------------------- every other control
def test_architecture_controls_rebuild_the_network(pg):
    play(pg, 2)
    pg.controls["activation"].value = "sigmoid"
    assert pg.net.hidden_activation.name == "sigmoid" and pg.model.epoch == 0
    pg.controls["hidden"].value = "3, 5, 2"
    assert pg.net.sizes == [2, 3, 5, 2, 1]
    pg.controls["features"].value = ("x1", "x2", "x1^2", "x2^2")
    assert pg.net.sizes[0] == 4
    np.testing.assert_allclose(pg.model.X_train[:, 2], pg.model.X_raw[pg.model.train, 0] ** 2)
    # The toggles and the value agree both ways.
    pg.controls["features"].toggles["x1*x2"].value = True
    assert pg.controls["features"].value == ("x1", "x2", "x1^2", "x2^2", "x1*x2") and pg.net.sizes[0] == 5
    pg.controls["hidden"].value = ""
    assert pg.net.sizes == [5, 1]  # no hidden layer: logistic regression


def test_data_controls(pg):
    before = picture(pg)
    pg.controls["dataset"].value = "spiral"
    X, y = playground_data("spiral", 400, 0.0, 2, 0)
    np.testing.assert_array_equal(pg.model.X_raw, X)
    assert pg.controls["classes"].disabled is False
    pg.controls["classes"].value = 3
    assert pg.model.n_classes == 3 and pg.net.sizes[-1] == 3 and pg.net.output_activation.name == "softmax"
    assert not np.array_equal(picture(pg), before)
    pg.controls["noise"].value = 25
    np.testing.assert_array_equal(pg.model.X_raw, playground_data("spiral", 400, 25, 3, 0)[0])
    pg.controls["train_ratio"].value = 80
    assert len(pg.model.train) == 320 and len(pg.model.test) == 80
    assert pg.controls["sample"].max == 319
    pg.controls["regenerate"].click()
    assert pg.settings["data_seed"] == 1
    np.testing.assert_array_equal(pg.model.X_raw, playground_data("spiral", 400, 25, 3, 1)[0])
    train_idx, _ = split_indices(400, 80, 1)
    np.testing.assert_array_equal(pg.model.train, train_idx)
    pg.controls["dataset"].value = "circle"
    assert pg.model.n_classes == 2 and pg.controls["classes"].disabled


def test_view_controls_change_only_the_picture(pg):
    play(pg, 3)
    weights = [p.copy() for p in pg.net.parameters()]
    plain = picture(pg)
    pg.controls["show_test"].value = True
    with_test = picture(pg)
    assert not np.array_equal(plain, with_test)
    pg.controls["discretize"].value = True
    discrete = picture(pg)
    assert not np.array_equal(with_test, discrete)

    def two_commonest(rgb):  # the share of the output panel's pixels in its two commonest colours
        panel = rgb[OUT_Y + 20 : OUT_Y + OUT_SIZE - 20, OUT_X + 20 : OUT_X + OUT_SIZE - 20]
        _, counts = np.unique(panel.reshape(-1, 3), axis=0, return_counts=True)
        return np.sort(counts)[-2:].sum() / counts.sum()

    # Discretised, the panel is two flat class colours apart from the dots and the smoothed edge.
    assert two_commonest(discrete) > 0.7 and two_commonest(with_test) < 0.3
    for p, q in zip(pg.net.parameters(), weights):
        np.testing.assert_array_equal(p, q)
    assert pg.model.epoch == 3


def test_sample_signals_flow_back(pg):
    play(pg, 3)
    before = picture(pg)
    pg.controls["sample"].value = 7
    assert pg.model.settings.sample == 7
    grads = pg.model.sample_gradients()
    x, t = pg.model.X_train[7], pg.model.y_train[7]
    # By hand: sigmoid output with binary cross-entropy, one sample: output signal = t - y.
    net = pg.net
    a1 = np.tanh(net.weights[0] @ x + net.biases[0])
    a2 = np.tanh(net.weights[1] @ a1 + net.biases[1])
    y = 1 / (1 + np.exp(-(net.weights[2] @ a2 + net.biases[2])))
    s_out = t - y
    s2 = (net.weights[2].T @ s_out) * (1 - a2**2)
    s1 = (net.weights[1].T @ s2) * (1 - a1**2)
    for shown, expected in zip(grads.signals, (s1, s2, s_out)):
        np.testing.assert_allclose(shown[0], expected, rtol=1e-10, atol=1e-15)
    assert not np.array_equal(picture(pg), before)
    pg.controls["sample"].value = -1
    assert pg.model.settings.sample is None and pg.model.sample_gradients() is None


def test_weight_editor_sets_one_weight_and_the_code_replays_it(pg):
    play(pg, 2)
    options = dict((label, value) for label, value in pg.weight_choice.options)
    assert "h1.2 ← x1" in options and "out1 ← h2.2" in options
    pg.weight_choice.value = options["h1.2 ← x1"]
    assert pg.weight_value.value == round(float(pg.net.weights[0][1, 0]), 6)
    pg.weight_value.value = 1.75
    assert pg.net.weights[0][1, 0] == 1.75
    play(pg, 2)
    scope = {}
    exec(pg.code(), scope)
    assert "edited by hand" in pg.code()
    same_weights(scope["net"], pg.net)


def test_show_me_the_code_reproduces_the_run(pg):
    pg.controls["regularization"].value = "L2"
    pg.controls["regularization_rate"].value = 0.003
    play(pg, 3)
    pg.controls["learning_rate"].value = 0.1
    pg.controls["step"].click()
    pg.controls["regularization"].value = "L1"
    pg.controls["step"].click()
    pg.controls["code"].value = True
    code = pg.code()
    assert html.escape(code) in pg.code_view.value
    assert "weight_decay=0.003" in code and "penalty=l1_penalty(0.003)" in code
    # Only the reading path runs it: the data sets, the network and the one training loop.
    imported = re.findall(r"^from (\S+) import", code, re.MULTILINE)
    assert imported and all(
        name == "course_lib" or name.removeprefix("course_lib.") in READING_PATH for name in imported
    ), imported
    scope = {}
    exec(code, scope)
    same_weights(scope["net"], pg.net)
    pg.controls["code"].value = False
    assert pg.code_view.value == ""


def test_show_me_the_code_reproduces_a_run_that_went_through_a_divergence():
    model = PlaygroundModel({"dataset": "circle", "activation": "linear", "features": ["x1", "x2", "x1^2", "x2^2"]})
    assert model.step(2)
    model.set(learning_rate=30.0)
    assert not model.step(1) and model.diverged  # thrown away whole, its shuffle included
    model.set(learning_rate=0.03)
    assert model.step(3)
    scope = {}
    exec(model.code(), scope)
    same_weights(scope["net"], model.net)


def test_an_epoch_thrown_away_takes_the_first_loss_it_saw_with_it():
    # The divergence rule judges every batch against the run's first; a first epoch that diverged was never
    # part of the run, so the rule starts afresh, as the printed code's new Divergence() does.
    model = PlaygroundModel(
        {"dataset": "circle", "activation": "linear", "features": ["x1", "x2", "x1^2", "x2^2"], "learning_rate": 30.0}
    )
    assert not model.step(1) and model.diverged
    assert model._divergence.first_loss is None
    model.set_weight(0, 0, 0, 0.5)
    model.set(learning_rate=0.03)
    assert model.step(3)
    scope = {}
    exec(model.code(), scope)
    same_weights(scope["net"], model.net)
    assert scope["divergence"].first_loss == model._divergence.first_loss


def test_settings_dictionary_rebuilds_the_setup(pg):
    pg.controls["dataset"].value = "xor"
    pg.controls["hidden"].value = "6"
    pg.controls["activation"].value = "relu"
    pg.controls["new_weights"].click()
    play(pg, 4)
    again = playground(settings=pg.settings)
    assert again.settings == pg.settings
    play(again, 4)
    same_weights(again.net, pg.net)


# ----------------------------------------------------------------- your own data, more classes
def test_own_data_with_named_classes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 2)) * 2 + np.repeat([[0, 3], [3, -2], [-3, -2]], 30, axis=0)
    y = np.repeat(np.array(["cat", "dog", "owl"]), 30)
    pg = playground(X, y, hidden=(5,), learning_rate=0.1, train_ratio=100)
    assert pg.model.class_names == ["cat", "dog", "owl"] and pg.net.sizes == [2, 5, 3]
    assert pg.controls["dataset"].disabled and pg.controls["regenerate"].disabled
    assert len(pg.model.test) == 0 and "test-loss'>—<" in pg.readout.value
    play(pg, 6)
    net, _, _ = plain_run(dict(hidden=(5,), learning_rate=0.1, train_ratio=100), 6, X, np.repeat([0, 1, 2], 30))
    same_weights(pg.net, net)
    scope = {"your_X": X, "your_y": y}
    exec(pg.code(), scope)
    same_weights(scope["net"], pg.net)
    x0, x1, y0, y1 = pg.model.domain
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max() and y0 < X[:, 1].min() and y1 > X[:, 1].max()
    pg.controls["regenerate"].click()  # refused, with a reason
    assert "cannot be regenerated" in pg.message


def test_lesson_xor_four_points():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    pg = playground(X, [0, 1, 1, 0], train_ratio=100, batch_size=4, hidden=(2,), learning_rate=1.0)
    assert len(pg.model.train) == 4
    pg.step(300)
    assert pg.model.accuracy("train") == 1.0


# ----------------------------------------------------------------- hidden controls
def test_instructor_shows_only_some_controls():
    pg = playground(controls=["activation", "learning_rate"], dataset="spiral", hidden=(8, 8))
    assert tuple(pg.controls) == ("learning_rate", "activation")
    shown = [w for row in pg.control_panel.children for w in row.children]
    assert shown == [pg.controls["learning_rate"], pg.controls["activation"]]
    pg.controls["activation"].value = "relu"
    assert pg.net.hidden_activation.name == "relu" and pg.net.sizes == [2, 8, 8, 1]
    pg.step(2)
    assert pg.model.epoch == 2


def test_unknown_control_lists_the_valid_ones():
    with pytest.raises(UnknownNameError) as error:
        playground(controls=["learning_rate", "momentum"])
    assert (
        "'momentum'" in str(error.value) and "learning_rate" in str(error.value) and "edit_weight" in str(error.value)
    )


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "X, y, kind, words",
    [
        (np.zeros((10, 3)), np.arange(10) % 2, ShapeError, ["(10, 3)", "(n_samples, 2)", "(10,)"]),
        (np.zeros((10, 2)), np.arange(12) % 2, ShapeError, ["(10, 2)", "(12,)"]),
        (np.zeros((10, 2)), np.zeros((10, 2)), ShapeError, ["(10, 2)", "y has shape (10, 2)"]),
        (np.zeros((10, 2)), np.ones(10), CourseError, ["single class"]),
        (np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]), [0, 1, 0], NonFiniteError, ["X", "(1, 0)"]),
        (np.zeros((3, 2)), [0.0, np.inf, 1.0], NonFiniteError, ["y"]),
    ],
)
def test_bad_data_gets_a_clear_message(X, y, kind, words):
    with pytest.raises(kind) as error:
        playground(X, y)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"dataset": "moon"}, ["'moon'", "circle", "spiral"]),
        ({"activation": "gelu"}, ["'gelu'", "relu", "linear"]),
        ({"hidden": (4, 9)}, ["at most 8"]),
        ({"hidden": (1, 1, 1, 1, 1, 1, 1)}, ["at most 6"]),
        ({"features": ("x3",)}, ["'x3'", "sin(x1)"]),
        ({"momentum": 0.9}, ["'momentum'", "learning_rate"]),
        ({"learning_rate": -1}, ["learning_rate"]),
        ({"noise": 80}, ["noise"]),
    ],
)
def test_bad_settings_get_a_clear_message(kwargs, words):
    with pytest.raises(CourseError) as error:
        playground(**kwargs)
    for word in words:
        assert word in str(error.value)


def test_bad_text_in_a_control_is_explained_and_changes_nothing(pg):
    pg.controls["hidden"].value = "4, lots"
    assert "whole numbers" in pg.message and "'4, lots'" in pg.message and "data-name='message'" in pg.readout.value
    assert pg.net.sizes == [2, 4, 2, 1] and pg.controls["hidden"].value == "4, 2"
    pg.controls["hidden"].value = "3"
    assert pg.message == "" and pg.net.sizes == [2, 3, 1]
    pg.controls["features"].value = ()
    assert "at least one" in pg.message and pg.net.sizes[0] == 2
    assert pg.controls["features"].value == ("x1", "x2") and pg.controls["features"].toggles["x1"].value


# ----------------------------------------------------------------- divergence
def test_divergence_stops_play_with_a_message_and_no_warnings():
    pg = playground(activation="linear")
    play(pg, 3)
    good = [p.copy() for p in pg.net.parameters()]
    pg.controls["learning_rate"].value = 10.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning (an overflow, a NaN) fails the test
        play(pg, 5)
    assert pg.controls["play"].playing is False
    assert pg.model.epoch == 3
    assert "diverged" in pg.readout.value and "smaller learning rate" in pg.readout.value
    for p, q in zip(pg.net.parameters(), good):  # the last good weights, not NaN
        np.testing.assert_array_equal(p, q)
    # The picture says so too: the red banner over the output panel.
    middle = OUT_Y + OUT_SIZE // 2
    reds = np.all(picture(pg)[middle - 25 : middle + 25, OUT_X : OUT_X + OUT_SIZE] == (200, 30, 30), axis=-1)
    assert reds.any()
    # Ticks still on their way after the stop change nothing; a smaller rate trains again.
    pg.controls["play"].value += 1
    assert pg.model.epoch == 3
    pg.controls["learning_rate"].value = 0.01
    play(pg, 2)
    assert pg.model.epoch == 5 and "diverged" not in pg.readout.value


# ----------------------------------------------------------------- no backlog
def test_queued_messages_draw_once_with_the_latest_value(pg, in_a_kernel):
    """Values that arrive back to back (waiting in the kernel's queue) are all applied but drawn once, soon after."""

    async def drag():
        slider = pg.controls["learning_rate"]
        frames = pg.frames
        for value in (0.01, 0.02, 0.05, 0.1, 0.2):
            slider.value = value
        assert pg.model.settings.learning_rate == 0.2  # every value applied at once ...
        assert pg.frames <= frames + 1  # ... but at most the first drawn now
        await asyncio.sleep(0.2)
        return frames

    frames = run_in_own_loop(drag())
    assert pg.frames <= frames + 2  # one more redraw, after the burst
    assert "learning-rate'>0.2<" in pg.readout.value  # showing the latest value


def test_model_refuses_own_dataset_without_data():
    with pytest.raises(CourseError, match="needs your data"):
        PlaygroundModel({"dataset": "own"})
    with pytest.raises(CourseError, match="both X and y"):
        playground(np.zeros((4, 2)))


def test_in_a_kernel_play_runs_on_the_event_loop_without_blocking_it(pg, in_a_kernel):
    """With an event loop (as in JupyterLab), play is a task: frames come on their own, other work goes on."""

    async def session():
        play = pg.controls["play"]
        play.playing = True
        others = 0
        for index in range(20):  # the kernel keeps serving: this coroutine runs between frames
            await asyncio.sleep(0.02)
            others += 1
            if index % 3 == 2:
                epoch = pg.model.epoch
                play.value += 1  # a tick from the browser trains nothing itself: the task draws the frames
                assert pg.model.epoch == epoch
        epochs_playing = pg.model.epoch
        play.playing = False
        await asyncio.sleep(0.2)
        return others, epochs_playing

    others, epochs_playing = run_in_own_loop(session())
    assert others == 20 and epochs_playing >= 3
    stopped = pg.model.epoch
    assert pg._player is None and "epoch <span data-name='epoch'>%d</span>" % stopped in pg.readout.value
    net, _, _ = plain_run({}, stopped)  # the frames trained exactly the plain loop's epochs
    same_weights(pg.net, net)


def test_divergence_stops_the_event_loop_player(in_a_kernel):
    pg = playground(activation="linear", learning_rate=10.0)

    async def session():
        pg.controls["play"].playing = True
        await asyncio.sleep(0.3)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_in_own_loop(session())
    assert pg.controls["play"].playing is False and pg._player is None
    assert pg.model.epoch == 0 and "diverged" in pg.readout.value


def test_a_running_loop_that_is_not_a_kernels_is_left_alone(pg):
    """A script's or a test driver's event loop is not the kernel's: play starts no task on it, redraws wait for nothing."""

    async def session():
        frames = pg.frames
        for value in (0.01, 0.02, 0.05):
            pg.controls["learning_rate"].value = value
        pg.controls["play"].playing = True
        await asyncio.sleep(0.1)
        return pg.frames - frames, pg._player

    drawn, player = run_in_own_loop(session())
    assert player is None, "play started a task on a loop that is not the kernel's"
    assert drawn == 3  # every change drawn at once
    pg.controls["play"].playing = False


def test_play_stops_when_no_view_shows_the_widget_any_more(pg, in_a_kernel):
    """Re-running the cell removes the old widget's views: its play task must not train on unseen."""

    async def session():
        play = pg.controls["play"]
        play._view_count = 1  # the browser shows it
        play.playing = True
        await asyncio.sleep(0.3)
        play._view_count = 0  # the output was cleared
        await asyncio.sleep(0.3)
        return play.playing

    assert run_in_own_loop(session()) is False and pg._player is None
    epoch = pg.model.epoch
    assert epoch >= 1


# ----------------------------------------------------------------- regression
def test_regression_data_are_the_targets_written_out():
    X, y = playground_data("plane", n_samples=300, seed=3)
    assert X.shape == (300, 2) and y.dtype.kind == "f"
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 12)
    X, y = playground_data("bumps", n_samples=300, seed=3)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    by_hand = sum(h * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * 1.2**2)) for cx, cy, h in bumps)
    np.testing.assert_allclose(y, np.clip(by_hand, -1, 1))
    assert y.min() < -0.9 and y.max() > 0.9
    # Noise moves where the target is read, not the point: the targets scatter around the clean ones.
    X_noisy, y_noisy = playground_data("plane", n_samples=300, noise=30, seed=3)
    clean = (X_noisy[:, 0] + X_noisy[:, 1]) / 12
    assert 0.02 < np.std(y_noisy - clean) < 0.2


def test_a_regression_run_has_a_linear_output_a_squared_error_and_a_continuous_map():
    pg = playground(dataset="bumps", hidden=(8, 4), learning_rate=0.1)
    assert pg.net.output_activation.name == "identity" and pg.net.loss_function.name == "mse"
    assert pg.controls["classes"].disabled
    start = pg.model.history.train_loss[-1]
    pg.step(40)
    assert pg.model.history.train_loss[-1] < 0.5 * start  # it learns
    readout = pg.readout.value
    assert "mean squared error" in readout and "accuracy" not in readout
    assert "for regression" in pg.describe() and "accuracy" not in pg.describe()
    # The output panel shades the plane continuously; discretised, it keeps only the sign (two shades).
    panel = picture(pg)[OUT_Y + 4 : OUT_Y + OUT_SIZE - 4, OUT_X + 4 : OUT_X + OUT_SIZE - 4]
    assert len(np.unique(panel.reshape(-1, 3), axis=0)) > 100
    pg.controls["discretize"].value = True
    discretised = picture(pg)[OUT_Y + 4 : OUT_Y + OUT_SIZE - 4, OUT_X + 4 : OUT_X + OUT_SIZE - 4]
    assert len(np.unique(discretised.reshape(-1, 3), axis=0)) < len(np.unique(panel.reshape(-1, 3), axis=0)) / 2
    # Its code reproduces it, importing the same data.
    scope = {}
    exec(pg.code(), scope)
    assert "playground_data('bumps'" in pg.code() and "loss='mse'" in pg.code()
    same_weights(scope["net"], pg.net)


def test_own_data_with_numbers_for_targets_is_told_where_regression_is():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(CourseError, match="regression only on its own data sets, 'plane' and 'bumps'"):
        playground(X, X[:, 0] * 0.5)


def test_switching_between_classification_and_regression():
    pg = playground()
    pg.controls["dataset"].value = "plane"
    assert pg.net.sizes[-1] == 1 and pg.net.output_activation.name == "identity"
    assert "restarted at epoch 0" in pg.readout.value
    pg.controls["dataset"].value = "gauss"
    pg.controls["classes"].value = 3
    assert not pg.controls["classes"].disabled
    assert pg.net.sizes[-1] == 3 and pg.net.output_activation.name == "softmax"
    assert "train accuracy" in pg.readout.value


# ----------------------------------------------------------------- clicking a link to edit its weight
def test_a_click_on_a_link_chooses_it_for_editing(pg):
    from course_lib.widgets.playground_draw import SAMPLE_RING, link_ends

    ends = link_ends(pg.net.sizes)
    assert len(ends) == sum(W.size for W in pg.net.weights)
    before = picture(pg)
    (xa, ya), (xb, yb) = ends[(1, 1, 3)]  # h2.2 <- h1.4
    pg._clicked({"type": "click", "dataX": round(0.6 * xa + 0.4 * xb), "dataY": round(0.6 * ya + 0.4 * yb)})
    assert pg.weight_choice.value == (1, 1, 3) and pg.chosen == (1, 1, 3)
    assert pg.weight_value.value == round(float(pg.net.weights[1][1, 3]), 6)
    assert "data-name='chosen-link'>h2.2 ← h1.4<" in pg.readout.value
    # The chosen link is marked in the picture, dashed in SAMPLE_RING's purple, and only there.
    after = picture(pg)
    marked = np.all(after == SAMPLE_RING, axis=-1) & ~np.all(before == SAMPLE_RING, axis=-1)
    ys, xs = np.nonzero(marked)
    assert len(xs) > 20 and xs.min() >= min(xa, xb) - 3 and xs.max() <= max(xa, xb) + 3
    # Typing a value edits that weight, and the readout's loss follows.
    pg.weight_value.value = -2.5
    assert pg.net.weights[1][1, 3] == -2.5
    shown = float(pg.readout.value.split("data-name='train-loss'>")[1].split("<")[0])
    assert shown == pytest.approx(pg.net.loss(pg.model.X_train, pg.model.y_train), abs=5.1e-5)
    # A click away from every link says how to choose one and changes nothing.
    pg._clicked({"type": "click", "dataX": 700, "dataY": 150})
    assert pg.weight_choice.value == (1, 1, 3) and "click on a line between two nodes" in pg.readout.value
    # A step or a reset keeps the choice, and the box follows the weight as training moves it.
    pg.controls["step"].click()
    assert pg.chosen == (1, 1, 3) and pg.weight_choice.value == (1, 1, 3)
    assert pg.weight_value.value == round(float(pg.net.weights[1][1, 3]), 6) != -2.5
    pg.controls["reset"].click()
    assert pg.chosen == (1, 1, 3) and "data-name='chosen-link'" in pg.readout.value
    # Another layout forgets it: the list starts again at "click a link", and the box waits for a choice.
    pg.controls["hidden"].value = "3"
    assert pg.chosen is None and pg.weight_choice.value is None and pg.weight_value.disabled
    assert "chosen-link" not in pg.readout.value
    pg.weight_choice.value = (0, 0, 0)  # the first link is a choice too
    assert pg.chosen == (0, 0, 0) and not pg.weight_value.disabled


@pytest.mark.parametrize("sizes, own", [([2, 4, 2, 1], 0.6), ([2, 8, 8, 1], 0.45)], ids=["lesson 6's", "dense"])
def test_where_links_cross_the_nearest_wins(sizes, own):
    """A click 2 px beside a link picks the nearest link. In lesson 6's network that is mostly the link itself;
    in a dense one, where 64 links cross between two layers of 8, half the time it is a crossing link (the
    picture's network is 380 px wide since its labels grew to 20 px: 49% now, 61% at 444 px)."""
    from course_lib.widgets.playground_draw import link_at, link_ends

    ends = link_ends(sizes)

    def distance(link, x, y):
        (xa, ya), (xb, yb) = ends[link]
        t = np.clip(((x - xa) * (xb - xa) + (y - ya) * (yb - ya)) / ((xb - xa) ** 2 + (yb - ya) ** 2), 0, 1)
        return np.hypot(x - xa - t * (xb - xa), y - ya - t * (yb - ya))

    found_itself = 0
    for link, ((xa, ya), (xb, yb)) in ends.items():
        for t in (0.1, 0.5, 0.9):
            x, y = xa + t * (xb - xa) + 2.0, ya + t * (yb - ya)  # 2 px beside the link
            found = link_at(sizes, x, y)
            assert found is not None, (link, t)
            assert distance(found, x, y) <= distance(link, x, y) + 1e-9, (link, t, found)
            found_itself += found == link
    assert found_itself > own * 3 * len(ends)
    assert link_at(sizes, 5, 5) is None and link_at(sizes, 700, 150) is None


def test_one_click_sent_twice_is_handled_once(pg):
    from course_lib.widgets.playground_draw import link_ends

    (xa, ya), (xb, yb) = link_ends(pg.net.sizes)[(0, 0, 1)]
    click = {"type": "click", "timeStamp": 1234.5, "dataX": 0.7 * xa + 0.3 * xb, "dataY": 0.7 * ya + 0.3 * yb}
    pg._clicked(click)
    frames = pg.frames
    pg._clicked(dict(click))
    assert pg.frames == frames and pg.chosen == (0, 0, 1)
    pg._clicked(dict(click, timeStamp=2000.0))  # a second click on the same link redraws
    assert pg.frames == frames + 1
