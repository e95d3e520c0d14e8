"""The household's audit log and each person's security log: append-only history tables.

Neither table has a foreign key: a row must outlive the household, object or person it
describes (deleting an account must not delete, or be blocked by, its history). On PostgreSQL a
trigger (migration 0002) refuses UPDATE and DELETE of either table; the models refuse too.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete a history row."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")


class AppendOnly(models.Model):
    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    BULK = "bulk", _("Bulk change")


class AuditEntry(AppendOnly):
    """One change to a household's data: who, when, from where, what, and before → after.

    ``changes`` maps each changed field to ``[before, after]`` (``null`` for "not there": a
    create has no before, a delete no after). Money fields stay integer minor units; fields that
    hold secrets are never written.
    """

    household_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, help_text="the user; null: the system")
    actor_label = models.CharField(max_length=254, blank=True, help_text="e-mail at the time")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100, help_text="app_label.model_name")
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code of the object's minor-unit amounts"
    )
    summary = models.CharField(max_length=300, blank=True, help_text="for bulk changes")

    class Meta:
        indexes = [
            models.Index(fields=["household_id", "-id"], name="audit_household_newest"),
            models.Index(fields=["household_id", "model", "-id"], name="audit_household_model"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id} by {self.actor_label or 'system'}"


class SecurityKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    SIGN_OUT = "sign_out", _("Signed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    TOKEN_USED = "token_used", _("API token used")
    MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")


class SecurityEvent(AppendOnly):
    """Something that happened to a person's sign-in security, for their own security log."""

    user_id = models.BigIntegerField(db_index=True)
    email = models.CharField(max_length=254, blank=True, help_text="at the time")
    kind = models.CharField(max_length=20, choices=SecurityKind.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user_id", "-id"], name="security_user_newest")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.email} at {self.created_at:%Y-%m-%d %H:%M:%S}"
