"""The playground shows at once what every control does (issue 22, items 8 and 10).

A hand-edited weight gives a fresh loss; the penalty, its rate and the batch size show in the
readout and the picture before any training; a change that restarts the run says so; a change
while playing is drawn between two frames, without waiting for the next frame's timer.
The numbers are recomputed here with plain numpy (a forward pass written out), not with the
library call the playground uses.
"""

import asyncio
import re

import numpy as np
import pytest
from own_loop import run_in_own_loop

from course_lib.widgets import playground_draw
from course_lib.widgets.playground import ACK_TIMEOUT_S, MAX_FRAMES_AHEAD, playground


def shown(pg, name: str) -> str:
    """The text of the readout's ``<span data-name=name>``."""
    found = re.findall(rf"data-name='{name}'[^>]*>([^<]*)<", pg.readout.value)
    assert len(found) == 1, f"the readout shows no single {name!r}: {pg.readout.value}"
    return found[0]


def forward_by_hand(net, X):
    """The 2-class playground's network written out: tanh hidden layers, one sigmoid output; (n,) probabilities."""
    a = X
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ W.T + b
        a = np.tanh(z) if l < len(net.weights) - 1 else 1 / (1 + np.exp(-z))
    return a[:, 0]


def cross_entropy_by_hand(p, y):
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def play(pg, ticks):
    pg.controls["play"].playing = True
    for _ in range(ticks):
        pg.controls["play"].value += 1
    pg.controls["play"].playing = False


# ----------------------------------------------------------------- item 8: a hand edit
def test_a_hand_edited_weight_shows_the_loss_of_the_edited_network():
    pg = playground()
    play(pg, 5)
    options = dict(pg.weight_choice.options)
    pg.weight_choice.value = options["h1.1 ← x2"]
    before = shown(pg, "train-loss")
    pg.weight_value.value = 5.0
    m = pg.model
    assert m.net.weights[0][0, 1] == 5.0
    p_train, p_test = forward_by_hand(m.net, m.X_train), forward_by_hand(m.net, m.X_test)
    train_loss, test_loss = cross_entropy_by_hand(p_train, m.y_train), cross_entropy_by_hand(p_test, m.y_test)
    assert abs(train_loss - float(before)) > 0.01, "the edit must change the loss for this test to mean anything"
    assert float(shown(pg, "train-loss")) == pytest.approx(train_loss, abs=5.1e-5)
    assert float(shown(pg, "test-loss")) == pytest.approx(test_loss, abs=5.1e-5)
    assert float(shown(pg, "train-accuracy")) == pytest.approx(100 * np.mean((p_train > 0.5) == m.y_train), abs=0.051)
    assert float(shown(pg, "test-accuracy")) == pytest.approx(100 * np.mean((p_test > 0.5) == m.y_test), abs=0.051)
    # The picture's header and the loss chart's last point say the same.
    assert f"train loss {train_loss:.3g}" in " ".join(playground_draw.header(m))
    assert m.history.train_loss[-1] == pytest.approx(train_loss, rel=1e-12)
    assert m.history.test_loss[-1] == pytest.approx(test_loss, rel=1e-12)
    assert m.epoch == 5 and len(m.history.train_loss) == 6  # still epoch 5: an edit is not an epoch
    # Training on from the edited network records the losses of the edited network's run.
    play(pg, 1)
    assert m.history.train_loss[-1] == pytest.approx(
        cross_entropy_by_hand(forward_by_hand(m.net, m.X_train), m.y_train), rel=1e-12
    )


# ----------------------------------------------------------------- item 10: every setting shows at once
def picture_pixels(pg) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(pg.image.value))).convert("RGB"))


def test_the_penalty_and_its_rate_show_in_the_readout_and_the_header_before_any_training():
    pg = playground()
    m = pg.model
    assert "penalty" not in " ".join(playground_draw.header(m)) and "no penalty" in pg.readout.value
    pg.controls["regularization"].value = "L2"
    assert "its rate is 0" in pg.readout.value  # chosen but without effect: said so
    before = bytes(pg.image.value)
    pg.controls["regularization_rate"].value = 0.01
    l2 = 0.01 / 2 * sum(float(np.sum(W**2)) for W in m.net.weights)  # weights only, not the biases
    assert m.epoch == 0
    assert float(shown(pg, "penalty")) == pytest.approx(l2, abs=5.1e-5)
    assert shown(pg, "regularization") == "L2" and shown(pg, "regularization-rate") == "0.01"
    assert f"+ penalty {l2:.3g}" in " ".join(playground_draw.header(m))
    assert bytes(pg.image.value) != before  # the header in the picture changed
    pg.controls["regularization"].value = "L1"
    l1 = 0.01 * sum(float(np.sum(np.abs(W))) for W in m.net.weights)
    assert float(shown(pg, "penalty")) == pytest.approx(l1, abs=5.1e-5)
    pg.controls["regularization_rate"].value = 0.1
    assert float(shown(pg, "penalty")) == pytest.approx(10 * l1, abs=5.1e-5)
    # The train loss beside it is the data loss alone, as training records it.
    data_loss = cross_entropy_by_hand(forward_by_hand(m.net, m.X_train), m.y_train)
    assert float(shown(pg, "train-loss")) == pytest.approx(data_loss, abs=5.1e-5)


