"""Creating a person's data: the one function both the app and the AWS Lambda call."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from spendwise.households.models import Household, Membership, Role
from spendwise.identity.models import User, normalize_email
from spendwise.ledger.actions import create_default_categories


def provision_user(*, email: str, cognito_sub: str | None = None, confirmed: bool = True) -> User:
    """Make sure the person exists with a household of their own and default categories.

    Idempotent: running it again (a retried Lambda, a second sign-in) creates nothing twice.
    Safe under concurrency: a unique violation from a parallel call is retried once.
    """
    email = normalize_email(email)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _provision(email, cognito_sub, confirmed)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _provision(email: str, cognito_sub: str | None, confirmed: bool) -> User:
    user = None
    if cognito_sub:
        user = User.objects.select_for_update().filter(cognito_sub=cognito_sub).first()
    if user is None:
        user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, cognito_sub=cognito_sub)
    changed = []
    if cognito_sub and user.cognito_sub != cognito_sub:
        user.cognito_sub = cognito_sub
        changed.append("cognito_sub")
    if confirmed and user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        changed.append("email_confirmed_at")
    if changed:
        user.save(update_fields=changed)
    membership = Membership.objects.filter(user=user).order_by("created_at", "id").first()
    if membership is None:
        household = Household.objects.create(name=f"{user.name}'s household")
        membership = Membership.objects.create(household=household, user=user, role=Role.OWNER)
    create_default_categories(membership.household)
    return user
