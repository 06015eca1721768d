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

import ast
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
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        # A list of arrays: each item's shape, and the values of short ones (all of them would bury the answer).
        items = [
            f"[{i}] "
            + (
                show(v)
                if not isinstance(v, np.ndarray) or (v.ndim <= 1 and v.size <= 4)
                else f"array of shape {v.shape}"
            )
            for i, v in enumerate(value)
        ]
        return f"a {type(value).__name__} of {len(value)} items: " + "; ".join(items)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float, np.number)) for v in value):
        items = ", ".join(show(v) if isinstance(v, (float, np.floating)) else str(v) for v in value[:_MAX_SHOWN])
        text = f"[{items}{', ...' if len(value) > _MAX_SHOWN else ''}]"
        return text if isinstance(value, list) else f"({text[1:-1]}{',' if len(value) == 1 else ''})"
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


def _without_axis(shape: tuple, axis: int) -> tuple:
    return shape[:axis] + shape[axis + 1 :]


def _shape_problem(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    problem = f"the shape is {got.shape}, expected {expected.shape}"
    if got.ndim == 2 and got.T.shape == expected.shape and np.allclose(got.T, expected, rtol=rtol, atol=atol):
        return problem + "; the numbers are right but transposed (rows and columns swapped)"
    if got.size == expected.size:
        if np.allclose(got.reshape(expected.shape), expected, rtol=rtol, atol=atol):
            return (
                problem
                + "; the numbers are right but arranged in the wrong shape (an extra or missing axis of length 1?)"
            )
        if got.ndim == 2 and got.T.shape == expected.shape:
            return problem + "; rows and columns are swapped (a product in the wrong order, or a missing .T?)"
        return problem + "; same number of entries, different arrangement"
    return problem + _shape_slip(got.shape, expected.shape)


def _shape_slip(got: tuple, expected: tuple) -> str:
    """The likely slip behind an array of shape ``got`` where ``expected`` was wanted (sizes differ), as
    '; ...' to add to the problem, or ''."""
    if not expected:
        return "; an array came back where a single number was expected (forgot to sum or average?)"
    if int(np.prod(got)) == 1:
        return "; a single number came back where an array was expected (summed or averaged too much?)"
    n = expected[0]
    if got == (n, n) and expected in ((n,), (n, 1), (1, n)):
        return (
            f"; a ({n},) array met a ({n}, 1) array entry by entry, and numpy spread them out to "
            f"({n}, {n}): make both the same shape (reshape, keepdims=True, or [:, 0])"
        )
    if len(got) == len(expected) + 1:
        axes = [axis for axis in range(len(got)) if _without_axis(got, axis) == expected]
        if axes:
            return f"; one axis too many: a sum or mean over axis {axes[0]} left out?"
    if len(got) + 1 == len(expected):
        axes = [axis for axis in range(len(expected)) if _without_axis(expected, axis) == got]
        if axes:
            return f"; one axis too few: a sum or mean over axis {axes[0]} that should not be there?"
    if len(got) == len(expected) == 1:
        return (
            "; a sum, mean or argmax over the wrong axis? (summing an (a, b) array over axis 0 leaves "
            "b entries, over axis 1 leaves a)"
        )
    if len(got) == len(expected) == 2 and got[::-1] != expected and (got[0] == expected[1] or got[1] == expected[0]):
        return "; the rows or the columns count the wrong thing (a product in the wrong order, or a missing .T?)"
    return ""


def _is_whole_ratio(factor: float, rtol: float) -> bool:
    """Whether ``factor`` or its inverse is a whole number from 2 to 1000, to the tolerance."""
    for ratio in (factor, 1.0 / factor):
        k = round(ratio)
        if 2 <= abs(k) <= 1000 and abs(ratio - k) <= max(rtol, 1e-9) * abs(k) * 4:
            return True
    return False


def _whole_ratio(got: float, expected: float, rtol: float) -> str | None:
    """For two single numbers: 'got is 4 times the expected value ...' when one is a whole multiple
    (2 to 1000) of the other, to the check's tolerance; None otherwise. A whole ratio by chance is rare,
    a sum where a mean was meant, or a missing 1/n or 1/2, gives one."""
    if expected == 0 or got == 0:
        return None
    for ratio, words in ((got / expected, "{k:g} times"), (expected / got, "1/{k:g} of")):
        k = round(ratio)
        if 2 <= abs(k) <= 1000 and abs(ratio - k) <= max(rtol, 1e-9) * abs(k) * 4:
            return (
                f"got {got:.7g}, which is {words.format(k=k)} the expected value {expected:.7g}: a constant factor "
                "is missing or extra (a sum where a mean was meant, an average's 1/n, the 2 from "
                "differentiating a square, ...)"
            )
    return None


def _offset_problem(difference: np.ndarray, tolerance: float) -> str | None:
    """'every row is off by the same amounts ...' when got - expected repeats down the rows (a bias missing
    or added twice), or is one constant; None otherwise."""
    if difference.size < 3:  # two entries off by the same amount happen by chance
        return None
    first = difference.reshape(-1)[0]
    if abs(first) > tolerance and np.allclose(difference, first, rtol=0, atol=tolerance):
        return (
            f"every entry is off by the same amount, {first:+.6g}: a constant term is missing or extra "
            "(a bias, or a term of the formula)"
        )
    if (
        difference.ndim == 2
        and difference.shape[0] > 1
        and np.max(np.abs(difference[0])) > tolerance
        and np.allclose(difference, difference[0], rtol=0, atol=tolerance)
    ):
        return (
            f"every row is off by the same amounts, {np.array2string(difference[0], precision=4, separator=', ')}: "
            "one number per column is missing or extra (a bias left out, or added twice?)"
        )
    return None


def _value_problem(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str | None:
    """Why two same-shaped numeric arrays differ, or None when they agree within tolerance."""
    got_f, exp_f = got.astype(np.float64), expected.astype(np.float64)
    if expected.dtype.kind == "b" or got.dtype.kind == "b":
        if np.array_equal(got_f, exp_f):
            return None
        wrong = int(np.sum(got_f != exp_f))
        first = tuple(int(i) for i in np.argwhere(got_f != exp_f)[0]) if got.ndim else ()
        where = (
            f" (the first at index {first}: expected {bool(exp_f[first])}, got {bool(got_f[first])})"
            if got.ndim
            else ""
        )
        return f"{wrong} of {got.size} true/false entries differ{where}"
    bad_got = ~np.isfinite(got_f)
    if np.any(bad_got & np.isfinite(exp_f)):
        where = tuple(int(i) for i in np.argwhere(bad_got & np.isfinite(exp_f))[0])
        where = f" (first at index {where})" if got.ndim else ""
        return (
            f"the result holds NaN or infinity{where} where a finite number was expected: "
            "an exp or log overflowed or hit log(0); use a numerically stable form"
        )
    close = np.isclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    scale = float(np.max(np.abs(exp_f), initial=0.0))
    if (
        got.ndim == 2
        and got.shape[0] == got.shape[1] > 1
        and not np.allclose(exp_f, exp_f.T, rtol=rtol, atol=atol)
        and np.allclose(got_f.T, exp_f, rtol=rtol, atol=atol)
    ):
        return "the numbers are right but transposed (rows and columns swapped)"
    if scale > atol and np.allclose(got_f, -exp_f, rtol=rtol, atol=atol):
        what = "the number has" if exp_f.size == 1 else "every entry has"
        return f"{what} the wrong sign: the sign is flipped somewhere (e.g. target - output instead of output - target)"
    denominator = float(np.sum(exp_f * exp_f))
    if denominator > 0 and np.all(np.isfinite(got_f)):
        factor = float(np.sum(got_f * exp_f) / denominator)
        # Counts (an int answer) have whole ratios all the time: a factor is named for real numbers only, and
        # across one entry (a single number, or an array with one non-zero entry) only when it is whole.
        real = expected.dtype.kind == "f"
        scaled = (
            abs(factor) > 1e-12
            and not np.isclose(factor, 1.0)
            and np.allclose(got_f, factor * exp_f, rtol=rtol, atol=atol)
        )
        if scaled and exp_f.size > 1 and (np.count_nonzero(exp_f) > 1 or (real and _is_whole_ratio(factor, rtol))):
            return (
                f"every entry is {factor:.6g} times the expected value: a constant factor is missing or extra "
                "(an average's 1/n, the 2 from differentiating a square, ...)"
            )
        if exp_f.size == 1 and real and abs(factor) > 1e-12:
            ratio = _whole_ratio(float(got_f.reshape(-1)[0]), float(exp_f.reshape(-1)[0]), rtol)
            if ratio:
                return ratio
        if got.ndim == 1 and got.size > 1 and np.allclose(got_f[::-1], exp_f, rtol=rtol, atol=atol):
            return "the entries are right but in reverse order (the first and the last swapped places: a list built backwards?)"
        offset = _offset_problem(got_f - exp_f, atol + rtol * scale)
        if offset:
            return offset
    # np.where, not item assignment: got may be a plain number (a 0-d result).
    errors = np.asarray(np.where(close, 0.0, np.abs(got_f - exp_f)))
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(errors), np.inf, errors))), got.shape)
    where = f" at index {tuple(int(i) for i in worst)}" if got.ndim else ""
    count = "" if got.size == 1 else f"; {int(np.sum(~close))} of {got.size} entries differ"
    return (
        f"largest difference {float(errors[worst]):.3g}{where} "
        f"(expected {float(exp_f[worst]):.7g}, got {float(got_f[worst]):.7g}){count}"
    )


