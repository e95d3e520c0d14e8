"""Attach the signed-in user's current household and membership to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from spendwise.households.queries import current_membership


class CurrentHouseholdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        if request.user.is_authenticated:
            membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.household = membership.household if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
