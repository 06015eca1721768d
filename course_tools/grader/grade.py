"""Grade one submitted notebook: read it, run its answers in a leashed kernel, decide in-process.

``grade_file(path, options)`` never raises because of what the file holds: any
submission gets a ``GradeResult`` whose every lost point is explained. It raises
only when the grader itself cannot work (``GraderError``: a spec that disagrees
with its source, a failing reference solution, no kernel).
"""
from __future__ import annotations

import json
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course_lib.checks import CheckFailure, explain_mismatch, kind, show

from . import catalog, reference
from .kernel import KernelSession, KernelStartError, Limits, Outcome
from .source import SOLUTIONS, Exercise, SourceError
from .spec import Check, Probe, Spec
from .transport import KERNEL_CODE, MAX_TEXT, Opaque, TransportError, decode, dumps

MAX_FILE = 50 * 1024 * 1024


class GraderError(RuntimeError):
    """The grader itself could not run (not the submission's fault); the message says why."""


@dataclass
class Options:
    """How to grade. ``timeout``: seconds per cell and per probe; ``budget``: seconds one
    submission may use in all (cells, probes, restarts); ``memory_mb``: the kernel's
    address-space limit; ``seed``: fixes the random inputs (None: fresh each run);
    ``exercise``: the only exercise id accepted (None: whatever the notebook says)."""

    timeout: float = 10.0
    budget: float = 300.0
    memory_mb: int = 2048
    seed: int | None = None
    exercise: str | None = None
    max_restarts: int = 5
    solutions: Path = SOLUTIONS


@dataclass
class TestResult:
    """One check's outcome, as Gradescope shows a test."""

    part: str
    part_title: str
    name: str
    score: float
    max_score: float
    hidden: bool
    output: str

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass
class GradeResult:
    """Everything the grader found out about one submission."""

    submission: str
    exercise: str | None
    title: str
    tests: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    seed: int | None = None

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> float:
        return sum(test.max_score for test in self.tests)

    def parts(self) -> list[tuple[str, str, float, float]]:
        """(grade_id, title, score, max_score) per part, in order."""
        found: dict = {}
        for test in self.tests:
            _, title, score, top = found.get(test.part, (test.part, test.part_title, 0.0, 0.0))
            found[test.part] = (test.part, title, score + test.score, top + test.max_score)
        return list(found.values())


# ------------------------------------------------------------------ reading

