"""Paid by, entered by, and settle-up: who paid what, the fair share, who owes whom, and a
settlement that makes the balances show settled."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spendwise.households.models import Membership, Settlement
from spendwise.households.queries import settle_up
from spendwise.ledger import actions
from spendwise.ledger.models import Transaction
from spendwise.money import Money
from spendwise.testing.factories import join, make_account, make_entry, make_member

pytestmark = pytest.mark.django_db

NOVEMBER = {"range": "custom", "from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
        yield


@pytest.fixture
def partner(owner: Membership) -> Membership:
    return join(owner, make_member("partner@example.com"))


@pytest.fixture
def third(owner: Membership) -> Membership:
    return join(owner, make_member("third@example.com"))


def _paid(member: Membership, account, minor: int, payer=actions.PAID_BY_DEFAULT, **kw):
    return actions.transaction_create(
        actor=member,
        entry=actions.EntryInput(
            kind="expense",
            account=account,
            date=kw.get("on", date(2026, 11, 10)),
            amount=Money(minor, account.currency),
            paid_by=payer,
        ),
    )


def test_an_expense_is_paid_by_the_person_entering_it_by_default(owner, checking):
    row = make_entry(owner, checking, 1000)
    assert row.paid_by == owner.user and row.created_by == owner.user


def test_income_is_never_paid_by(owner, checking):
    assert make_entry(owner, checking, 1000, kind="income").paid_by is None


def test_the_form_records_another_member_as_payer_and_the_list_shows_both(
    owner_client, checking, partner
):
    response = owner_client.post(
        reverse("ledger:transaction_create"),
        {
            "kind": "expense",
            "date": "2026-11-10",
            "amount": "12.00",
            "account": checking.pk,
            "paid_by": partner.user_id,
        },
    )
    assert response.status_code == 302
    row = Transaction.objects.get()
    assert row.paid_by == partner.user
    assert row.created_by is not None and row.created_by.email == "owner@example.com"
    page = owner_client.get(reverse("ledger:transactions")).content.decode()
    assert "paid by partner@example.com" in page and "entered by owner@example.com" in page


def test_the_form_refuses_a_payer_from_outside_the_household(
    owner_client, checking, partner, outsider
):
    response = owner_client.post(
        reverse("ledger:transaction_create"),
        {
            "kind": "expense",
            "date": "2026-11-10",
            "amount": "12.00",
            "account": checking.pk,
            "paid_by": outsider.user_id,
        },
    )
    assert response.status_code == 400
    assert not Transaction.objects.exists()


def test_the_action_refuses_a_payer_who_is_not_a_member(owner, checking, outsider):
    from spendwise.errors import DomainError

    with pytest.raises(DomainError):
        _paid(owner, checking, 100, payer=outsider.user)
    assert not Transaction.objects.exists()


def test_settle_up_splits_equally_with_exact_leftover_cents(owner, partner, third, checking):
    _paid(owner, checking, 1000)  # $10.00 paid by the owner, shared by three
    (usd,) = settle_up(owner.household, date(2026, 11, 1), date(2026, 11, 30))
    by_email = {row.user.email: row for row in usd.rows}
    assert usd.total == Money(1000, "USD")
    shares = sorted(row.share.minor for row in usd.rows)
    assert shares == [333, 333, 334] and sum(shares) == 1000
    # the lowest user id (the owner) gets the leftover cent
    assert by_email["owner@example.com"].share == Money(334, "USD")
    assert by_email["owner@example.com"].balance == Money(666, "USD")
    assert {(a.email, b.email, m.minor) for a, b, m in usd.transfers} == {
        ("partner@example.com", "owner@example.com", 333),
        ("third@example.com", "owner@example.com", 333),
    }


def test_viewers_do_not_share_and_unshared_expenses_do_not_count(owner, partner, viewer, checking):
    _paid(owner, checking, 1000)
    _paid(owner, checking, 5000, payer=None)  # not shared
    (usd,) = settle_up(owner.household, date(2026, 11, 1), date(2026, 11, 30))
    assert {row.user.email for row in usd.rows} == {"owner@example.com", "partner@example.com"}
    assert usd.total == Money(1000, "USD")


def test_each_currency_is_settled_on_its_own(owner, partner, checking):
    euros = make_account(owner, "Euro card", currency="EUR")
    _paid(owner, checking, 1000)
    _paid(partner, euros, 3000)
    sections = settle_up(owner.household, date(2026, 11, 1), date(2026, 11, 30))
    assert [s.currency for s in sections] == ["EUR", "USD"]
    eur, usd = sections
    assert [(a.email, m.minor) for a, _, m in eur.transfers] == [("owner@example.com", 1500)]
    assert [(a.email, m.minor) for a, _, m in usd.transfers] == [("partner@example.com", 500)]


def test_the_settle_button_records_a_settlement_and_the_page_shows_settled(
    owner, owner_client, partner, checking
):
    _paid(owner, checking, 2001)
    page = owner_client.get(reverse("households:settle_up"), NOVEMBER)
    assert page.status_code == 200
    text = page.content.decode()
    assert "partner@example.com owes owner@example.com" in text
    assert "$10.00" in text  # the partner's share of $20.01 (the owner takes the odd cent)

    response = owner_client.post(
        reverse("households:settle"),
        {
            "payer": partner.user_id,
            "payee": owner.user_id,
            "amount": "10.00",
            "currency": "USD",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
        },
    )
    assert response.status_code == 302
    settlement = Settlement.objects.get()
    assert (settlement.payer, settlement.payee, settlement.amount) == (
        partner.user,
        owner.user,
        1000,
    )
    after = owner_client.get(response["Location"]).content.decode()
    assert "All settled." in after
    assert "owes" not in after


def test_a_viewer_cannot_settle(owner, viewer_client, partner, checking):
    _paid(owner, checking, 2000)
    response = viewer_client.post(
        reverse("households:settle"),
        {
            "payer": partner.user_id,
            "payee": owner.user_id,
            "amount": "10.00",
            "currency": "USD",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
        },
    )
    assert response.status_code == 403
    assert not Settlement.objects.exists()


def test_a_bad_settlement_is_a_400_and_records_nothing(owner_client, owner, partner):
    for amount in ("-5", "abc", "0"):
        response = owner_client.post(
            reverse("households:settle"),
            {
                "payer": partner.user_id,
                "payee": owner.user_id,
                "amount": amount,
                "currency": "USD",
                "period_start": "2026-11-01",
                "period_end": "2026-11-30",
            },
        )
        assert response.status_code == 400
    assert not Settlement.objects.exists()


def test_the_api_answers_settle_up_and_records_settlements(owner, partner, checking):
    from spendwise.api.actions import token_create

    _paid(owner, checking, 1000)
    token = token_create(actor=owner, name="t", scope="read_write")[1]
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    answer = client.get(
        "/api/v1/household/settle-up?date_from=2026-11-01&date_to=2026-11-30", **auth
    ).json()
    (usd,) = answer["currencies"]
    assert usd["payments"] == [
        {
            "payer_user_id": partner.user_id,
            "payee_user_id": owner.user_id,
            "amount": {"amount": "5.00", "currency": "USD"},
        }
    ]
    created = client.post(
        "/api/v1/household/settlements",
        {
            "payer_user_id": partner.user_id,
            "payee_user_id": owner.user_id,
            "amount": "5.00",
            "currency": "USD",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    again = client.get(
        "/api/v1/household/settle-up?date_from=2026-11-01&date_to=2026-11-30", **auth
    ).json()
    assert again["currencies"][0]["payments"] == []


def test_the_api_sets_paid_by_and_refuses_a_stranger_with_404(owner, partner, outsider, checking):
    from spendwise.api.actions import token_create

    token = token_create(actor=owner, name="t", scope="read_write")[1]
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"kind": "expense", "date": "2026-11-10", "amount": "3.00", "account_id": checking.pk}
    client = Client()
    mine = client.post("/api/v1/transactions", body, content_type="application/json", **auth)
    assert mine.json()["paid_by_user_id"] == owner.user_id
    theirs = client.post(
        "/api/v1/transactions",
        {**body, "paid_by_user_id": partner.user_id},
        content_type="application/json",
        **auth,
    )
    assert theirs.json()["paid_by_user_id"] == partner.user_id
    nobody = client.post(
        "/api/v1/transactions",
        {**body, "paid_by_user_id": None},
        content_type="application/json",
        **auth,
    )
    assert nobody.json()["paid_by_user_id"] is None
    stranger = client.post(
        "/api/v1/transactions",
        {**body, "paid_by_user_id": outsider.user_id},
        content_type="application/json",
        **auth,
    )
    assert stranger.status_code == 404
    assert Transaction.objects.count() == 3
