"""nbval starts a notebook's kernel again when it does not answer, rather than failing all its cells.

jupyter_client picks a kernel's five ports by opening and closing sockets, then hands them to the
new process. When the other worker of a parallel run starts a kernel or a JupyterLab in that gap,
two processes want one port, and the new kernel never answers: nbval waits 60 s and reports every
cell of the notebook as an error (it happened once in about thirty CI runs, on lesson 09; nbmake's
issue #129 reports the same race). A kernel started afresh gets fresh ports. Both of nbval's steps
are retried: the start (``Kernel didn't respond``) and the check that its output channel is up
(``Wasn't able to establish IOPub``). A kernel that fails three times still fails.

Loaded with ``-p kernel_start`` by the project's pytest options (pyproject.toml), and by the BLAS
guard's run, which sets its own.
"""

from __future__ import annotations

import nbval.kernel

ATTEMPTS = 3
_start_once = nbval.kernel.RunningKernel.__init__


def start(kernel, *args, **kwargs) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _start_once(kernel, *args, **kwargs)
            return
        except RuntimeError:
            if getattr(kernel, "km", None) is not None:  # started, but its output channel never came up
                try:
                    kernel.stop()
                except Exception:  # already gone: nothing left to stop
                    pass
            if attempt == ATTEMPTS:
                raise


if getattr(nbval.kernel.RunningKernel.__init__, "__module__", "") != __name__:
    nbval.kernel.RunningKernel.__init__ = start