def test_the_batch_size_shows_in_the_readout_and_the_next_batch_is_ringed():
    pg = playground()
    m = pg.model
    assert shown(pg, "batch-size") == "10" and "(20 steps an epoch" in pg.readout.value
    # The next batch: the first batch_size positions of the next epoch's shuffle, by hand.
    rng = np.random.default_rng(m.settings.shuffle_seed)
    np.testing.assert_array_equal(m.next_batch(), rng.permutation(200)[:10])
    play(pg, 2)
    rng = np.random.default_rng(m.settings.shuffle_seed)
    rng.permutation(200), rng.permutation(200)  # the two epochs trained
    expected = rng.permutation(200)
    np.testing.assert_array_equal(m.next_batch(), expected[:10])
    np.testing.assert_array_equal(m.next_batch(), expected[:10])  # looking changes nothing

    def ring_pixels(pg):
        x, y, size = playground_draw.OUT_X, playground_draw.OUT_Y, playground_draw.OUT_SIZE
        panel = picture_pixels(pg)[y : y + size, x : x + size]
        return int(np.sum(np.all(panel == playground_draw.BATCH_RING, axis=-1)))

    ten = ring_pixels(pg)
    pg.controls["batch_size"].value = 25
    assert shown(pg, "batch-size") == "25" and "(8 steps an epoch" in pg.readout.value and m.epoch == 2
    np.testing.assert_array_equal(m.next_batch(), expected[:25])
    assert ring_pixels(pg) > 1.5 * ten > 0  # more points ringed, before any training
    # The ringed points are the batch that training takes first in the next epoch.
    seen = []
    backward = m.net.backward_unchecked  # the training loop's call, on the checked training set
    m.net.backward_unchecked = lambda trace, y: seen.append(trace.activations[0].copy()) or backward(trace, y)
    pg.controls["step"].click()
    np.testing.assert_array_equal(seen[0], m.X_train[expected[:25]])


def test_a_change_that_restarts_the_run_says_so():
    pg = playground()
    play(pg, 5)
    pg.controls["activation"].value = "relu"
    notice = shown(pg, "notice")
    assert notice.startswith("activation changed: restarted at epoch 0") and "it was at epoch 5" in notice
    assert pg.model.epoch == 0
    pg.controls["learning_rate"].value = 0.1  # goes on with the same run: no restart to report
    assert "data-name='notice'" not in pg.readout.value
    play(pg, 2)
    pg.controls["noise"].value = 10
    assert shown(pg, "notice").startswith("noise changed: restarted at epoch 0 with new data and a new network")
    pg.controls["reset"].click()  # a button says what it does itself
    assert "data-name='notice'" not in pg.readout.value


# ----------------------------------------------------------------- item 10: changes while playing
def test_a_change_while_playing_is_drawn_at_once_between_frames(in_a_kernel):
    """In a kernel the frames come from a task; a change handled between two frames is drawn by its handler.

    Before, a change right behind another message (such as a tick of the browser's Play widget) was put off
    as if more values were queued behind it.
    """
    pg = playground()

    async def session():
        play = pg.controls["play"]
        play.playing = True
        await asyncio.sleep(0.15)
        assert pg._player is not None
        described = pg.image.tooltip
        play.value += 1  # a tick from the browser ...
        frames = pg.frames
        pg.controls["learning_rate"].value = 0.1  # ... and a change right behind it
        drawn = pg.frames - frames, "learning-rate'>0.1<" in pg.readout.value
        for _ in range(3):
            await asyncio.sleep(0.06)
            play.value += 1
        unchanged = pg.image.tooltip == described and pg.model.epoch > 1
        play.playing = False
        await asyncio.sleep(0.2)
        return drawn, unchanged

    (drawn, shows), unchanged = run_in_own_loop(session())
    assert drawn == 1 and shows, "a change while playing must be drawn by its own handler, at once"
    assert pg._player is None
    # The text alternative is not sent with every frame, and is brought up to date when play stops.
    assert unchanged
    assert f"epoch {pg.model.epoch}:" in pg.image.tooltip


def test_the_frames_wait_for_a_browser_that_falls_behind(in_a_kernel):
    """The browser's Play ticks pace the frames: without a tick the task draws MAX_FRAMES_AHEAD frames, then
    waits (up to ACK_TIMEOUT_S a frame), so a browser short of time never has more than that many queued."""
    pg = playground()

    async def session():
        play = pg.controls["play"]
        play.playing = True
        await asyncio.sleep(0.4)  # no tick: the browser has not caught up
        silent = pg.model.epoch
        for _ in range(8):  # ticks every 60 ms: a browser that keeps up
            play.value += 1
            await asyncio.sleep(0.06)
        ticking = pg.model.epoch - silent
        play.playing = False
        await asyncio.sleep(0.1)
        return silent, ticking

    silent, ticking = run_in_own_loop(session())
    assert silent == MAX_FRAMES_AHEAD and ACK_TIMEOUT_S > 0.4
    assert ticking >= 6, f"with a tick every frame the task must keep drawing; {ticking} epochs in 8 ticks"


