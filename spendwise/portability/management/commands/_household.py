"""Which membership a portability command acts as."""

from __future__ import annotations

from django.core.management.base import CommandError

from spendwise.households.models import Membership
from spendwise.identity.models import normalize_email


def membership_for(email: str, household_id: int | None) -> Membership:
    """The person's membership in ``household_id``, else in their oldest household."""
    memberships = Membership.objects.select_related("household", "user").filter(
        user__email=normalize_email(email)
    )
    if household_id is not None:
        memberships = memberships.filter(household_id=household_id)
    membership = memberships.order_by("created_at", "id").first()
    if membership is None:
        raise CommandError(f"{email} has no household{' with that id' if household_id else ''}.")
    return membership
