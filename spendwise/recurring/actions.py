"""Writes of recurring transactions. Every posted transaction goes through the ledger's own
actions (``transaction_create``/``transfer_create``), so balances, roll-ups and payees behave
exactly as for a transaction typed by hand.

``run_due`` is what ``manage.py run_scheduled`` calls: safe to run twice, and safe when two
copies run at once (see its docstring).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from spendwise.errors import DomainError
from spendwise.households.models import Membership, Role
from spendwise.ledger import actions as ledger
from spendwise.ledger.models import Account, Category
from spendwise.money import Money
from spendwise.recurring import rules
from spendwise.recurring.models import (
    Frequency,
    Occurrence,
    OccurrenceStatus,
    Schedule,
    ScheduleKind,
)

logger = logging.getLogger(__name__)

# One run posts at most this many dates of one schedule (a daily schedule started years ago
# would otherwise be one enormous transaction); the next run carries on from there.
MAX_CATCH_UP = 400


# --- schedules ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduleInput:
    """A schedule as a person describes it; amounts positive, in their account's currency."""

    name: str
    kind: str
    account: Account
    amount: Money
    frequency: str
    start_date: date
    interval: int = 1
    day_of_month: int | None = None  # monthly: 1..31 or rules.LAST_DAY; None = start's day
    end_date: date | None = None
    to_account: Account | None = None  # transfers: the destination
    received: Money | None = None  # transfers across currencies: what arrives
    category: Category | None = None
    payee_name: str = ""
    note: str = ""
    auto_post: bool = True
    active: bool = True


def _check_schedule(actor: Membership, data: ScheduleInput) -> tuple[rules.Rule, int | None]:
    """Validate; return the rule and the received amount to store (minor units or None)."""
    ledger.check_same_household(actor, data.account, data.to_account, data.category)
    if not data.name.strip():
        raise DomainError(gettext("Enter a name."), field="name")
    if data.kind not in ScheduleKind.values:
        raise DomainError(gettext("Choose expense, income or transfer."), field="kind")
    if data.account.archived and data.active:  # a paused schedule may keep its old account
        raise DomainError(gettext("This account is archived."), field="account")
    ledger.check_amount(data.amount, data.account)

    received: int | None = None
    if data.kind == ScheduleKind.TRANSFER:
        received = _check_transfer_ends(data)
    else:
        if data.to_account is not None:
            raise DomainError(
                gettext("Only a transfer goes to a second account."), field="to_account"
            )
        if data.category is not None and data.category.kind != data.kind:
            raise DomainError(
                gettext("“%(category)s” is an %(kind)s category.")
                % {"category": data.category, "kind": data.category.kind},
                field="category",
            )

    if data.frequency not in Frequency.values:
        raise DomainError(gettext("Choose how often it repeats."), field="frequency")
    if not 1 <= data.interval <= rules.MAX_INTERVAL:
        raise DomainError(
            gettext("Enter a number from 1 to %(MAX_INTERVAL)s.")
            % {"MAX_INTERVAL": rules.MAX_INTERVAL},
            field="interval",
        )
    # A schedule starting decades back would post thousands of past dates: a year is plenty
    # to catch up on bills a person forgot to enter.
    if data.start_date < date.today() - timedelta(days=366):
        raise DomainError(gettext("Start no more than a year in the past."), field="start_date")
    ledger.check_date(data.start_date, field="start_date")
    if data.end_date is not None:
        ledger.check_date(data.end_date, field="end_date")
    if data.end_date is not None and data.end_date < data.start_date:
        raise DomainError(
            gettext("The end date must not be before the start date."), field="end_date"
        )
    day_of_month = None
    if data.frequency == Frequency.MONTHLY:
        day_of_month = data.start_date.day if data.day_of_month is None else data.day_of_month
        if not (day_of_month == rules.LAST_DAY or 1 <= day_of_month <= 31):
            raise DomainError(
                gettext("Choose a day from 1 to 31, or the last day."), field="day_of_month"
            )
    rule = rules.Rule(
        frequency=rules.Frequency(data.frequency),
        start=data.start_date,
        interval=data.interval,
        day_of_month=day_of_month,
        end=data.end_date,
    )
    return rule, received


def _check_transfer_ends(data: ScheduleInput) -> int | None:
    destination = data.to_account
    if destination is None:
        raise DomainError(gettext("Choose the account the money goes to."), field="to_account")
    if destination.pk == data.account.pk:
        raise DomainError(gettext("Choose two different accounts."), field="to_account")
    if destination.archived and data.active:
        raise DomainError(gettext("This account is archived."), field="to_account")
    if data.category is not None:
        raise DomainError(gettext("Transfers have no category."), field="category")
    received = ledger.check_received(data.amount, data.received, destination)
    # Only a transfer across currencies stores what arrives; otherwise it is the amount.
    return received.minor if destination.currency != data.account.currency else None


