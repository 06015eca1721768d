"""Every widget's picture is readable from the back of a room: each text in it is at least 20 px on the
page (``described.AUDIENCE_PX``), in every state a lecturer reaches, because a slide shows the picture
at the size the notebook does."""

from __future__ import annotations


import pytest

from course_lib.drawing.described import AUDIENCE_PX
from test_widgets_playground_live import play


def drive(widget, **values):
    for name, value in values.items():
        widget.controls[name].value = value


def raster_states(make: str):
    """The widget ``make`` and the settings that draw each of its texts (titles, notes, captions)."""
    if make == "neuron":
        from course_lib.widgets.neuron import neuron_explorer

        return neuron_explorer(points="xor"), [dict(activation="relu"), dict(activation="leaky_relu", b=-3.0)]
    if make == "loss":
        from course_lib.widgets.loss import loss_explorer

        return loss_explorer(), [dict(target=0), dict(p=0.01)]
    if make == "descent":
        from course_lib.widgets.descent import learning_rate_explorer

        return learning_rate_explorer(), [dict(learning_rate=1.2, steps=30), dict(learning_rate=0.5)]
    if make.startswith("stepper"):
        from course_lib.widgets.stepper import backprop_stepper

        if make == "stepper":
            widget = backprop_stepper()
        else:  # a learner's own network, with a taller hidden layer: its numbers above and below each node
            import numpy as np

            from course_lib import MLP

            widget = backprop_stepper(
                MLP([2, 6, 2], "sigmoid", "sigmoid", "mse", seed=1),
                x=np.array([0.5, -1.0]),
                target=np.array([0.1, 0.9]),
            )
        return widget, [dict(step=k) for k in range(widget.controls["step"].max + 1)]
    if make == "gradient_flow":
        from course_lib.widgets.gradient_flow import gradient_flow_explorer

        return gradient_flow_explorer(), [
            dict(activation="leaky_relu", depth=30),
            dict(weight_scale=0.01),
            dict(activation="identity", weight_scale=1.0),
        ]
    if make == "init_scale":
        from course_lib.widgets.init_scale import init_scale_explorer

        return init_scale_explorer(), [
            dict(activation="relu", weight_scale=2.0),
            dict(activation="sigmoid", init="he"),
            dict(activation="tanh", init="normal", weight_scale=0.01),
        ]
    if make == "minibatch":
        from course_lib.widgets.minibatch import minibatch_explorer

        return minibatch_explorer(), [
            dict(learning_rate=14),
            dict(learning_rate=0, batch_size=256),
            dict(batch_size=1),
        ]
    if make == "digit_reader":  # a small untrained network on random images: every text still appears
        import numpy as np

        from course_lib import MLP
        from course_lib.widgets.digit_reader import digit_reader

        X = np.random.default_rng(0).uniform(0, 1, size=(20, 64))
        net = MLP([64, 8, 10], "relu", "softmax", "cross_entropy", seed=3)
        return digit_reader(net, X, np.arange(20) % 10, X.mean(axis=0), X.std(axis=0) + 0.1), [
            dict(digit=19),
            dict(right=2, down=-2, noise=0.5),
            dict(right=-2, down=2),
        ]
    raise KeyError(make)


def layout_problems(canvas) -> list[str]:
    """Texts of the frame last drawn that stick out of the picture or overlap each other."""
    width, height = getattr(canvas, "css_width", canvas.width), getattr(canvas, "css_height", canvas.height)
    boxes = canvas.text_boxes
    found = [
        f"{text!r} sticks out of the {width}x{height} picture"
        for x0, y0, x1, y1, text in boxes
        if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5
    ]
    for i, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
        for bx0, by0, bx1, by1, b in boxes[i + 1 :]:
            if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                found.append(f"{a!r} overlaps {b!r}")
    return found


RASTER = [
    "neuron",
    "loss",
    "descent",
    "stepper",
    "stepper, 2-6-2",
    "gradient_flow",
    "init_scale",
    "digit_reader",
    "minibatch",
]


