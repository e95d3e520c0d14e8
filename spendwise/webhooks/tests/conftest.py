"""A receiver on 127.0.0.1 (loopback allowed for these tests only) and endpoints on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from spendwise.households.models import Membership
from spendwise.webhooks.actions import endpoint_create
from spendwise.webhooks.models import EventType, WebhookEndpoint
from spendwise.webhooks.tests.receiver import Receiver


@pytest.fixture(autouse=True)
def loopback_allowed(settings) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def make_endpoint(owner: Membership, hook: Receiver) -> Callable[..., WebhookEndpoint]:
    """An endpoint of the owner's household on ``hook``, whose secret ``hook`` checks."""

    def make(events: tuple[str, ...] = tuple(EventType.values)) -> WebhookEndpoint:
        endpoint = endpoint_create(actor=owner, url=hook.url, events=events)
        hook.secrets.append(endpoint.secret)
        return endpoint

    return make
