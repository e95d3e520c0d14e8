"""The preview of a draft: every row of the file as it would be imported — new, duplicate or
error — with the category that rules or suggestions would give it.

Built again from the stored file on every preview page and on commit (the ledger may have
changed in between), in a handful of queries whatever the number of rows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext

from spendwise.errors import DomainError
from spendwise.imports import formats
from spendwise.imports.formats import csv as csv_format
from spendwise.imports.models import ImportDraft, ImportLine
from spendwise.ledger.actions import MAX_AMOUNT_MINOR
from spendwise.ledger.models import Category, Transaction, TransactionKind
from spendwise.money import Money, MoneyError
from spendwise.phrases import reason
from spendwise.rules.engine import Draft, apply_rules
from spendwise.rules.suggest import CategoryModel, suggester_for
from spendwise.web.forms import money_error_text, say

NEW = "new"
DUPLICATE = "duplicate"
ERROR = "error"

FROM_FILE = "file"
FROM_RULE = "rule"
SUGGESTED = "suggested"

EARLIEST_YEAR = 1900
FUTURE_YEARS = 50  # a booking date further ahead is a misread date, not a plan
_QUERY_CHUNK = 5000


@dataclass
class PreviewRow:
    """One row as it would be imported. ``amount_minor`` is signed as stored."""

    line_number: int
    status: str
    reason: str = ""
    date: date | None = None
    amount_minor: int = 0
    currency: str = ""
    payee: str = ""  # after rules (which may rename it)
    file_payee: str = ""  # as the file wrote it
    description: str = ""
    category_id: int | None = None
    category_source: str = ""  # FROM_FILE, FROM_RULE or SUGGESTED
    tag_names: list[str] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def kind(self) -> str:
        return TransactionKind.INCOME if self.amount_minor > 0 else TransactionKind.EXPENSE

    @property
    def money(self) -> Money | None:
        return Money(self.amount_minor, self.currency) if self.status != ERROR else None

    @property
    def ticked_by_default(self) -> bool:
        """Duplicates are left out unless ticked; errors stay ticked, so that the commit is
        refused until the person unticks them (skips them) on purpose."""
        return self.status != DUPLICATE


@dataclass
class Preview:
    draft: ImportDraft
    rows: list[PreviewRow]
    categories: dict[int, Category]

    def ticked(self, row: PreviewRow) -> bool:
        choice = self.draft.choices.get(str(row.line_number))
        return row.ticked_by_default if choice is None else bool(choice)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def chosen(self) -> list[PreviewRow]:
        return [row for row in self.rows if self.ticked(row)]

    @property
    def blocking(self) -> list[PreviewRow]:
        """Error rows still ticked: while there are any, nothing can be committed."""
        return [row for row in self.rows if row.status == ERROR and self.ticked(row)]


def csv_settings(draft: ImportDraft) -> csv_format.Settings | None:
    """The CSV layout and mapping stored on a draft (None before the mapping step)."""
    stored: dict[str, Any] = draft.settings or {}
    if "layout" not in stored or "mapping" not in stored:
        return None
    return csv_format.Settings(
        csv_format.Layout(**stored["layout"]), csv_format.Mapping.from_dict(stored["mapping"])
    )


def read_draft(draft: ImportDraft) -> formats.Parsed:
    """The draft's file parsed; a file that cannot be read is a ``DomainError``."""
    try:
        parsed = formats.parse(draft.format, bytes(draft.content), csv_settings(draft))
    except formats.FormatError as exc:
        raise DomainError(say(reason(exc)), field="file") from None
    check_row_count(parsed.count)
    return parsed


def check_row_count(rows: int) -> None:
    limit = settings.IMPORT_MAX_ROWS
    if rows > limit:
        raise DomainError(
            gettext(
                "This file has %(rows)s rows; one import takes at most %(limit)s. Split it (by "
                "year, say) and import the parts one after the other."
            )
            % {"rows": format(rows, ","), "limit": format(limit, ",")},
            field="file",
            code="too_many_rows",
        )


def fingerprint(row: formats.ParsedRow, minor: int, occurrence: int) -> str:
    """What recognises the row when it is imported again: the bank's id when the file has
    one, else its date, amount, payee, description and how many identical rows came before
    it in the file (two identical coffees on one day are two rows)."""
    if row.bank_id:
        key = f"id\n{row.bank_id}"
    else:
        key = "\n".join(
            (
                "row",
                row.date.isoformat(),
                str(minor),
                row.payee.casefold(),
                row.description.casefold(),
                str(occurrence),
            )
        )
    return hashlib.sha256(key.encode()).hexdigest()


def _check(row: formats.ParsedRow, currency: str, latest: int) -> int:
    """The row's amount in minor units; raises ``ValueError`` with the reason it is refused.
    ``latest`` is the last plausible booking year."""
    if row.currency and row.currency != currency:
        raise ValueError(
            gettext("This row is in %(row)s; the account is in %(account)s.")
            % {"row": row.currency, "account": currency}
        )
    if not EARLIEST_YEAR <= row.date.year <= latest:
        raise ValueError(
            gettext("%(date)s is not a plausible booking date.") % {"date": row.date.isoformat()}
        )
    try:
        minor = Money.from_decimal(row.amount, currency).minor
    except MoneyError as exc:
        raise ValueError(money_error_text(exc)) from None
    if minor == 0:
        raise ValueError(gettext("The amount is zero."))
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise ValueError(gettext("That amount is too large."))
    return minor


def chunks(values: list[Any]) -> list[list[Any]]:
    """``values`` in slices small enough for one ``IN (…)``."""
    return [values[i : i + _QUERY_CHUNK] for i in range(0, len(values), _QUERY_CHUNK)]


