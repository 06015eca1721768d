"""The copy of ``course_lib`` a kernel may import, with the exercise's forbidden functions taken out.

A spec names the library functions that would do its exercise's work
(``Spec(..., forbidden=["course_lib.MLP.backward"])``; a class or module name
forbids all its functions). For each such set the
grader stages, once per process, a read-only, world-readable copy of
``course_lib`` in which each forbidden function raises a clear error when
called from outside the library (the library's own calls still work). The kernel's import path holds only that copy, so reloading a module
does not bring the function back.
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

LIBRARY = Path(course_lib.__file__).resolve().parent
_STAGED: dict = {}


class ForbiddenNameError(ValueError):
    """A spec forbids a name that is not a function or method of course_lib."""


def _functions_in(body, prefix: str = "") -> list[str]:
    """Qualified names of the functions and methods defined in an AST body (one class level deep)."""
    found = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(prefix + node.name)
        elif isinstance(node, ast.ClassDef) and not prefix:
            found += _functions_in(node.body, node.name + ".")
    return found


def resolve(name: str) -> list[tuple[Path, str]]:
    """What ``name`` forbids, as (module file, qualname) of each function: a function or method
    ('course_lib.MLP.backward'), every method of a class ('course_lib.MLP'), or every function
    and method of a module ('course_lib.signals')."""
    parts = name.split(".")
    if parts[0] != "course_lib" or len(parts) < 2:
        raise ForbiddenNameError(f"forbidden names start with 'course_lib.', got {name!r}")
    obj = importlib.import_module("course_lib")
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[:i + 1]))
            except ImportError:
                raise ForbiddenNameError(f"{name!r}: course_lib has no {'.'.join(parts[:i + 1])!r}") from None
    if inspect.ismodule(obj):
        path = Path(inspect.getsourcefile(obj)).resolve()
        return [(path, qualname) for qualname in _functions_in(ast.parse(path.read_text(encoding="utf-8")).body)]
    if inspect.isclass(obj):
        path = Path(inspect.getsourcefile(obj)).resolve()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return [(path, q) for q in _functions_in(tree.body) if q.startswith(obj.__qualname__ + ".")]
    obj = inspect.unwrap(getattr(obj, "fget", obj))
    if not inspect.isfunction(obj):
        raise ForbiddenNameError(f"{name!r} is not a module, class, function or method of course_lib")
    return [(Path(inspect.getsourcefile(obj)).resolve(), obj.__qualname__)]


def _guard(name: str, exercise: str, library: Path) -> list[ast.stmt]:
    """Statements put first in a forbidden function: a call from code outside the staged
    ``library`` folder raises (the library's own calls, e.g. while it is imported, work)."""
    message = (f"{name} is not available while {exercise} is graded: it would do this exercise's work. "
               "Write it yourself (the exercise's instructions list what you may use).")
    return ast.parse(
        "import sys as _course_grade_sys\n"
        f"if not _course_grade_sys._getframe(1).f_code.co_filename.startswith({str(library) + os.sep!r}):\n"
        f"    raise RuntimeError({message!r})\n").body


def _block(tree: ast.Module, qualname: str, guard: list) -> bool:
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
        node.body = docstring + list(guard) + node.body[len(docstring):]
    return bool(hits)


def staged_library(forbidden: tuple = (), exercise: str = "this exercise") -> str:
    """The folder to put on the kernel's import path: it holds only ``course_lib`` (read-only),
    with every name of ``forbidden`` made to raise. Built once per process and set of names."""
    key = (tuple(sorted(forbidden)), exercise if forbidden else "")
    if key in _STAGED and os.path.isdir(_STAGED[key]):
        return _STAGED[key]
    edits: dict = {}
    for name in key[0]:
        for path, qualname in resolve(name):
            if LIBRARY not in path.parents:
                raise ForbiddenNameError(f"{name!r} is defined outside course_lib ({path})")
            edits.setdefault(path.relative_to(LIBRARY), []).append((name, qualname))
    top = tempfile.mkdtemp(prefix="course-grade-lib-")
    atexit.register(shutil.rmtree, top, True)
    target = Path(top) / "course_lib"
    shutil.copytree(LIBRARY, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for relative, names in edits.items():
        tree = ast.parse((target / relative).read_text(encoding="utf-8"))
        for name, qualname in names:
            if not _block(tree, qualname, _guard(name, exercise, target)):
                raise ForbiddenNameError(f"{name!r}: no definition of {qualname} in {relative}")
        (target / relative).write_text(ast.unparse(tree) + "\n", encoding="utf-8")
    compileall.compile_dir(str(target), quiet=1)  # the kernel cannot write bytecode here
    for dirpath, _, filenames in os.walk(top):  # readable by the kernel's uid, writable by nobody but us
        os.chmod(dirpath, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        for filename in filenames:
            os.chmod(os.path.join(dirpath, filename), stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    _STAGED[key] = top
    return top
