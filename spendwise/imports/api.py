"""``/api/v1/imports/…``: import a bank statement in one call, the history of imports, undo.

``POST /imports`` runs the wizard's steps in one request with the wizard's actions — detect the
format, (CSV) read the columns, preview, commit — and the same all-or-nothing rules: a row
with an error refuses the whole file (422 listing every such row), rows seen before are
skipped and counted. Where the wizard would ask the person (which column is the date, which
of two date formats), the API answers 422 saying what to send. Nothing is kept of a refused
import: the draft, the mapping and the rows are written in one database transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import ErrorOut, error_body, responses
from spendwise.api.pagination import PageParams, id_page
from spendwise.api.schemas import QueryIn
from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.imports import actions, preview, queries
from spendwise.imports.formats import csv as csv_format
from spendwise.imports.models import ImportBatch, ImportDraft
from spendwise.ledger import queries as ledger_queries
from spendwise.ledger.actions import check_can_write

router = Router(tags=["imports"])

ROW_ERRORS_LISTED = 100  # rows with errors named in a 422; the message counts all of them

# Spelled out for the schema; a test checks it against dates.FORMATS.
DateFormat = Literal[
    "YYYY-MM-DD",
    "DD/MM/YYYY",
    "MM/DD/YYYY",
    "DD.MM.YYYY",
    "DD-MM-YYYY",
    "MM-DD-YYYY",
    "YYYY/MM/DD",
    "YYYY.MM.DD",
    "DD/MM/YY",
    "MM/DD/YY",
    "DD.MM.YY",
    "DD-MM-YY",
    "YY-MM-DD",
    "YYYYMMDD",
    "DD MMM YYYY",
    "MMM DD, YYYY",
]
DecimalMark = Literal[".", ","]


class BatchOut(Schema):
    id: int
    account_id: int
    file_name: str
    format: Literal["csv", "ofx", "qfx", "qif", "camt053", "mt940"]
    created_at: datetime
    rows_in_file: int
    rows_imported: int = Field(description="Transactions created")
    duplicates_skipped: int = Field(description="Rows already imported or in the account")
    errors_skipped: int
    rows_excluded: int = Field(description="New rows left out")
    undone: bool
    undone_at: datetime | None
    rows_undone: int = Field(description="Transactions deleted by the undo")


class BatchList(Schema):
    items: list[BatchOut]
    next_cursor: str | None


class UndoParams(QueryIn):
    confirm: bool = Field(
        False, description="Also delete transactions edited since the import (else 409)"
    )


class UndoneOut(Schema):
    removed: int = Field(description="Transactions deleted")
    batch: BatchOut


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "account_id": batch.account_id,
        "file_name": batch.file_name,
        "format": batch.format,
        "created_at": batch.created_at,
        "rows_in_file": batch.rows_in_file,
        "rows_imported": batch.rows_imported,
        "duplicates_skipped": batch.duplicates_skipped,
        "errors_skipped": batch.errors_skipped,
        "rows_excluded": batch.rows_excluded,
        "undone": batch.undone,
        "undone_at": batch.undone_at,
        "rows_undone": batch.rows_undone,
    }


class _Refused(Exception):
    """An answer that rolls back everything the request wrote."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body["detail"])
        self.status, self.body = status, body


# --- import a file ------------------------------------------------------------------------------
def _csv_mapping(
    draft: ImportDraft, date_format: str | None, decimal_mark: str | None
) -> csv_format.Mapping:
    """The detected (or remembered) mapping with the caller's choices; a refusal saying what
    to send when it still cannot be used."""
    stored = preview.csv_settings(draft)
    assert stored is not None  # noqa: S101 - draft_create stores both for a CSV file
    layout, mapping = stored.layout, stored.mapping
    if date_format is not None:
        mapping = csv_format.Mapping.from_dict({**mapping.as_dict(), "date_format": date_format})
    if decimal_mark is not None:
        mapping = csv_format.Mapping.from_dict({**mapping.as_dict(), "decimal_mark": decimal_mark})
    problems = mapping.problems(len(layout.columns))
    if not problems:
        return mapping
    headers = ", ".join(f"“{name}”" for name in layout.columns)
    if problems.keys() == {"date_format"}:
        offered = " or ".join(csv_format.date_choices(layout, mapping))
        detail = (
            f"The dates in this file can be read more than one way ({offered}): send "
            "date_format with the one your bank uses."
        )
    else:
        detail = (
            "SpendWise cannot tell which columns of this CSV file hold the date and the amount. "
            f"Its columns are: {headers}. Import it once on the Import page (which asks), and "
            "the mapping is remembered for this account and header."
        )
    errors = [
        {"field": None if name == "__all__" else name, "message": message}
        for name, message in problems.items()
    ]
    raise _Refused(422, error_body(detail, "mapping_needed", errors))


