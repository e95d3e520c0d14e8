"""Household isolation, enumerated: every URL that names an object answers 404 to a member of
another household, for GET and POST, and the object's household is left exactly as it was.
Every page without an object shows the outsider nothing of the owner's data.

A new URL pattern with a parameter fails ``test_every_object_url_is_covered`` until it is
added to ``TARGETS``: no page can escape this test by being forgotten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spendwise.budgets.actions import budget_set
from spendwise.budgets.models import Budget, BudgetAmount
from spendwise.households.models import Household, Membership
from spendwise.ledger.models import Account, Category, Payee, Tag, Transaction, Transfer
from spendwise.money import Money
from spendwise.recurring.actions import run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.testing.factories import (
    category,
    make_account,
    make_entry,
    make_schedule,
    make_transfer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    """The world below uses fixed dates around November 2026."""
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
        yield


SECRET = "Zebra-Owner-Secret"


def url_patterns() -> list[tuple[str, URLPattern]]:
    """(namespaced name, pattern) for every named URL of the project."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((f"{namespace}{pattern.name}", pattern))

    walk(get_resolver().url_patterns, "")
    # The JSON API has its own enumeration, operation by operation from the OpenAPI schema:
    # spendwise/api/tests/test_api_isolation.py.
    return [(name, pattern) for name, pattern in found if not name.startswith("api:")]


def object_urls() -> list[str]:
    return sorted(name for name, p in url_patterns() if p.pattern.regex.groupindex)


def plain_urls() -> list[str]:
    return sorted(name for name, p in url_patterns() if not p.pattern.regex.groupindex)


def build_world(owner: Membership) -> dict[str, Any]:
    """One of everything, in the owner's household, with names the outsider must never see."""
    checking = make_account(owner, f"{SECRET} Checking")
    savings = make_account(owner, f"{SECRET} Savings", kind="savings")
    expense = make_entry(
        owner,
        checking,
        1234,
        category_name="Groceries",
        payee=f"{SECRET} Shop",
        tags=(f"{SECRET}-tag",),
        note=f"{SECRET} note",
    )
    transfer = make_transfer(owner, checking, savings, 5000)
    schedule = make_schedule(
        owner, checking, 999, name=f"{SECRET} Rent", start=date(2026, 11, 1), auto_post=False
    )
    run_due(date(2026, 11, 27))  # leaves one occurrence waiting for confirmation
    budget = budget_set(
        actor=owner,
        category=category(owner, "Food"),
        month=date(2026, 12, 1),
        amount=Money(10000, "USD"),
        repeats=True,
    )
    return {
        "budget": budget,
        "account": checking,
        "category": category(owner, "Groceries"),
        "payee": expense.payee,
        "tag": expense.tags.get(),
        "transaction": expense,
        "transfer": transfer,
        "transfer_leg": transfer.transactions.first(),
        "schedule": schedule,
        "occurrence": schedule.occurrences.get(),
    }


# URL name → which object of the world its parameter names.
TARGETS: dict[str, str] = {
    "ledger:account_detail": "account",
    "ledger:account_edit": "account",
    "ledger:account_delete": "account",
    "ledger:category_edit": "category",
    "ledger:payee_edit": "payee",
    "ledger:transaction_edit": "transaction",
    "ledger:transaction_delete": "transaction",
    "ledger:transfer_edit": "transfer",
    "budgets:edit": "budget",
    "budgets:delete": "budget",
    "recurring:schedule_edit": "schedule",
    "recurring:schedule_delete": "schedule",
    "recurring:occurrence_confirm": "occurrence",
    "recurring:occurrence_skip": "occurrence",
}


def snapshot(household: Household) -> dict[str, list[dict[str, Any]]]:
    models = [Account, Budget, Category, Payee, Tag, Transaction, Transfer, Schedule]
    state = {
        m.__name__: sorted(
            (m.objects.filter(household=household).values()),  # type: ignore[attr-defined]
            key=lambda row: row["id"],
        )
        for m in models
    }
    state["BudgetAmount"] = sorted(
        BudgetAmount.objects.filter(budget__household=household).values(),
        key=lambda row: row["id"],
    )
    state["Occurrence"] = sorted(
        Occurrence.objects.filter(schedule__household=household).values(),
        key=lambda row: row["id"],
    )
    state["tags"] = sorted(
        Transaction.tags.through.objects.filter(transaction__household=household).values_list(
            "transaction_id", "tag_id"
        )
    )
    return state


def hostile_payload(world: dict[str, Any]) -> dict[str, str]:
    """A form that would be valid for the owner, posted by the outsider."""
    return {
        "name": "Hijacked",
        "kind": "expense",
        "currency": "USD",
        "opening_balance": "0",
        "account": str(world["account"].pk),
        "source": str(world["account"].pk),
        "destination": str(world["transfer_leg"].account_id),
        "date": str(date(2026, 11, 1)),
        "amount": "1.00",
        "received": "1.00",
        "category": str(world["category"].pk),
        "payee": "Hijacked",
        "tags": "hijacked",
        "note": "hijacked",
        "colour": "#000000",
        "default_category": str(world["category"].pk),
    }


def test_every_object_url_is_covered():
    assert set(object_urls()) == set(TARGETS), (
        "Add each new URL with a parameter to TARGETS in spendwise/tests/test_isolation.py"
    )


@pytest.mark.parametrize("url_name", object_urls())
def test_another_households_object_is_a_404_and_stays_unchanged(
    url_name, owner, outsider_client: Client
):
    world = build_world(owner)
    before = snapshot(owner.household)
    pattern = dict(url_patterns())[url_name]
    (param,) = pattern.pattern.regex.groupindex
    url = reverse(url_name, kwargs={param: world[TARGETS[url_name]].pk})

    answers = [
        outsider_client.get(url).status_code,
        outsider_client.post(url, hostile_payload(world)).status_code,
        outsider_client.post(url, hostile_payload(world), HTTP_HX_REQUEST="true").status_code,
    ]
    # 405 for a method the view never accepts says nothing about the object; anything but
    # 404/405 (a 403, a redirect, a page) would reveal or touch it.
    assert set(answers) <= {404, 405} and 404 in answers, answers
    assert snapshot(owner.household) == before


@pytest.mark.parametrize("url_name", plain_urls())
def test_pages_without_an_object_show_nothing_of_another_household(
    url_name, owner, outsider_client: Client
):
    build_world(owner)
    before = snapshot(owner.household)
    response = outsider_client.get(reverse(url_name), follow=True)
    assert response.status_code in (200, 405)
    assert SECRET not in response.content.decode()
    assert snapshot(owner.household) == before


def test_the_owner_can_open_every_object_url(owner, owner_client: Client):
    """The 404s above are about ownership, not broken pages."""
    world = build_world(owner)
    for url_name in object_urls():
        pattern = dict(url_patterns())[url_name]
        (param,) = pattern.pattern.regex.groupindex
        url = reverse(url_name, kwargs={param: world[TARGETS[url_name]].pk})
        assert owner_client.get(url).status_code in (200, 302, 405), url_name
