"""The course's Jupyter server extension, enabled in the course's environment by ``course_lab.install``.

- Every save of a notebook, autosave included, keeps each widget's picture and drops its live view
  (``widget_snapshots.keep_pictures``): a deck presented after a rehearsal shows pictures, not
  "Error displaying widget: model not found".
- A lesson opens unchanged. The lessons store ``language_info`` without the Python version, which
  differs from machine to machine; JupyterLab fills it in from the kernel, and a notebook whose
  metadata changed shows as unsaved the moment it opens. So the server hands out each notebook with
  the ``language_info`` its kernel will report (the kernel runs this same Python), and the learner
  sees a lesson with nothing to save.
"""
from __future__ import annotations

import functools
import inspect

from .widget_snapshots import keep_pictures


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


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course_tools.lab_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    # Once every extension has loaded: one of them may replace the contents manager (jupytext does).
    server_app.io_loop.add_callback(hook_contents_manager, server_app.web_app.settings)


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
