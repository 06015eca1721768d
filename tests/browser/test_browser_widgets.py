"""The lessons' widgets, handled in JupyterLab as a learner handles them.

Each test takes the lesson's run (shared with its run-all test), finds the cell
that builds the widget, moves a control with the keyboard or the mouse, picks a
dropdown option or clicks a button, and checks that the picture was redrawn and
that the readout shows the right numbers: recomputed here with plain ``math``
from what the controls show, never through course_lib.
"""

from __future__ import annotations

import math
import re

import pytest

from labpage import wait_until
from notebook_facts import lesson
from widget_view import WidgetView, number, widget_of

pytestmark = pytest.mark.browser

FOUR_DECIMALS = 5.1e-5  # a readout value printed with 4 decimals is this close to the truth


def close(shown: float, expected: float, tolerance: float) -> bool:
    return abs(shown - expected) <= tolerance


# ----------------------------------------------------------------- lesson 00: does a widget work at all?
@pytest.mark.parametrize("notebook", [lesson("00")], ids=["00"])
def test_course_map_slider_echo(notebook, lesson_runs, request):
    view = widget_of(notebook, "widgets.IntSlider(", lesson_runs, request)
    echo = view.root.locator(".widget-label").filter(has_text=re.compile("squared"))
    before = echo.inner_text()
    n_before = view.slider_value("n")
    view.drag_slider("n", 0.15 if n_before > 5 else 0.9)
    # The slider sends every value it passes while dragged: wait for the text that fits where it stopped.
    settled = """([slider, echo, start]) => {
        const n = Number(slider.querySelector('.widget-readout').innerText.replace('\u2212', '-'));
        return n !== start && echo.innerText.trim() === `n squared is ${n * n}`;
    }"""
    try:
        wait_until(
            view.page,
            settled,
            "the text beside the slider to show the square of where it stopped",
            15,
            arg=[view.control("slider", "n").element_handle(), echo.element_handle(), n_before],
        )
    except AssertionError as timeout:
        pytest.fail(
            f"{view.where}: after dragging slider n from {n_before:g} to {view.slider_value('n'):g}, "
            f"{timeout}; it reads {echo.inner_text()!r} (before: {before!r})",
            pytrace=False,
        )


# ----------------------------------------------------------------- lesson 01: one neuron
ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
}


def check_neuron(view: WidgetView, action: str) -> None:
    """z = w1 x1 + w2 x2 + b and a = f(z), from the sliders, dropdown and example the widget shows."""
    w1, w2, b = (view.slider_value(name) for name in ("w1", "w2", "b"))
    f = view.control("dropdown", "f").locator("select").input_value()
    example = re.search(r"x = \(([-\d.e]+), ([-\d.e]+)\)", view.readout.inner_text())
    assert example, f"{view.where}: the readout does not show the example input: {view.readout.inner_text()!r}"
    x1, x2 = float(example.group(1)), float(example.group(2))
    z = w1 * x1 + w2 * x2 + b
    a = ACTIVATIONS[f](z)
    shown_z, shown_a = view.readout_number("z"), view.readout_number("a")
    assert close(shown_z, z, FOUR_DECIMALS) and close(shown_a, a, FOUR_DECIMALS), (
        f"{view.where}: after {action}, with w1 = {w1:g}, w2 = {w2:g}, b = {b:g}, f = {f} and x = ({x1:g}, {x2:g}) "
        f"the readout shows z = {shown_z}, a = {shown_a}; expected z = {z:.4f}, a = {a:.4f}"
    )


def press_one_step(view: WidgetView, label: str, key: str, step: float, check) -> None:
    """Press ``key`` once on slider ``label``: the picture must change, the slider move by exactly one ``step``,
    and ``check(view, action)`` still hold for the readout."""
    value = view.slider_value(label)
    action = f"pressing {key} on slider {label}"
    before = view.snapshot()
    view.press_on_slider(label, key)
    view.wait_for_change(before, action)
    assert close(abs(view.slider_value(label) - value), step, 1e-9), (
        f"{view.where}: one {key} press moved {label} from {value:g} to {view.slider_value(label):g}, "
        f"not by one step of {step:g}"
    )
    check(view, action)


