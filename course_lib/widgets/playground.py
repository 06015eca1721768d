"""The training playground: TensorFlow Playground's controls in a notebook, and the backward pass made visible.

``playground()`` returns a widget that trains a ``course_lib.MLP`` on 2-D data while you
watch: play/pause, single epochs, reset to the same starting weights or new ones; learning
rate, activation, L1/L2 penalty; data set (four classification sets, and two regression sets
with a continuous output map), classes, noise, train:test ratio, batch size;
input features; 0-6 hidden layers of 1-8 neurons (typed, or with +/- buttons for layers and
for each layer's neurons); a heatmap per neuron; links showing each weight; train and test
loss; test data and a discretised output on demand. Beyond TensorFlow Playground: your own
data (``playground(X, y)``), more than two classes (softmax with cross-entropy), each layer's
gradient norm per epoch, one sample's signals flowing back through the diagram, weights set
by hand (click a link in the picture, or choose it from a list, then type the weight), the settings as a dictionary (``.settings``), the trained network (``.net``) and
"show me the code", which prints plain course_lib code that reproduces the run. An
instructor can show only some controls: ``playground(controls=["learning_rate", "activation"])``.

The pieces: ``playground_settings`` (every setting and its check), ``playground_model`` (the
run: data from ``course_lib.playground_data``, an epoch a ``course_lib.train`` call; no drawing),
``playground_code`` ("show me the code"), ``playground_draw`` (the picture, with ``raster``),
and this module (the controls and the play loop).

Every setting shows its effect at once, before any training: the readout and the picture's
header give the losses of the network as it is now (after a weight edited by hand too), the
penalty term beside the loss, and the learning rate; the readout gives the batch size too, and
the picture rings the next mini-batch; a change that needs a new network says that it restarted
the run.

On a laptop. The picture (760 x 464 px, drawn at the size shown, its text 20 px) and a column of
controls (350 px) sit side by side, with the readout under the picture: measured in JupyterLab on a
1366 x 768 screen with the file browser closed, the whole widget takes about 1180 x 580-610 px (the
readout grows with its notices); in a narrower notebook the controls wrap below the picture. The
picture and the readout stay the widget's own children, as in every lesson widget.

Keeping it live. The play button is an ``ipywidgets.Play``. In a kernel (JupyterLab), pressing
it starts a small asyncio task on the kernel's own event loop that trains one epoch and
redraws, then sleeps until the next frame is due (``PLAY_INTERVAL_MS``): the kernel is never
blocked, because every sleep hands it back to the messages waiting (a slider, another cell).
The frames do not wait for a round trip to the browser, which ipywidgets imposes on the Play
widget's own ticks (one pending message at a time) and which on a busy 2-core machine halves
the frame rate. A change that arrives while playing is drawn by its own handler, at once,
between two frames. What made a change show late while playing (0.4-0.5 s, issue 22) was not
the kernel, which answers within a frame, but a browser behind with the frames: the task drew
them on its own clock, and a browser short of time (a loaded laptop) decoded them later and
later, the change queued behind them. The browser's Play ticks now pace the task: a tick
reaches the kernel only after the browser has taken in the kernel's answer to the tick before,
and so every frame sent before it, and the task draws at most ``MAX_FRAMES_AHEAD`` frames past
the last tick. Each frame carries only what the browser needs (the picture's text alternative
is brought up to date when play stops, not with every frame). Without an event loop (a
script, a test) each tick of the Play widget is one epoch and one redraw instead. When slider
values arrive faster than the kernel draws, they queue; a message that was waiting in the
queue (it starts right after the previous one finished) updates the state but leaves the
drawing to one redraw shortly after, so the picture shows the latest value without a backlog.
"""

from __future__ import annotations

import asyncio
import html
import math
import time

import ipywidgets as widgets
import traitlets

from course_lib.playground_data import FEATURES, PLAYGROUND_CLASSIFICATION, PLAYGROUND_DATASETS, PLAYGROUND_REGRESSION
from course_lib.validation import CourseError, UnknownNameError

from .base import LessonWidget, kernel_event_loop
from .playground_draw import WIDTH as PICTURE_WIDTH, describe as describe_model, draw, link_at, sample_numbers
from .playground_model import PlaygroundModel
from .playground_settings import (
    MAX_CLASSES,
    MAX_LAYERS,
    MAX_NEURONS,
    PLAYGROUND_ACTIVATIONS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    SETTING_NAMES,
)

__all__ = ["CONTROL_NAMES", "Playground", "playground"]

