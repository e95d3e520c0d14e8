"""Rate limits per caller (token or user), counted in the database so every instance agrees."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from spendwise.api.models import RateWindow

_TABLE = RateWindow._meta.db_table
_COUNT = (
    f"INSERT INTO {_TABLE} (caller, minute, count) VALUES (%s, %s, 1) "  # noqa: S608 - our table
    f"ON CONFLICT (caller, minute) DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count"
)


class CallerThrottle(BaseThrottle):
    """``API_RATE_LIMIT_PER_MINUTE`` requests per caller per clock minute; then 429 with
    ``Retry-After`` until the minute ends. Reads count as much as writes."""

    def __init__(self) -> None:
        self._wait = 1

    def allow_request(self, request: HttpRequest) -> bool:
        principal = getattr(request, "auth", None)
        caller = getattr(principal, "caller", None) or f"ip:{self.get_ident(request)}"
        now = time.time()
        minute = int(now // 60)
        with connection.cursor() as cursor:
            cursor.execute(_COUNT, [caller, minute])
            (count,) = cursor.fetchone()
        if minute % 10 == 0 and count == 1:  # now and then, forget old windows
            RateWindow.objects.filter(minute__lt=minute - 5).delete()
        self._wait = max(1, int(60 - now % 60) + 1)
        return int(count) <= settings.API_RATE_LIMIT_PER_MINUTE

    def wait(self) -> float:
        return float(self._wait)