def _is_structure(expected: list) -> bool:
    """A list compared item by item: one of arrays (weights, zs: each item is named when it differs), or a
    ragged one; a list of plain numbers stands for an array."""
    return any(isinstance(item, np.ndarray) for item in expected) or _as_numeric_array(expected) is None


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
            return (
                f"{where}the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, map(str, missing)))} "
                f"{'are' if len(missing) > 1 else 'is'} missing: the keys are {sorted(map(str, got))}, "
                f"expected {sorted(map(str, expected))}"
            )
        for key in expected:
            problem = explain_mismatch(got[key], expected[key], rtol=rtol, atol=atol, path=f"{path}[{key!r}]")
            if problem:
                return problem
        return None
    # A tuple is a group of results (e.g. (A1, Y_hat)); a list is an array unless it is ragged.
    if isinstance(expected, tuple) or (isinstance(expected, list) and _is_structure(expected)):
        if not (isinstance(got, (list, tuple)) or (isinstance(got, np.ndarray) and got.ndim >= 1)):
            return f"{where}expected {len(expected)} values (a {type(expected).__name__}), got {kind(got)}"
        if len(got) != len(expected):
            return f"{where}expected {len(expected)} values, got {len(got)}"
        for index, (g, e) in enumerate(zip(got, expected)):
            problem = explain_mismatch(
                g, e, rtol=rtol, atol=atol, path=f"{path}item {index}" if not path else f"{path}[{index}]"
            )
            if problem:
                return problem
        return None
    expected_array = _as_numeric_array(expected)
    if expected_array is None:
        raise TypeError(f"explain_mismatch cannot compare with an expected {type(expected).__name__}")
    got_array = _as_numeric_array(got)
    if got_array is None:
        return f"{where}expected {kind(expected_array) if expected_array.ndim else 'a number'}, got {kind(got)}"
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) != len(expected):
        return f"{where}expected {len(expected)} values, got {len(got)}"  # lists of numbers: a count, not an axis
    if got_array.shape != expected_array.shape:
        return where + _shape_problem(got_array, expected_array, rtol, atol)
    with np.errstate(all="ignore"):  # inf - inf and overflowing products are diagnosed, not warned about
        problem = _value_problem(got_array, expected_array, rtol, atol)
    return where + problem if problem else None


