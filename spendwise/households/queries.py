"""Which household a request acts on."""

from __future__ import annotations

from django.http import HttpRequest

from spendwise.households.models import Membership

SESSION_KEY = "household_id"


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership chosen in this session, else the user's oldest one."""
    memberships = Membership.objects.select_related("household").filter(
        user_id=int(request.user.pk or 0)
    )
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        membership = memberships.filter(household_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.order_by("created_at", "id").first()
