"""The copy of ``course_lib`` a kernel may import, with the code that would do the exercise's work taken out.

A spec says what its learner writes (``Spec(..., learner_writes=("backward pass",))``);
``routes`` says which library functions compute that. For each such set the
grader stages, once per process, a read-only, world-readable copy of
``course_lib`` in which each of those functions has lost its body: calling it
raises an error that says why. Nothing is checked at call time, so there is no
caller to impersonate: the code is not there. Whatever in the library reaches
that code (``train`` calling ``MLP.backward``, a method of an ``MLP`` built without
``__init__``) fails the same way. The kernel's import path holds only that copy,
so reloading a module does not bring a function back, and reading the copy's
source finds nothing to borrow.
"""

from __future__ import annotations

import ast
import atexit
import compileall
import importlib
import inspect
import os
import shutil
import stat
import tempfile
from pathlib import Path

import course_lib

from . import routes

LIBRARY = Path(course_lib.__file__).resolve().parent
_STAGED: dict = {}


class ClosedNameError(ValueError):
    """A spec closes a name that is not a function or method of course_lib."""


def _functions_in(body, prefix: str = "") -> list[str]:
    """Qualified names of the functions and methods defined in an AST body (one class level deep)."""
    found = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(prefix + node.name)
        elif isinstance(node, ast.ClassDef) and not prefix:
            found += _functions_in(node.body, node.name + ".")
    return found


# Kept when a whole class or module is closed: making and showing an object computes nothing,
# and a module builds its tables of objects while it is imported. Name one to close it alone.
_KEPT = ("__init__", "__repr__", "__str__")


def _wholesale(qualnames: list[str]) -> list[str]:
    return [q for q in qualnames if q.rsplit(".", 1)[-1] not in _KEPT]


def resolve(name: str) -> list[tuple[Path, str]]:
    """What ``name`` closes, as (module file, qualname) of each function: a function or method
    ('course_lib.MLP.backward'), every method of a class ('course_lib.MLP'), or every function
    and method of a module ('course_lib.signals'); a class's constructor and repr stay unless named."""
    parts = name.split(".")
    if parts[0] != "course_lib" or len(parts) < 2:
        raise ClosedNameError(f"closed names start with 'course_lib.', got {name!r}")
    obj = importlib.import_module("course_lib")
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                raise ClosedNameError(f"{name!r}: course_lib has no {'.'.join(parts[: i + 1])!r}") from None
    if inspect.ismodule(obj):
        path = Path(inspect.getsourcefile(obj)).resolve()
        return [(path, q) for q in _wholesale(_functions_in(ast.parse(path.read_text(encoding="utf-8")).body))]
    if inspect.isclass(obj):
        path = Path(inspect.getsourcefile(obj)).resolve()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return [(path, q) for q in _wholesale(_functions_in(tree.body)) if q.startswith(obj.__qualname__ + ".")]
    obj = inspect.unwrap(getattr(obj, "fget", obj))
    if not inspect.isfunction(obj):
        raise ClosedNameError(f"{name!r} is not a module, class, function or method of course_lib")
    return [(Path(inspect.getsourcefile(obj)).resolve(), obj.__qualname__)]


def _closed_body(name: str, does: str, exercise: str) -> list[ast.stmt]:
    """The body a closed function gets: an error saying what it does and why it is closed."""
    message = (
        f"{name} is not available while {exercise} is graded: it computes {does}, which this "
        "exercise asks you to write, so it and everything in course_lib that uses it raise this error. "
        "Write it yourself (the exercise's instructions list what is closed)."
    )
    return ast.parse(f"raise RuntimeError({message!r})").body


def _close(tree: ast.Module, qualname: str, body: list) -> bool:
    """Replace the body of every definition of ``qualname`` in ``tree`` by ``body`` (its docstring kept)."""
    scope = tree.body
    *outer, last = qualname.split(".")
    for name in outer:
        found = next((n for n in scope if isinstance(n, ast.ClassDef) and n.name == name), None)
        if found is None:
            return False
        scope = found.body
    hits = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == last]
    for node in hits:
        docstring = node.body[:1] if ast.get_docstring(node) is not None else []
        node.body = docstring + list(body)
    return bool(hits)


def staged_library(learner_writes: tuple = (), exercise: str = "this exercise") -> str:
    """The folder to put on the kernel's import path: it holds only ``course_lib`` (read-only),
    with the code that does the work ``learner_writes`` names (``routes.WORK``) taken out.
    Built once per process and set of names."""
    key = (tuple(sorted(learner_writes)), exercise if learner_writes else "")
    if key in _STAGED and os.path.isdir(_STAGED[key]):
        return _STAGED[key]
    edits: dict = {}
    for name in routes.closed_code(key[0]):
        does = routes.what_it_does(name, key[0])
        for path, qualname in resolve(name):
            if LIBRARY not in path.parents:
                raise ClosedNameError(f"{name!r} is defined outside course_lib ({path})")
            module = path.relative_to(LIBRARY).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
            shown = f"course_lib.{module}.{qualname}"
            edits.setdefault(path.relative_to(LIBRARY), []).append(
                (name, qualname, _closed_body(shown, does, exercise))
            )
    top = tempfile.mkdtemp(prefix="course-grade-lib-")
    atexit.register(shutil.rmtree, top, True)
    target = Path(top) / "course_lib"
    shutil.copytree(LIBRARY, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for relative, names in edits.items():
        tree = ast.parse((target / relative).read_text(encoding="utf-8"))
        for name, qualname, body in names:
            if not _close(tree, qualname, body):
                raise ClosedNameError(f"{name!r}: no definition of {qualname} in {relative}")
        (target / relative).write_text(ast.unparse(tree) + "\n", encoding="utf-8")
    compileall.compile_dir(str(target), quiet=1)  # the kernel cannot write bytecode here
    for dirpath, _, filenames in os.walk(top):  # readable by the kernel's uid, writable by nobody but us
        os.chmod(dirpath, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        for filename in filenames:
            os.chmod(os.path.join(dirpath, filename), stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    _STAGED[key] = top
    return top
