"""One submission's kernel contained as a whole: every process it starts, counted together.

The limits of ``sandbox.preexec`` hold per process (address space, file size,
CPU time): six forked children get six address spaces, and many files of 64 MB
add up. This module bounds the submission's total:

- a **cgroup** per kernel start where the machine offers one (``find_cgroups``):
  cgroup v2 with its memory and pids controllers, else cgroup v1's memory and
  pids hierarchies, made below the grader's own cgroup. The kernel joins it
  between fork and exec, before it drops its uid, so everything it ever forks
  is inside; the cgroup caps the memory and the number of tasks of all of them
  together, and is removed when the kernel stops (``Cgroup``);
- a **watchdog** thread in the grader (``WATCHDOG``), which every ``INTERVAL``
  seconds looks at each running kernel (``Watch``):

  - memory: with a cgroup, whether the cgroup's limit made the system kill a
    process (the cgroup's OOM kills); without one, the memory of every process
    of the kernel summed from ``/proc`` (proportional set sizes, so pages shared
    after a fork count once): its fresh uid's processes, or else its process
    tree and process group;
  - files: the bytes of every file the kernel can have written: its home, its
    private ``/tmp`` and ``/dev/shm`` inside bubblewrap (read through
    ``/proc/PID/root``), or, without namespaces, whatever its uid owns in the
    shared temporary folders (``/tmp``, ``/var/tmp``, ``/dev/shm``, ...);

  past a limit it kills every process of the kernel and records why
  (``Watch.breach``), in words a student understands.

Without a cgroup, the process count of a submission is capped by
``RLIMIT_NPROC`` on its fresh uid (``sandbox.preexec``).
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing.util
import os
import secrets
import shutil
import signal
import stat
import threading
import time
from dataclasses import dataclass

INTERVAL = 0.1  # seconds between two looks of the watchdog
MAX_FILES = 20_000  # files and folders one kernel may create (each costs memory even when empty)
_PAGE = os.sysconf("SC_PAGE_SIZE")
_SHARED_CANDIDATES = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue")


def memory_breach(limit: int) -> str:
    return (
        f"used more than {limit >> 20} MB in total (the memory of all its processes together), "
        "so the kernel was stopped"
    )


def disk_breach(limit: int) -> str:
    return (
        f"wrote more than {limit >> 20} MB in files in total (its folder and the temporary folders together), "
        "so the kernel was stopped"
    )


def files_breach() -> str:
    return f"created more than {MAX_FILES} files and folders, so the kernel was stopped"


# ------------------------------------------------------------------ cgroups


@dataclass(frozen=True)
class CgroupPlace:
    """Where kernels' cgroups are made: ``version`` 2 (one folder) or 1 (the memory and the pids folder)."""

    version: int
    parents: tuple

    def describe(self) -> str:
        return "cgroup v2" if self.version == 2 else "cgroup v1 memory and pids"


_LEFTOVERS: set = set()  # cgroup folders that could not be removed yet (a process was still leaving)


def _read(path: str) -> str:
    with open(path, encoding="ascii", errors="replace") as handle:
        return handle.read()


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


def _cgroup_mounts() -> list[tuple[str, str, str, set]]:
    """(filesystem type, mount point, root inside the hierarchy, super options) of every cgroup mount."""
    found = []
    try:
        lines = _read("/proc/self/mountinfo").splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) >= 5 and rest and rest[0] in ("cgroup", "cgroup2"):
            found.append((rest[0], fields[4], fields[3], set(rest[2].split(",")) if len(rest) > 2 else set()))
    return found


def _own_cgroups() -> dict:
    """{controller: path} of this process from /proc/self/cgroup; '' is the v2 hierarchy."""
    own = {}
    try:
        lines = _read("/proc/self/cgroup").splitlines()
    except OSError:
        return own
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                own[controller] = parts[2]
    return own


def _folder(mount_point: str, root: str, path: str) -> str:
    if root != "/" and (path == root or path.startswith(root + "/")):
        path = path[len(root) :]
    return os.path.normpath(os.path.join(mount_point, path.lstrip("/")))


