"""``GET /api/v1/audit``: the household's audit log, newest first (owners only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode
from spendwise.audit import queries
from spendwise.audit.models import AuditEntry
from spendwise.households.models import Role

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None = Field(description="The user; null: the system (scheduled jobs)")
    actor: str = Field(description="The user's e-mail at the time; empty for the system")
    ip: str | None
    action: str = Field(examples=["update"], description="create, update, delete or bulk")
    model: str = Field(examples=["ledger.transaction"], description="app_label.model_name")
    object_id: str
    object: str = Field(description="A readable label of the object at the time")
    summary: str = Field(description="For bulk changes, e.g. an import")
    changes: dict[str, Any] = Field(
        description="field → [before, after]; money in integer minor units; null: not there"
    )


class AuditList(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None


class AuditParams(PageParams):
    actor: str = Field("", description="A user id, or `system`")
    model: str = Field("", description="e.g. `ledger.transaction`")
    action: str = Field("", description="create, update, delete or bulk")
    date_from: date | None = None
    date_to: date | None = None
    q: str = Field("", max_length=100, description="Text in the object, summary, who or changes")


def _out(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "created_at": entry.created_at,
        "actor_id": entry.actor_id,
        "actor": entry.actor_label,
        "ip": entry.ip,
        "action": entry.action,
        "model": entry.model,
        "object_id": entry.object_id,
        "object": entry.object_label,
        "summary": entry.summary,
        "changes": entry.changes,
    }


@router.get(
    "/audit",
    response=responses(ok200=AuditList),
    summary="The household's audit log, newest first (owners only)",
)
def list_audit(request: HttpRequest, params: Query[AuditParams]) -> dict[str, Any]:
    req = household_request(request)
    if req.membership.role != Role.OWNER:
        raise HttpError(403, "Only the household's owners can see its audit log.")
    limit = clamp_limit(params.limit)
    before = ""
    if params.cursor:
        before = decode(params.cursor)
        if not before.isdigit():
            raise HttpError(400, "The cursor is not valid.")
    filters = queries.AuditFilters(
        actor=params.actor,
        model=params.model,
        action=params.action,
        date_from=params.date_from,
        date_to=params.date_to,
        text=params.q.strip(),
        time_zone=req.user.time_zone,
    )
    rows = queries.audit_entries(req.household.pk, filters)
    batch, next_before = queries.page_before(rows, before, size=limit)
    return {
        "items": [_out(entry) for entry in batch],
        "next_cursor": encode(str(next_before)) if next_before is not None else None,
    }
