"""A submission is contained as a whole (issue 23): limits on all its processes together, and one
bad part does not cost the others.

Each test tries an attack in the sandbox and shows it stopped, and shows it working with that
defence switched off (a cgroup taken away, a watchdog check turned off, a home or uid reused), so
the test would catch the defence going missing. Where a batch is graded, an honest submission
graded beside the attacker (two at a time, ``jobs=2``) keeps full marks.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

import pytest

from grader_fixtures import POINTS, SELF_CONTAINED_TWO_LAYER, answer, points_but, process_starter, solved, write

from course_tools.grader import contain, kernel, sandbox
from course_tools.grader.cli import grade_many
from course_tools.grader.grade import Options, grade_file

pytestmark = pytest.mark.slow

SAFE = dict(seed=3, timeout=10, memory_mb=512)
UID_ONLY = dict(SAFE, sandbox="uid", unsafe=True)  # no namespaces, no cgroup: the watchdog's fallback
FULL = POINTS


def scores(result) -> dict:
    return {grade_id: score for grade_id, _, score, _ in result.parts()}


def everything(result) -> str:
    return "\n".join([t.output for t in result.tests] + result.notes)


def batch(tmp_path: Path, attacker: dict, jobs: int = 2, **options):
    """Grade the attacker and an honest submission in one batch: (attacker's result, honest result)."""
    paths = [str(write(attacker, tmp_path / "a_attacker.ipynb")), str(write(solved(), tmp_path / "b_honest.ipynb"))]
    results, failures = grade_many(paths, Options(**options), jobs=jobs, progress=False)
    assert failures == [] and len(results) == 2, failures
    return results


def without_cgroup(layers: sandbox.Layers) -> sandbox.Layers:
    return dataclasses.replace(layers, cgroup=None)


# ---------------------------------------------------------------- memory of all processes together

# Four children of 200 MB each, all alive at once: 800 MB beside the kernel's own ~100 MB, while
# each process stays far below the per-process address-space limit of 512 MB. The answers are
# defined only after every child held its memory, so full marks show the children ran.
HOG = """import subprocess, sys
_hogs = [subprocess.Popen([sys.executable, "-c", "import time\\nhoard = b'x' * (200 << 20)\\n"
                           "print('ready', flush=True)\\ntime.sleep(3)"], stdout=subprocess.PIPE)
         for _ in range(4)]
_ready = [h.stdout.readline() for h in _hogs]
for _h in _hogs:
    _h.kill()
    _h.wait()
if _ready != [b"ready\\n"] * 4:
    raise RuntimeError(f"not every child could take its memory: {_ready}")
""" + answer("neuron")


def hog() -> dict:
    return solved(neuron=HOG, two_layer=SELF_CONTAINED_TWO_LAYER)


def test_the_layers_say_what_bounds_a_submission_as_a_whole():
    layers = sandbox.detect("auto")
    assert layers.cgroup is not None, f"this machine offers cgroups to root: {layers.missing}"
    text = layers.describe(sandbox.Limits(memory=512 << 20, disk=128 << 20))
    assert "memory 512 MB and 64 processes (cgroup v" in text and "files 128 MB" in text
    assert "private /tmp of 192 MB" in text
    alone = sandbox.detect("uid").describe(sandbox.Limits(memory=512 << 20))
    assert "summed from /proc" in alone and "RLIMIT_NPROC of its own uid" in alone


@pytest.mark.parametrize("layers", [SAFE, UID_ONLY], ids=["cgroup", "watchdog (uid alone)"])
def test_children_that_together_pass_the_memory_limit_are_stopped(layers, tmp_path):
    attacker, honest = batch(tmp_path, hog(), **layers)
    assert scores(honest) == FULL
    assert scores(attacker) == points_but(neuron_tests=0), everything(attacker)
    assert "used more than 512 MB in total" in everything(attacker)


def test_without_the_total_memory_limit_the_children_take_what_they_like(tmp_path, monkeypatch):
    monkeypatch.setattr(contain.Watch, "memory_on", False)
    layers = without_cgroup(sandbox.detect("auto"))
    attacker, honest = batch(tmp_path, hog(), jobs=1, **dict(SAFE, layers=layers))  # in this process
    assert scores(attacker) == FULL and scores(honest) == FULL  # 900 MB, under a limit of 512 MB


def test_the_cgroup_caps_the_processes_of_a_kernel_without_its_own_uid(tmp_path, monkeypatch):
    spawn = process_starter(f"{6000 + os.getpid() % 1000}.5", tries=100)
    monkeypatch.setattr(sandbox, "MAX_PROCESSES", 10_000)  # no RLIMIT_NPROC to speak of: the cgroup alone

    def started(**layers) -> int:
        text = everything(grade_file(write(solved(neuron=spawn), tmp_path / "spawn.ipynb"), Options(**layers)))
        return int(text.split("STARTED ")[1].split()[0])

    assert started(**SAFE) < sandbox.Limits().processes
    assert started(**dict(SAFE, layers=without_cgroup(sandbox.detect("auto")))) == 100


# ---------------------------------------------------------------- bytes written in all

# Six files of 48 MB (each under the 64 MB file-size limit): 288 MB in all, in /tmp; the answers
# are defined only after the last one is written.
WRITER = """import os
for _i in range(6):
    with open(f"/tmp/big{os.getuid()}-{_i}", "wb") as _f:
        _f.write(b"x" * (48 << 20))
""" + answer("neuron")
DISK = dict(SAFE, memory_mb=1024, disk_mb=128)


@pytest.mark.parametrize(
    "layers", [DISK, dict(DISK, sandbox="uid", unsafe=True)], ids=["private /tmp", "shared /tmp (uid alone)"]
)
def test_files_that_together_pass_the_disk_limit_are_stopped(layers, tmp_path):
    attacker, honest = batch(tmp_path, solved(neuron=WRITER, two_layer=SELF_CONTAINED_TWO_LAYER), **layers)
    assert scores(honest) == FULL
    assert scores(attacker) == points_but(neuron_tests=0), everything(attacker)
    assert "wrote more than 128 MB in files in total" in everything(attacker)
    assert not [name for name in os.listdir("/tmp") if name.startswith("big1")]  # its files in /tmp are gone


def test_without_the_watchdog_the_private_tmp_still_has_a_size(tmp_path, monkeypatch):
    monkeypatch.setattr(contain.Watch, "disk_on", False)
    nb = write(solved(neuron=WRITER, two_layer=SELF_CONTAINED_TWO_LAYER), tmp_path / "writer.ipynb")
    result = grade_file(nb, Options(**DISK))
    assert scores(result)["neuron_tests"] == 0 and "No space left on device" in everything(result)
    monkeypatch.setattr(sandbox.Limits, "tmp_size", property(lambda self: None))  # no --size either
    assert scores(grade_file(nb, Options(**DISK))) == FULL  # 288 MB written, under a limit of 128 MB


# ---------------------------------------------------------------- a restart starts clean

PLANT = (
    answer("neuron").split("def neuron")[0]
    + """
import os
_startup = os.path.expanduser("~/.ipython/profile_default/startup")
os.makedirs(_startup, exist_ok=True)
with open(os.path.join(_startup, "00.py"), "w") as _f:
    _f.write("import time\\ntime.sleep(1000)\\n")


def neuron(x, w, b):
    os._exit(1)  # the kernel dies, and the grader starts a new one
"""
)


def test_a_planted_ipython_startup_file_costs_only_its_own_part(tmp_path, monkeypatch):
    nb = write(solved(neuron=PLANT), tmp_path / "plant.ipynb")
    result = grade_file(nb, Options(**SAFE))
    sigmoid = scores(result)["neuron_tests"]  # the sigmoid check still passes
    costs_its_part = points_but(neuron_tests=sigmoid)
    assert 0 < sigmoid < POINTS["neuron_tests"] and scores(result) == costs_its_part, everything(result)
    # a fresh home alone is enough (a fresh uid alone is too: IPython does not use a profile it cannot write)
    uid = sandbox.fresh_uid()
    monkeypatch.setattr(sandbox, "fresh_uid", lambda: uid)
    assert scores(grade_file(nb, Options(**SAFE))) == costs_its_part
    # with the home, and so the IPython profile, kept from one start to the next, the next start hangs
    monkeypatch.setattr(sandbox, "Limits", functools.partial(sandbox.Limits, startup_timeout=8))
    monkeypatch.setattr(kernel.KernelSession, "fresh_start", _same_home(kernel.KernelSession.fresh_start))
    result = grade_file(nb, Options(**SAFE))
    assert scores(result) == {**{part: 0 for part in POINTS}, "neuron_tests": sigmoid}
    assert "could not be restarted" in everything(result)


def _same_home(fresh_start):
    def keep(self):
        if self.home is None:
            fresh_start(self)

    return keep


BOMB = (
    answer("two_layer")
    + """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
)


def test_a_fork_bomb_in_uid_mode_costs_only_its_own_part(tmp_path, monkeypatch):
    nb = write(solved(two_layer=BOMB), tmp_path / "bomb.ipynb")
    layers = dict(UID_ONLY, timeout=4)
    result = grade_file(nb, Options(**layers))
    assert scores(result) == points_but(two_layer_tests=0), everything(result)
    assert "did not finish within" in everything(result)
    # restarted as the same uid, the new kernel meets the old one's dying processes at its process limit
    uid = sandbox.fresh_uid()
    monkeypatch.setattr(sandbox, "fresh_uid", lambda: uid)
    result = grade_file(nb, Options(**layers))
    assert result.score == 0 and "could not be restarted" in everything(result)


@pytest.mark.skipif(not sandbox.shutil.which("bwrap"), reason="needs bubblewrap")
def test_the_file_count_stops_at_the_grader_s_own_mounts(tmp_path):
    """Inside bubblewrap the grader's read-only binds (a virtual environment under /tmp, when the course lives
    there) sit inside the private /tmp: counting them as the kernel's files stopped every kernel at start."""
    big = tmp_path / "venv"
    big.mkdir()
    for index in range(50):
        (big / f"f{index}").write_bytes(b"x" * 10_000)
    private = "/tmp/course-grade-mount-test"
    process = sandbox.subprocess.Popen(
        [
            sandbox.shutil.which("bwrap"),
            "--bind",
            "/",
            "/",
            "--tmpfs",
            "/tmp",
            "--dir",
            private,
            "--ro-bind",
            str(big),
            f"{private}/venv",
            "--",
            "sh",
            "-c",
            f"echo written > {private}/mine; sleep 30",
        ]
    )
    try:
        import time

        def inside() -> int:  # the sandboxed process, in bubblewrap's mount namespace
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            return int(children[0]) if children else process.pid

        found = contain._Tally()
        for _ in range(100):  # until bubblewrap has built the namespace and the shell has written its file
            root = f"/proc/{inside()}/root{private}"
            found = contain._Tally()
            contain.tally(root, found)
            if os.path.exists(f"{root}/mine") and os.path.exists(f"{root}/venv/f49"):
                break
            time.sleep(0.05)
        assert found.entries == 1, f"counted {found.entries} entries: the bound folder's 50 files crept in"
    finally:
        process.kill()
        process.wait()


def test_a_kernel_in_the_grader_s_own_process_group_never_counts_the_grader_as_its_own(tmp_path):
    """Without a cgroup or a uid, the watchdog finds a kernel's processes by parent and process group. A kernel
    left in the grader's group must not make the grader, the test runner or their shell its members: a breach
    would kill them all (a loaded test run lost its whole runner this way)."""
    child = sandbox.subprocess.Popen(["sleep", "30"])  # same process group as this test
    try:
        watch = contain.Watch(memory=None, disk=None, home=str(tmp_path), kill=lambda: None, leader=child.pid)
        members = watch.processes(None)
        assert child.pid in members
        assert os.getpid() not in members and os.getppid() not in members
    finally:
        child.kill()
        child.wait()
