"""Webhook signatures, with nothing from Django: what SpendWise sends and what a receiver
checks (docs/webhooks.md shows the same algorithm for receivers to copy).

``X-SpendWise-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`` where each ``v1`` is
HMAC-SHA256 of ``f"{t}.{body}"`` under one of the endpoint's secrets (two during the grace
period after a secret rotation: the old one first).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence

TOLERANCE_SECONDS = 300  # a receiver refuses a signature older (or newer) than this


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``b"<timestamp>.<body>"`` under ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """The ``X-SpendWise-Signature`` value: one ``v1`` per secret, in the order given."""
    parts = [f"t={timestamp}"] + [f"v1={signature(s, timestamp, body)}" for s in secrets]
    return ",".join(parts)


def verify(
    header: str,
    body: bytes,
    secret: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when one ``v1`` of ``header`` signs ``body`` with ``secret`` and its ``t`` is
    within ``tolerance`` seconds of ``now`` (a replayed old request is refused)."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
