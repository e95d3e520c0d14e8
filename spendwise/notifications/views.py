"""The notifications page: newest first, with "mark all read"."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.notifications import actions
from spendwise.notifications.queries import visible_to

PAGE_SIZE = 100


@household_required
@require_GET
def index(request: HouseholdRequest) -> HttpResponse:
    rows = list(visible_to(request.user, request.household)[:PAGE_SIZE])
    zone = zoneinfo.ZoneInfo(request.user.time_zone)
    context = {
        # (notification, the day it was created in the person's own time zone)
        "notifications": [(row, row.created_at.astimezone(zone).date()) for row in rows],
        "has_unread": any(not row.is_read for row in rows),
    }
    return render(request, "notifications/index.html", context)


@household_required
@require_POST
def mark_all_read(request: HouseholdRequest) -> HttpResponse:
    count = actions.mark_all_read(user=request.user, household=request.household)
    if count:
        messages.success(
            request,
            ngettext(
                "Marked %(count)d notification read.", "Marked %(count)d notifications read.", count
            )
            % {"count": count},
        )
    return redirect("notifications:index")
