"""The training playground's settings: every name a setup has, its allowed values, and the one
check each value passes on its way in (``check_setting``). What a change of each costs (new data,
a new network, or nothing) is here too, so the model and the controls read it from one place.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from course_lib.playground_data import FEATURES, PLAYGROUND_DATASETS
from course_lib.validation import CourseError, UnknownNameError, lookup, real_number, whole_number

__all__ = [
    "PLAYGROUND_ACTIVATIONS",
    "REGULARIZATIONS",
    "LEARNING_RATES",
    "REGULARIZATION_RATES",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "MAX_CLASSES",
    "Settings",
    "SETTING_NAMES",
    "NEEDS_DATA",
    "NEEDS_NETWORK",
    "KEEPS_TRAINING",
    "VIEW_ONLY",
    "parse_hidden",
    "check_setting",
]

# The playground's names -> course_lib's (TensorFlow Playground says "linear" for the identity).
PLAYGROUND_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "identity"}
REGULARIZATIONS = ("none", "L1", "L2")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS, MAX_NEURONS, MAX_CLASSES = 6, 8, 8


# ----------------------------------------------------------------- the network's shape
def parse_hidden(hidden) -> tuple[int, ...]:
    """Hidden layer sizes from a sequence or a text like ``"4, 2"``; 0 to 6 layers of 1 to 8 neurons."""
    given = hidden
    if isinstance(hidden, str):
        text = hidden.replace(",", " ").split()
        try:
            hidden = [int(part) for part in text]
        except ValueError:
            raise CourseError(
                f"hidden layers must be whole numbers separated by commas, e.g. '4, 2'; got {given!r}"
            ) from None
    try:
        sizes = tuple(
            whole_number(int(n) if isinstance(n, np.integer) else n, "a hidden layer size", 1) for n in hidden
        )
    except TypeError:
        raise CourseError(f"hidden must list the neurons of each hidden layer, e.g. (4, 2); got {given!r}") from None
    if len(sizes) > MAX_LAYERS or any(n > MAX_NEURONS for n in sizes):
        raise CourseError(
            f"the playground has at most {MAX_LAYERS} hidden layers of at most {MAX_NEURONS} neurons each; got {sizes}"
        )
    return sizes


# ----------------------------------------------------------------- settings
@dataclass
class Settings:
    """Everything a playground setup depends on; ``dataclasses.asdict`` of it reproduces the setup."""

    dataset: str = "circle"
    n_samples: int = 400
    noise: float = 0.0
    classes: int = 2
    train_ratio: float = 50.0
    batch_size: int = 10
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    data_seed: int = 0
    init_seed: int = 0
    shuffle_seed: int = 0
    show_test: bool = False
    discretize: bool = False
    sample: int | None = None  # a training sample whose backward pass is drawn, or None


# What a change of each setting costs: new data (and so a new network), a new network, or nothing.
NEEDS_DATA = {"dataset", "n_samples", "noise", "classes", "train_ratio", "data_seed"}
NEEDS_NETWORK = {"features", "hidden", "activation", "init_seed", "shuffle_seed"}
KEEPS_TRAINING = {"batch_size", "learning_rate", "regularization", "regularization_rate"}
VIEW_ONLY = {"show_test", "discretize", "sample"}
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(Settings))


def check_setting(name: str, value, n_train: int | None = None):
    """``value`` checked and normalised for setting ``name``; a clear ``CourseError`` otherwise."""
    if name not in SETTING_NAMES:
        raise UnknownNameError(f"unknown setting {name!r}; valid settings are: {', '.join(SETTING_NAMES)}")
    if name in ("dataset", "activation", "regularization"):
        table = {
            "dataset": PLAYGROUND_DATASETS + ("own",),
            "activation": tuple(PLAYGROUND_ACTIVATIONS),
            "regularization": REGULARIZATIONS,
        }[name]
        lookup(value, {v: v for v in table}, name.replace("_", " "))
        return value
    if name == "features":
        value = (value,) if isinstance(value, str) else tuple(value)
        for feature in value:
            lookup(feature, FEATURES, "feature")
        if not value or len(set(value)) != len(value):
            raise CourseError(
                f"features must name at least one feature, each once, from: {', '.join(FEATURES)}; got {value}"
            )
        return tuple(f for f in FEATURES if f in value)  # a fixed order, so the diagram is stable
    if name == "hidden":
        return parse_hidden(value)
    if name in ("show_test", "discretize"):
        if not isinstance(value, (bool, np.bool_)):
            raise CourseError(f"{name} must be True or False, got {value!r}")
        return bool(value)
    if name == "sample":
        if value is None:
            return None
        value = whole_number(value, "sample (a training sample's index, or None)", 0)
        if n_train is not None and value >= n_train:
            raise CourseError(f"sample must be a training sample's index, 0 to {n_train - 1}, got {value}")
        return value
    if name in ("n_samples", "classes", "batch_size", "data_seed", "init_seed", "shuffle_seed"):
        low = {"n_samples": 2, "classes": 2, "batch_size": 1}.get(name, 0)
        value = whole_number(value, name, low)
        if name == "classes" and value > MAX_CLASSES:
            raise CourseError(f"classes must be at most {MAX_CLASSES}, got {value}")
        return value
    if name == "learning_rate":
        return real_number(value, "learning_rate", positive=True)
    value = real_number(value, name)
    limits = {"noise": (0, 50), "train_ratio": (10, 100), "regularization_rate": (0, math.inf)}[name]
    if not limits[0] <= value <= limits[1]:
        raise CourseError(f"{name} must lie in [{limits[0]}, {limits[1]}], got {value:g}")
    return value
