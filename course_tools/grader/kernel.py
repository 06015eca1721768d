"""A learner's kernel in the sandbox: started, run cell by cell, killed, restarted and replayed.

``KernelSession`` starts one IPython kernel (jupyter_client, Unix-socket
transport) inside the sandbox of ``sandbox.py``: its own uid and namespaces
where available, resource limits, a minimal environment, ``course_lib`` as the
only course code on its import path, a private directory. ``run(code, timeout)``
executes one cell and returns what happened (``Outcome``). The grader reads at
most ``MAX_MESSAGE`` bytes per message from the kernel: a larger one closes the
connection (ZeroMQ's ``MAXMSGSIZE``) and counts as the kernel being lost.

Every start of a kernel (the first, and each restart) gets a fresh uid, a
fresh empty home (so no IPython start-up file or anything else an earlier part
wrote is read again), a cgroup of its own where the machine offers one, and a
``contain.Watch`` that stops it when all its processes together use more memory,
or write more bytes of files, than the limits allow (``Outcome.reason`` says so).

``Runner`` runs cells in a session and restarts it when a cell hangs or kills
it, replaying the setup and the answer cells that ran cleanly.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing.util
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import zmq
from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient

from . import contain, sandbox
from .sandbox import Layers, Limits
from .transport import MAX_TEXT, bootstrap_cell

MAX_OUTPUT = 20_000  # characters of a cell's printed output kept (the rest is dropped)
MAX_MESSAGE = MAX_TEXT + (4 << 20)  # bytes of one message from the kernel the grader accepts
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelStartError(RuntimeError):
    """No kernel could be started: the grader itself cannot run."""


@dataclass
class Outcome:
    """What running one cell did.

    ``status``: 'ok', 'error' (an exception; ``error`` holds "Name: message" and
    ``traceback`` its last lines), 'timeout' (killed after the time limit) or
    'died' (the kernel process ended, or sent a message over the size cap).
    ``stdout`` is the printed text (capped); ``truncated`` says it was cut.
    ``reason``: why the grader stopped the kernel, when a limit on the whole
    submission did ('' otherwise).
    """

    status: str
    stdout: str = ""
    error: str = ""
    traceback: str = ""
    truncated: bool = False
    reason: str = ""

    @property
    def fatal(self) -> bool:
        """True when the kernel is gone and must be restarted."""
        return self.status in ("timeout", "died")


class _SandboxedManager(KernelManager):
    """A KernelManager whose kernel command is prefixed by the sandbox's wrapper."""

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        return list(self.sandbox_prefix) + command

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox_uid is not None:  # the kernel must read its key, and no one else
            os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)


