"""Fixtures shared by the unit tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def in_a_kernel(monkeypatch):
    """Make the widgets behave as in a notebook's kernel: they use the running event loop (a test's asyncio.run)."""
    monkeypatch.setattr("course_lib.widgets.base.in_a_kernel", lambda: True)
