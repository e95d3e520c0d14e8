"""Reading the audit log and the security log: filters, keyset pages, readable changes."""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from spendwise.audit.models import AuditEntry, SecurityEvent
from spendwise.money import Money, MoneyError

PAGE_SIZE = 50
SYSTEM = "system"  # the "who" filter's value for entries written by no person


@dataclass(frozen=True)
class AuditFilters:
    """What the page's and the API's filters ask for; empty values filter nothing.

    ``actor`` is a user id, or ``SYSTEM``; ``model`` is ``app_label.model_name``; dates are
    in ``time_zone`` and both ends are included."""

    actor: str = ""
    model: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    time_zone: str = "UTC"


def audit_entries(household_id: int, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The household's entries matching ``filters``, newest first."""
    rows = AuditEntry.objects.filter(household_id=household_id)
    if filters.actor == SYSTEM:
        rows = rows.filter(actor_id__isnull=True)
    elif filters.actor.isdigit():
        rows = rows.filter(actor_id=int(filters.actor))
    if filters.model:
        rows = rows.filter(model=filters.model)
    if filters.action:
        rows = rows.filter(action=filters.action)
    zone = zoneinfo.ZoneInfo(filters.time_zone)
    if filters.date_from:
        rows = rows.filter(created_at__gte=datetime.combine(filters.date_from, time(), zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        rows = rows.filter(created_at__lt=end)
    if filters.text:
        text = filters.text
        rows = rows.annotate(changes_text=Cast("changes", TextField())).filter(
            Q(object_label__icontains=text)
            | Q(summary__icontains=text)
            | Q(actor_label__icontains=text)
            | Q(object_id=text)
            | Q(changes_text__icontains=text)
        )
    return rows.order_by("-id")


def page_before(
    rows: QuerySet[Any], before: str, size: int = PAGE_SIZE
) -> tuple[list[Any], int | None]:
    """Up to ``size`` rows with an id below ``before`` (newest first), and the id to ask for
    the next page with (None on the last page). Cost independent of the page's depth."""
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    batch = list(rows[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    return batch, (batch[-1].pk if more and batch else None)


def security_events(user_id: int) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.filter(user_id=user_id).order_by("-id")


# --- readable changes -----------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ShownEntry:
    entry: AuditEntry
    kind: str
    changes: list[Change] = field(default_factory=list)


def model_name(label: str) -> str:
    """``ledger.transaction`` → "Transaction" (the model's own name, as a person reads it)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label.rpartition(".")[2].replace("_", " ").capitalize() or _("Bulk change")
    return str(model._meta.verbose_name).capitalize()


def _field_of(label: str, name: str) -> Any:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    for candidate in model._meta.get_fields():
        if getattr(candidate, "attname", None) == name or candidate.name == name:
            return candidate
    return None


def _text(value: Any, model_field: Any, currency: str | None, names: dict[Any, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if getattr(model_field, "is_relation", False) and model_field.related_model is not None:
        name = names.get((model_field.related_model, value))
        return name if name is not None else f"#{value}"
    help_text = str(getattr(model_field, "help_text", ""))
    if isinstance(value, int) and "minor units" in help_text and currency:
        try:
            return Money(value, currency).amount_str() + f" {currency}"
        except MoneyError:
            pass
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        for key, label in choices:
            if key == value:
                return str(label)
    return value if isinstance(value, str) else json.dumps(value)


def _currency(entry: AuditEntry) -> str | None:
    pair = entry.changes.get("currency")
    if isinstance(pair, list):
        return next((str(v) for v in reversed(pair) if v), None) or entry.currency or None
    return entry.currency or None


def _related_names(entries: list[AuditEntry]) -> dict[Any, str]:
    """(model, id) → the object's name today, for every foreign key in ``entries``: one query
    per related model (an object deleted since shows as its id)."""
    wanted: dict[Any, set[Any]] = {}
    for entry in entries:
        for name, pair in entry.changes.items():
            model_field = _field_of(entry.model, name)
            if not getattr(model_field, "is_relation", False) or not isinstance(pair, list):
                continue
            related = getattr(model_field, "related_model", None)
            if related is None or not isinstance(related, type):
                continue
            wanted.setdefault(related, set()).update(v for v in pair if isinstance(v, int))
    names: dict[Any, str] = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = str(obj)
    return names


def shown(entries: list[AuditEntry]) -> list[ShownEntry]:
    """``entries`` with their changes as (field's name, before, after) texts: amounts in their
    currency, foreign keys by name, choices by label."""
    names = _related_names(entries)
    return [_shown(entry, names) for entry in entries]


def _shown(entry: AuditEntry, names: dict[Any, str]) -> ShownEntry:
    currency = _currency(entry)
    rows = []
    for name, pair in sorted(entry.changes.items()):
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        model_field = _field_of(entry.model, name)
        label = str(getattr(model_field, "verbose_name", "") or name.removesuffix("_id"))
        rows.append(
            Change(
                field=label.capitalize(),
                before=_text(before, model_field, currency, names),
                after=_text(after, model_field, currency, names),
            )
        )
    kind = model_name(entry.model) if entry.model else _("Bulk change")
    return ShownEntry(entry=entry, kind=kind, changes=rows)


def csv_lines(rows: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    """The CSV export: one line per entry, oldest page last (as listed), changes as JSON."""
    from spendwise.reports.exports import safe_text

    yield [
        "id",
        "time_utc",
        "who",
        "ip",
        "action",
        "kind",
        "object_id",
        "object",
        "summary",
        "changes",
    ]
    for entry in rows.iterator(chunk_size=2000):
        yield [
            str(entry.pk),
            entry.created_at.isoformat(),
            safe_text(entry.actor_label or SYSTEM),
            entry.ip or "",
            entry.action,
            entry.model,
            safe_text(entry.object_id),
            safe_text(entry.object_label),
            safe_text(entry.summary),
            safe_text(json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)),
        ]
