"""The course's Jupyter server extension, enabled in the course's environment by ``course_lab.install``.

- Every save of a notebook, autosave included, keeps each widget's picture and drops its live view
  (``widget_snapshots.keep_pictures``): a deck presented after a rehearsal shows pictures, not
  "Error displaying widget: model not found".
- A lesson opens unchanged. The lessons store ``language_info`` without the Python version, which
  differs from machine to machine; JupyterLab fills it in from the kernel, and a notebook whose
  metadata changed shows as unsaved the moment it opens. So the server hands out each notebook with
  the ``language_info`` its kernel will report (the kernel runs this same Python), and the learner
  sees a lesson with nothing to save.
- A lesson's hidden set-up runs when its kernel starts or restarts. A deck does not show a lesson's
  set-up cells (imports), so it cannot run them, and a lecturer who ran a slide's cell first met
  ``NameError: name 'playground' is not defined``. The builder tags those cells ``setup``
  (course_tools/notebooks.py); the kernel is started with them to run (``IPKernelApp.exec_files``),
  so they have run before it takes any request. (A second client talking to the kernel from the
  server, the first way tried, kept the page's own connection from running cells.)
- A deck's slide runs first, wherever it is. A deck's kernel (jupyterlab-rise names its session by
  an id, not the notebook's path) also gets the lesson's other code cells, and before a cell that
  needs earlier ones runs, those it has not run yet run first, quietly (``deck_kernel``). In the
  lab, where every cell is in view, a learner runs them in order as usual.
"""

from __future__ import annotations

import atexit
import contextvars
import functools
import inspect
import json
import shutil
import tempfile
from pathlib import Path

from .cell_names import module_names, needs_cells_before
from .widget_snapshots import keep_pictures

SETUP_TAG = "setup"


def kernel_language_info() -> dict:
    """What an IPython kernel started with this Python reports as its ``language_info``."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def with_kernel_language_info(model: dict, info: dict) -> dict:
    """``model`` (a contents model) with ``info`` filled into a notebook's ``language_info`` where
    the notebook names the same language and says no more than the kernel does."""
    content = model.get("content") if model.get("type") == "notebook" else None
    if isinstance(content, dict):
        stored = content.setdefault("metadata", {}).get("language_info", {})
        if stored.get("name") == info.get("name") and all(info.get(key) == value for key, value in stored.items()):
            content["metadata"]["language_info"] = dict(info)
    return model


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _is_setup(cell: dict) -> bool:
    return SETUP_TAG in cell.get("metadata", {}).get("tags", [])


def setup_code(notebook: dict) -> str:
    """The code of ``notebook``'s cells tagged ``setup``, in order ('' if none)."""
    return "\n".join(
        _source(cell) for cell in notebook.get("cells", []) if cell.get("cell_type") == "code" and _is_setup(cell)
    )


def setup_names(notebook: dict) -> set:
    """The names the cells tagged ``setup`` define."""
    return set().union(
        *(
            module_names(_source(cell))[0]
            for cell in notebook.get("cells", [])
            if cell.get("cell_type") == "code" and _is_setup(cell)
        )
    )


def deck_cells(notebook: dict) -> list[tuple[str, str, bool]]:
    """The code cells after the set-up, in order: (cell id, source, whether it needs names an earlier cell makes)."""
    names = setup_names(notebook)
    return [
        (cell.get("id", ""), _source(cell), needs_cells_before(_source(cell), names))
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code" and not _is_setup(cell)
    ]


def deck_code(notebook: dict) -> str:
    """What a deck's kernel runs after the set-up: ``deck_kernel.install`` with the lesson's other cells."""
    return (
        "from course_tools.deck_kernel import install as _install_cells_before\n"
        f"_install_cells_before(get_ipython(), {deck_cells(notebook)!r}, {sorted(setup_names(notebook))!r})\n"
        "del _install_cells_before\n"
    )


