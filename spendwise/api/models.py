"""What the JSON API keeps: personal access tokens, idempotency records, rate windows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household


class TokenScope(models.TextChoices):
    READ = "read", gettext_lazy("Read only")
    READ_WRITE = "read_write", gettext_lazy("Read and write")


class ApiToken(models.Model):
    """A personal access token. Only a SHA-256 of the secret is stored; the person sees the
    token once, when it is created. ``prefix`` identifies it in lists and logs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, replayed to retries."""

    caller = models.CharField(max_length=64)  # who asked: a hash of their credentials
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # None while the first is running
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_unique_key")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"


class RateWindow(models.Model):
    """Requests counted per caller in a fixed one-minute window (shared by every instance)."""

    caller = models.CharField(max_length=64)
    minute = models.BigIntegerField(help_text=gettext_lazy("unix time // 60"))
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "minute"], name="ratewindow_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.caller}@{self.minute}: {self.count}"
