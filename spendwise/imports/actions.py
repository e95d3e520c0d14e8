"""Writes of the import wizard: create a draft from an uploaded file, map its columns,
choose rows, commit it all-or-nothing, undo a committed import.

Every action checks the member's role; multi-row writes run in one database transaction and
keep the ledger's rollup exact (``rollup.add`` for the rows created, ``rollup.remove`` before
deleting), so a refused or failed import changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from spendwise import audit
from spendwise.errors import DomainError
from spendwise.households.models import Household, Membership
from spendwise.imports import formats, preview
from spendwise.imports.formats import csv as csv_format
from spendwise.imports.models import ImportBatch, ImportDraft, ImportLine, ImportMapping
from spendwise.ledger import rollup
from spendwise.ledger.actions import (
    check_can_write,
    check_same_household,
    payee_for_name,
    tags_for_names,
)
from spendwise.ledger.models import Account, Payee, Transaction, TransactionKind, signed_amount
from spendwise.ops import metrics
from spendwise.phrases import reason
from spendwise.web.forms import say

DRAFTS_PER_HOUSEHOLD = 5  # older drafts are dropped: each holds up to IMPORT_MAX_BYTES
CHUNK_ROWS = 1000  # rows per INSERT; all chunks are in one database transaction
# A row saved more than this after it was created was edited by someone.
EDIT_GRACE = timedelta(seconds=2)


def size_limit_message(size: int | None = None) -> str:
    limit = settings.IMPORT_MAX_BYTES
    values = {"limit": f"{limit / 1_048_576:.1f}", "size": f"{(size or 0) / 1_048_576:.1f}"}
    if size:
        return (
            gettext(
                "This file is too large (%(size)s MB): one import takes at most %(limit)s MB. "
                "Download a shorter period from your bank and import the parts one after the other."
            )
            % values
        )
    return (
        gettext(
            "This file is too large: one import takes at most %(limit)s MB. Download a shorter "
            "period from your bank and import the parts one after the other."
        )
        % values
    )


# --- drafts -------------------------------------------------------------------------------------
def draft_create(
    *, actor: Membership, account: Account, file_name: str, content: bytes
) -> ImportDraft:
    """Check and keep an uploaded file for the wizard's next steps.

    Detects the format; a CSV file gets its layout detected and a mapping (the one remembered
    for this account and header, else a guess); any other format is parsed once here, so that
    a damaged file is refused at upload.
    """
    check_can_write(actor)
    check_same_household(actor, account)
    if account.archived:
        raise DomainError(gettext("This account is archived."), field="account")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise DomainError(size_limit_message(len(content)), field="file", code="too_large")
    if not content.strip():
        raise DomainError(gettext("The file is empty."), field="file")
    try:
        fmt = formats.detect_format(file_name, content)
        stored: dict[str, Any] = {}
        if fmt == formats.CSV:
            layout, guess = csv_format.sniff(content)
            preview.check_row_count(layout.rows)
            saved = ImportMapping.objects.filter(
                account=account, signature=layout.signature
            ).first()
            mapping = csv_format.remembered(layout, guess, saved.mapping if saved else None)
            stored = {
                "layout": asdict(layout),
                "mapping": mapping.as_dict(),
                "remembered": saved is not None,
            }
        else:
            parsed = formats.parse(fmt, content)
            preview.check_row_count(parsed.count)
            _check_currency(parsed, account)
    except formats.FormatError as exc:
        raise DomainError(say(reason(exc)), field="file") from None
    with transaction.atomic():
        purge_expired_drafts()
        draft = ImportDraft.objects.create(
            household=actor.household,
            account=account,
            created_by=actor.user,
            file_name=(file_name or "statement").rsplit("/", 1)[-1][:255],
            format=fmt,
            content=content,
            size=len(content),
            settings=stored,
        )
        older = ImportDraft.objects.filter(household=actor.household).order_by("-created_at", "-id")
        ImportDraft.objects.filter(
            pk__in=list(older.values_list("pk", flat=True)[DRAFTS_PER_HOUSEHOLD:])
        ).delete()
    return draft


def _check_currency(parsed: formats.Parsed, account: Account) -> None:
    """A statement wholly in another currency is for another account: refuse the file."""
    currencies = {row.currency for row in parsed.rows}
    if parsed.rows and "" not in currencies and account.currency not in currencies:
        shown = ", ".join(sorted(currencies))
        raise DomainError(
            gettext(
                "This statement is in %(shown)s, but “%(name)s” is in %(currency)s. Choose an "
                "account in %(shown)s."
            )
            % {"shown": shown, "name": account.name, "currency": account.currency},
            field="account",
        )


def draft_map(*, actor: Membership, draft: ImportDraft, mapping: csv_format.Mapping) -> ImportDraft:
    """Save the CSV column mapping on the draft and remember it for the account and header."""
    check_can_write(actor)
    check_same_household(actor, draft)
    settings_now = preview.csv_settings(draft)
    if settings_now is None:
        raise DomainError(gettext("This import is not a CSV file."), code="conflict")
    layout = settings_now.layout
    problems = mapping.problems(len(layout.columns))
    if problems:
        field_name, message = next(iter(problems.items()))
        raise DomainError(say(message), field=None if field_name == "__all__" else field_name)
    if mapping.skip_rows != layout.skip_rows or mapping.has_header != layout.has_header:
        layout = replace(layout, skip_rows=mapping.skip_rows, has_header=mapping.has_header)
    with transaction.atomic():
        draft.settings = {
            **draft.settings,
            "layout": asdict(layout),
            "mapping": mapping.as_dict(),
            "mapped": True,
        }
        draft.choices = {}  # other columns make other rows
        draft.save(update_fields=["settings", "choices"])
        ImportMapping.objects.update_or_create(
            account=draft.account,
            signature=layout.signature,
            defaults={"household": draft.household, "mapping": mapping.as_dict()},
        )
    return draft


def draft_choose(
    *, actor: Membership, draft: ImportDraft, shown: Iterable[int], ticked: Iterable[int]
) -> ImportDraft:
    """Record the preview's checkboxes for the rows of one page: ``shown`` are the line
    numbers that page listed, ``ticked`` those left ticked (to import)."""
    check_can_write(actor)
    check_same_household(actor, draft)
    chosen = set(ticked)
    choices = dict(draft.choices)
    for line in shown:
        choices[str(line)] = line in chosen
    draft.choices = choices
    draft.save(update_fields=["choices"])
    return draft


def draft_skip_errors(*, actor: Membership, draft: ImportDraft) -> int:
    """Untick every row with an error; returns how many there are."""
    check_can_write(actor)
    check_same_household(actor, draft)
    errors = [row for row in preview.build_preview(draft).rows if row.status == preview.ERROR]
    draft.choices = {**draft.choices, **{str(row.line_number): False for row in errors}}
    draft.save(update_fields=["choices"])
    return len(errors)


def draft_cancel(*, actor: Membership, draft: ImportDraft) -> None:
    check_can_write(actor)
    check_same_household(actor, draft)
    ImportDraft.objects.filter(pk=draft.pk).delete()


def purge_expired_drafts() -> int:
    """Delete every draft past its expiry (of any household); returns how many."""
    deleted, _ = ImportDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- bulk insert --------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewTransaction:
    """An expense or income to insert in bulk: ``amount_minor`` signed as stored."""

    date: date
    amount_minor: int
    payee_name: str = ""
    note: str = ""
    category_id: int | None = None
    tag_names: list[str] = field(default_factory=list)


def _payees(household: Household, names: Iterable[str]) -> dict[str, Payee]:
    """The household's payees for ``names`` (by lower case), creating the missing ones with
    one INSERT."""
    wanted = {name.lower(): name for name in names if name}
    if not wanted:
        return {}

    def known() -> dict[str, Payee]:
        return {
            payee.name.lower(): payee
            for payee in Payee.objects.filter(household=household)
            if payee.name.lower() in wanted
        }

    found = known()
    missing = [Payee(household=household, name=wanted[key]) for key in wanted if key not in found]
    if missing:
        Payee.objects.bulk_create(missing, ignore_conflicts=True)
        found = known()
        for key in wanted.keys() - found.keys():  # the database lower-cases differently
            payee = payee_for_name(household, wanted[key])
            if payee is not None:
                found[key] = payee
    return found


def transactions_bulk_create(
    *,
    actor: Membership,
    account: Account,
    rows: Sequence[NewTransaction],
    chunk_size: int = CHUNK_ROWS,
) -> list[Transaction]:
    """Insert expenses and incomes into ``account`` in chunks of ``chunk_size``, each chunk
    added to the rollup, all in one database transaction. Payees and tags are resolved once.
    A payee created without a default category gets the first category used with it."""
    check_can_write(actor)
    check_same_household(actor, account)
    household = actor.household
    created: list[Transaction] = []
    with transaction.atomic():
        payees = _payees(household, (row.payee_name for row in rows))
        tag_names = list(dict.fromkeys(name for row in rows for name in row.tag_names))
        tags = {tag.name.lower(): tag for tag in tags_for_names(household, tag_names)}
        through = Transaction.tags.through
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start : start + chunk_size]
            objects = []
            for row in chunk:
                kind = TransactionKind.INCOME if row.amount_minor > 0 else TransactionKind.EXPENSE
                payee = payees.get(row.payee_name.lower()) if row.payee_name else None
                objects.append(
                    Transaction(
                        household=household,
                        account=account,
                        kind=kind,
                        date=row.date,
                        amount=signed_amount(kind, abs(row.amount_minor)),
                        currency=account.currency,
                        category_id=row.category_id,
                        payee=payee,
                        note=row.note[:500],
                        created_by=actor.user,
                    )
                )
            inserted = Transaction.objects.bulk_create(objects)
            rollup.add(inserted)
            links = [
                through(transaction_id=txn.pk, tag_id=tags[name.lower()].pk)
                for txn, row in zip(inserted, chunk, strict=True)
                for name in row.tag_names
            ]
            if links:
                through.objects.bulk_create(links, ignore_conflicts=True)
            created.extend(inserted)
        _learn_payee_defaults(payees.values(), rows)
    return created


def _learn_payee_defaults(payees: Iterable[Payee], rows: Sequence[NewTransaction]) -> None:
    """As a single entry does: a payee's first category becomes its default."""
    first: dict[str, int] = {}
    for row in rows:
        if row.payee_name and row.category_id is not None:
            first.setdefault(row.payee_name.lower(), row.category_id)
    changed = []
    for payee in payees:
        if payee.default_category_id is None and payee.name.lower() in first:
            payee.default_category_id = first[payee.name.lower()]
            changed.append(payee)
    if changed:
        Payee.objects.bulk_update(changed, ["default_category"], batch_size=CHUNK_ROWS)


