"""Grading spec of ex09_train_classifier: mini-batches, predictions, reading curves and choosing data,
and a trained network judged on unseen data.

Part 3's checks are concept items: which epoch's weights to keep, on curves drawn afresh, and which
data decide which choice, asked in a random order; each wrong answer gets a sentence saying why.
The training checks do not compare with the reference solution: the grader takes
the parameters the learner's ``train_classifier`` returns and measures their
accuracy itself, with the forward pass below, on spirals drawn afresh.
"""

import numpy as np

from course_lib.data import spirals
from course_tools.grader.networks import accuracy_shortfall, network_labels, network_problem
from course_tools.grader.spec import Spec, call, probe

# The exercise is the loop and the predictions: the library's versions are off limits while grading.
SPEC = Spec("ex09_train_classifier", learner_writes=("training loop", "predictions"))

TARGET = 0.9  # the accuracy the trained network must reach on data it never saw
NOISE = 0.3  # the spirals of the notebook
N_CLASSES = 3
MAX_PARAMETERS = 1_000_000  # keeps the grader's own forward pass cheap
TRAIN_TIMEOUT = 60.0


# ---------------------------------------------------------------- the grader's own view of a network
def params_problem(params, n_inputs: int = 2, n_classes: int = N_CLASSES) -> str | None:
    """Why ``params`` is not a well-formed network dict for n_inputs -> n_classes; None when it is."""
    return network_problem(params, n_inputs, n_classes, MAX_PARAMETERS)


def grader_predict(params, X: np.ndarray) -> np.ndarray:
    """The grader's forward pass. params: a dict accepted by ``params_problem``; X (n, n_inputs) -> int labels (n,)."""
    return network_labels(params, X)


def held_out_problem(params, X: np.ndarray, y: np.ndarray, where: str) -> str | None:
    """Why the network ``params`` falls short of TARGET accuracy on X, y (``where`` names the data); None if not."""
    return accuracy_shortfall(
        params, X, y, problem=params_problem, predict=grader_predict, target=TARGET, where=where, n_classes=N_CLASSES
    )


# ---------------------------------------------------------------- part 1
batches = SPEC.part("minibatches_tests", "Part 1: mini-batches")