def first_difference(got, expected, *, rtol: float = 1e-6, atol: float = 1e-9, path: str = ""):
    """Where two results of the same structure first differ: ``(where, got item, expected item, problem)``,
    e.g. ``("[1]", zs[1], expected[1], "largest difference ...")``; None when nothing inside a list,
    tuple or dict differs (they match, or their structures differ, which ``explain_mismatch`` says)."""
    if (
        isinstance(expected, (list, tuple))
        and isinstance(got, (list, tuple))
        and len(got) == len(expected)
        and (isinstance(expected, tuple) or _is_structure(expected))
    ):
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
PROGRESS_FILE = ".course-progress.json"  # beside the exercise notebooks; course_lib.drawing.course_map reads it


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
    except Exception:  # a note about progress must never break a learner's check
        pass


def check_close(
    name: str, got, expected, *, rtol: float = 1e-6, atol: float = 1e-9, hint: str | None = None, quiet: bool = False
) -> None:
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
            raise CheckFailure(
                f"{name}, item {where}", item_problem, expected=show(expected_item), got=show(got_item), hint=hint
            )
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


# ----------------------------------------------------------------- an error inside the learner's code


def _library_folders() -> tuple[str, ...]:
    """Folders whose code is not the learner's: numpy, this course library, Python's own and installed packages."""
    import sysconfig

    folders = {str(Path(np.__file__).resolve().parent), str(Path(__file__).resolve().parents[1])}
    folders.update(
        str(Path(p).resolve())
        for key, p in sysconfig.get_paths().items()
        if key in ("stdlib", "platstdlib", "purelib", "platlib")
    )
    return tuple(sorted(folders))


