"""Receipt pages: a transaction's receipts (list, add), open one, delete one, and the view
that serves files from the local storage folder.

Each view loads through a household-scoped helper (another household's transaction or
receipt is a 404) and calls one action. Viewers may look at receipts; adding or deleting them
is refused with 403 and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.attachments import actions
from spendwise.attachments.forms import ReceiptForm
from spendwise.attachments.queries import attachments_of, get_attachment
from spendwise.attachments.storage import (
    LocalFileStorage,
    MissingFile,
    get_storage,
    household_prefix,
)
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.ledger.models import Transaction
from spendwise.ledger.queries import get_transaction
from spendwise.web.forms import posted, submit
from spendwise.web.responses import refused, safe_next_url


def receipts_url(row: Transaction) -> str:
    return reverse("attachments:receipts", args=[row.pk])


def transaction_url(row: Transaction) -> str:
    """Where a transaction is edited (a transfer leg: its transfer)."""
    if row.transfer_id is not None:
        return reverse("ledger:transfer_edit", args=[row.transfer_id])
    return reverse("ledger:transaction_edit", args=[row.pk])


@household_required
@require_http_methods(["GET", "POST"])
def receipts(request: HouseholdRequest, pk: int) -> HttpResponse:
    """A transaction's receipts, and the form that adds one."""
    row = get_transaction(request.household, pk)
    form = ReceiptForm(posted(request), request.FILES or None)

    def add(_: object) -> object:
        name, data = form.upload()
        return actions.attachment_add(actor=request.membership, row=row, name=name, data=data)

    added, status = submit(form, add)
    if added is not None:
        messages.success(request, gettext("Receipt “%(added)s” attached.") % {"added": added})
        return redirect(safe_next_url(request, request.POST.get("next", ""), receipts_url(row)))
    context = {
        "row": row,
        "receipts": attachments_of(row),
        "form": form,
        "transaction_url": transaction_url(row),
    }
    return render(request, "attachments/receipts.html", context, status=status)


@household_required
@require_GET
def open_receipt(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Off to the file itself: a presigned S3 link, or the local file view's signed link."""
    attachment = get_attachment(request.household, pk)
    return redirect(get_storage().url(attachment.key, filename=attachment.original_name))


@household_required
@require_POST
def delete_receipt(request: HouseholdRequest, pk: int) -> HttpResponse:
    attachment = get_attachment(request.household, pk)
    back = safe_next_url(
        request, request.POST.get("next", ""), receipts_url(attachment.transaction)
    )
    try:
        actions.attachment_delete(actor=request.membership, attachment=attachment)
    except DomainError as exc:
        return refused(request, exc, back_url=back)
    messages.success(
        request, gettext("Receipt “%(attachment)s” deleted.") % {"attachment": attachment}
    )
    return redirect(back)


@household_required
@require_GET
def stored_file(request: HouseholdRequest, token: str) -> HttpResponse:
    """A file of the local storage folder, for a signed link that has not expired, to a
    member of the household whose folder it is in: nothing in that folder is public."""
    storage = get_storage()
    if not isinstance(storage, LocalFileStorage):
        raise Http404("Files are served by the storage service")
    try:
        key, filename = storage.read_token(token)
        if not key.startswith(household_prefix(request.household.pk)):
            raise MissingFile(key)
        data, content_type = storage.open(key), storage.content_type(key)
    except MissingFile:
        raise Http404("No such file") from None
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = _FILE_POLICIES.get(content_type, _FILE_POLICIES[""])
    return response


# Nothing in a receipt may run a script or load anything else; a PDF needs the browser's own
# viewer (an "object"), which a sandboxed document would not get.
_FILE_POLICIES = {
    "application/pdf": "default-src 'none'; object-src 'self'; img-src 'self'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'",
    "": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
    "sandbox",
}
