"""Export, import and leaving: the transactions CSV, the whole-data zip, "Import a SpendWise
export", and "Delete my account".

The exports read only the current household (through its scoped loaders and filters); the
import and the deletion each call one action, and a refusal shows its message on the form.
"""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.households.models import Membership
from spendwise.identity.models import User
from spendwise.identity.providers import IdentityError, get_provider
from spendwise.ledger.forms import TransactionFilterForm
from spendwise.ledger.queries import filtered_transactions
from spendwise.portability import actions, export, spreadsheet
from spendwise.portability.forms import DeleteAccountForm, RestoreForm
from spendwise.portability.restore import household_contents, restore
from spendwise.web.forms import posted, submit


@household_required
@require_GET
def export_page(request: HouseholdRequest) -> HttpResponse:
    return render(request, "portability/export.html")


@household_required
@require_GET
def transactions_csv(request: HouseholdRequest) -> HttpResponse:
    """The transactions the list's filters (in the query string) select, or all, as CSV;
    streamed, so the size of the history does not matter."""
    user = request.user
    filter_form = TransactionFilterForm(
        request.GET, household=request.household, locale=user.locale, currency=user.home_currency
    )
    filters, _ignored = filter_form.filters()  # as on the list: invalid values are ignored
    rows = export.csv_rows(filtered_transactions(request.household, filters))
    response = StreamingHttpResponse(
        spreadsheet.csv_lines(spreadsheet.TRANSACTION_COLUMNS, rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, export.csv_filename(user.today())) or "attachment"
    )
    return cast(HttpResponse, response)  # household_required is typed for HttpResponse


@household_required
@require_GET
def export_archive(request: HouseholdRequest) -> HttpResponse:
    """Everything of the household as one zip (see ``export.write_archive``)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    export.write_archive(request.household, out)
    out.seek(0)
    response = FileResponse(
        out,
        as_attachment=True,
        filename=f"spendwise-export-{request.user.today().isoformat()}.zip",
        content_type="application/zip",
    )
    return cast(HttpResponse, response)  # household_required is typed for HttpResponse


@household_required
@require_http_methods(["GET", "POST"])
def restore_page(request: HouseholdRequest) -> HttpResponse:
    """Import a SpendWise export into this (empty) household."""
    form = RestoreForm(posted(request), request.FILES or None)
    summary, status = submit(form, lambda data: restore(data["archive"], request.membership))
    if summary is not None:
        messages.success(
            request, gettext("Imported %(describe)s.") % {"describe": summary.describe()}
        )
        return redirect("web:dashboard")
    context = {"form": form, "contents": household_contents(request.household)}
    return render(request, "portability/restore.html", context, status=status)


def _fate_of_households(user: User) -> list[dict[str, Any]]:
    """For the confirmation page: each household, and whether it goes or stays."""
    memberships = Membership.objects.filter(user=user).select_related("household")
    return [
        {
            "name": m.household.name,
            "others": Membership.objects.filter(household=m.household_id)
            .exclude(user=user)
            .count(),
        }
        for m in memberships.order_by("created_at", "id")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in person, after they give their password again."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (login_required)
    form = DeleteAccountForm(posted(request))
    provider = get_provider()

    def leave(data: dict[str, Any]) -> actions.DeletionSummary:
        if not provider.verify_password(request, user=user, password=data["password"]):
            raise IdentityError(
                gettext("That password is not right."), field="password", code="wrong_credentials"
            )
        return actions.delete_account(
            user=user, remove_identity=lambda person: provider.delete_account(request, user=person)
        )

    summary, status = submit(form, leave)
    if summary is not None:
        logout(request)
        messages.success(request, gettext("Your account and your data have been deleted. Goodbye!"))
        return redirect("identity:sign_in")
    context = {"form": form, "households": _fate_of_households(user)}
    return render(request, "portability/delete_account.html", context, status=status)