@pytest.mark.parametrize("notebook", [lesson("01")], ids=["01"])
def test_neuron_sliders_and_activation(notebook, lesson_runs, request):
    view = widget_of(notebook, "neuron_explorer(", lesson_runs, request)
    check_neuron(view, "running the cell")

    # Keyboard: focus the w1 handle and press an arrow once, away from the nearer end (one step of 0.1).
    press_one_step(view, "w1", "ArrowLeft" if view.slider_value("w1") >= 3.0 else "ArrowRight", 0.1, check_neuron)

    # Keyboard again, on w2: three presses, each sending a value; the check waits for the last.
    w2 = view.slider_value("w2")
    key, sign = ("ArrowLeft", -1) if w2 > -2.7 else ("ArrowRight", 1)
    before = view.snapshot()
    view.press_on_slider("w2", key, times=3)
    view.wait_for_change(before, f"pressing {key} 3 times on slider w2")
    assert close(view.slider_value("w2"), w2 + sign * 0.3, 1e-9), (
        f"{view.where}: 3 {key} presses moved w2 from {w2:g} to {view.slider_value('w2'):g}, not by 0.3"
    )
    check_neuron(view, f"pressing {key} 3 times on slider w2")

    # Mouse: drag the b handle most of the way to the other end.
    b = view.slider_value("b")
    before = view.snapshot()
    view.drag_slider("b", 0.1 if b > 0 else 0.9)
    view.wait_for_change(before, "dragging slider b")
    moved = view.slider_value("b") - b
    assert (moved < 0) if b > 0 else (moved > 0), f"{view.where}: dragging b from {b:g} left it at {b + moved:g}"
    check_neuron(view, "dragging slider b")

    # Dropdown: another activation.
    current = view.control("dropdown", "f").locator("select").input_value()
    choice = "tanh" if current != "tanh" else "sigmoid"
    before = view.snapshot()
    view.select("f", choice)
    view.wait_for_change(before, f"choosing {choice} in dropdown f")
    assert f"{choice}(z)" in view.readout.inner_text(), (
        f"{view.where}: after choosing {choice}, the readout does not name it: {view.readout.inner_text()!r}"
    )
    check_neuron(view, f"choosing {choice} in dropdown f")


# ----------------------------------------------------------------- lesson 02: two losses
def check_losses(view: WidgetView, action: str) -> None:
    """Squared error, cross-entropy and their slopes at the p and target the controls show."""
    p = view.slider_value("p")
    active = view.control("toggle-buttons", "target").locator("button.mod-active").inner_text()
    y = int(re.search(r"y = ([01])", active).group(1))
    expected = {
        "p": p,
        "mse": (p - y) ** 2,
        "mse-slope": 2 * (p - y),
        "bce": -math.log(p) if y == 1 else -math.log(1 - p),
        "bce-slope": (p - y) / (p * (1 - p)),
    }
    expected["slope-ratio"] = abs(expected["bce-slope"] / expected["mse-slope"])
    tolerance = {"p": 5.1e-3, "slope-ratio": 5.1e-3}
    wrong = {
        name: (view.readout_number(name), value)
        for name, value in expected.items()
        if not close(view.readout_number(name), value, tolerance.get(name, FOUR_DECIMALS))
    }
    assert not wrong, (
        f"{view.where}: after {action}, at p = {p:g} and y = {y} the readout shows wrong numbers "
        "(shown, expected): " + ", ".join(f"{k} {s} vs {e:.4f}" for k, (s, e) in wrong.items())
    )


@pytest.mark.parametrize("notebook", [lesson("02")], ids=["02"])
def test_loss_probability_slider_and_target(notebook, lesson_runs, request):
    view = widget_of(notebook, "loss_explorer(", lesson_runs, request)
    check_losses(view, "running the cell")

    press_one_step(view, "p", "ArrowLeft" if view.slider_value("p") > 0.5 else "ArrowRight", 0.01, check_losses)

    group = view.control("toggle-buttons", "target")
    other = group.locator("button:not(.mod-active)").inner_text().strip()
    before = view.snapshot()
    view.click_toggle("target", other)
    view.wait_for_change(before, f"clicking target {other!r}")
    check_losses(view, f"clicking target {other!r}")


