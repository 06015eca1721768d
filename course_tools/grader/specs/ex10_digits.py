"""Grading spec of ex10_digits: standardisation, back-propagation, the confusion matrix, predictions
made before measuring, and a digit reader trained by the learner's own loop, judged on new digits.

The training checks do not compare with the reference solution: the grader takes the parameters
the learner's ``train_digits`` returns and measures their accuracy itself, with the forward pass
below, on digits that exist only in the grader.

How the held-out digits are made. With a seed drawn at grading time the grader deals the 1797
public digits into a training share and a held-out share, and draws one of the seven
non-trivial symmetries of the square (rotations and mirror images). Only the training share,
turned, reaches the learner's kernel. From the held-out share the grader then draws **new
digits** (``redrawn``): every image is drawn again at 32x32, bent by a smooth random
displacement, turned by a few degrees, scaled and moved by a fraction of a pixel, its ink made
darker or lighter, averaged back to 8x8 and rounded to the 17 grey levels of the originals, all
from a second secret seed; then turned like the training share. No data set the kernel can load
holds these images, so a network that stores images (a look-up table of the public digits) reads
them no better than chance, while a network that learned to read digits reads about 95% of them
(``tests/grader/test_exercise_ex10.py`` measures the reference solution, and the look-up attack). A
network prepared in advance for upright digits fails on turned ones.

What this cannot stop: the kernel can load scikit-learn's 1797 digits, so a submission that
searched for the symmetry could add the held-out share's originals to its training images. It
still has to train a network with its own loop (``course_lib.MLP`` and ``train`` are blocked),
and the new digits are not among them.
"""

import numpy as np
from scipy import ndimage

from course_lib.data import load_digits, train_test_split
from course_tools.grader.networks import accuracy_shortfall, network_labels, network_problem
from course_tools.grader.spec import Spec, call, probe

# The exercise is the backward pass and the training loop: the library's network, losses, training
# loop, signals, numerical gradients and the widgets that train are off limits.
SPEC = Spec(
    "ex10_digits",
    learner_writes=(
        "forward pass",
        "backward pass",
        "update",
        "losses",
        "initialisation",
        "numerical gradients",
        "training loop",
    ),
)

TARGET = 0.95  # the accuracy the trained network must reach on the notebook's test digits
REDRAWN_TARGET = 0.90  # ... and on new digits drawn from held-out ones (the reference reads about 95%)
REDRAWINGS = 2  # new digits drawn from every held-out digit
N_PIXELS, N_CLASSES = 64, 10
MAX_PARAMETERS = 2_000_000  # keeps the grader's own forward pass cheap
TRAIN_TIMEOUT = 60.0

CHOICES = ("higher", "about the same", "lower")
# Part 4: the answer for each situation, and why (shown when a learner's answer differs).
EXPECTED = {
    "new writer": (
        "lower",
        "the 1797 digits come from 13 writers, and a random split puts every writer on both sides: "
        "the test accuracy is for writers the network has seen (lesson 10, 'Who wrote them')",
    ),
    "moved": (
        "lower",
        "every pixel has its own weights; moved by one pixel, the ink lands on weights trained for "
        "something else (lesson 10, 'Try it: move a digit')",
    ),
    "mirrored test": (
        "lower",
        "the network was trained on upright digits; a mirrored 3 or 7 is a shape it never "
        "saw, and its weights were not trained for it",
    ),
    "mirrored everything": (
        "about the same",
        "mirroring every image is one fixed reordering of the 64 pixels; "
        "trained afresh on mirrored digits, the network learns them as well "
        "as upright ones (the grader trains yours on turned digits)",
    ),
    "shuffled pixels": (
        "about the same",
        "a fully connected layer gives every pixel its own weights and never uses "
        "which pixels are neighbours: a fixed reordering, the same for every "
        "image, leaves it as much to learn from as before",
    ),
    "a tenth of the data": (
        "lower",
        "about 115 training digits leave most ways of writing each digit unseen: "
        "less labelled data, worse weights (lesson 9, 'More labelled data, better "
        "weights')",
    ),
}