def _batches_problem(got, expected, probe) -> str | None:
    n, size = probe.inputs["n"], probe.inputs["size"]
    if not isinstance(got, (list, tuple)) or not all(isinstance(b, np.ndarray) and b.ndim == 1 for b in got):
        return "expected a list of 1-D index arrays"
    if any(b.dtype.kind not in "iu" for b in got):
        return "the batches must hold integer indices (rng.permutation gives them)"
    sizes = [len(b) for b in got]
    want = [size] * (n // size) + ([n % size] if n % size else [])
    if sizes != want:
        return f"the batch sizes are {sizes if len(sizes) <= 12 else sizes[:12] + ['...']}, expected {want if len(want) <= 12 else want[:12] + ['...']}"
    everything = np.concatenate(got)
    if not np.array_equal(np.sort(everything), np.arange(n)):
        return f"the batches must hold every index 0..{n - 1} exactly once"
    if n >= 10 and np.array_equal(everything, np.arange(n)):
        return "the indices are in their original order: shuffle them with rng.permutation first"
    # A shuffled order is unrelated to the original: a reversed or nearly sorted one correlates strongly. For
    # a random order of 50 or more, |correlation| passes 0.6 about once in 10^5 draws.
    if n >= 50 and abs(np.corrcoef(np.arange(n), everything)[0, 1]) > 0.6:
        return "the indices keep (or reverse) their original order: shuffle them with rng.permutation first"
    return None


_BATCHES = "result = minibatches(n, size, np.random.default_rng(seed))"
_SEEDS = """result = [minibatches(n, size, np.random.default_rng(seed)), minibatches(n, size, np.random.default_rng(seed)),
          minibatches(n, size, np.random.default_rng(other))]"""


def _seeds_problem(got, expected, probe) -> str | None:
    """Batches of one seed twice and of another seed: the same order, then a different one."""
    if not isinstance(got, (list, tuple)) or len(got) != 3:
        return "expected three lists of batches"
    for batches in got:
        problem = _batches_problem(batches, None, probe)
        if problem:
            return problem
    first, again, other = (np.concatenate(batches) for batches in got)
    if not np.array_equal(first, again):
        return "two generators with the same seed gave different orders: shuffle with the rng you are given"
    if np.array_equal(first, other):
        return "generators with different seeds gave the same order: the order must come from rng.permutation"
    return None


def _batches_or_seeds_problem(got, expected, probe) -> str | None:
    return (_seeds_problem if probe.private.get("seeds") else _batches_problem)(got, expected, probe)


@batches.check(
    "minibatches(10, 4, rng) for two generators: sizes 4, 4, 2, every index once, shuffled",
    points=1,
    reference=False,
    compare=_batches_problem,
    hint="shuffle with rng.permutation(n_samples), then cut every batch_size",
)
def batches_example(rng):
    seed = int(rng.integers(1, 1 << 30))
    return [
        probe(_BATCHES, n=10, size=4, seed=0).describe("minibatches(10, 4, np.random.default_rng(0))"),
        probe(_BATCHES, n=10, size=4, seed=seed).describe(f"minibatches(10, 4, np.random.default_rng({seed}))"),
    ]


@batches.check(
    "minibatches for random sizes, exact multiples, one sample, a batch larger than the data; "
    "the same seed gives the same order and another seed another",
    points=1,
    hidden=True,
    reference=False,
    compare=_batches_or_seeds_problem,
    hint="shuffle with the rng you are given (rng.permutation), then cut; the last batch may be shorter",
)
def batches_random(rng):
    cases = [(int(rng.integers(50, 500)), int(rng.integers(2, 40))), (64, 16), (1, 8), (7, 100)]
    probes = [
        probe(_BATCHES, n=n, size=size, seed=int(rng.integers(1 << 30))).describe(f"minibatches({n}, {size}, rng)")
        for n, size in cases
    ]
    seed, other = (int(s) for s in rng.choice(1 << 30, size=2, replace=False))
    probes.append(
        probe(_SEEDS, n=40, size=8, seed=seed, other=other)
        .keep(seeds=True)
        .describe(f"minibatches(40, 8, rng) with seed {seed} twice and with seed {other}")
    )
    return probes


# ---------------------------------------------------------------- part 2
predictions = SPEC.part("predict_tests", "Part 2: from parameters to answers")


def _random_params(rng, sizes, activation):
    return {
        "weights": [rng.normal(size=(m, k)) for k, m in zip(sizes[:-1], sizes[1:])],
        "biases": [rng.normal(size=m) for m in sizes[1:]],
        "hidden_activation": activation,
    }


_HAND_MADE = {
    "weights": [np.eye(2), np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])],
    "biases": [np.zeros(2), np.array([0.0, 0.0, 0.5])],
    "hidden_activation": "identity",
}
_HAND_X = np.array([[2.0, 1.0], [0.0, 3.0], [0.1, 0.2], [-1.0, 0.4]])


@predictions.check(
    "predict and accuracy on the hand-made network, on random points and labels, and for random "
    "networks of 1 to 3 layers",
    points=1,
    hint="argmax of each row of the last layer's scores, after the hidden activation on every layer but "
    "the last; accuracy is the mean of (predicted == y)",
)
def predict_cases(rng):
    X, y = rng.normal(size=(4, 2)), rng.integers(0, 3, size=4)
    probes = [
        call("predict", _HAND_MADE, _HAND_X).describe("predict(hand-made 2-2-3 network, 4 points)"),
        call("accuracy", _HAND_MADE, _HAND_X, np.array([0, 1, 1, 2])).describe(
            "accuracy(hand-made 2-2-3 network, 4 points, labels [0, 1, 1, 2])"
        ),
        call("predict", _HAND_MADE, X).describe("predict(hand-made 2-2-3 network, 4 random points)"),
        call("accuracy", _HAND_MADE, X, y).describe("accuracy(hand-made 2-2-3 network, 4 random points and labels)"),
    ]
    for sizes, activation in (([2, 3], "tanh"), ([2, 6, 3], "relu"), ([2, 5, 4, 3], "sigmoid")):
        params = _random_params(rng, sizes, activation)
        X, y = rng.normal(size=(40, 2)), rng.integers(0, 3, size=40)
        name = f"{'-'.join(map(str, sizes))} {activation} network"
        probes += [
            call("predict", params, X).describe(f"predict(random {name}, 40 points)"),
            call("accuracy", params, X, y).describe(f"accuracy(random {name}, 40 points, random labels)"),
        ]
    return probes


