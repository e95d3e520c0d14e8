"""The import wizard: upload → (CSV: column mapping) → preview → commit; the history of
imports with undo.

Each view loads through a household-scoped helper (another household's draft or import is a
404), refuses a viewer with 403 before anything is read or written, calls one action and
renders. A refused action shows its message with its status (400; 409 for an undo that would
delete changed rows; 413 for a file over the size limit) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.imports import actions, preview, queries
from spendwise.imports.formats import NAMES
from spendwise.imports.forms import MappingForm, UploadForm
from spendwise.imports.models import ImportDraft
from spendwise.imports.uploads import SizeLimit, declared_length, too_long
from spendwise.ledger.actions import check_can_write
from spendwise.ledger.models import Category
from spendwise.money import Money
from spendwise.web.forms import posted, submit
from spendwise.web.responses import refused

PREVIEW_PAGE_SIZE = 100
BATCH_ROWS_SHOWN = 200


def _index_url() -> str:
    return reverse("imports:index")


def _writer_refusal(request: HouseholdRequest) -> HttpResponse | None:
    """A 403 page for a member who may not write (viewers), else None."""
    try:
        check_can_write(request.membership)
    except DomainError as exc:
        return refused(request, exc, back_url=_index_url(), back_label=gettext("Back to imports"))
    return None


def _open_draft(
    request: HouseholdRequest, pk: int
) -> tuple[ImportDraft | None, HttpResponse | None]:
    """The household's draft (404 for anyone else's), or the page refusing it: 403 for a
    viewer, 410 when it has expired."""
    draft = queries.get_draft(request.household, pk)
    refusal = _writer_refusal(request)
    if refusal is not None:
        return None, refusal
    if draft.expired:
        exc = DomainError(gettext("This import has expired: upload the file again."), code="gone")
        exc.status = 410
        return None, refused(request, exc, back_url=reverse("imports:upload"), back_label="Upload")
    return draft, None


# --- history ------------------------------------------------------------------------------------
@household_required
@require_GET
def index(request: HouseholdRequest) -> HttpResponse:
    """Every import of the household, newest first, with undo; and drafts left unfinished."""
    context = {
        "batches": queries.batches_for(request.household)[:200],
        "drafts": queries.drafts_for(request.household) if request.membership.can_write else [],
    }
    return render(request, "imports/index.html", context)


# --- upload -------------------------------------------------------------------------------------
def _upload_page(
    request: HouseholdRequest, form: UploadForm, status: int = 200, refusal: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "refusal": refusal,
        "max_mb": f"{settings.IMPORT_MAX_BYTES / 1_048_576:.0f}",
        "max_rows": settings.IMPORT_MAX_ROWS,
        "formats": list(NAMES.values()),
    }
    return render(request, "imports/upload.html", context, status=status)


@csrf_exempt  # checked by _upload once the size limit is in place (see below)
@household_required
@require_http_methods(["GET", "POST"])
def upload(request: HouseholdRequest) -> HttpResponse:
    """Step 1: the account and the file. An upload over ``IMPORT_MAX_BYTES`` is refused from
    its Content-Length before its body is read; one without a length is cut off while it
    streams. The CSRF check runs after that (Django's documented way to set upload handlers:
    the CSRF middleware would otherwise read the whole body first)."""
    refusal = _writer_refusal(request)
    if refusal is not None:
        return refusal
    limiter = None
    if request.method == "POST":
        if too_long(request, settings.IMPORT_MAX_BYTES):
            form = UploadForm(household=request.household)
            message = actions.size_limit_message(declared_length(request))
            return _upload_page(request, form, status=413, refusal=message)
        limiter = SizeLimit(request, settings.IMPORT_MAX_BYTES)
        request.upload_handlers = [limiter, *request.upload_handlers]
    return _upload(request, limiter)


@csrf_protect
def _upload(request: HouseholdRequest, limiter: SizeLimit | None) -> HttpResponse:
    form = UploadForm(posted(request), request.FILES or None, household=request.household)
    if limiter is not None and limiter.exceeded:
        return _upload_page(
            request, UploadForm(household=request.household), 413, actions.size_limit_message()
        )

    def create(data: dict[str, Any]) -> ImportDraft:
        uploaded = data["file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise DomainError(actions.size_limit_message(uploaded.size), field="file")
        return actions.draft_create(
            actor=request.membership,
            account=data["account"],
            file_name=uploaded.name or "",
            content=uploaded.read(),
        )

    draft, status = submit(form, create)
    if draft is None:
        return _upload_page(request, form, status)
    if draft.is_csv:
        return redirect("imports:mapping", draft.pk)
    return redirect("imports:preview", draft.pk)


# --- mapping ------------------------------------------------------------------------------------
@household_required
@require_http_methods(["GET", "POST"])
def mapping(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Step 2 (CSV only): which column holds what, pre-filled with what was detected or
    remembered for this account and header."""
    draft, refusal = _open_draft(request, pk)
    if draft is None:
        return refusal or redirect("imports:index")
    stored = preview.csv_settings(draft)
    if not draft.is_csv or stored is None:
        return redirect("imports:preview", draft.pk)
    form = MappingForm(posted(request), layout=stored.layout, mapping=stored.mapping)
    saved, status = submit(
        form,
        lambda _: actions.draft_map(actor=request.membership, draft=draft, mapping=form.mapping()),
    )
    if saved is not None:
        return redirect("imports:preview", draft.pk)
    layout = stored.layout
    context = {
        "draft": draft,
        "form": form,
        "layout": layout,
        "encoding": {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}.get(layout.encoding),
        "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}.get(
            layout.delimiter, layout.delimiter
        ),
        "remembered": draft.settings.get("remembered", False),
    }
    return render(request, "imports/mapping.html", context, status=status)


