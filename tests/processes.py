"""Helpers shared by the tests that start real processes (servers, workers, probes)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll(predicate: Callable[[], object], *, what: str, timeout: float = 60.0):
    """Poll ``predicate`` until it returns something truthy (returned), or fail after
    ``timeout`` seconds. The bound is a safety net, never the assertion itself."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.2)
