"""Every attack on the grader from issue 13, tried with the sandbox and without it.

Each test runs the attack twice: in the sandbox (``Options()``: every layer this
machine has; bubblewrap must be installed, see .ci/run) it fails, and with the
sandbox switched off (``sandbox="none", unsafe=True``) it works, which shows the
test would catch the defence going missing. The uid layer alone is tried where
it is the layer that stops the attack.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from grader_fixtures import (
    EXERCISE,
    LAST_ANSWER,
    POINTS,
    ROOT,
    SOLUTION,
    STUDENT,
    TOTAL,
    answer,
    process_starter,
    sigmoid_alone,
    solved,
    with_answers,
    write,
)

from course_tools.grader import catalog, sandbox, spec
from course_tools.grader.cli import grade_many
from course_tools.grader.grade import GraderError, Options, grade_file

pytestmark = pytest.mark.slow

SAFE = dict(seed=3, timeout=10, memory_mb=768)
UNSAFE = dict(SAFE, sandbox="none", unsafe=True)
UID_ONLY = dict(SAFE, sandbox="uid", unsafe=True)  # unsafe only skips the check that the checkout is closed


def test_the_sandbox_layers_are_all_there():
    layers = sandbox.detect("auto")
    assert layers.bwrap, f"bubblewrap is needed for these tests (apt-get install bubblewrap): {layers.missing}"
    assert layers.uid == (os.geteuid() == 0)
    assert "namespaces" in layers.describe()


def grade(nb, tmp_path: Path, name: str, **options):
    return grade_file(write(nb, tmp_path / f"{name}.ipynb"), Options(**options))


def scores(result) -> dict:
    return {grade_id: score for grade_id, _, score, _ in result.parts()}


def everything(result) -> str:
    return "\n".join([t.output for t in result.tests] + result.notes)


# ---------------------------------------------------------------- reading the reference

READ_SOLUTIONS = f"""import json
for _cell in json.load(open({str(SOLUTION)!r}))["cells"]:
    if _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("solution"):
        exec("".join(_cell["source"]))
"""

IMPORT_GRADER = f"""from course_tools.grader import catalog, reference
globals().update({{k: v for k, v in reference.namespace(catalog.load({EXERCISE!r})[0]).items()
                   if not k.startswith("__")}})
"""


@pytest.mark.parametrize("attack", [READ_SOLUTIONS, IMPORT_GRADER], ids=["read solutions", "import the grader"])
def test_the_reference_answers_are_out_of_reach(attack, tmp_path):
    nb = with_answers(STUDENT, **{LAST_ANSWER: attack})  # the last answer cell: nothing redefines what it takes
    assert grade(nb, tmp_path, "unsafe", **UNSAFE).score == TOTAL  # the attack works without the sandbox
    result = grade(nb, tmp_path, "safe", **SAFE)
    assert result.score == 0
    assert "Error" in everything(result)


def test_the_uid_layer_alone_keeps_closed_files_closed(tmp_path):
    closed = tmp_path / "closed"  # like solutions/ on Gradescope after setup.sh: root's, mode 0700
    closed.mkdir(mode=0o700)
    shutil.copy(SOLUTION, closed / SOLUTION.name)
    nb = with_answers(STUDENT, **{LAST_ANSWER: READ_SOLUTIONS.replace(str(SOLUTION), str(closed / SOLUTION.name))})
    assert grade(nb, tmp_path, "unsafe", **UNSAFE).score == TOTAL
    assert grade(nb, tmp_path, "uid", **UID_ONLY).score == 0


def test_without_namespaces_the_grader_refuses_a_readable_checkout(tmp_path):
    with pytest.raises(GraderError, match="chmod -R go-rwx"):
        grade(solved(), tmp_path, "refused", **dict(SAFE, sandbox="uid"))


# ---------------------------------------------------------------- network, processes, files, memory


def test_the_kernel_has_no_network(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    heard = []

    def listen():
        for _ in range(200):
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            heard.append(connection.recv(100))
            connection.close()

    threading.Thread(target=listen, daemon=True).start()
    leak = f"""import socket
try:
    socket.create_connection(("127.0.0.1", {server.getsockname()[1]}), timeout=2).sendall(b"leaked answers")
except OSError as exc:
    print(exc)