def read_submission(path: Path) -> tuple[dict | None, str]:
    """The notebook as parsed JSON, or None and the reason it cannot be graded."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return None, f"{path.name} is not a file."
        if size == 0:
            return None, f"{path.name} is empty (0 bytes): the notebook was not saved, or the upload failed."
        if size > MAX_FILE:
            return None, f"{path.name} is {size / 2**20:.0f} MB; a notebook should be far smaller (clear large outputs)."
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"{path.name} could not be read: {exc.strerror or exc}."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, f"{path.name} is not a Jupyter notebook: it is not even text (a notebook is JSON text)."
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        return None, (f"{path.name} is not valid JSON{where}, so it is not a Jupyter notebook or it was damaged. "
                      "Download it again from JupyterLab (File > Download) and resubmit.")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, f"{path.name} is JSON but not a Jupyter notebook (it has no list of cells)."
    if nb.get("nbformat", 4) != 4:
        return None, f"{path.name} uses notebook format {nb.get('nbformat')!r}; open and save it in JupyterLab (format 4)."
    return nb, ""


def exercise_id_of(nb: dict) -> str | None:
    meta = nb.get("metadata")
    info = meta.get("course_exercise") if isinstance(meta, dict) else None
    value = info.get("id") if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def _cell_source(cell) -> str | None:
    source = cell.get("source")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def pick_answers(nb: dict, exercise: Exercise) -> tuple[dict, list[str]]:
    """Code of each answer cell by grade_id (the last of duplicates) and notes on what was odd."""
    wanted = {cell.grade_id for cell in exercise.of_kind("answer")}
    found: dict = {}
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        source = _cell_source(cell)
        if grade_id in wanted and source is not None:
            found.setdefault(grade_id, []).append(source)
    notes = []
    for grade_id in sorted(wanted - set(found)):
        notes.append(f"Your notebook has no answer cell {grade_id!r} (cells are matched by their nbgrader grade_id; "
                     "was it deleted, or retyped into a new cell?). The released starter code was used, which scores 0.")
    for grade_id, sources in sorted(found.items()):
        if len(sources) > 1:
            notes.append(f"Answer cell {grade_id!r} appears {len(sources)} times; the last one was graded.")
    return {grade_id: sources[-1] for grade_id, sources in found.items()}, notes


# ------------------------------------------------------------------ the kernel side

_PROBE_TEMPLATE = '''
def __course_grader_probe():
{helpers}
    import traceback as _tb
    try:
        _ns = dict(get_ipython().user_ns)
        _ns.update(_dec(_json.loads({inputs!r}), _ns))
        _src = {source!r}
        try:
            _c = compile(_src, "<probe>", "eval")
        except SyntaxError:
            exec(compile(_src, "<probe>", "exec"), _ns)
            _v = _ns["result"]
        else:
            _v = eval(_c, _ns)
        _p = {{"value": _enc(_v)}}
    except BaseException as _e:
        _f = [f for f in _tb.extract_tb(_e.__traceback__) if f.filename != "<probe>"][-1:]
        _w = "in %s, line %s: %s" % (_f[0].name, _f[0].lineno, (_f[0].line or "").strip()) if _f else ""
        _p = {{"error": type(_e).__name__, "message": str(_e)[:1500], "where": _w[:300]}}
    print({marker!r} + _json.dumps(_p), flush=True)
__course_grader_probe()
del __course_grader_probe
'''


def probe_cell(source: str, inputs_json: str, marker: str) -> str:
    helpers = "\n".join("    " + line for line in KERNEL_CODE.strip().splitlines())
    return _PROBE_TEMPLATE.format(helpers=helpers, inputs=inputs_json, source=source, marker=marker)


class Runner:
    """Runs cells in a kernel, restarting it and replaying the good cells when it is lost."""

    def __init__(self, kernel: KernelSession, options: Options):
        self.kernel, self.options = kernel, options
        self.replay: list[tuple[str, str]] = []
        self.lost: dict[str, str] = {}     # grade_id -> why the cell is no longer run
        self.stopped = ""                  # why grading stopped, if it did
        self.deadline = time.monotonic() + options.budget

    def over_budget(self) -> bool:
        if not self.stopped and time.monotonic() > self.deadline:
            self.stopped = (f"grading stopped: the submission used up the total time budget of "
                            f"{self.options.budget:g} s; the remaining checks were not run")
        return bool(self.stopped)

    def run_cell(self, grade_id: str, code: str) -> Outcome:
        if self.over_budget():
            self.lost[grade_id] = "was not run (" + self.stopped + ")"
            return Outcome("died")
        outcome = self.kernel.run(code, self.options.timeout)
        if outcome.fatal:
            self.lost[grade_id] = describe_fatal(outcome, self.options.timeout)
            self.recover()
        else:
            self.replay.append((grade_id, code))
        return outcome

    def probe(self, code: str, timeout: float) -> Outcome:
        if self.over_budget():
            return Outcome("died")
        outcome = self.kernel.run(code, timeout, max_output=MAX_TEXT + 1000)
        if outcome.fatal:
            self.recover()
        return outcome

    def recover(self) -> None:
        """A fresh kernel with the setup and the answers that ran cleanly, or ``stopped`` set."""
        while not self.stopped:
            if self.kernel.restarts >= self.options.max_restarts:
                self.stopped = (f"grading stopped after the kernel was restarted {self.kernel.restarts} times "
                                "(hangs or crashes); the remaining checks were not run")
                return
            try:
                self.kernel.restart()
            except KernelStartError as exc:
                self.stopped = f"the kernel could not be restarted ({exc})"
                return
            for grade_id, code in list(self.replay):
                outcome = self.kernel.run(code, self.options.timeout)
                if outcome.fatal:
                    self.replay.remove((grade_id, code))
                    self.lost[grade_id] = describe_fatal(outcome, self.options.timeout) + " (when run again)"
                    break
            else:
                return


def describe_fatal(outcome: Outcome, timeout: float) -> str:
    if outcome.status == "timeout":
        return f"did not finish within {timeout:g} s (an endless loop, or far too slow), so the kernel was stopped"
    return ("stopped the Python kernel (os._exit, a crash, or memory exhausted); a fresh kernel was started "
            "for the rest")


# ------------------------------------------------------------------ deciding

def _find_opaque(value) -> str | None:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, (list, tuple)):
        return next((name for name in map(_find_opaque, value) if name), None)
    if isinstance(value, dict):
        return next((name for name in map(_find_opaque, value.values()) if name), None)
    return None


def judge(check: Check, probe: Probe, outcome: Outcome, marker: str, expected, timeout: float) -> str | None:
    """Why this probe failed, in words (None when it passed). Runs entirely in the grader's process."""
    description = probe.description
    if outcome.fatal:
        return f"{description} {describe_fatal(outcome, timeout)}."
    lines = [line[len(marker):] for line in outcome.stdout.splitlines() if line.startswith(marker)]
    if len(lines) != 1:
        return (f"{description} produced {'no' if not lines else 'more than one'} result the grader could read "
                "(does the code replace print or sys.stdout, or print the grader's marker itself?).")
    try:
        payload = json.loads(lines[0])
        if not isinstance(payload, dict) or not (set(payload) == {"value"} or set(payload) == {"error", "message", "where"}):
            raise TransportError("malformed result")
        got = decode(payload["value"]) if "value" in payload else None
    except (TransportError, ValueError, RecursionError) as exc:
        return f"{description} returned a value the grader could not read: {exc}."
    if "error" in payload:
        name, message, where = (str(payload.get(k, ""))[:1500] for k in ("error", "message", "where"))
        if name == "NotImplementedError":
            return f"{description} raised NotImplementedError: the starter stub is still there. Write the function body."
        text = f"{description} raised {name}: {message}" + (f" ({where})" if where else "")
        if name == "SystemExit":
            text += ". Do not call sys.exit() or exit() in a graded function."
        return text
    opaque = _find_opaque(got)
    if opaque:
        return (f"{description} returned {'an object' if isinstance(got, Opaque) else 'a value holding an object'} "
                f"of type {opaque}; expected {kind(expected)} of plain numbers.")
    if check.compare is not None:
        try:
            problem = check.compare(got, expected, probe)
        except Exception as exc:  # a spec's compare met a value it did not expect: the value is wrong
            problem = f"the result could not be checked ({type(exc).__name__}: {exc}); got {kind(got)}"
        return None if problem is None else str(CheckFailure(description, problem, got=show(got), hint=check.hint))
    try:
        problem = explain_mismatch(got, expected, rtol=check.rtol, atol=check.atol)
    except Exception as exc:  # whatever came back, a value that cannot be compared scores 0, not a crash
        problem = f"the result could not be compared with the expected value ({type(exc).__name__}: {exc})"
    if problem:
        return str(CheckFailure(description, problem, expected=show(expected), got=show(got), hint=check.hint))
    return None