def _learner_frames(traceback_object) -> list:
    """``(frame, position)`` of each traceback entry in the learner's code, outermost first; ``position`` is
    ``(filename, line, end_line, column, end_column)`` of the expression that was running there."""
    import traceback

    library = _library_folders()
    entries = []
    summaries = traceback.extract_tb(traceback_object)
    tb = traceback_object
    for summary in summaries:
        frame, tb = tb.tb_frame, tb.tb_next
        filename = summary.filename
        if not filename.startswith("<"):
            try:
                filename = str(Path(filename).resolve())
            except OSError:
                pass
        if filename.startswith(library):
            continue
        # Python 3.10 keeps only the line; 3.11 added where in it the running expression is.
        where = [getattr(summary, name, None) for name in ("end_lineno", "colno", "end_colno")]
        entries.append((frame, (summary.filename, summary.lineno, *where)))
    return entries


def _source_of(position) -> tuple[str, str]:
    """(the whole first line, the expression that was running) at ``position``; empty when the source is unknown
    (code run by ``exec`` from a string has none)."""
    import linecache

    filename, line, end_line, column, end_column = position
    lines = linecache.getlines(filename)
    if not line or line > len(lines):
        return "", ""
    whole = lines[line - 1].strip()
    if column is None or end_column is None or end_line is None or end_line > len(lines):
        return whole, _value_of_statement(whole)
    if end_line == line:
        expression = lines[line - 1][column:end_column]
    else:
        expression = lines[line - 1][column:] + "".join(lines[line : end_line - 1]) + lines[end_line - 1][:end_column]
    return whole, expression.strip()


def _value_of_statement(line: str) -> str:
    """The expression a one-line statement computes (``return W @ x + b`` gives ``W @ x + b``), for when the
    traceback does not say which part of the line was running; empty if the line is not a whole statement."""
    try:
        statement = ast.parse(line).body
    except SyntaxError:
        return ""
    value = getattr(statement[0], "value", None) if len(statement) == 1 else None
    return ast.unparse(value) if value is not None else ""


class _Unknown(Exception):
    """An operand whose shape cannot be found without running code that might do something."""


_INDEX_ARITHMETIC = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}
_PLAIN = (np.ndarray, np.generic, int, float, complex, bool, list, tuple, dict)


