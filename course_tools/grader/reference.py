"""The reference side: the solution's functions, run in the grader's own process.

The setup and answer cells of the built solution notebook (solutions included)
are executed once per loaded exercise into a plain dict, kept with the exercise
in ``catalog``'s cache. Probes run against a copy of it with the same inputs the
learner's kernel receives, and the value is passed through the transport format
so both sides are compared in the same shapes.
"""

from __future__ import annotations

import contextlib
import io

from .kernel_side import evaluate
from .source import Exercise
from .spec import Probe
from .transport import decode_inputs, dumps, loads


class ReferenceError_(RuntimeError):
    """The reference solution failed: a bug in the exercise or its spec, not in a submission."""


def namespace(exercise: Exercise) -> dict:
    """The names the solution's setup and answer cells define (computed once per loaded exercise)."""
    if "namespace" not in exercise.cache:
        ns: dict = {"__name__": f"__reference_{exercise.id}__"}
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in exercise.cells:
                if cell.kind in ("setup", "answer"):
                    try:
                        exec(compile(cell.solution, f"<{exercise.id}:{cell.grade_id}>", "exec"), ns)
                    except Exception as exc:
                        raise ReferenceError_(
                            f"{exercise.id}: the solution cell {cell.grade_id!r} raised {type(exc).__name__}: {exc}"
                        ) from exc
        exercise.cache["namespace"] = ns
    return exercise.cache["namespace"]


def expected_value(exercise: Exercise, probe: Probe, inputs_json: str):
    """What the reference solution gives for ``probe`` on the encoded inputs, as the grader will see it."""
    ns = dict(namespace(exercise))
    try:
        ns.update(decode_inputs(inputs_json, ns))
        with contextlib.redirect_stdout(io.StringIO()):
            value = evaluate(probe.source, ns)
        return loads(dumps(value))
    except Exception as exc:
        raise ReferenceError_(
            f"{exercise.id}: the reference solution failed on probe {probe.description!r}: {type(exc).__name__}: {exc}"
        ) from exc
