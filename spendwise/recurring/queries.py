"""Reads of recurring transactions, always scoped to one household."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from spendwise.households.models import Household
from spendwise.money import Money
from spendwise.recurring import rules
from spendwise.recurring.models import Occurrence, OccurrenceStatus, Schedule

_RELATED = ("account", "to_account", "category", "category__parent", "payee")


def get_schedule(household: Household, pk: object) -> Schedule:
    return get_object_or_404(Schedule.objects.select_related(*_RELATED), household=household, pk=pk)


def get_occurrence(household: Household, pk: object) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.select_related(*(f"schedule__{name}" for name in _RELATED)),
        schedule__household=household,
        pk=pk,
    )


def schedules_for(household: Household) -> QuerySet[Schedule]:
    """The household's schedules by name, each with ``pending_count`` (dates to confirm)."""
    return (
        Schedule.objects.filter(household=household)
        .select_related(*_RELATED)
        .annotate(
            pending_count=Count(
                "occurrences", filter=Q(occurrences__status=OccurrenceStatus.PENDING)
            )
        )
        .order_by("name", "id")
    )


def pending_occurrences(household: Household) -> QuerySet[Occurrence]:
    return (
        Occurrence.objects.filter(schedule__household=household, status=OccurrenceStatus.PENDING)
        .select_related(*(f"schedule__{name}" for name in _RELATED))
        .order_by("date", "schedule__name", "id")
    )


@dataclass(frozen=True)
class Upcoming:
    """One date of a schedule: a stored occurrence waiting for confirmation, or a date
    computed from the rule that no run has handled yet."""

    schedule: Schedule
    date: date
    occurrence: Occurrence | None = None

    @property
    def is_pending(self) -> bool:
        return self.occurrence is not None

    @property
    def money(self) -> Money:
        """Signed as booked for an expense or income; a transfer's plain amount."""
        return self.schedule.display_money


def upcoming(
    household: Household, today: date, days: int = 30, *, limit: int = 20
) -> list[Upcoming]:
    """For the dashboard: every occurrence waiting for confirmation (oldest first), then the
    dates of active schedules from their ``next_date`` up to ``today + days``, soonest first,
    until ``limit`` rows in all. Future dates are computed from the rules, not stored; one
    that is already due shows until the next scheduled run handles it.
    """
    result = [Upcoming(o.schedule, o.date, o) for o in pending_occurrences(household)]
    until = today + timedelta(days=days)
    room = max(limit - len(result), 0)
    future = []
    for schedule in Schedule.objects.filter(
        household=household, active=True, next_date__isnull=False, next_date__lte=until
    ).select_related(*_RELATED):
        assert schedule.next_date is not None  # noqa: S101 - filtered above
        future += [
            Upcoming(schedule, day)
            for day in rules.occurrences(schedule.rule, schedule.next_date, until, limit=room)
        ]
    future.sort(key=lambda item: (item.date, item.schedule.name.lower(), item.schedule.pk))
    return result + future[:room]
