"""Server-side formatting of money and dates in the signed-in person's locale."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from django import template

from spendwise.money import Money, babel_locale

register = template.Library()


def _locale(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    return getattr(user, "locale", None) or "en"


@register.simple_tag(takes_context=True)
def money(context: template.Context, value: Money | None) -> str:
    """``{% money balance %}`` → ``$1,234.56`` / ``1.234.567 ₫``."""
    if value is None:
        return ""
    return value.format(_locale(context))


@register.simple_tag(takes_context=True)
def day(context: template.Context, value: date | None, style: str = "medium") -> str:
    """``{% day txn.date %}`` → ``27 Nov 2026`` in the person's locale."""
    if value is None:
        return ""
    return str(format_date(value, format=style, locale=babel_locale(_locale(context))))


@register.filter
def amount_class(value: Money | Any) -> str:
    """CSS class for a signed amount: money in, money out."""
    minor = getattr(value, "minor", 0)
    return "in" if minor > 0 else "out"
