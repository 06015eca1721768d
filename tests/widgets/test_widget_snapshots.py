"""A course widget's output carries its described picture, and a saved notebook keeps only that picture,
so that a deck or a reopened notebook never shows "Error displaying widget: model not found"."""

from __future__ import annotations

import base64
import copy
from html import escape

import nbformat
import pytest

from course_lib.drawing.described import LIVE_NOTE, SNAPSHOT_NOTE
from course_tools.widget_snapshots import WIDGET_MIME, keep_pictures, picture_only


@pytest.fixture
def explorer():
    from course_lib.widgets.neuron import neuron_explorer

    return neuron_explorer(w1=1.0, w2=-2.0, b=0.5)


def test_a_widget_gives_its_live_view_and_its_described_picture(explorer):
    data, metadata = explorer._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == explorer.model_id, "live, JupyterLab draws the widget itself"
    png = base64.b64encode(explorer.image.value).decode()
    assert f'src="data:image/png;base64,{png}"' in data["text/html"]
    assert f'alt="{escape(explorer.describe())}"' in data["text/html"] and metadata == {"alt": explorer.describe()}
    assert data["text/plain"] == SNAPSHOT_NOTE and SNAPSHOT_NOTE in data["text/html"]


def test_the_picture_follows_the_widget_when_it_is_displayed_again(explorer):
    before = explorer._repr_mimebundle_()[0]["text/html"]
    explorer.controls["w1"].value = -3.0
    after = explorer._repr_mimebundle_()[0]["text/html"]
    assert before != after and f'alt="{escape(explorer.describe())}"' in after


def saved(outputs: list) -> dict:
    """A notebook as JupyterLab hands it to the contents manager to save."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorer", outputs=outputs)])
    return {"type": "notebook", "format": "json", "content": nbformat.from_dict(nb)}


def test_saving_keeps_the_picture_and_drops_the_live_view(explorer):
    data, metadata = explorer._repr_mimebundle_()
    widget = nbformat.v4.new_output("display_data", data=copy.deepcopy(data), metadata=metadata)
    bare = nbformat.v4.new_output("display_data", data={WIDGET_MIME: {"model_id": "x"}, "text/plain": "IntSlider()"})
    text = nbformat.v4.new_output("stream", name="stdout", text="hi\n")
    model = saved([widget, bare, text])
    keep_pictures(model, path="notebooks/01.ipynb", contents_manager=None)
    kept, other, stream = model["content"]["cells"][0]["outputs"]
    assert WIDGET_MIME not in kept["data"] and kept["data"]["text/html"] == data["text/html"]
    assert kept["metadata"]["alt"] == explorer.describe()
    assert WIDGET_MIME not in other["data"] and other["data"]["text/plain"] == LIVE_NOTE, (
        "a widget with no picture of its own says how to make it live"
    )
    assert stream == text


def test_a_file_that_is_not_a_notebook_is_left_alone():
    model = {"type": "file", "format": "text", "content": "x = 1"}
    keep_pictures(model, path="a.py")
    assert model == {"type": "file", "format": "text", "content": "x = 1"}
    assert picture_only({"output_type": "error", "ename": "E"}) == {"output_type": "error", "ename": "E"}