def _value(node, frame):
    """The value of a side-effect-free expression (names, constants, ``.T``, indexing, a minus sign)."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals):
            if node.id in scope:
                value = scope[node.id]
                if isinstance(value, _PLAIN):
                    return value
                raise _Unknown(node.id)
        raise _Unknown(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, type(None))):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr == "T":
        value = _value(node.value, frame)
        if isinstance(value, np.ndarray):
            return value.T
        raise _Unknown("T")
    if isinstance(node, ast.Subscript):
        value = _value(node.value, frame)
        return value[_index(node.slice, frame)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _value(node.operand, frame)
        if isinstance(value, (int, float)):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _INDEX_ARITHMETIC:  # an index such as weights[l - 1]
        left, right = _value(node.left, frame), _value(node.right, frame)
        if isinstance(left, (int, np.integer)) and isinstance(right, (int, np.integer)) and not isinstance(left, bool):
            return _INDEX_ARITHMETIC[type(node.op)](int(left), int(right))
    raise _Unknown(type(node).__name__)


def _index(node, frame):
    if isinstance(node, ast.Slice):
        parts = [None if p is None else _value(p, frame) for p in (node.lower, node.upper, node.step)]
        return slice(*parts)
    if isinstance(node, ast.Tuple):
        return tuple(_index(e, frame) for e in node.elts)
    value = _value(node, frame)
    if isinstance(value, (int, np.integer, slice, type(None))) or isinstance(value, np.ndarray):
        return value
    raise _Unknown("index")


def _broadcast(a: tuple, b: tuple):
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _matmul(a: tuple, b: tuple):
    """The shape of ``x @ y`` for arrays of shapes ``a`` and ``b``, or None when they do not fit."""
    if not a or not b:
        return None
    left, right = (a if len(a) > 1 else (1,) + a), (b if len(b) > 1 else b + (1,))
    if left[-1] != right[-2]:
        return None
    batch = _broadcast(left[:-2], right[:-2])
    if batch is None:
        return None
    return batch + (a[-2:-1] if len(a) > 1 else ()) + (b[-1:] if len(b) > 1 else ())


_ELEMENTWISE_OPS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}
_ELEMENTWISE_CALLS = {
    "exp",
    "log",
    "log1p",
    "expm1",
    "tanh",
    "sqrt",
    "abs",
    "absolute",
    "square",
    "sign",
    "maximum",
    "minimum",
    "where",
    "clip",
    "negative",
    "sin",
    "cos",
    "logaddexp",
    "add",
    "subtract",
    "multiply",
    "divide",
    "power",
    "asarray",
    "array",
}


_REDUCTIONS = {"sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "amax", "amin"}


def _reduced(shape: tuple, axis, keepdims: bool) -> tuple:
    """The shape of a sum (or mean, max, ...) over ``axis`` of an array of ``shape``."""
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape) if keepdims or i not in axes)


def _shape(node, frame) -> tuple:
    """The shape ``node`` evaluates to, worked out without computing any product; ``_Unknown`` when it cannot be."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        result = _matmul(_shape(node.left, frame), _shape(node.right, frame))
        if result is None:
            raise _Unknown("@")
        return result
    if isinstance(node, ast.BinOp) and type(node.op) in _ELEMENTWISE_OPS:
        result = _broadcast(_shape(node.left, frame), _shape(node.right, frame))
        if result is None:
            raise _Unknown("broadcast")
        return result
    if isinstance(node, ast.UnaryOp):
        return _shape(node.operand, frame)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _shape(node.value, frame)[::-1]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _REDUCTIONS:
        # x.sum(axis=1, keepdims=True) or np.sum(x, axis=1): the shape left after the reduction
        is_numpy = isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")
        operand = node.args[0] if is_numpy and node.args else (None if is_numpy else node.func.value)
        rest = node.args[1:] if is_numpy else node.args
        if operand is not None:
            options = {k.arg: _value(k.value, frame) for k in node.keywords}
            if rest:
                options.setdefault("axis", _value(rest[0], frame))
            return _reduced(_shape(operand, frame), options.get("axis"), bool(options.get("keepdims", False)))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("np", "numpy")
        and all(keyword.arg == "dtype" for keyword in node.keywords)
    ):
        name = node.func.attr
        shapes = [_shape(arg, frame) for arg in node.args]
        if name in ("dot", "matmul") and len(shapes) == 2:
            result = _matmul(*shapes) if all(shapes) else _broadcast(*shapes)
            if result is None:
                raise _Unknown(name)
            return result
        if name == "outer" and len(shapes) == 2:
            return (int(np.prod(shapes[0])), int(np.prod(shapes[1])))
        if name == "transpose" and len(shapes) == 1:
            return shapes[0][::-1]
        if name in _ELEMENTWISE_CALLS and shapes:
            result = shapes[0]
            for other in shapes[1:]:
                result = _broadcast(result, other)
                if result is None:
                    raise _Unknown(name)
            return result
        raise _Unknown(name)
    value = _value(node, frame)
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        return tuple(np.shape(value))
    array = _as_numeric_array(value)
    if array is None:
        raise _Unknown("value")
    return array.shape


def _shape_text(shape: tuple) -> str:
    return str(tuple(int(n) for n in shape))


