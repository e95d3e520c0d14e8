"""Pages of recurring transactions: parse, load through a household-scoped helper (another
household's schedule is a 404), check the role (a viewer gets a 403), call one action, render.
"""

from __future__ import annotations

from babel.dates import format_date
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.recurring import actions, queries
from spendwise.recurring.forms import ScheduleForm
from spendwise.recurring.models import Occurrence
from spendwise.web.forms import posted, submit
from spendwise.web.responses import is_htmx, refused, safe_next_url

UPCOMING_TEMPLATE = "recurring/upcoming.html"


def _forbidden(request: HouseholdRequest) -> HttpResponse:
    back_url = reverse("recurring:schedules")
    return refused(
        request, PermissionDenied(), back_url=back_url, back_label="Recurring transactions"
    )


@household_required
@require_GET
def schedule_list(request: HouseholdRequest) -> HttpResponse:
    today = request.user.today()
    return render(
        request,
        "recurring/schedules.html",
        {
            "schedules": queries.schedules_for(request.household),
            "upcoming": queries.upcoming(request.household, today),
            "today": today,
        },
    )


@household_required
@require_http_methods(["GET", "POST"])
def schedule_create(request: HouseholdRequest) -> HttpResponse:
    if not request.membership.can_write:
        return _forbidden(request)
    form = ScheduleForm(
        posted(request),
        household=request.household,
        locale=request.user.locale,
        initial={"start_date": request.user.today()},
    )
    schedule, status = submit(
        form,
        lambda _: actions.schedule_create(actor=request.membership, data=form.schedule_input()),
    )
    if schedule is not None:
        messages.success(request, gettext("“%(name)s” is scheduled.") % {"name": schedule.name})
        return redirect("recurring:schedules")
    return render(request, "recurring/schedule_form.html", {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    schedule = queries.get_schedule(request.household, pk)
    if not request.membership.can_write:
        return _forbidden(request)
    form = ScheduleForm(
        posted(request),
        household=request.household,
        locale=request.user.locale,
        schedule=schedule,
    )
    saved, status = submit(
        form,
        lambda _: actions.schedule_update(
            actor=request.membership,
            schedule=schedule,
            data=form.schedule_input(),
            today=request.user.today(),
        ),
    )
    if saved is not None:
        messages.success(request, gettext("“%(name)s” is saved.") % {"name": saved.name})
        return redirect("recurring:schedules")
    context = {"form": form, "schedule": schedule}
    return render(request, "recurring/schedule_form.html", context, status=status)


@household_required
def schedule_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    schedule = queries.get_schedule(request.household, pk)  # a 404 before a 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.membership.can_write:
        return _forbidden(request)
    actions.schedule_delete(actor=request.membership, schedule=schedule)
    messages.success(
        request,
        gettext("“%(name)s” is deleted. The transactions it posted are kept.")
        % {"name": schedule.name},
    )
    return redirect("recurring:schedules")


def _day(request: HouseholdRequest, occurrence: Occurrence) -> str:
    return str(format_date(occurrence.date, format="medium", locale=request.user.locale))


def _decide(request: HouseholdRequest, pk: int, *, confirm: bool) -> HttpResponse:
    """Confirm or skip a pending occurrence; HTMX gets the refreshed upcoming table back."""
    occurrence = queries.get_occurrence(request.household, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.membership.can_write:
        return _forbidden(request)
    name = occurrence.schedule.name
    level, notice = messages.SUCCESS, ""
    try:
        if confirm:
            done: Occurrence = actions.occurrence_confirm(
                actor=request.membership, occurrence=occurrence
            )
            notice = f"“{name}” of {_day(request, done)} is posted."
        else:
            done = actions.occurrence_skip(actor=request.membership, occurrence=occurrence)
            notice = f"“{name}” of {_day(request, done)} is skipped."
    except DomainError as exc:
        level, notice = messages.ERROR, exc.message

    next_url = request.POST.get("next", "")
    if is_htmx(request):
        return render(
            request,
            UPCOMING_TEMPLATE,
            {
                "upcoming": queries.upcoming(request.household, request.user.today()),
                "notice": notice,
                "notice_level": "error" if level == messages.ERROR else "success",
                "next_url": next_url,
            },
        )
    messages.add_message(request, level, notice)
    return redirect(safe_next_url(request, next_url, reverse("recurring:schedules")))


@household_required
def occurrence_confirm(request: HouseholdRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=True)


@household_required
def occurrence_skip(request: HouseholdRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, confirm=False)