# ---------------------------------------------------------------- the grader's own view of a network
def params_problem(params) -> str | None:
    """Why ``params`` is not a well-formed 64-input, 10-class network dict; None when it is."""
    keys = {"mean", "scale", "weights", "biases", "hidden_activation"}
    if not isinstance(params, dict) or not keys <= set(params):
        return "expected a dict with keys " + ", ".join(repr(k) for k in sorted(keys))
    for name in ("mean", "scale"):
        value = params[name]
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.shape != (N_PIXELS,):
            return f"'{name}' must be a float array of shape ({N_PIXELS},), one number per pixel"
        if not np.all(np.isfinite(value)):
            return f"'{name}' holds NaN or infinity"
    if np.any(params["scale"] <= 0):
        return "'scale' must be positive in every pixel (the standard deviation plus 0.1)"
    return network_problem(params, N_PIXELS, N_CLASSES, MAX_PARAMETERS, classes="digit")


def grader_predict(params, X: np.ndarray) -> np.ndarray:
    """The grader's forward pass: standardise, then ``networks.network_labels``.

    params: a dict accepted by ``params_problem``; X (n, 64) -> predicted digits (n,).
    """
    return network_labels(params, (X - params["mean"]) / params["scale"])


def held_out_problem(params, X: np.ndarray, y: np.ndarray, where: str, target: float = TARGET) -> str | None:
    """Why the network ``params`` falls short of ``target`` accuracy on X, y (``where`` names the data); None if not."""
    return accuracy_shortfall(
        params,
        X,
        y,
        problem=params_problem,
        predict=grader_predict,
        target=target,
        where=where,
        n_classes=N_CLASSES,
        verb="reads",
    )


def turned(X: np.ndarray, symmetry: int) -> np.ndarray:
    """Images X (n, 64) under one of the 8 symmetries of the square: ``symmetry % 4`` quarter
    turns, then a left-right mirror image when ``symmetry >= 4``. Returns (n, 64)."""
    images = np.rot90(X.reshape(-1, 8, 8), k=symmetry % 4, axes=(1, 2))
    if symmetry >= 4:
        images = images[:, :, ::-1]
    return np.ascontiguousarray(images).reshape(-1, 64)


_FINE = 4  # drawn at 32x32, four times finer than the 8x8 images
_TURN_DEGREES, _SCALE, _MOVE, _BEND, _INK = 4.0, 0.04, 0.15, 0.25, 0.10


def redrawn(X: np.ndarray, seed: int) -> np.ndarray:
    """New digits drawn from the digits X (n, 64), pixels in [0, 1]: returns (n, 64), on 17 grey levels.

    Every image is enlarged to 32x32 and smoothed, then bent by a smooth random displacement of up
    to a quarter of an 8x8 pixel, turned by up to 4 degrees, scaled by up to 4% and moved by up to
    0.15 pixel, its ink made up to 10% darker or lighter; then averaged back to 8x8 blocks and
    rounded to the originals' 17 grey levels (multiples of 1/16). All draws come from ``seed``.
    """
    rng = np.random.default_rng(seed)
    size = 8 * _FINE
    rows, columns = np.mgrid[0:size, 0:size].astype(float)
    centre = (size - 1) / 2
    out = np.empty((len(X), N_PIXELS))
    for i, image in enumerate(np.asarray(X, dtype=float).reshape(-1, 8, 8)):
        fine = ndimage.gaussian_filter(np.kron(image, np.ones((_FINE, _FINE))), 1.0)
        angle = np.radians(rng.uniform(-_TURN_DEGREES, _TURN_DEGREES))
        scale = 1 + rng.uniform(-_SCALE, _SCALE)
        move_row, move_column = rng.uniform(-_MOVE, _MOVE, size=2) * _FINE
        bend = [ndimage.gaussian_filter(rng.uniform(-1, 1, (size, size)), 1.5 * _FINE) for _ in range(2)]
        bend_size = max(np.abs(bend[0]).max(), np.abs(bend[1]).max(), 1e-12)
        bend_rows, bend_columns = (b / bend_size * _BEND * _FINE for b in bend)
        r, c = rows - centre - move_row, columns - centre - move_column
        cos, sin = np.cos(angle), np.sin(angle)
        source_rows = (cos * r - sin * c) / scale + centre + bend_rows
        source_columns = (sin * r + cos * c) / scale + centre + bend_columns
        warped = ndimage.map_coordinates(fine, [source_rows, source_columns], order=1, mode="constant")
        warped = np.clip(warped * (1 + rng.uniform(-_INK, _INK)), 0.0, 1.0)
        out[i] = np.round(warped.reshape(8, _FINE, 8, _FINE).mean(axis=(1, 3)) * 16).ravel() / 16
    return out


