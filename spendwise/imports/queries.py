"""Reads of imports, always scoped to one household (another household's draft or import is
a 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from spendwise.households.models import Household
from spendwise.imports.models import ImportBatch, ImportDraft
from spendwise.ledger.models import Transaction


def get_draft(household: Household, pk: object) -> ImportDraft:
    return get_object_or_404(
        ImportDraft.objects.select_related("account", "household"), household=household, pk=pk
    )


def get_batch(household: Household, pk: object) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("account", "created_by", "undone_by"),
        household=household,
        pk=pk,
    )


def batches_for(household: Household) -> QuerySet[ImportBatch]:
    """The household's imports, newest first."""
    return ImportBatch.objects.filter(household=household).select_related(
        "account", "created_by", "undone_by"
    )


def drafts_for(household: Household) -> QuerySet[ImportDraft]:
    """Imports started and not committed yet (without their files' bytes)."""
    return (
        ImportDraft.objects.filter(household=household)
        .defer("content")
        .select_related("account")
        .order_by("-created_at", "-id")
    )


def batch_transactions(batch: ImportBatch, limit: int) -> list[Transaction]:
    """The first ``limit`` transactions the import created that still exist, by date."""
    return list(
        Transaction.objects.filter(import_line__batch=batch)
        .select_related("category", "category__parent", "payee")
        .order_by("date", "id")[:limit]
    )
