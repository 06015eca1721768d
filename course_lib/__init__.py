"""course_lib: the small numpy library behind the backprop course.

Read it after the notebooks, in this order; each module holds one idea and the
whole reading path is about as long as a long chapter:

1. ``activations``: activation functions and their derivatives, by name
2. ``losses``: mean squared error and the cross-entropies, with gradients
3. ``value``: ``Value``, scalar reverse-mode autodiff (the chain rule on a graph)
4. ``signals``: the seven-step signal recipe for one hidden layer
5. ``network``: ``MLP``, the forward and backward passes of any depth
6. ``gradcheck``: numerical gradients and the element-wise relative error
7. ``training``: mini-batch gradient descent with a history
8. ``data``: toy data sets and the 8x8 handwritten digits
9. ``validation``: the checks behind the clear error messages

Machinery that serves the lessons lives apart, in sub-packages named by their
job: ``drawing`` (pictures and layouts), ``widgets`` (interactive widgets and
their state), ``lessons`` (lesson-only helpers: big numbers, lesson 03's race,
the course catalogue, the environment check) and ``exercises`` (the self-checks
that explain a wrong answer).
"""

from .activations import ACTIVATION_NAMES, Activation, get_activation
from .gradcheck import check_network_gradients, numerical_gradient, relative_error, relative_errors, verdict
from .losses import LOSS_NAMES, Loss, binary_cross_entropy, cross_entropy, get_loss, mse
from .network import INIT_NAMES, MLP, Gradients, Trace
from .training import DivergenceError, History, train
from .validation import CourseError, NonFiniteError, ShapeError, UnknownNameError
from .value import Value

__version__ = "0.1.0"

# The reading path, in reading order (the README's list and tests/lib/test_reading_path.py use it).
READING_PATH = (
    "activations",
    "losses",
    "value",
    "signals",
    "network",
    "gradcheck",
    "training",
    "data",
    "playground_data",
    "validation",
)

__all__ = [
    "ACTIVATION_NAMES",
    "Activation",
    "get_activation",
    "check_network_gradients",
    "numerical_gradient",
    "relative_error",
    "relative_errors",
    "verdict",
    "LOSS_NAMES",
    "Loss",
    "binary_cross_entropy",
    "cross_entropy",
    "get_loss",
    "mse",
    "INIT_NAMES",
    "MLP",
    "Gradients",
    "Trace",
    "DivergenceError",
    "History",
    "train",
    "CourseError",
    "NonFiniteError",
    "ShapeError",
    "UnknownNameError",
    "Value",
    "READING_PATH",
]
