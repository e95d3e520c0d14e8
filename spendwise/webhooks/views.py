"""Settings › Webhooks: a household's endpoints, each with its delivery log, a test send and
secret rotation. Owners only (members and viewers get 403); another household's endpoint is a
404. A new or rotated secret is in the answer to the POST that made it and nowhere else on the
site, and that answer is never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.web.forms import posted, submit
from spendwise.web.responses import refused
from spendwise.webhooks import actions, queries
from spendwise.webhooks.forms import EndpointForm
from spendwise.webhooks.models import WebhookEndpoint


def _refused(request: HouseholdRequest, exc: DomainError) -> HttpResponse:
    return refused(
        request, exc, back_url=reverse("identity:settings"), back_label=_("Back to settings")
    )


def _secret_page(
    request: HouseholdRequest, endpoint: WebhookEndpoint, *, rotated: bool
) -> HttpResponse:
    context = {"endpoint": endpoint, "rotated": rotated, "grace": actions.ROTATION_GRACE}
    response = render(request, "webhooks/secret.html", context)
    add_never_cache_headers(response)  # the answer holds the secret's only showing
    return response


@household_required
@require_GET
def index(request: HouseholdRequest) -> HttpResponse:
    try:
        actions.check_owner(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    endpoints = list(queries.endpoints_of(request.household))
    return render(request, "webhooks/index.html", {"endpoints": endpoints})


@household_required
@require_http_methods(["GET", "POST"])
def create(request: HouseholdRequest) -> HttpResponse:
    try:
        actions.check_owner(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    form = EndpointForm(posted(request))
    created, status = submit(
        form,
        lambda data: actions.endpoint_create(
            actor=request.membership,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            active=data["active"],
        ),
    )
    if created is not None:
        return _secret_page(request, created, rotated=False)
    return render(request, "webhooks/endpoint_form.html", {"form": form}, status=status)


@household_required
@require_http_methods(["GET", "POST"])
def edit(request: HouseholdRequest, pk: int) -> HttpResponse:
    endpoint = queries.get_endpoint(request.household, pk)
    try:
        actions.check_owner(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    initial: dict[str, Any] = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    form = EndpointForm(posted(request), initial=initial)
    saved, status = submit(
        form,
        lambda data: actions.endpoint_update(
            actor=request.membership,
            endpoint=endpoint,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            active=data["active"],
        ),
    )
    if saved is not None:
        messages.success(request, _("Webhook endpoint saved."))
        return redirect("webhooks:detail", pk=endpoint.pk)
    context = {"form": form, "endpoint": endpoint}
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@household_required
@require_GET
def detail(request: HouseholdRequest, pk: int) -> HttpResponse:
    """The endpoint and its delivery log, newest first, ``?page=`` by page."""
    endpoint = queries.get_endpoint(request.household, pk)
    try:
        actions.check_owner(request.membership)
    except DomainError as exc:
        return _refused(request, exc)
    page = Paginator(queries.delivery_log(endpoint), queries.LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "page": page})


@household_required
@require_POST
def delete(request: HouseholdRequest, pk: int) -> HttpResponse:
    endpoint = queries.get_endpoint(request.household, pk)
    try:
        actions.endpoint_delete(actor=request.membership, endpoint=endpoint)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("Webhook endpoint deleted."))
    return redirect("webhooks:index")


@household_required
@require_POST
def rotate(request: HouseholdRequest, pk: int) -> HttpResponse:
    endpoint = queries.get_endpoint(request.household, pk)
    try:
        rotated = actions.secret_rotate(actor=request.membership, endpoint=endpoint)
    except DomainError as exc:
        return _refused(request, exc)
    return _secret_page(request, rotated, rotated=True)


@household_required
@require_POST
def test_send(request: HouseholdRequest, pk: int) -> HttpResponse:
    """Queue a ``ping``: the scheduled job sends it, so say when to look at the log."""
    endpoint = queries.get_endpoint(request.household, pk)
    try:
        actions.ping_send(actor=request.membership, endpoint=endpoint)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request,
        _(
            "Test event queued. It is sent by the next scheduled run (every few minutes at most): "
            "reload this page to see its result in the log below."
        ),
    )
    return redirect("webhooks:detail", pk=endpoint.pk)
