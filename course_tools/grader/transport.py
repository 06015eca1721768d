"""Plain values between the grader and a learner's kernel: JSON with arrays as base64 bytes.

Only data crosses: numbers, strings, booleans, None, numeric arrays (dtype
checked against a whitelist, raw little-endian bytes), and lists, tuples and
dicts of them. Nothing is unpickled, and nothing the kernel sends can run code
or call a method in the grader: ``decode`` builds fresh builtin objects and
numpy arrays of the grader's own numpy.

``kernel_side`` is the same format written for the kernel side, with the
probe runner; ``bootstrap_cell`` installs its source in a private module of
each kernel and ``probe_cell`` writes the one-line cell that runs a probe. The
bootstrap also caps what a cell may print (``MAX_CELL_OUTPUT`` characters on
stdout and stderr together, whatever writes them: ``print``, a C library or a
child process): past the cap the kernel drops the text without sending it and
says "output truncated" once, so a huge print costs no time in the grader.
"""

from __future__ import annotations

import base64
import copy
import inspect
import json
import math

import numpy as np

from . import kernel_side
from .kernel_side import DTYPE_NAMES, MAX_TEXT
from .spec import Code

MAX_DEPTH = 16
MAX_ELEMENTS = 5_000_000  # entries of all arrays in one value
MAX_ITEMS = 1_000_000  # numbers, strings and containers outside arrays in one value
MAX_CELL_OUTPUT = 1 << 20  # characters one cell may print (stdout and stderr); None: no cap
_DTYPES = {name: np.dtype(name).type for name in DTYPE_NAMES}


class TransportError(ValueError):
    """A value could not be encoded or decoded; the message says why in a learner's terms."""


class Opaque:
    """Stands for a value the kernel could not send as data (an object of another type)."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<an object of type {self.type_name}>"


def encode(value, depth: int = 0):
    """A JSON-able form of a grader-side value (probe inputs); ``Code`` stays source text."""
    if depth > MAX_DEPTH:
        raise TransportError("value nested too deeply")
    if isinstance(value, Code):
        return {"__code__": value.source}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)  # tobytes() is C order whatever the strides (and keeps 0-d arrays 0-d)
        if array.dtype.name not in _DTYPES:
            raise TransportError(f"arrays of dtype {array.dtype} cannot be sent")
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        return {
            "__ndarray__": base64.b64encode(data).decode("ascii"),
            "dtype": array.dtype.name,
            "shape": list(array.shape),
        }
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item, depth + 1) for item in value]}
    if isinstance(value, list):
        return [encode(item, depth + 1) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"__dict__": {key: encode(item, depth + 1) for key, item in value.items()}}
    raise TransportError(f"a value of type {type(value).__name__} cannot be sent")


def dumps(value) -> str:
    return json.dumps(encode(value), allow_nan=True)


class _Budget:
    def __init__(self):
        self.elements = 0
        self.items = 0


def decode(data, depth: int = 0, budget: _Budget | None = None):
    """The value encoded in ``data`` (parsed JSON), rebuilt from builtins and numpy arrays only."""
    budget = budget or _Budget()
    if depth > MAX_DEPTH:
        raise TransportError("the value is nested too deeply")
    budget.items += 1
    if budget.items > MAX_ITEMS:
        raise TransportError(f"the value holds more than {MAX_ITEMS} items outside arrays")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1, budget) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2, 3):
        raise TransportError("malformed value")
    if "__tuple__" in data and isinstance(data["__tuple__"], list):
        return tuple(decode(item, depth + 1, budget) for item in data["__tuple__"])
    if "__dict__" in data and isinstance(data["__dict__"], dict):
        return {str(key): decode(item, depth + 1, budget) for key, item in data["__dict__"].items()}
    if "__opaque__" in data and isinstance(data["__opaque__"], str):
        return Opaque(data["__opaque__"][:80])
    if "__ndarray__" in data:
        return _decode_array(data, budget)
    raise TransportError("malformed value")


def _decode_array(data: dict, budget: _Budget) -> np.ndarray:
    dtype_name, shape, text = data.get("dtype"), data.get("shape"), data.get("__ndarray__")
    if dtype_name not in _DTYPES or not isinstance(text, str) or not isinstance(shape, list):
        raise TransportError("malformed array")
    if len(shape) > 32 or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape):
        raise TransportError("malformed array shape")
    count = math.prod(shape)
    budget.elements += count
    if budget.elements > MAX_ELEMENTS:
        raise TransportError(f"the arrays hold more than {MAX_ELEMENTS} numbers in all")
    dtype = np.dtype(_DTYPES[dtype_name]).newbyteorder("<")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise TransportError("malformed array data") from None
    if len(raw) != count * dtype.itemsize:
        raise TransportError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def loads(text: str):
    """Decode one encoded value from its JSON text (size-capped)."""
    if len(text) > MAX_TEXT:
        raise TransportError("the value is too large to send back")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise TransportError("malformed value") from None
    return decode(data)


# ------------------------------------------------------------------ the kernel side
# kernel_side.py, sent as source: the kernel imports nothing of the course but the staged course_lib.
KERNEL_HELPERS = inspect.getsource(kernel_side)

_BOOTSTRAP = """
def __course_grade_bootstrap():
    import builtins, sys, types
    module = types.ModuleType("course_grade_kernel")
    module.__dict__.update(__builtins__=dict(builtins.__dict__), __file__="<course-grade>")
    exec(compile({helpers!r}, "<course-grade>", "exec"), module.__dict__)
    module.setup({marker!r}, sys.stdout, get_ipython(), sys.stderr, {cap!r})
    return module
{handle} = __course_grade_bootstrap()
del __course_grade_bootstrap
"""


def handle_name(marker: str) -> str:
    """The kernel-side name of the helpers: unguessable, so no answer cell defines it by chance."""
    return "__course_grade_" + "".join(ch for ch in marker if ch.isalnum())[-24:] + "__"


def bootstrap_cell(marker: str) -> str:
    """The cell installing the grader's helpers in a fresh kernel, before any learner code."""
    return _BOOTSTRAP.format(helpers=KERNEL_HELPERS, marker=marker, handle=handle_name(marker), cap=MAX_CELL_OUTPUT)


def probe_cell(source: str, inputs_path: str, marker: str) -> str:
    """The cell running one probe: ``source`` with the encoded inputs stored at ``inputs_path``,
    its value printed after ``marker``."""
    return f"{handle_name(marker)}.probe({source!r}, {inputs_path!r})"


def kernel_helpers() -> dict:
    """The kernel-side helpers as a namespace of this process (for tests)."""
    ns: dict = {"__file__": "<course-grade>"}
    exec(compile(KERNEL_HELPERS, "<course-grade>", "exec"), ns)
    return ns


def decode_inputs(text: str, namespace: dict) -> dict:
    """The grader-side twin of the kernel's ``_dec``: inputs for a probe run on the reference.

    ``Code`` arguments are evaluated in ``namespace`` (trusted: they come from a spec).
    """

    def rebuild(obj):
        if isinstance(obj, list):
            return [rebuild(item) for item in obj]
        if not isinstance(obj, dict):
            return obj
        if "__code__" in obj:
            return copy.deepcopy(eval(obj["__code__"], namespace))  # spec-authored source, never a submission's
        if "__tuple__" in obj:
            return tuple(rebuild(item) for item in obj["__tuple__"])
        if "__dict__" in obj:
            return {key: rebuild(item) for key, item in obj["__dict__"].items()}
        return _decode_array(obj, _Budget())

    return rebuild(json.loads(text))
