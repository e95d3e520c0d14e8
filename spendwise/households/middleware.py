"""Attach the signed-in user's current household and membership to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from spendwise.households.queries import current_membership

# Set by the invitation page for a signed-out visitor (spendwise.households.views.accept).
PENDING_INVITATION_KEY = "pending_invitation"


class CurrentHouseholdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        if request.user.is_authenticated:
            # Signed up and in after opening an invitation: back to it, from the dashboard
            # where signing in lands.
            if request.method == "GET" and request.path == "/":
                pending = request.session.pop(PENDING_INVITATION_KEY, None)
                if isinstance(pending, str) and pending.startswith("/invitations/"):
                    return HttpResponseRedirect(pending)
            membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.household = membership.household if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