# ----------------------------------------------------------------- lesson 03: the learning rate
DESCENT_READOUT = re.compile(
    r"η = (?P<eta>\S+); the thresholds are 1/a = (?P<inverse_a>\S+) and 2/a = \S+\. .*?"
    r"After (?P<steps>\d+) steps: w = (?P<w>\S+), loss = (?P<loss>\S+) "
    r"\(start: w = (?P<start>\S+), loss = \S+; minimum at w = (?P<minimum>[^)\s]+)\)",
    re.S,
)


def check_descent(view: WidgetView, action: str, moved: bool) -> float:
    """w and the loss after the shown number of steps on L(w) = a/2 (w - m)^2, and the regime; returns eta.

    The learning-rate slider offers round rates and labels each exactly as the readout prints it,
    so the two must show the same text (``moved`` is kept for the callers' wording).
    """
    text = view.readout.inner_text()
    shown = DESCENT_READOUT.search(text)
    assert shown, f"{view.where}: after {action}, the readout has an unexpected form: {text!r}"
    eta = number(shown["eta"])
    slider = view.control("slider", "learning rate η")
    slider_text = slider.locator(".widget-readout").inner_text()
    assert slider_text.strip().replace("\u2212", "-") == shown["eta"], (
        f"{view.where}: after {action}, the slider reads {slider_text} but the readout says η = {shown['eta']}"
    )
    a = 1 / number(shown["inverse_a"])
    m, start, steps = number(shown["minimum"]), number(shown["start"]), int(shown["steps"])
    assert steps == view.slider_value("steps"), f"{view.where}: readout and steps slider disagree: {text!r}"
    factor = 1 - eta * a
    w = m + factor**steps * (start - m)
    loss = a / 2 * (w - m) ** 2
    ok_w = math.isclose(number(shown["w"]), w, rel_tol=1e-5, abs_tol=1e-9)
    ok_loss = math.isclose(number(shown["loss"]), loss, rel_tol=1e-5, abs_tol=1e-12)
    assert ok_w and ok_loss, (
        f"{view.where}: after {action}, with η = {eta:.6g}, a = {a:g}, m = {m:g}, start {start:g} "
        f"and {steps} steps the readout shows w = {shown['w']}, loss = {shown['loss']}; "
        f"expected w = {w:.6g}, loss = {loss:.6g}"
    )
    product = eta * a
    regime = "converges" if product < 1 else "oscillates but converges" if product < 2 else "diverges"
    assert text.startswith(regime), (
        f"{view.where}: after {action}, with ηa = {product:.4g} expected {regime!r}: {text!r}"
    )
    return eta


@pytest.mark.parametrize("notebook", [lesson("03")], ids=["03"])
def test_learning_rate_slider(notebook, lesson_runs, request):
    view = widget_of(notebook, "learning_rate_explorer(", lesson_runs, request)
    eta = check_descent(view, "running the cell", moved=False)

    before = view.snapshot()
    view.press_on_slider("learning rate η", "ArrowRight")
    view.wait_for_change(before, "pressing ArrowRight on the learning-rate slider")
    assert check_descent(view, "pressing ArrowRight on the learning-rate slider", moved=True) > eta

    # Drag the handle past the right end: the largest learning rate, 2.5/a, diverges.
    before = view.snapshot()
    view.drag_slider("learning rate η", 1.2)
    view.wait_for_change(before, "dragging the learning-rate slider to its right end")
    eta = check_descent(view, "dragging the learning-rate slider to its right end", moved=True)
    inverse_a = number(DESCENT_READOUT.search(view.readout.inner_text())["inverse_a"])
    # The slider's right end is 2.5/a exactly.
    assert math.isclose(eta, 2.5 * inverse_a, rel_tol=1e-9), (
        f"{view.where}: at the right end the learning rate is {eta:.6g}, expected 2.5/a = {2.5 * inverse_a:g}"
    )

    steps = view.slider_value("steps")
    before = view.snapshot()
    view.press_on_slider("steps", "ArrowLeft")
    view.wait_for_change(before, "pressing ArrowLeft on the steps slider")
    assert view.slider_value("steps") == steps - 1
    check_descent(view, "pressing ArrowLeft on the steps slider", moved=True)


