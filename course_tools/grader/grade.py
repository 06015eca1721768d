"""Grade one submitted notebook: run its answers in a sandboxed kernel, decide every verdict in-process.

``grade_file(path, options)`` never raises because of what the file holds: any
submission gets a ``GradeResult`` whose every lost point is explained. It raises
only when the grader itself cannot work (``GraderError``: a spec that disagrees
with its source, a failing reference solution, no kernel, no sandbox, or the
solutions and specs changed while grading).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from course_lib.exercises.checks import CheckFailure, explain_mismatch, first_difference, kind, shape_error_advice, show

from . import catalog, reference, sandbox, staging
from .kernel import POOL, KernelStartError, Outcome, Runner, describe_fatal
from .source import ROOT, SOLUTIONS, Exercise, SourceError, exercise_id_of, pick_answers, read_submission
from .spec import Check, Probe, Spec
from .transport import Opaque, TransportError, decode, dumps, probe_cell


class GraderError(RuntimeError):
    """The grader itself could not run (not the submission's fault); the message says why."""


@dataclass
class Options:
    """How to grade (the command line's defaults come from here).

    ``timeout``: seconds per cell and per probe; ``budget``: seconds one
    submission may use in all; ``memory_mb``: the memory of all the kernel's processes
    together (and the address space of each); ``disk_mb``: the bytes of all the files
    it writes;
    ``seed``: fixes the random inputs (None: fresh each run); ``exercise``: the
    only exercise id accepted (None: whatever the notebook says); ``sandbox``:
    'auto', 'uid', 'namespaces' or 'none' (see sandbox.py); ``unsafe``: grade even
    without the sandbox's minimum; ``max_restarts``: kernel restarts each part may
    cause; ``fingerprint``: hash of solutions and specs taken when the batch began;
    ``layers``: the sandbox the command detected; ``ahead``: start the next kernel early.
    """

    timeout: float = 10.0
    budget: float = 300.0
    memory_mb: int = 2048
    disk_mb: int = 256
    seed: int | None = None
    exercise: str | None = None
    sandbox: str = "auto"
    unsafe: bool = False
    max_restarts: int = 3
    solutions: Path = SOLUTIONS
    fingerprint: str | None = None
    layers: sandbox.Layers | None = None
    ahead: bool = False


DEFAULTS = {f.name: f.default for f in fields(Options)}


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


# ------------------------------------------------------------------ the sandbox


def layers_for(options: Options) -> sandbox.Layers:
    """The sandbox layers kernels get under ``options``; ``GraderError`` when the minimum is missing."""
    try:
        layers = options.layers or sandbox.detect(options.sandbox)
    except sandbox.SandboxError as exc:
        raise GraderError(str(exc)) from exc
    if not layers.safe and not options.unsafe:
        raise GraderError(
            "refusing to grade: the kernel sandbox's minimum is missing here (" + "; ".join(layers.missing) + "). "
            "Run the grader as root (kernels then run as an unprivileged uid) or install bubblewrap "
            "(Debian: apt-get install bubblewrap), or pass --unsafe to grade trusted notebooks without it."
        )
    if layers.uid and not layers.bwrap and not options.unsafe:
        exposed = [p for path in protected_paths(options) for p in sandbox.readable_by_others(path)]
        if exposed:
            raise GraderError(
                "refusing to grade: without namespaces the kernel's uid could read "
                + ", ".join(exposed[:3])
                + ". Make the course's grader and solutions readable only by root "
                f"(chmod -R go-rwx {' '.join(str(p) for p in protected_paths(options))}), or install bubblewrap, "
                "or pass --unsafe."
            )
    return layers


def limits_for(options: Options) -> sandbox.Limits:
    """The resource limits of every kernel under ``options``."""
    return sandbox.Limits(
        memory=options.memory_mb << 20, disk=options.disk_mb << 20, cpu_seconds=int(options.budget) + 60
    )


def protected_paths(options: Options) -> list[Path]:
    """What a kernel must not read: the solutions, the grader with its specs, the course checkout."""
    grader = Path(__file__).resolve().parent
    paths = [Path(options.solutions).resolve(), grader]
    if (ROOT / "solutions").is_dir():  # a checkout: sources, tests and all
        paths.append(ROOT)
    return paths


def _check_fingerprint(options: Options) -> None:
    if options.fingerprint and catalog.fingerprint(options.solutions, options.exercise) != options.fingerprint:
        raise GraderError(
            "the solution notebooks or specs changed while grading (a submission may have written "
            "them): grading stopped. Restore them (git checkout solutions course_tools) and regrade."
        )


# ------------------------------------------------------------------ deciding


def _find_opaque(value) -> str | None:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, (list, tuple)):
        return next((name for name in map(_find_opaque, value) if name), None)
    if isinstance(value, dict):
        return next((name for name in map(_find_opaque, value.values()) if name), None)
    return None


