"""Receipts: files attached to a transaction, kept in the configured ``FileStorage``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household
from spendwise.ledger.models import Transaction


class Attachment(models.Model):
    """One file of a transaction. The bytes live in storage under ``key`` (unguessable, in the
    household's folder); deleting the row removes the file once the deletion commits
    (``attachments.signals``), also when a transaction or a household is deleted."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="attachments")
    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="attachments"
    )
    key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(
        max_length=100, help_text=gettext_lazy("from the file's content")
    )
    size = models.PositiveBigIntegerField(help_text=gettext_lazy("bytes"))
    sha256 = models.CharField(max_length=64, help_text=gettext_lazy("hex digest of the bytes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
