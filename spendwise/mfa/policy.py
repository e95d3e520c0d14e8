"""The household rule for API callers: no second factor, no API.

A personal access token or a Cognito access token is not a second factor: when the caller's
household requires two-step sign-in and the caller has none, every API call answers 403
``{"code": "mfa_required"}``, whatever the credentials. Called from ``spendwise.api.auth.bind``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from spendwise.errors import DomainError
from spendwise.households.models import Household
from spendwise.identity.models import User
from spendwise.mfa.queries import must_set_up_mfa


class SecondFactorMissing(DomainError):
    status = 403


def refuse_without_second_factor(user: User, household: Household) -> None:
    if must_set_up_mfa(user, household):
        raise SecondFactorMissing(
            _(
                "This household requires two-step sign-in. Turn it on in SpendWise "
                "(Settings → Security) before using the API."
            ),
            code="mfa_required",
        )
