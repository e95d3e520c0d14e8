"""Reads of notifications: what one member of one household can see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from spendwise.households.models import Household
from spendwise.identity.models import User
from spendwise.notifications.models import Notification


def visible_to(user: User, household: Household) -> QuerySet[Notification]:
    """The household's notices for everyone plus those addressed to ``user``, newest first."""
    return Notification.objects.filter(
        Q(user__isnull=True) | Q(user_id=user.pk), household=household
    ).order_by("-created_at", "-id")


def unread_count(user: User, household: Household) -> int:
    """How many notifications ``user`` has not read yet in ``household``."""
    return visible_to(user, household).filter(read_at__isnull=True).count()