def _try_place(place: "CgroupPlace") -> str:
    """'' when a cgroup with limits can be made and removed at ``place``; else why not."""
    try:
        trial = Cgroup(place, 256 << 20, 64)
    except OSError as exc:
        return f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or place.parents[0]})"
    trial.remove()
    return ""


@functools.lru_cache(maxsize=None)
def find_cgroups() -> tuple:
    """(CgroupPlace, '') where this process may make cgroups for its kernels, or (None, why not).

    cgroup v2 is used when its memory and pids controllers are available below
    the grader's own cgroup; else cgroup v1's memory and pids hierarchies.
    """
    mounts, own = _cgroup_mounts(), _own_cgroups()
    why = []
    for kind, point, root, _ in mounts:
        if kind != "cgroup2" or "" not in own:
            continue
        folder = _folder(point, root, own[""])
        try:
            available = set(_read(os.path.join(folder, "cgroup.controllers")).split())
            if not {"memory", "pids"} <= available:
                why.append(f"cgroup v2 at {point} offers no memory and pids controllers here")
                continue
            if not {"memory", "pids"} <= set(_read(os.path.join(folder, "cgroup.subtree_control")).split()):
                _write(os.path.join(folder, "cgroup.subtree_control"), "+memory +pids")
        except OSError as exc:
            why.append(f"cgroup v2 at {folder}: {exc.strerror or exc}")
            continue
        place = CgroupPlace(2, (folder,))
        trouble = _try_place(place)
        if not trouble:
            return place, ""
        why.append(f"cgroup v2: {trouble}")
    folders = {}
    for controller in ("memory", "pids"):
        for kind, point, root, options in mounts:
            if kind == "cgroup" and controller in options and controller in own:
                folders[controller] = _folder(point, root, own[controller])
                break
    if len(folders) == 2:
        place = CgroupPlace(1, (folders["memory"], folders["pids"]))
        trouble = _try_place(place)
        if not trouble:
            return place, ""
        why.append(f"cgroup v1: {trouble}")
    elif not why:
        why.append("no cgroup hierarchy with memory and pids controllers is mounted")
    return None, "; ".join(why)


class Cgroup:
    """A fresh cgroup capping ``memory`` bytes and ``tasks`` processes and threads, all its members together."""

    def __init__(self, place: CgroupPlace, memory: int, tasks: int):
        self.place = place
        name = f"course-grade-{os.getpid()}-{secrets.token_hex(6)}"
        self.folders = [os.path.join(parent, name) for parent in place.parents]
        _retry_leftovers()
        made = []
        try:
            for folder in self.folders:
                os.mkdir(folder, 0o755)
                made.append(folder)
            if place.version == 2:
                folder = self.folders[0]
                _write(os.path.join(folder, "memory.max"), str(memory))
                if os.path.exists(os.path.join(folder, "memory.swap.max")):
                    _write(os.path.join(folder, "memory.swap.max"), "0")
                _write(os.path.join(folder, "pids.max"), str(tasks))
            else:
                memory_folder, pids_folder = self.folders
                _write(os.path.join(memory_folder, "memory.limit_in_bytes"), str(memory))
                try:  # with swap accounting, swap counts too
                    _write(os.path.join(memory_folder, "memory.memsw.limit_in_bytes"), str(memory))
                except OSError:
                    pass
                _write(os.path.join(pids_folder, "pids.max"), str(tasks))
        except OSError:
            for folder in made:
                try:
                    os.rmdir(folder)
                except OSError:
                    pass
            raise
        self.procs = [os.path.join(folder, "cgroup.procs") for folder in self.folders]

    def join(self) -> None:
        """Move the calling process into the cgroup (runs between fork and exec: plain system calls only)."""
        own = str(os.getpid()).encode()
        for path in self.procs:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, own)
            finally:
                os.close(fd)

    def pids(self) -> list[int]:
        try:
            return [int(word) for word in _read(self.procs[-1]).split()]
        except (OSError, ValueError):
            return []

    def oom_kills(self) -> int:
        """How many processes the system killed because the cgroup reached its memory limit."""
        name = "memory.events" if self.place.version == 2 else "memory.oom_control"
        try:
            for line in _read(os.path.join(self.folders[0], name)).splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill(self) -> None:
        """Kill every process in the cgroup, again until none is left (a fork bomb forks while it dies)."""
        if self.place.version == 2:
            try:
                _write(os.path.join(self.folders[0], "cgroup.kill"), "1")
            except OSError:
                pass
        for _ in range(200):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        for folder in self.folders:
            try:
                os.rmdir(folder)
            except FileNotFoundError:
                pass
            except OSError:
                _LEFTOVERS.add(folder)


