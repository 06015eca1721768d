"""Which names a notebook cell defines and which it reads: how a deck knows what a slide's cell needs.

Static, from the cell's syntax tree, so it can be asked of a notebook nobody has run. IPython's
magics (``%``, ``!``) are left out. A name bound inside the cell's own functions or comprehensions
(a parameter, a loop variable) is not read from outside it.
"""
from __future__ import annotations

import ast
import builtins

BUILTIN_NAMES = frozenset(dir(builtins)) | {"get_ipython", "display"}   # the kernel's own, always there


def module_names(source: str) -> tuple[set, set]:
    """(names the cell defines at its top level, names it reads anywhere); two empty sets if it does not parse."""
    try:
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set(), set()
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
            continue
        for part in ast.walk(node):
            if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store):
                defined.add(part.id)
            elif isinstance(part, (ast.Import, ast.ImportFrom)):
                defined.update((alias.asname or alias.name).split(".")[0] for alias in part.names)
    local = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    local |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return defined, read - (local - defined)


def needs_cells_before(source: str, setup_names: set) -> bool:
    """True if the cell reads a name that neither it, the set-up nor Python defines: one an earlier cell makes."""
    defined, read = module_names(source)
    return bool(read - defined - set(setup_names) - BUILTIN_NAMES)
