"""Grading spec of ex10_digits: standardisation, the confusion matrix, and a digit reader judged on held-out digits.

The training checks do not compare with the reference solution: the grader takes
the parameters the learner's ``train_digits`` returns and measures their accuracy
itself, with the forward pass below. For the hidden check it deals the 1797 digits
into a training share and a held-out share with a seed drawn at grading time, and
turns every image by one of the seven non-trivial symmetries of the square (rotations and
mirror images), also drawn at grading time. Only the training share reaches the
learner's kernel; the seed, the symmetry and the held-out digits stay in the
grader (``probe.keep``). A network prepared in advance for the upright digits fails
on turned ones, while a training loop learns them as well as upright ones (a
fully connected network does not know which pixels are neighbours).

What this cannot stop: the kernel can load scikit-learn's digits itself, so a
submission that deliberately searched for the symmetry and trained on all 1797
images could see the held-out ones. That is cheating on purpose, not a mistake
the grading misses by accident.
"""
import numpy as np

from course_lib.data import load_digits, train_test_split
from course_tools.grader.networks import accuracy_shortfall, network_labels, network_problem
from course_tools.grader.spec import Spec, call, probe

SPEC = Spec("ex10_digits")

TARGET = 0.95  # the accuracy the trained network must reach on digits it never saw
N_PIXELS, N_CLASSES = 64, 10
MAX_PARAMETERS = 2_000_000  # keeps the grader's own forward pass cheap
TRAIN_TIMEOUT = 60.0


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


def held_out_problem(params, X: np.ndarray, y: np.ndarray, where: str) -> str | None:
    """Why the network ``params`` falls short of TARGET accuracy on X, y (``where`` names the data); None if not."""
    return accuracy_shortfall(params, X, y, problem=params_problem, predict=grader_predict, target=TARGET,
                              where=where, n_classes=N_CLASSES, verb="reads")


def turned(X: np.ndarray, symmetry: int) -> np.ndarray:
    """Images X (n, 64) under one of the 8 symmetries of the square: ``symmetry % 4`` quarter
    turns, then a left-right mirror image when ``symmetry >= 4``. Returns (n, 64)."""
    images = np.rot90(X.reshape(-1, 8, 8), k=symmetry % 4, axes=(1, 2))
    if symmetry >= 4:
        images = images[:, :, ::-1]
    return np.ascontiguousarray(images).reshape(-1, 64)


def all_digits():
    """All 1797 digits (the notebook's training digits, then its held-out ones): X (1797, 64), y (1797,)."""
    split = load_digits(test_fraction=0.2, seed=1)   # the notebook's split, put back together
    return np.concatenate([split.X_train, split.X_test]), np.concatenate([split.y_train, split.y_test])


def grader_split(seed: int, symmetry: int):
    """The grader's own split of all digits, turned: X_train, y_train, X_held_out, y_held_out."""
    X, y = all_digits()
    split = train_test_split(turned(X, symmetry), y, test_fraction=0.2, seed=seed)
    return split.X_train, split.y_train, split.X_test, split.y_test


# ---------------------------------------------------------------- part 1
scalings = SPEC.part("scaling_tests", "Part 1: standardise with training statistics")

_SMALL = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])


@scalings.check("scaling of the test cell's 3x2 example and of random data of the same shape", points=1,
                hint="column means (axis=0) and the population standard deviation of each column plus 0.1")
def scaling_example(rng):
    return [call("scaling", _SMALL).describe("scaling([[0, 1], [2, 1], [4, 1]])"),
            call("scaling", rng.normal(size=(3, 2))).describe("scaling(random (3, 2) data)")]


@scalings.check("scaling of random data of several shapes, and of training digits", points=1, hidden=True)
def scaling_random(rng):
    X, _ = all_digits()
    rows = rng.choice(len(X), size=300, replace=False)
    return [call("scaling", rng.normal(rng.uniform(-3, 3), rng.uniform(0.1, 5), size=shape))
            .describe(f"scaling(random {shape} data)") for shape in ((50, 7), (2, 64), (1, 3))] + \
        [call("scaling", X[rows]).describe("scaling(300 random digits)")]


# ---------------------------------------------------------------- part 2
confusions = SPEC.part("confusion_tests", "Part 2: the confusion matrix")


