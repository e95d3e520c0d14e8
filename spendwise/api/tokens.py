"""``/api/v1/tokens``: list, create and revoke my personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from spendwise.api.actions import token_create, token_revoke
from spendwise.api.errors import responses
from spendwise.api.models import ApiToken
from spendwise.api.schemas import StrictIn

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The full token. Shown only in this answer: store it now.")


class TokenIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    scope: str = Field("read", pattern="^(read|read_write)$")


@router.get("", response=responses(ok200=list[TokenOut]), summary="My tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user_id=int(request.user.pk or 0)))


@router.post("", response=responses(ok201=TokenCreated), summary="Create a token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    token, text = token_create(actor=request.membership, name=payload.name, scope=payload.scope)  # type: ignore[attr-defined]
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": text})


@router.delete("/{token_id}", response=responses(ok204=None), summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[Any]:
    token = get_object_or_404(ApiToken, user=request.user, pk=token_id)
    token_revoke(actor=request.membership, token=token)  # type: ignore[attr-defined]
    return Status(204, None)