def _plan(exercise: Exercise, spec: Spec, rng: np.random.Generator) -> list:
    """Each check with its probes, encoded inputs and reference values (computed before any kernel starts)."""
    plans = []
    for check in spec.checks:
        planned = []
        for probe in check.probes(rng):
            inputs = dumps(probe.inputs)
            expected = reference.expected_value(exercise, probe, inputs) if check.reference else None
            planned.append((probe, inputs, expected))
        plans.append((check, planned))
    return plans


def _not_graded(check: Check, reason: str) -> TestResult:
    return TestResult(check.part.grade_id, check.part.title, check.name, 0.0, check.points, check.hidden,
                      f"Not graded: {reason}")


def grade_notebook(nb: dict, exercise: Exercise, spec: Spec, options: Options, rng) -> tuple[list, list]:
    """Run the answers of ``nb`` and every check; returns (tests, notes)."""
    answers, notes = pick_answers(nb, exercise)
    plans = _plan(exercise, spec, rng)
    marker = f"@@course-grade-{secrets.token_hex(16)}@@"
    tests = []
    limits = Limits(memory=options.memory_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="course-grade-", ignore_cleanup_errors=True) as workdir:
        try:
            kernel = KernelSession(workdir, limits)
            kernel.start()
        except KernelStartError as exc:
            raise GraderError(str(exc)) from exc
        try:
            runner = Runner(kernel, options)
            errors: dict = {}
            learner_ran = False
            for cell in exercise.cells:
                if cell.kind == "setup":
                    outcome = runner.run_cell(cell.grade_id, cell.released)
                    if outcome.status != "ok" and not learner_ran:
                        raise GraderError(f"{exercise.id}: the released setup cell {cell.grade_id!r} failed in a "
                                          f"fresh kernel: {outcome.error or outcome.status}")
                    if outcome.status != "ok":  # the learner's earlier cells broke it: their problem
                        notes.append(f"The setup cell {cell.grade_id!r} failed after your answer cells ran "
                                     f"({outcome.error or outcome.status}); do your answers change shared names?")
                elif cell.kind == "answer":
                    learner_ran = True
                    code = answers.get(cell.grade_id, cell.released)
                    outcome = runner.run_cell(cell.grade_id, code)
                    if outcome.status == "error":
                        errors[cell.grade_id] = outcome.error + _line_of(outcome.traceback)
            for check, planned in plans:
                tests.append(_run_check(check, planned, runner, marker, options, exercise, errors))
        finally:
            kernel.stop()
    if runner.lost or kernel.restarts:
        notes.append(f"The kernel was restarted {kernel.restarts} time(s) during grading.")
    return tests, notes


