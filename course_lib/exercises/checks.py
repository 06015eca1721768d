"""Self-checks for the exercises: a failure says what was expected, what came back, and why.

A bare ``AssertionError`` tells a learner only that something is wrong. The
checks here raise ``CheckFailure`` (an ``AssertionError``, so nbgrader and
pytest count it as a failed test) whose message names the check, shows the
expected and the returned value, diagnoses the usual slips (wrong shape, a
transposed matrix, a flipped sign, a missing factor such as ``1/n``, NaN from an
overflowing ``exp``) and adds the exercise's hint::

    check_close("neuron(x, w, b)", neuron(x, w, b), 0.7109495, hint="apply the sigmoid to w·x + b")

The autograder uses ``explain_mismatch`` in its own process to decide its tests,
so the notebook's self-checks and the grader explain failures in the same words.

In JupyterLab each check also notes, in ``.course-progress.json`` beside the exercise notebook,
whether it passed in the cell that ran it (``record_progress``): the course map reads that file to
show which exercises' self-checks pass. Nothing is written anywhere else (a test, nbval, the
grader), and a note that cannot be written is skipped without a word.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

import numpy as np

from ..gradcheck import numerical_gradient, relative_error

_MAX_SHOWN = 12  # array entries shown in a message before eliding


class CheckFailure(AssertionError):
    """A self-check failed. ``str()`` is a multi-line message a learner can act on.

    Attributes: ``name`` (what was checked), ``problem`` (what is wrong),
    ``expected`` and ``got`` (descriptions, may be None) and ``hint``.
    """

    def __init__(self, name: str, problem: str, *, expected=None, got=None, hint: str | None = None):
        record_progress(passed=False)
        self.name, self.problem, self.hint = name, problem, hint
        self.expected, self.got = expected, got
        lines = [f"{name} is not right yet.", f"  problem:  {_indent(problem)}"]
        if expected is not None:
            lines.append(f"  expected: {_indent(expected)}")
        if got is not None:
            lines.append(f"  got:      {_indent(got)}")
        if hint:
            lines.append(f"  hint:     {hint}")
        super().__init__("\n".join(lines))

    def _render_traceback_(self) -> list[str]:
        """What IPython shows when a check cell fails: the message alone. The frames inside this
        module would only bury it; the learner's own code is named in the message."""
        return str(self).splitlines()


def _indent(text: str) -> str:
    return str(text).replace("\n", "\n            ")


def show(value) -> str:
    """A short readable rendering of a value for messages (arrays elided past a dozen entries)."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        body = np.array2string(array, precision=6, threshold=_MAX_SHOWN, edgeitems=3, separator=", ")
        return body if array.ndim == 0 else f"{body}  (shape {array.shape})"
    if isinstance(value, float):
        return f"{value:.7g}"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + " ..."


def kind(value) -> str:
    """What sort of value this is, in words: 'an array of shape (3, 2)', 'None', 'a float'."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}" if value.ndim else "a 0-d array (a single number)"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__}"


