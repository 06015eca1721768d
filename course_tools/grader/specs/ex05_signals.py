"""Grading spec of ex05_signals: output signals (sigmoid, softmax), hidden signals (sigmoid, tanh, relu), gradients, one
step two ways, predictions.

Part 5 is a concept item: which way the recipe moves a weight, and which of its steps need which others first,
asked on cases drawn afresh, each wrong answer explained by the slip it looks like.
"""

import numpy as np

from course_tools.grader.spec import Spec, call, code, probe

# The exercise is the recipe itself: the library's recipe, network, training loop (which calls the network's
# backward for the learner), autodiff and numerical gradients are off limits while grading.
SPEC = Spec(
    "ex05_signals", learner_writes=("forward pass", "backward pass", "update", "numerical gradients", "scalar graph")
)

# Backpropagation updates this network in milliseconds; numerical differences need two
# forward passes per parameter (about 420,000 of them) and run far past the time limit.
BIG = (600, 600, 100)

_EXAMPLE = [
    code(name)
    for name in ("X_EXAMPLE", "T_EXAMPLE", "W1_EXAMPLE", "B1_EXAMPLE", "W2_EXAMPLE", "B2_EXAMPLE", "RATE_EXAMPLE")
]


def _network(rng, p, h, k):
    """A random sample and sigmoid network: [x (p,), t (k,), W1 (h, p), b1 (h,), W2 (k, h), b2 (k,), rate]."""
    return [
        rng.normal(size=p),
        rng.uniform(size=k),
        rng.normal(size=(h, p)),
        rng.normal(size=h),
        rng.normal(size=(k, h)),
        rng.normal(size=k),
        float(rng.uniform(0.1, 1.0)),
    ]


# The arrays themselves come back after the call; the grader compares them with the
# reference's (which leaves its inputs alone), so the verdict is the grader's own.
_UNCHANGED = """{step}(x, t, W1, b1, W2, b2, rate)
result = [x, t, W1, b1, W2, b2]"""

# ---------------------------------------------------------------- part 1
outputs = SPEC.part("output_signals_tests", "Part 1: output signals")


@outputs.check(
    "output_signals and softmax_output_signals at the notebook's examples and at random values",
    points=1,
    hint="sigmoid with squared error: (t - y) y (1 - y); softmax with cross-entropy: -dL/dz",
)
def output_examples(rng):
    return [
        call("output_signals", np.array([1.0, 0.0]), np.array([0.5, 0.5])),
        call("output_signals", np.array([0.9, 0.1]), np.array([0.8, 0.3])),
        call("output_signals", rng.uniform(size=2), rng.uniform(0.01, 0.99, size=2)),
        call("softmax_output_signals", np.array([0.0, 1.0, 0.0]), np.zeros(3)),
        call("softmax_output_signals", np.eye(3)[int(rng.integers(3))], rng.normal(size=3)),
    ]


@outputs.check(
    "both output signals for random targets and scores, 1 to 6 nodes, scores in the hundreds",
    points=1,
    hidden=True,
    hint="take the largest score out before np.exp",
)
def output_random(rng):
    probes = [call("output_signals", rng.uniform(size=k), rng.uniform(0.01, 0.99, size=k)) for k in (1, 3, 6)]
    probes += [
        call("softmax_output_signals", np.eye(k)[int(rng.integers(k))], rng.normal(size=k) * scale)
        for k, scale in ((2, 1.0), (4, 5.0), (6, 300.0))
    ]
    return probes


# ---------------------------------------------------------------- part 2
hidden = SPEC.part("hidden_signals_tests", "Part 2: hidden signals")


@hidden.check(
    "hidden_signals at the notebook's examples (sigmoid, tanh, relu) and at random values",
    points=1,
    hint="out_signals @ W_out, times the slope: h (1 - h), 1 - h^2, or 1 where h > 0",
)
def hidden_examples(rng):
    W = np.array([[0.4, 0.8], [0.2, -0.8]])
    return [
        call("hidden_signals", np.array([0.125, -0.125]), W, np.array([0.5, 0.5])),
        call("hidden_signals", np.array([1.0, 0.0, 0.0]), np.arange(6.0).reshape(3, 2), np.array([0.5, 0.9])),
        call("hidden_signals", np.array([0.125, -0.125]), W, np.array([0.5, -0.5]), "tanh"),
        call("hidden_signals", np.array([0.125, -0.125]), W, np.array([0.0, 1.5]), "relu"),
        call("hidden_signals", rng.normal(size=3), rng.normal(size=(3, 2)), rng.uniform(0.01, 0.99, size=2)),
    ]


