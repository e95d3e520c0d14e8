"""``/api/v1/recurring/…``: schedules, pending dates and what comes next."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from spendwise.ledger.models import Transaction
from spendwise.recurring.actions import run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.testing.factories import category, make_account, make_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=False):
        yield


def rent(checking, **changes) -> dict:
    return {
        "name": "Rent",
        "kind": "expense",
        "account_id": checking.pk,
        "amount": "1200.00",
        "payee": "Landlord",
        "frequency": "monthly",
        "day_of_month": -1,
        "start_date": "2026-12-01",
        **changes,
    }


def test_it_creates_a_schedule_and_reads_it_back(owner, checking, api):
    housing = category(owner, "Rent")
    response = api.post("/recurring/schedules", rent(checking, category_id=housing.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == {"amount": "1200.00", "currency": "USD"}
    assert body["description"] == "Every month on the last day"
    assert body["next_date"] == "2026-12-31"
    assert body["payee"] == "Landlord"
    assert body["pending_count"] == 0
    assert api.get(f"/recurring/schedules/{body['id']}").json() == body
    listed = api.get("/recurring/schedules").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_a_transfer_across_currencies_needs_what_arrives(owner, checking, api):
    euros = make_account(owner, "Euro savings", currency="EUR")
    body = rent(checking, kind="transfer", to_account_id=euros.pk, payee="")
    refused = api.post("/recurring/schedules", body)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "received", "message": "Enter the amount received in EUR."}
    ]
    created = api.post("/recurring/schedules", {**body, "received": "1100"})
    assert created.status_code == 201, created.content
    assert created.json()["received"] == {"amount": "1100.00", "currency": "EUR"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"start_date": "2020-01-01"}, "start_date"),
        ({"end_date": "2026-11-30"}, "end_date"),
        ({"interval": 0}, "interval"),
        ({"frequency": "hourly"}, "frequency"),
        ({"day_of_month": 0}, "day_of_month"),
    ],
)
def test_it_refuses_bad_schedules_and_writes_nothing(checking, api, change, field):
    response = api.post("/recurring/schedules", rent(checking, **change))
    assert response.status_code in (400, 422), response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert not Schedule.objects.exists()


def test_it_replaces_and_deletes_a_schedule(owner, checking, api):
    schedule = make_schedule(owner, checking, 120000)
    response = api.put(f"/recurring/schedules/{schedule.pk}", rent(checking, amount="1300"))
    assert response.status_code == 200, response.content
    assert response.json()["amount"]["amount"] == "1300.00"
    schedule.refresh_from_db()
    assert schedule.amount == 130000
    assert api.delete(f"/recurring/schedules/{schedule.pk}").status_code == 204
    assert not Schedule.objects.exists()


def test_pending_dates_are_listed_then_confirmed_or_skipped(owner, checking, api):
    schedule = make_schedule(
        owner, checking, 999, name="Gym", frequency="weekly", start=date(2026, 11, 1),
        auto_post=False,
    )  # fmt: skip
    run_due(date(2026, 11, 27))
    pending = api.get("/recurring/occurrences/pending", limit=2).json()
    assert [item["date"] for item in pending["items"]] == ["2026-11-01", "2026-11-08"]
    rest = api.get("/recurring/occurrences/pending", cursor=pending["next_cursor"]).json()
    assert [item["date"] for item in rest["items"]] == ["2026-11-15", "2026-11-22"]
    assert rest["next_cursor"] is None

    first, second = pending["items"]
    confirmed = api.post(f"/recurring/occurrences/{first['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "posted"
    posted = Transaction.objects.get()
    assert (confirmed.json()["transaction_id"], posted.amount) == (posted.pk, -999)
    skipped = api.post(f"/recurring/occurrences/{second['id']}/skip")
    assert skipped.json()["status"] == "skipped"
    again = api.post(f"/recurring/occurrences/{second['id']}/confirm")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert Transaction.objects.count() == 1
    assert Occurrence.objects.filter(schedule=schedule, status="pending").count() == 2


def test_upcoming_lists_pending_then_future_dates(owner, checking, api):
    make_schedule(owner, checking, 500, name="Coffee", frequency="weekly",
                  start=date(2026, 11, 20), auto_post=False)  # fmt: skip
    run_due(date(2026, 11, 27))
    body = api.get("/recurring/upcoming", days=14).json()
    assert [(row["date"], row["pending"]) for row in body] == [
        ("2026-11-20", True),
        ("2026-11-27", True),
        ("2026-12-04", False),
        ("2026-12-11", False),
    ]
    assert body[0]["amount"] == {"amount": "-5.00", "currency": "USD"}
    assert api.get("/recurring/upcoming", days=0).status_code == 422
