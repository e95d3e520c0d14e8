"""``/api/v1/recurring/…``: schedules, occurrences waiting for confirmation, what comes next.

The same scoped loaders (another household's schedule or occurrence is a 404) and the same
actions as the recurring pages; amounts are positive, in the account's currency.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode, id_page
from spendwise.api.schemas import (
    DecimalText,
    MoneyOut,
    QueryIn,
    StrictIn,
    money_out,
    parse_money,
)
from spendwise.households.decorators import HouseholdRequest
from spendwise.ledger import queries as ledger_queries
from spendwise.recurring import actions, queries, rules
from spendwise.recurring.models import Occurrence, OccurrenceStatus, Schedule

router = Router(tags=["recurring"])

MAX_UPCOMING_DAYS = 366
MAX_UPCOMING_ROWS = 100


# --- schedules ----------------------------------------------------------------------------------
class ScheduleOut(Schema):
    id: int
    name: str
    kind: str
    account_id: int = Field(description="For a transfer: where the money leaves")
    to_account_id: int | None = Field(description="Transfers: where the money arrives")
    amount: MoneyOut = Field(description="Positive, in the account's currency")
    received: MoneyOut | None = Field(description="Transfers: what arrives, in its currency")
    category_id: int | None
    payee: str | None
    note: str
    frequency: str
    interval: int
    day_of_month: int | None = Field(description=f"Monthly: 1-31, or {rules.LAST_DAY}: last day")
    start_date: date
    end_date: date | None
    next_date: date | None = Field(description="The next date not yet handled; null: ended")
    auto_post: bool
    active: bool
    description: str = Field(examples=["Every month on the last day"])
    last_error: str = Field(description="Why the last scheduled run could not post it")
    pending_count: int = Field(description="Dates waiting for confirmation")


class ScheduleList(Schema):
    items: list[ScheduleOut]
    next_cursor: str | None


class ScheduleIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["expense", "income", "transfer"]
    account_id: int = Field(description="For a transfer: where the money leaves")
    to_account_id: int | None = Field(None, description="Transfers only: where it arrives")
    amount: DecimalText = Field(description="Positive, in the account's currency")
    received: DecimalText | None = Field(
        None, description="Transfers between two currencies: what arrives"
    )
    category_id: int | None = None
    payee: str = Field("", max_length=100)
    note: str = Field("", max_length=500)
    frequency: Literal["daily", "weekly", "monthly", "yearly"]
    interval: int = Field(1, ge=1, le=rules.MAX_INTERVAL, description="Every N days/weeks/…")
    day_of_month: int | None = Field(
        None,
        ge=rules.LAST_DAY,
        le=31,
        description=f"Monthly: 1-31 or {rules.LAST_DAY} for the last day; "
        "null: the start date's day",
    )
    start_date: date
    end_date: date | None = None
    auto_post: bool = Field(True, description="False: each date waits for confirmation")
    active: bool = Field(True, description="False: paused")


class ScheduleFilterParams(PageParams):
    kind: Literal["expense", "income", "transfer"] | None = None
    active: bool | None = None


def _schedule_out(schedule: Schedule) -> dict[str, Any]:
    pending = getattr(schedule, "pending_count", None)  # annotated by schedules_for
    if pending is None:
        pending = schedule.occurrences.filter(status=OccurrenceStatus.PENDING).count()
    return {
        "id": schedule.pk,
        "name": schedule.name,
        "kind": schedule.kind,
        "account_id": schedule.account_id,
        "to_account_id": schedule.to_account_id,
        "amount": money_out(abs(schedule.money)),
        "received": money_out(schedule.received) if schedule.received is not None else None,
        "category_id": schedule.category_id,
        "payee": schedule.payee.name if schedule.payee_id and schedule.payee else None,
        "note": schedule.note,
        "frequency": schedule.frequency,
        "interval": schedule.interval,
        "day_of_month": schedule.day_of_month,
        "start_date": schedule.start_date,
        "end_date": schedule.end_date,
        "next_date": schedule.next_date,
        "auto_post": schedule.auto_post,
        "active": schedule.active,
        "description": schedule.describe,
        "last_error": schedule.last_error,
        "pending_count": pending,
    }


def _schedule_input(req: HouseholdRequest, payload: ScheduleIn) -> actions.ScheduleInput:
    household = req.household
    account = ledger_queries.get_account(household, payload.account_id)
    to_account = (
        ledger_queries.get_account(household, payload.to_account_id)
        if payload.to_account_id is not None
        else None
    )
    category = (
        ledger_queries.get_category(household, payload.category_id)
        if payload.category_id is not None
        else None
    )
    received = (
        parse_money(payload.received, to_account.currency, "received")
        if payload.received is not None and to_account is not None
        else None
    )
    return actions.ScheduleInput(
        name=payload.name,
        kind=payload.kind,
        account=account,
        amount=parse_money(payload.amount, account.currency),
        frequency=payload.frequency,
        start_date=payload.start_date,
        interval=payload.interval,
        day_of_month=payload.day_of_month,
        end_date=payload.end_date,
        to_account=to_account,
        received=received,
        category=category,
        payee_name=payload.payee,
        note=payload.note,
        auto_post=payload.auto_post,
        active=payload.active,
    )


@router.get(
    "/recurring/schedules",
    response=responses(ok200=ScheduleList),
    summary="Schedules, oldest first",
)
def list_schedules(request: HttpRequest, params: Query[ScheduleFilterParams]) -> dict[str, Any]:
    rows = queries.schedules_for(household_request(request).household)
    if params.kind is not None:
        rows = rows.filter(kind=params.kind)
    if params.active is not None:
        rows = rows.filter(active=params.active)
    return id_page(rows, params, _schedule_out)


@router.post(
    "/recurring/schedules", response=responses(ok201=ScheduleOut), summary="Add a schedule"
)
def create_schedule(request: HttpRequest, payload: ScheduleIn) -> Status[Any]:
    req = household_request(request)
    schedule = actions.schedule_create(actor=req.membership, data=_schedule_input(req, payload))
    return Status(201, _schedule_out(queries.get_schedule(req.household, schedule.pk)))


@router.get(
    "/recurring/schedules/{schedule_id}",
    response=responses(ok200=ScheduleOut),
    summary="One schedule",
)
def get_schedule(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    return _schedule_out(queries.get_schedule(household_request(request).household, schedule_id))


@router.put(
    "/recurring/schedules/{schedule_id}",
    response=responses(ok200=ScheduleOut),
    summary="Replace a schedule; dates already handled stay handled",
)
def update_schedule(request: HttpRequest, schedule_id: int, payload: ScheduleIn) -> dict[str, Any]:
    req = household_request(request)
    schedule = queries.get_schedule(req.household, schedule_id)
    actions.schedule_update(
        actor=req.membership,
        schedule=schedule,
        data=_schedule_input(req, payload),
        today=req.user.today(),
    )
    return _schedule_out(queries.get_schedule(req.household, schedule.pk))


@router.delete(
    "/recurring/schedules/{schedule_id}",
    response=responses(ok204=None),
    summary="Delete a schedule; the transactions it posted stay",
)
def delete_schedule(request: HttpRequest, schedule_id: int) -> Status[Any]:
    req = household_request(request)
    schedule = queries.get_schedule(req.household, schedule_id)
    actions.schedule_delete(actor=req.membership, schedule=schedule)
    return Status(204, None)


# --- occurrences --------------------------------------------------------------------------------
class OccurrenceOut(Schema):
    id: int
    schedule_id: int
    name: str
    kind: str
    date: date
    status: Literal["pending", "posted", "skipped"]
    amount: MoneyOut = Field(description="Signed for an expense or income; a transfer's amount")
    transaction_id: int | None = Field(description="The posted expense or income")
    transfer_id: int | None = Field(description="The posted transfer")


class OccurrenceList(Schema):
    items: list[OccurrenceOut]
    next_cursor: str | None


def _occurrence_out(occurrence: Occurrence) -> dict[str, Any]:
    schedule = occurrence.schedule
    return {
        "id": occurrence.pk,
        "schedule_id": schedule.pk,
        "name": schedule.name,
        "kind": schedule.kind,
        "date": occurrence.date,
        "status": occurrence.status,
        "amount": money_out(schedule.display_money),
        "transaction_id": occurrence.transaction_id,
        "transfer_id": occurrence.transfer_id,
    }


def _date_id_page(rows: QuerySet[Occurrence], params: PageParams) -> dict[str, Any]:
    """Oldest first by (date, id), keyset on both: a page costs the same at any depth."""
    limit = clamp_limit(params.limit)
    if params.cursor:
        day_text, _, pk_text = decode(params.cursor).partition("|")
        try:
            day, pk = date.fromisoformat(day_text), int(pk_text)
        except ValueError:
            raise HttpError(400, "The cursor is not valid.") from None
        rows = rows.filter(Q(date__gt=day) | Q(date=day, pk__gt=pk))
    batch = list(rows.order_by("date", "pk")[: limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {
        "items": [_occurrence_out(row) for row in batch],
        "next_cursor": encode(f"{batch[-1].date.isoformat()}|{batch[-1].pk}")
        if more and batch
        else None,
    }


@router.get(
    "/recurring/occurrences/pending",
    response=responses(ok200=OccurrenceList),
    summary="Dates waiting for confirmation, oldest first",
)
def pending_occurrences(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return _date_id_page(queries.pending_occurrences(household_request(request).household), params)


@router.post(
    "/recurring/occurrences/{occurrence_id}/confirm",
    response=responses(ok200=OccurrenceOut),
    summary="Post a pending date (confirming one already posted posts nothing)",
)
def confirm_occurrence(request: HttpRequest, occurrence_id: int) -> dict[str, Any]:
    req = household_request(request)
    occurrence = queries.get_occurrence(req.household, occurrence_id)
    done = actions.occurrence_confirm(actor=req.membership, occurrence=occurrence)
    return _occurrence_out(done)


@router.post(
    "/recurring/occurrences/{occurrence_id}/skip",
    response=responses(ok200=OccurrenceOut),
    summary="Decide not to post a pending date",
)
def skip_occurrence(request: HttpRequest, occurrence_id: int) -> dict[str, Any]:
    req = household_request(request)
    occurrence = queries.get_occurrence(req.household, occurrence_id)
    done = actions.occurrence_skip(actor=req.membership, occurrence=occurrence)
    return _occurrence_out(done)


# --- upcoming -----------------------------------------------------------------------------------
class UpcomingOut(Schema):
    schedule_id: int
    name: str
    kind: str
    date: date
    pending: bool = Field(description="Waiting for confirmation (occurrence_id set)")
    occurrence_id: int | None
    amount: MoneyOut = Field(description="Signed for an expense or income; a transfer's amount")


class UpcomingParams(QueryIn):
    days: int = Field(30, ge=1, le=MAX_UPCOMING_DAYS, description="How far ahead")
    limit: int = Field(20, ge=1, le=MAX_UPCOMING_ROWS)


@router.get(
    "/recurring/upcoming",
    response=responses(ok200=list[UpcomingOut]),
    summary="What waits for confirmation, then the next dates of active schedules",
)
def upcoming(request: HttpRequest, params: Query[UpcomingParams]) -> list[dict[str, Any]]:
    req = household_request(request)
    rows = queries.upcoming(req.household, req.user.today(), params.days, limit=params.limit)
    return [
        {
            "schedule_id": row.schedule.pk,
            "name": row.schedule.name,
            "kind": row.schedule.kind,
            "date": row.date,
            "pending": row.is_pending,
            "occurrence_id": row.occurrence.pk if row.occurrence else None,
            "amount": money_out(row.money),
        }
        for row in rows
    ]
