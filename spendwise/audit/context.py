"""Who is acting, from where, for which household: the request of the running thread.

``AuditContextMiddleware`` keeps the request in a context variable, and everything is read from
it when an entry is written, so the API's token authentication (which sets ``request.user`` and
``request.household`` after every middleware ran) is picked up without any extra step. Outside
a request (management commands, scheduled jobs) the actor is the system.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from spendwise.identity.throttle import client_ip

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)
_quiet: ContextVar[bool] = ContextVar("audit_quiet", default=False)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def acting(request: HttpRequest) -> Iterator[None]:
    """Attribute what happens inside to ``request`` (for code that runs outside a view)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def quiet() -> Iterator[None]:
    """No per-row entries inside: for bulk writes that record one summarising entry instead."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


def current_request() -> HttpRequest | None:
    return _request.get()


def request_ip(request: HttpRequest | None) -> str | None:
    """The client address as ``spendwise.identity.throttle.client_ip`` decides it (the
    ``TRUSTED_PROXY_COUNT``-th X-Forwarded-For hop from the right behind trusted proxies, else
    REMOTE_ADDR); None when it is not an IP address."""
    if request is None:
        return None
    text = client_ip(request)
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def request_user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def current_actor() -> tuple[int | None, str]:
    """(user id, e-mail) of the signed-in person of this request; (None, "") for the system."""
    request = _request.get()
    user: Any = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return int(user.pk), str(getattr(user, "email", ""))


def current_household_id() -> int | None:
    household: Any = getattr(_request.get(), "household", None)
    return int(household.pk) if household is not None else None
