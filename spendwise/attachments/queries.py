"""Reads of receipts, always scoped to one household."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from spendwise.attachments.models import Attachment
from spendwise.households.models import Household
from spendwise.ledger.models import Transaction


def get_attachment(household: Household, pk: object) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("transaction"), household=household, pk=pk
    )


def attachments_of(row: Transaction) -> QuerySet[Attachment]:
    return Attachment.objects.filter(household_id=row.household_id, transaction=row)


def with_receipts(transaction_ids: Iterable[int]) -> set[int]:
    """Which of these transactions have at least one receipt: one query for a whole page."""
    ids = list(transaction_ids)
    if not ids:
        return set()
    return set(
        Attachment.objects.filter(transaction_id__in=ids)
        .values_list("transaction_id", flat=True)
        .distinct()
    )
