"""``{% household_switcher %}``: the nav's choice of household, for people in more than one."""

from __future__ import annotations

from typing import Any

from django import template

from spendwise.households.queries import memberships_of

register = template.Library()


@register.inclusion_tag("households/switcher.html", takes_context=True)
def household_switcher(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    current = getattr(request, "household", None)
    memberships: list[Any] = []
    if request.user.is_authenticated:
        # Loaded with the current household (CurrentHouseholdMiddleware): no second query.
        loaded = getattr(request, "memberships", None)
        memberships = memberships_of(request.user) if loaded is None else loaded
    return {
        "memberships": memberships if len(memberships) > 1 else [],
        "current": current,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
