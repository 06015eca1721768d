"""The lessons' interactive widgets; each function builds and returns one.

- ``neuron_explorer``: a neuron's weights, bias and activation (lesson 01)
- ``loss_explorer``: predicted probability against MSE and cross-entropy (lesson 02)
- ``learning_rate_explorer``: gradient descent's learning rate (lesson 03)
- ``backprop_stepper``: one training step, node by node (lesson 05)
- ``playground``: train a small network on 2-D data and watch it learn (lesson 06 on)
- ``gradient_flow.gradient_flow_explorer``: activation, depth and initial scale -> each layer's gradient norm (lesson 07)
- ``init_scale.init_scale_explorer``: activation, initialiser and scale -> each hidden layer's outputs (lesson 08)
- ``minibatch.minibatch_explorer``: learning rate and batch size -> the training curves (lesson 09)
- ``digit_reader``: a trained digit reader facing moved and noisy digits (lesson 10)

Every widget is a ``base.LessonWidget``: controls in ``.controls``, the picture in
``.image`` (drawn on ``.canvas`` with ``plot_axes`` and ``raster``), numbers in ``.readout``.
"""

from .base import LessonWidget
from .descent import learning_rate_explorer
from .loss import loss_explorer
from .neuron import neuron_explorer
from .playground import playground
from .stepper import backprop_stepper

__all__ = [
    "LessonWidget",
    "backprop_stepper",
    "learning_rate_explorer",
    "loss_explorer",
    "neuron_explorer",
    "playground",
]
