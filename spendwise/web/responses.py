"""Responses every app's pages share: HTMX or not, where to go back to, a refused action."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from spendwise.errors import DomainError


def is_htmx(request: HttpRequest) -> bool:
    """An HTMX request that wants a fragment (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def safe_next_url(request: HttpRequest, target: str, default: str) -> str:
    """``target`` (a posted or linked ``next``) if it is a URL of this site, else ``default``."""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


def refused(
    request: HttpRequest, exc: DomainError, *, back_url: str, back_label: str = ""
) -> HttpResponse:
    """A page saying nothing was changed and why, with the refusal's status (403 for a
    viewer) and a link back."""
    back_label = back_label or gettext("Back")
    context = {"message": exc.message, "back_url": back_url, "back_label": back_label}
    return render(request, "web/refused.html", context, status=exc.status)
