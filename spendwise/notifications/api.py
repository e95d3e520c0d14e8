"""``/api/v1/notifications``: what I can see in my household, newest first; mark all read.

Marking read is not a change to the household's money, so (as on the page) a viewer may do it;
a read-only token may not (no token scope lets a read-only token write anything).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode
from spendwise.notifications import actions
from spendwise.notifications.models import Notification
from spendwise.notifications.queries import unread_count, visible_to

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(examples=["budget_alert"])
    title: str
    body: str
    link: str = Field(description="A path on this site, or empty")
    created_at: datetime
    read: bool
    read_at: datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int = Field(description="Unread notifications in all, not only this page")


class NotificationParams(PageParams):
    unread: bool | None = Field(None, description="true: only unread ones; false: only read")


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are read now")


def _notification_out(row: Notification) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "link": row.safe_link,
        "created_at": row.created_at,
        "read": row.is_read,
        "read_at": row.read_at,
    }


@router.get(
    "/notifications",
    response=responses(ok200=NotificationList),
    summary="My notifications, newest first",
)
def list_notifications(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    req = household_request(request)
    limit = clamp_limit(params.limit)
    rows = visible_to(req.user, req.household)
    if params.unread is not None:
        rows = rows.filter(read_at__isnull=params.unread)
    if params.cursor:
        # Keyset on (created_at, id), newest first: the page's own order and index.
        stamp_text, _, pk_text = decode(params.cursor).partition("|")
        try:
            stamp, pk = datetime.fromisoformat(stamp_text), int(pk_text)
        except ValueError:
            raise HttpError(400, "The cursor is not valid.") from None
        if stamp.tzinfo is None:
            raise HttpError(400, "The cursor is not valid.")
        rows = rows.filter(Q(created_at__lt=stamp) | Q(created_at=stamp, pk__lt=pk))
    batch = list(rows.order_by("-created_at", "-id")[: limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    last = batch[-1] if batch else None
    return {
        "items": [_notification_out(row) for row in batch],
        "next_cursor": encode(f"{last.created_at.isoformat()}|{last.pk}")
        if more and last
        else None,
        "unread_count": unread_count(req.user, req.household),
    }


@router.post(
    "/notifications/read",
    response=responses(ok200=MarkedOut),
    summary="Mark every notification I can see as read",
)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    req = household_request(request)
    return {"marked": actions.mark_all_read(user=req.user, household=req.household)}
