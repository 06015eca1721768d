"""nbval starts a notebook's kernel again when it does not answer, rather than failing all its cells.

jupyter_client picks a kernel's five ports by opening and closing sockets, then hands them to the
new process. When the other worker of a parallel run starts a kernel or a JupyterLab in that gap,
two processes want one port, and the new kernel never answers: nbval waits 60 s and reports every
cell of the notebook as an error (it happened once in about thirty CI runs, on lesson 09). A kernel
that is started afresh gets fresh ports. A kernel that fails to start three times still fails.

Loaded with ``-p kernel_start`` by the project's pytest options (pyproject.toml), and by the BLAS
guard's run, which sets its own.
"""
from __future__ import annotations

import nbval.kernel

ATTEMPTS = 3
_start_once = nbval.kernel.start_new_kernel


def start_new_kernel(*args, **kwargs):
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _start_once(*args, **kwargs)
        except RuntimeError:   # "Kernel didn't respond", "Kernel died before replying"
            if attempt == ATTEMPTS:
                raise


if getattr(nbval.kernel.start_new_kernel, "__module__", "") != __name__:
    nbval.kernel.start_new_kernel = start_new_kernel
