"""A saved notebook keeps each course widget's picture, not its live view.

A widget's output holds a view of a model that lives in the kernel that made it. Once that kernel
has gone, JupyterLab and jupyterlab-rise draw such a view, in a notebook they trust (one the learner
ran and saved), as "Error displaying widget: model not found": a lecturer who rehearsed a lesson in
the lab and then presents it meets that on every widget slide. The course's widgets also give their
picture, described, as HTML (``LessonWidget._repr_mimebundle_``). Keeping only that when a notebook
is saved (``keep_pictures``, a pre-save hook of the course's JupyterLab: ``lab_extension``) and when a lesson is built
(``picture_only``) means every later viewer shows the picture until the cell runs again; the
session that ran it goes on showing the live widget, since only the file changes.
"""

from __future__ import annotations

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def picture_only(output: dict) -> dict:
    """``output`` without its live view (changed in place): its picture stays, or, for a widget that
    gives none (a plain ipywidget), a line saying how to make it live."""
    data = output.get("data") or {}
    if WIDGET_MIME in data:
        del data[WIDGET_MIME]
        if "text/html" not in data:
            from course_lib.drawing.described import LIVE_NOTE  # here: the server needs it only for such a widget

            data["text/html"] = f"<p><i>{LIVE_NOTE}</i></p>"
            data["text/plain"] = LIVE_NOTE
    return output


def keep_pictures(model: dict, **_) -> None:
    """The course's JupyterLab's pre-save hook (``ContentsManager.pre_save_hook``): every widget
    output of a notebook being saved keeps its picture and loses its live view."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    for cell in model["content"].get("cells", []):
        for output in cell.get("outputs") or []:
            picture_only(output)