def _retry_leftovers() -> None:
    for folder in list(_LEFTOVERS):
        try:
            os.rmdir(folder)
            _LEFTOVERS.discard(folder)
        except FileNotFoundError:
            _LEFTOVERS.discard(folder)
        except OSError:
            pass


def _remove_leftovers_at_exit() -> None:
    """Give the last killed processes a second to leave their cgroups, then remove those."""
    for _ in range(20):
        _retry_leftovers()
        if not _LEFTOVERS:
            return
        time.sleep(0.05)


atexit.register(_remove_leftovers_at_exit)
# a pool's worker processes skip atexit; this runs after the kernel pool's own finaliser (priority 10)
multiprocessing.util.Finalize(None, _remove_leftovers_at_exit, exitpriority=1)


# ------------------------------------------------------------------ files


@functools.lru_cache(maxsize=None)
def shared_folders() -> tuple:
    """The world-writable temporary folders of this machine, where a kernel without namespaces can write."""
    found = []
    for path in _SHARED_CANDIDATES:
        try:
            info = os.stat(path)
        except OSError:
            continue
        real = os.path.realpath(path)
        if stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IWOTH and real not in found:
            found.append(real)
    return tuple(found)


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class _Tally:
    def __init__(self):
        self.bytes = 0
        self.entries = 0  # the kernel's files and folders
        self.visited = 0  # every entry looked at, others' too
        self.seen: set = set()

    def add(self, info: os.stat_result) -> None:
        self.entries += 1
        if info.st_nlink > 1:  # a file linked twice is stored once
            if (info.st_dev, info.st_ino) in self.seen:
                return
            self.seen.add((info.st_dev, info.st_ino))
        self.bytes += info.st_blocks * 512  # what the file really holds: a sparse file costs nothing


def _tally_folder(fd: int, tally: _Tally, owner: int | None, depth: int = 0) -> None:
    """Add what lies in the open folder ``fd``: everything, or (``owner``) only the entries ``owner`` owns,
    going on into world-writable folders. Never follows a symbolic link (``fd`` based)."""
    if depth > 64 or tally.entries > MAX_FILES or tally.visited > 4 * MAX_FILES:
        return
    try:
        entries = list(os.scandir(fd))
        device = os.fstat(fd).st_dev
    except OSError:
        return
    for entry in entries:
        tally.visited += 1
        if tally.entries > MAX_FILES or tally.visited > 4 * MAX_FILES:
            return
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_dev != device:
            # Another file system mounted here: inside bubblewrap, the grader's own read-only binds (a
            # virtual environment, the staged library) that sit under the private /tmp when the course
            # itself lives under /tmp. The kernel wrote none of it.
            continue
        mine = owner is None or info.st_uid == owner
        if mine:
            tally.add(info)
        if stat.S_ISDIR(info.st_mode) and (mine or info.st_mode & stat.S_IWOTH):
            try:
                inner = os.open(entry.name, _DIRECTORY, dir_fd=fd)
            except OSError:
                continue
            try:
                _tally_folder(inner, tally, None if mine else owner, depth + 1)
            finally:
                os.close(inner)


def tally(path: str, tally_: _Tally, owner: int | None = None) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    try:
        _tally_folder(fd, tally_, owner)
    finally:
        os.close(fd)


