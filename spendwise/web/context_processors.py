from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What every page's header needs: the household and whether the member may write."""
    membership = getattr(request, "membership", None)
    return {
        "household": getattr(request, "household", None),
        "can_write": bool(membership and membership.can_write),
    }
