"""Lesson 06's training playground in JupyterLab, handled as a learner handles it.

Drag the learning-rate slider, choose another activation, press play and pause: each time
the picture must be redrawn (new PNG bytes), the readout must show the new state, and no
widget callback may write to stderr (an exception or a warning).
"""
from __future__ import annotations

import math
import time

import pytest

from labpage import BrowserTimeout, wait_until
from notebook_facts import lesson
from widget_view import WidgetView, widget_of

pytestmark = pytest.mark.browser


def playground_view(notebook, lesson_runs, request) -> WidgetView:
    """The full playground: the lesson's first cell calling ``playground()`` with no arguments."""
    return widget_of(notebook, "playground()", lesson_runs, request)


def shown_text(view: WidgetView, name: str) -> str:
    span = view.readout.locator(f"[data-name='{name}']")
    assert span.count() == 1, f"{view.where}: the readout shows no single {name!r}: {view.readout.inner_text()!r}"
    return span.inner_text().strip()


def play_button(view: WidgetView, icon: str):
    """The Play widget's button showing the Font Awesome icon ``icon`` ('play', 'pause', 'stop')."""
    button = view.root.locator(f".widget-play button:has(i.fa-{icon})")
    assert button.count() == 1, f"{view.where}: expected one {icon} button on the play control, found {button.count()}"
    return button


@pytest.mark.parametrize("notebook", [lesson("06")], ids=["06"])
def test_playground_slider_activation_and_play(notebook, lesson_runs, request):
    view = playground_view(notebook, lesson_runs, request)
    epoch = int(view.readout_number("epoch"))

    # Drag the learning-rate handle most of the way along: the readout and the picture follow.
    rate = float(shown_text(view, "learning-rate"))
    before = view.snapshot()
    target = 0.85 if rate < 0.1 else 0.2
    view.drag_slider("learning rate", target)
    view.wait_for_change(before, "dragging the learning-rate slider")
    sent = 10 ** float(view.control("slider", "learning rate").locator(".noUi-handle").get_attribute("aria-valuetext"))
    shown = float(shown_text(view, "learning-rate"))
    assert math.isclose(shown, sent, rel_tol=5e-3), (
        f"{view.where}: the slider sent a learning rate of {sent:.4g} but the readout says {shown:g}")
    assert (shown > rate) if target > 0.5 else (shown < rate), (
        f"{view.where}: dragging to {target:.0%} of the track moved the learning rate from {rate:g} to {shown:g}")
    assert int(view.readout_number("epoch")) == epoch, f"{view.where}: a new learning rate must not restart the run"

    # Back to a learning rate that trains calmly, with the keyboard, so play below does not diverge.
    before = view.snapshot()
    view.drag_slider("learning rate", 0.55)   # about 10^-1.7 = 0.02 on the 1e-5 .. 10 track
    view.wait_for_change(before, "dragging the learning-rate slider back")

    # Another activation: a new network, drawn at once.
    current = view.control("dropdown", "activation").locator("select").input_value()
    choice = "relu" if current != "relu" else "tanh"
    before = view.snapshot()
    view.select("activation", choice)
    view.wait_for_change(before, f"choosing {choice} in the activation dropdown")
    assert shown_text(view, "activation") == choice, f"{view.where}: the readout does not show activation {choice}"
    assert int(view.readout_number("epoch")) == 0, f"{view.where}: a new activation starts a new run at epoch 0"

    # Play: the epochs count up and the picture keeps changing, while the kernel stays free.
    seen = view.lab.callback_output_count()
    before = view.snapshot()
    started = time.monotonic()
    play_button(view, "play").click()
    try:
        wait_until(view.page, """(root) => {
            const span = root.querySelector("[data-name='epoch']");
            return span && Number(span.innerText) >= 10;
        }""", "the epoch counter to reach 10 while playing", 30, arg=view.root.element_handle())
    except BrowserTimeout as timeout:
        pytest.fail(f"{view.where}: after pressing play, {timeout}; readout {view.readout.inner_text()!r}",
                    pytrace=False)
    seconds = time.monotonic() - started
    # The frame rate a learner sees: epochs shown per second over two seconds of play (reported, not judged:
    # the machine is shared; benchmarks/playground_latency.py has the kernel's side).
    first, t0 = int(view.readout_number("epoch")), time.monotonic()
    time.sleep(2.0)
    rate = (int(view.readout_number("epoch")) - first) / (time.monotonic() - t0)
    play_button(view, "pause").click()
    after = view.wait_for_change(before, "pressing play then pause")
    assert after.digest != before.digest
    report = view.lab.callback_output(seen)
    assert not report, f"{view.where}: while playing, a widget callback wrote to stderr:\n" + "".join(report)[-3000:]
    # The epochs stop once paused (a tick or two may still be on the way).
    time.sleep(1.0)
    stopped = int(view.readout_number("epoch"))
    time.sleep(1.0)
    assert int(view.readout_number("epoch")) == stopped, f"{view.where}: the epochs kept counting after pause"
    print(f"\nplayground: 10 epochs shown {seconds:.1f} s after pressing play, then {rate:.1f} pictures per second; "
          f"paused at epoch {stopped}")