def find_notebook(root: Path, path: str | None, name: str | None) -> Path | None:
    """The notebook a kernel is started for. JupyterLab names a session by its notebook's path, but
    jupyterlab-rise's deck starts one under a random id with only the file's name, so a name is
    looked for in the folder served and the folders below it (the course's lessons have unique names)."""
    root = Path(root)
    if path and path.endswith(".ipynb") and (root / path).is_file():
        return root / path
    if name and name.endswith(".ipynb"):
        for candidate in (root / name, *sorted(root.glob(f"*/{name}")), *sorted(root.glob(f"*/*/{name}"))):
            if candidate.is_file():
                return candidate
    return None


def setup_arguments(notebook: Path, folder: Path, deck: bool = False) -> list[str]:
    """The kernel's command-line options that run ``notebook``'s set-up as the kernel starts, before
    it takes any request (``IPKernelApp.exec_files``; a restart runs them again); [] if it has none.
    For a ``deck``, the kernel also runs the cells before a slide's cell when it needs them."""
    try:
        content = json.loads(notebook.read_text(encoding="utf-8"))
        code = setup_code(content)
        if code and deck:
            code += "\n" + deck_code(content)
    except (OSError, ValueError, KeyError, TypeError):  # not a notebook this extension can read: start plainly
        return []
    if not code:
        return []
    script = folder / f"{notebook.stem}-{'deck' if deck else 'setup'}.py"
    script.write_text(code + "\n", encoding="utf-8")
    return [f"--IPKernelApp.exec_files={script}"]


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course_tools.lab_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    # Once every extension has loaded: one of them may replace the contents manager (jupytext does).
    server_app.io_loop.add_callback(hook_contents_manager, server_app.web_app.settings)
    server_app.io_loop.add_callback(hook_kernels, server_app.web_app.settings)


def hook_kernels(settings: dict) -> None:
    """Start each notebook's kernel with its set-up (``setup_arguments``)."""
    sessions, kernels = settings["session_manager"], settings["kernel_manager"]
    start_for_session, start_kernel = sessions.start_kernel_for_session, kernels.start_kernel
    root, folder = Path(settings["contents_manager"].root_dir), Path(tempfile.mkdtemp(prefix="course-setup-"))
    # The set-up scripts live as long as the server (it ends normally on Ctrl+C or SIGTERM).
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # From a session's start to its kernel's: the kernel's extra arguments, and the folder it runs in.
    wanted = contextvars.ContextVar("setup_arguments", default=((), None))

    @functools.wraps(start_for_session)
    async def start_for_session_with_setup(*args, **kwargs):
        named = {**dict(zip(("session_id", "path", "name"), args)), **kwargs}
        notebook = find_notebook(root, named.get("path"), named.get("name"))
        deck = not str(named.get("path") or "").endswith(".ipynb")  # jupyterlab-rise: an id, not a path
        # A deck's session is named by an id, so its kernel would run in the server's root: it runs in the
        # lesson's folder instead, as the lesson's own kernel does.
        where = notebook.parent.relative_to(root).as_posix() if notebook and deck else None
        token = wanted.set((tuple(setup_arguments(notebook, folder, deck)) if notebook else (), where))
        try:
            return await start_for_session(*args, **kwargs)
        finally:
            wanted.reset(token)

    @functools.wraps(start_kernel)
    async def start_kernel_with_setup(*args, **kwargs):
        arguments, where = wanted.get()
        if arguments:
            kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []), *arguments]
        if where is not None:
            kwargs["path"] = where
        return await start_kernel(*args, **kwargs)

    sessions.start_kernel_for_session, kernels.start_kernel = start_for_session_with_setup, start_kernel_with_setup


def hook_contents_manager(settings: dict) -> None:
    """Hook the contents manager the server's handlers use (``settings["contents_manager"]``)."""
    manager = settings["contents_manager"]
    # Named in ``ContentsManager.pre_save_hook`` instead, the hook fails in jupyter_server 2: its
    # validator imports the trait's old value, not the new one.
    manager.register_pre_save_hook(keep_pictures)
    info, get = kernel_language_info(), manager.get
    if inspect.iscoroutinefunction(get):

        @functools.wraps(get)
        async def get_filled(*args, **kwargs):
            return with_kernel_language_info(await get(*args, **kwargs), info)
    else:

        @functools.wraps(get)
        def get_filled(*args, **kwargs):
            return with_kernel_language_info(get(*args, **kwargs), info)

    manager.get = get_filled