@hidden.check(
    "hidden_signals for random layers of several sizes (non-square weights), all three activations",
    points=1,
    hidden=True,
    hint="hidden node j sums signal_k * W_out[k, j] over the outputs k, times its own slope",
)
def hidden_random(rng):
    probes = [
        call("hidden_signals", rng.normal(size=k), rng.normal(size=(k, h)), rng.uniform(0.01, 0.99, size=h))
        for k, h in ((2, 2), (4, 3), (1, 5))
    ]
    probes += [
        call("hidden_signals", rng.normal(size=4), rng.normal(size=(4, 3)), np.tanh(rng.normal(size=3)), "tanh"),
        call(
            "hidden_signals", rng.normal(size=2), rng.normal(size=(2, 5)), np.maximum(rng.normal(size=5), 0.0), "relu"
        ),
    ]
    return probes


# ---------------------------------------------------------------- part 3
gradients = SPEC.part("signal_gradients_tests", "Part 3: gradients in the signal recipe")


@gradients.check(
    "signal_gradients([0.5, -1, 2], [4, 3]) and for random values of the same shapes",
    points=0.5,
    hint="entry [j, i] is signals[j] * inputs[i]: one row per receiving node",
)
def gradients_example(rng):
    return [
        call("signal_gradients", np.array([0.5, -1.0, 2.0]), np.array([4.0, 3.0])),
        call("signal_gradients", rng.normal(size=3), rng.normal(size=2)),
    ]


@gradients.check(
    "signal_gradients for random signals and inputs of several sizes",
    points=0.5,
    hidden=True,
    hint="entry [j, i] is signals[j] * inputs[i]: one row per receiving node",
)
def gradients_random(rng):
    return [
        call("signal_gradients", rng.normal(size=n_to), rng.normal(size=n_from))
        for n_to, n_from in ((2, 2), (4, 5), (1, 3))
    ]


# ---------------------------------------------------------------- part 4
steps = SPEC.part("steps_tests", "Part 4: one training step, two ways")


@steps.check(
    "signal_step on the 2-2-2 example network and on a random 2-2-2 network",
    points=0.5,
    hint="signals use t - y; parameters move by + rate * signal * input; hidden signals use the old W2",
)
def signal_example(rng):
    return [call("signal_step", *_EXAMPLE), call("signal_step", *_network(rng, 2, 2, 2))]


@steps.check(
    "signal_step on random networks of other sizes, leaving its inputs unchanged",
    points=1,
    hidden=True,
    hint="signals use t - y and the OLD W2; return new arrays (W1 + ...) instead of updating in place",
)
def signal_random(rng):
    probes = [call("signal_step", *_network(rng, p, h, k)) for p, h, k in ((2, 2, 2), (3, 4, 2), (5, 3, 1))]
    x, t, W1, b1, W2, b2, rate = _network(rng, 3, 2, 2)
    probes.append(
        probe(_UNCHANGED.format(step="signal_step"), x=x, t=t, W1=W1, b1=b1, W2=W2, b2=b2, rate=rate).describe(
            "x, t, W1, b1, W2, b2 after signal_step(x, t, W1, b1, W2, b2, rate): unchanged"
        )
    )
    return probes


@steps.check(
    "delta_step on the 2-2-2 example network and on a random 2-2-2 network",
    points=0.5,
    hint="delta uses y - t; parameters move by - rate * delta * input",
)
def delta_example(rng):
    return [call("delta_step", *_EXAMPLE), call("delta_step", *_network(rng, 2, 2, 2))]


