"""Pictures for the lessons: training curves, decision boundaries, graph diagrams, the course map (networks:
``course_lib.widgets.network_diagram``, which the widgets draw with too).

Machinery, not the reading path: these modules lay out and draw what the
reading-path modules compute.
"""

from . import style
from .described import show_figure, show_picture
from .graph_layout import describe_graph, draw_graph
from .plots import plot_decision_boundary, plot_history

__all__ = ["describe_graph", "draw_graph", "plot_decision_boundary", "plot_history", "show_figure", "show_picture"]

style.apply()
