"""Writes of webhook endpoints. Only the household's owners manage them: the endpoint's URL
and secret can send the household's money data anywhere."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.models import Membership, Role
from spendwise.webhooks.addresses import UnsafeUrl, check_url
from spendwise.webhooks.capture import ping_record
from spendwise.webhooks.models import EventType, WebhookEndpoint, WebhookEvent

SECRET_PREFIX = "whsec_"  # noqa: S105 - a public marker, not a secret
ROTATION_GRACE = timedelta(hours=24)  # the old secret still signs for this long
MAX_ENDPOINTS = 10  # per household


def check_owner(actor: Membership) -> None:
    if actor.role != Role.OWNER:
        raise PermissionDenied(_("Only the household's owners can manage webhooks."))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _checked_url(url: str) -> str:
    try:
        check_url(url)
    except UnsafeUrl as exc:
        raise DomainError(str(exc), field="url") from None
    return url.strip()


def _checked_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    unknown = [e for e in chosen if e not in EventType.values]
    if unknown:
        raise DomainError(_("Unknown event: %(event)s.") % {"event": unknown[0]}, field="events")
    if not chosen:
        raise DomainError(_("Choose at least one event."), field="events")
    return [e for e in EventType.values if e in chosen]


def endpoint_create(
    *,
    actor: Membership,
    url: str,
    events: Iterable[str],
    description: str = "",
    active: bool = True,
) -> WebhookEndpoint:
    """A new endpoint with a new secret (``endpoint.secret``: show it once)."""
    check_owner(actor)
    checked_events = _checked_events(events)
    checked_url = _checked_url(url)
    if WebhookEndpoint.objects.filter(household_id=actor.household_id).count() >= MAX_ENDPOINTS:
        raise DomainError(
            _("A household can have at most %(count)s webhook endpoints.")
            % {"count": MAX_ENDPOINTS}
        )
    return WebhookEndpoint.objects.create(
        household_id=actor.household_id,
        url=checked_url,
        events=checked_events,
        description=description.strip(),
        active=active,
        secret=new_secret(),
        created_by=actor.user,
    )


def endpoint_update(
    *,
    actor: Membership,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given (None: keep). A changed URL is checked like a new one."""
    check_owner(actor)
    if endpoint.household_id != actor.household_id:
        raise DomainError(_("That endpoint does not exist."), code="not_found")
    if events is not None:
        endpoint.events = _checked_events(events)
    if url is not None:
        endpoint.url = _checked_url(url)
    if description is not None:
        endpoint.description = description.strip()
    if active is not None:
        endpoint.active = active
    endpoint.save(update_fields=["url", "events", "description", "active"])
    return endpoint


def endpoint_delete(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its delivery log (pending deliveries are not sent)."""
    check_owner(actor)
    if endpoint.household_id != actor.household_id:
        raise DomainError(_("That endpoint does not exist."), code="not_found")
    endpoint.delete()


def secret_rotate(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret (``endpoint.secret``: show it once). The old one keeps signing next to it
    for ``ROTATION_GRACE``; a secret older than that stops signing at once."""
    check_owner(actor)
    if endpoint.household_id != actor.household_id:
        raise DomainError(_("That endpoint does not exist."), code="not_found")
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret = locked.secret
        locked.previous_expires_at = timezone.now() + ROTATION_GRACE
        locked.secret = new_secret()
        locked.save(update_fields=["previous_secret", "previous_expires_at", "secret"])
    return locked


def ping_send(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEvent:
    """Queue a ``ping`` event for ``endpoint``; the next scheduled run delivers it."""
    check_owner(actor)
    if endpoint.household_id != actor.household_id:
        raise DomainError(_("That endpoint does not exist."), code="not_found")
    if not endpoint.active:
        raise DomainError(_("Turn the endpoint on first: nothing is sent to it while it is off."))
    with transaction.atomic():
        return ping_record(endpoint)