@dataclass
class KernelSession:
    """One kernel for one submission, in a private directory ``workdir``.

    ``workdir`` is the grader's: the kernel may write only in ``workdir/homeN`` (its
    working directory, home and sockets; a new empty one for each start N) and reads
    its probes' inputs from ``workdir/inputs``, which it cannot change (a file, not
    the cell's source: IPython would take seconds to parse megabytes of inputs in a cell).
    """

    workdir: str
    layers: Layers
    staged: str
    hidden: list
    limits: Limits = field(default_factory=Limits)
    marker: str = ""
    restarts: int = 0
    owns_workdir: bool = False

    @classmethod
    def fresh(cls, layers: Layers, staged: str, hidden: list, limits: Limits) -> "KernelSession":
        """A session with its own new private directory (removed by ``close``) and a random marker."""
        return cls(
            tempfile.mkdtemp(prefix="course-grade-"),
            layers,
            staged,
            list(hidden),
            limits,
            f"@@course-grade-{secrets.token_hex(16)}@@",
            owns_workdir=True,
        )

    def __post_init__(self):
        self.manager = self.client = None
        self.uid = None  # a fresh one for every start of the kernel
        self.home = None  # likewise
        self.cgroup = None
        self.watch = None
        self.inputs = os.path.join(self.workdir, "inputs")
        self.sent = 0
        os.makedirs(self.inputs, exist_ok=True)
        os.chmod(self.workdir, 0o755)
        os.chmod(self.inputs, 0o755)
        self.context = zmq.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)

    def start(self) -> None:
        """Start the kernel and wait until it runs the grader's helpers; ``KernelStartError`` if not."""
        self.launch()
        self.connect()

    def fresh_start(self) -> None:
        """A new uid and a new, empty home for the next start: nothing the last kernel wrote (an IPython
        start-up file, a planted module) is read again, and processes of the last uid that are still
        dying (a fork bomb's, which count against its process limit) cannot keep the new kernel from starting."""
        old = self.home
        self.uid = sandbox.fresh_uid() if self.layers.uid else None
        self.home = os.path.join(self.workdir, f"home{self.restarts}")
        if old and old != self.home:
            shutil.rmtree(old, ignore_errors=True)
        os.makedirs(self.home, exist_ok=True)

    def launch(self) -> None:
        """Start the kernel's process in the sandbox, without waiting for it."""
        self.fresh_start()
        sandbox.give_to(self.home, self.uid)
        manager = _SandboxedManager(
            kernel_name="python3",
            transport="ipc",
            context=self.context,
            ip=os.path.join(self.home, f"k{self.restarts}"),
            connection_file=os.path.join(self.home, f"k{self.restarts}.json"),
        )
        manager.sandbox_uid = self.uid
        manager.sandbox_prefix = (
            sandbox.bwrap_command(
                self.layers.bwrap,
                self.workdir,
                self.staged,
                self.hidden,
                uid=self.uid,
                home=self.home,
                tmp_size=self.limits.tmp_size,
                sized=self.layers.sized,
            )
            if self.layers.bwrap
            else []
        )
        self.manager = manager
        try:
            if self.layers.cgroup is not None:  # room for bwrap's two processes besides the kernel's
                self.cgroup = contain.Cgroup(self.layers.cgroup, self.limits.memory, self.limits.processes + 2)
            manager.start_kernel(
                cwd=self.home,
                env=sandbox.environment(self.home, self.staged),
                preexec_fn=sandbox.preexec(self.limits, self.uid, drop=not self.layers.bwrap, cgroup=self.cgroup),
                stdout=subprocess.DEVNULL,
                stderr=_kernel_log(),
            )
        except Exception as exc:  # any failure to start is the grader's problem, not the learner's
            self.stop()
            raise KernelStartError(f"could not start a Python kernel: {type(exc).__name__}: {exc}") from exc
        provisioner = getattr(manager, "provisioner", None)
        watch = contain.Watch(
            memory=self.limits.memory,
            disk=self.limits.disk,
            home=self.home,
            kill=None,
            cgroup=self.cgroup,
            uid=self.uid,
            private=bool(self.layers.bwrap),
            leader=getattr(getattr(provisioner, "process", None), "pid", None),
        )
        # this start's processes, whatever the session starts next
        watch.kill = functools.partial(_kill, getattr(provisioner, "pgid", None), self.cgroup, self.uid, watch)
        self.watch = watch
        contain.WATCHDOG.add(watch)

    def _kill_all(self) -> None:
        """Kill every process of the running kernel: its process group, cgroup and uid."""
        _kill(getattr(getattr(self.manager, "provisioner", None), "pgid", None), self.cgroup, self.uid)

    @property
    def breach(self) -> str:
        """Why the watchdog stopped this kernel ('' if it did not)."""
        return self.watch.breach if self.watch is not None else ""

    def connect(self) -> None:
        """Wait for the launched kernel and install the grader's helpers in it."""
        try:
            # the client's sockets come from our context, which caps every incoming message
            client = BlockingKernelClient(context=self.context, parent=self.manager)
            client.load_connection_info(self.manager.get_connection_info())
            client.start_channels()
            self.client = client
            client.wait_for_ready(timeout=self.limits.startup_timeout)
        except Exception as exc:
            self.stop()
            why = f" (the watchdog stopped it: it {self.breach})" if self.breach else ""
            raise KernelStartError(f"could not start a Python kernel: {type(exc).__name__}: {exc}{why}") from exc
        outcome = self.run(bootstrap_cell(self.marker), self.limits.startup_timeout)
        if outcome.status != "ok":
            self.stop()
            raise KernelStartError(
                f"the kernel did not accept the grader's helpers: {outcome.reason or outcome.error or outcome.status}"
            )

    def send(self, text: str) -> str:
        """Store ``text`` (a probe's encoded inputs) where the kernel can read but not change it; its path."""
        self.sent += 1
        os.makedirs(self.inputs, mode=0o755, exist_ok=True)  # without the sandbox a kernel could remove it
        path = os.path.join(self.inputs, f"{self.sent}.json")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o644)
        return path

    def stop(self) -> None:
        """Kill the kernel and every process it started, and remove what it left in shared
        folders (its uid's files) and its cgroup; safe to call twice."""
        if self.client is not None:
            try:
                self.client.stop_channels()
            except Exception:
                pass
        if self.manager is not None:
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:
                pass
            self._kill_all()
            try:
                self.manager.cleanup_resources()
            except Exception:
                pass
        if self.watch is not None:
            contain.WATCHDOG.remove(self.watch)
        if self.uid is not None and not self.layers.bwrap:  # its files in /tmp, /dev/shm, ...
            contain.remove_owned(self.uid)
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        self.manager = self.client = None

    def close(self) -> None:
        self.stop()
        self.context.destroy(linger=0)
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

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
        if self.breach or not self.alive():
            return Outcome("died", reason=self.breach)
        msg_id = self.client.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        out, kept, truncated = [], 0, False
        error = traceback = ""
        errored = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                return Outcome("timeout", "".join(out), truncated=truncated)
            try:
                msg = self.client.get_iopub_msg(timeout=min(remaining, 0.25))
            except queue.Empty:
                if self.breach or not self.alive():
                    self.stop()
                    return Outcome("died", "".join(out), truncated=truncated, reason=self.breach)
                continue
            except Exception:  # a garbled message: treat the kernel as lost
                self.stop()
                return Outcome("died", "".join(out), truncated=truncated)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "stream" and content.get("name") == "stdout":
                text = str(content.get("text", ""))
                room = max(max_output - kept, 0)
                out.append(text[:room])
                kept += min(len(text), room)
                truncated = truncated or len(text) > room
            elif kind == "error":
                errored = True
                error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"[:2000]
                traceback = _ANSI.sub("", "\n".join(content.get("traceback", [])[-3:]))[-3000:]
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        self._drain_reply(msg_id, deadline)
        if self.watch is not None and self.watch.look():  # a limit passed in the cell's last moments
            self.stop()
            return Outcome("died", "".join(out), truncated=truncated, reason=self.breach)
        return Outcome("error" if errored else "ok", "".join(out), error, traceback, truncated)

    def _drain_reply(self, msg_id: str, deadline: float) -> None:
        """Read the shell reply of ``msg_id`` so replies never pile up (it carries nothing we need)."""
        while time.monotonic() < deadline + 1.0:
            try:
                reply = self.client.get_shell_msg(timeout=0.5)
            except Exception:
                return
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return