_NAME_ERROR = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


def _explain_error(probe: Probe, payload: dict, unmarked: list[str]) -> str:
    name, message, where, function = (str(payload.get(k, ""))[:500] for k in ("error", "message", "where", "function"))
    description = probe.description
    if name == "TooLarge":
        return (
            f"{description} returned a value too large to send to the grader ({message}); "
            "a correct answer is far smaller."
        )
    if name == "NotImplementedError":
        if function and not re.search(rf"\b{re.escape(function)}\s*\(", probe.source):  # raised in a helper
            return (
                f"{description} raised NotImplementedError inside {function}(): the starter stub of "
                f"{function} is still there. Write its body."
            )
        return f"{description} raised NotImplementedError: the starter stub is still there. Write the function body."
    text = f"{description} raised {name}: {message}" + (f" ({where})" if where else "")
    advice = shape_error_advice(name, message)  # the words checked_call adds in the notebook
    if advice:
        text += ". " + advice[0].upper() + advice[1:]
    if name == "SystemExit":
        text += ". Do not call sys.exit() or exit() in a graded function."
    missing = _NAME_ERROR.search(message) if name == "NameError" else None
    if missing:
        defined = re.compile(rf"^\s*(def|class)\s+{missing.group(1)}\b|^\s*{missing.group(1)}\s*=", re.M)
        if any(defined.search(code) for code in unmarked):
            text += (
                f". {missing.group(1)} is defined in a cell you added, but the grader runs only the marked "
                "answer cells: move that code into the answer cell."
            )
        else:
            text += ". Only the marked answer cells are run by the grader; define it in one of them."
    return text