""" + answer("neuron")
    try:
        grade(solved(neuron=leak), tmp_path, "unsafe", **UNSAFE)
        assert heard == [b"leaked answers"]
        result = grade(solved(neuron=leak), tmp_path, "safe", **SAFE)
        assert result.score == TOTAL and heard == [b"leaked answers"]  # nothing more arrived
    finally:
        server.close()


def _processes_with(word: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and word in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("layers", [SAFE, UID_ONLY], ids=["all layers", "uid alone"])
def test_no_process_outlives_its_kernel(layers, tmp_path):
    word = f"{4000 + os.getpid() % 1000}.{len(layers)}"
    escape = f'''import os, subprocess
subprocess.Popen(["sleep", "{word}"], start_new_session=True)
if os.fork() == 0:  # a double fork with setsid: not in the kernel's process group
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{word}"])
    os._exit(0)
''' + answer("neuron")
    try:
        assert grade(solved(neuron=escape), tmp_path, "unsafe", **UNSAFE).score == TOTAL
        assert len(_processes_with(word)) == 2  # without the sandbox both escape
        for pid in _processes_with(word):
            os.kill(pid, 9)
        assert grade(solved(neuron=escape), tmp_path, "safe", **layers).score == TOTAL
        assert _processes_with(word) == []
    finally:
        for pid in _processes_with(word):
            os.kill(pid, 9)


@pytest.mark.parametrize("layers", [SAFE, UID_ONLY], ids=["all layers", "uid alone"])
def test_writes_outside_the_private_directory_fail(layers, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    tmp_path.chmod(0o755)
    target = outside / "escaped.txt"
    write_out = f"""try:
    open({str(target)!r}, "w").write("x")
except OSError as exc:
    print(exc)
""" + answer("neuron")
    grade(solved(neuron=write_out), tmp_path, "unsafe", **UNSAFE)
    assert target.exists()
    target.unlink()
    assert grade(solved(neuron=write_out), tmp_path, "safe", **layers).score == TOTAL
    assert not target.exists()


ALLOCATE = """import numpy as np

def neuron(x, w, b):
    big = np.ones(2**27)  # 1 GiB
    return float(1.0 / (1.0 + np.exp(-(np.dot(w, x) + b)))) + 0 * big[0]
"""


def test_memory_past_the_limit_fails_in_the_kernel(tmp_path):
    nb = solved(neuron=answer("neuron").split("def neuron")[0] + ALLOCATE)
    assert grade(nb, tmp_path, "no limit", **dict(SAFE, memory_mb=8192)).score == TOTAL
    result = grade(nb, tmp_path, "limited", **dict(SAFE, memory_mb=512))
    assert scores(result)["neuron_tests"] == sigmoid_alone() and "MemoryError" in everything(result)  # sigmoid passes
    assert scores(result)["layer_tests"] == POINTS["layer_tests"]


def test_the_grader_reads_no_message_larger_than_its_cap(tmp_path, monkeypatch):
    import resource

    from course_tools.grader import kernel

    # past the kernel's own cap on printed text (the stream's write method of its class, not the capped one)
    flood = (
        answer("neuron")
        + """
_neuron = neuron
def neuron(x, w, b):
    import sys
    type(sys.stdout).write(sys.stdout, "x" * 60_000_000)
    return _neuron(x, w, b)
"""
    )
    nb = solved(neuron=flood)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = grade(nb, tmp_path, "capped", **SAFE)
    assert scores(result)["neuron_tests"] == sigmoid_alone() and scores(result)["layer_tests"] == POINTS["layer_tests"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40_000  # KiB
    monkeypatch.setattr(kernel, "MAX_MESSAGE", -1)  # no cap: the grader takes in the whole message
    grade(nb, tmp_path, "uncapped", **SAFE)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before > 60_000


# ---------------------------------------------------------------- integrity across a batch


def _rewriting_attack(copy: Path) -> str:
    return f"""import json
_path = {str(copy / SOLUTION.name)!r}
try:
    _nb = json.load(open(_path))
    for _cell in _nb["cells"]:
        if _cell.get("metadata", {{}}).get("nbgrader", {{}}).get("grade_id") == "neuron":
            _cell["source"] = "".join(_cell["source"]) + (  # a wrong neuron replaces the right one
                "\\ndef neuron(x, w, b):\\n    ### BEGIN SOLUTION\\n    return 0.0\\n    ### END SOLUTION\\n")
    json.dump(_nb, open(_path, "w"))