def all_digits():
    """All 1797 digits (the notebook's training digits, then its test ones): X (1797, 64), y (1797,)."""
    split = load_digits(test_fraction=0.2, seed=1)  # the notebook's split, put back together
    return np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])


def grader_split(seed: int, symmetry: int):
    """The grader's own split of all digits, turned: X_train, y_train, X_held_out, y_held_out (the originals)."""
    X, y = all_digits()
    split = train_test_split(turned(X, symmetry), y, test_fraction=0.2, seed=seed)
    return split.X_train, split.y_train, split.X_test, split.y_test


def new_held_out_digits(split_seed: int, symmetry: int, redraw_seed: int):
    """The digits the grader judges on: REDRAWINGS new digits drawn from every held-out digit, upright,
    then turned by ``symmetry``. Returns X (n, 64), y (n,)."""
    X, y = all_digits()
    upright = train_test_split(X, y, test_fraction=0.2, seed=split_seed)  # the same rows as grader_split's
    new = redrawn(np.repeat(upright.X_test, REDRAWINGS, axis=0), redraw_seed)
    return turned(new, symmetry), np.repeat(upright.y_test, REDRAWINGS)


# ---------------------------------------------------------------- part 1
scalings = SPEC.part("scaling_tests", "Part 1: standardise with training statistics")

_SMALL = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])


@scalings.check(
    "scaling of the test cell's 3x2 example, of random data of several shapes, and of training digits",
    points=1,
    hint="column means (axis=0) and the population standard deviation of each column plus 0.1",
)
def scaling_cases(rng):
    X, _ = all_digits()
    rows = rng.choice(len(X), size=300, replace=False)
    return (
        [call("scaling", _SMALL).describe("scaling([[0, 1], [2, 1], [4, 1]])")]
        + [
            call("scaling", rng.normal(rng.uniform(-3, 3), rng.uniform(0.1, 5), size=shape)).describe(
                f"scaling(random {shape} data)"
            )
            for shape in ((3, 2), (50, 7), (2, 64), (1, 3))
        ]
        + [call("scaling", X[rows]).describe("scaling(300 random digits)")]
    )


# ---------------------------------------------------------------- part 2
gradients = SPEC.part("gradients_tests", "Part 2: the loss and its gradients")


def _network(rng, sizes, n, spread=1.0):
    weights = [rng.normal(0, spread / np.sqrt(m), size=(k, m)) for m, k in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=k) for k in sizes[1:]]
    return weights, biases, rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n)


def _example_network():
    """The test cell's 3-4-3 network and batch of 5, drawn as the cell draws them."""
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(4, 3)), rng.normal(size=(3, 4))]
    biases = [rng.normal(size=4), rng.normal(size=3)]
    return weights, biases, rng.normal(size=(5, 3)), np.array([0, 2, 1, 2, 0])


def _gradient_call(network, text):
    return call("loss_and_gradients", *network).describe(text)