# --- commit and undo ----------------------------------------------------------------------------
def import_commit(
    *, actor: Membership, draft: ImportDraft, chunk_size: int = CHUNK_ROWS
) -> ImportBatch:
    """Import the draft's ticked rows, all or nothing, and delete the draft.

    Refused (nothing written) while a row with an error is still ticked, when nothing is
    ticked, or when the rows were imported meanwhile by another import of the same file.
    """
    check_can_write(actor)
    check_same_household(actor, draft)
    began = time.monotonic()
    try:
        with transaction.atomic():
            locked = ImportDraft.objects.select_for_update().filter(pk=draft.pk).first()
            if locked is None:
                raise DomainError(
                    gettext("This import was already committed or cancelled."), code="conflict"
                )
            if locked.expired:
                raise DomainError(
                    gettext("This import has expired: upload the file again."), code="gone"
                )
            if locked.is_csv and not locked.settings.get("mapped"):
                raise DomainError(gettext("Choose which column holds what first."), code="conflict")
            account = Account.objects.get(pk=locked.account_id)
            if account.archived:
                raise DomainError(gettext("This account is archived."), field="account")
            shown = preview.build_preview(locked)
            blocking = shown.blocking
            if blocking:
                raise DomainError(_blocking_message(blocking), code="row_errors")
            chosen = shown.chosen
            if not chosen:
                raise DomainError(gettext("No row is ticked for import."), code="nothing")
            batch = ImportBatch.objects.create(
                household=actor.household,
                account=account,
                file_name=locked.file_name,
                format=locked.format,
                rows_in_file=len(shown.rows),
                rows_imported=len(chosen),
                duplicates_skipped=sum(
                    1 for r in shown.rows if r.status == preview.DUPLICATE and not shown.ticked(r)
                ),
                errors_skipped=shown.count(preview.ERROR),
                rows_excluded=sum(
                    1 for r in shown.rows if r.status == preview.NEW and not shown.ticked(r)
                ),
                created_by=actor.user,
            )
            created = transactions_bulk_create(
                actor=actor,
                account=account,
                rows=[
                    NewTransaction(
                        date=row.date or date.min,
                        amount_minor=row.amount_minor,
                        payee_name=row.payee,
                        note=row.description,
                        category_id=row.category_id,
                        tag_names=row.tag_names,
                    )
                    for row in chosen
                ],
                chunk_size=chunk_size,
            )
            ImportLine.objects.bulk_create(
                (
                    ImportLine(
                        batch_id=batch.pk,
                        account_id=account.pk,
                        transaction_id=txn.pk,
                        fingerprint=row.fingerprint,
                        line_number=row.line_number,
                    )
                    for txn, row in zip(created, chosen, strict=True)
                ),
                batch_size=chunk_size,
            )
            batch.duration_ms = int((time.monotonic() - began) * 1000)
            batch.save(update_fields=["duration_ms"])
            locked.delete()
            audit.record(
                household=actor.household,
                model="imports.importbatch",
                object_id=batch.pk,
                object_label=batch.file_name,
                summary=f"import #{batch.pk} committed: {len(created)} transactions",
            )
    except IntegrityError:
        raise DomainError(
            gettext(
                "Some of these rows were imported by another import meanwhile, so nothing was "
                "imported. Open the preview again to see them as duplicates."
            ),
            code="conflict",
        ) from None
    metrics.import_rows(rows=batch.rows_imported, file_format=batch.format)
    return batch


