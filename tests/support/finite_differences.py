"""Centred differences, (f(x + h e_i) - f(x - h e_i)) / 2h, written out once for the tests that check a
gradient against them (the course's own numerical_gradient is under test, so it is not used)."""

from __future__ import annotations

import numpy as np


def centred_differences(f, point: list[float], h: float) -> list[float]:
    """d f / d point[i] for each i; ``f`` takes a list of plain floats (Python's arithmetic, not numpy's)."""
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((f(up) - f(down)) / (2 * h))
    return grads


def centred_differences_in_place(loss, param: np.ndarray, h: float) -> np.ndarray:
    """d loss() / d param[index] for every entry, each nudged where it lies (``loss`` reads ``param`` there,
    inside a network or a list of layers) and put back afterwards."""
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        keep = param[index]
        param[index] = keep + h
        up = loss()
        param[index] = keep - h
        down = loss()
        param[index] = keep
        grad[index] = (up - down) / (2 * h)
    return grad