# Every control, in the order shown (a column beside the picture, a row per group); an instructor picks a
# subset by these names.
CONTROL_ROWS = (
    ("play", "step", "reset", "new_weights"),
    ("learning_rate",),
    ("activation", "regularization"),
    ("regularization_rate", "batch_size"),
    ("dataset", "classes"),
    ("noise", "train_ratio"),
    ("regenerate", "show_test", "discretize"),
    ("features",),
    ("hidden", "code"),
    ("hidden_buttons",),
    ("sample",),
    ("edit_weight",),
)
CONTROL_NAMES = tuple(name for row in CONTROL_ROWS for name in row)
PLAY_INTERVAL_MS = 60  # a frame this often while playing: at most ~16 frames per second
# While the kernel's task draws the frames, the browser's Play widget still ticks, and its ticks say how far the
# browser has got: ipywidgets sends a tick only once the kernel's answer to the one before has reached the
# browser, behind every frame sent before that answer. The task draws at most this many frames past the last
# tick, so a browser short of time is never more than that many frames behind, and a change shows that soon.
MAX_FRAMES_AHEAD = 2
ACK_TIMEOUT_S = 0.5  # ... and goes on without a tick after this long (a front end whose Play is silent)
NO_LINK = ("click a link", None)  # the weight list's first entry: no link chosen yet
NEW_LAYER = 2  # neurons in a hidden layer added with "+", as in TensorFlow Playground
CONTROLS_WIDTH = 350  # px: the column of controls beside the picture (1366 x 768 fits both, issue 22)
READOUT_BESIDE_ROWS = 5  # with this many rows of controls or fewer, a slide has room for the readout under them
# The playground's own style, carried by the widget as FOCUS_CSS is: a slider's number beside it as wide as
# its digits need (ipywidgets gives it 72 px, which in a narrow column leaves the track itself 20-30 px).
PLAYGROUND_CSS = """<style>
.course-playground .widget-inline-hbox .widget-readout { min-width: 34px; }
</style>"""

STYLE = {"description_width": "initial"}
# What each setting is called in the readout's notices.
LABELS = {
    "dataset": "data set",
    "n_samples": "number of samples",
    "noise": "noise",
    "classes": "classes",
    "train_ratio": "train %",
    "data_seed": "data",
    "features": "features",
    "hidden": "hidden layers",
    "activation": "activation",
    "init_seed": "starting weights",
    "shuffle_seed": "shuffle seed",
}


