"""Writes of notifications: create one, mark them read."""

from __future__ import annotations

from django.utils import timezone

from spendwise.households.models import Household
from spendwise.identity.models import User
from spendwise.notifications.models import Notification, NotificationKind
from spendwise.notifications.queries import visible_to


def notify(
    *,
    household: Household | int,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = NotificationKind.INFO,
    user: User | None = None,
) -> Notification:
    """Create a notification for the whole household (``user`` None) or for one member."""
    household_id = household if isinstance(household, int) else household.pk
    return Notification.objects.create(
        household_id=household_id,
        user=user,
        kind=kind,
        title=title[:200],
        body=body,
        link=link[:500],
    )


def mark_all_read(*, user: User, household: Household) -> int:
    """Mark every notification ``user`` can see in ``household`` as read; returns how many.

    Reading is not a change to the household's money, so viewers may do it too.
    """
    return visible_to(user, household).filter(read_at__isnull=True).update(read_at=timezone.now())