def _kill(pgid, cgroup, uid, watch=None) -> None:
    """Kill every process of one kernel start (signals only: safe from the watchdog's thread): its
    process group, its cgroup, its uid's, and (``watch``, without cgroup or uid) the processes the
    watchdog found in its process tree."""
    if pgid:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if cgroup is not None:
        cgroup.kill()
    if uid is not None:  # whatever left the process group (setsid, double fork)
        sandbox.kill_uid(uid)
    if watch is not None and uid is None and cgroup is None:
        for pid in list(watch.members):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _kernel_log():
    """Where the kernel's own stderr goes: nowhere, or the file named by COURSE_GRADE_KERNEL_LOG (debugging)."""
    path = os.environ.get("COURSE_GRADE_KERNEL_LOG")
    return open(path, "a") if path else subprocess.DEVNULL


class KernelPool:
    """Starts the next submission's kernel while the current one is graded (one spare per process).

    A batch spends most of a submission's time starting its kernel; launched ahead,
    the kernel's process boots while the previous submission is graded. A spare is
    used only for the same sandbox, library and limits, and no code has run in it.
    """

    def __init__(self):
        self.spare = None  # (key, launched session)
        atexit.register(self.close)
        multiprocessing.util.Finalize(self, self.close, exitpriority=10)  # worker processes skip atexit

    def take(self, layers: Layers, staged: str, hidden: list, limits: Limits, ahead: bool) -> KernelSession:
        """A started kernel for these settings; with ``ahead``, launch the next one now."""
        key = (layers, staged, tuple(hidden), limits)
        ready = None
        if self.spare is not None:
            spare_key, session = self.spare
            self.spare = None
            if spare_key == key and session.manager is not None:
                try:
                    session.connect()
                    ready = session
                except KernelStartError:
                    pass
            if ready is None:
                session.close()
        if ready is None:
            ready = KernelSession.fresh(layers, staged, hidden, limits)
            try:
                ready.start()
            except BaseException:
                ready.close()
                raise
        if ahead:  # its process boots while this submission is graded
            upcoming = KernelSession.fresh(layers, staged, hidden, limits)
            try:
                upcoming.launch()
                self.spare = (key, upcoming)
            except KernelStartError:
                upcoming.close()
        return ready

    def close(self) -> None:
        if self.spare is not None:
            _, session = self.spare
            self.spare = None
            session.close()


