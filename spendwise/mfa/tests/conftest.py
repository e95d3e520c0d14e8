from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

# The Cognito fixtures (moto's server, a user pool, settings pointing at it).
from spendwise.identity.tests.conftest import (  # noqa: F401
    cognito,
    cognito_pool,
    cognito_with_secret,
    moto_endpoint,
)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at 12:00:10 UTC (10 s into a 30-second step); ``clock.shift(s)``."""
    with time_machine.travel("2026-11-27 12:00:10+00:00", tick=False) as traveller:
        yield traveller
