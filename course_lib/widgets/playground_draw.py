"""The training playground's picture, drawn from a ``PlaygroundModel`` with ``raster`` (no matplotlib).

One picture, ``WIDTH`` x ``HEIGHT`` pixels, shown at that size (small enough to sit beside the
controls on a 1366 x 768 laptop screen, and as wide as a slide gives it). Every text in it is
``TEXT_PX`` (20 px), which a room reads from its back row when a slide shows the picture:

- left, the network: every node is a small heatmap of its value over the input plane
  (features, then each hidden layer, then the outputs); links are drawn with thickness
  for the size of the weight and colour for its sign (blue positive, orange negative).
  With a sample chosen, the links show instead that sample's gradient step (-dL/dW:
  the way each weight is about to move) and each node its signal -dL/dz, so the error
  can be followed flowing back from the output. A link chosen for editing is drawn over the
  others, dashed in purple (``link_at`` finds the link under a click);
- right, the output over the plane with the data points (test points with a black rim): shaded by
  class for classification, and for regression a continuous map of the predicted number from -1
  (orange) to 1 (blue), each point coloured by its target and shaped by its sign; the
  next mini-batch ringed, and above it a header with the epoch, the learning rate and activation, and
  the losses of the network as it is now (the penalty term too, when there is one; ``header``); the
  readout spells out the other settings;
- below, the train and test loss per epoch, and each layer's gradient norm per epoch on a
  log scale, where vanishing gradients and dead ReLUs show as curves falling or dropping out.
"""

from __future__ import annotations

import math

import numpy as np

from .network_diagram import draw_links, node_centres
from .plot_axes import TEXT_PX
from .raster import (
    BLACK,
    BLUE,
    CLASS_COLOURS,
    GREY,
    MARKERS,
    ORANGE,
    WHITE,
    Canvas,
    colourize,
    font,
    lighten,
    mix_colours,
    ramp_lut,
    resize,
)

WIDTH, HEIGHT = 760, 464  # 1366 x 768: with the readout under it, the widget is at most 620 px tall
LINE = TEXT_PX + 2  # a row of text
TILE, ROW = 28, 32  # node heatmap size and the vertical distance between nodes (8 nodes: 256 px)
NET_LEFT, NET_RIGHT, NET_TOP = 78, 452, 2 * LINE + 8  # two rows of titles above the network
OUT_X, OUT_Y, OUT_RES, OUT_SIZE = 490, 3 * LINE + 6, 56, 264  # output panel: 56 x 56 values, smoothed to 264 px
CAPTION_Y = NET_TOP + 8 * ROW + 4  # the backward pass's caption, under the network
CHARTS_Y = CAPTION_Y + LINE + 4  # the gradient norms' chart, under the caption if any
HEADER_LEFT = NET_RIGHT + 12  # the header's texts start right of the network
LABEL_GREY = (110, 110, 110)
BATCH_RING = (30, 30, 30)
SAMPLE_RING = (90, 40, 120)
LAYER_COLOURS = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
]
RED = (200, 30, 30)


def _fmt(v: float) -> str:
    return f"{v:.3g}" if math.isfinite(v) else "—"


def _short(v: float) -> str:
    return f"{v:.2g}" if math.isfinite(v) else "—"


def header(model) -> list[str]:
    """The picture's header, four texts: the epoch; the learning rate and activation; the training loss of the
    network as it is now, with the penalty term when there is one; the test loss ("" without test data).
    Each fits its place beside the output panel: a number too long for it is given to 2 digits."""
    s, h = model.settings, model.history
    room = WIDTH - 4 - HEADER_LEFT
    epoch = f"epoch {model.epoch}"

    def fitted(make, room):
        text = make(_fmt)
        return text if font(TEXT_PX).getlength(text) <= room else make(_short)

    def train(number):
        if s.regularization != "none" and s.regularization_rate > 0:
            text = f"train {number(h.train_loss[-1])} + penalty {number(model.penalty())}"
            # Still too long at 2 digits: the penalty goes by its name (L1, L2), as the controls call it.
            return text if font(TEXT_PX).getlength(text) <= room else text.replace("penalty", s.regularization)
        return f"train loss {number(h.train_loss[-1])}"

    # The test loss shares its row with the epoch, which starts the row.
    test_room = room - font(TEXT_PX).getlength(epoch) - 16
    test = fitted(lambda number: f"test loss {number(h.test_loss[-1])}", test_room) if len(model.test) else ""
    if test and font(TEXT_PX).getlength(test) > test_room:
        test = f"test {_short(h.test_loss[-1])}"
    return [epoch, f"rate {s.learning_rate:.3g} · {s.activation}", fitted(train, room), test]


