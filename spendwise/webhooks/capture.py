"""The outbox: an event and its deliveries are written in the database transaction of the
change they describe, by receivers on the ledger's, budgets' and imports' own models (those
apps do not know about webhooks).

* ``Transaction`` saved → ``transaction.created`` / ``transaction.updated``; deleted one at a
  time (or as a transfer) → ``transaction.deleted``. Rows inserted in bulk (an import) send no
  event each: ``import.finished`` carries the count. Rows deleted in bulk (undoing an import,
  deleting an account or a household) send none either.
* ``BudgetAlert`` created → ``budget.threshold_crossed`` (once per budget, month, threshold).
* ``ImportBatch`` created → ``import.finished`` (the batch is created inside the import's
  commit, so a refused import sends nothing).

Nothing is written for a household without an active endpoint subscribed to the event.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from spendwise.budgets.models import Budget, BudgetAlert
from spendwise.imports.models import ImportBatch
from spendwise.ledger.models import Transaction, Transfer
from spendwise.money import Money
from spendwise.webhooks.models import (
    PING,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


def subscribed_endpoints(household_id: int, event_type: str) -> list[WebhookEndpoint]:
    """The household's active endpoints that asked for ``event_type``."""
    endpoints = WebhookEndpoint.objects.filter(household_id=household_id, active=True).only(
        "id", "events"
    )
    return [e for e in endpoints if event_type in (e.events or [])]


def event_record(
    *,
    household_id: int,
    event_type: str,
    data: dict[str, Any],
    endpoints: list[WebhookEndpoint] | None = None,
) -> WebhookEvent | None:
    """Write the event and one pending delivery per endpoint (by default every subscribed
    one); None, and nothing written, when no endpoint wants it. Call inside the change's
    transaction."""
    targets = subscribed_endpoints(household_id, event_type) if endpoints is None else endpoints
    if not targets:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(
        household_id=household_id, type=event_type, data=data, created_at=now
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now, created_at=now)
        for endpoint in targets
    )
    return event


def ping_record(endpoint: WebhookEndpoint) -> WebhookEvent:
    """A ``ping`` event for ``endpoint`` alone."""
    now = timezone.now()
    event = WebhookEvent.objects.create(
        household_id=endpoint.household_id,
        type=PING,
        data={"endpoint_id": endpoint.pk, "message": "Test event from SpendWise."},
        created_at=now,
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, next_attempt_at=now, created_at=now
    )
    return event


def _money(minor: int, currency: str) -> dict[str, str]:
    return {"amount": Money(minor, currency).amount_str(), "currency": currency}


def transaction_data(row: Transaction) -> dict[str, Any]:
    """A transaction as sent: amount signed as stored (money out negative), decimal string."""
    payee = row.payee.name if row.payee_id and row.payee else None
    return {
        "id": row.pk,
        "account_id": row.account_id,
        "kind": row.kind,
        "date": row.date.isoformat(),
        "amount": _money(row.amount, row.currency),
        "category_id": row.category_id,
        "payee": payee,
        "note": row.note,
        "transfer_id": row.transfer_id,
    }


@receiver(post_save, sender=Transaction, dispatch_uid="webhooks.transaction_saved")
def on_transaction_saved(sender: Any, instance: Transaction, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    event_type = EventType.TRANSACTION_CREATED if created else EventType.TRANSACTION_UPDATED
    endpoints = subscribed_endpoints(instance.household_id, event_type)
    if endpoints:
        event_record(
            household_id=instance.household_id,
            event_type=event_type,
            data=transaction_data(instance),
            endpoints=endpoints,
        )


def _one_by_one(origin: Any) -> bool:
    """A delete of this transaction (or of its transfer), not a bulk or cascading one."""
    if isinstance(origin, Transaction | Transfer):
        return True
    return isinstance(origin, QuerySet) and origin.model is Transfer


@receiver(post_delete, sender=Transaction, dispatch_uid="webhooks.transaction_deleted")
def on_transaction_deleted(sender: Any, instance: Transaction, **kwargs: Any) -> None:
    if not _one_by_one(kwargs.get("origin")):
        return
    endpoints = subscribed_endpoints(instance.household_id, EventType.TRANSACTION_DELETED)
    if endpoints:
        event_record(
            household_id=instance.household_id,
            event_type=EventType.TRANSACTION_DELETED,
            data=transaction_data(instance),
            endpoints=endpoints,
        )


def budget_alert_data(alert: BudgetAlert) -> dict[str, Any]:
    """The alert with the budget's numbers for that month (when it has an amount)."""
    from spendwise.budgets.queries import progress_for, settings_member

    budget = (
        Budget.objects.select_related("category")
        .prefetch_related("amounts")
        .get(pk=alert.budget_id)
    )
    data: dict[str, Any] = {
        "budget_id": budget.pk,
        "category_id": budget.category_id,
        "name": budget.name,
        "month": f"{alert.month:%Y-%m}",
        "threshold": alert.threshold,
    }
    member = settings_member(budget.household_id)
    if member is not None:
        for progress in progress_for(
            [budget], [alert.month], start_day=member.month_start_day, today=member.today()
        ):
            data |= {
                "start": progress.period.start.isoformat(),
                "end": progress.period.last_day.isoformat(),
                "available": _money(progress.available.minor, progress.available.currency),
                "spent": _money(progress.spent.minor, progress.spent.currency),
                "percent": progress.percent,
            }
    return data


@receiver(post_save, sender=BudgetAlert, dispatch_uid="webhooks.budget_alert")
def on_budget_alert(sender: Any, instance: BudgetAlert, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    household_id = Budget.objects.values_list("household_id", flat=True).get(pk=instance.budget_id)
    endpoints = subscribed_endpoints(household_id, EventType.BUDGET_THRESHOLD_CROSSED)
    if endpoints:
        event_record(
            household_id=household_id,
            event_type=EventType.BUDGET_THRESHOLD_CROSSED,
            data=budget_alert_data(instance),
            endpoints=endpoints,
        )


@receiver(post_save, sender=ImportBatch, dispatch_uid="webhooks.import_finished")
def on_import_committed(sender: Any, instance: ImportBatch, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    endpoints = subscribed_endpoints(instance.household_id, EventType.IMPORT_FINISHED)
    if endpoints:
        event_record(
            household_id=instance.household_id,
            event_type=EventType.IMPORT_FINISHED,
            data={
                "import_id": instance.pk,
                "account_id": instance.account_id,
                "file_name": instance.file_name,
                "format": instance.format,
                "rows_in_file": instance.rows_in_file,
                "rows_imported": instance.rows_imported,
                "duplicates_skipped": instance.duplicates_skipped,
                "errors_skipped": instance.errors_skipped,
            },
            endpoints=endpoints,
        )
