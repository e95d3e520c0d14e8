"""Writing history rows. Only this module creates ``AuditEntry`` and ``SecurityEvent`` rows.

Entries are written with the change they describe, inside the caller's database transaction:
a change that rolls back leaves no entry, and an entry cannot be lost when its change commits.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from spendwise.audit import context
from spendwise.audit.models import Action, AuditEntry, SecurityEvent, SecurityKind

# Field names that may hold a secret or something that unlocks one: never written to the log.
SECRET_FIELD = re.compile(r"password|secret|token|code|hash|key|otp|recovery|seed", re.I)
# Bookkeeping that changes on its own, and the household every entry already names: not worth
# an entry (an update of only these is skipped).
NOISE_FIELDS = frozenset(
    {"created_at", "updated_at", "last_login", "last_used_at", "last_used_step", "household"}
)


def is_logged_field(field: models.Field[Any, Any]) -> bool:
    return not SECRET_FIELD.search(field.name) and field.name not in NOISE_FIELDS


def audit_entry_create(
    *,
    household_id: int | None,
    action: str,
    model: str,
    object_id: str = "",
    object_label: str = "",
    changes: dict[str, Any] | None = None,
    summary: str = "",
    actor: Any = None,
    currency: str = "",
) -> AuditEntry:
    """One audit entry by ``actor`` (a User), else by the person of the current request,
    else by the system."""
    actor_id: int | None
    if actor is not None:
        actor_id, actor_label = int(actor.pk), str(actor.email)
    else:
        actor_id, actor_label = context.current_actor()
    return AuditEntry.objects.create(
        household_id=household_id,
        actor_id=actor_id,
        actor_label=actor_label[:254],
        ip=context.request_ip(context.current_request()),
        action=action,
        model=model[:100],
        object_id=str(object_id)[:64],
        object_label=object_label[:200],
        changes=changes or {},
        currency=currency[:3],
        summary=summary[:300],
    )


def record(
    *,
    household: Any,
    summary: str,
    model: str = "",
    object_id: Any = "",
    object_label: str = "",
    action: str = Action.BULK,
    actor: Any = None,
) -> AuditEntry:
    """Record one summarising entry for a bulk write that bypasses the per-row receivers
    (e.g. "import #12 committed: 312 transactions"). ``household`` is a Household or its id;
    ``actor`` a User (default: the person of the current request). Call it inside the bulk
    write's database transaction."""
    household_id = household if isinstance(household, int) else int(household.pk)
    return audit_entry_create(
        household_id=household_id,
        action=action,
        model=model,
        object_id=object_id,
        object_label=object_label,
        summary=summary,
        actor=actor,
    )


def security_event_create(
    *, user_id: int, email: str, kind: str, detail: str = "", request: Any = None
) -> SecurityEvent:
    """One row of a person's security log; the IP and browser come from ``request`` or the
    current request."""
    request = request if request is not None else context.current_request()
    return SecurityEvent.objects.create(
        user_id=user_id,
        email=email[:254],
        kind=kind,
        ip=context.request_ip(request),
        user_agent=context.request_user_agent(request),
        detail=detail[:300],
    )


def record_security_event(user: Any, kind: str, *, detail: str = "", request: Any = None) -> None:
    """Record ``kind`` (a ``SecurityKind``) in ``user``'s security log."""
    security_event_create(
        user_id=int(user.pk), email=str(user.email), kind=kind, detail=detail, request=request
    )


def record_failed_sign_in(request: Any, email: str) -> None:
    """A failed sign-in with ``email``: recorded only when an account has that address (the
    log is that person's; unknown addresses are for the throttle, not for a log)."""
    from spendwise.identity.models import User, normalize_email

    user = User.objects.filter(email=normalize_email(email)).first()
    if user is not None:
        record_security_event(user, SecurityKind.SIGN_IN_FAILED, request=request)


def record_password_reset(request: Any, email: str) -> None:
    """A password reset through the identity provider (Cognito keeps the password itself)."""
    from spendwise.identity.models import User, normalize_email

    user = User.objects.filter(email=normalize_email(email)).first()
    if user is not None:
        record_security_event(user, SecurityKind.PASSWORD_RESET, request=request)


def record_token_use(token: Any, now: Any) -> None:
    """A personal access token's first use of the (UTC) day: one row a day per token, never
    one per request. Call before ``last_used_at`` is moved to ``now``."""
    last = token.last_used_at
    if last is not None and last.date() == now.date():
        return
    security_event_create(
        user_id=int(token.user_id),
        email=str(token.user.email),
        kind=SecurityKind.TOKEN_USED,
        detail=f"{token.name} ({token.prefix}…)",
    )
