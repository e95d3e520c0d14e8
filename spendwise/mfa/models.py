"""Second factors (an authenticator app and recovery codes) and a household's MFA policy.

Every change goes through ``save()``/``delete()`` so that the audit log's signals see it; the
fields that hold secrets are named ``*secret*``/``*hash*``, which the audit log leaves out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spendwise.households.models import Household


class Provider(models.TextChoices):
    LOCAL = "local", _("SpendWise")
    COGNITO = "cognito", _("Amazon Cognito")


class TotpDevice(models.Model):
    """A person's authenticator app (TOTP), enabled once they typed a code from it.

    With ``provider=local`` SpendWise keeps the secret and checks codes; with ``cognito`` the
    user pool keeps it (the row only says that the person turned it on through SpendWise).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices, default=Provider.LOCAL)
    # Base32 TOTP secret, local mode only. Stored as-is: the app has no field encryption (see
    # docs/mfa.md); the database is encrypted at rest in AWS.
    secret = models.CharField(max_length=64, blank=True)
    enabled_at = models.DateTimeField(default=timezone.now)
    # Replay guard: the step (Unix time // 30) of the last accepted code; codes of that step or
    # older are refused.
    last_used_step = models.BigIntegerField(null=True, blank=True)
    # Cognito mode: SHA-256 of the last accepted code (Cognito checks the code itself).
    last_code_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"authenticator app of {self.user_id} ({self.provider})"


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost; stored hashed, used at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class HouseholdSecurityPolicy(models.Model):
    """What a household asks of its members' sign-in; set by an owner."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="security_policy"
    )
    require_mfa = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "household security policies"

    def __str__(self) -> str:
        return f"security policy of household {self.household_id}"