def _as_numeric_array(value):
    """``value`` as a numeric array, or None when it is not numbers (strings, None, ragged lists)."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return array if array.dtype.kind in "biuf" else None


def _shape_problem(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    problem = f"the shape is {got.shape}, expected {expected.shape}"
    if got.ndim == 2 and got.T.shape == expected.shape and np.allclose(got.T, expected, rtol=rtol, atol=atol):
        return problem + "; the numbers are right but transposed (rows and columns swapped)"
    if got.size == expected.size:
        if np.allclose(got.reshape(expected.shape), expected, rtol=rtol, atol=atol):
            return problem + "; the numbers are right but arranged in the wrong shape (an extra or missing axis of length 1?)"
        return problem + "; same number of entries, different arrangement"
    if expected.ndim == 0:
        return problem + "; an array came back where a single number was expected (forgot to sum or average?)"
    if got.size == 1:
        return problem + "; a single number came back where an array was expected (summed or averaged too much?)"
    return problem


def _value_problem(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str | None:
    """Why two same-shaped numeric arrays differ, or None when they agree within tolerance."""
    got_f, exp_f = got.astype(np.float64), expected.astype(np.float64)
    if expected.dtype.kind == "b" or got.dtype.kind == "b":
        if np.array_equal(got_f, exp_f):
            return None
        wrong = int(np.sum(got_f != exp_f))
        return f"{wrong} of {got.size} true/false entries differ"
    bad_got = ~np.isfinite(got_f)
    if np.any(bad_got & np.isfinite(exp_f)):
        where = tuple(int(i) for i in np.argwhere(bad_got & np.isfinite(exp_f))[0])
        return (f"the result holds NaN or infinity (first at index {where}) where a finite number was expected: "
                "an exp or log overflowed or hit log(0); use a numerically stable form")
    close = np.isclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    scale = float(np.max(np.abs(exp_f), initial=0.0))
    if scale > atol and np.allclose(got_f, -exp_f, rtol=rtol, atol=atol):
        return "every entry has the wrong sign: the sign is flipped somewhere (e.g. target - output instead of output - target)"
    denominator = float(np.sum(exp_f * exp_f))
    if denominator > 0 and np.all(np.isfinite(got_f)):
        factor = float(np.sum(got_f * exp_f) / denominator)
        # For a single number any mismatch is "a factor": only diagnose one across several entries.
        if exp_f.size > 1 and abs(factor) > 1e-12 and not np.isclose(factor, 1.0) and np.allclose(got_f, factor * exp_f, rtol=rtol, atol=atol):
            return (f"every entry is {factor:.6g} times the expected value: a constant factor is missing or extra "
                    "(an average's 1/n, the 2 from differentiating a square, ...)")
    # np.where, not item assignment: got may be a plain number (a 0-d result).
    errors = np.asarray(np.where(close, 0.0, np.abs(got_f - exp_f)))
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(errors), np.inf, errors))), got.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if got.ndim else ""
    count = "" if got.size == 1 else f"; {int(np.sum(~close))} of {got.size} entries differ"
    return (f"largest difference {float(errors[worst]):.3g}{where} "
            f"(expected {float(exp_f[worst]):.7g}, got {float(got_f[worst]):.7g}){count}")


def explain_mismatch(got, expected, *, rtol: float = 1e-6, atol: float = 1e-9, path: str = "") -> str | None:
    """Why ``got`` does not match ``expected``; None when it does.

    Numbers and numeric arrays match by value within ``rtol``/``atol`` and by
    shape (a Python number, a numpy scalar and a 0-d array are alike; a list of
    numbers may stand for an array). Tuples (and lists that are not arrays) match
    item by item, dicts key by key, strings, bools and None exactly. ``path`` prefixes the message
    (e.g. "item 1: ") when comparing inside a structure.
    """
    where = f"{path}: " if path else ""
    if expected is None:
        return None if got is None else f"{where}expected None, got {kind(got)}"
    if got is None:
        return f"{where}got None where {kind(expected)} was expected: is a `return` missing?"
    if isinstance(expected, (bool, np.bool_)):
        if isinstance(got, (bool, np.bool_)) or (isinstance(got, np.ndarray) and got.dtype == bool and got.ndim == 0):
            return None if bool(got) == bool(expected) else f"{where}expected {bool(expected)}, got {bool(got)}"
        return f"{where}expected a bool, got {kind(got)}"
    if isinstance(expected, str):
        return None if got == expected else f"{where}expected the text {expected!r}, got {show(got)}"
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{where}expected a dict with keys {sorted(map(str, expected))}, got {kind(got)}"
        # Every key asked for must be there; an extra key (a learner's own intermediate value) is no error.
        missing = [key for key in expected if key not in got]
        if missing:
            return (f"{where}the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, map(str, missing)))} "
                    f"{'are' if len(missing) > 1 else 'is'} missing: the keys are {sorted(map(str, got))}, "
                    f"expected {sorted(map(str, expected))}")
        for key in expected:
            problem = explain_mismatch(got[key], expected[key], rtol=rtol, atol=atol, path=f"{path}[{key!r}]")
            if problem:
                return problem
        return None
    # A tuple is a group of results (e.g. (A1, Y_hat)); a list is an array unless it is ragged.
    if isinstance(expected, tuple) or (isinstance(expected, list) and _as_numeric_array(expected) is None):
        if not (isinstance(got, (list, tuple)) or (isinstance(got, np.ndarray) and got.ndim >= 1)):
            return f"{where}expected {len(expected)} values (a {type(expected).__name__}), got {kind(got)}"
        if len(got) != len(expected):
            return f"{where}expected {len(expected)} values, got {len(got)}"
        for index, (g, e) in enumerate(zip(got, expected)):
            problem = explain_mismatch(g, e, rtol=rtol, atol=atol, path=f"{path}item {index}" if not path else f"{path}[{index}]")
            if problem:
                return problem
        return None
    expected_array = _as_numeric_array(expected)
    if expected_array is None:
        raise TypeError(f"explain_mismatch cannot compare with an expected {type(expected).__name__}")
    got_array = _as_numeric_array(got)
    if got_array is None:
        return f"{where}expected {kind(expected_array) if expected_array.ndim else 'a number'}, got {kind(got)}"
    if got_array.shape != expected_array.shape:
        return where + _shape_problem(got_array, expected_array, rtol, atol)
    with np.errstate(all="ignore"):  # inf - inf and overflowing products are diagnosed, not warned about
        problem = _value_problem(got_array, expected_array, rtol, atol)
    return where + problem if problem else None


def first_difference(got, expected, *, rtol: float = 1e-6, atol: float = 1e-9, path: str = ""):
    """Where two results of the same structure first differ: ``(where, got item, expected item, problem)``,
    e.g. ``("[1]", zs[1], expected[1], "largest difference ...")``; None when nothing inside a list,
    tuple or dict differs (they match, or their structures differ, which ``explain_mismatch`` says)."""
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(expected) \
            and (isinstance(expected, tuple) or _as_numeric_array(expected) is None):
        for i, (g, e) in enumerate(zip(got, expected)):
            found = first_difference(g, e, rtol=rtol, atol=atol, path=f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, dict) and isinstance(got, dict) and set(got) == set(expected):
        for key in expected:
            found = first_difference(got[key], expected[key], rtol=rtol, atol=atol, path=f"{path}[{key!r}]")
            if found:
                return found
        return None
    problem = explain_mismatch(got, expected, rtol=rtol, atol=atol)
    return (path, got, expected, problem) if problem and path else None


def _passed(name: str, quiet: bool) -> None:
    record_progress(passed=True)
    if not quiet:
        print(f"passed: {name}")


# ----------------------------------------------------------------- progress, for the course map
PROGRESS_FILE = ".course-progress.json"   # beside the exercise notebooks; course_lib.drawing.course_map reads it


def _running_exercise_cell():
    """(notebook path, cell id, run id) of the exercise cell JupyterLab is running now, or None.

    JupyterLab starts each notebook's kernel with ``JPY_SESSION_NAME`` set to the notebook's path
    and sends each cell's id with the request to run it; outside JupyterLab neither exists.
    """
    session = os.environ.get("JPY_SESSION_NAME", "")
    if not re.match(r"ex\d\d\w*\.ipynb$", Path(session).name):
        return None
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    parent = kernel.get_parent() if kernel is not None else None
    cell = ((parent or {}).get("metadata") or {}).get("cellId")
    run = ((parent or {}).get("header") or {}).get("msg_id")
    return (Path(session), cell, run) if cell and run else None


def record_progress(passed: bool) -> None:
    """Count a passed (or failed) self-check for the exercise cell running now, in the exercise folder's
    ``.course-progress.json``: ``{notebook stem: {cell id: {"run": id, "passed": n, "failed": n}}}``,
    the counts of the cell's latest run. Only inside JupyterLab; never raises."""
    try:
        where = _running_exercise_cell()
        if where is None:
            return
        notebook, cell, run = where
        path = notebook.parent / PROGRESS_FILE
        try:
            progress = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            progress = {}
        cells = progress.setdefault(notebook.stem, {})
        entry = cells.get(cell)
        if not isinstance(entry, dict) or entry.get("run") != run:
            entry = cells[cell] = {"run": run, "passed": 0, "failed": 0}
        entry["passed" if passed else "failed"] += 1
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(progress), encoding="utf-8")
        os.replace(partial, path)
    except Exception:  # noqa: BLE001 - a note about progress must never break a learner's check
        pass