def _transposed(source: str) -> tuple[str, str]:
    """How to write ``source`` transposed, and what the learner wrote: ``W`` -> ``W.T``, ``W.T`` -> ``W``."""
    if source.endswith(".T"):
        return source[:-2], source
    try:
        atom = isinstance(ast.parse(source, mode="eval").body, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
    except SyntaxError:
        atom = False
    return (f"{source}.T" if atom else f"({source}).T"), source


def _product_slip(left: str, right: str, a: tuple, b: tuple, label: str = "") -> str:
    """The likely slip behind a matrix product ``left @ right`` of shapes ``a`` and ``b`` that does not fit."""
    inner_a, inner_b = a[-1], (b[-2] if len(b) > 1 else b[0])
    lines = [
        f"{label or left + ' @ ' + right} multiplies {_shape_text(a)} by {_shape_text(b)}: the columns of the "
        f"first ({inner_a}) must equal the rows of the second ({inner_b}) (is a matrix missing its transpose?)"
    ]

    def transpose_advice(factor: str, flipped: tuple) -> str:
        fixed, wrote = _transposed(factor)
        fits = f"{fixed} is {_shape_text(flipped)}, which fits"
        if wrote.endswith(".T"):
            return f"did you transpose {fixed} when you should not have? {fits}"
        return f"did you forget to transpose {factor}? {fits}"

    if len(b) == 2 and _matmul(a, b[::-1]) is not None:
        lines.append(transpose_advice(right, b[::-1]))
    elif len(a) == 2 and _matmul(a[::-1], b) is not None:
        lines.append(transpose_advice(left, a[::-1]))
    elif _matmul(b, a) is not None:
        lines.append(f"are the factors in the wrong order? {right} @ {left} fits")
    elif len(a) == 2 and len(b) == 2 and _matmul(b[::-1], a[::-1]) is not None:
        lines.append(f"are both transposed? {_transposed(right)[0]} @ {_transposed(left)[0]} fits")
    return "\n".join(lines)


def _sum_slip(left: str, right: str, a: tuple, b: tuple, symbol: str) -> str:
    """The likely slip behind an element-by-element operation on shapes that do not broadcast, in words."""
    lines = [
        f"{left} {symbol} {right} combines {_shape_text(a)} with {_shape_text(b)} entry by entry, and those "
        "shapes do not fit: numpy lines shapes up from the right, and each pair of sizes must be equal or 1"
    ]
    reduced = [
        (source, shape, other)
        for source, shape, other in ((left, a, b), (right, b, a))
        if len(shape) == 1 and len(other) == 2 and shape[0] == other[0] != other[1]
    ]
    transposed = [
        (source, shape)
        for source, shape, other in ((left, a, b), (right, b, a))
        if len(shape) == 2 and _broadcast(shape[::-1], other) is not None
    ]
    # A sum, mean or max that lost its axis (e / e.sum(axis=1)) first; else a product the wrong way round (W @ X.T + b).
    if reduced and (not transposed or re.search(r"\b(sum|mean|max|min|prod|std|var)\(", reduced[0][0])):
        source, shape, other = reduced[0]
        lines.append(
            f"{source} has one entry per row of the other ({shape[0]}), but a {_shape_text(shape)} "
            f"array lines up with the columns ({other[1]}): summed over the wrong axis? (or make it "
            f"a column, ({shape[0]}, 1), with keepdims=True)"
        )
    elif transposed:
        source, shape = transposed[0]
        lines.append(
            f"{source} would fit transposed, as {_shape_text(shape[::-1])}: are its rows and columns "
            "swapped (a product in the wrong order, or a missing .T)?"
        )
    return "\n".join(lines)


def _operation_problem(expression: str, frame) -> str | None:
    """What does not fit in ``expression``, the code that raised a shape error, with the likely slip."""
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError:
        return None
    # The failing operation is the expression itself, or, in a call such as np.dot(a, b), its arguments.
    candidates = [tree] + [node for node in ast.walk(tree) if node is not tree]
    for node in candidates:
        try:
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                a, b = _shape(node.left, frame), _shape(node.right, frame)
                if _matmul(a, b) is None and a and b:
                    return _product_slip(ast.unparse(node.left), ast.unparse(node.right), a, b)
            elif isinstance(node, ast.BinOp) and type(node.op) in _ELEMENTWISE_OPS:
                a, b = _shape(node.left, frame), _shape(node.right, frame)
                if _broadcast(a, b) is None:
                    return _sum_slip(
                        ast.unparse(node.left), ast.unparse(node.right), a, b, _ELEMENTWISE_OPS[type(node.op)]
                    )
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("dot", "matmul")
                and len(node.args) == 2
            ):
                a, b = _shape(node.args[0], frame), _shape(node.args[1], frame)
                if a and b and _matmul(a, b) is None:
                    return _product_slip(
                        ast.unparse(node.args[0]), ast.unparse(node.args[1]), a, b, label=ast.unparse(node)
                    )
        except (_Unknown, Exception):  # an operand we cannot see is skipped, never an error
            continue
    return None


