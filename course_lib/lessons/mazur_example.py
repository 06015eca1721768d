"""The 2-2-2 sigmoid network of lesson 05, from Matt Mazur's step-by-step example.

Mazur's post "A Step by Step Backpropagation Example" (2015) works one training
step of this network by hand; the lesson and its stepper widget use the same
weights, input, targets and learning rate 0.5, so a learner can compare. One of
his numbers is off: the loss after his weights-only update is 0.291027774 (his
own updated weights give it), not the 0.291027924 he prints, which is what the
hidden layer's step gives if it uses the already-updated output weights
(``tests/lessons/test_lesson05_numbers.py`` recomputes both).
"""

from __future__ import annotations

import numpy as np

from ..network import MLP


def example_network():
    """The lesson's 2-2-2 sigmoid network, input and targets: ``(net, x (2,), target (2,))``.

    Hidden weights 0.15, 0.20 / 0.25, 0.30 with bias 0.35; output weights
    0.40, 0.45 / 0.50, 0.55 with bias 0.60; input (0.05, 0.10); targets (0.01, 0.99).
    """
    net = MLP([2, 2, 2], "sigmoid", "sigmoid", "mse")
    net.weights = [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]
    net.biases = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
    return net, np.array([0.05, 0.10]), np.array([0.01, 0.99])