def check_close(name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-9,
                hint: str | None = None, quiet: bool = False) -> None:
    """Raise ``CheckFailure`` unless ``got`` matches ``expected`` (see ``explain_mismatch``).

    ``name`` says what was computed, e.g. ``"layer_forward(X, W, b)"``; on success
    the check prints ``passed: <name>`` unless ``quiet``. When one item of a list,
    tuple or dict differs, the failure names that item (``zs[1]``) and shows it alone.
    """
    problem = explain_mismatch(got, expected, rtol=rtol, atol=atol)
    if problem:
        item = first_difference(got, expected, rtol=rtol, atol=atol)
        if item:
            where, got_item, expected_item, item_problem = item
            raise CheckFailure(f"{name}, item {where}", item_problem, expected=show(expected_item),
                               got=show(got_item), hint=hint)
        raise CheckFailure(name, problem, expected=show(expected), got=show(got), hint=hint)
    _passed(name, quiet)


def _shapes_of(values) -> str:
    """The arguments of a call in short: arrays by shape, lists of arrays by their shapes."""
    def one(value):
        if isinstance(value, np.ndarray):
            return f"array {value.shape}"
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
            return "[" + ", ".join(str(v.shape) for v in value) + "]"
        return show(value) if isinstance(value, (str, int, float)) else kind(value)
    return ", ".join(one(value) for value in values)