# ----------------------------------------------------------------- item 11: +/- buttons
def test_plus_and_minus_buttons_for_layers_and_neurons():
    pg = playground()
    buttons = lambda: pg.controls["hidden_buttons"].buttons()  # noqa: E731
    play(pg, 3)
    buttons()["layer+"].click()
    assert pg.model.settings.hidden == (4, 2, 2) and pg.net.sizes == [2, 4, 2, 2, 1]
    assert pg.controls["hidden"].value == "4, 2, 2" and pg.model.epoch == 0
    assert shown(pg, "notice").startswith("hidden layers changed: restarted at epoch 0")
    buttons()["h1+"].click()
    buttons()["h3-"].click()
    assert pg.model.settings.hidden == (5, 2, 1)
    assert buttons()["h3-"].disabled and not buttons()["h3+"].disabled  # 1 neuron is the least
    # A new network from the same starting seed, as if the sizes had been typed.
    np.testing.assert_array_equal(pg.net.weights[0], playground(hidden=(5, 2, 1)).net.weights[0])
    buttons()["layer-"].click()
    buttons()["layer-"].click()
    assert pg.model.settings.hidden == (5,) and set(buttons()) == {"layer-", "layer+", "h1-", "h1+"}
    for _ in range(3):
        buttons()["h1+"].click()
    assert pg.model.settings.hidden == (8,) and buttons()["h1+"].disabled  # 8 neurons is the most
    buttons()["layer-"].click()
    assert pg.model.settings.hidden == () and pg.net.sizes == [2, 1] and buttons()["layer-"].disabled
    for _ in range(6):
        buttons()["layer+"].click()
    assert pg.model.settings.hidden == (2,) * 6 and buttons()["layer+"].disabled  # 6 layers is the most
    # Typing in the box moves the buttons too.
    pg.controls["hidden"].value = "3, 7"
    assert set(buttons()) == {"layer-", "layer+", "h1-", "h1+", "h2-", "h2+"}
    buttons()["h2+"].click()
    assert pg.model.settings.hidden == (3, 8)


def test_the_buttons_alone_for_an_instructor():
    pg = playground(controls=["play", "hidden_buttons"])
    pg.controls["hidden_buttons"].buttons()["layer+"].click()
    assert pg.net.sizes == [2, 4, 2, 2, 1]
    # A button pressed past its limit (a script can press a disabled one) is refused with a reason.
    pg.controls["hidden_buttons"].buttons()["layer-"].click()
    pg.controls["hidden_buttons"].buttons()["layer-"].click()
    pg.controls["hidden_buttons"].buttons()["layer-"].click()
    pg.controls["hidden_buttons"].buttons()["layer+"].click()
    assert pg.model.settings.hidden == (2,)
    pg.controls["hidden_buttons"].buttons()["h1-"].click()
    pg.controls["hidden_buttons"].buttons()["h1-"].click()
    assert pg.model.settings.hidden == (1,)
    buttons = pg.controls["hidden_buttons"].buttons()
    assert buttons["h1-"].disabled
    buttons["h1-"].click()
    assert "a hidden layer size must be a whole number >= 1, got 0" in pg.message
    assert pg.model.settings.hidden == (1,)


# ----------------------------------------------------------------- item 9: a laptop's screen, headless parts
def test_picture_and_controls_fit_side_by_side_on_a_laptop():
    """The browser test measures the whole widget; this keeps the sizes it depends on in budget.

    At 1366 x 650 px, with the file browser closed, JupyterLab 4.6's output area is 1186 px wide
    (measured with Playwright); each widget keeps 2 px of margin each side.
    """
    from course_lib.widgets.playground import CONTROLS_WIDTH

    pg = playground()
    assert pg.children[0] is pg.image and pg.children[1] is pg.control_panel and pg.children[2] is pg.readout
    assert pg.image.layout.width == f"{playground_draw.WIDTH}px"  # shown at the size it is drawn
    assert pg.layout.flex_flow == "row wrap"  # the controls wrap below if narrower
    assert playground_draw.WIDTH + 4 + CONTROLS_WIDTH + 4 <= 1186
    assert playground_draw.HEIGHT <= 620 - 3 * 22  # room for three readout lines


def test_words_in_the_picture_do_not_run_together():
    """Pillow's bundled font had a 2 px space at 11 px: 'links show' read as 'linksshow' (issue 22). The picture's
    text is 20 px now (``test_widget_text_size``), where its space is wide enough."""
    from course_lib.widgets.plot_axes import TEXT_PX
    from course_lib.widgets.raster import Canvas

    canvas = Canvas(200, 30)
    canvas.text((2, 2), "links show", size=TEXT_PX)
    ink = np.flatnonzero((canvas.pixels < 160).any(axis=2).any(axis=0))
    gaps = np.diff(ink) - 1
    assert gaps.max() >= 4, f"at {TEXT_PX} px the widest gap between letters is {gaps.max()} px"
