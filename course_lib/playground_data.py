"""The training playground's data: TensorFlow Playground's six problems, its input features and
its split, on the reading path so that a run taken out of the widget needs nothing else.

Every problem lives in the square [-6, 6]^2: four to classify ('circle', 'xor', 'gauss',
'spiral') and two to fit a number to ('plane', 'bumps'). ``feature_columns`` turns the two
coordinates into the network's inputs (x1, x2, x1^2, sin(x1), ...). Seeded, like ``data``'s
generators: the same call always gives the same data.
"""

from __future__ import annotations

import numpy as np

from .validation import CourseError, lookup, real_number, whole_number

# TensorFlow Playground's problems, in its square [-6, 6]^2: four to classify, two to fit a number to.
PLAYGROUND_DOMAIN = 6.0
PLAYGROUND_CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
PLAYGROUND_REGRESSION = ("plane", "bumps")  # the target is a number from -1 to 1, not a class
PLAYGROUND_DATASETS = PLAYGROUND_CLASSIFICATION + PLAYGROUND_REGRESSION
# 'bumps': a bump up (+1) or down (-1) at each of six centres, alternating like a chessboard.
BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))
BUMP_WIDTH = 1.2


def regression_target(name: str, X: np.ndarray) -> np.ndarray:
    """The number a regression data set asks for at each point: X (n, 2) -> (n,), from -1 to 1.

    'plane': ``(x1 + x2) / 12``, a tilted plane. 'bumps': the sum of six Gaussian bumps of height
    +1 or -1 (``BUMPS``), clipped to [-1, 1].
    """
    if name == "plane":
        return np.clip((X[:, 0] + X[:, 1]) / (2 * PLAYGROUND_DOMAIN), -1.0, 1.0)
    total = np.zeros(len(X))
    for cx, cy, height in BUMPS:
        total += height * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * BUMP_WIDTH**2))
    return np.clip(total, -1.0, 1.0)


def _playground_class(name: str, k: int, m: int, classes: int, jitter: float, rng) -> np.ndarray:
    """The ``m`` points (m, 2) of class ``k`` of a playground classification set."""
    if name == "circle":
        # Class 1 (blue) in the middle, class 0 (orange) in a ring: a gap between them.
        radius = rng.uniform(0, 2.5, m) if k == 1 else rng.uniform(3.5, 5.0, m)
        angle = rng.uniform(0, 2 * np.pi, m)
        points = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    elif name == "xor":
        # Class 1 where x1 and x2 share a sign; kept 0.3 off the axes so the labels are clean.
        sign = np.where(rng.uniform(size=m) < 0.5, 1.0, -1.0)
        signs = np.column_stack([sign, sign if k == 1 else -sign])
        points = rng.uniform(0.3, 5.0, (m, 2)) * signs
    elif name == "gauss":
        turn = np.pi / 4 + np.pi + 2 * np.pi * k / classes
        return 3.5 * np.array([np.cos(turn), np.sin(turn)]) + rng.normal(0, 0.6 + 2 * jitter, (m, 2))
    else:  # spiral
        radius = np.linspace(0.1, 5.0, m)
        angle = 1.75 * 2 * np.pi * radius / 5.0 + 2 * np.pi * k / classes
        points = radius[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return points + rng.normal(0, jitter, points.shape) if jitter > 0 else points


def playground_data(
    name: str, n_samples: int = 400, noise: float = 0.0, classes: int = 2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """One of the playground's data sets: X (n_samples, 2) in about [-6, 6]^2, and y (n_samples,).

    Classification, y int labels: 'circle' (class 1 inside, class 0 in a ring around it), 'xor'
    (the sign of x1 * x2), 'gauss' (``classes`` Gaussian clouds) or 'spiral' (``classes``
    interleaved arms). Circle and xor always have 2 classes; classes are balanced.
    Regression, y floats from -1 to 1 (``regression_target``): 'plane' or 'bumps', points uniform
    over the square; ``classes`` is ignored.
    ``noise`` in percent (0-50) moves points by Gaussian noise of standard deviation
    ``3 * noise / 100`` (for 'gauss' it widens the clouds; for regression the target is read at
    the moved point while the point is drawn where it was, so the targets are noisy).
    The order is shuffled; the same arguments give the same data.
    """
    lookup(name, {n: n for n in PLAYGROUND_DATASETS}, "data set")
    n = whole_number(n_samples, "n_samples", 2)
    noise = real_number(noise, "noise")
    if not 0 <= noise <= 50:
        raise CourseError(f"noise is a percentage from 0 to 50, got {noise:g}")
    rng = np.random.default_rng(seed)
    jitter = 3.0 * noise / 100
    if name in PLAYGROUND_REGRESSION:
        X = rng.uniform(-PLAYGROUND_DOMAIN + 0.5, PLAYGROUND_DOMAIN - 0.5, (n, 2))
        moved = X + rng.normal(0, jitter, X.shape) if noise > 0 else X
        return X, regression_target(name, moved)
    classes = 2 if name in ("circle", "xor") else whole_number(classes, "classes", 2)
    sizes = [n // classes + (k < n % classes) for k in range(classes)]  # balanced: sizes differ by at most 1
    X = np.concatenate([_playground_class(name, k, m, classes, jitter, rng) for k, m in enumerate(sizes)])
    y = np.concatenate([np.full(m, k, dtype=np.int64) for k, m in enumerate(sizes)])
    order = rng.permutation(n)
    return X[order], y[order]


# The playground's input features, each a function of the two coordinates X (n, 2) -> (n,).
FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}


def feature_columns(X: np.ndarray, names) -> np.ndarray:
    """The network's inputs: X (n, 2) -> (n, len(names)), one column per feature name (see ``FEATURES``)."""
    names = list(names)
    if not names:
        raise CourseError(f"choose at least one input feature from: {', '.join(FEATURES)}")
    return np.column_stack([lookup(name, FEATURES, "feature")(X) for name in names])


def split_indices(n: int, train_ratio: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..n-1 and cut it: (train (n_train,), test (n - n_train,)), n_train = round(n * train_ratio / 100).

    At least one training sample; 100 % keeps every sample for training and no test data.
    """
    n_train = min(max(int(round(n * train_ratio / 100)), 1), n)
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[:n_train]), np.sort(order[n_train:])