def _arrays_in(expression: str, frame) -> str | None:
    """'there, z is (3,) and W is (4, 2)': the shapes of the arrays the failing expression names."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    shapes = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in shapes:
            value = frame.f_locals.get(node.id, frame.f_globals.get(node.id))
            if isinstance(value, np.ndarray):
                shapes[node.id] = _shape_text(value.shape)
    if not shapes:
        return None
    named = [f"{name} is {shape}" for name, shape in list(shapes.items())[:6]]
    return "there, " + (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0])


SHAPE_ADVICE = (
    "the shapes of two arrays do not fit a matrix product or a sum: write the shape of every factor beside "
    "the equation (is a matrix missing its transpose?)"
)
SCALAR_ADVICE = (
    "a whole array was turned into one number (float() or int() of it): is a sum, a mean or a dot product left out?"
)


def shape_error_advice(error_type: str, message: str) -> str | None:
    """The course's words for an error known only by its type and message: a numpy shape error, or an array
    turned into one number; None for any other. ``checked_call`` adds them when it cannot see the shapes
    itself, and the grader, which sees a learner's error only as text, adds the same words."""
    if error_type == "ValueError" and any(word in message for word in ("matmul", "not aligned", "broadcast")):
        return SHAPE_ADVICE
    if error_type == "TypeError" and "converted to Python scalars" in message:
        return SCALAR_ADVICE
    return None


def _numpy_message(exc: BaseException) -> str:
    """The error's first line, without numpy's gufunc signature (jargon that names no array)."""
    message = str(exc).splitlines()[0] if str(exc) else ""
    return re.sub(r", with gufunc signature \S+", "", message)


def explain_error(exc: BaseException, *, called_with: str = "") -> str:
    """Why the learner's code stopped, in words: which of their functions raised what, in which line, and,
    for a shape error in a product or a sum, the shapes of both sides and the likely slip (a missing
    transpose, factors in the wrong order, a sum over the wrong axis).

    ``exc`` must still hold its traceback: the line and the shapes are read from the learner's frames.
    """
    message = _numpy_message(exc)
    frames = _learner_frames(exc.__traceback__)
    # The innermost function of the learner's; the cell that called it (a module) only if there is none.
    inner = [entry for entry in frames if entry[0].f_code.co_name != "<module>"] or frames
    who, lines, slip, arrays = "it", [], None, None
    if inner:
        frame, position = inner[-1]
        function = frame.f_code.co_name
        who = "your code" if function == "<module>" else f"{function}()"
        callers = [f.f_code.co_name for f, _ in inner[:-1]]
        if callers:
            who += " (called by " + " in ".join(f"{name}()" for name in reversed(callers)) + ")"
        whole, expression = _source_of(position)
        if whole:
            lines.append(f"in the line:  {whole}")
        if expression and isinstance(exc, ValueError):
            slip = _operation_problem(expression, frame)
        if expression and not slip:
            arrays = _arrays_in(expression, frame)
    text = "\n".join(
        [f"{who} raised {type(exc).__name__}: {message}"] + lines + [line for line in (slip, arrays) if line]
    )
    advice = None if slip else shape_error_advice(type(exc).__name__, message)
    if advice:
        text += "\n" + advice
    if called_with:
        text += f"\ncalled with {called_with}"
    return text


def checked_call(name: str, function: Callable, *args, hint: str | None = None, returns: tuple | None = None, **kwargs):
    """``function(*args, **kwargs)``, with an error inside it turned into a ``CheckFailure`` that says
    which of the learner's functions raised what, in which line, with what shapes, and the likely slip
    (``explain_error``): a bare numpy ``ValueError: matmul ...`` names neither the product nor the
    equation. A stub's ``NotImplementedError`` passes through unchanged: it already says what is still
    to write. ``returns`` names the values a function returns together, e.g. ``("A1", "Y_hat")``: anything
    but a tuple or list of that many fails here, with those names, rather than as a bare unpacking error."""
    try:
        result = function(*args, **kwargs)
    except (NotImplementedError, CheckFailure):
        raise
    except Exception as exc:  # any error of the learner's code is explained
        problem = explain_error(exc, called_with=_shapes_of(list(args) + list(kwargs.values())))
        raise CheckFailure(name, problem, hint=hint) from None
    if returns is not None and not (isinstance(result, (tuple, list)) and len(result) == len(returns)):
        wanted = f"{len(returns)} values, ({', '.join(returns)})"
        problem = f"expected {wanted}, got {kind(result)}" + (
            ": is a `return` missing?" if result is None else "; return them together: return " + ", ".join(returns)
        )
        raise CheckFailure(name, problem, got=show(result), hint=hint)
    return result