def node_positions(sizes: list[int]) -> list[list[tuple[float, float]]]:
    """Centre (x, y) of every node, layer by layer (features first), in a body eight nodes tall."""
    return node_centres(sizes, NET_LEFT + TILE / 2, NET_RIGHT - TILE / 2, NET_TOP, ROW, rows=8)


def link_ends(sizes: list[int]) -> dict:
    """Where each link is drawn: {(layer, to, source): ((x, y) at its source, (x, y) at its end)}, for
    ``weights[layer][to, source]``; a link runs from the right edge of one tile to the left edge of the next."""
    where = node_positions(sizes)
    return {
        (l, i, j): ((where[l][j][0] + TILE / 2, where[l][j][1]), (where[l + 1][i][0] - TILE / 2, where[l + 1][i][1]))
        for l in range(len(sizes) - 1)
        for i in range(sizes[l + 1])
        for j in range(sizes[l])
    }


def link_at(sizes: list[int], x: float, y: float, reach: float = 6.0):
    """The link under a click at picture pixel (x, y): (layer, to, source), or None if no link is within
    ``reach`` pixels. Where links cross, the nearest one wins."""
    best, nearest = None, reach
    for link, ((xa, ya), (xb, yb)) in link_ends(sizes).items():
        dx, dy = xb - xa, yb - ya
        t = min(max(((x - xa) * dx + (y - ya) * dy) / (dx * dx + dy * dy), 0.0), 1.0)
        distance = math.hypot(x - (xa + t * dx), y - (ya + t * dy))
        if distance <= nearest:
            best, nearest = link, distance
    return best


def _tile_colours(values: np.ndarray, kind: str, unit: int = 0) -> np.ndarray:
    """One node's map (res, res) -> RGB. ``kind``: 'feature', an activation name, 'sigmoid-out', 'softmax-out'
    or 'identity-out' (a regression's output, on the targets' scale from -1 to 1)."""
    if kind == "identity-out":
        return colourize(values)
    if kind == "softmax-out":
        return colourize(values, 0.0, 1.0, lut=ramp_lut(WHITE, CLASS_COLOURS[unit % len(CLASS_COLOURS)]))
    if kind in ("sigmoid", "sigmoid-out"):
        return colourize(2 * values - 1)  # (0, 1) shown on the same -1..1 scale as tanh
    if kind == "tanh":
        return colourize(values)
    peak = float(np.max(np.abs(values[np.isfinite(values)]), initial=0.0))  # relu, linear, features: own scale
    return colourize(values, -peak, peak) if peak > 0 else colourize(np.zeros_like(values))


def output_colours(model, probabilities: np.ndarray, discretize: bool) -> np.ndarray:
    """The output panel's colours: probabilities (res, res, k) -> (res, res, 3) uint8. For regression,
    ``probabilities`` is the predicted number (res, res, 1), and discretising keeps only its sign."""
    if model.regression:
        values = probabilities[..., 0]
        return lighten(colourize(np.sign(values) if discretize else values), 0.35)
    if discretize:
        probabilities = np.eye(probabilities.shape[-1])[probabilities.argmax(axis=-1)]
    if model.n_classes == 2:
        rgb = colourize(2 * probabilities[..., 1] - 1)
    else:
        rgb = mix_colours(probabilities, CLASS_COLOURS[: model.n_classes])
    return lighten(rgb, 0.35)  # pale, so the data points stand out


def to_pixels(model, X: np.ndarray) -> np.ndarray:
    """Input-plane points (n, 2) -> output-panel pixel positions (n, 2)."""
    x0, x1, y0, y1 = model.domain
    px = OUT_X + (X[:, 0] - x0) / (x1 - x0) * OUT_SIZE
    py = OUT_Y + (y1 - X[:, 1]) / (y1 - y0) * OUT_SIZE
    return np.column_stack([px, py])


