"""``/api/v1/rules``, ``/api/v1/imports`` and ``/api/v1/rates``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import get_args

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from spendwise.api.tests.conftest import API, api_client
from spendwise.currency.actions import rate_set
from spendwise.currency.models import ExchangeRate
from spendwise.imports.api import DateFormat
from spendwise.imports.formats import dates
from spendwise.imports.models import ImportBatch, ImportDraft
from spendwise.ledger.models import DailyTotal, Transaction
from spendwise.rules.models import Rule
from spendwise.testing.factories import category, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_november_2026():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=False):
        yield


# --- rules --------------------------------------------------------------------------------------
def coffee_rule(**changes) -> dict:
    return {"name": "Coffee", "payee_match": "contains", "payee_value": "cafe", **changes}


def test_it_creates_lists_moves_and_deletes_rules(owner, api):
    drinks = category(owner, "Groceries")
    first = api.post("/rules", coffee_rule(set_category_id=drinks.pk, amount_max="20"))
    assert first.status_code == 201, first.content
    assert first.json()["amount_max"] == {"amount": "20.00", "currency": "USD"}
    second = api.post("/rules", coffee_rule(name="Tea", add_tags=["hot"])).json()
    assert second["add_tags"] == ["hot"]
    moved = api.post(f"/rules/{second['id']}/move", {"direction": "up"})
    assert moved.json()["position"] == 0
    assert [r.name for r in Rule.objects.filter(household=owner.household)] == ["Tea", "Coffee"]
    assert api.delete(f"/rules/{second['id']}").status_code == 204
    assert [item["name"] for item in api.get("/rules").json()["items"]] == ["Coffee"]


def test_it_refuses_a_rule_without_an_action_and_writes_nothing(api):
    response = api.post("/rules", coffee_rule())
    assert response.status_code == 400
    assert "at least one action" in response.json()["detail"]
    assert not Rule.objects.exists()


def test_a_viewer_cannot_add_a_rule(viewer, owner):
    drinks = category(owner, "Groceries")
    response = api_client(viewer, "read").post("/rules", coffee_rule(set_category_id=drinks.pk))
    assert response.status_code == 403
    assert not Rule.objects.exists()


def test_it_previews_then_applies_rules_and_refuses_a_stale_preview(owner, checking, api):
    drinks = category(owner, "Groceries")
    entry = make_entry(owner, checking, 350, on=date(2026, 11, 20), payee="Corner Cafe")
    api.post("/rules", coffee_rule(set_category_id=drinks.pk))
    plan = api.get("/rules/apply").json()
    assert plan["change_count"] == 1
    assert plan["changes"][0]["new_category_id"] == drinks.pk
    assert plan["changes"][0]["amount"] == {"amount": "-3.50", "currency": "USD"}
    make_entry(owner, checking, 420, on=date(2026, 11, 21), payee="Other Cafe")
    stale = api.post("/rules/apply", {"digest": plan["digest"]})
    assert stale.status_code == 409
    entry.refresh_from_db()
    assert entry.category_id != drinks.pk
    fresh = api.get("/rules/apply").json()
    applied = api.post("/rules/apply", {"digest": fresh["digest"]})
    assert applied.json()["changed"] == 2
    entry.refresh_from_db()
    assert entry.category_id == drinks.pk


def test_it_suggests_the_category_used_with_a_payee(owner, checking, api):
    make_entry(owner, checking, 350, on=date(2026, 11, 20), payee="Bakery", category_name="Food")
    found = api.get("/rules/suggest", payee="Bakery", kind="expense").json()
    assert found == {"category_id": category(owner, "Food").pk}
    assert api.get("/rules/suggest", payee="Unknown").json() == {"category_id": None}


# --- imports ------------------------------------------------------------------------------------
def import_file(api, account, content: bytes, name: str = "statement.csv", **fields):
    form = {"account_id": account.pk, "file": SimpleUploadedFile(name, content), **fields}
    return api.client.post(f"{API}/imports", form, **api.headers)


CSV = b"Date,Payee,Amount\n2026-11-10,Cafe,-3.50\n2026-11-11,Salary,1000.00\n"


def test_it_imports_a_file_in_one_call_and_skips_duplicates_next_time(checking, api):
    response = import_file(api, checking, CSV)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_imported"], body["duplicates_skipped"]) == (2, 0)
    assert Transaction.objects.filter(account=checking).count() == 2
    assert not ImportDraft.objects.exists()
    more = CSV + b"2026-11-12,Shop,-9.99\n"
    again = import_file(api, checking, more).json()
    assert (again["rows_imported"], again["duplicates_skipped"]) == (1, 2)
    nothing = import_file(api, checking, more)
    assert nothing.status_code == 409
    assert Transaction.objects.filter(account=checking).count() == 3


def test_a_row_with_an_error_refuses_the_whole_file(checking, api):
    bad = CSV + b"2026-11-12,Shop,lots\n"
    response = import_file(api, checking, bad)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "row_errors"
    assert [e["field"] for e in response.json()["errors"]] == ["line 4"]
    assert not Transaction.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not ImportDraft.objects.exists()


def test_ambiguous_dates_need_a_date_format(checking, api):
    ambiguous = b"Date,Payee,Amount\n01/02/2026,Cafe,-3.50\n03/04/2026,Shop,-1.00\n"
    refused = import_file(api, checking, ambiguous)
    assert refused.status_code == 422
    assert refused.json()["code"] == "mapping_needed"
    assert "date_format" in refused.json()["detail"]
    assert not ImportDraft.objects.exists()
    done = import_file(api, checking, ambiguous, date_format="DD/MM/YYYY")
    assert done.status_code == 201, done.content
    assert sorted(Transaction.objects.values_list("date", flat=True)) == [
        date(2026, 2, 1),
        date(2026, 4, 3),
    ]


def test_columns_it_cannot_tell_apart_are_a_422_listing_the_headers(checking, api):
    response = import_file(api, checking, b"When,Who,What\nsoon,me,12.00\nlater,you,3.00\n")
    assert response.status_code == 422
    assert "“When”, “Who”, “What”" in response.json()["detail"]


def test_a_file_over_the_limit_is_a_413(checking, api, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = import_file(api, checking, CSV + b"x" * 2000)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_too_many_rows_is_a_422(checking, api, settings):
    settings.IMPORT_MAX_ROWS = 1
    response = import_file(api, checking, CSV)
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_rows"


def test_undo_refuses_edited_rows_unless_confirmed(checking, api):
    batch = import_file(api, checking, CSV).json()
    assert api.get("/imports").json()["items"][0]["id"] == batch["id"]
    with time_machine.travel("2026-11-28 12:00:00+00:00", tick=False):
        row = Transaction.objects.filter(account=checking).first()
        assert row is not None
        row.note = "edited"
        row.save()
    refused = api.post(f"/imports/{batch['id']}/undo")
    assert refused.status_code == 409
    assert Transaction.objects.filter(account=checking).count() == 2
    done = api.post(f"/imports/{batch['id']}/undo?confirm=true")
    assert done.status_code == 200, done.content
    assert done.json()["removed"] == 2
    assert done.json()["batch"]["undone"] is True
    assert not Transaction.objects.exists()
    assert not DailyTotal.objects.exclude(total=0).exists()


def test_the_api_offers_every_date_format_the_wizard_knows():
    assert list(get_args(DateFormat)) == [f.key for f in dates.FORMATS]


# --- exchange rates -----------------------------------------------------------------------------
def test_it_adds_lists_and_deletes_a_household_rate(owner, outsider, api):
    created = api.post(
        "/rates", {"date": "2026-11-20", "base": "eur", "quote": "USD", "rate": "1.0765"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["rate"] == "1.0765"
    rate_set(actor=outsider, day=date(2026, 11, 20), base="EUR", quote="GBP", rate=Decimal("0.9"))
    listed = api.get("/rates", base="EUR").json()["items"]
    assert [(r["quote"], r["own"]) for r in listed] == [("USD", True)]
    assert api.get("/rates", date_from="2026-11-21").json()["items"] == []
    assert api.delete(f"/rates/{created.json()['id']}").status_code == 204
    assert not ExchangeRate.objects.filter(household=owner.household).exists()


def test_it_converts_and_names_a_missing_rate(owner, api):
    rate_set(actor=owner, day=date(2026, 11, 20), base="EUR", quote="USD", rate=Decimal("1.25"))
    found = api.get("/rates/convert", amount="10", currency="EUR", to="USD", on="2026-11-21")
    assert found.json() == {"amount": "12.50", "currency": "USD"}
    missing = api.get("/rates/convert", amount="10", currency="EUR", to="JPY", on="2026-11-21")
    assert missing.status_code == 422
    assert missing.json()["code"] == "missing_rate"
    assert "EUR→JPY" in missing.json()["detail"]