def build_preview(draft: ImportDraft) -> Preview:
    """Every row of the draft's file: its status, reason, amount and category."""
    parsed = read_draft(draft)
    account = draft.account
    currency = account.currency
    rows: list[PreviewRow] = [
        PreviewRow(error.line_number, ERROR, say(error.reason)) for error in parsed.errors
    ]
    valid: list[tuple[formats.ParsedRow, PreviewRow]] = []
    occurrences: Counter[tuple[Any, ...]] = Counter()
    latest = timezone.localdate().year + FUTURE_YEARS
    for parsed_row in parsed.rows:
        try:
            minor = _check(parsed_row, currency, latest)
        except ValueError as exc:
            rows.append(PreviewRow(parsed_row.line_number, ERROR, say(reason(exc))))
            continue
        key = (
            parsed_row.date,
            minor,
            parsed_row.payee.casefold(),
            parsed_row.description.casefold(),
        )
        row = PreviewRow(
            parsed_row.line_number,
            NEW,
            date=parsed_row.date,
            amount_minor=minor,
            currency=currency,
            payee=parsed_row.payee,
            file_payee=parsed_row.payee,
            description=parsed_row.description,
            fingerprint=fingerprint(parsed_row, minor, occurrences[key]),
        )
        occurrences[key] += 1
        rows.append(row)
        valid.append((parsed_row, row))
    categories = {
        c.pk: c
        for c in Category.objects.filter(household=draft.household_id, archived=False)
        .select_related("parent")
        .order_by("parent_id", "name", "id")
    }
    _categorise(draft, valid, categories)
    _mark_duplicates(draft, valid)
    rows.sort(key=lambda r: r.line_number)
    return Preview(draft, rows, categories)


def _categorise(
    draft: ImportDraft,
    valid: list[tuple[formats.ParsedRow, PreviewRow]],
    categories: dict[int, Category],
) -> None:
    """Category from the file's own column (when it names one of ours), then the household's
    rules (which may override it, rename the payee and add tags), then a suggestion."""
    by_name: dict[tuple[str, str], int] = {}
    for category in categories.values():
        by_name.setdefault((category.kind, category.name.casefold()), category.pk)
    drafts = []
    for parsed_row, row in valid:
        category_id = by_name.get((row.kind, parsed_row.category.casefold()))
        if category_id is not None:
            row.category_id, row.category_source = category_id, FROM_FILE
        drafts.append(
            Draft(
                account_id=draft.account_id,
                date=parsed_row.date,
                amount_minor=row.amount_minor,
                payee_name=row.payee,
                description=row.description,
                category_id=category_id,
                tag_names=[],
            )
        )
    apply_rules(draft.household, drafts)
    suggester: CategoryModel | None = None
    for (_parsed_row, row), ruled in zip(valid, drafts, strict=True):
        row.payee = " ".join((ruled.payee_name or "").split())[:100]
        row.tag_names = list(ruled.tag_names)
        if ruled.category_id != row.category_id and _fits(ruled.category_id, row, categories):
            row.category_id, row.category_source = ruled.category_id, FROM_RULE
        if row.category_id is None:
            suggester = suggester or suggester_for(draft.household)
            suggested = suggester.suggest(row.payee, row.description, row.kind)
            if _fits(suggested, row, categories):
                row.category_id, row.category_source = suggested, SUGGESTED


def _fits(category_id: int | None, row: PreviewRow, categories: dict[int, Category]) -> bool:
    category = categories.get(category_id) if category_id is not None else None
    return category is not None and category.kind == row.kind


def _mark_duplicates(draft: ImportDraft, valid: list[tuple[formats.ParsedRow, PreviewRow]]) -> None:
    """Duplicates: rows imported before (same fingerprint in this account), rows already in
    the account (same date, amount and payee as a transaction), rows repeated in the file."""
    if not valid:
        return
    imported: set[str] = set()
    for chunk in chunks([row.fingerprint for _p, row in valid]):
        imported.update(
            ImportLine.objects.filter(
                account_id=draft.account_id, fingerprint__in=chunk
            ).values_list("fingerprint", flat=True)
        )
    days = [parsed_row.date for parsed_row, _row in valid]
    existing: Counter[tuple[date, int, str]] = Counter(
        (day, amount, (payee or "").lower())
        for day, amount, payee in Transaction.objects.filter(
            account_id=draft.account_id, date__gte=min(days), date__lte=max(days)
        ).values_list("date", "amount", Lower("payee__name"))
    )
    first_by_id: dict[str, int] = {}
    first_by_key: dict[tuple[Any, ...], int] = {}
    for parsed_row, row in valid:
        names = {row.file_payee.lower(), row.payee.lower()}
        match = next(
            (
                k
                for k in ((parsed_row.date, row.amount_minor, n) for n in sorted(names))
                if existing[k] > 0
            ),
            None,
        )
        key = (
            parsed_row.date,
            row.amount_minor,
            row.file_payee.casefold(),
            row.description.casefold(),
        )
        earlier = (
            first_by_id.get(parsed_row.bank_id) if parsed_row.bank_id else first_by_key.get(key)
        )
        if row.fingerprint in imported:
            row.status, row.reason = DUPLICATE, gettext("Imported before.")
        elif earlier is not None:
            row.status = DUPLICATE
            row.reason = gettext("Repeats line %(line)s of this file.") % {"line": earlier}
        elif match is not None:
            row.status = DUPLICATE
            row.reason = gettext("Already in this account: same date, amount and payee.")
        if match is not None:  # each transaction in the account matches one row at most
            existing[match] -= 1
        if parsed_row.bank_id:
            first_by_id.setdefault(parsed_row.bank_id, row.line_number)
        else:
            first_by_key.setdefault(key, row.line_number)
