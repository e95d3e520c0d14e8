"""People, their profile, and what the local identity provider needs to confirm them."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spendwise.periods import MAX_START_DAY, MIN_START_DAY


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively: stored lower-case and trimmed."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=normalize_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **extra)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Theme(models.TextChoices):
    SYSTEM = "system", _("As on this device")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in by e-mail; with Cognito the row is keyed by the pool's ``sub``."""

    email = models.EmailField(unique=True)
    cognito_sub = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Cognito access tokens issued before this are refused by the API: signing out must end
    # every sign-in, not only the cookie (see spendwise/api/auth.py).
    signed_out_at = models.DateTimeField(null=True, blank=True)

    # Profile: how money and dates are shown, and where a budget month starts.
    display_name = models.CharField(max_length=100, blank=True)
    home_currency = models.CharField(max_length=3, default="USD")
    time_zone = models.CharField(max_length=64, default="UTC")
    locale = models.CharField(max_length=10, default="en")
    month_start_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(MIN_START_DAY), MaxValueValidator(MAX_START_DAY)]
    )
    # Opt-in: budget threshold alerts are always in the app; e-mail only when asked for.
    budget_alert_emails = models.BooleanField(default=False)
    # Light or dark pages, or whatever the device prefers (base.html's data-theme, app.css).
    theme = models.CharField(max_length=6, choices=Theme.choices, default=Theme.SYSTEM)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month_start_day__gte=MIN_START_DAY)
                & models.Q(month_start_day__lte=MAX_START_DAY),
                name="user_month_start_day_1_28",
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def today(self) -> date:
        """Today's date in the person's own time zone."""
        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class CodePurpose(models.TextChoices):
    CONFIRM_EMAIL = "confirm_email", _("Confirm e-mail")
    RESET_PASSWORD = "reset_password", _("Reset password")


class ConfirmationCode(models.Model):
    """A 6-digit code sent by e-mail, stored hashed; one live code per user and purpose."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.user_id}"


class AuthFailure(models.Model):
    """One failed sign-in or code attempt, counted per account and per IP for throttling.

    Kept in the database (not a per-process cache) so every app instance sees the same count.
    """

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M:%S}"
