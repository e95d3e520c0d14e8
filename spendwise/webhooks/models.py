"""Outbound webhooks: a household's endpoints, the events that happened (the outbox) and one
delivery of each event to each endpoint that asked for it.

Events and deliveries are written in the same database transaction as the change they
describe, so a rolled-back change sends nothing and a committed one is never lost; they are
sent only by the scheduled job (``spendwise.webhooks.delivery.deliver_due``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spendwise.households.models import Household


class EventType(models.TextChoices):
    TRANSACTION_CREATED = "transaction.created", _("A transaction is created")
    TRANSACTION_UPDATED = "transaction.updated", _("A transaction is changed")
    TRANSACTION_DELETED = "transaction.deleted", _("A transaction is deleted")
    BUDGET_THRESHOLD_CROSSED = "budget.threshold_crossed", _("A budget crosses a threshold")
    IMPORT_FINISHED = "import.finished", _("An import is committed")


PING = "ping"  # the test-send event: delivered to its endpoint whatever it subscribes to


class WebhookEndpoint(models.Model):
    """Where a household's events are POSTed. ``secret`` signs them (kept in clear: signing
    needs it); after a rotation ``previous_secret`` signs too until ``previous_expires_at``."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="EventType values")
    active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, now: datetime | None = None) -> list[str]:
        """The secrets that sign a delivery now: the previous one first while in its grace
        period, then the current one."""
        moment = now or timezone.now()
        if self.previous_secret and self.previous_expires_at and self.previous_expires_at > moment:
            return [self.previous_secret, self.secret]
        return [self.secret]


class WebhookEvent(models.Model):
    """Something that happened in a household, as sent: ``type`` and its ``data``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["household", "-created_at"], name="whevent_household")]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    def body(self) -> dict[str, object]:
        """The JSON body POSTed for this event."""
        return {
            "id": str(self.public_id),
            "type": self.type,
            "created_at": self.created_at.isoformat(),
            "household_id": self.household_id,
            "data": self.data,
        }


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event to one endpoint: its attempts so far and when the next one is due.

    A delivery being sent is leased: ``next_attempt_at`` moves past the attempt's end before
    the request goes out, so no other deliverer picks it up meanwhile.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text="milliseconds")
    error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="whdelivery_due",
            ),
            models.Index(fields=["endpoint", "-id"], name="whdelivery_endpoint_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