def draw(model, backgrounds: dict | None = None, chosen=None) -> Canvas:
    """The whole playground picture for the model's current state.

    ``backgrounds``: a dict the caller keeps between frames; the parts that change only with
    the layout (titles, labels) are drawn once per layout into it and copied afterwards.
    ``chosen``: a link (layer, to, source) being edited, drawn dashed over the others.
    """
    backgrounds = {} if backgrounds is None else backgrounds
    key = (tuple(model.net.sizes), tuple(model.settings.features), model.domain)
    if key not in backgrounds:
        backgrounds.clear()
        backgrounds[key] = _background(model)
    canvas = backgrounds[key].copy()
    maps = model.neuron_maps(OUT_RES)
    _draw_network(canvas, model, maps, chosen)
    _draw_output(canvas, model, maps[-1])
    _draw_charts(canvas, model)
    return canvas


def _background(model) -> Canvas:
    """What stays the same while a network of this layout trains: titles and labels."""
    canvas = Canvas(WIDTH, HEIGHT)
    sizes = model.net.sizes
    where = node_positions(sizes)
    # Row one: what each part is; row two: each hidden layer's name, as the controls call it (h1, h2 ...).
    canvas.text((where[0][0][0], 2), "features", size=TEXT_PX, anchor="ma")
    canvas.text((where[-1][0][0], 2), "output", size=TEXT_PX, anchor="ma")
    hidden = where[1:-1]
    if hidden:
        middle = (hidden[0][0][0] + hidden[-1][0][0]) / 2
        canvas.text((middle, 2), "hidden layer" + "s" * (len(hidden) > 1), size=TEXT_PX, anchor="ma")
        for l, column in enumerate(hidden):
            canvas.text((column[0][0], 2 + LINE), f"h{l + 1}", LABEL_GREY, size=TEXT_PX, anchor="ma")
    for name, (x, y) in zip(model.settings.features, where[0]):
        canvas.text((x - TILE / 2 - 4, y), name, size=TEXT_PX, anchor="rm")
    x0, x1, y0, y1 = model.domain
    for text, xy, anchor in (
        (_fmt(x0), (OUT_X, OUT_Y + OUT_SIZE + 2), "la"),
        (_fmt(x1), (OUT_X + OUT_SIZE, OUT_Y + OUT_SIZE + 2), "ra"),
        ("x1", (OUT_X + OUT_SIZE / 2, OUT_Y + OUT_SIZE + 2), "ma"),
        (_fmt(y1), (OUT_X - 3, OUT_Y), "ra"),
        (_fmt(y0), (OUT_X - 3, OUT_Y + OUT_SIZE), "rs"),
        ("x2", (OUT_X - 3, OUT_Y + OUT_SIZE / 2), "rm"),
    ):
        canvas.text(xy, text, LABEL_GREY, size=TEXT_PX, anchor=anchor)
    return canvas


