"""``/api/v1/webhooks``: a household's webhook endpoints and their delivery logs. Owners only
(403 for members and viewers, whatever the token); another household's endpoint is a 404.

The secret is in the answer to the create and rotate operations only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from spendwise.api.auth import household_request
from spendwise.api.errors import responses
from spendwise.api.pagination import PageParams, clamp_limit, decode, encode
from spendwise.api.schemas import StrictIn
from spendwise.households.decorators import HouseholdRequest
from spendwise.webhooks import actions, queries
from spendwise.webhooks.addresses import MAX_URL_LENGTH
from spendwise.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])

EVENTS_DESCRIPTION = "Any of: " + ", ".join(EventType.values)


class EndpointIn(StrictIn):
    url: str = Field(
        max_length=MAX_URL_LENGTH,
        examples=["https://example.com/spendwise-hook"],
        description="HTTPS to a public address",
    )
    events: list[str] = Field(max_length=len(EventType.values), description=EVENTS_DESCRIPTION)
    description: str = Field("", max_length=200)
    active: bool = True


class EndpointChangeIn(StrictIn):
    url: str | None = Field(None, max_length=MAX_URL_LENGTH)
    events: list[str] | None = Field(
        None, max_length=len(EventType.values), description=EVENTS_DESCRIPTION
    )
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    created_at: datetime
    previous_secret_signs_until: datetime | None = Field(
        description="After a rotation: the old secret signs next to the new one until then"
    )


class EndpointSecretOut(EndpointOut):
    secret: str = Field(description="Shown only in this answer: keep it to verify signatures")


class DeliveryOut(Schema):
    id: str = Field(description="As in the X-SpendWise-Delivery header")
    event_id: str = Field(description="The body's id")
    event_type: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    response_code: int | None
    duration_ms: int | None = Field(description="Of the last attempt, in milliseconds")
    error: str
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="Next retry, while pending")
    delivered_at: datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class QueuedOut(Schema):
    event_id: str
    detail: str


def _owner(request: HttpRequest) -> HouseholdRequest:
    req = household_request(request)
    actions.check_owner(req.membership)
    return req


def _endpoint(request: HttpRequest, endpoint_id: int) -> tuple[HouseholdRequest, WebhookEndpoint]:
    req = household_request(request)
    endpoint = queries.get_endpoint(req.household, endpoint_id)
    actions.check_owner(req.membership)
    return req, endpoint


def _endpoint_out(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    grace = endpoint.previous_expires_at if len(endpoint.signing_secrets()) > 1 else None
    out: dict[str, Any] = {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "previous_secret_signs_until": grace,
    }
    if with_secret:
        out["secret"] = endpoint.secret
    return out


def _delivery_out(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(delivery.public_id),
        "event_id": str(delivery.event.public_id),
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "duration_ms": delivery.duration_ms,
        "error": delivery.error,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
    }


@router.get(
    "/webhooks", response=responses(ok200=list[EndpointOut]), summary="The household's endpoints"
)
def list_endpoints(request: HttpRequest) -> list[dict[str, Any]]:
    req = _owner(request)
    return [_endpoint_out(e) for e in queries.endpoints_of(req.household)]


@router.post(
    "/webhooks",
    response=responses(ok201=EndpointSecretOut),
    summary="Add an endpoint; the answer holds its signing secret, shown only here",
)
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> Status[Any]:
    req = _owner(request)
    endpoint = actions.endpoint_create(
        actor=req.membership,
        url=payload.url,
        events=payload.events,
        description=payload.description,
        active=payload.active,
    )
    return Status(201, _endpoint_out(endpoint, with_secret=True))


@router.get(
    "/webhooks/{endpoint_id}", response=responses(ok200=EndpointOut), summary="One endpoint"
)
def get_endpoint(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    return _endpoint_out(_endpoint(request, endpoint_id)[1])


@router.patch(
    "/webhooks/{endpoint_id}",
    response=responses(ok200=EndpointOut),
    summary="Change an endpoint's URL, events, description or active flag (what is sent)",
)
def update_endpoint(
    request: HttpRequest, endpoint_id: int, payload: EndpointChangeIn
) -> dict[str, Any]:
    req, endpoint = _endpoint(request, endpoint_id)
    updated = actions.endpoint_update(
        actor=req.membership,
        endpoint=endpoint,
        url=payload.url,
        events=payload.events,
        description=payload.description,
        active=payload.active,
    )
    return _endpoint_out(updated)


@router.delete(
    "/webhooks/{endpoint_id}",
    response=responses(ok204=None),
    summary="Delete an endpoint with its delivery log",
)
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> Status[Any]:
    req, endpoint = _endpoint(request, endpoint_id)
    actions.endpoint_delete(actor=req.membership, endpoint=endpoint)
    return Status(204, None)


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret",
    response=responses(ok200=EndpointSecretOut),
    summary="A new signing secret (shown only here); the old one also signs for 24 hours",
)
def rotate_secret(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    req, endpoint = _endpoint(request, endpoint_id)
    rotated = actions.secret_rotate(actor=req.membership, endpoint=endpoint)
    return _endpoint_out(rotated, with_secret=True)


@router.post(
    "/webhooks/{endpoint_id}/test",
    response=responses(ok202=QueuedOut),
    summary="Queue a ping event for this endpoint; the next scheduled run sends it",
)
def send_test(request: HttpRequest, endpoint_id: int) -> Status[Any]:
    req, endpoint = _endpoint(request, endpoint_id)
    event = actions.ping_send(actor=req.membership, endpoint=endpoint)
    detail = "Queued: the next scheduled run sends it; see its deliveries."
    return Status(202, {"event_id": str(event.public_id), "detail": detail})


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response=responses(ok200=DeliveryPage),
    summary="The endpoint's delivery log, newest first",
)
def list_deliveries(
    request: HttpRequest, endpoint_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    _, endpoint = _endpoint(request, endpoint_id)
    limit = clamp_limit(params.limit)
    rows = queries.delivery_log(endpoint)
    if params.cursor:
        try:
            before = int(decode(params.cursor))
        except ValueError:
            raise HttpError(400, "The cursor is not valid.") from None
        rows = rows.filter(pk__lt=before)
    batch = list(rows[: limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {
        "items": [_delivery_out(d) for d in batch],
        "next_cursor": encode(str(batch[-1].pk)) if more and batch else None,
    }