def judge(
    check: Check, probe: Probe, outcome: Outcome, marker: str, expected, timeout: float, unmarked: list[str] = ()
) -> str | None:
    """Why this probe failed, in words (None when it passed). Runs entirely in the grader's process."""
    description = probe.description
    if outcome.fatal:
        return f"{description} {describe_fatal(outcome, timeout)}."
    pieces = outcome.stdout.split(marker)
    if len(pieces) != 2:
        if len(pieces) == 1 and outcome.truncated:
            return (
                f"{description} printed more than the grader reads, so its result was lost; "
                "remove the prints from your function."
            )
        if len(pieces) == 1:
            return (
                f"{description} produced no result the grader could read: did it print a very large amount "
                "of text (the grader reads a limited amount), or end the process?"
            )
        return f"{description} produced more than one result: does the code print the grader's marker itself?"
    line = pieces[1].split("\n", 1)[0]
    if outcome.truncated and "\n" not in pieces[1]:
        return f"{description} returned a value too large to send to the grader; a correct answer is far smaller."
    try:
        payload = json.loads(line)
        if not isinstance(payload, dict) or not (
            set(payload) == {"value"} or set(payload) == {"error", "message", "where", "function"}
        ):
            raise TransportError("malformed result")
        got = decode(payload["value"]) if "value" in payload else None
    except (TransportError, ValueError, RecursionError) as exc:
        return f"{description} returned a value the grader could not read: {exc}."
    if "error" in payload:
        return _explain_error(probe, payload, list(unmarked))
    opaque = _find_opaque(got)
    if opaque:
        return (
            f"{description} returned {'an object' if isinstance(got, Opaque) else 'a value holding an object'} "
            f"of type {opaque}; expected {kind(expected)} of plain numbers."
        )
    if check.compare is not None:
        try:
            problem = check.compare(got, expected, probe)
        except Exception as exc:  # a spec's compare met a value it did not expect: the value is wrong
            problem = f"the result could not be checked ({type(exc).__name__}: {exc}); got {kind(got)}"
        return None if problem is None else str(CheckFailure(description, problem, got=show(got), hint=check.hint))
    try:
        problem = explain_mismatch(got, expected, rtol=check.rtol, atol=check.atol)
        if problem:
            item = first_difference(got, expected, rtol=check.rtol, atol=check.atol)
            if item:  # show only the item that differs, not every array of the answer
                where, got_item, expected_item, item_problem = item
                return str(
                    CheckFailure(
                        f"{description}, item {where}",
                        item_problem,
                        expected=show(expected_item),
                        got=show(got_item),
                        hint=check.hint,
                    )
                )
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
    return TestResult(
        check.part.grade_id, check.part.title, check.name, 0.0, check.points, check.hidden, f"Not graded: {reason}"
    )


def cell_timeout(spec: Spec, options: Options) -> float:
    """Seconds an answer cell may run: the exercise's stated limit when it allows more than the default."""
    if spec.cell_timeout:
        return float(spec.cell_timeout)
    return max([options.timeout] + [check.timeout for check in spec.checks if check.timeout])


def grade_notebook(nb: dict, exercise: Exercise, spec: Spec, options: Options, rng) -> tuple[list, list]:
    """Run the answers of ``nb`` and every check; returns (tests, notes)."""
    layers = layers_for(options)
    answers, notes, unmarked = pick_answers(nb, exercise)
    plans = _plan(exercise, spec, rng)
    try:
        staged = staging.staged_library(spec.learner_writes, exercise.id)
    except staging.ClosedNameError as exc:
        raise GraderError(f"{exercise.id}: the spec's closed code is wrong: {exc}") from exc
    limits = limits_for(options)
    answer_timeout = cell_timeout(spec, options)
    tests = []
    hidden = [str(p) for p in protected_paths(options)] + [str(staging.LIBRARY)]
    try:
        kernel = POOL.take(layers, staged, hidden, limits, ahead=options.ahead)
    except (KernelStartError, OSError) as exc:
        raise GraderError(str(exc)) from exc
    marker = kernel.marker
    try:
        runner = Runner(kernel, options.budget, options.max_restarts)
        errors: dict = {}
        learner_ran = False
        for cell in exercise.cells:
            if cell.kind == "setup":
                outcome = runner.run_cell(cell.grade_id, cell.released, options.timeout)
                if outcome.status != "ok" and not learner_ran:
                    raise GraderError(
                        f"{exercise.id}: the released setup cell {cell.grade_id!r} failed in a "
                        f"fresh kernel: {outcome.error or outcome.status}"
                    )
                if outcome.status != "ok":  # the learner's earlier cells broke it: their problem
                    notes.append(
                        f"The setup cell {cell.grade_id!r} failed after your answer cells ran "
                        f"({outcome.error or outcome.status}); do your answers change shared names?"
                    )
            elif cell.kind == "answer":
                learner_ran = True
                outcome = runner.run_cell(cell.grade_id, answers.get(cell.grade_id, cell.released), answer_timeout)
                if outcome.status == "error":
                    errors[cell.grade_id] = outcome.error[:500] + _line_of(outcome.traceback)
        for check, planned in plans:
            tests.append(_run_check(check, planned, runner, marker, options, exercise, errors, unmarked))
    finally:
        kernel.close()
    if runner.lost or kernel.restarts:
        notes.append(f"The kernel was restarted {kernel.restarts} time(s) during grading.")
    return tests, notes


