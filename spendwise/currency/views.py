"""The exchange-rate pages: the list (filters, "Older" paging), a rate entered by hand, an ECB
file uploaded as the household's own rates, and deleting one of the household's own rates.

Each view parses, loads through a household-scoped helper (another household's rate, or a
global one, is a 404 to delete), calls one action with the member as actor, and renders. A
viewer is refused with 403 and nothing is written; invalid input shows the form again with
400. Global (ECB) rates are loaded by an operator with ``manage.py load_ecb_rates``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.currency import actions, queries
from spendwise.currency.forms import RateFilterForm, RateForm, UploadForm
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger.actions import check_can_write
from spendwise.web.forms import posted, submit
from spendwise.web.responses import is_htmx, refused

RATES_PAGE_SIZE = 100


def _refused(request: HouseholdRequest, exc: DomainError) -> HttpResponse:
    return refused(
        request,
        exc,
        back_url=reverse("currency:rates"),
        back_label=gettext("Back to exchange rates"),
    )


@household_required
@require_GET
def rates(request: HouseholdRequest) -> HttpResponse:
    """The rates this household converts with, newest first, filtered by the query string."""
    household = request.household
    filter_form = RateFilterForm(request.GET)
    filters = filter_form.filters()
    cursor = request.GET.get("cursor", "")
    page = queries.rates_page(household, filters, cursor=cursor, size=RATES_PAGE_SIZE)
    params = [
        (name, value)
        for name in RateFilterForm.base_fields
        if (value := request.GET.get(name, "").strip())
    ]
    list_url = reverse("currency:rates") + (f"?{urlencode(params)}" if params else "")
    older_url = (
        f"{reverse('currency:rates')}?{urlencode([*params, ('cursor', page.next_cursor)])}"
        if page.next_cursor
        else None
    )
    context: dict[str, Any] = {
        "rows": page.rows,
        "older_url": older_url,
        "return_to": list_url,
    }
    if is_htmx(request):
        response = render(request, "currency/rate_rows.html", context)
    else:
        context.update(
            {
                "filter_form": filter_form,
                "filters_active": bool(params),
                "cursor": cursor,
                "list_url": list_url,
                "home_currency": request.user.home_currency,
                "max_age_days": queries.max_age_days(),
                "has_rates": bool(page.rows) or queries.visible_rates(household).exists(),
            }
        )
        response = render(request, "currency/rates.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@household_required
@require_http_methods(["GET", "POST"])
def rate_create(request: HouseholdRequest) -> HttpResponse:
    """Enter one of the household's own rates by hand (replacing its rate of that date)."""
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    initial = {"date": request.user.today(), "quote": request.user.home_currency}
    form = RateForm(posted(request), locale=request.user.locale, initial=initial)
    saved, status = submit(
        form,
        lambda data: actions.rate_set(
            actor=request.membership,
            day=data["date"],
            base=data["base"],
            quote=data["quote"],
            rate=data["rate"],
        ),
    )
    if saved is not None:
        messages.success(
            request,
            gettext("Rate saved: on %(isoformat)s, %(rate_text)s.")
            % {"isoformat": saved.date.isoformat(), "rate_text": saved.rate_text},
        )
        return redirect("currency:rates")
    return render(request, "currency/rate_form.html", {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def upload(request: HouseholdRequest) -> HttpResponse:
    """Load an ECB file (CSV or XML) as the household's own rates: all of it, or nothing."""
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    form = UploadForm(posted(request), request.FILES if request.method == "POST" else None)
    written, status = submit(
        form,
        lambda data: actions.household_rates_load(actor=request.membership, rates=data["file"]),
    )
    if written is not None:
        loaded = form.cleaned_data["file"]
        days = loaded.days
        span = (
            days[0].isoformat()
            if len(days) == 1
            else gettext("%(first)s to %(last)s")
            % {"first": days[0].isoformat(), "last": days[-1].isoformat()}
        )
        messages.success(
            request,
            gettext("Loaded %(rates)s for %(days)s (%(span)s), EUR to %(currencies)s.")
            % {
                "rates": ngettext("%(count)d rate", "%(count)d rates", written)
                % {"count": written},
                "days": ngettext("%(count)d day", "%(count)d days", len(days))
                % {"count": len(days)},
                "span": span,
                "currencies": ngettext(
                    "%(count)d currency", "%(count)d currencies", len(loaded.currencies)
                )
                % {"count": len(loaded.currencies)},
            },
        )
        return redirect("currency:rates")
    return render(request, "currency/upload_form.html", {"form": form}, status=status)


@household_required
@require_POST
def rate_delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    rate = queries.get_own_rate(request.household, pk)
    try:
        actions.rate_delete(actor=request.membership, rate=rate)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        gettext("Rate of %(isoformat)s deleted: %(rate_text)s.")
        % {"isoformat": rate.date.isoformat(), "rate_text": rate.rate_text},
    )
    return redirect("currency:rates")
