"""Imports of bank statements: a draft between the wizard's steps, the column mapping
remembered per account, and each committed import with a line per transaction it created.

``ImportLine.fingerprint`` is unique per account: a row imported once (recognised by the
bank's id, else by date, amount, payee, description and its repeat count in the file) is never
imported into that account again, even by two imports committing at the same moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from spendwise.households.models import Household
from spendwise.imports import formats
from spendwise.ledger.models import Account, Transaction

DRAFT_LIFETIME = timedelta(days=1)


class ImportFormat(models.TextChoices):
    CSV = formats.CSV, formats.NAMES[formats.CSV]
    OFX = formats.OFX, formats.NAMES[formats.OFX]
    QFX = formats.QFX, formats.NAMES[formats.QFX]
    QIF = formats.QIF, formats.NAMES[formats.QIF]
    CAMT053 = formats.CAMT053, formats.NAMES[formats.CAMT053]
    MT940 = formats.MT940, formats.NAMES[formats.MT940]


def _expiry() -> datetime:
    return timezone.now() + DRAFT_LIFETIME


class ImportDraft(models.Model):
    """An uploaded file between upload and commit, kept server-side (never in the session).

    ``content`` holds the file's bytes (at most ``IMPORT_MAX_BYTES``); ``settings`` the CSV
    layout and mapping; ``choices`` which rows the person ticked or unticked in the preview
    (line number as text → import it?). Deleted on commit or cancel; expired after a day.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    content = models.BinaryField()
    size = models.PositiveIntegerField(help_text=gettext_lazy("bytes"))
    settings = models.JSONField(default=dict, blank=True)
    choices = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_expiry)

    class Meta:
        indexes = [models.Index(fields=["household", "created_at"], name="importdraft_household")]

    def __str__(self) -> str:
        return f"Draft {self.file_name}"

    @property
    def is_csv(self) -> bool:
        return self.format == ImportFormat.CSV

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ImportMapping(models.Model):
    """The CSV column mapping last used for an account and a header (``signature``)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    mapping = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "signature"], name="importmapping_unique_signature"
            )
        ]

    def __str__(self) -> str:
        return f"Mapping for {self.account_id}"


class ImportBatch(models.Model):
    """One committed import: what it read, what it created, and whether it was undone."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    rows_in_file = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    errors_skipped = models.PositiveIntegerField(default=0)
    rows_excluded = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("new rows left out")
    )
    duration_ms = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("milliseconds to commit")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rows_undone = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "-created_at"], name="importbatch_household")]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name}"

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


class ImportLine(models.Model):
    """A transaction an import created, and the fingerprint of the row it came from.

    The transaction may be deleted by hand later (``SET_NULL``): the line stays, so the same
    row is still recognised as imported and does not come back with the next statement.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    transaction = models.OneToOneField(
        Transaction, on_delete=models.SET_NULL, null=True, related_name="import_line"
    )
    fingerprint = models.CharField(max_length=64)
    line_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "fingerprint"], name="importline_unique_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"Line {self.line_number} of import {self.batch_id}"
