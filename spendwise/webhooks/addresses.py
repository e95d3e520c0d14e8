"""Where a webhook may be sent: HTTPS to a public address, never into our own network.

A URL is checked when an endpoint is saved and again, with a fresh DNS lookup, before each
attempt; the request then goes to exactly the address that was checked (no second lookup that
could answer differently). Loopback (``127.0.0.1``, ``localhost``, ``::1``), also over plain
HTTP, is allowed only when ``DEBUG`` or ``WEBHOOKS_ALLOW_LOOPBACK`` is on.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 2000

Resolver = Callable[..., list[tuple[Any, ...]]]


class UnsafeUrl(ValueError):
    """The URL cannot receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str  # "https", or "http" for loopback
    host: str  # as in the URL (for the Host header and TLS)
    port: int
    path: str  # path and query, at least "/"
    address: str  # the checked IP address to connect to


def loopback_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _addresses(host: str, port: int, resolve: Resolver) -> list[str]:
    try:
        return [str(_ip(host))]
    except ValueError:
        pass
    try:
        found = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        found = []
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise UnsafeUrl(_("The host name “%(host)s” could not be found.") % {"host": host})
    return addresses


def check_url(
    url: str, *, allow_loopback: bool | None = None, resolve: Resolver | None = None
) -> Target:
    """The checked target of ``url``; raises ``UnsafeUrl`` for anything but HTTPS to public
    addresses (or, when allowed, loopback). Every address the host resolves to must pass."""
    allow = loopback_allowed() if allow_loopback is None else allow_loopback
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise UnsafeUrl(_("The URL is too long."))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise UnsafeUrl(_("This is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl(_("Enter a full URL starting with https://."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(_("The URL must not contain a user name or password."))
    if any(ord(c) < 33 for c in text):
        raise UnsafeUrl(_("The URL must not contain spaces or control characters."))
    host = parts.hostname
    port = port or (443 if scheme == "https" else 80)
    addresses = _addresses(host, port, resolve or socket.getaddrinfo)
    loopback = [_ip(a).is_loopback for a in addresses]
    for address, is_loopback in zip(addresses, loopback, strict=True):
        ip = _ip(address)
        if is_loopback and allow:
            continue
        if is_loopback or not ip.is_global or ip.is_multicast:
            raise UnsafeUrl(
                _(
                    "Webhooks cannot be sent to %(address)s: it is a private, local or "
                    "reserved address."
                )
                % {"address": address}
            )
    if scheme == "http" and not (allow and all(loopback)):
        raise UnsafeUrl(_("Use an https:// URL: webhooks are only sent over HTTPS."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