def _line_of(traceback: str) -> str:
    for line in reversed(traceback.splitlines()):
        if line.strip().startswith(("Cell In", "File", "Input In")) or "line " in line:
            return f" ({line.strip()[:200]})"
    return ""


def _run_check(
    check, planned, runner: Runner, marker, options: Options, exercise: Exercise, errors, unmarked
) -> TestResult:
    timeout = check.timeout or options.timeout
    group = check.part.grade_id
    problem = None
    for probe, inputs, expected in planned:
        if runner.over_budget():
            return _not_graded(check, runner.stopped + ".")
        if runner.exhausted(group):
            return _not_graded(check, runner.exhausted(group) + ".")
        outcome = runner.probe(probe_cell(probe.source, runner.kernel.send(inputs), marker), timeout, group)
        try:
            with np.errstate(all="ignore"):
                problem = judge(check, probe, outcome, marker, expected, timeout, unmarked)
        except Exception as exc:  # a grader bug must not crash the whole grading; say so plainly
            problem = f"{probe.description}: the grader could not check this result ({type(exc).__name__}: {exc})"
        if problem:
            break
    if problem is None:
        cases = f" ({len(planned)} cases)" if len(planned) > 1 else ""
        return TestResult(
            check.part.grade_id,
            check.part.title,
            check.name,
            check.points,
            check.points,
            check.hidden,
            f"Passed{cases}.",
        )
    context = []
    for grade_id in exercise.answers_before(check.part.grade_id):
        if grade_id in runner.lost:
            context.append(f"Your answer cell {grade_id!r} {runner.lost[grade_id]}.")
        elif grade_id in errors:
            context.append(
                f"Your answer cell {grade_id!r} raised {errors[grade_id]} when it ran, "
                "so what it defines may be missing or incomplete."
            )
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


def check_exercise(options: Options) -> None:
    """``GraderError`` naming the known exercises when ``--exercise`` names none of them."""
    if options.exercise and catalog.load(options.exercise, options.solutions) is None:
        raise GraderError(
            f"--exercise {options.exercise!r} is not a known exercise; known: "
            f"{', '.join(catalog.known_ids(options.solutions))}"
        )


def grade_file(path, options: Options | None = None) -> GradeResult:
    """Grade the notebook at ``path``. Raises only ``GraderError`` (the grader cannot run)."""
    options = options or Options()
    path = Path(path)
    start = time.perf_counter()
    try:
        _check_fingerprint(options)
        check_exercise(options)
        result = _grade(path, options)
        _check_fingerprint(options)
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
        return _rejected(
            path,
            (
                f"{path.name} has no course_exercise metadata, so the grader cannot tell which exercise it is. "
                "Start from the released notebook in exercises/ and keep its metadata (copy your answers over)."
            ),
            options,
        )
    if options.exercise and exercise_id != options.exercise:
        return _rejected(
            path,
            (
                f"{path.name} is exercise {exercise_id[:80]!r}, but this assignment is "
                f"{options.exercise!r}: submit that exercise's notebook."
            ),
            options,
        )
    loaded = catalog.load(exercise_id, options.solutions)
    if loaded is None:
        known = ", ".join(catalog.known_ids(options.solutions))
        return _rejected(
            path,
            (f"{path.name} says it is exercise {exercise_id[:80]!r}, which the grader does not know (known: {known})."),
            options,
        )
    exercise, spec = loaded
    seed = options.seed if options.seed is not None else secrets.randbits(63)
    tests, notes = grade_notebook(nb, exercise, spec, options, np.random.default_rng(seed))
    return GradeResult(str(path), exercise.id, exercise.title, tests, notes, seed=seed)
