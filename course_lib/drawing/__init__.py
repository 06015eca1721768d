"""Pictures for the lessons: training curves, decision boundaries, network and graph diagrams, the course map.

Machinery, not the reading path: these modules lay out and draw what the
reading-path modules compute.
"""
from .graph_layout import draw_graph
from .plots import draw_network, plot_decision_boundary, plot_history

__all__ = ["draw_graph", "draw_network", "plot_decision_boundary", "plot_history"]