except OSError as exc:
    print(exc)
"""


def _batch(tmp_path: Path, copy: Path, fingerprint: bool, **layers):
    attacker = write(with_answers(STUDENT, neuron=_rewriting_attack(copy)), tmp_path / "a_attacker.ipynb")
    honest = write(solved(), tmp_path / "b_honest.ipynb")
    options = Options(**layers, solutions=copy)
    options.fingerprint = catalog.fingerprint(copy) if fingerprint else None
    return grade_many([str(attacker), str(honest)], options, jobs=1, progress=False)


def test_no_submission_changes_what_the_others_are_graded_against(tmp_path):
    copy = tmp_path / "solutions"  # mode 0700, root's: as solutions/ is on Gradescope
    copy.mkdir(mode=0o700)
    for notebook in (ROOT / "solutions").glob("ex*.ipynb"):
        shutil.copy(notebook, copy / notebook.name)
    original = (copy / SOLUTION.name).read_bytes()
    # without the sandbox and without the fingerprint, the honest student loses points
    results, failures = _batch(tmp_path, copy, False, **UNSAFE)
    assert failures == [] and results[1].score < 10
    (copy / SOLUTION.name).write_bytes(original)
    # without the sandbox, the fingerprint stops the batch
    results, failures = _batch(tmp_path, copy, True, **UNSAFE)
    assert len(failures) == 2 and "changed while grading" in failures[0] and results == []
    (copy / SOLUTION.name).write_bytes(original)
    # in the sandbox the file cannot be written at all
    results, failures = _batch(tmp_path, copy, True, **SAFE)
    assert failures == [] and results[1].score == TOTAL
    assert (copy / SOLUTION.name).read_bytes() == original


# ---------------------------------------------------------------- held-out data

PEEK = """def train_classifier(X, y, seed=0):
    import sys
    seen, frame = set(), sys._getframe(1)
    while frame is not None:
        for scope in (frame.f_locals, frame.f_globals):
            for name, value in list(scope.items()):
                if name in ("held_out_seed", "angle", "mirror", "X_test") or (isinstance(value, dict) and
                                                                            "held_out_seed" in value):
                    seen.add(name)
        frame = frame.f_back
    raise RuntimeError("FOUND:" + ",".join(sorted(seen)) + ":END")
"""


def test_held_out_data_never_enters_the_kernel(tmp_path, monkeypatch):
    student = ROOT / "exercises" / "ex09_train_classifier.ipynb"
    nb = with_answers(student, train=PEEK)
    result = grade(nb, tmp_path, "peek", **SAFE)
    found = [t.output for t in result.tests if "FOUND:" in t.output]
    assert found and all("FOUND::END" in text for text in found), found
    # were the private values ordinary inputs, the function would see them
    monkeypatch.setattr(spec.Probe, "keep", lambda self, **values: (self.inputs.update(values), self)[1])
    result = grade(nb, tmp_path, "peek_unprotected", **SAFE)
    assert any("held_out_seed" in t.output for t in result.tests)


# ---------------------------------------------------------------- leaking through messages


def test_messages_cannot_carry_the_graders_environment_or_hidden_specs(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_GRADER_SECRET", "hunter2")
    spec_file = Path(catalog.__file__).parent / "specs" / f"{EXERCISE}.py"
    leak = (
        answer("neuron").split("def neuron")[0]
        + f"""
def neuron(x, w, b):
    import os
    try:
        spec = open({str(spec_file)!r}).read()
    except OSError as exc:
        spec = str(exc)
    raise RuntimeError(os.environ.get("COURSE_GRADER_SECRET", "no secret") + " " + spec[spec.find("SPEC ="):][:80])
"""
    )
    unsafe = everything(grade(solved(neuron=leak), tmp_path, "unsafe", **UNSAFE))
    assert "SPEC = Spec(" in unsafe  # without the sandbox the hidden spec's source comes out
    monkeypatch.setattr(sandbox, "environment", lambda workdir, staged: dict(os.environ, PYTHONPATH=staged))
    assert "hunter2" in everything(grade(solved(neuron=leak), tmp_path, "inherited", **SAFE))
    monkeypatch.undo()
    monkeypatch.setenv("COURSE_GRADER_SECRET", "hunter2")
    safe = everything(grade(solved(neuron=leak), tmp_path, "safe", **SAFE))
    assert "hunter2" not in safe and "SPEC = Spec(" not in safe and "no secret" in safe


TAMPER_INPUTS = (
    answer("neuron").split("def neuron")[0]
    + """
