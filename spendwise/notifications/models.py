"""In-app notifications: short messages for a household, or for one member of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household


class NotificationKind(models.TextChoices):
    BUDGET_ALERT = "budget_alert", gettext_lazy("Budget alert")
    INFO = "info", gettext_lazy("Information")


class Notification(models.Model):
    """A message shown on the notifications page; ``user`` None means every member sees it.

    ``read_at`` is shared by whoever can see the row: a household-wide notice that one member
    marks read is read for the household.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(
        max_length=20, choices=NotificationKind.choices, default=NotificationKind.INFO
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(
        max_length=500, blank=True, help_text=gettext_lazy("a path on this site")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["household", "-created_at", "-id"], name="notif_household_new"),
            models.Index(
                fields=["household", "user"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_link(self) -> str:
        """The link if it is a path on this site (never ``javascript:`` or another host)."""
        link = self.link or ""
        return link if link.startswith("/") and not link.startswith("//") else ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