def test_the_pictures_font_is_the_scalable_one():
    """The sizes asked for are the sizes drawn only with Pillow's FreeType font (without FreeType it falls
    back to a fixed ~11 px bitmap font)."""
    from PIL import ImageFont

    from course_lib.widgets.plot_axes import TEXT_PX
    from course_lib.widgets.raster import font

    assert isinstance(font(TEXT_PX), ImageFont.FreeTypeFont) and font(TEXT_PX).size == TEXT_PX


@pytest.mark.parametrize("make", RASTER)
def test_a_raster_widgets_text_is_20_px_and_never_overlaps(make):
    widget, states = raster_states(make)
    problems = layout_problems(widget.canvas)
    for state in states:
        drive(widget, **state)
        problems += [f"{state}: {problem}" for problem in layout_problems(widget.canvas)]
    assert widget.canvas.smallest_text >= AUDIENCE_PX, (
        f"the {make} widget drew text at {widget.canvas.smallest_text} px; a room reads {AUDIENCE_PX} px"
    )
    assert not problems, f"the {make} widget: {problems[:5]}"


def test_the_playgrounds_text_is_20_px_and_never_overlaps():
    """Its every text: the deepest network with every feature (titles, names, a legend of seven layers), a
    penalty in the header, a sample's backward pass in the caption, a diverged run's warning, eight classes,
    regression; and none of them overlapping another or cut off at the picture's edge."""
    from course_lib.widgets.playground import playground

    smallest, problems = float("inf"), []

    def look(pg, when):
        nonlocal smallest
        smallest = min(smallest, pg.canvas.smallest_text)  # each frame is drawn afresh
        problems.extend(f"{when}: {problem}" for problem in layout_problems(pg.canvas))

    deep = playground(
        dataset="spiral",
        classes=3,
        hidden=(8, 8, 8, 8, 8, 8),
        regularization="L2",
        regularization_rate=0.01,
        features=["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"],
    )
    look(deep, "deep, epoch 0")
    play(deep, 2)
    look(deep, "deep, epoch 2")
    deep.controls["sample"].value = 3
    look(deep, "deep, a sample's backward pass")
    wild = playground(activation="linear")
    wild.controls["learning_rate"].value = 10.0
    play(wild, 5)
    assert wild.model.diverged, "the diverged run's warning is drawn too"
    look(wild, "diverged")
    many = playground(dataset="gauss", classes=8, hidden=(8,), regularization="L1", regularization_rate=0.001)
    play(many, 3)
    look(many, "eight classes with a penalty")
    numbers = playground(dataset="plane", hidden=(4,), activation="relu")
    play(numbers, 3)
    look(numbers, "regression")
    assert smallest >= AUDIENCE_PX, f"the playground drew text at {smallest} px; a room reads {AUDIENCE_PX} px"
    assert not problems, problems[:5]


def test_the_playgrounds_header_fits_whatever_its_numbers():
    """The header's numbers are as long as a run makes them: a long epoch, tiny losses and penalties."""
    from course_lib.widgets import playground_draw
    from course_lib.widgets.playground import playground
    from course_lib.widgets.raster import Canvas

    pg = playground(regularization="L2", regularization_rate=0.001)
    m = pg.model
    m.epoch = 99_999
    m.history.train_loss[-1], m.history.test_loss[-1] = 0.000123456, 0.000123456
    m.penalty = lambda: 0.000123456
    canvas = Canvas(playground_draw.WIDTH, playground_draw.HEIGHT)
    playground_draw._draw_output(canvas, m, m.neuron_maps(playground_draw.OUT_RES)[-1])
    header = [box for box in canvas.text_boxes if box[1] < playground_draw.OUT_Y]
    assert len(header) == 4 and all(box[0] >= playground_draw.NET_RIGHT for box in header), header
    assert not layout_problems(canvas), layout_problems(canvas)
