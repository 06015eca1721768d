"""A learner's kernel on a short leash: time and memory limits, killed and restarted at will.

``KernelSession`` starts one IPython kernel (jupyter_client) in an empty
temporary directory, in its own process session, with an address-space limit,
a file-size limit and no core dumps. ``run(code, timeout)`` executes one cell
and returns what happened (``Outcome``); on timeout the kernel's whole process
group is killed. ``restart()`` starts a fresh kernel.
"""
from __future__ import annotations

import os
import queue
import re
import resource
import signal
import subprocess
import time
from dataclasses import dataclass, field

from jupyter_client import KernelManager

from .source import ROOT

MAX_OUTPUT = 20_000          # characters of output kept per cell (the rest is counted, not stored)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelStartError(RuntimeError):
    """No kernel could be started: the grader itself cannot run."""


@dataclass
class Outcome:
    """What running one cell did.

    ``status``: 'ok', 'error' (an exception; ``error`` holds "Name: message" and
    ``traceback`` its last lines), 'timeout' (killed after the time limit) or
    'died' (the kernel process ended). ``stdout`` is the printed text (capped).
    """

    status: str
    stdout: str = ""
    error: str = ""
    traceback: str = ""
    seconds: float = 0.0
    extra_output: int = 0

    @property
    def fatal(self) -> bool:
        """True when the kernel is gone and must be restarted."""
        return self.status in ("timeout", "died")


@dataclass
class Limits:
    """Resource limits of the kernel process (bytes and seconds)."""

    memory: int = 2048 * 1024 * 1024
    file_size: int = 64 * 1024 * 1024
    startup_timeout: float = 60.0


def _apply_limits(limits: Limits):
    def preexec():  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return preexec


def kernel_environment(workdir: str) -> dict:
    """The kernel's environment: the grader's, one thread per numeric library, course_lib importable."""
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # parallel gradings share the cores; threads only add address space
    # glibc reserves 64 MB of address space per thread arena; under RLIMIT_AS that would
    # leave a 9-thread kernel little room, so cap the arenas (same speed for this workload).
    env["MALLOC_ARENA_MAX"] = "2"
    env["MPLBACKEND"] = "Agg"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("JPY_PARENT_PID", None)
    env["TMPDIR"] = workdir
    return env


@dataclass
class KernelSession:
    """One kernel for one submission; use as a context manager."""

    workdir: str
    limits: Limits = field(default_factory=Limits)
    restarts: int = 0

    def __post_init__(self):
        self.manager = None
        self.client = None

    def __enter__(self) -> "KernelSession":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        manager = KernelManager(kernel_name="python3")
        try:
            # The kernel's own stdout/stderr (not the notebook's output) would only clutter the grader's.
            manager.start_kernel(cwd=self.workdir, env=kernel_environment(self.workdir),
                                 preexec_fn=_apply_limits(self.limits),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            client = manager.blocking_client()
            client.start_channels()
            client.wait_for_ready(timeout=self.limits.startup_timeout)
        except Exception as exc:  # any failure to start is the grader's problem, not the learner's
            self.manager = manager
            self.stop()
            raise KernelStartError(f"could not start a Python kernel: {type(exc).__name__}: {exc}") from exc
        self.manager, self.client = manager, client

    def stop(self) -> None:
        """Kill the kernel and every process in its group; safe to call twice."""
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:
                pass
        if self.manager is not None:
            pgid = getattr(getattr(self.manager, "provisioner", None), "pgid", None)
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:
                pass
            if pgid:
                try:
                    os.killpg(pgid, signal.SIGKILL)  # children the submission started, too
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                self.manager.cleanup_resources()
            except Exception:
                pass
        self.manager = self.client = None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def alive(self) -> bool:
        try:
            return self.manager is not None and self.manager.is_alive()
        except Exception:
            return False

    def run(self, code: str, timeout: float, max_output: int = MAX_OUTPUT) -> Outcome:
        """Execute ``code`` as one cell, waiting at most ``timeout`` seconds; keep ``max_output`` characters."""
        start = time.monotonic()
        if not self.alive():
            return Outcome("died", seconds=0.0)
        msg_id = self.client.execute(code, silent=False, store_history=False, allow_stdin=False,
                                     stop_on_error=False)
        deadline = start + timeout
        out, kept, extra = [], 0, 0
        error = traceback = ""
        errored = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                return Outcome("timeout", "".join(out), seconds=time.monotonic() - start, extra_output=extra)
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 0.25))
            except queue.Empty:
                if not self.alive():
                    self.stop()
                    return Outcome("died", "".join(out), seconds=time.monotonic() - start, extra_output=extra)
                continue
            except Exception:  # a garbled message: treat the kernel as lost
                self.stop()
                return Outcome("died", "".join(out), seconds=time.monotonic() - start, extra_output=extra)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            text = ""
            if kind == "stream" and content.get("name") == "stdout":
                text = str(content.get("text", ""))
            elif kind == "error":
                errored = True
                error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"[:2000]
                traceback = _ANSI.sub("", "\n".join(content.get("traceback", [])[-3:]))[-3000:]
            elif kind == "status" and content.get("execution_state") == "idle":
                break
            if text:
                room = max_output - kept
                out.append(text[:max(room, 0)])
                kept += min(len(text), max(room, 0))
                extra += max(len(text) - max(room, 0), 0)
        self._drain_reply(msg_id, deadline)
        status = "error" if errored else "ok"
        return Outcome(status, "".join(out), error, traceback, time.monotonic() - start, extra)

    def _drain_reply(self, msg_id: str, deadline: float) -> None:
        """Read the shell reply of ``msg_id`` so replies never pile up (it carries nothing we need)."""
        while time.monotonic() < deadline + 1.0:
            try:
                reply = self.client.get_shell_msg(timeout=0.5)
            except queue.Empty:
                return
            except Exception:
                return
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return