class HiddenButtons(widgets.HBox):
    """TensorFlow Playground's +/- buttons: a hidden layer more or less (the last one), and for each hidden
    layer a neuron more or less. ``on_change(sizes)`` is called with the new hidden layer sizes; ``show(sizes)``
    redraws the buttons for the sizes in force (each button off where its limit is reached)."""

    def __init__(self, sizes, on_change, **kwargs):
        self.on_change = on_change
        kwargs.setdefault("layout", widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([], **kwargs)
        self.show(sizes)

    @staticmethod
    def _button(text, tooltip, disabled, action):
        button = widgets.Button(
            description=text, tooltip=tooltip, disabled=disabled, layout=widgets.Layout(width="28px", padding="0")
        )
        button.on_click(lambda _: action())
        return button

    def show(self, sizes) -> None:
        sizes = tuple(sizes)
        self.sizes = sizes
        change = self.on_change
        parts = [
            widgets.Label("layers"),
            self._button("−", "remove the last hidden layer", not sizes, lambda: change(sizes[:-1])),
            self._button(
                "+",
                f"add a hidden layer of {NEW_LAYER} neurons",
                len(sizes) >= MAX_LAYERS,
                lambda: change(sizes + (NEW_LAYER,)),
            ),
        ]
        if sizes:
            parts.append(widgets.Label("neurons", layout=widgets.Layout(margin="0 0 0 8px")))
        for l, n in enumerate(sizes):

            def resized(delta, l=l):
                return lambda: change(sizes[:l] + (sizes[l] + delta,) + sizes[l + 1 :])

            parts += [
                widgets.Label(f"h{l + 1}", layout=widgets.Layout(margin="0 0 0 4px")),
                self._button("−", f"one neuron fewer in hidden layer {l + 1}", n <= 1, resized(-1)),
                self._button("+", f"one neuron more in hidden layer {l + 1}", n >= MAX_NEURONS, resized(+1)),
            ]
        self.children = parts

    def buttons(self) -> dict:
        """The buttons by what they do: 'layer-', 'layer+', and 'h1-', 'h1+', ... per hidden layer."""
        found = [w for w in self.children if isinstance(w, widgets.Button)]
        names = ["layer-", "layer+"] + [f"h{l + 1}{sign}" for l in range(len(self.sizes)) for sign in "-+"]
        return dict(zip(names, found))


class FeaturePicker(widgets.HBox):
    """One toggle button per input feature; ``value`` is the tuple of those switched on."""

    value = traitlets.Tuple()

    def __init__(self, value, **kwargs):
        self.toggles = {
            name: widgets.ToggleButton(
                value=name in value, description=name, layout=widgets.Layout(width="auto", padding="0 6px")
            )
            for name in FEATURES
        }
        kwargs.setdefault("layout", widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([widgets.Label("features")] + list(self.toggles.values()), **kwargs)
        self.value = tuple(value)
        self._copying = False  # while the toggles follow a new value, their changes are not new values
        for toggle in self.toggles.values():
            toggle.observe(self._from_toggles, names="value")
        self.observe(self._to_toggles, names="value")

    def _from_toggles(self, change) -> None:
        if not self._copying:
            self.value = tuple(name for name, toggle in self.toggles.items() if toggle.value)

    def _to_toggles(self, change) -> None:
        self._copying = True
        try:
            for name, toggle in self.toggles.items():
                toggle.value = name in self.value
        finally:
            self._copying = False


def _log_slider(value: float, low: float, high: float, description: str) -> widgets.FloatLogSlider:
    """A log-scale slider from ``low`` to ``high`` (each widened to the next grid point) whose 0.01-decade
    grid passes through ``value``, so the arrow keys can come back to it."""
    exponent, step = math.log10(value), 0.01
    lowest = exponent - math.ceil((exponent - math.log10(low)) / step - 1e-9) * step
    highest = lowest + math.ceil((math.log10(high) - lowest) / step - 1e-9) * step
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=lowest,
        max=highest,
        step=step,
        description=description,
        readout_format=".2g",
        continuous_update=True,
        style=STYLE,
        layout=widgets.Layout(width=f"{CONTROLS_WIDTH - 6}px"),
    )


class Playground(LessonWidget):
    """The playground widget; see the module docstring and ``playground()``.

    ``model`` is the ``PlaygroundModel`` (data, network, history); ``net`` its ``MLP``;
    ``settings`` the setup as a dictionary; ``controls`` the controls shown, by name;
    ``image`` the picture (PNG, drawn by ``playground_draw``); ``readout`` the numbers;
    ``code_view`` the code of the run, after "show me the code". ``frames`` counts
    pictures drawn; ``message`` is the last error about an input, or "".
    """

    def __init__(self, model: PlaygroundModel, controls=None):
        shown = CONTROL_NAMES if controls is None else self._check_controls(controls)
        self.model = model
        self.message = ""
        self.notice = ""  # what the last change did to the run, e.g. "activation changed: restarted at epoch 0"
        self.frames = 0
        self._backgrounds = {}
        self._syncing = False
        self._player = None  # the asyncio task drawing the frames while playing, if any
        self._last_click = None
        self.chosen = None  # the link being edited, (layer, to, source), after a click on it or a choice in the list
        self._frames_ahead = 0  # frames it drew since the browser's Play last ticked
        self.code_view = widgets.HTML()
        made = self._make_controls()
        super().__init__({name: made[name] for name in shown})
        rows = [
            widgets.HBox(
                [self.controls[n] for n in row if n in self.controls],
                layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
            )
            for row in CONTROL_ROWS
            if any(n in self.controls for n in row)
        ]
        # The picture and the controls side by side where the notebook is wide enough (the controls wrap
        # below it where it is not), the readout and the code under both. The picture and the readout stay
        # the widget's own children, where every lesson widget has them.
        self.control_panel = widgets.VBox(rows, layout=widgets.Layout(width=f"{CONTROLS_WIDTH}px", margin="0 0 0 4px"))
        self.image.layout = widgets.Layout(width=f"{PICTURE_WIDTH}px")
        self.readout.layout = widgets.Layout(width="100%")
        self.code_view.layout = widgets.Layout(width="100%")
        self.layout.flex_flow = "row wrap"
        self.layout.align_items = "flex-start"
        self.add_class("course-playground")
        if len(rows) <= READOUT_BESIDE_ROWS:
            self.add_class("course-readout-beside")  # on a slide, the readout goes under these few controls
        self.style_sheet = widgets.HTML(PLAYGROUND_CSS, layout=widgets.Layout(display="none"))
        self.children = [
            self.image,
            self.control_panel,
            self.readout,
            self.code_view,
            self.focus_style,
            self.style_sheet,
        ]
        if "edit_weight" in self.controls:
            # An Image widget reports no clicks; ipyevents delivers them, in the picture's own pixels.
            from ipyevents import Event

            self.clicks = Event(source=self.image, watched_events=["click"])
            self.clicks.on_dom_event(self._clicked)

    # ---------------------------------------------------------------- building
    @staticmethod
    def _check_controls(controls) -> tuple:
        names = [controls] if isinstance(controls, str) else list(controls)
        for name in names:
            if name not in CONTROL_NAMES:
                raise UnknownNameError(f"unknown control {name!r}; valid control names are: {', '.join(CONTROL_NAMES)}")
        return tuple(n for n in CONTROL_NAMES if n in names)

    def _make_controls(self) -> dict:
        s, model = self.model.settings, self.model

        def button(description, tooltip):
            return widgets.Button(
                description=description, tooltip=tooltip, layout=widgets.Layout(width="auto", padding="0 10px")
            )

        def slider(value, low, high, description, width, **kwargs):
            return widgets.IntSlider(
                value=value,
                min=low,
                max=high,
                description=description,
                continuous_update=True,
                style=STYLE,
                layout=widgets.Layout(width=f"{width}px"),
                **kwargs,
            )

        def dropdown(options, value, description, width, **kwargs):
            return widgets.Dropdown(
                options=options,
                value=value,
                description=description,
                style=STYLE,
                layout=widgets.Layout(width=f"{width}px"),
                **kwargs,
            )

        c = {
            # _view_count=0 asks the browser to count the views showing it: when the last one goes (the
            # cell re-run or its output cleared), nobody can press pause any more, so play stops itself.
            "play": widgets.Play(
                value=0,
                min=0,
                max=10**9,
                interval=PLAY_INTERVAL_MS,
                description="play",
                show_repeat=False,
                _view_count=0,
                layout=widgets.Layout(width="100px"),
            ),
            "step": button("step", "train one epoch"),
            "reset": button("reset", "the same starting weights again, epoch 0"),
            "new_weights": button("new weights", "other random starting weights, epoch 0"),
            "learning_rate": _log_slider(s.learning_rate, 1e-5, 10.0, "learning rate"),
            "activation": dropdown(list(PLAYGROUND_ACTIVATIONS), s.activation, "activation", 155),
            "regularization": dropdown(list(REGULARIZATIONS), s.regularization, "regularisation", 175),
            "regularization_rate": dropdown(
                sorted(set(REGULARIZATION_RATES) | {s.regularization_rate}), s.regularization_rate, "penalty rate", 150
            ),
            "dataset": dropdown(
                ["own"]
                if model.own_data
                else [
                    *((name, name) for name in PLAYGROUND_CLASSIFICATION),
                    *((f"{name} (regression)", name) for name in PLAYGROUND_REGRESSION),
                ],
                s.dataset,
                "data",
                190,
                disabled=model.own_data,
            ),
            "classes": slider(
                model.n_classes or s.classes, 2, MAX_CLASSES, "classes", 144, disabled=self._classes_fixed()
            ),
            "noise": slider(int(round(s.noise)), 0, 50, "noise %", 167, disabled=model.own_data),
            "train_ratio": slider(int(round(s.train_ratio)), 10, 100 if model.own_data else 90, "train %", 167),
            "batch_size": slider(s.batch_size, 1, max(30, s.batch_size), "batch size", 186),
            "regenerate": widgets.Button(
                description="regenerate",
                disabled=model.own_data,
                tooltip="new data of the same kind",
                layout=widgets.Layout(width="auto", padding="0 10px"),
            ),
            "features": FeaturePicker(s.features),
            "hidden": widgets.Text(
                value=", ".join(str(n) for n in s.hidden),
                description="hidden layers",
                placeholder="e.g. 4, 2",
                continuous_update=False,
                style=STYLE,
                layout=widgets.Layout(width="178px"),
            ),
            "hidden_buttons": HiddenButtons(s.hidden, self._set_hidden),
            "show_test": widgets.Checkbox(
                value=s.show_test, description="show test data", indent=False, layout=widgets.Layout(width="auto")
            ),
            "discretize": widgets.Checkbox(
                value=s.discretize,
                description="discretise",
                indent=False,
                tooltip="show the output as the predicted class only",
                layout=widgets.Layout(width="auto"),
            ),
            "sample": slider(
                -1 if s.sample is None else s.sample,
                -1,
                len(model.train) - 1,
                "backward pass",
                CONTROLS_WIDTH - 6,
                tooltip="the training sample whose backward pass the links show; -1 shows none",
            ),
            "edit_weight": self._make_weight_editor(),
            "code": widgets.ToggleButton(
                value=False,
                description="show me the code",
                icon="code",
                layout=widgets.Layout(width="auto", padding="0 10px"),
            ),
        }
        c["step"].on_click(lambda _: self._action(self._do_step))
        c["reset"].on_click(lambda _: self._action(self.model.reset))
        c["new_weights"].on_click(lambda _: self._action(self.model.new_weights))
        c["regenerate"].on_click(lambda _: self._action(self.model.regenerate))
        c["play"].observe(self._on_playing, names="playing")
        return c

    def _make_weight_editor(self) -> widgets.HBox:
        self.weight_choice = widgets.Dropdown(
            description="edit weight", style=STYLE, layout=widgets.Layout(width="210px")
        )
        self.weight_value = widgets.FloatText(
            description="=", style=STYLE, layout=widgets.Layout(width="124px"), continuous_update=False
        )
        self._fill_weight_choices()
        self.weight_choice.observe(self._show_weight, names="value")
        self.weight_value.observe(self._set_weight, names="value")
        return widgets.HBox([self.weight_choice, self.weight_value])

    def _fill_weight_choices(self) -> None:
        """The list of links for the network's layout. The same layout again (a step, a reset, new data) keeps
        the link chosen; a new layout starts with none ("click a link" first, so any link is a change)."""
        net, features = self.model.net, self.model.settings.features
        names = [list(features)] + [[f"h{l + 1}.{i + 1}" for i in range(n)] for l, n in enumerate(net.sizes[1:-1])]
        names.append([f"out{i + 1}" for i in range(net.sizes[-1])])
        options = [NO_LINK] + [
            (f"{names[l + 1][i]} ← {names[l][j]}", (l, i, j))
            for l, W in enumerate(net.weights)
            for i in range(W.shape[0])
            for j in range(W.shape[1])
        ]
        if list(self.weight_choice.options) == options:
            self._show_chosen_value()
            return
        self.chosen = None
        self._syncing = True
        try:
            self.weight_choice.options = options
            self.weight_choice.index = 0  # "click a link" shown (ipywidgets takes value None for no row at all)
            self.weight_value.value = 0.0
            self.weight_value.disabled = True
        finally:
            self._syncing = False

    def _show_chosen_value(self) -> None:
        """The chosen link's weight as it is now, in the box beside the list."""
        if self.chosen is None or "edit_weight" not in self.controls:
            return
        l, i, j = self.chosen
        value = round(float(self.model.net.weights[l][i, j]), 6)
        if self.weight_value.value != value:
            self._syncing = True
            try:
                self.weight_value.value = value
            finally:
                self._syncing = False

    # ---------------------------------------------------------------- public
    @property
    def net(self):
        """The network being trained (a ``course_lib.MLP``): export it, or test it on new data."""
        return self.model.net

    @property
    def settings(self) -> dict:
        """The setup as a dictionary; ``playground(settings=pg.settings)`` builds the same setup again."""
        return self.model.settings_dict()

    def code(self) -> str:
        """Plain course_lib code reproducing the run so far (see ``PlaygroundModel.code``)."""
        return self.model.code()

    def step(self, epochs: int = 1) -> bool:
        """Train ``epochs`` epochs and redraw; False if training diverged (see ``model.diverged``)."""
        ok = self.model.step(epochs)
        self._draw()
        return ok

    def reset(self) -> None:
        """Back to the same starting weights, epoch 0."""
        self._action(self.model.reset)

    def new_weights(self) -> None:
        """Other random starting weights, epoch 0."""
        self._action(self.model.new_weights)

    # ---------------------------------------------------------------- reacting
    def _on_change(self, change=None) -> None:
        if self._syncing:
            return
        started = time.perf_counter()
        if change is None:  # the first drawing, from LessonWidget.__init__
            self._draw()
        else:
            name = next((n for n, w in self.controls.items() if w is change["owner"]), None)
            if name == "play":
                self._tick(started)
            elif name == "code":
                self._show_code()
            elif name is not None:
                self._apply(name, change["new"], started)
        self._last_done = time.perf_counter()

    def _apply(self, name: str, value, started: float) -> None:
        if name == "sample":
            value = None if value < 0 else value
        epoch = self.model.epoch
        try:
            what = self.model.set(**{name: value})
        except CourseError as error:
            self.message = str(error)
            self._show_setting(name)  # the control goes back to what is in force
            self._write_readout()
            return
        self.message = ""
        if what in ("data", "network"):
            self.notice = self._restart_notice(name, what, epoch)
            self._sync_controls()
        elif what == "training":
            self.notice = ""
        # While playing, a change is drawn at once, between two frames: the frames do not wait for the browser,
        # so a change left to the next frame, or put off as if more were queued behind it, would come later.
        playing = self._player is not None
        self.redraw(queued=not playing and self.came_queued(started), draw=self._draw)

    @staticmethod
    def _restart_notice(name: str, what: str, epoch: int) -> str:
        """What a change that needs a new network did: ``activation changed: restarted at epoch 0 ...``."""
        new = "new data and a new network" if what == "data" else "a new network"
        was = f" (it was at epoch {epoch})" if epoch else ""
        return f"{LABELS.get(name, name)} changed: restarted at epoch 0 with {new}{was}"

    def _action(self, action) -> None:
        """A button: run it, keep the controls in step, redraw; a refused action is explained."""
        try:
            action()
            self.message = ""
        except CourseError as error:
            self.message = str(error)
        self.notice = ""
        self._sync_controls()
        self._draw()
        self._last_done = time.perf_counter()

    def _do_step(self) -> None:
        self.model.step(1)

    def _tick(self, started: float) -> None:
        """One frame of play: one epoch, then a redraw unless newer ticks are already waiting."""
        play = self.controls["play"]
        if self._player is not None:
            self._frames_ahead = 0  # the browser has caught up with the frames drawn before the last tick
            return  # the kernel's own play loop draws the frames
        if self.model.diverged and not play.playing:
            return  # a tick still on its way after a divergence stopped play
        if not self.model.step(1):
            self._stop_play()
            self._draw()
            return
        self.redraw(queued=self.came_queued(started), draw=self._draw)

    def _stop_play(self) -> bool:
        play = self.controls.get("play")
        if play is not None and play.playing:
            play.playing = False
            return True
        return False

    def _on_playing(self, change) -> None:
        if not change["new"]:
            if self._player is None:
                self._draw()  # the last frame shows exactly where play stopped
            return
        loop = kernel_event_loop()
        if loop is None:
            return  # not in a kernel: the Play widget's ticks drive the frames
        if self._player is None:
            self._player = loop.create_task(self._play_loop())

    async def _play_loop(self) -> None:
        """Frames while playing: one epoch and one picture, then a sleep that lets the kernel serve others.

        A frame waits while ``MAX_FRAMES_AHEAD`` pictures have been drawn since the browser's last tick: the
        browser decodes every picture it is sent, and one that falls behind shows a change only after the
        pictures queued before it (with Chromium's CPU slowed fourfold, 0.1-0.4 s while playing against
        0.05-0.1 s paused, before this wait).
        """
        play = self.controls["play"]
        shown = bool(play._view_count)
        self._frames_ahead = 0
        try:
            due = time.perf_counter()  # when the next frame may be drawn
            while play.playing:
                shown = shown or bool(play._view_count)
                if (shown and not play._view_count) or self.comm is None:
                    play.playing = False  # no longer on screen, or closed: stop training in the background
                    break
                now = time.perf_counter()
                behind = self._frames_ahead >= MAX_FRAMES_AHEAD and now - due < ACK_TIMEOUT_S
                if now < due or behind:  # not yet time, or the browser has not caught up: serve the others
                    await asyncio.sleep(min(max(due - now, 0.005), 0.02) if now < due else 0.005)
                    continue
                started = time.perf_counter()
                ok = self.model.step(1)
                self._draw()
                if not ok:
                    play.playing = False
                    break
                due = started + PLAY_INTERVAL_MS / 1000
                await asyncio.sleep(0.005 if time.perf_counter() >= due else due - time.perf_counter())
        except Exception as error:  # shown, not lost inside a task nobody awaits
            self.message = f"playing stopped: {error.__class__.__name__}: {error}"
            play.playing = False
            self._write_readout()
        finally:
            self._player = None
            self._draw()
            self._describe_picture()  # the text alternative, not sent with every frame, catches up

    def _set_hidden(self, sizes) -> None:
        """The +/- buttons: new hidden layer sizes, as if typed into the hidden layers box."""
        self._apply("hidden", tuple(sizes), time.perf_counter())
        self._last_done = time.perf_counter()

    def _sync_controls(self) -> None:
        """After new data or a new network: the controls that depend on them, without triggering updates."""
        if "hidden_buttons" in self.controls and self.controls["hidden_buttons"].sizes != self.model.settings.hidden:
            self.controls["hidden_buttons"].show(self.model.settings.hidden)
        self._syncing = True
        try:
            if "hidden" in self.controls:
                self.controls["hidden"].value = ", ".join(str(n) for n in self.model.settings.hidden)
            if "sample" in self.controls:
                slider = self.controls["sample"]
                slider.max = len(self.model.train) - 1
                slider.value = -1 if self.model.settings.sample is None else self.model.settings.sample
            if "classes" in self.controls:
                self.controls["classes"].disabled = self._classes_fixed()
        finally:
            self._syncing = False
        if "edit_weight" in self.controls:
            self._fill_weight_choices()
        if "code" in self.controls and self.controls["code"].value:
            self._show_code()

    def _classes_fixed(self) -> bool:
        """Only 'gauss' and 'spiral' take a number of classes: circle and xor have two, regression none."""
        return self.model.own_data or self.model.settings.dataset not in ("gauss", "spiral")

    def _show_setting(self, name: str) -> None:
        """Put the setting in force back into its control, without reacting to it."""
        if name not in self.controls:
            return  # changed by another control (the +/- buttons change the hidden layers)
        value = getattr(self.model.settings, name)
        shown = {"hidden": lambda v: ", ".join(str(n) for n in v), "sample": lambda v: -1 if v is None else v}
        self._syncing = True
        try:
            self.controls[name].value = shown.get(name, lambda v: v)(value)
        finally:
            self._syncing = False

    def _show_weight(self, change) -> None:
        """A link chosen in the list (or by a click): its weight in the box, and the link marked in the picture."""
        if self._syncing:
            return
        self.chosen = change["new"]
        self.weight_value.disabled = self.chosen is None
        self.notice = ""
        self._draw()  # which shows the chosen weight in the box

    def _clicked(self, event: dict) -> None:
        """A click on the picture: the link under it becomes the one to edit, as if chosen in the list."""
        x, y = event.get("dataX"), event.get("dataY")
        # ipyevents may attach its listener twice to a view (once per change of the view count), and then
        # sends one click twice, with the same time stamp: the second is not a new click.
        stamp = event.get("timeStamp")
        if x is None or y is None or (stamp is not None and stamp == self._last_click):
            return
        self._last_click = stamp
        link = link_at(self.model.net.sizes, float(x), float(y))
        if link is None:
            self.notice = "no link there: click on a line between two nodes to edit its weight"
            self._write_readout()
        elif link == self.weight_choice.value:
            self._show_weight({"new": link})
        else:
            self.weight_choice.value = link  # its observer shows the weight and marks the link
        self._last_done = time.perf_counter()

    def _set_weight(self, change) -> None:
        if self._syncing or self.chosen is None:
            return
        l, i, j = self.chosen
        try:
            self.model.set_weight(l, i, j, change["new"])
            self.message = ""
        except CourseError as error:
            self.message = str(error)
        self._draw()

    def _show_code(self) -> None:
        shown = self.controls["code"].value if "code" in self.controls else True
        self.code_view.value = (
            (
                "<div>Plain course_lib code that reproduces this run (epoch 0 to "
                f"{self.model.epoch}):</div><pre style='font-size:11px;line-height:1.3'>"
                f"{html.escape(self.code())}</pre>"
            )
            if shown
            else ""
        )

    # ---------------------------------------------------------------- drawing
    def _draw(self) -> None:
        self._show_chosen_value()  # training moves the chosen weight too
        self.canvas = draw(self.model, self._backgrounds, self.chosen)
        self.image.value = self.canvas.png()
        self.frames += 1
        if self._player is not None:
            self._frames_ahead += 1  # one more picture for the browser to take in (a frame, or a change's)
        self._write_readout()
        if "code" in self.controls and self.controls["code"].value:
            self._show_code()
        self._last_drawn = time.perf_counter()

    def update(self) -> None:
        """Redraw the picture and the readout (LessonWidget's hook)."""
        self._draw()

    def render(self) -> None:
        self._draw()

    def _describe_picture(self, change=None) -> None:
        """The picture's text alternative follows every picture, but not every frame while playing: a screen
        reader does not read a title that changes 16 times a second, and the browser need not receive it.
        The last frame, when play stops, brings it up to date."""
        if self._player is None:
            super()._describe_picture(change)

    def describe(self) -> str:
        """The picture in words, for screen readers: the setup, the accuracies and any warning."""
        controls = ", ".join(name.replace("_", " ") for name in self.controls)
        return (
            describe_model(self.model) + f" Controls here: {controls}." + (f" {self.message}" if self.message else "")
        )

    def _write_readout(self) -> None:
        """The numbers under the picture: the losses of the network as it is now (with the penalty term when
        there is one), the accuracies, every training setting in force, and what the last change did."""
        m = self.model
        h, s = m.history, m.settings

        def number(name, value, digits=4):
            shown = f"{value:.{digits}f}" if math.isfinite(value) else "—"
            return f"<span data-name='{name}'>{shown}</span>"

        def text(name, value):
            return f"<span data-name='{name}'>{html.escape(str(value))}</span>"

        loss = f"train loss {number('train-loss', h.train_loss[-1])}"
        if s.regularization != "none" and s.regularization_rate > 0:
            loss += f" + {s.regularization} penalty {number('penalty', m.penalty())}"
        n_train = len(m.X_train)
        steps = -(-n_train // s.batch_size)
        penalty = (
            "no penalty"
            if s.regularization == "none"
            else f"{text('regularization', s.regularization)} penalty, rate "
            f"{text('regularization-rate', f'{s.regularization_rate:g}')}"
        )
        scores = (
            ["regression: the loss is the mean squared error"]
            if m.regression
            else [
                f"train accuracy {number('train-accuracy', 100 * m.accuracy('train'), 1)}%",
                f"test accuracy {number('test-accuracy', 100 * m.accuracy('test'), 1)}%",
            ]
        )
        lines = [
            " · ".join(
                [
                    f"<b>epoch <span data-name='epoch'>{m.epoch}</span></b>",
                    loss,
                    f"test loss {number('test-loss', h.test_loss[-1])}",
                    *scores,
                ]
            ),
            " · ".join(
                [
                    f"learning rate <span data-name='learning-rate'>{s.learning_rate:.3g}</span>",
                    f"activation {text('activation', s.activation)}",
                    f"batch size {text('batch-size', s.batch_size)} ({steps} step{'s' * (steps > 1)} an epoch; "
                    "the next batch is ringed)",
                    penalty,
                ]
            ),
        ]
        if s.regularization != "none" and s.regularization_rate == 0:
            lines.append(f"{s.regularization} is chosen but its rate is 0: choose a penalty rate above 0.")
        if self.chosen is not None and "edit_weight" in self.controls:
            label = next(text for text, value in self.weight_choice.options if value == self.chosen)
            lines.append(
                f"Editing the weight {text('chosen-link', label)} (dashed in the picture): type its new value "
                "in the box after 'edit weight =', or click another link."
            )
        if s.sample is not None:
            lines.append(
                f"The links show -dL/dW for training sample {s.sample}: where this one sample pushes each "
                "weight. Each node's border shows its signal s = -dL/dz (blue: positive, orange: "
                f"negative; thicker: larger within its layer): {html.escape(sample_numbers(m))}."
            )
        if self.notice:
            lines.append(f"<span data-name='notice' style='color:#1a5fb4'>{html.escape(self.notice)}</span>")
        dead = m.dead_units()
        if sum(dead):
            lines.append(
                f"dead ReLUs: {sum(dead)} of {sum(s.hidden)} hidden units output 0 for every "
                "training sample, so their gradients are 0 and they cannot learn (try new weights, "
                "a smaller learning rate or tanh)."
            )
        if m.diverged:
            lines.append(f"<span data-name='diverged' style='color:#c00'><b>{html.escape(m.diverged)}</b></span>")
        if self.message:
            lines.append(f"<span data-name='message' style='color:#c00'>{html.escape(self.message)}</span>")
        self.readout.value = "<br>".join(lines)


def playground(X=None, y=None, *, controls=None, settings: dict | None = None, **overrides) -> Playground:
    """A training playground for a small network on 2-D data.

    Parameters
    ----------
    X, y : optional data of your own: X (n_samples, 2) numbers, y (n_samples,) class labels
        of any kind (at least two classes; more than two give a softmax output).
    controls : the names of the controls to show (default all, see ``CONTROL_NAMES``), e.g.
        ``["learning_rate", "activation"]``; hidden controls keep their settings.
    settings : a setup as ``pg.settings`` returned it, to build it again.
    overrides : single settings, e.g. ``dataset="spiral", classes=3, hidden=(8, 8),
        learning_rate=0.1``; see ``playground_settings.Settings`` for every name.

    The widget's ``net`` is the trained ``MLP``, ``settings`` the setup as a dictionary and
    ``code()`` plain course_lib code reproducing the run.
    """
    given = dict(settings or {})
    for name in overrides:
        if name not in SETTING_NAMES:
            raise UnknownNameError(f"unknown setting {name!r}; valid settings are: {', '.join(SETTING_NAMES)}")
    given.update(overrides)
    if X is None and y is not None or X is not None and y is None:
        raise CourseError("give both X and y (your own data), or neither (a built-in data set)")
    if X is not None and isinstance(given.get("dataset"), str) and given["dataset"] in PLAYGROUND_DATASETS:
        raise CourseError(f"you gave your own X and y and also dataset={given['dataset']!r}; choose one")
    return Playground(PlaygroundModel(given, X, y), controls)