def remove_owned(owner: int, folders=None) -> None:
    """Delete everything ``owner`` owns in the shared temporary folders (after its processes are gone),
    going into world-writable folders too. Works on open folders, so a symbolic link swapped in by
    another user's process cannot send it anywhere else."""

    def clean(fd: int, depth: int) -> None:
        if depth > 16:
            return
        try:
            entries = list(os.scandir(fd))
        except OSError:
            return
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            is_dir = stat.S_ISDIR(info.st_mode)
            try:
                if info.st_uid == owner:
                    if is_dir:
                        shutil.rmtree(entry.name, dir_fd=fd, ignore_errors=True)
                    else:
                        os.unlink(entry.name, dir_fd=fd)
                elif is_dir and info.st_mode & stat.S_IWOTH:
                    inner = os.open(entry.name, _DIRECTORY, dir_fd=fd)
                    try:
                        clean(inner, depth + 1)
                    finally:
                        os.close(inner)
            except OSError:
                continue

    for folder in shared_folders() if folders is None else folders:
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            clean(fd, 0)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ processes and their memory


class _Processes:
    """The processes of this machine, read once per look of the watchdog (with what was learnt before)."""

    known: dict = {}  # pid -> (real uid, parent pid, process group, session), read once per process
    lock = threading.Lock()

    def __init__(self):
        try:
            self.pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        except OSError:
            self.pids = []
        alive = set(self.pids)
        with self.lock:
            for pid in [p for p in self.known if p not in alive]:
                del self.known[pid]

    def facts(self, pid: int):
        """(real uid, parent pid, process group, session) of ``pid``, or None when it is gone."""
        with self.lock:
            found = self.known.get(pid)
        if found is not None and found[0] == 0:
            # root's processes may still become a kernel's uid (between fork and exec): once one's
            # /proc folder changes hands (its effective uid, at exec), read it again
            try:
                if os.stat(f"/proc/{pid}").st_uid != 0:
                    found = None
            except OSError:
                return None
        if found is None:
            try:
                status = _read(f"/proc/{pid}/status")
            except OSError:
                return None
            values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            try:
                found = (
                    int(values["Uid"].split()[0]),
                    int(values["PPid"]),
                    int(values.get("NSpgid", "0").split()[0] or 0),
                    int(values.get("NSsid", "0").split()[0] or 0),
                )
            except (KeyError, ValueError, IndexError):
                return None
            with self.lock:
                self.known[pid] = found
        return found

    def of_uid(self, uid: int) -> list[int]:
        return [pid for pid in self.pids if (self.facts(pid) or (None,))[0] == uid]


def _ancestors() -> set:
    """This process and every process above it, to init: never a kernel's to kill."""
    found, pid = set(), os.getpid()
    while pid > 1 and pid not in found:
        found.add(pid)
        try:
            status = _read(f"/proc/{pid}/status")
            pid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        except (OSError, StopIteration, ValueError, IndexError):
            break
    return found


