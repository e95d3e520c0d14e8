"""Reads of webhook endpoints and their delivery logs, scoped to a household (another
household's endpoint is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from spendwise.households.models import Household
from spendwise.webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_PAGE_SIZE = 25


def endpoints_of(household: Household) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(household=household).order_by("id")


def get_endpoint(household: Household, pk: object) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, household=household, pk=pk)


def delivery_log(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, with their events."""
    return endpoint.deliveries.select_related("event").order_by("-id")
