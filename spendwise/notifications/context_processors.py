"""Template context for every page: the signed-in member's unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from spendwise.notifications.queries import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: how many notifications the member has not read (an int; one
    indexed count, and none at all for visitors without a household). Counted only when a
    template shows it, so HTMX fragments, which have no header, cost no query."""
    household = getattr(request, "household", None)
    user = getattr(request, "user", None)
    if household is None or user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user, household))}
