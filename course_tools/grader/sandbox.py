"""The sandbox every submission's kernel runs in, built from what Linux and Debian provide.

Layers, each detected when the grader starts (``detect``) and reported:

- **everywhere** (no privileges needed): resource limits (address space, CPU
  time, file size, no core dumps), a new session and process group, a minimal
  environment (no inherited variables), an import path holding only a staged
  copy of ``course_lib`` (see ``staging``), and a private temporary directory as
  working directory and ``HOME``;
- **uid** (when the grader runs as root, e.g. in a Gradescope container): the
  kernel runs as a fresh unprivileged uid, used by no other process, so it can
  read only world-readable files, write only where anyone may, and every
  process it leaves behind is found and killed by that uid (``kill_uid``);
  ``RLIMIT_NPROC`` caps its processes;
- **namespaces** (when ``bwrap`` from Debian's ``bubblewrap`` works; usually not
  inside Docker): no network, a PID namespace that dies with the kernel, and a
  filesystem holding only the system, Python, the staged ``course_lib`` and the
  private directory (read-only, except that directory): no ``solutions/``,
  specs, grader or course checkout at all; a private ``/tmp`` and ``/dev/shm``
  of bounded size;
- **cgroup** (where the grader may make cgroups, usually as root outside Docker;
  see ``contain``): each kernel start gets its own cgroup, joined before the
  kernel drops its uid, capping the memory and tasks of all its processes
  together.

Whatever the layers, a watchdog (``contain.WATCHDOG``) bounds the submission as
a whole: the memory of all its processes together (from the cgroup, else summed
from ``/proc``) and the bytes of all the files it wrote.

The minimum for untrusted code is the uid layer or the namespace layer; without
either the grader refuses unless told ``--unsafe``.
"""

from __future__ import annotations

import functools
import os
import resource
import secrets
import shutil
import site
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import contain

UID_RANGE = (1_500_000_000, 1_900_000_000)  # far above any real account; each kernel draws its own
MAX_PROCESSES = 64
MODES = ("auto", "uid", "namespaces", "none")


class SandboxError(RuntimeError):
    """The sandbox asked for cannot be set up here; the message says what is missing."""


@dataclass(frozen=True)
class Layers:
    """Which isolation layers kernels get. ``uid``: kernels run as fresh unprivileged
    uids; ``bwrap``: path of a working bubblewrap (namespaces). ``missing``: why a
    layer is absent, in words."""

    uid: bool
    bwrap: str | None
    missing: tuple = ()
    cgroup: contain.CgroupPlace | None = None
    sized: bool = True  # bwrap caps the size of the private /tmp (--size)

    @property
    def safe(self) -> bool:
        """True when the minimum for untrusted code is there (a separate uid or namespaces)."""
        return self.uid or self.bwrap is not None

    def describe(self, limits: "Limits | None" = None) -> str:
        """One line: the layers on, what bounds a submission as a whole, and why any layer is missing."""
        limits = limits or Limits()
        on = [
            "resource limits",
            "own process group",
            "minimal environment",
            "only course_lib importable",
            "private temporary directory",
        ]
        if self.uid:
            on.append("unprivileged uid")
        if self.bwrap:
            on.append("namespaces (no network, own PIDs, only the needed files)")
        text = "sandbox: " + ", ".join(on)
        every = f"every {contain.INTERVAL:g} s"
        if self.cgroup:
            totals = [
                f"memory {limits.memory >> 20} MB and {limits.processes} processes "
                f"({self.cgroup.describe()} per kernel)"
            ]
        else:
            totals = [f"memory {limits.memory >> 20} MB (its processes' memory summed from /proc {every})"]
            if self.uid:
                totals.append(f"{MAX_PROCESSES} processes (RLIMIT_NPROC of its own uid)")
            elif os.geteuid() != 0:
                totals.append(f"{MAX_PROCESSES} processes more than the user runs (RLIMIT_NPROC)")
        files = f"files {limits.disk >> 20} MB (polled {every}"
        if self.bwrap and self.sized:
            files += f"; private /tmp of {limits.tmp_size >> 20} MB"
        totals.append(files + ")")
        text += "; per submission, all its processes together: " + ", ".join(totals)
        return text + "".join(f"; {why}" for why in self.missing)


