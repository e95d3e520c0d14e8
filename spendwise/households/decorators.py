"""View decorators that make a view household-scoped."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from spendwise.households.models import Household, Membership
from spendwise.identity.models import User


class HouseholdRequest(HttpRequest):
    """The request a ``household_required`` view receives (for type checking only)."""

    user: User
    household: Household
    membership: Membership


def household_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with a current household on ``request.household`` (else sign-in / 404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "household", None) is None:
            # Removed from (or left) every household: start a new one.
            if request.method == "GET":
                return redirect("households:create")
            raise Http404("No household")
        return view(request, *args, **kwargs)

    return wrapper
