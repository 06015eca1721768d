"""Run a widget's small matrix products on one BLAS thread.

A widget's networks are small (tens of units, a few hundred samples). For such
products OpenBLAS's thread start-up and hand-over cost more than the arithmetic:
measured here, a (200, 64) @ (64, 64) product took 3.5 ms with the default
threads and 0.08 ms with one, and far longer when other processes keep the cores
busy. Callbacks wrap their computation in ``one_blas_thread()`` so a drag
stays responsive.
"""

from __future__ import annotations

import contextlib

try:
    from threadpoolctl import ThreadpoolController
except ImportError:  # threadpoolctl comes with scikit-learn; without it, run as numpy would anyway
    ThreadpoolController = None

_controller = None


def one_blas_thread():
    """A context manager limiting BLAS to one thread inside it (a no-op without threadpoolctl)."""
    global _controller
    if ThreadpoolController is None:
        return contextlib.nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()  # inspecting the loaded libraries once, not on every update
    return _controller.limit(limits=1, user_api="blas")