def _apply(schedule: Schedule, data: ScheduleInput, rule: rules.Rule, received: int | None) -> None:
    schedule.name = data.name.strip()
    schedule.kind = data.kind
    schedule.account = data.account
    schedule.to_account = data.to_account if data.kind == ScheduleKind.TRANSFER else None
    schedule.amount = data.amount.minor
    schedule.received_amount = received
    schedule.category = data.category
    schedule.note = data.note.strip()
    schedule.frequency = rule.frequency.value
    schedule.interval = rule.interval
    schedule.day_of_month = rule.day_of_month
    schedule.start_date = rule.start
    schedule.end_date = rule.end
    schedule.auto_post = data.auto_post
    schedule.active = data.active


def schedule_create(*, actor: Membership, data: ScheduleInput) -> Schedule:
    """A new schedule; its first date is the rule's first on or after the start date (a start
    in the past is caught up by the next ``run_due``)."""
    ledger.check_can_write(actor)
    rule, received = _check_schedule(actor, data)
    with transaction.atomic():
        schedule = Schedule(household=actor.household, created_by=actor.user)
        _apply(schedule, data, rule, received)
        schedule.payee = (
            None
            if data.kind == ScheduleKind.TRANSFER
            else ledger.payee_for_name(actor.household, data.payee_name)
        )
        schedule.next_date = rules.first_on_or_after(rule, rule.start)
        schedule.save()
    return schedule


def schedule_update(
    *, actor: Membership, schedule: Schedule, data: ScheduleInput, today: date | None = None
) -> Schedule:
    """Change a schedule. Dates already handled stay handled; the next date is recomputed from
    the new rule, after the last handled one. Resuming a paused schedule does not post the
    dates it missed while paused: it carries on from ``today`` (the person's)."""
    ledger.check_can_write(actor)
    ledger.check_same_household(actor, schedule)
    rule, received = _check_schedule(actor, data)
    with transaction.atomic():
        # Wait for a run that is posting this schedule, then work on what it left.
        locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
        resumed = data.active and not locked.active
        _apply(locked, data, rule, received)
        locked.payee = (
            None
            if data.kind == ScheduleKind.TRANSFER
            else ledger.payee_for_name(actor.household, data.payee_name)
        )
        last_handled = (
            Occurrence.objects.filter(schedule=locked)
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
        since = (
            rule.start
            if last_handled is None
            else max(rule.start, last_handled + timedelta(days=1))
        )
        if resumed and today is not None:
            since = max(since, today)
        locked.next_date = rules.first_on_or_after(rule, since)
        locked.last_error = ""
        locked.save()
    return locked


def schedule_delete(*, actor: Membership, schedule: Schedule) -> None:
    """Delete the schedule and its record of dates; transactions it posted stay in the ledger."""
    ledger.check_can_write(actor)
    ledger.check_same_household(actor, schedule)
    with transaction.atomic():
        Schedule.objects.filter(pk=schedule.pk).delete()


# --- posting ------------------------------------------------------------------------------------
def _post(actor: Membership, schedule: Schedule, on: date, occurrence: Occurrence) -> None:
    """Book ``schedule`` on ``on`` through the ledger and link the result to ``occurrence``."""
    if schedule.is_transfer:
        assert schedule.to_account is not None  # noqa: S101 - a database constraint
        occurrence.transfer = ledger.transfer_create(
            actor=actor,
            data=ledger.TransferInput(
                source=schedule.account,
                destination=schedule.to_account,
                date=on,
                amount=Money(schedule.amount, schedule.account.currency),
                received=schedule.received,
                note=schedule.note or schedule.name,
            ),
        )
    else:
        occurrence.transaction = ledger.transaction_create(
            actor=actor,
            entry=ledger.EntryInput(
                kind=schedule.kind,
                account=schedule.account,
                date=on,
                amount=Money(schedule.amount, schedule.account.currency),
                category=schedule.category,
                payee_name=schedule.payee.name if schedule.payee else "",
                note=schedule.note or schedule.name,
            ),
        )
    occurrence.status = OccurrenceStatus.POSTED
    occurrence.save()


def _locked_occurrence(actor: Membership, occurrence: Occurrence) -> Occurrence:
    ledger.check_same_household(actor, occurrence.schedule)
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("schedule__account", "schedule__to_account", "schedule__payee")
        .select_related("schedule__category")
        .get(pk=occurrence.pk)
    )


def occurrence_confirm(*, actor: Membership, occurrence: Occurrence) -> Occurrence:
    """Post a pending occurrence as ``actor``. Confirming one already posted posts nothing."""
    ledger.check_can_write(actor)
    with transaction.atomic():
        locked = _locked_occurrence(actor, occurrence)
        if locked.status == OccurrenceStatus.POSTED:
            return locked
        if locked.status == OccurrenceStatus.SKIPPED:
            raise DomainError(gettext("This one was skipped."), code="conflict")
        _post(actor, locked.schedule, locked.date, locked)
    return locked


