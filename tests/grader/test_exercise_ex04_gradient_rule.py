"""Exercise 4, Part 4 compares back-propagation with numerical partials by the course's rule, entry by entry."""

import numpy as np
import nbformat

from notebook_outputs import ROOT


def part4():
    nb = nbformat.read(ROOT / "solutions" / "ex04_computational_graph.ipynb", as_version=4)
    start = next(i for i, cell in enumerate(nb.cells) if cell.source.startswith("## Part 4"))
    prose = nb.cells[start].source
    check = next(cell.source for cell in nb.cells[start:] if "numerical_tests" in str(cell.metadata))
    return prose, check


def test_the_instructions_state_the_courses_rule_and_why():
    prose, _ = part4()
    assert "relative error of each entry" in prose
    assert "below $10^{-6}$ means they agree" in prose and "$10^{-4}$ means a bug" in prose
    # The example the text gives: a sign error in a tiny entry.
    analytic, numeric = np.array([1.0, 1e-8]), np.array([1.0, -1e-8])
    max_normalised = np.max(np.abs(analytic - numeric)) / np.max(np.abs(analytic) + np.abs(numeric))
    entry_by_entry = np.max(np.abs(analytic - numeric) / (np.abs(analytic) + np.abs(numeric)))
    assert max_normalised == 1e-8 and entry_by_entry == 1.0
    assert "scores $10^{-8}$ that way, and 1 entry by entry" in prose


def test_the_check_is_element_wise_with_the_courses_h_and_bound():
    _, check = part4()
    assert "np.max(np.abs(_backprop - _numeric)) / np.max(" not in check, "the max-normalised error is back"
    assert "np.abs(_backprop - _numeric) / np.maximum(np.abs(_backprop) + np.abs(_numeric)" in check
    assert "h=1e-5" in check and "< 1e-6" in check
