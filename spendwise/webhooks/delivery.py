"""Sending webhooks, only from the scheduled job (``manage.py deliver_webhooks``, also called
by ``manage.py run_scheduled``), never inside a person's request.

Each due delivery is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and leased (its
``next_attempt_at`` moved past the attempt's end) in a short transaction of its own, then
POSTed with a 5 s timeout to the address its URL resolves to now (checked again: no private
addresses). A 2xx answer delivers it; anything else retries after 1 min, 5 min, 30 min, 2 h
and 12 h (each up to 10 % later, so that retries of many deliveries spread out), then the
delivery is failed. Two deliverers at once never send the same delivery twice: one holds the
row lock or the lease, the other skips it.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from spendwise.webhooks import signing
from spendwise.webhooks.addresses import Target, UnsafeUrl, check_url
from spendwise.webhooks.models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0  # connect, and each read or write of the request
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.10  # a retry comes up to 10 % of its delay later
LEASE = timedelta(minutes=5)  # far longer than one attempt can take
MAX_RESPONSE_BYTES = 4096  # read (and ignore) at most this much of an answer
USER_AGENT = "SpendWise-Webhooks/1"


@dataclass
class DeliverySummary:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.delivered} delivered, {self.retrying} to retry, {self.failed} failed"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no HTTP answer
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """How long after its ``attempts``-th failed attempt a delivery is tried again."""
    base = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    return base * (1 + JITTER * (rng or random).random())


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to by now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the URL's host name for SNI and the certificate."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float = TIMEOUT_SECONDS
) -> Outcome:
    """POST ``body`` to ``url`` (checked now), never following redirects."""
    began = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - began) * 1000)

    try:
        target = check_url(url)
    except UnsafeUrl as exc:
        return Outcome(None, elapsed(), str(exc))
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return Outcome(response.status, elapsed())
    except (OSError, http.client.HTTPException) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError | socket.timeout) else str(exc)
        return Outcome(None, elapsed(), (reason or type(exc).__name__)[:300])
    finally:
        connection.close()


def encode_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def request_for(delivery: WebhookDelivery, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of an attempt at ``now``."""
    body = encode_body(delivery.event.body())
    timestamp = int(now.timestamp())
    secrets = delivery.endpoint.signing_secrets(now)
    return body, {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-SpendWise-Event": delivery.event.type,
        "X-SpendWise-Delivery": str(delivery.public_id),
        "X-SpendWise-Timestamp": str(timestamp),
        "X-SpendWise-Signature": signing.signature_header(secrets, timestamp, body),
    }


def claim_next(now: datetime) -> WebhookDelivery | None:
    """Lock one due delivery (skipping those another deliverer holds), count the attempt and
    lease it, in a transaction of its own; None when nothing is due."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery.pk)


def record_outcome(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> str:
    """Store an attempt's result; returns the delivery's status after it."""
    delivery.response_code = outcome.status_code
    delivery.duration_ms = outcome.duration_ms
    delivery.error = outcome.error
    if outcome.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    fields = ["response_code", "duration_ms", "error", "status", "delivered_at", "next_attempt_at"]
    delivery.save(update_fields=fields)
    return delivery.status


def attempt(delivery: WebhookDelivery, now: datetime) -> str:
    """Send a claimed delivery once and record the result."""
    if not delivery.endpoint.active:  # turned off after the event: nothing is sent
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.error = "The endpoint is turned off."
        delivery.save(update_fields=["status", "next_attempt_at", "error"])
        return delivery.status
    body, headers = request_for(delivery, now)
    outcome = post(delivery.endpoint.url, body, headers)
    if not outcome.ok:
        logger.info(
            "Webhook delivery %s to endpoint %s failed (attempt %s): %s %s",
            delivery.public_id,
            delivery.endpoint_id,
            delivery.attempts,
            outcome.status_code,
            outcome.error,
        )
    return record_outcome(delivery, outcome, timezone.now())


def deliver_due(*, limit: int = 500) -> DeliverySummary:
    """Send up to ``limit`` deliveries that are due now, one at a time."""
    summary = DeliverySummary()
    for _ in range(limit):
        now = timezone.now()
        delivery = claim_next(now)
        if delivery is None:
            break
        status = attempt(delivery, now)
        if status == DeliveryStatus.DELIVERED:
            summary.delivered += 1
        elif status == DeliveryStatus.FAILED:
            summary.failed += 1
        else:
            summary.retrying += 1
    return summary
