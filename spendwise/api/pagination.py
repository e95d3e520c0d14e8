"""Cursor pagination for API lists: ``?limit=&cursor=`` in, ``{"items", "next_cursor"}`` out.

Lists that are ordered by id use ``IdCursor``; the transaction list uses the ledger's own
keyset cursor (date, id), the same one as the page.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja.errors import HttpError

from spendwise.api.schemas import QueryIn

M = TypeVar("M", bound=Model)
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,200}")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(QueryIn):
    limit: int = DEFAULT_LIMIT
    cursor: str = ""


def clamp_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"limit must be between 1 and {MAX_LIMIT}.")
    return limit


def encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str) -> str:
    """The text inside a cursor we issued; 400 for anything else."""
    if not _CURSOR.fullmatch(cursor):
        raise HttpError(400, "The cursor is not valid.")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "The cursor is not valid.") from None
    if not text:
        raise HttpError(400, "The cursor is not valid.")
    return text


def id_page(rows: QuerySet[M], params: PageParams, out: Callable[[M], Any]) -> dict[str, Any]:
    """Rows in ascending id order after the cursor; cost independent of the page's depth."""
    limit = clamp_limit(params.limit)
    if params.cursor:
        try:
            after = int(decode(params.cursor))
        except ValueError:
            raise HttpError(400, "The cursor is not valid.") from None
        rows = rows.filter(pk__gt=after)
    batch: Sequence[M] = list(rows.order_by("pk")[: limit + 1])
    more = len(batch) > limit
    batch = batch[:limit]
    return {
        "items": [out(row) for row in batch],
        "next_cursor": encode(str(batch[-1].pk)) if more and batch else None,
    }