def fresh_uid() -> int:
    return UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])


def _drop_to(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _python_runs(prefix, drop: int | None) -> str:
    """'' when the kernel's Python starts (with numpy and ipykernel) behind the command prefix
    ``prefix(folder)`` as uid ``drop`` (None: ours); else the last line of what went wrong."""
    with tempfile.TemporaryDirectory(prefix="course-grade-probe-") as workdir:
        os.chmod(workdir, 0o755)
        command = [*prefix(workdir), sys.executable, "-c", "import numpy, ipykernel"]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=60,
                cwd=workdir,
                env=environment(workdir, workdir),
                preexec_fn=(lambda: _drop_to(drop)) if drop is not None else None,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"could not run ({exc})"
    if done.returncode != 0:
        return ((done.stderr or "").strip().splitlines() or ["no output"])[-1][:200]
    return ""


@functools.lru_cache(maxsize=None)
def detect(mode: str = "auto") -> Layers:
    """The layers available in ``mode``: 'auto' (all there are), 'uid' or 'namespaces'
    (that layer only, or ``SandboxError``), 'none' (only the layers that work everywhere)."""
    if mode not in MODES:
        raise SandboxError(f"unknown sandbox mode {mode!r}; choose one of {', '.join(MODES)}")
    root = os.geteuid() == 0
    missing = []
    bwrap = None
    sized = True
    if mode in ("auto", "namespaces"):
        found = shutil.which("bwrap")
        if not found:
            missing.append("no namespaces (bwrap not found: install Debian's bubblewrap)")
        else:
            inside = fresh_uid() if root and mode == "auto" else None
            why = _python_runs(
                lambda folder: bwrap_command(found, folder, folder, [], uid=inside, tmp_size=SHM_SIZE), None
            )
            if why and not _python_runs(
                lambda folder: bwrap_command(found, folder, folder, [], uid=inside, sized=False), None
            ):
                sized = False  # a bwrap older than 0.7 knows no --size: the watchdog alone bounds /tmp
                missing.append("no size cap on the private /tmp (bwrap too old for --size; the watchdog polls it)")
            elif why:
                missing.append(f"no namespaces (bwrap cannot build the sandbox here: {why})")
            if not why or not sized:
                bwrap = found
    uid = False
    if mode in ("auto", "uid"):
        if not root:
            missing.append("no unprivileged uid (the grader does not run as root)")
        elif bwrap:
            uid = True  # checked above: inside the namespaces the kernel already ran as a fresh uid
        else:
            why = _python_runs(lambda folder: [], fresh_uid())
            if why:
                missing.append(
                    f"no unprivileged uid (Python at {sys.base_prefix} does not start for "
                    f"another user: {why}; make it readable by all)"
                )
            else:
                uid = True
    if mode == "uid" and not uid:
        raise SandboxError(
            "sandbox mode 'uid' needs the grader to run as root and Python readable by all: " + "; ".join(missing)
        )
    if mode == "namespaces" and bwrap is None:
        raise SandboxError("sandbox mode 'namespaces' needs a working bwrap: " + "; ".join(missing))
    cgroup = None
    if mode == "auto":  # 'uid' and 'namespaces' try one layer alone, as on a machine without cgroups
        cgroup, why = contain.find_cgroups()
        if cgroup is None:
            missing.append(f"no cgroup (the watchdog bounds the totals instead: {why})")
    return Layers(uid, bwrap, tuple(missing), cgroup, sized)


def namespace_flags(privileged: bool) -> list[str]:
    """bwrap's isolation flags. As root, bwrap needs no user namespace and keeps only the
    capabilities to switch to the kernel's uid (which drops them)."""
    common = ["--die-with-parent", "--new-session"]
    if privileged:
        return [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            *common,
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
        ]
    return ["--unshare-all", *common, "--cap-drop", "ALL"]


def drop_command(uid: int) -> list[str]:
    """A command prefix that becomes ``uid`` (no groups, no capabilities) and runs the rest."""
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [
            setpriv,
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    return [
        sys.executable,
        "-S",
        "-c",
        "import os, sys\nos.setgroups([]); os.setgid(int(sys.argv[1])); "
        "os.setuid(int(sys.argv[1])); os.execv(sys.argv[2], sys.argv[2:])",
        str(uid),
    ]


# ------------------------------------------------------------------ what the kernel sees


def _system_dirs() -> list[str]:
    """Directories a Python kernel needs: the system, the interpreter and its packages."""
    found = []
    packages = [p for p in sys.path if os.path.basename(p.rstrip("/")) in ("site-packages", "dist-packages")]
    for path in [
        "/usr",
        "/bin",
        "/lib",
        "/lib64",
        "/lib32",
        "/sbin",
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        *site.getsitepackages(),
        *packages,
    ]:
        if path and os.path.exists(path) and path not in found:
            found.append(path)
    return found


_ETC = [
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/fonts",
    "/etc/alternatives",
]


SHM_SIZE = 64 << 20  # /dev/shm in the sandbox: semaphores and small shared arrays


def bwrap_command(
    bwrap: str,
    workdir: str,
    staged: str,
    hidden: list[str],
    uid: int | None = None,
    home: str | None = None,
    tmp_size: int | None = None,
    sized: bool = True,
) -> list[str]:
    """The bwrap prefix for the kernel command: read-only system and Python, the staged
    course_lib, ``workdir`` read-only with its ``home`` writable (the kernel's own folder),
    and empty directories over every path of ``hidden`` (the grader, solutions, the
    original course_lib) that the bound directories contain. With ``uid`` (the grader
    runs as root) the kernel becomes that uid inside. ``/tmp`` (with ``/var/tmp`` a link
    to it) holds at most ``tmp_size`` bytes, ``/dev/shm`` at most ``SHM_SIZE`` (unless not ``sized``:
    bwrap before 0.7 has no --size)."""
    home = home or workdir
    size = ["--size", str(tmp_size)] if tmp_size and sized else []
    shm = ["--size", str(min(SHM_SIZE, tmp_size) if tmp_size else SHM_SIZE)] if sized else []
    # private /tmp first: binds below it (a virtual environment, the staged library) go on top
    command = [
        bwrap,
        *namespace_flags(uid is not None),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        *shm,
        "--tmpfs",
        "/dev/shm",
        "--perms",
        "1777",
        *size,
        "--tmpfs",
        "/tmp",
        "--perms",
        "0755",
        "--dir",
        "/var",
        "--symlink",
        "/tmp",
        "/var/tmp",
    ]
    bound, made = [], {"/", "/tmp", "/var", "/var/tmp", "/proc", "/dev"}

    def parents(path):  # folders bwrap would otherwise create closed (0700)
        extra = []
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text not in made and not any(text == b or text.startswith(b.rstrip("/") + "/") for b in bound):
                extra += ["--perms", "0755", "--dir", text]
                made.add(text)
        return extra

    for path in _system_dirs():
        if any(path == b or path.startswith(b.rstrip("/") + "/") for b in bound):
            continue
        if os.path.islink(path):
            command += parents(path) + ["--symlink", os.readlink(path), path]
        else:
            command += parents(path) + ["--ro-bind", path, path]
            bound.append(path)
    for path in _ETC:
        if os.path.exists(path):
            command += parents(path) + ["--ro-bind", path, path]
    for path in hidden:
        real = os.path.realpath(path)
        if os.path.isdir(real) and any(real == b or real.startswith(b.rstrip("/") + "/") for b in bound):
            command += ["--tmpfs", real]
    command += parents(staged) + ["--ro-bind", staged, staged]
    command += parents(workdir) + [
        "--ro-bind",
        workdir,
        workdir,
        "--bind",
        home,
        home,
        "--chdir",
        home,
        # ipykernel would take PID 1 (bwrap, its parent here) for init and quit;
        # bwrap dies with the grader instead
        "--setenv",
        "JPY_PARENT_PID",
        "1",
        "--",
    ]
    return command + (drop_command(uid) if uid is not None else [])


def environment(workdir: str, staged: str) -> dict:
    """The kernel's whole environment: nothing inherited from the grader."""
    return {
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": workdir,
        "TMPDIR": workdir,
        "IPYTHONDIR": os.path.join(workdir, ".ipython"),
        "MPLCONFIGDIR": os.path.join(workdir, ".matplotlib"),
        "JUPYTER_RUNTIME_DIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": staged,
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # parallel gradings share the cores; threads would only add address space
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        # glibc reserves 64 MB of address space per thread arena; under RLIMIT_AS cap the arenas
        "MALLOC_ARENA_MAX": "2",
    }


@dataclass(frozen=True)
class Limits:
    """Resource limits (bytes and seconds). ``memory``: the address space of each of the kernel's
    processes and the memory of all of them together; ``disk``: the bytes of all the files it
    writes; ``file_size``: one file; ``processes``: its processes (and threads) together."""

    memory: int = 2048 * 1024 * 1024
    file_size: int = 64 * 1024 * 1024
    cpu_seconds: int = 900
    startup_timeout: float = 60.0
    disk: int = 256 * 1024 * 1024
    processes: int = MAX_PROCESSES

    @property
    def tmp_size(self) -> int:
        """The size of the private /tmp: past ``disk`` by one file, so the watchdog, not a full disk, stops a writer."""
        return self.disk + self.file_size


def tasks_of(uid: int) -> int:
    """How many tasks (processes and threads: what RLIMIT_NPROC counts) ``uid`` runs now."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(os.path.join(entry.path, "status"), encoding="ascii", errors="replace") as handle:
                    status = dict(line.split(":", 1) for line in handle if ":" in line)
                if int(status["Uid"].split()[0]) == uid:
                    count += int(status["Threads"])
            except (OSError, KeyError, ValueError):
                continue
    return count


def preexec(limits: Limits, uid: int | None, drop: bool, cgroup: "contain.Cgroup | None" = None):
    """What runs in the kernel's process between fork and exec: limits, the ``cgroup`` (joined
    while still privileged, so everything the kernel forks is inside), then (``drop``) the uid.

    ``RLIMIT_NPROC`` counts every task of the real uid. For a uid that is the
    kernel's alone the cap is ``MAX_PROCESSES``; a kernel that runs as the grader's
    own (non-root) user may add ``MAX_PROCESSES`` to what that user runs already.
    Root ignores the limit, so as root without a uid of its own a kernel has none.
    """
    own = None if uid is not None or os.geteuid() == 0 else tasks_of(os.getuid()) + MAX_PROCESSES

    def run():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        cap = MAX_PROCESSES if uid is not None else own
        if cap is not None:
            hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
            cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)  # never above what we may
            resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
        if cgroup is not None:
            cgroup.join()
        if uid is not None and drop:
            _drop_to(uid)

    return run


def kill_uid(uid: int) -> None:
    """Kill every process running as ``uid`` (the kernel's and whatever it left behind,
    even after ``setsid``): a process with that uid signals -1."""
    kill = shutil.which("kill")  # procps' kill: far quicker to start than Python
    command = [kill, "-KILL", "-1"] if kill else [sys.executable, "-S", "-c", "import os\nos.kill(-1, 9)"]
    try:
        subprocess.run(command, preexec_fn=lambda: _drop_to(uid), timeout=10, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        pass


def give_to(path: str, uid: int | None) -> None:
    """Make the private directory ``path`` the kernel's own (mode 0700)."""
    if uid is not None:
        os.chown(path, uid, uid)
    os.chmod(path, stat.S_IRWXU)


def readable_by_others(path: Path) -> list[str]:
    """Files or folders under ``path`` (and ``path`` itself) that a stranger uid could read,
    judged by mode bits along the whole path; [] when ``path`` does not exist."""
    path = Path(path).resolve()
    if not path.exists():
        return []
    for parent in reversed(path.parents):  # a closed folder above closes everything below
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return []
    if path.is_file():
        return [str(path)] if os.stat(path).st_mode & stat.S_IROTH else []
    exposed = []
    for dirpath, dirnames, filenames in os.walk(path):
        if not os.stat(dirpath).st_mode & stat.S_IXOTH:  # names known or not, nothing inside opens
            dirnames[:] = []
            continue
        exposed.extend(
            os.path.join(dirpath, f) for f in filenames if os.stat(os.path.join(dirpath, f)).st_mode & stat.S_IROTH
        )
        if len(exposed) > 5:
            break
        dirnames[:] = [d for d in dirnames if os.stat(os.path.join(dirpath, d)).st_mode & stat.S_IXOTH]
    return exposed