def _blocking_message(rows: list[preview.PreviewRow]) -> str:
    first = rows[0]
    others = len(rows) - 1
    values = {"line": first.line_number, "reason": first.reason, "count": others}
    if not others:
        return (
            gettext(
                "Nothing was imported: line %(line)s cannot be imported — %(reason)s. Untick the "
                "rows with errors to skip them, or fix the file and upload it again."
            )
            % values
        )
    return (
        ngettext(
            "Nothing was imported: line %(line)s cannot be imported — %(reason)s (and %(count)d "
            "more row with errors). Untick the rows with errors to skip them, or fix the file and "
            "upload it again.",
            "Nothing was imported: line %(line)s cannot be imported — %(reason)s (and %(count)d "
            "more rows with errors). Untick the rows with errors to skip them, or fix the file and "
            "upload it again.",
            others,
        )
        % values
    )


class ChangedSinceImport(DomainError):
    """Undo refused: some of the import's transactions were changed after it."""

    status = 409

    def __init__(self, changed: int) -> None:
        super().__init__(
            ngettext(
                "%(count)d of this import's transaction was changed after the import (edited, "
                "or given an attachment). Undo anyway to delete them too, or leave the import.",
                "%(count)d of this import's transactions were changed after the import (edited, "
                "or given an attachment). Undo anyway to delete them too, or leave the import.",
                changed,
            )
            % {"count": changed},
            code="changed",
        )
        self.changed = changed