@confusions.check("the test cell's two examples, and random labels of the same sizes", points=1,
                  hint="entry [i, j] counts samples of true class i predicted as j")
def confusion_example(rng):
    return [call("confusion_matrix", np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 3)
            .describe("confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)"),
            call("confusion_matrix", np.array([1, 1]), np.array([0, 0]), 2)
            .describe("confusion_matrix([1, 1], [0, 0], 2)"),
            call("confusion_matrix", rng.integers(0, 3, size=4), rng.integers(0, 3, size=4), 3)
            .describe("confusion_matrix(4 random labels, 4 random predictions, 3)")]


@confusions.check("random labels for 2 to 12 classes, classes that never occur, one sample", points=1,
                  hidden=True)
def confusion_random(rng):
    probes = []
    for k, n in ((10, 300), (int(rng.integers(2, 13)), int(rng.integers(5, 60))), (5, 1)):
        probes.append(call("confusion_matrix", rng.integers(0, k, size=n), rng.integers(0, k, size=n), k)
                      .describe(f"confusion_matrix({n} random labels and predictions, {k})"))
    true = rng.integers(0, 2, size=30)   # only classes 0 and 1 occur among 6
    probes.append(call("confusion_matrix", true, (true + 1) % 2, 6).describe(
        "confusion_matrix(30 labels of classes 0 and 1, all predicted wrong, 6)"))
    return probes


# ---------------------------------------------------------------- part 3
training = SPEC.part("train_tests", "Part 3: train a digit reader")


def _shape_problem(got, expected, probe) -> str | None:
    return params_problem(got)


def _notebook_split_problem(got, expected, probe) -> str | None:
    split = load_digits(test_fraction=0.2, seed=1)
    return held_out_problem(got, split.X_test, split.y_test, "the notebook's 359 held-out digits SPLIT.X_test")


def _grader_split_problem(got, expected, probe) -> str | None:
    *_, X_held_out, y_held_out = grader_split(probe.private["split_seed"], probe.private["symmetry"])
    return held_out_problem(got, X_held_out, y_held_out,
                            f"the grader's {len(y_held_out)} held-out digits, turned the same way")


_TRAIN_ON_SPLIT = "result = train_digits(SPLIT.X_train, SPLIT.y_train, seed=seed)"


@training.check("train_digits returns well-formed parameters of a 64-input, 10-class network", points=1,
                reference=False, compare=_shape_problem, timeout=TRAIN_TIMEOUT,
                hint="return {'mean': ..., 'scale': ..., 'weights': [W0, ...], 'biases': [b0, ...], "
                     "'hidden_activation': name} with copies of the arrays")
def train_shapes(rng):
    seed = int(rng.integers(1000))
    return probe(_TRAIN_ON_SPLIT, seed=seed).describe(f"train_digits(SPLIT.X_train, SPLIT.y_train, seed={seed})")


@training.check("trained on SPLIT.X_train, at least 95% on the notebook's held-out SPLIT.X_test", points=2,
                reference=False, compare=_notebook_split_problem, timeout=TRAIN_TIMEOUT,
                hint="standardise the inputs with scaling(X_train); check the learning rate and the epochs")
def train_notebook_split(rng):
    seed = int(rng.integers(1000))
    return probe(_TRAIN_ON_SPLIT, seed=seed).describe(f"train_digits(SPLIT.X_train, SPLIT.y_train, seed={seed})")


@training.check("trained on the grader's share of turned digits, at least 95% on the grader's held-out ones",
                points=3, hidden=True, reference=False, compare=_grader_split_problem, timeout=TRAIN_TIMEOUT,
                hint="the function must learn from whatever images it is given, with the seed it is given")
def train_grader_split(rng):
    split_seed, symmetry, seed = int(rng.integers(1, 1 << 30)), int(rng.integers(1, 8)), int(rng.integers(1000))
    X_train, y_train, _, _ = grader_split(split_seed, symmetry)
    # Only the training share and the seed reach the kernel; the rest stays with the grader.
    return probe("result = train_digits(X, y, seed=seed)", X=X_train, y=y_train, seed=seed).keep(
        split_seed=split_seed, symmetry=symmetry).describe(
        f"train_digits on the grader's {len(y_train)} training digits, turned (seed={seed})")
