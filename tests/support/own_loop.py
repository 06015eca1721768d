"""Run a coroutine on an event loop of its own, in a thread of its own.

The widget tests imitate a kernel with ``asyncio.run``. After the browser tests,
Playwright's loop stays marked as running in the main thread, where ``asyncio.run``
refuses to start; a fresh thread has no loop of anyone else's.
"""
from __future__ import annotations

import asyncio
import threading


def run_in_own_loop(coroutine):
    """``asyncio.run(coroutine)`` in a new thread; returns its result or raises its exception."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed back to the test's own thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
