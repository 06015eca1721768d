"""Call every public callable of a (staged) course_lib and report which ones compute a graded answer.

Run as a program, in a process whose ``course_lib`` is the copy under test::

    python route_walker.py STAGED_DIR POOL.pickle REPORT.json

POOL.pickle holds ``{"inputs": {parameter name: [candidate values]}, "answers": [(kind, label, array)],
"rates": [learning rates]}``. Its objects (networks, gradients, graphs) were made by the real library
and are unpickled here without ``__init__``, the way a learner could make them. Every module
function, class, method (on an object the constructor made, and on the unpickled objects), property
and ``__call__`` is called with inputs picked by its parameters' names. A call *computes a graded
answer* when anything it returns, or any array it changed in its arguments or its object (or that
change itself, divided by a learning rate), equals an answer. The report lists every callable with
what happened: ``closed`` (the staged library's error), ``failed``, ``no inputs``, ``nothing graded``
or ``computes`` with the answer and where it was found.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import io
import itertools
import json
import pickle
import pkgutil
import signal
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout

import numpy as np

CLOSED = "is not available while"
MAX_COMBINATIONS = 6
SECONDS_PER_CALL = 30  # a stop for a call that hangs; far above any call here, so a loaded machine changes no verdict


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise _TooSlow()


def arrays_in(value, path: str = "", depth: int = 0, seen=None):
    """Every float array or number inside ``value`` (lists, tuples, dicts, objects' attributes), with its path."""
    seen = set() if seen is None else seen
    if depth > 12 or id(value) in seen:
        return
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes, type)):
        return
    if isinstance(value, (int, float, np.number)):
        yield path, np.asarray(float(value))
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fiu" and value.size:
            yield path, value.astype(float)
        elif value.dtype == object:
            for i, item in enumerate(value.flat[:50]):
                yield from arrays_in(item, f"{path}[{i}]", depth + 1, seen)
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in list(value.items())[:50]:
            yield from arrays_in(item, f"{path}[{key!r}]", depth + 1, seen)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value[:50]):
            yield from arrays_in(item, f"{path}[{i}]", depth + 1, seen)
    elif type(value).__module__.startswith("course_lib"):
        for key, item in list(_attributes(value).items())[:50]:
            yield from arrays_in(item, f"{path}.{key}", depth + 1, seen)


def _attributes(value) -> dict:
    """An object's attributes, from its ``__dict__`` and its classes' ``__slots__``."""
    found = dict(getattr(value, "__dict__", {}))
    for klass in type(value).__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if hasattr(value, slot):
                found[slot] = getattr(value, slot)
    return found


def matches(found: np.ndarray, answers, given: dict) -> tuple | None:
    """The (kind, label) of the answer ``found`` equals, unless it equals an input (an echo computes nothing)."""
    if any(known.shape == found.shape and np.allclose(found, known, rtol=1e-12, atol=0) for known in given):
        return None
    for kind, label, answer in answers:
        if (
            found.shape == answer.shape
            and np.all(np.isfinite(found))
            and np.allclose(found, answer, rtol=1e-5, atol=1e-9)
        ):
            return kind, label
    return None


def callables_of(library) -> list[tuple[str, object, object]]:
    """(name, the callable, its class or None) for every public function, class and method of ``library``."""
    found, seen = [], set()
    modules = [library] + [
        importlib.import_module(m.name) for m in pkgutil.walk_packages(library.__path__, library.__name__ + ".")
    ]
    for module in modules:
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__ or id(obj) in seen:
                continue
            seen.add(id(obj))
            if inspect.isfunction(obj):
                found.append((f"{module.__name__}.{name}", obj, None))
            elif inspect.isclass(obj):
                found.append((f"{module.__name__}.{name}", obj, None))
                for attribute, member in sorted(vars(obj).items()):
                    if attribute.startswith("_") and attribute != "__call__":
                        continue
                    if inspect.isfunction(member) or isinstance(member, property):
                        found.append((f"{module.__name__}.{name}.{attribute}", member, obj))
                    elif isinstance(member, (staticmethod, classmethod)):
                        found.append((f"{module.__name__}.{name}.{attribute}", getattr(obj, attribute), None))
    return found


def argument_sets(function, inputs: dict, skip_first: bool):
    """Up to MAX_COMBINATIONS keyword sets for ``function``, or None when a required parameter has no input."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    if skip_first:
        parameters = parameters[1:]
    choices = []
    if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        choices_made = [{}]  # every parameter has a default: the call as a lesson makes it comes first
    else:
        choices_made = []
    for p in parameters:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in inputs:
            choices.append([(p.name, value) for value in inputs[p.name]])
        elif p.default is p.empty:
            return None
    return choices_made + [
        dict(combination) for combination in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS)
    ]


def _fresh(value):
    """A deep copy, so one call cannot change the next one's inputs; widgets, which refuse copying, as they are."""
    try:
        return copy.deepcopy(value)
    except Exception:  # anything that refuses copying is passed as it is
        return value