@steps.check(
    "delta_step on random networks of other sizes, leaving its inputs unchanged",
    points=1,
    hidden=True,
    hint="delta_hidden = (W2.T @ delta_out) * h (1 - h) with the OLD W2; "
    "return new arrays (W1 - ...) instead of updating in place",
)
def delta_random(rng):
    probes = [call("delta_step", *_network(rng, p, h, k)) for p, h, k in ((2, 2, 2), (3, 4, 2), (5, 3, 1))]
    x, t, W1, b1, W2, b2, rate = _network(rng, 3, 2, 2)
    probes.append(
        probe(_UNCHANGED.format(step="delta_step"), x=x, t=t, W1=W1, b1=b1, W2=W2, b2=b2, rate=rate).describe(
            "x, t, W1, b1, W2, b2 after delta_step(x, t, W1, b1, W2, b2, rate): unchanged"
        )
    )
    probes.append(
        call("delta_step", *_network(rng, *BIG)).describe(
            "delta_step on a {}-{}-{} network (backpropagation takes milliseconds; numerical differences "
            "would take minutes)".format(*BIG)
        )
    )
    return probes


# ---------------------------------------------------------------- part 5
predictions = SPEC.part("predictions_tests", "Part 5: predict before you run")
MOVES = ("up", "down", "stays")
# For each step, the steps whose results it uses (directly or through another): McCaffrey's numbers.
NEEDS = {2: {4, 5, 6, 7}, 4: {5}, 5: set(), 6: {5, 7}, 7: {5}}


def _moves_feedback(got, expected, probe):
    if got == expected:
        return None
    if got not in MOVES:
        return f"expected one of {MOVES}, got {got!r}"
    target, output, value = (probe.inputs[f"_arg{i}"] for i in range(3))
    said = (
        f"with target {target:.3g}, output {output:.3g} and input {value:.3g} the weight goes {expected!r}, not {got!r}"
    )
    if expected == "stays":
        return f"{said}: the step is rate x signal x input, and the input is 0"
    if got == "stays":
        return f"{said}: the signal and the input are both non-zero, so the step is too"
    if (target - output) * value < 0 and (got == "up") == (target > output):
        return f"{said}: the input's sign counts too: the step is rate x signal x INPUT, and this input is negative"
    return (
        f"{said}: sign. The signal is t - y (positive when the output should grow) and the recipe ADDS rate x "
        "signal x input; y - t is the textbook's delta, whose step is subtracted"
    )


def _order_feedback(got, expected, probe):
    if isinstance(got, (bool, np.bool_)) and bool(got) == expected:
        return None
    if not isinstance(got, (bool, np.bool_)):
        return f"expected True or False, got {got!r}"
    a, b = probe.inputs["_arg0"], probe.inputs["_arg1"]
    said = f"must step {a} come before step {b}? {expected}, not {got}"
    if {a, b} == {2, 7}:
        return f"{said}: the hidden signals (7) use the OLD weights W^2, so the update (2) must wait for them"
    if a == 2:
        return f"{said}: the update (2) uses every gradient, so it comes last"
    if expected:
        return f"{said}: step {b} uses the result of step {a}"
    if a < b:
        return f"{said}: McCaffrey's numbers are not the order of the work; step {b} does not use step {a}'s result"
    return f"{said}: neither uses the other's result, so either order works"


def _pairs(rng, count):
    steps = sorted(NEEDS)
    pairs = [(a, b) for a in steps for b in steps if a != b]
    return [pairs[i] for i in rng.choice(len(pairs), size=count, replace=False)]


@predictions.check(
    "A: weight_moves for the worked case and random targets, outputs and inputs of both signs",
    points=1,
    hidden=True,
    compare=_moves_feedback,
    hint="lesson 5, 'Step 2: update every weight and bias': which sign has rate x signal x input?",
)
def moves_prediction(rng):
    probes = [call("weight_moves", 1.0, 0.5, 2.0)]
    for value_sign in (1, -1, 1, -1):
        target, output = (float(v) for v in rng.uniform(0.02, 0.98, size=2))
        probes.append(call("weight_moves", target, output, value_sign * float(rng.uniform(0.1, 3.0))))
    probes.append(call("weight_moves", float(rng.uniform(0, 1)), float(rng.uniform(0.02, 0.98)), 0.0))
    return probes


@predictions.check(
    "B: must_come_before for the update and the hidden signals, and random pairs of steps",
    points=1,
    hidden=True,
    compare=_order_feedback,
    hint="lesson 5, 'The recipe in seven steps': which results does each step use?",
)
def order_prediction(rng):
    return [call("must_come_before", 7, 2), call("must_come_before", 2, 7)] + [
        call("must_come_before", int(a), int(b)) for a, b in _pairs(rng, 8)
    ]
