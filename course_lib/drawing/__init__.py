"""Pictures for the lessons: training curves, decision boundaries, network and graph diagrams, the course map.

Machinery, not the reading path: these modules lay out and draw what the
reading-path modules compute.
"""
from . import style
from .described import show_figure, show_picture
from .graph_layout import describe_graph, draw_graph
from .plots import draw_network, plot_decision_boundary, plot_history

__all__ = ["describe_graph", "draw_graph", "draw_network", "plot_decision_boundary", "plot_history", "show_figure",
           "show_picture"]

style.apply()
