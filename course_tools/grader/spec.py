"""The grading-spec API: parts, checks and probes (see FORMAT.md, section 2).

A spec says, for each test cell of an exercise, which values to ask the
learner's code for (probes, on inputs drawn from a fresh random generator) and
how many points each check is worth. The grader runs every probe in the
learner's kernel and on the reference solution, and decides in its own process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import routes
from .kernel_side import compile_probe  # one probe runner, here and in the kernel
from .source import GRADE_ID

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Code:
    """An argument given as Python source, evaluated in the namespace the probe runs in."""

    source: str


def code(source: str) -> Code:
    """An argument that is a Python expression, e.g. ``code("lambda w: 2 * (w - 3)")``."""
    if not isinstance(source, str):
        raise TypeError(f"code() takes the source of an expression as a string, got {type(source).__name__}")
    compile(source, "<code argument>", "eval")  # a spec typo fails here, not in a learner's kernel
    return Code(source)


@dataclass
class Probe:
    """One question put to the learner's code: run ``source`` with ``inputs`` in scope.

    ``source`` is an expression, or statements that set ``result``. ``inputs`` maps
    names to plain values or ``Code``. ``description`` is how messages name it.
    """

    source: str
    inputs: dict = field(default_factory=dict)
    description: str = ""
    private: dict = field(default_factory=dict)

    def describe(self, text: str) -> "Probe":
        """Name this probe ``text`` in messages; returns the probe."""
        self.description = text
        return self

    def keep(self, **values) -> "Probe":
        """Values only the grader sees (``probe.private`` in a compare function), e.g. the seed
        of held-out data: they never enter the learner's kernel. Returns the probe."""
        self.private.update(values)
        return self


def short(value) -> str:
    """A compact description of an argument for a probe's automatic name."""
    if isinstance(value, Code):
        return value.source
    if isinstance(value, np.ndarray):
        return f"array {value.shape}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(short(item) for item in value[:4]) + (", ..." if len(value) > 4 else "")
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def single_number(got) -> float | None:
    """A learner's answer as one finite float, or None when it is not one number (a list, text, NaN)."""
    try:
        value = float(np.asarray(got, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def call(function_name: str, *args, **kwargs) -> Probe:
    """A probe calling the learner's ``function_name(*args, **kwargs)``."""
    if not isinstance(function_name, str) or not _IDENTIFIER.match(function_name):
        raise ValueError(f"call() needs a function name, got {function_name!r}")
    inputs = {f"_arg{i}": value for i, value in enumerate(args)}
    inputs.update({f"_kw_{name}": value for name, value in kwargs.items()})
    arguments = [f"_arg{i}" for i in range(len(args))] + [f"{name}=_kw_{name}" for name in kwargs]
    shown = [short(value) for value in args] + [f"{name}={short(value)}" for name, value in kwargs.items()]
    return Probe(f"{function_name}({', '.join(arguments)})", inputs, f"{function_name}({', '.join(shown)})")


def probe(source: str, **inputs) -> Probe:
    """A probe running ``source`` (an expression, or statements that set ``result``)."""
    compile_probe(source)  # a spec typo fails here, with the line
    first = source.strip().splitlines()[0] if source.strip() else ""
    return Probe(source, dict(inputs), first + (" ..." if "\n" in source.strip() else ""))


@dataclass
class Check:
    """A scored test: the probes a function of the random generator returns must all pass."""

    part: "Part"
    name: str
    points: float
    make_probes: Callable[[np.random.Generator], "Probe | list[Probe]"]
    hidden: bool = False
    hint: str | None = None
    rtol: float = 1e-6
    atol: float = 1e-9
    compare: Callable | None = None
    reference: bool = True
    timeout: float | None = None

    def probes(self, rng: np.random.Generator) -> list[Probe]:
        """The probes for this grading run (a list, even when the spec returned one)."""
        made = self.make_probes(rng)
        made = [made] if isinstance(made, Probe) else list(made)
        if not made or not all(isinstance(p, Probe) for p in made):
            raise TypeError(f"check {self.name!r} must return a Probe or a non-empty list of them")
        return made


@dataclass
class Part:
    """The checks scoring one test cell (``grade_id``) of the exercise."""

    grade_id: str
    title: str
    checks: list = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(check.points for check in self.checks)

    def check(
        self,
        name: str,
        points: float,
        *,
        hidden: bool = False,
        hint: str | None = None,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        compare: Callable | None = None,
        reference: bool = True,
        timeout: float | None = None,
    ):
        """Decorator registering a check of this part (see FORMAT.md for every option)."""
        if not points > 0:
            raise ValueError(f"check {name!r}: points must be positive, got {points!r}")
        if not reference and compare is None:
            raise ValueError(f"check {name!r}: without a reference value it needs a compare function")

        def register(make_probes):
            self.checks.append(
                Check(self, name, float(points), make_probes, hidden, hint, rtol, atol, compare, reference, timeout)
            )
            return make_probes

        return register


class Spec:
    """The grading spec of one exercise: its parts in order.

    ``learner_writes``: the kinds of work the learner writes (keys of ``routes.WORK``, e.g.
    ``"backward pass"``). While this exercise is graded the library code that does them is
    gone from the learner's kernel, and the instructions' "Not allowed" paragraph is made
    from the same names. ``cell_timeout``: seconds an answer cell may run (default: the
    longest of the grader's limit and the checks' timeouts, so a demo call in the cell gets
    the time the exercise allows).
    """

    def __init__(self, exercise_id: str, *, learner_writes=(), cell_timeout: float | None = None):
        self.exercise_id = exercise_id
        self.parts: list[Part] = []
        self.learner_writes = tuple(learner_writes)
        routes.closed_code(self.learner_writes)  # an unknown kind of work fails here, naming the kinds
        self.cell_timeout = cell_timeout

    @property
    def closed(self) -> tuple:
        """The course_lib names whose code is gone while this exercise is graded."""
        return routes.closed_code(self.learner_writes)

    def part(self, grade_id: str, title: str) -> Part:
        """Declare the part scored by test cell ``grade_id``; returns it for ``@part.check``."""
        if not GRADE_ID.match(grade_id):
            raise ValueError(f"grade_id {grade_id!r} must match {GRADE_ID.pattern}")
        if any(p.grade_id == grade_id for p in self.parts):
            raise ValueError(f"part {grade_id!r} is declared twice")
        made = Part(grade_id, title)
        self.parts.append(made)
        return made

    @property
    def checks(self) -> list[Check]:
        return [check for part in self.parts for check in part.checks]

    @property
    def points(self) -> float:
        return sum(part.points for part in self.parts)
