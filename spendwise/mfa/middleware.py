"""A household that requires two-step sign-in: members without it go to the set-up page.

Every page but the security pages and signing out redirects there (an HTMX request gets
``HX-Redirect``). The API is not handled here: ``spendwise.api.auth.bind`` answers 403 JSON for
every kind of caller (see ``spendwise.mfa.policy``). Listed after ``MessageMiddleware`` and the
household middleware.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from spendwise.identity.models import User
from spendwise.mfa.queries import must_set_up_mfa

ALLOWED_VIEWS = {"identity:sign_out"}
ALLOWED_NAMESPACES = {"mfa"}


def _exempt(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith(("/api/", settings.STATIC_URL or "/static/")):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 page shows nothing of the household
    return match.namespace in ALLOWED_NAMESPACES or match.view_name in ALLOWED_VIEWS


class HouseholdMfaPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and user.is_authenticated
            and not _exempt(request)
            and must_set_up_mfa(user, getattr(request, "household", None))
        ):
            target = reverse("mfa:setup")
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            messages.warning(
                request,
                _("Your household requires two-step sign-in. Set it up to continue."),
            )
            return redirect(target)
        return self.get_response(request)
