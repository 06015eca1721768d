"""The grader's helpers inside a learner's kernel: encode answers, decode probe inputs, run probes.

This module never runs in the grader. ``transport.bootstrap_cell`` sends its source
into each fresh kernel, before any learner code, where it becomes a private module
whose functions see a snapshot of the builtins taken then: names an answer cell
defines (``type = "tanh"``) or builtins it patches cannot reach them. It imports
nothing of the course (the kernel sees only the staged ``course_lib``), so it stays
one file that a linter and the tests read like any other.

The format is ``transport``'s: JSON, with tuples, dicts and numpy arrays (raw
little-endian bytes of a dtype in ``DTYPE_NAMES``, base64) tagged. The grader's
side decodes what this side sends with its own size and shape checks, because the
kernel is not trusted; this side trusts what the grader sends.
"""

import base64 as _b64
import copy as _copy
import json as _json
import traceback as _tb

import numpy as _np

# The array dtypes that may cross, by name; the grader's decoder (transport) accepts these only.
DTYPE_NAMES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
)
MAX_TEXT = 16 * 1024 * 1024  # characters of one encoded value; a longer answer is reported as too large


def compile_probe(source: str):
    """``source`` compiled as an expression, or else as statements that set ``result``:
    (code object, True when it is an expression). A syntax error says where."""
    try:
        return compile(source, "<probe>", "eval"), True
    except SyntaxError:
        return compile(source, "<probe>", "exec"), False


def evaluate(source: str, namespace: dict):
    """Run probe ``source`` in ``namespace``: the value of an expression, or ``result`` after statements."""
    compiled, is_expression = compile_probe(source)
    if is_expression:
        return eval(compiled, namespace)  # spec-authored source, never a submission's
    exec(compiled, namespace)
    return namespace["result"]


def _enc(v, d=0):
    if d > 16:
        raise ValueError("the returned value is nested too deeply")
    if v is None or type(v) is bool:
        return v
    if isinstance(v, str):
        return str.__str__(v)
    if type(v) is int:
        return v if abs(v) < 2**62 else float(v)
    if isinstance(v, (float, _np.floating)) and not isinstance(v, _np.ndarray):
        return float(v)
    if isinstance(v, tuple):
        return {"__tuple__": [_enc(x, d + 1) for x in v]}
    if isinstance(v, list):
        return [_enc(x, d + 1) for x in v]
    if isinstance(v, dict) and all(type(k) is str for k in v):
        return {"__dict__": {k: _enc(x, d + 1) for k, x in v.items()}}
    if isinstance(v, (_np.ndarray, _np.generic)) or hasattr(v, "__array__"):
        a = _np.asarray(v)
        if a.dtype.name in DTYPE_NAMES:
            return {
                "__ndarray__": _b64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode(),
                "dtype": a.dtype.name,
                "shape": list(a.shape),
            }
        if a.dtype.kind == "U" and a.size <= 100000:
            return _enc(a.tolist(), d)  # numpy strings are strings
    return {"__opaque__": type(v).__name__}


def _dec(o, ns):
    if isinstance(o, list):
        return [_dec(x, ns) for x in o]
    if not isinstance(o, dict):
        return o
    if "__code__" in o:
        v = eval(o["__code__"], ns)
        try:
            return _copy.deepcopy(v)  # each probe gets its own copy of the notebook's examples
        except Exception:
            return v
    if "__tuple__" in o:
        return tuple(_dec(x, ns) for x in o["__tuple__"])
    if "__dict__" in o:
        return {k: _dec(x, ns) for k, x in o["__dict__"].items()}
    a = _np.frombuffer(_b64.b64decode(o["__ndarray__"]), dtype=_np.dtype(o["dtype"]).newbyteorder("<"))
    return a.astype(a.dtype.newbyteorder("=")).reshape(o["shape"])


def _refuse_exit(*args, **kwargs):
    raise RuntimeError(
        "exit() or quit() was called: it would end the kernel, so the grader does not allow it. "
        "Remove it from your cells."
    )


def _cap(streams, shell, cap):
    # one budget per cell for both streams; their own write stays reachable to the grader only (_WRITE)
    used = [0]
    capped = {}

    def make(stream, write):
        def capped_write(text):
            if not isinstance(text, str):
                return write(text)
            room = cap - used[0]
            if len(text) <= room:
                used[0] += len(text)
                return write(text)
            if room > 0:
                write(text[:room])
            used[0] = cap
            write("\n[output truncated: this cell printed more than %d characters; the rest was not sent]\n" % cap)
            stream.write = len  # the rest of this cell's output costs next to nothing
            return len(text)

        return capped_write

    for stream in streams:
        capped[stream] = make(stream, stream.write)
        stream.write = capped[stream]

    def reset(*args, **kwargs):
        used[0] = 0
        for stream, write in capped.items():
            stream.write = write

    shell.events.register("pre_execute", reset)


def setup(marker, out, shell, err=None, cap=None):
    global _MARKER, _OUT, _SHELL, _WRITE
    _MARKER, _OUT, _SHELL, _WRITE = marker, out, shell, out.write
    shell.ask_exit = _refuse_exit
    if cap:
        _cap([s for s in (out, err) if s is not None], shell, cap)


def probe(source, inputs_path):
    try:
        ns = dict(_SHELL.user_ns)
        with open(inputs_path, encoding="utf-8") as handle:
            ns.update(_dec(_json.load(handle), ns))
        text = _json.dumps({"value": _enc(evaluate(source, ns))})
        if len(text) > MAX_TEXT:
            text = _json.dumps(
                {"error": "TooLarge", "message": "%d characters" % len(text), "where": "", "function": ""}
            )
    except BaseException as e:
        f = [f for f in _tb.extract_tb(e.__traceback__) if f.filename not in ("<probe>", __file__)][-1:]
        w = "in %s, line %s: %s" % (f[0].name, f[0].lineno, (f[0].line or "").strip()) if f else ""
        text = _json.dumps(
            {
                "error": type(e).__name__,
                "message": str(e)[:500],
                "where": w[:300],
                "function": f[0].name[:80] if f else "",
            }
        )
    _WRITE("\n" + _MARKER + text + "\n")
    _OUT.flush()
