"""The ``log_lines`` fixture: what the test logged, as JSON lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from spendwise.ops.tests.log_capture import LogLines


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    handler = LogLines()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
