"""``/api/v1/me``: the signed-in person's profile."""

from __future__ import annotations

import zoneinfo

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from spendwise.api.errors import responses
from spendwise.api.schemas import StrictIn
from spendwise.errors import DomainError
from spendwise.households.decorators import HouseholdRequest
from spendwise.money import MoneyError, check_currency
from spendwise.periods import MAX_START_DAY, MIN_START_DAY

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    home_currency: str
    time_zone: str
    locale: str
    month_start_day: int
    household_id: int
    role: str


class ProfileIn(StrictIn):
    display_name: str | None = Field(None, max_length=100)
    home_currency: str | None = Field(None, min_length=3, max_length=3)
    time_zone: str | None = Field(None, max_length=64)
    locale: str | None = Field(None, pattern="^(en|en_GB|vi)$")
    month_start_day: int | None = Field(None, ge=MIN_START_DAY, le=MAX_START_DAY)


def _me(request: HouseholdRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        home_currency=user.home_currency,
        time_zone=user.time_zone,
        locale=user.locale,
        month_start_day=user.month_start_day,
        household_id=request.household.pk,
        role=request.membership.role,
    )


@router.get("", response=responses(ok200=MeOut), summary="Who I am")
def me(request: HttpRequest) -> MeOut:
    return _me(request)  # type: ignore[arg-type]


@router.patch("", response=responses(ok200=MeOut), summary="Change my profile")
def update_me(request: HttpRequest, payload: ProfileIn) -> MeOut:
    user = request.user
    changes = payload.dict(exclude_unset=True)
    if "home_currency" in changes and changes["home_currency"] is not None:
        try:
            changes["home_currency"] = check_currency(changes["home_currency"])
        except MoneyError as exc:
            raise DomainError(str(exc), field="home_currency") from None
    if changes.get("time_zone") and changes["time_zone"] not in zoneinfo.available_timezones():
        raise DomainError("That is not an IANA time zone.", field="time_zone")
    for name, value in changes.items():
        if value is not None:
            setattr(user, name, value)
    user.save()
    return _me(request)  # type: ignore[arg-type]
