"""Throttling of failed sign-ins and code attempts, per account and per IP address."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from spendwise.identity.models import AuthFailure
from spendwise.ops import metrics


def client_ip(request: HttpRequest) -> str:
    """The client address, trusting ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def throttle_keys(request: HttpRequest, action: str, email: str) -> list[str]:
    return [f"{action}:account:{email.lower()}", f"{action}:ip:{client_ip(request)}"]


def seconds_until_allowed(keys: list[str]) -> int:
    """0 when allowed; otherwise how long until the oldest counted failure expires."""
    window = timedelta(seconds=settings.AUTH_THROTTLE_WINDOW_SECONDS)
    since = timezone.now() - window
    limit = settings.AUTH_THROTTLE_MAX_FAILURES
    wait = 0
    for key in keys:
        times = list(
            AuthFailure.objects.filter(key=key, created_at__gte=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:limit]
        )
        if len(times) >= limit:
            remaining = (times[-1] + window - timezone.now()).total_seconds()
            wait = max(wait, math.ceil(remaining))
    return wait


def record_failure(keys: list[str]) -> None:
    AuthFailure.objects.bulk_create(AuthFailure(key=key) for key in keys)
    metrics.sign_in_failure(step=keys[0].partition(":")[0])  # "sign_in" or "code"


def clear_failures(keys: list[str]) -> None:
    """A success forgives the account's failures (not the IP's: that protects other accounts)."""
    AuthFailure.objects.filter(key__in=[k for k in keys if ":account:" in k]).delete()


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