@gradients.check(
    "loss_and_gradients of the test cell's 3-4-3 network, and of a random one",
    points=1,
    hint="Delta^L = (softmax(Z^L) - one-hot labels) / n; Delta^(l-1) = (Delta^l W^l) * relu'(Z^(l-1)); "
    "dL/dW^l = (Delta^l)^T A^(l-1), dL/db^l sums Delta^l over the rows",
)
def gradients_example(rng):
    return [
        _gradient_call(_example_network(), "loss_and_gradients(the test cell's 3-4-3 network, 5 samples)"),
        _gradient_call(
            _network(rng, [3, 4, 3], 5, spread=2.0), "loss_and_gradients(a random 3-4-3 network, 5 samples)"
        ),
    ]


@gradients.check(
    "loss_and_gradients of random networks of 1 to 3 layers, of scores near 1000, and of a "
    "64-256-256-10 network (85,000 parameters) on 500 images, too large for numerical differences",
    points=1,
    hidden=True,
    hint="one backward pass for the whole batch; subtract each row's largest score before exp",
)
def gradients_random(rng):
    probes = []
    for sizes, n in (([5, 4], 7), ([6, 8, 4], 11), ([3, 5, 6, 10], 20)):
        probes.append(
            _gradient_call(
                _network(rng, sizes, n, spread=2.0),
                f"loss_and_gradients(a random {'-'.join(map(str, sizes))} network, {n} samples)",
            )
        )
    big = _network(rng, [2, 3], 4, spread=1.0)
    big = (big[0], big[1], big[2] * 400.0, big[3])  # scores in the hundreds: exp would overflow
    probes.append(_gradient_call(big, "loss_and_gradients(a 2-3 network whose scores are in the hundreds)"))
    probes.append(
        _gradient_call(
            _network(rng, [64, 256, 256, 10], 500), "loss_and_gradients(a random 64-256-256-10 network, 500 samples)"
        )
    )
    return probes


# ---------------------------------------------------------------- part 3
confusions = SPEC.part("confusion_tests", "Part 3: the confusion matrix")


@confusions.check(
    "the test cell's two examples, random labels for 2 to 12 classes, classes that never occur, one sample",
    points=1,
    hint="entry [i, j] counts samples of true class i predicted as j",
)
def confusion_cases(rng):
    probes = [
        call("confusion_matrix", np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 3).describe(
            "confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)"
        ),
        call("confusion_matrix", np.array([1, 1]), np.array([0, 0]), 2).describe("confusion_matrix([1, 1], [0, 0], 2)"),
    ]
    for k, n in ((10, 300), (int(rng.integers(2, 13)), int(rng.integers(5, 60))), (5, 1)):
        probes.append(
            call("confusion_matrix", rng.integers(0, k, size=n), rng.integers(0, k, size=n), k).describe(
                f"confusion_matrix({n} random labels and predictions, {k})"
            )
        )
    true = rng.integers(0, 2, size=30)  # only classes 0 and 1 occur among 6
    probes.append(
        call("confusion_matrix", true, (true + 1) % 2, 6).describe(
            "confusion_matrix(30 labels of classes 0 and 1, all predicted wrong, 6)"
        )
    )
    return probes


# ---------------------------------------------------------------- part 4
concepts = SPEC.part("concepts_tests", "Part 4: predict before you measure")


def _concept_feedback(got, expected, probe) -> str | None:
    situation = probe.inputs["situation"]
    answer, why = EXPECTED[situation]
    if not isinstance(got, str) or got not in CHOICES:
        return f"expected one of {CHOICES}, got {got!r}"
    if got != answer:
        return f"you expected {got!r} accuracy; think again: {why}"
    return None


@concepts.check(
    "expected_accuracy for every situation, asked in a random order",
    points=1,
    hidden=True,
    reference=False,
    compare=_concept_feedback,
    hint="a dense layer gives every pixel its own weights and knows nothing of neighbours",
)
def concepts_all(rng):
    situations = list(EXPECTED)
    return [
        probe("result = expected_accuracy(situation)", situation=situations[i]).describe(
            f"expected_accuracy({situations[i]!r})"
        )
        for i in rng.permutation(len(situations))
    ]