def _call(function, kwargs):
    signal.alarm(SECONDS_PER_CALL)
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = function(**kwargs)
            if inspect.isgenerator(result):
                result = list(itertools.islice(result, 20))
            return result
    finally:
        signal.alarm(0)


def judge(function, kwargs, owner, answers, rates) -> tuple[str, str]:
    """Call once; ('closed' | 'failed' | 'nothing graded' | 'computes', detail)."""
    before = {path: array.copy() for path, array in arrays_in(kwargs)}
    try:
        result = _call(function, kwargs)
    except _TooSlow:
        return "failed", f"took over {SECONDS_PER_CALL} s"
    except BaseException as exc:  # anything a library call raises is a verdict here
        text = f"{type(exc).__name__}: {exc}"
        cause = exc.__context__
        while cause is not None and CLOSED not in text:
            text += f" <- {type(cause).__name__}: {cause}"
            cause = cause.__context__
        return ("closed" if CLOSED in text else "failed"), text[:300]
    seen = list(arrays_in(result, "result"))
    for path, after in arrays_in(kwargs):
        if path in before and before[path].shape == after.shape and not np.array_equal(before[path], after):
            seen.append((f"argument {path} after the call", after))
            for rate in rates:
                seen.append((f"the change of argument {path} / {rate}", (before[path] - after) / rate))
    for path, found in seen:
        hit = matches(found, answers, list(before.values()))
        if hit:
            return "computes", f"{hit[0]}: {hit[1]} as {path}"
    return "nothing graded", ""


def walk(library, inputs: dict, answers, rates) -> dict:
    report = {}
    signal.signal(signal.SIGALRM, _alarm)
    made: dict = {}  # class -> objects to call its methods on
    for name, obj, owner in callables_of(library):
        if owner is None and inspect.isclass(obj):
            objects = [copy.copy(x) for x in inputs.get(f"object of {obj.__name__}", [])]
            try:
                objects.append(obj.__new__(obj))  # bare, without __init__: a closed method raises on any object
            except TypeError:
                pass
            sets = argument_sets(obj.__init__, inputs, skip_first=True) if obj.__init__ is not object.__init__ else [{}]
            verdicts = []
            for kwargs in sets or []:
                verdict = judge(obj, _fresh(kwargs), None, answers, rates)
                verdicts.append(verdict)
                if verdict[0] == "nothing graded":
                    try:
                        objects.append(_call(obj, _fresh(kwargs)))
                    except BaseException:  # a call that fails makes nothing to walk on from
                        pass
            made[obj] = objects
            report[name] = _summary(verdicts, sets)
            continue
        if owner is not None:
            verdicts, tried = [], False
            for instance in made.get(owner, []):
                target = obj.fget if isinstance(obj, property) else obj
                sets = [{}] if isinstance(obj, property) else argument_sets(target, inputs, skip_first=True)
                for kwargs in sets or []:
                    tried = True
                    arguments = {"self": _fresh(instance), **_fresh(kwargs)}
                    verdicts.append(
                        judge(lambda self, target=target, **kw: target(self, **kw), arguments, owner, answers, rates)
                    )
            report[name] = _summary(verdicts, [None] if tried else None)
            continue
        sets = argument_sets(obj, inputs, skip_first=False)
        report[name] = _summary([judge(obj, _fresh(kwargs), None, answers, rates) for kwargs in sets or []], sets)
    return report


def _summary(verdicts, sets) -> dict:
    if not sets:
        return {"verdict": "no inputs", "detail": ""}
    for wanted in ("computes", "closed", "nothing graded", "failed"):
        hits = [detail for verdict, detail in verdicts if verdict == wanted]
        if hits:
            return {"verdict": wanted, "detail": hits[0], "calls": len(verdicts)}
    return {"verdict": "no inputs", "detail": ""}


def main(argv) -> None:
    staged, pool_path, out = argv
    sys.path.insert(0, staged)
    import course_lib

    if not course_lib.__file__.startswith(staged):
        raise SystemExit(f"course_lib came from {course_lib.__file__}, not from {staged}")
    import matplotlib

    matplotlib.use("Agg")
    with open(pool_path, "rb") as handle:
        pool = pickle.load(handle)
    report = walk(course_lib, pool["inputs"], pool["answers"], pool["rates"])
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