def _resident(pid: int) -> int:
    """An upper bound of the memory ``pid`` holds (resident set), in bytes; 0 when it is gone."""
    try:
        return int(_read(f"/proc/{pid}/statm").split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _proportional(pid: int) -> int:
    """The memory ``pid`` holds with shared pages divided among their sharers (Pss), in bytes."""
    try:
        for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return _resident(pid)


def memory_of(pids: list[int], limit: int) -> int:
    """The memory the processes ``pids`` hold together: the quick upper bound (resident sets) when it is
    within ``limit``, else the exact sum of proportional set sizes (pages shared after a fork count once)."""
    quick = sum(_resident(pid) for pid in pids)
    return quick if quick <= limit else sum(_proportional(pid) for pid in pids)


# ------------------------------------------------------------------ the watchdog


class Watch:
    """What the watchdog keeps an eye on for one kernel start.

    ``memory`` and ``disk``: limits in bytes (None: not watched). The kernel's
    processes are its ``cgroup``'s members, else those of ``uid``, else the
    process tree and process group of ``leader``. ``home``: its writable folder;
    ``private``: it runs in its own mount namespace (bubblewrap), whose ``/tmp``
    and ``/dev/shm`` count too; without, what ``uid`` owns in the shared folders
    counts. ``kill``: stops every process of the kernel. ``breach``: why it was
    stopped ('' while it was not).
    """

    memory_on = disk_on = True  # switched off only by tests, to show what each limit stops

    def __init__(self, *, memory, disk, home, kill, cgroup=None, uid=None, leader=None, private=False):
        self.memory, self.disk, self.home, self.kill = memory, disk, home, kill
        self.cgroup, self.uid, self.leader, self.private = cgroup, uid, leader, private
        self.breach = ""
        self.members: set = set()
        self.inside: int | None = None  # a process inside the kernel's mount namespace
        self.lock = threading.Lock()
        self.closed = False  # the kernel was stopped: nothing more to look at

    def processes(self, seen: _Processes | None) -> list[int]:
        if self.cgroup is not None:
            return self.cgroup.pids()
        seen = seen or _Processes()
        if self.uid is not None:
            return seen.of_uid(self.uid)
        if self.leader is None:
            return []
        leader = seen.facts(self.leader)
        if leader is None:
            return [pid for pid in self.members if pid in set(seen.pids)]
        self.members.add(self.leader)
        own = os.getuid()
        # A kernel that shares the grader's process group (no session of its own) must not make the grader,
        # the test runner or their shell its members: the group criterion holds only for a group of its own,
        # and the grader and its ancestors are never members.
        group = leader[2] if leader[2] != os.getpgrp() else None
        grader = _ancestors()
        for pid in sorted(seen.pids):
            if pid in self.members or pid in grader:
                continue
            facts = seen.facts(pid)
            if facts and facts[0] == own and (facts[1] in self.members or (group is not None and facts[2] == group)):
                self.members.add(pid)
        alive = set(seen.pids)
        self.members &= alive
        return sorted(self.members)

    def _inside(self, pids: list[int]) -> int | None:
        """A process of the kernel in another mount namespace than the grader's (bubblewrap's)."""
        if self.inside in pids:
            return self.inside
        try:
            ours = os.readlink("/proc/self/ns/mnt")
        except OSError:
            return None
        for pid in pids:
            try:
                if os.readlink(f"/proc/{pid}/ns/mnt") != ours:
                    self.inside = pid
                    return pid
            except OSError:
                continue
        return None

    def written(self, pids: list[int]) -> _Tally:
        """The files the kernel has written, summed."""
        found = _Tally()
        tally(self.home, found)
        if self.private:
            inside = self._inside(pids)
            for folder in ("tmp", "dev/shm") if inside is not None else ():
                path = f"/proc/{inside}/root/{folder}"
                try:  # while bwrap still builds the sandbox, its namespace shows the grader's own folders
                    if os.stat(path).st_dev == os.stat("/" + folder).st_dev:
                        continue
                except OSError:
                    continue
                tally(path, found)
        elif self.uid is not None:
            for folder in shared_folders():
                tally(folder, found, owner=self.uid)
        return found

    def look(self, seen: _Processes | None = None) -> str:
        """Check the limits now; past one, kill the kernel and record why. Returns the breach ('' if none)."""
        with self.lock:
            if self.breach or self.closed:
                return self.breach
            pids = self.processes(seen)
            why = ""
            if self.memory is not None and self.memory_on:
                if self.cgroup is not None:
                    if self.cgroup.oom_kills() > 0:
                        why = memory_breach(self.memory)
                elif memory_of(pids, self.memory) > self.memory:
                    why = memory_breach(self.memory)
            if not why and self.disk is not None and self.disk_on:
                files = self.written(pids)
                if files.entries > MAX_FILES:
                    why = files_breach()
                elif files.bytes > self.disk:
                    why = disk_breach(self.disk)
            if why:
                self.breach = why
                try:
                    self.kill()
                except Exception:
                    pass
            return why


class Watchdog:
    """One thread per grader process that looks at every running kernel's ``Watch`` each ``INTERVAL`` s."""

    def __init__(self):
        self.watches: list[Watch] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = None

    def add(self, watch: Watch) -> None:
        with self.lock:
            self.watches.append(watch)
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="course-grade-watchdog", daemon=True)
                self.thread.start()

    def remove(self, watch: Watch) -> None:
        """Stop watching ``watch`` (its kernel was stopped); a look under way finishes first."""
        with self.lock:
            if watch in self.watches:
                self.watches.remove(watch)
        with watch.lock:
            watch.closed = True

    def _run(self) -> None:
        while True:
            time.sleep(INTERVAL)
            with self.lock:
                watches = list(self.watches)
            if not watches:
                continue
            seen = _Processes()
            for watch in watches:
                try:
                    watch.look(seen)
                except Exception:  # a process vanished half-way: look again next time
                    continue


WATCHDOG = Watchdog()