def _dependents(ids: list[int]) -> set[int]:
    """Transactions among ``ids`` that rows of other apps hang on (and would be deleted with
    them): attachments and the like."""
    found: set[int] = set()
    for relation in Transaction._meta.related_objects:
        if relation.on_delete is not models.CASCADE or relation.related_model is ImportLine:
            continue
        name = relation.field.name
        model: Any = relation.related_model
        if model is Transaction.tags.through:
            continue
        for chunk in preview.chunks(ids):
            found.update(
                model._base_manager.filter(**{f"{name}__in": chunk}).values_list(name, flat=True)
            )
    return found


def import_undo(*, actor: Membership, batch: ImportBatch, include_changed: bool = False) -> int:
    """Delete every transaction the import created (those still there), in one database
    transaction; returns how many. Refused with ``ChangedSinceImport`` when some were edited
    or given attachments since, unless ``include_changed``. The import's fingerprints go too,
    so the same file can be imported again afterwards."""
    check_can_write(actor)
    check_same_household(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.undone_at is not None:
            raise DomainError(gettext("This import was already undone."), code="conflict")
        rows = list(
            Transaction.objects.select_for_update().filter(import_line__batch=locked).order_by("pk")
        )
        ids = [row.pk for row in rows]
        changed = {row.pk for row in rows if row.updated_at - row.created_at > EDIT_GRACE}
        changed |= _dependents(ids)
        if changed and not include_changed:
            raise ChangedSinceImport(len(changed))
        rollup.remove(rows)
        ImportLine.objects.filter(batch=locked).delete()
        with audit.quiet():  # one summarising entry below, not one per transaction
            for chunk in preview.chunks(ids):
                Transaction.objects.filter(pk__in=chunk).delete()
        audit.record(
            household=actor.household,
            model="imports.importbatch",
            object_id=locked.pk,
            object_label=locked.file_name,
            summary=f"import #{locked.pk} undone: {len(rows)} transactions deleted",
        )
        locked.undone_at = timezone.now()
        locked.undone_by = actor.user
        locked.rows_undone = len(rows)
        locked.save(update_fields=["undone_at", "undone_by", "rows_undone"])
    batch.undone_at, batch.rows_undone = locked.undone_at, locked.rows_undone
    return len(rows)
