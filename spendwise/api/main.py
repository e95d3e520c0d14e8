"""The JSON API at ``/api/v1/``: one NinjaAPI, one router per app (``<app>/api.py``).

Schema at ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``. Every operation
authenticates (personal access token or Cognito access token as ``Authorization: Bearer``, or
the browser session with its CSRF token), is rate limited per caller, and answers errors in one
shape (``spendwise.api.errors``).
"""

from __future__ import annotations

from ninja import NinjaAPI

from spendwise.api import errors
from spendwise.api.auth import BearerAuth, SessionApiAuth
from spendwise.api.throttle import CallerThrottle
from spendwise.ops import unavailable

api = NinjaAPI(
    title="SpendWise API",
    version="1",
    description=(
        "Money as decimal strings with an ISO 4217 currency; dates ISO 8601; lists paginated "
        "with `limit` and `cursor` (`next_cursor` in the answer). Send `Idempotency-Key` on "
        "POST to make retries safe. Errors: `{detail, code, errors[]}`."
    ),
    urls_namespace="api",
    auth=[BearerAuth(), SessionApiAuth()],
    throttle=[CallerThrottle()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
# A database outage: 503 + Retry-After with the same JSON shape (docs/resilience.md).
unavailable.install(api)


def _mount() -> None:
    from spendwise.api.tokens import router as tokens
    from spendwise.audit.api import router as audit
    from spendwise.budgets.api import router as budgets
    from spendwise.currency.api import router as rates
    from spendwise.households.api import router as households
    from spendwise.identity.api import router as me
    from spendwise.imports.api import router as imports
    from spendwise.ledger.api import router as ledger
    from spendwise.mfa.api import router as mfa
    from spendwise.notifications.api import router as notifications
    from spendwise.recurring.api import router as recurring
    from spendwise.reports.api import router as reports
    from spendwise.rules.api import router as rules
    from spendwise.webhooks.api import router as webhooks

    api.add_router("/me", me)
    api.add_router("/tokens", tokens)
    api.add_router("/", mfa)
    api.add_router("/", ledger)
    api.add_router("/", budgets)
    api.add_router("/", reports)
    api.add_router("/", recurring)
    api.add_router("/", notifications)
    api.add_router("/", rules)
    api.add_router("/", imports)
    api.add_router("/", rates)
    api.add_router("/", webhooks)
    api.add_router("/", households)
    api.add_router("/", audit)


_mount()