POOL = KernelPool()


def describe_fatal(outcome: Outcome, timeout: float) -> str:
    if outcome.reason:
        return outcome.reason
    if outcome.status == "timeout":
        return f"did not finish within {timeout:g} s (an endless loop, or far too slow), so the kernel was stopped"
    return (
        "stopped the Python kernel (os._exit, a crash, memory exhausted, or a message too large to read); "
        "a fresh kernel was started for the rest"
    )


class Runner:
    """Runs cells in a kernel, restarting it and replaying the good cells when it is lost.

    Restarts are counted per part (``group``): hangs in one part cannot use up
    another's. ``budget`` seconds bound the whole submission.
    """

    def __init__(self, kernel: KernelSession, budget: float, max_restarts: int):
        self.kernel, self.budget, self.max_restarts = kernel, budget, max_restarts
        self.replay: list[tuple[str, str, float]] = []
        self.lost: dict[str, str] = {}  # grade_id -> why the cell is no longer run
        self.restarts: dict[str, int] = {}  # group -> restarts it caused
        self.stopped = ""  # why grading stopped altogether, if it did
        self.deadline = time.monotonic() + budget

    def over_budget(self) -> bool:
        if not self.stopped and time.monotonic() > self.deadline:
            self.stopped = (
                f"grading stopped: the submission used up the total time budget of "
                f"{self.budget:g} s; the remaining checks were not run"
            )
        return bool(self.stopped)

    def exhausted(self, group: str) -> str:
        """Why ``group`` may not restart the kernel again ('' while it may)."""
        if self.restarts.get(group, 0) >= self.max_restarts:
            return (
                f"this part's code hung or crashed the kernel {self.restarts[group]} times; "
                "its remaining checks were not run"
            )
        return ""

    def run_cell(self, grade_id: str, code: str, timeout: float) -> Outcome:
        if self.over_budget():
            self.lost[grade_id] = "was not run (" + self.stopped + ")"
            return Outcome("died")
        outcome = self.kernel.run(code, timeout)
        if outcome.fatal:
            self.lost[grade_id] = describe_fatal(outcome, timeout)
            self.recover("answers")
        else:
            self.replay.append((grade_id, code, timeout))
        return outcome

    def probe(self, code: str, timeout: float, group: str) -> Outcome:
        if self.over_budget():
            return Outcome("died")
        outcome = self.kernel.run(code, timeout, max_output=MAX_TEXT + 1000)
        if outcome.fatal:
            self.recover(group)
        return outcome

    def recover(self, group: str) -> None:
        """A fresh kernel with the setup and the answers that ran cleanly."""
        self.restarts[group] = self.restarts.get(group, 0) + 1
        while not self.stopped:
            try:
                self.kernel.restart()
            except KernelStartError as exc:
                self.stopped = f"the kernel could not be restarted ({exc})"
                return
            for entry in list(self.replay):
                grade_id, code, timeout = entry
                if self.over_budget():
                    return
                outcome = self.kernel.run(code, timeout)
                if outcome.fatal:
                    self.replay.remove(entry)
                    self.lost[grade_id] = describe_fatal(outcome, timeout) + " (when run again)"
                    break
            else:
                return
