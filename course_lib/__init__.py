"""course_lib: the small numpy library behind the backprop course.

Read it after the notebooks; each module holds one idea:

- ``activations``: activation functions and their derivatives, by name
- ``losses``: mean squared error and the cross-entropies, with gradients
- ``network``: ``MLP``, the forward and backward passes
- ``gradcheck``: numerical gradients and relative errors
- ``graph``: ``Value``, scalar reverse-mode autodiff, and ``draw_graph``
- ``training``: mini-batch gradient descent with a history
- ``data``: toy data sets, the handwritten digits, MNIST's IDX files
- ``plots`` and ``widgets``: pictures and interactive widgets for the lessons
- ``validation``: the clear error messages
"""
from .activations import ACTIVATION_NAMES, Activation, get_activation
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .graph import Value, draw_graph
from .losses import LOSS_NAMES, Loss, binary_cross_entropy, cross_entropy, get_loss, mse
from .network import INIT_NAMES, MLP, Gradients, Trace
from .training import DivergenceError, History, train
from .validation import CourseError, NonFiniteError, ShapeError, UnknownNameError

__version__ = "0.1.0"

__all__ = [
    "ACTIVATION_NAMES", "Activation", "get_activation",
    "check_gradients", "numerical_gradient", "relative_error",
    "Value", "draw_graph",
    "LOSS_NAMES", "Loss", "binary_cross_entropy", "cross_entropy", "get_loss", "mse",
    "INIT_NAMES", "MLP", "Gradients", "Trace",
    "DivergenceError", "History", "train",
    "CourseError", "NonFiniteError", "ShapeError", "UnknownNameError",
]