def _row_errors(draft: ImportDraft) -> _Refused:
    blocking = preview.build_preview(draft).blocking
    listed = ", ".join(str(row.line_number) for row in blocking[:ROW_ERRORS_LISTED])
    more = "…" if len(blocking) > ROW_ERRORS_LISTED else ""
    detail = (
        f"Nothing was imported: {len(blocking)} row(s) cannot be imported (lines {listed}{more}). "
        "Fix the file and send it again."
    )
    errors = [
        {"field": f"line {row.line_number}", "message": row.reason}
        for row in blocking[:ROW_ERRORS_LISTED]
    ]
    return _Refused(422, error_body(detail, "row_errors", errors))


def _import(
    actor: Membership,
    account_id: int,
    upload: UploadedFile,
    date_format: str | None,
    decimal_mark: str | None,
) -> ImportBatch:
    check_can_write(actor)  # a viewer is refused before the file is read
    account = ledger_queries.get_account(actor.household, account_id)
    if (upload.size or 0) > settings.IMPORT_MAX_BYTES:
        raise _Refused(413, error_body(actions.size_limit_message(upload.size), "too_large"))
    content = upload.read()
    name = (upload.name or "").replace("\x00", "")  # PostgreSQL cannot store a NUL
    with transaction.atomic():
        draft = actions.draft_create(actor=actor, account=account, file_name=name, content=content)
        if draft.is_csv:
            mapping = _csv_mapping(draft, date_format, decimal_mark)
            draft = actions.draft_map(actor=actor, draft=draft, mapping=mapping)
        try:
            return actions.import_commit(actor=actor, draft=draft)
        except DomainError as exc:
            if exc.code == "row_errors":
                raise _row_errors(draft) from None
            raise


@router.post(
    "/imports",
    response={**responses(ok201=BatchOut), 413: ErrorOut},
    summary="Import a statement file into an account, all or nothing",
    description=(
        "Multipart form: `account_id`, `file` (CSV, OFX, QFX, QIF, CAMT.053 or MT940), and for "
        "a CSV file whose dates or amounts can be read two ways, `date_format` and "
        "`decimal_mark`. Rows already imported or already in the account are skipped and "
        "counted (`duplicates_skipped`). 422 `row_errors` lists the rows that cannot be "
        "imported (nothing is written); 422 `mapping_needed` when the CSV columns cannot be "
        "told apart (it lists the headers); 409 `nothing` when every row was there already; "
        f"413 over IMPORT_MAX_BYTES ({settings.IMPORT_MAX_BYTES:,} bytes here), 422 "
        "`too_many_rows` over IMPORT_MAX_ROWS."
    ),
)
def create_import(
    request: HttpRequest,
    account_id: Form[int],
    file: File[UploadedFile],
    date_format: Form[DateFormat | None] = None,
    decimal_mark: Form[DecimalMark | None] = None,
) -> Status[Any]:
    req = household_request(request)
    try:
        batch = _import(req.membership, account_id, file, date_format, decimal_mark)
    except _Refused as refusal:
        return Status(refusal.status, refusal.body)
    except DomainError as exc:
        status = {"too_large": 413, "too_many_rows": 422, "nothing": 409}.get(exc.code)
        if status is None:
            raise
        detail = exc.message
        if exc.code == "nothing":
            detail = "Nothing to import: every row of the file is already in the account."
        return Status(status, error_body(detail, exc.code))
    return Status(201, _batch_out(batch))


# --- history ------------------------------------------------------------------------------------
@router.get("/imports", response=responses(ok200=BatchList), summary="Imports, oldest first")
def list_imports(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return id_page(queries.batches_for(household_request(request).household), params, _batch_out)


@router.get("/imports/{batch_id}", response=responses(ok200=BatchOut), summary="One import")
def get_import(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _batch_out(queries.get_batch(household_request(request).household, batch_id))


@router.post(
    "/imports/{batch_id}/undo",
    response=responses(ok200=UndoneOut),
    summary="Delete every transaction the import created (409 when some changed since)",
)
def undo_import(request: HttpRequest, batch_id: int, params: Query[UndoParams]) -> dict[str, Any]:
    req = household_request(request)
    batch = queries.get_batch(req.household, batch_id)
    removed = actions.import_undo(actor=req.membership, batch=batch, include_changed=params.confirm)
    return {"removed": removed, "batch": _batch_out(batch)}