def occurrence_skip(*, actor: Membership, occurrence: Occurrence) -> Occurrence:
    """Decide not to post a pending occurrence."""
    ledger.check_can_write(actor)
    with transaction.atomic():
        locked = _locked_occurrence(actor, occurrence)
        if locked.status == OccurrenceStatus.POSTED:
            raise DomainError(
                gettext("This one is already posted: delete its transaction instead."),
                code="conflict",
            )
        if locked.status == OccurrenceStatus.PENDING:
            locked.status = OccurrenceStatus.SKIPPED
            locked.save()
    return locked


# --- the scheduled run --------------------------------------------------------------------------
@dataclass
class RunSummary:
    """What one ``run_due`` did; counts of schedules and of dates."""

    processed: int = 0
    posted: int = 0
    pending: int = 0
    failed: int = 0
    skipped: int = 0  # held or finished by a concurrent run

    def __str__(self) -> str:
        return (
            f"schedules processed: {self.processed}, posted: {self.posted}, "
            f"pending: {self.pending}, failed: {self.failed}, skipped: {self.skipped}"
        )


def _poster(schedule: Schedule) -> Membership:
    """Whom automatic postings are booked as: the schedule's author while they can still
    write in the household, else its oldest owner (or member)."""
    writers = Membership.objects.select_related("household", "user").filter(
        household_id=schedule.household_id, role__in=(Role.OWNER, Role.MEMBER)
    )
    author = schedule.created_by_id
    poster = (
        (writers.filter(user_id=author).first() if author is not None else None)
        or writers.filter(role=Role.OWNER).order_by("created_at", "id").first()
        or writers.order_by("created_at", "id").first()
    )
    if poster is None:
        raise DomainError(
            gettext("Nobody in this household can post transactions."), code="forbidden"
        )
    return poster


def _run_one(schedule: Schedule, today: date, summary: RunSummary) -> None:
    """Handle every due date of a locked schedule, then move its ``next_date`` on."""
    assert schedule.next_date is not None  # noqa: S101 - filtered by the caller
    rule = schedule.rule
    dates = rules.occurrences(rule, schedule.next_date, today, limit=MAX_CATCH_UP)
    actor = _poster(schedule) if schedule.auto_post and dates else None
    posted = pending = 0
    for on in dates:
        # The row first: a second runner that got past the lock (or none, on SQLite) fails
        # here on the unique (schedule, date) before it posts anything.
        occurrence = Occurrence.objects.create(
            schedule=schedule, date=on, status=OccurrenceStatus.PENDING
        )
        if actor is not None:
            _post(actor, schedule, on, occurrence)
            posted += 1
        else:
            pending += 1
    # Every date up to today is handled, unless the catch-up limit stopped short of it.
    schedule.next_date = rules.next_after(rule, dates[-1] if len(dates) == MAX_CATCH_UP else today)
    schedule.last_error = ""
    schedule.save(update_fields=["next_date", "last_error", "updated_at"])
    summary.processed += 1
    summary.posted += posted
    summary.pending += pending


def run_due(today: date) -> RunSummary:
    """Post (``auto_post``) or queue for confirmation every occurrence due up to ``today``.

    Each schedule is handled in its own database transaction with its row locked
    ``FOR UPDATE SKIP LOCKED``: a concurrent run skips a schedule in progress instead of
    waiting for it, and the unique (schedule, date) constraint refuses any date handled
    twice. ``next_date`` moves in the same transaction, so a schedule that fails (an archived
    account, say) is rolled back whole, logged, and retried by the next run.
    """
    summary = RunSummary()
    due = list(
        Schedule.objects.filter(active=True, next_date__lte=today)
        .order_by("next_date", "id")
        .values_list("pk", flat=True)
    )
    for pk in due:
        try:
            with transaction.atomic():
                schedule = (
                    # Ignored by SQLite, which locks the whole database for a write anyway.
                    Schedule.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("household", "account", "to_account", "category", "payee")
                    .filter(pk=pk, active=True, next_date__lte=today)
                    .first()
                )
                if schedule is None:  # another run holds it, or finished it meanwhile
                    summary.skipped += 1
                    continue
                _run_one(schedule, today, summary)
        except IntegrityError as exc:
            # The unique (schedule, date): another run handled a date first. Nothing of this
            # schedule was written; the next run starts from what the other one left.
            logger.warning("schedule %s: skipped, a date was handled by another run (%s)", pk, exc)
            summary.skipped += 1
        except DomainError as exc:
            summary.failed += 1
            logger.error("schedule %s could not be posted, will retry: %s", pk, exc.message)
            Schedule.objects.filter(pk=pk).update(last_error=exc.message[:300])
        except Exception:
            summary.failed += 1
            logger.exception("schedule %s could not be posted, will retry", pk)
            Schedule.objects.filter(pk=pk).update(last_error="An unexpected error; we will retry.")
    return summary