# ---------------------------------------------------------------- part 5
training = SPEC.part("train_tests", "Part 5: train a digit reader, your own way")


def _shape_problem(got, expected, probe) -> str | None:
    return params_problem(got)


def _notebook_split_problem(got, expected, probe) -> str | None:
    split = load_digits(test_fraction=0.2, seed=1)
    problem = held_out_problem(got, split.X_test, split.y_test, "the notebook's 359 test digits SPLIT.X_test")
    if problem:
        return problem
    X_new = redrawn(np.repeat(split.X_test, REDRAWINGS, axis=0), probe.private["redraw_seed"])
    return held_out_problem(
        got,
        X_new,
        np.repeat(split.y_test, REDRAWINGS),
        f"{REDRAWINGS * len(split.y_test)} new digits the grader drew from SPLIT.X_test's",
        target=REDRAWN_TARGET,
    )


def _grader_split_problem(got, expected, probe) -> str | None:
    X_new, y_new = new_held_out_digits(
        probe.private["split_seed"], probe.private["symmetry"], probe.private["redraw_seed"]
    )
    return held_out_problem(
        got,
        X_new,
        y_new,
        f"the grader's {len(y_new)} new digits, drawn from its held-out ones and turned the same way",
        target=REDRAWN_TARGET,
    )


_TRAIN_ON_SPLIT = "result = train_digits(SPLIT.X_train, SPLIT.y_train, seed=seed)"


@training.check(
    "train_digits returns well-formed parameters of a 64-input, 10-class network",
    points=1,
    reference=False,
    compare=_shape_problem,
    timeout=TRAIN_TIMEOUT,
    hint="return {'mean': ..., 'scale': ..., 'weights': [W1, ...], 'biases': [b1, ...], "
    "'hidden_activation': name} with copies of the arrays",
)
def train_shapes(rng):
    seed = int(rng.integers(1000))
    return probe(_TRAIN_ON_SPLIT, seed=seed).describe(f"train_digits(SPLIT.X_train, SPLIT.y_train, seed={seed})")


@training.check(
    "trained on SPLIT.X_train, at least 95% on the notebook's test digits and 90% on new digits drawn from them",
    points=1,
    reference=False,
    compare=_notebook_split_problem,
    timeout=TRAIN_TIMEOUT,
    hint="standardise with scaling; watch the training and validation loss per epoch; keep the best epoch",
)
def train_notebook_split(rng):
    seed, redraw_seed = int(rng.integers(1000)), int(rng.integers(1, 1 << 30))
    # The new digits are drawn in the grader when judging: they never enter the kernel.
    return (
        probe(_TRAIN_ON_SPLIT, seed=seed)
        .keep(redraw_seed=redraw_seed)
        .describe(f"train_digits(SPLIT.X_train, SPLIT.y_train, seed={seed})")
    )


@training.check(
    "trained on the grader's share of turned digits, at least 90% on new digits drawn from its held-out ones",
    points=3,
    hidden=True,
    reference=False,
    compare=_grader_split_problem,
    timeout=TRAIN_TIMEOUT,
    hint="the function must learn from whatever images it is given, with the seed it is given",
)
def train_grader_split(rng):
    split_seed, symmetry, seed = int(rng.integers(1, 1 << 30)), int(rng.integers(1, 8)), int(rng.integers(1000))
    redraw_seed = int(rng.integers(1, 1 << 30))
    X_train, y_train, _, _ = grader_split(split_seed, symmetry)
    # Only the training share and the seed reach the kernel; the rest stays with the grader.
    return (
        probe("result = train_digits(X, y, seed=seed)", X=X_train, y=y_train, seed=seed)
        .keep(split_seed=split_seed, symmetry=symmetry, redraw_seed=redraw_seed)
        .describe(f"train_digits on the grader's {len(y_train)} training digits, turned (seed={seed})")
    )
