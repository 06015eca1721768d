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
  (course_tools/notebooks.py); the server runs them, silently, before the kernel takes any request
  from the page.
"""
from __future__ import annotations

import functools
import inspect

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


def setup_code(notebook: dict) -> str:
    """The code of ``notebook``'s cells tagged ``setup``, in order ('' if none)."""
    cells = [cell for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"
             and SETUP_TAG in cell.get("metadata", {}).get("tags", [])]
    return "\n".join("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                     for cell in cells)


async def run_setup(settings: dict, kernel_id: str, path: str | None) -> None:
    """Run the set-up of the notebook at ``path`` in kernel ``kernel_id``; wait until it has run.
    A notebook without set-up cells, or any failure, leaves the kernel as it was (and says why in the log)."""
    if not path or not path.endswith(".ipynb"):
        return
    log = settings["contents_manager"].log   # the server's own log
    try:
        model = settings["contents_manager"].get(path, content=True, type="notebook")
        model = await model if inspect.isawaitable(model) else model
        code = setup_code(model["content"])
        if not code:
            return
        log.info("running the set-up of %s in kernel %s", path, kernel_id)
        client = settings["kernel_manager"].get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(code, silent=True, store_history=False, timeout=120,
                                                     output_hook=lambda message: None)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            log.warning("the set-up of %s failed: %s", path, reply["content"].get("evalue", reply["content"]))
    except Exception:   # a kernel must start even if its set-up cannot run
        log.warning("the set-up of %s could not be run", path, exc_info=True)


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course_tools.lab_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    # Once every extension has loaded: one of them may replace the contents manager (jupytext does).
    server_app.io_loop.add_callback(hook_contents_manager, server_app.web_app.settings)
    server_app.io_loop.add_callback(hook_kernels, server_app.web_app.settings)


def hook_kernels(settings: dict) -> None:
    """Run a notebook's set-up in each kernel started for it, once, and again after each restart.

    JupyterLab starts a notebook's kernel for a session named by a random id, then renames the session
    to the notebook's path; other clients name the path at once. So the set-up runs as soon as a
    kernel's session names a notebook, whichever comes first."""
    sessions, kernels = settings["session_manager"], settings["kernel_manager"]
    start, update, restart = sessions.start_kernel_for_session, sessions.update_session, kernels.restart_kernel
    set_up = set()   # the kernels whose set-up has run

    async def set_up_once(kernel_id, path) -> None:
        if kernel_id in set_up or not str(path or "").endswith(".ipynb"):
            return
        set_up.add(kernel_id)
        await run_setup(settings, kernel_id, path)

    @functools.wraps(start)
    async def start_with_setup(*args, **kwargs):
        kernel_id = await start(*args, **kwargs)
        path = kwargs["path"] if "path" in kwargs else (args[1] if len(args) > 1 else None)
        await set_up_once(kernel_id, path)
        return kernel_id

    @functools.wraps(update)
    async def update_with_setup(session_id, **kwargs):
        result = await update(session_id, **kwargs)
        if "path" in kwargs or "kernel_id" in kwargs:
            session = await sessions.get_session(session_id=session_id)
            await set_up_once(session["kernel"]["id"], session["path"])
        return result

    @functools.wraps(restart)
    async def restart_with_setup(kernel_id, *args, **kwargs):
        result = await restart(kernel_id, *args, **kwargs)
        set_up.discard(kernel_id)   # a restarted kernel has forgotten everything
        try:
            path = (await sessions.get_session(kernel_id=kernel_id))["path"]
        except Exception:   # a kernel of no notebook (tornado's HTTPError 404): nothing to set up
            path = None
        await set_up_once(kernel_id, path)
        return result

    sessions.start_kernel_for_session, sessions.update_session = start_with_setup, update_with_setup
    kernels.restart_kernel = restart_with_setup


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