# ---------------------------------------------------------------- part 3
curves = SPEC.part("curves_tests", "Part 3: read the curves, choose the data")

DATA = ("training", "validation", "test")
# The data that decide each decision, and why (shown when a learner's answer differs).
DECIDED_ON = {
    "gradient steps": ("training", "the steps learn from the training points, and only from them"),
    "learning rate": (
        "validation",
        "every choice is judged on the validation points (lesson 9, 'Choosing on validation data')",
    ),
    "hidden units": (
        "validation",
        "the network's size is a choice like the learning rate: the validation points judge it",
    ),
    "weight decay": ("validation", "lesson 9 chose λ by the validation accuracy"),
    "epoch": ("validation", "early stopping keeps the epoch of the lowest validation loss"),
    "report": ("test", "the test points took part in no choice, so only their accuracy does not flatter you"),
}


def example_curves():
    """The test cell's run: 1000 epochs, validation loss lowest at epoch 15, training loss still falling."""
    epochs = np.arange(1, 1001)
    return (list(1.0 / np.sqrt(epochs)), list(0.5 + 0.002 * (epochs - 15) ** 2 / (1 + 0.01 * (epochs - 15) ** 2)))


def random_curves(rng, n_epochs: int, best: int):
    """A run of ``n_epochs``: a training loss that falls all along and a noisy validation loss lowest at
    epoch ``best`` (1-based; ``best == n_epochs`` means it still falls at the end). Returns two lists."""
    t = np.arange(1, n_epochs + 1)
    train = 1.2 * np.exp(-t / rng.uniform(0.2, 0.6) / n_epochs) + 0.01 * rng.uniform(size=n_epochs) / t
    train = np.minimum.accumulate(train) - 1e-6 * t  # falls at every epoch
    val = 0.3 + 0.9 * np.exp(-t / (0.3 * best)) + rng.uniform(0.002, 0.01) * np.maximum(t - best, 0)
    val = val + rng.uniform(0, 0.004, size=n_epochs)
    val[best - 1] = val.min() - 0.01  # a clear lowest point
    return list(train), list(val)


def _epoch_feedback(got, expected, probe) -> str | None:
    train, val = probe.inputs["train_losses"], probe.inputs["val_losses"]
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        return f"expected an epoch number (an int), got {got!r}"
    if got == expected:
        return None
    if got == len(val):
        return (
            f"you kept the last epoch, {got}; the training loss always falls, so it cannot say when to stop: "
            "keep the epoch where the validation loss is lowest"
        )
    if got == int(np.argmin(train)) + 1:
        return f"epoch {got} has the lowest training loss; the validation loss chooses the epoch"
    if got == expected - 1:
        return f"epoch {got} is one too early: entry 0 of the lists is epoch 1"
    return f"you kept epoch {got}; the validation loss is lowest at another epoch"