def checked_call(name: str, function: Callable, *args, hint: str | None = None, **kwargs):
    """``function(*args, **kwargs)``, with an error inside it turned into a ``CheckFailure`` that says
    what was called, with what shapes, what went wrong and the hint (a bare numpy ``ValueError:
    matmul ...`` names neither the product nor the equation). A stub's ``NotImplementedError``
    passes through unchanged: it already says what is still to write."""
    try:
        return function(*args, **kwargs)
    except (NotImplementedError, CheckFailure):
        raise
    except Exception as exc:  # noqa: BLE001 - any error of the learner's code is explained
        message = str(exc).splitlines()[0] if str(exc) else ""
        problem = (f"it raised {type(exc).__name__}: {message}\n"
                   f"called with {_shapes_of(list(args) + list(kwargs.values()))}")
        if isinstance(exc, ValueError) and any(w in message for w in ("matmul", "not aligned", "broadcast")):
            problem += ("\nthe shapes of two arrays do not fit a matrix product or a sum: write the shape of "
                        "every factor beside the equation (is a matrix missing its transpose?)")
        raise CheckFailure(name, problem, hint=hint) from None


def check_shape(name: str, got, expected_shape: tuple, *, hint: str | None = None, quiet: bool = False) -> None:
    """Raise ``CheckFailure`` unless ``got`` is an array of ``expected_shape`` (None matches any size)."""
    array = _as_numeric_array(got)
    want = "(" + ", ".join("any" if n is None else str(n) for n in expected_shape) + ("," if len(expected_shape) == 1 else "") + ")"
    if array is None:
        raise CheckFailure(name, f"expected an array of shape {want}, got {kind(got)}", hint=hint)
    fits = array.ndim == len(expected_shape) and all(n is None or n == m for n, m in zip(expected_shape, array.shape))
    if not fits:
        transposed = array.ndim == 2 and len(expected_shape) == 2 and all(
            n is None or n == m for n, m in zip(expected_shape, array.shape[::-1]))
        extra = "; it looks transposed (rows and columns swapped)" if transposed else ""
        raise CheckFailure(name, f"the shape is {array.shape}, expected {want}{extra}", hint=hint)
    _passed(f"{name} has shape {array.shape}", quiet)


def check_true(name: str, condition, explanation: str, *, hint: str | None = None, quiet: bool = False) -> None:
    """Raise ``CheckFailure`` with ``explanation`` unless ``condition`` is true (a property, e.g. rows sum to 1)."""
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"check_true needs a bool condition, got {type(condition).__name__}")
    if not condition:
        raise CheckFailure(name, explanation, hint=hint)
    _passed(name, quiet)