def check_shape(name: str, got, expected_shape: tuple, *, hint: str | None = None, quiet: bool = False) -> None:
    """Raise ``CheckFailure`` unless ``got`` is an array of ``expected_shape`` (None matches any size)."""
    array = _as_numeric_array(got)
    want = (
        "("
        + ", ".join("any" if n is None else str(n) for n in expected_shape)
        + ("," if len(expected_shape) == 1 else "")
        + ")"
    )
    if array is None:
        raise CheckFailure(name, f"expected an array of shape {want}, got {kind(got)}", got=show(got), hint=hint)
    fits = array.ndim == len(expected_shape) and all(n is None or n == m for n, m in zip(expected_shape, array.shape))
    if not fits:
        transposed = (
            array.ndim == 2
            and len(expected_shape) == 2
            and all(n is None or n == m for n, m in zip(expected_shape, array.shape[::-1]))
        )
        extra = "; it looks transposed (rows and columns swapped)" if transposed else ""
        if not extra and None not in expected_shape:
            if array.size != int(np.prod(expected_shape)):
                extra = _shape_slip(array.shape, tuple(expected_shape))
            elif [n for n in array.shape if n != 1] == [n for n in expected_shape if n != 1]:
                extra = "; an extra or missing axis of length 1 ((n,) where (n, 1) was meant, or keepdims)?"
        raise CheckFailure(
            name,
            f"the shape is {array.shape}, expected {want}{extra}",
            expected=f"an array of shape {want}",
            got=show(array),
            hint=hint,
        )
    _passed(f"{name} has shape {array.shape}", quiet)


_NOTHING = object()


def check_true(
    name: str,
    condition,
    explanation: str,
    *,
    got=_NOTHING,
    expected: str | None = None,
    hint: str | None = None,
    quiet: bool = False,
) -> None:
    """Raise ``CheckFailure`` with ``explanation`` unless ``condition`` is true (a property, e.g. rows sum to 1).

    ``got``, when given, is the value the property is about, shown beside ``expected`` (words, e.g. "one
    number above 0") in the failure."""
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"check_true needs a bool condition, got {type(condition).__name__}")
    if not condition:
        shown = (
            None
            if got is _NOTHING
            else show(got) + ("" if isinstance(got, (np.ndarray, np.generic)) or got is None else f"  ({kind(got)})")
        )
        raise CheckFailure(name, explanation, expected=expected, got=shown, hint=hint)
    _passed(name, quiet)


def check_gradient(
    name: str,
    f: Callable[[np.ndarray], float],
    x,
    analytic,
    *,
    tolerance: float = 1e-6,
    hint: str | None = None,
    quiet: bool = False,
) -> None:
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
        raise CheckFailure(
            name,
            f"{problem}; {detail}" if detail else problem,
            expected=show(numeric) + "  (numerical)",
            got=show(got),
            hint=hint,
        )
    _passed(f"{name} matches the numerical gradient", quiet)


def _half_squared_error(x, t, W1, b1, W2, b2) -> float:
    """E = 1/2 sum_k (t_k - y_k)^2 of a sigmoid network with one hidden layer, written out here."""
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    y = sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2)
    return 0.5 * float(np.sum((t - y) ** 2))


def check_training_steps(
    signal_step: Callable, delta_step: Callable, x, t, W1, b1, W2, b2, learning_rate, *, quiet: bool = False
) -> None:
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
            return _half_squared_error(x, t, *params[:i], q, *params[i + 1 :])

        expected.append(p - learning_rate * numerical_gradient(loss, p.copy()))
    originals = [p.copy() for p in params]
    names = ["W1_new", "b1_new", "W2_new", "b2_new"]
    hints = {
        signal_step: "signal = (t - y) y (1 - y); ADD rate * signal * input",
        delta_step: "delta = (y - t) y (1 - y); SUBTRACT rate * delta * input",
    }
    results = {}
    for step in (signal_step, delta_step):
        got = step(x, t, *params, learning_rate)
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            raise CheckFailure(
                f"{step.__name__}(...)",
                f"expected 4 arrays (a tuple), got {kind(got)}",
                hint="return the tuple (W1_new, b1_new, W2_new, b2_new)",
            )
        for name, g, e in zip(names, got, expected):
            check_close(
                f"{step.__name__}(...) {name} against numerical gradients",
                g,
                e,
                rtol=1e-7,
                atol=1e-10,
                hint=hints[step],
                quiet=True,
            )
        results[step] = list(got)
    check_close(
        "the parameters passed in (they must not change)",
        params,
        originals,
        hint="build new arrays (W1 + ...), do not update in place (W1 += ...)",
        quiet=True,
    )
    check_close("signal_step and delta_step agree", results[signal_step], results[delta_step], quiet=True)
    _passed("signal_step and delta_step both match numerical gradients, agree, and leave their inputs alone", quiet)