@curves.check(
    "epoch_to_keep of the test cell's run and of random runs, one of which still improves at the end",
    points=1,
    hidden=True,
    compare=_epoch_feedback,
    hint="the epoch of the lowest validation loss; entry 0 is epoch 1",
)
def epochs_to_keep(rng):
    probes = [
        probe(
            "result = epoch_to_keep(train_losses, val_losses)",
            **dict(zip(("train_losses", "val_losses"), example_curves())),
        ).describe("epoch_to_keep(the test cell's run: validation loss lowest at epoch 15 of 1000)")
    ]
    for n_epochs, best in (
        (int(rng.integers(50, 400)), None),
        (int(rng.integers(20, 200)), None),
        (int(rng.integers(10, 60)), -1),
    ):
        best = n_epochs if best == -1 else int(rng.integers(3, n_epochs // 2))
        train, val = random_curves(rng, n_epochs, best)
        probes.append(
            probe("result = epoch_to_keep(train_losses, val_losses)", train_losses=train, val_losses=val).describe(
                f"epoch_to_keep(a random run of {n_epochs} epochs)"
            )
        )
    return probes


def _data_feedback(got, expected, probe) -> str | None:
    answer, why = DECIDED_ON[probe.inputs["decision"]]
    if not isinstance(got, str) or got not in DATA:
        return f"expected one of {DATA}, got {got!r}"
    return None if got == answer else f"you chose the {got} data; think again: {why}"


@curves.check(
    "judged_on for every decision, asked in a random order",
    points=1,
    hidden=True,
    reference=False,
    compare=_data_feedback,
    hint="steps fit the training data, choices are made on validation data, the test set only reports",
)
def decisions(rng):
    names = list(DECIDED_ON)
    return [
        probe("result = judged_on(decision)", decision=names[i]).describe(f"judged_on({names[i]!r})")
        for i in rng.permutation(len(names))
    ]


# ---------------------------------------------------------------- part 4
training = SPEC.part("train_tests", "Part 4: the training loop")


def _notebook_split_problem(got, expected, probe) -> str | None:
    X, y = spirals(n_samples=900, noise=NOISE, seed=probe.private["held_out_seed"])
    return held_out_problem(got, X, y, "900 fresh spiral points like the notebook's, that the network never saw")


def turned(X: np.ndarray, angle: float, mirror: bool) -> np.ndarray:
    """The points X (n, 2) rotated by ``angle`` radians about the origin, then mirrored in the y axis if ``mirror``.

    A network with weights prepared in advance for the notebook's spirals fails on
    turned ones; a training loop learns them just as well.
    """
    c, s = np.cos(angle), np.sin(angle)
    X = X @ np.array([[c, -s], [s, c]]).T
    return X * np.array([-1.0 if mirror else 1.0, 1.0])


def _fresh_problem(got, expected, probe) -> str | None:
    X, y = spirals(n_samples=900, noise=NOISE, seed=probe.private["held_out_seed"])
    X = turned(X, probe.private["angle"], probe.private["mirror"])
    return held_out_problem(got, X, y, "900 fresh points, turned the same way, that the network never saw")


def _shape_problem(got, expected, probe) -> str | None:
    return params_problem(got)


_TRAIN_ON_SPLIT = "result = train_classifier(SPLIT.X_train, SPLIT.y_train, seed=seed)"


@training.check(
    "train_classifier returns well-formed parameters of a 2-input, 3-class network",
    points=1,
    reference=False,
    compare=_shape_problem,
    timeout=TRAIN_TIMEOUT,
    hint="return {'weights': [W0, ...], 'biases': [b0, ...], 'hidden_activation': name} with copies of the arrays",
)
def train_shapes(rng):
    seed = int(rng.integers(1000))
    return probe(_TRAIN_ON_SPLIT, seed=seed).describe(f"train_classifier(SPLIT.X_train, SPLIT.y_train, seed={seed})")


@training.check(
    "trained on SPLIT.X_train, at least 90% on fresh spirals like the notebook's that it never saw",
    points=1,
    reference=False,
    compare=_notebook_split_problem,
    timeout=TRAIN_TIMEOUT,
    hint="check the learning rate and the number of epochs; watch the loss fall during training",
)
def train_notebook_split(rng):
    seed, held_out_seed = int(rng.integers(1000)), int(rng.integers(1, 1 << 30))
    # The held-out points are drawn in the grader when judging: they never enter the kernel.
    return (
        probe(_TRAIN_ON_SPLIT, seed=seed)
        .keep(held_out_seed=held_out_seed)
        .describe(f"train_classifier(SPLIT.X_train, SPLIT.y_train, seed={seed})")
    )


@training.check(
    "trained on fresh, turned spirals, at least 90% on other fresh spirals turned the same way",
    points=3,
    hidden=True,
    reference=False,
    compare=_fresh_problem,
    timeout=TRAIN_TIMEOUT,
    hint="the loop must learn from whatever data it is given, with the seed it is given",
)
def train_fresh(rng):
    train_seed, held_out_seed = (int(s) for s in rng.choice(1 << 30, size=2, replace=False))
    angle, mirror = float(rng.uniform(0, 2 * np.pi)), bool(rng.integers(2))
    X, y = spirals(n_samples=450, noise=NOISE, seed=train_seed)
    seed = int(rng.integers(1000))
    # Only X, y and seed reach the learner's kernel; the rest stays in the grader for _fresh_problem.
    return (
        probe("result = train_classifier(X, y, seed=seed)", X=turned(X, angle, mirror), y=y, seed=seed)
        .keep(held_out_seed=held_out_seed, angle=angle, mirror=mirror)
        .describe(
            f"train_classifier on 450 fresh spiral points turned by {np.degrees(angle):.0f} degrees"
            f"{' and mirrored' if mirror else ''} (seed={seed})"
        )
    )