def _draw_network(canvas: Canvas, model, maps, chosen=None) -> None:
    s, net = model.settings, model.net
    sizes = net.sizes
    where = node_positions(sizes)
    sample = model.sample_gradients()
    # Weights against a fixed scale, so they visibly grow as training goes; a sample's gradient step
    # -dL/dW (where it pushes each weight), each layer against its own largest.
    shown = net.weights if sample is None else [-g for g in sample.weights]
    scale = 3.0 if sample is None else [max(float(np.max(np.abs(g))), 1e-12) for g in shown]
    draw_links(canvas, link_ends(sizes), shown, scale, widest=4.5, faint_below=0.02)
    if chosen in link_ends(sizes):
        (xa, ya), (xb, yb) = link_ends(sizes)[chosen]
        for k in range(0, 10, 2):  # dashed, so the choice shows by its pattern as well as its colour
            t0, t1 = k / 10, (k + 1) / 10
            canvas.line(
                [(xa + t0 * (xb - xa), ya + t0 * (yb - ya)), (xa + t1 * (xb - xa), ya + t1 * (yb - ya))],
                SAMPLE_RING,
                width=4,
            )
    # Node heatmaps, taken from the output panel's grid every other point.
    step = OUT_RES // TILE
    kinds = (
        ["feature"]
        + [net.hidden_activation.name] * (len(sizes) - 2)
        + ["identity-out" if model.regression else "sigmoid-out" if model.n_classes == 2 else "softmax-out"]
    )
    # A sample's signals show as each tile's border (colour: sign, thickness: size within the layer); their
    # numbers are in the readout (``sample_numbers``), as 20 px text beside every tile would cover the links.
    signals = None if sample is None else [-d[0] for d in sample.deltas]
    for l, (column, layer_map, kind) in enumerate(zip(where, maps, kinds)):
        small = layer_map[step // 2 :: step, step // 2 :: step][:TILE, :TILE]
        for u, (x, y) in enumerate(column):
            left, top = int(x - TILE / 2), int(y - TILE / 2)
            canvas.paste(_tile_colours(small[..., u], kind, u), left, top)
            border, thick = GREY, 1
            if signals is not None and l > 0:
                signal = float(signals[l - 1][u])
                peak = max(float(np.max(np.abs(signals[l - 1]))), 1e-12)
                border, thick = (BLUE if signal > 0 else ORANGE), 1 + int(round(3 * abs(signal) / peak))
            canvas.rectangle(
                (left - thick, top - thick, left + TILE - 1 + thick, top + TILE - 1 + thick),
                outline=border,
                width=thick,
            )
    if sample is not None:
        canvas.text((6, CAPTION_Y), f"sample {s.sample}: links -dL/dW, borders -dL/dz", SAMPLE_RING, size=TEXT_PX)


def sample_numbers(model) -> str:
    """The chosen sample's numbers behind the picture's borders: its inputs, then each layer's signals
    s = -dL/dz, one layer after another from the output back."""
    sample = model.sample_gradients()
    if sample is None:
        return ""
    inputs = ", ".join(
        f"{name} = {float(v):.2g}" for name, v in zip(model.settings.features, sample.trace.activations[0][0])
    )
    names = [f"h{l + 1}" for l in range(len(model.net.sizes) - 2)] + ["output"]
    layers = "; ".join(
        f"{name}: {', '.join(f'{float(v):+.2g}' for v in -d[0])}"
        for name, d in reversed(list(zip(names, sample.deltas)))
    )
    return f"inputs {inputs}; {layers}"


def _draw_output(canvas: Canvas, model, output_map) -> None:
    s = model.settings
    probabilities = model.probabilities(output_map)
    canvas.paste(
        resize(output_colours(model, probabilities, s.discretize), OUT_SIZE, OUT_SIZE, smooth=True), OUT_X, OUT_Y
    )
    canvas.rectangle((OUT_X - 1, OUT_Y - 1, OUT_X + OUT_SIZE, OUT_Y + OUT_SIZE), outline=GREY)
    train = model.X_raw[model.train]
    colours, shapes = _point_style(model, model.labels[model.train])
    canvas.dots(
        to_pixels(model, train), colours, radius=3.5, outline=GREY if model.regression else WHITE, shapes=shapes
    )
    if s.show_test and len(model.test):
        colours, shapes = _point_style(model, model.labels[model.test])
        canvas.dots(to_pixels(model, model.X_raw[model.test]), colours, radius=3.5, outline=BLACK, shapes=shapes)
    # The next mini-batch, ringed: the batch size shows before any training.
    for px, py in to_pixels(model, train[model.next_batch()]):
        canvas.draw.ellipse((px - 7, py - 7, px + 7, py + 7), outline=BATCH_RING, width=2)
    if s.sample is not None:
        ((px, py),) = to_pixels(model, train[s.sample : s.sample + 1])
        canvas.draw.ellipse((px - 8, py - 8, px + 8, py + 8), outline=SAMPLE_RING, width=2)
    epoch, settings, train, test = header(model)
    canvas.text((HEADER_LEFT, 2 + LINE), epoch, size=TEXT_PX)  # under the column titles' row
    for row, text in enumerate((settings, test, train)):
        canvas.text((WIDTH - 4, 2 + row * LINE), text, size=TEXT_PX, anchor="ra")
    if model.diverged:
        middle = OUT_Y + OUT_SIZE / 2
        canvas.rectangle(
            (OUT_X, middle - LINE - 6, OUT_X + OUT_SIZE - 1, middle + LINE + 6),
            fill=(255, 235, 235),
            outline=RED,
            width=2,
        )
        canvas.text((OUT_X + OUT_SIZE / 2, middle - LINE / 2), "training diverged", RED, size=TEXT_PX, anchor="mm")
        canvas.text(
            (OUT_X + OUT_SIZE / 2, middle + LINE / 2), "try a smaller learning rate", RED, size=TEXT_PX, anchor="mm"
        )


def _point_style(model, labels: np.ndarray) -> tuple[list, list]:
    """Each point's colour and marker: its class's, or for regression its target's colour on the output's scale
    and a marker for its sign (as class 1's for 0 and above, class 0's below), so that no colour is needed."""
    if model.regression:
        colours = colourize(labels[None, :])[0]
        return [tuple(int(v) for v in c) for c in colours], [MARKERS[1] if v >= 0 else MARKERS[0] for v in labels]
    colours = np.array(CLASS_COLOURS[: model.n_classes])
    return [tuple(c) for c in colours[labels]], [MARKERS[k % len(MARKERS)] for k in labels]


def _draw_charts(canvas: Canvas, model) -> None:
    h = model.history
    series = [("train", h.train_loss, (40, 40, 40))]
    if len(model.test):
        series.append(("test", h.test_loss, (200, 70, 70)))
    canvas.chart(
        (NET_RIGHT + 8, OUT_Y + OUT_SIZE + LINE + 4, WIDTH - 2, HEIGHT - 4),
        series,
        title="loss",
        xlabel="epoch",
        size=TEXT_PX,
    )
    norms = np.array(h.grad_norms).reshape(len(h.grad_norms), model.net.n_layers)
    names = [f"W{l + 1}" for l in range(model.net.n_layers)]
    grad_series = [
        (name, norms[:, l] if len(norms) else [], LAYER_COLOURS[l % len(LAYER_COLOURS)]) for l, name in enumerate(names)
    ]
    top = CAPTION_Y if model.settings.sample is None else CHARTS_Y  # the caption's row, when there is none
    canvas.chart(
        (4, top, NET_RIGHT, HEIGHT - 4), grad_series, log=True, xlabel="epoch", title="||dL/dW|| (log)", size=TEXT_PX
    )


def describe(model) -> str:
    """The text alternative of ``draw(model)``: what the picture shows for the model's current state,
    with the numbers a sighted learner would read off it (rounded to whole percent and 2 significant
    digits, so that the description does not flicker in the last digit while training runs)."""
    s = model.settings
    if not s.hidden:
        hidden = "no hidden layer"
    elif len(set(s.hidden)) == 1:
        hidden = (
            f"{len(s.hidden)} hidden layer{'s' if len(s.hidden) > 1 else ''} of {s.hidden[0]} "
            f"{s.activation} units{' each' if len(s.hidden) > 1 else ''}"
        )
    else:
        hidden = f"{len(s.hidden)} hidden layers of {' and '.join(map(str, s.hidden))} {s.activation} units"
    loss = model.history.train_loss[-1]
    train, test = model.accuracy("train"), model.accuracy("test")
    if model.regression:
        task, shading = (
            "for regression (each point's target is a number from -1 to 1)",
            "by the predicted number, orange for -1 through white to blue for 1, ",
        )
        scores = f"Train loss (mean squared error) {loss:.2g}" if math.isfinite(loss) else "The loss is not finite"
        test_loss = model.history.test_loss[-1]
        scores += f", test loss {test_loss:.2g}." if len(model.test) and math.isfinite(test_loss) else "."
    else:
        task, shading = f"with {model.n_classes} classes", "by predicted class "
        scores = (
            f"Train accuracy {100 * train:.0f}%"
            + (f", test accuracy {100 * test:.0f}%" if math.isfinite(test) else "")
            + (f", train loss {loss:.2g}." if math.isfinite(loss) else ", the loss is not finite.")
        )
    text = (
        f"Training playground at epoch {model.epoch}: {s.dataset} data {task}, "
        f"inputs {', '.join(s.features)}, {hidden}. The network diagram shows each neuron as a small "
        "map of its output over the input plane, links blue for positive and orange for negative weights; "
        f"the output map shades the plane {shading}with the training points"
        f"{' and test points' if s.show_test else ''} on it, and the next mini-batch's "
        f"{min(s.batch_size, len(model.train))} points ringed. {scores}"
    )
    if s.regularization != "none" and s.regularization_rate > 0:
        text += f" The {s.regularization} penalty adds {model.penalty():.2g} to the training loss."
    if s.sample is not None:
        text += (
            f" The backward pass of training sample {s.sample} is drawn on the links (-dL/dW) and on each "
            "node's border (its signal -dL/dz)."
        )
    dead = sum(model.dead_units())
    if dead:
        text += f" {dead} hidden units are dead ReLUs."
    return text