def _line_of(traceback: str) -> str:
    for line in reversed(traceback.splitlines()):
        if line.strip().startswith(("Cell In", "File", "Input In")) or "line " in line:
            return f" ({line.strip()[:200]})"
    return ""


def _run_check(check, planned, runner: Runner, marker, options: Options, exercise: Exercise, errors) -> TestResult:
    timeout = check.timeout or options.timeout
    problem = None
    for probe, inputs, expected in planned:
        if runner.over_budget():
            return _not_graded(check, runner.stopped + ".")
        outcome = runner.probe(probe_cell(probe.source, inputs, marker), timeout)
        try:
            with np.errstate(all="ignore"):
                problem = judge(check, probe, outcome, marker, expected, timeout)
        except Exception as exc:  # a grader bug must not crash the whole grading; say so plainly
            problem = f"{probe.description}: the grader could not check this result ({type(exc).__name__}: {exc})"
        if problem:
            break
    if problem is None:
        cases = f" ({len(planned)} cases)" if len(planned) > 1 else ""
        return TestResult(check.part.grade_id, check.part.title, check.name, check.points, check.points,
                          check.hidden, f"Passed{cases}.")
    context = []
    for grade_id in exercise.answers_before(check.part.grade_id):
        if grade_id in runner.lost:
            context.append(f"Your answer cell {grade_id!r} {runner.lost[grade_id]}.")
        elif grade_id in errors:
            context.append(f"Your answer cell {grade_id!r} raised {errors[grade_id]} when it ran, "
                           "so what it defines may be missing or incomplete.")
    output = "\n".join([problem] + context)
    return TestResult(check.part.grade_id, check.part.title, check.name, 0.0, check.points, check.hidden, output)


# ------------------------------------------------------------------ entry point

def _rejected(path: Path, reason: str, options: Options) -> GradeResult:
    """A zero for a submission that cannot be graded, with every check of the expected exercise listed."""
    loaded = catalog.load(options.exercise, options.solutions) if options.exercise else None
    if loaded is None:
        return GradeResult(str(path), options.exercise, "", [], [reason])
    exercise, spec = loaded
    return GradeResult(str(path), exercise.id, exercise.title, [_not_graded(c, reason) for c in spec.checks], [reason])


def grade_file(path, options: Options | None = None) -> GradeResult:
    """Grade the notebook at ``path``. Raises only ``GraderError`` (the grader cannot run)."""
    options = options or Options()
    path = Path(path)
    start = time.perf_counter()
    try:
        if options.exercise and catalog.load(options.exercise, options.solutions) is None:
            raise GraderError(f"--exercise {options.exercise!r} is not a known exercise; known: "
                              f"{', '.join(catalog.known_ids(options.solutions))}")
        result = _grade(path, options)
    except (catalog.SpecError, reference.ReferenceError_, SourceError) as exc:
        raise GraderError(str(exc)) from exc
    result.seconds = time.perf_counter() - start
    return result


def _grade(path: Path, options: Options) -> GradeResult:
    nb, reason = read_submission(path)
    if nb is None:
        return _rejected(path, reason, options)
    exercise_id = exercise_id_of(nb)
    if exercise_id is None:
        return _rejected(path, (
            f"{path.name} has no course_exercise metadata, so the grader cannot tell which exercise it is. "
            "Start from the released notebook in exercises/ and keep its metadata (copy your answers over)."), options)
    if options.exercise and exercise_id != options.exercise:
        return _rejected(path, (f"{path.name} is exercise {exercise_id[:80]!r}, but this assignment is "
                                f"{options.exercise!r}: submit that exercise's notebook."), options)
    loaded = catalog.load(exercise_id, options.solutions)
    if loaded is None:
        known = ", ".join(catalog.known_ids(options.solutions))
        return _rejected(path, (f"{path.name} says it is exercise {exercise_id[:80]!r}, which the grader does not "
                                f"know (known: {known})."), options)
    exercise, spec = loaded
    seed = options.seed if options.seed is not None else secrets.randbits(63)
    tests, notes = grade_notebook(nb, exercise, spec, options, np.random.default_rng(seed))
    return GradeResult(str(path), exercise.id, exercise.title, tests, notes, seed=seed)