def neuron(x, w, b):
    import os, sys
    frame, path = sys._getframe(), None
    while frame is not None and path is None:
        path = frame.f_locals.get("inputs_path")
        frame = frame.f_back
    try:
        open(path, "w").write("{}")   # what a background thread could do to the next probe's inputs
        os.rename(os.path.dirname(path), os.path.dirname(path) + "-moved")
        outcome = "CHANGED"
    except OSError:
        outcome = "KEPT"
    raise RuntimeError(outcome)
"""
)


@pytest.mark.parametrize("layers", [SAFE, UID_ONLY], ids=["all layers", "uid alone"])
def test_the_kernel_cannot_change_the_inputs_the_grader_sends(layers, tmp_path):
    assert "CHANGED" in everything(grade(solved(neuron=TAMPER_INPUTS), tmp_path, "unsafe", **UNSAFE))
    text = everything(grade(solved(neuron=TAMPER_INPUTS), tmp_path, "safe", **layers))
    assert "KEPT" in text and "CHANGED" not in text


def test_the_number_of_processes_is_limited(tmp_path):
    word = f"{5000 + os.getpid() % 1000}.5"
    spawn = process_starter(word, tries=100)
    try:
        assert "STARTED 100" in everything(grade(solved(neuron=spawn), tmp_path, "unsafe", **UNSAFE))
        for pid in _processes_with(word):
            os.kill(pid, 9)
        text = everything(grade(solved(neuron=spawn), tmp_path, "safe", **UID_ONLY))
        started = int(text.split("STARTED ")[1].split()[0].rstrip(".:"))
        assert started < sandbox.MAX_PROCESSES
    finally:
        for pid in _processes_with(word):
            os.kill(pid, 9)


# ---------------------------------------------------------------- a developer's machine (not root)


def _as_developer(folder: Path, notebook: dict, *options: str, bubblewrap: bool = True):
    """course-grade run by an ordinary user (a fresh uid), with or without bwrap on PATH: (exit status,
    stderr, results.json or None)."""
    path = write(notebook, folder / f"n{len(list(folder.iterdir()))}.ipynb")
    path.chmod(0o644)
    results = folder / f"{path.stem}.json"
    bin_dirs = [os.path.dirname(sys.executable)] + (["/usr/bin", "/bin"] if bubblewrap else [])
    uid = sandbox.fresh_uid()
    done = subprocess.run(
        [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "env",
            "-i",
            f"HOME={folder}",
            f"PATH={os.pathsep.join(bin_dirs)}",
            sys.executable,
            "-m",
            "course_tools.grader.cli",
            str(path),
            "--results",
            str(results),
            "--quiet",
            *options,
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
    )
    found = json.loads(results.read_text()) if results.exists() else None
    return done.returncode, done.stderr, found


@pytest.fixture()
def open_folder():
    folder = Path(tempfile.mkdtemp(prefix="course-grade-developer-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_developer_without_bubblewrap_is_refused_unless_unsafe(open_folder):
    attack = with_answers(STUDENT, **{LAST_ANSWER: READ_SOLUTIONS})
    status, stderr, results = _as_developer(open_folder, attack, bubblewrap=False)
    assert status == 2 and results is None
    assert "refusing to grade" in stderr and "apt-get install bubblewrap" in stderr
    status, stderr, results = _as_developer(open_folder, attack, "--unsafe", bubblewrap=False)
    assert status == 0 and "UNSAFE" in stderr and results["score"] == TOTAL  # and the attack works


def test_a_developer_with_bubblewrap_grades_in_namespaces(open_folder):
    status, stderr, results = _as_developer(open_folder, with_answers(STUDENT, **{LAST_ANSWER: READ_SOLUTIONS}))
    assert status == 0 and "namespaces" in stderr and results["score"] == 0, stderr
    spawn = process_starter("2", tries=300)
    status, _, results = _as_developer(open_folder, solved(neuron=spawn))
    started = int(json.dumps(results).split("STARTED ")[1].split()[0])
    assert status == 0 and started < 2 * sandbox.MAX_PROCESSES