# --- preview and commit -------------------------------------------------------------------------
@dataclass(frozen=True)
class ShownRow:
    row: preview.PreviewRow
    ticked: bool
    money: Money | None
    category: Category | None


def _lines(values: list[str]) -> list[int]:
    """The posted line numbers; anything else ("²", a 5,000-digit number) is ignored."""
    return [
        int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 10
    ]


def _save_choices(request: HouseholdRequest, draft: ImportDraft) -> None:
    actions.draft_choose(
        actor=request.membership,
        draft=draft,
        shown=_lines(request.POST.getlist("shown")),
        ticked=_lines(request.POST.getlist("import")),
    )


def _preview_page(
    request: HouseholdRequest,
    draft: ImportDraft,
    page_number: int | str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"draft": draft, "error": error}
    try:
        shown = preview.build_preview(draft)
    except DomainError as exc:
        context["file_error"] = exc.message
        return render(request, "imports/preview.html", context, status=exc.status)
    page = Paginator(shown.rows, PREVIEW_PAGE_SIZE).get_page(page_number)
    context.update(
        {
            "page": page,
            "rows": [
                ShownRow(
                    row,
                    shown.ticked(row),
                    row.money,
                    shown.categories.get(row.category_id) if row.category_id else None,
                )
                for row in page.object_list
            ],
            "total": len(shown.rows),
            "new": shown.count(preview.NEW),
            "duplicates": shown.count(preview.DUPLICATE),
            "errors": shown.count(preview.ERROR),
            "chosen": len(shown.chosen),
            "blocking": len(shown.blocking),
            "format_name": NAMES.get(draft.format, draft.format),
        }
    )
    return render(request, "imports/preview.html", context, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def preview_page(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Step 3: every row marked new, duplicate or error, 100 to a page, with a checkbox each.
    A POST saves the page's checkboxes (and "skip every row with an error"), then shows the
    page asked for."""
    draft, refusal = _open_draft(request, pk)
    if draft is None:
        return refusal or redirect("imports:index")
    if draft.is_csv and not draft.settings.get("mapped"):
        return redirect("imports:mapping", draft.pk)
    if request.method == "POST":
        try:
            _save_choices(request, draft)
            if "skip_errors" in request.POST:
                skipped = actions.draft_skip_errors(actor=request.membership, draft=draft)
                messages.info(
                    request,
                    gettext("%(skipped)s row(s) with errors will be skipped.")
                    % {"skipped": skipped},
                )
        except DomainError as exc:
            return _preview_page(request, draft, 1, exc.message, exc.status)
        target = reverse("imports:preview", args=[draft.pk])
        return redirect(f"{target}?page={request.POST.get('page', '1')}")
    return _preview_page(request, draft, request.GET.get("page", 1))


@household_required
@require_POST
def commit(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Step 4: save this page's checkboxes and import every ticked row, all or nothing."""
    draft, refusal = _open_draft(request, pk)
    if draft is None:
        return refusal or redirect("imports:index")
    try:
        _save_choices(request, draft)
        batch = actions.import_commit(actor=request.membership, draft=draft)
    except DomainError as exc:
        if not ImportDraft.objects.filter(pk=draft.pk).exists():  # committed by a double click
            return refused(
                request, exc, back_url=_index_url(), back_label=gettext("Back to imports")
            )
        return _preview_page(request, draft, request.POST.get("page", 1), exc.message, exc.status)
    messages.success(
        request,
        ngettext(
            "Imported %(count)s transaction.",
            "Imported %(count)s transactions.",
            batch.rows_imported,
        )
        % {"count": batch.rows_imported},
    )
    return redirect("imports:batch", batch.pk)


@household_required
@require_POST
def cancel(request: HouseholdRequest, pk: int) -> HttpResponse:
    draft = queries.get_draft(request.household, pk)
    try:
        actions.draft_cancel(actor=request.membership, draft=draft)
    except DomainError as exc:
        return refused(request, exc, back_url=_index_url(), back_label=gettext("Back to imports"))
    messages.info(
        request,
        gettext("The import of “%(file_name)s” was cancelled; nothing was added.")
        % {"file_name": draft.file_name},
    )
    return redirect("imports:index")


# --- committed imports --------------------------------------------------------------------------
def _batch_page(
    request: HouseholdRequest, pk: int, status: int = 200, changed: int = 0, error: str = ""
) -> HttpResponse:
    batch = queries.get_batch(request.household, pk)
    context = {
        "batch": batch,
        "format_name": NAMES.get(batch.format, batch.format),
        "transactions": queries.batch_transactions(batch, BATCH_ROWS_SHOWN),
        "shown_limit": BATCH_ROWS_SHOWN,
        "changed": changed,
        "error": error,
    }
    return render(request, "imports/batch.html", context, status=status)


@household_required
@require_GET
def batch(request: HouseholdRequest, pk: int) -> HttpResponse:
    """What an import read and created, with its undo button."""
    return _batch_page(request, pk)


@household_required
@require_POST
def undo(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Delete every transaction of the import. When some were edited since, the page asks
    again with a box to tick (409) instead of deleting someone's changes silently."""
    batch = queries.get_batch(request.household, pk)
    try:
        removed = actions.import_undo(
            actor=request.membership,
            batch=batch,
            include_changed=request.POST.get("include_changed") == "on",
        )
    except actions.ChangedSinceImport as exc:
        return _batch_page(request, pk, exc.status, changed=exc.changed, error=exc.message)
    except DomainError as exc:
        return refused(request, exc, back_url=reverse("imports:batch", args=[pk]))
    messages.success(
        request,
        ngettext(
            "Import undone: %(count)s transaction removed.",
            "Import undone: %(count)s transactions removed.",
            removed,
        )
        % {"count": removed},
    )
    return redirect("imports:batch", pk)
