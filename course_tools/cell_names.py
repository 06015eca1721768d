"""Which names a notebook cell defines and which it needs from outside: how a deck knows what a slide's cell needs.

Static, from the cell's syntax tree, so it can be asked of a notebook nobody has run. IPython's
syntax (magics, shell escapes) is first translated as the kernel translates it. A name bound inside
the cell's own functions or comprehensions (a parameter, a loop variable) is not read from outside it.
"""

from __future__ import annotations

import ast
import builtins

BUILTIN_NAMES = frozenset(dir(builtins)) | {"get_ipython", "display"}  # the kernel's own, always there


def _python(source: str) -> str:
    """The cell as plain Python: IPython's own translation where IPython is installed."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # without IPython, leave out the lines IPython would have turned into calls
        return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    return TransformerManager().transform_cell(source)


def _tree(source: str) -> ast.Module | None:
    try:
        return ast.parse(_python(source))
    except SyntaxError:
        return None


def _bound(node) -> set:
    """Names a top-level statement binds in the cell's namespace."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    names = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store):
            names.add(part.id)
        elif isinstance(part, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in part.names)
    return names


def _read(node, local: set) -> set:
    """Names a statement reads, an augmented assignment's target included (``a *= 3`` reads ``a``)."""
    names = {part.id for part in ast.walk(node) if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Load)}
    names |= {
        part.target.id
        for part in ast.walk(node)
        if isinstance(part, ast.AugAssign) and isinstance(part.target, ast.Name)
    }
    return names - local


def _local(tree: ast.Module) -> set:
    """Names bound only inside the cell's functions and comprehensions."""
    inner = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inner |= {arg.arg for arg in ast.walk(node.args) if isinstance(arg, ast.arg)}
            inner |= {
                part.id for part in ast.walk(node) if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store)
            }
        elif isinstance(node, ast.comprehension):
            inner |= {part.id for part in ast.walk(node.target) if isinstance(part, ast.Name)}
    return inner


def module_names(source: str) -> tuple[set, set]:
    """(names the cell defines at its top level, names it reads anywhere); two empty sets if it does not parse."""
    tree = _tree(source)
    if tree is None:
        return set(), set()
    defined = set().union(*(_bound(node) for node in tree.body))
    return defined, set().union(*(_read(node, _local(tree) - defined) for node in tree.body))


def names_from_outside(source: str) -> set | None:
    """Names the cell reads before it binds them itself, statement by statement (``X = X / 255`` reads ``X``
    from outside); None if the cell does not parse."""
    tree = _tree(source)
    if tree is None:
        return None
    local, bound, outside = _local(tree), set(), set()
    for node in tree.body:
        outside |= _read(node, local - bound) - bound
        bound |= _bound(node)
    return outside


def needs_cells_before(source: str, setup_names: set) -> bool:
    """True if the cell reads a name from outside that neither the set-up nor Python defines: one an earlier
    cell makes. A cell that does not parse is taken to need them (running them first is the safe side)."""
    outside = names_from_outside(source)
    return outside is None or bool(outside - set(setup_names) - BUILTIN_NAMES)