def check_gradient(name: str, f: Callable[[np.ndarray], float], x, analytic, *, tolerance: float = 1e-6,
                   hint: str | None = None, quiet: bool = False) -> None:
    """Raise ``CheckFailure`` unless ``analytic`` matches the centred-difference gradient of ``f`` at ``x``.

    ``f`` maps an array shaped like ``x`` to a float; ``analytic`` must have ``x``'s
    shape. The verdict is the course's element-wise relative error (``gradcheck.relative_error``).
    """
    x = np.array(x, dtype=np.float64)
    numeric = numerical_gradient(f, x)
    got = _as_numeric_array(analytic)
    if got is None or got.shape != x.shape:
        problem = explain_mismatch(analytic, numeric, rtol=1e-4, atol=1e-7) or "wrong type"
        raise CheckFailure(name, problem, expected=show(numeric), got=show(analytic), hint=hint)
    error = relative_error(got, numeric) if np.all(np.isfinite(got)) else np.inf
    if not np.isfinite(error) or error > tolerance:
        detail = explain_mismatch(got, numeric, rtol=max(tolerance, 1e-5), atol=1e-7) or ""
        problem = f"relative error {error:.2g} against the numerical gradient (should be below {tolerance:g})"
        raise CheckFailure(name, f"{problem}; {detail}" if detail else problem,
                           expected=show(numeric) + "  (numerical)", got=show(got), hint=hint)
    _passed(f"{name} matches the numerical gradient", quiet)


def _half_squared_error(x, t, W1, b1, W2, b2) -> float:
    """E = 1/2 sum_k (t_k - y_k)^2 of a sigmoid network with one hidden layer, written out here."""
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    y = sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2)
    return 0.5 * float(np.sum((t - y) ** 2))


def check_training_steps(signal_step: Callable, delta_step: Callable, x, t, W1, b1, W2, b2, learning_rate, *,
                         quiet: bool = False) -> None:
    """Check two one-sample training steps of a sigmoid network (exercise 05, Part 4) in one call.

    ``signal_step`` moves every parameter by +rate x signal-gradient and ``delta_step`` by
    -rate x dE/dparameter; both return ``(W1_new, b1_new, W2_new, b2_new)``. The expected step
    comes by an independent route: numerical gradients of E = 1/2 sum (t - y)^2, one parameter
    array at a time. Also checked: four arrays come back, the inputs are not changed in place,
    and the two steps agree. Shapes: x (p,), t (k,), W1 (h, p), b1 (h,), W2 (k, h), b2 (k,).
    """
    params = [np.array(p, dtype=np.float64) for p in (W1, b1, W2, b2)]
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    expected = []
    for i, p in enumerate(params):
        def loss(q, i=i):
            return _half_squared_error(x, t, *params[:i], q, *params[i + 1:])
        expected.append(p - learning_rate * numerical_gradient(loss, p.copy()))
    originals = [p.copy() for p in params]
    names = ["W1_new", "b1_new", "W2_new", "b2_new"]
    hints = {signal_step: "signal = (t - y) y (1 - y); ADD rate * signal * input",
             delta_step: "delta = (y - t) y (1 - y); SUBTRACT rate * delta * input"}
    results = {}
    for step in (signal_step, delta_step):
        got = step(x, t, *params, learning_rate)
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            raise CheckFailure(f"{step.__name__}(...)", f"expected 4 arrays (a tuple), got {kind(got)}",
                               hint="return the tuple (W1_new, b1_new, W2_new, b2_new)")
        for name, g, e in zip(names, got, expected):
            check_close(f"{step.__name__}(...) {name} against numerical gradients", g, e, rtol=1e-7, atol=1e-10,
                        hint=hints[step], quiet=True)
        results[step] = list(got)
    check_close("the parameters passed in (they must not change)", params, originals,
                hint="build new arrays (W1 + ...), do not update in place (W1 += ...)", quiet=True)
    check_close("signal_step and delta_step agree", results[signal_step], results[delta_step], quiet=True)
    _passed("signal_step and delta_step both match numerical gradients, agree, and leave their inputs alone", quiet)
