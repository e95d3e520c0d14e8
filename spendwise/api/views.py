"""Settings › API tokens: my personal access tokens, a form to create one, revoke buttons.

A new token's full text is in the answer to the POST that created it and nowhere else: only
its SHA-256 is stored, and the page is never cached. Tokens are the person's own (another
person's token is a 404); a viewer may create read-only tokens only.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from spendwise.api import actions
from spendwise.api.forms import TokenForm
from spendwise.api.models import ApiToken
from spendwise.households.decorators import HouseholdRequest, household_required
from spendwise.web.forms import posted, submit


def _rows(request: HouseholdRequest) -> list[dict[str, Any]]:
    """My tokens, newest first, with their dates in my own time zone."""
    zone = zoneinfo.ZoneInfo(request.user.time_zone)
    return [
        {
            "token": token,
            "created_on": token.created_at.astimezone(zone).date(),
            "last_used_on": token.last_used_at.astimezone(zone).date()
            if token.last_used_at
            else None,
            "revoked_on": token.revoked_at.astimezone(zone).date() if token.revoked_at else None,
        }
        for token in ApiToken.objects.filter(user=request.user)
    ]


@household_required
@require_http_methods(["GET", "POST"])
def token_list(request: HouseholdRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    created, status = submit(
        form,
        lambda data: actions.token_create(
            actor=request.membership, name=data["name"], scope=data["scope"]
        ),
    )
    new_token: ApiToken | None = None
    new_text = ""
    if created is not None:
        new_token, new_text = created
        form = TokenForm()
    context = {
        "form": form,
        "rows": _rows(request),
        "new_token": new_token,
        "new_text": new_text,
        "max_tokens": actions.MAX_TOKENS,
    }
    response = render(request, "api/tokens.html", context, status=status)
    add_never_cache_headers(response)  # the answer may hold a token's only copy
    return response


@household_required
def token_revoke(request: HouseholdRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, user=request.user, pk=pk)  # a 404 before a 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    actions.token_revoke(actor=request.membership, token=token)
    messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect("tokens:index")