# ----------------------------------------------------------------- lesson 05: the stepper
STEP_HEADER = re.compile(r"Step (\d+) of (\d+)")
SQUASH = {"σ": lambda z: 1.0 / (1.0 + math.exp(-z)), "tanh": math.tanh}


def step_shown(view: WidgetView) -> tuple[int, int]:
    header = STEP_HEADER.search(view.readout.inner_text())
    assert header, f"{view.where}: the readout does not say which step it shows: {view.readout.inner_text()!r}"
    return int(header.group(1)), int(header.group(2))


def formula_parts(view: WidgetView) -> list[str]:
    """'quantity = symbols = numbers = value' of the step's formula line, split at ' = '."""
    return view.readout.locator("code.formula").inner_text().split(" = ")


def value_of(text: str) -> float:
    return number(text.strip().strip("()"))


@pytest.mark.parametrize("notebook", [lesson("05")], ids=["05"])
def test_stepper_next_button_and_slider(notebook, lesson_runs, request):
    view = widget_of(notebook, "backprop_stepper(", lesson_runs, request)
    slider = view.control("slider", "step").locator(".noUi-handle")
    if view.slider_value("step") != 0:  # an earlier look at this run may have moved it
        before = view.snapshot()
        view.click_button("Reset")
        view.wait_for_change(before, "clicking Reset")
    step, total = step_shown(view)
    assert step == 0 and total == float(slider.get_attribute("aria-valuemax")), (
        f"{view.where}: expected 'Step 0 of {slider.get_attribute('aria-valuemax')}', readout {view.readout.inner_text()!r}"
    )
    inputs = [float(v) for v in re.findall(r"x\d+ = ([-\d.e]+)", view.readout.inner_text())]

    # Next: the first weighted sum, z = sum of weight x input + bias.
    before = view.snapshot()
    view.click_button("Next")
    step1 = view.wait_for_change(before, "clicking Next")
    assert step_shown(view) == (1, total) and view.slider_value("step") == 1, (
        f"{view.where}: after Next, slider at {view.slider_value('step'):g}, readout {view.readout.inner_text()!r}"
    )
    *_, numbers, value = formula_parts(view)
    terms = [term.split(" × ") for term in numbers.split(" + ")]
    total_z = sum(math.prod(value_of(factor) for factor in term) for term in terms)
    assert math.isclose(total_z, value_of(value), rel_tol=2e-3), (
        f"{view.where}: step 1 shows {numbers} = {value}, but that sum is {total_z:.6g}"
    )
    shown_inputs = [value_of(term[1]) for term in terms if len(term) == 2]
    assert shown_inputs == inputs, f"{view.where}: step 1 multiplies by {shown_inputs}, the inputs are {inputs}"
    z1 = value_of(value)

    # Keyboard on the slider: the activation of that node.
    before = view.snapshot()
    slider.focus()
    slider.press("ArrowRight")
    view.wait_for_change(before, "pressing ArrowRight on the step slider")
    assert step_shown(view) == (2, total), f"{view.where}: after ArrowRight, {view.readout.inner_text()!r}"
    *_, numbers, value = formula_parts(view)
    applied = re.fullmatch(r"(σ|tanh)\((\S+)\)", numbers.strip())
    assert applied, f"{view.where}: step 2 should apply the activation to z, it shows {numbers!r}"
    squash, argument = applied.groups()
    assert math.isclose(value_of(argument), z1, rel_tol=5e-4), (
        f"{view.where}: step 2 uses z = {argument}, step 1 gave {z1}"
    )
    assert math.isclose(SQUASH[squash](value_of(argument)), value_of(value), rel_tol=2e-3), (
        f"{view.where}: step 2 shows {squash}({argument}) = {value}; it is {SQUASH[squash](value_of(argument)):.4g}"
    )

    # Previous: back to step 1, the same picture as before.
    before = view.snapshot()
    view.click_button("Previous")
    again = view.wait_for_change(before, "clicking Previous")
    assert again.readout == step1.readout and again.digest == step1.digest, (
        f"{view.where}: Previous from step 2 should show step 1 again as it was; readout {again.readout!r}"
    )
