"""The household's audit log (owners only) with its CSV export, and my own security log."""

from __future__ import annotations

import csv
from typing import cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spendwise.audit import queries
from spendwise.audit.forms import AuditFilterForm
from spendwise.errors import PermissionDenied
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.households.models import Role
from spendwise.web.responses import refused

FILTER_NAMES = ("actor", "model", "action", "date_from", "date_to", "q")


class _Echo:
    """A file-like object whose ``write`` returns the line, for a streamed CSV."""

    def write(self, value: str) -> str:
        return value


def _owners_only(request: HouseholdRequest) -> HttpResponse | None:
    if request.membership.role != Role.OWNER:
        return refused(
            request,
            PermissionDenied(_("Only the household's owners can see its audit log.")),
            back_url="/",
        )
    return None


def _filters(request: HouseholdRequest) -> tuple[AuditFilterForm, queries.AuditFilters, str]:
    form = AuditFilterForm(request.GET, household=request.household)
    params = [(name, v) for name in FILTER_NAMES if (v := request.GET.get(name, "").strip())]
    return form, form.filters(request.user.time_zone), urlencode(params)


@household_required
@require_GET
def audit_log(request: HouseholdRequest) -> HttpResponse:
    """Newest first, ``PAGE_SIZE`` entries a page ("Older" follows ``before``)."""
    if (refusal := _owners_only(request)) is not None:
        return refusal
    form, filters, query = _filters(request)
    rows = queries.audit_entries(request.household.pk, filters)
    batch, next_before = queries.page_before(rows, request.GET.get("before", ""))
    older_url = None
    if next_before is not None:
        older_url = "?" + "&".join(part for part in (query, f"before={next_before}") if part)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "entries": queries.shown(batch),
            "filters_active": bool(query),
            "older_url": older_url,
            "is_first_page": not request.GET.get("before"),
            "export_query": query,
        },
    )


@household_required
@require_GET
def audit_csv(request: HouseholdRequest) -> HttpResponse:
    """Every entry matching the filters, streamed (the log can be long), newest first."""
    if (refusal := _owners_only(request)) is not None:
        return refusal
    _form, filters, _query = _filters(request)
    writer = csv.writer(_Echo())
    lines = queries.csv_lines(queries.audit_entries(request.household.pk, filters))
    response = StreamingHttpResponse(
        (writer.writerow(line) for line in lines), content_type="text/csv; charset=utf-8"
    )
    filename = f"spendwise-audit-{request.user.today().isoformat()}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return cast(HttpResponse, response)  # household_required is typed for HttpResponse


@login_required
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    """My sign-ins, failed sign-ins, sign-outs, API tokens, MFA and password changes."""
    rows = queries.security_events(int(request.user.pk or 0))
    batch, next_before = queries.page_before(rows, request.GET.get("before", ""))
    return render(
        request,
        "audit/security_log.html",
        {
            "events": batch,
            "older_url": f"?before={next_before}" if next_before is not None else None,
        },
    )
