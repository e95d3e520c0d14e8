"""Transfers through the pages: two linked legs that change and disappear together."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.ledger.models import Account, Transaction, Transfer
from spendwise.money import Money
from spendwise.testing.factories import demote_to_viewer, make_transfer

pytestmark = pytest.mark.django_db


def transfer_data(source: Account, destination: Account, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "source": source.pk,
        "destination": destination.pk,
        "date": "2026-11-10",
        "amount": "250.00",
        "received": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_it_moves_money_between_two_accounts(owner_client, checking, savings):
    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, savings, note="rainy day")
    )

    assert response.status_code == 302
    assert checking.balance() == Money(100_000 - 25_000, "USD")
    assert savings.balance() == Money(25_000, "USD")
    transfer = Transfer.objects.get()
    outgoing, incoming = transfer.legs()
    assert (outgoing.account, incoming.account) == (checking, savings)
    assert {leg.note for leg in (outgoing, incoming)} == {"rainy day"}
    listing = owner_client.get(response["Location"])
    assertContains(listing, "Transfer recorded.")


def test_it_needs_the_received_amount_across_currencies(owner_client, checking, euros):
    response = owner_client.post(reverse("ledger:transfer_create"), transfer_data(checking, euros))

    assertContains(response, "Enter the amount received in EUR.", status_code=400)
    assert not Transaction.objects.exists()

    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, euros, received="230.10")
    )

    assert response.status_code == 302
    assert checking.balance() == Money(100_000 - 25_000, "USD")
    assert euros.balance() == Money(23_010, "EUR")


def test_it_refuses_a_received_amount_that_differs_in_one_currency(owner_client, checking, savings):
    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, savings, received="240")
    )

    assertContains(response, "the amounts must match", status_code=400)
    assert not Transaction.objects.exists()


def test_it_refuses_a_transfer_to_the_same_account(owner_client, checking):
    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, checking)
    )

    assertContains(response, "Choose two different accounts.", status_code=400)
    assert not Transfer.objects.exists()
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "12.3.4"}, "“12.3.4” is not an amount."),
        ({"amount": "0"}, "Enter an amount greater than zero."),
        ({"date": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_it_refuses_a_bad_transfer_and_writes_nothing(
    owner_client, checking, savings, overrides, message
):
    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, savings, **overrides)
    )

    assertContains(response, message, status_code=400)
    assert not Transfer.objects.exists()


def test_it_refuses_another_households_account_as_destination(
    owner_client, checking, outsiders_account
):
    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, outsiders_account)
    )

    assertContains(response, "Select a valid choice", status_code=400)
    assert not Transaction.objects.exists()
    assert outsiders_account.balance() == Money(5_000, "USD")


def test_it_refuses_a_viewers_transfer(owner_client, owner, checking, savings):
    demote_to_viewer(owner)

    response = owner_client.post(
        reverse("ledger:transfer_create"), transfer_data(checking, savings)
    )

    assertContains(response, "Your role in this household cannot make changes.", status_code=403)
    assert not Transfer.objects.exists()


def test_it_explains_that_a_transfer_needs_two_accounts(owner_client, checking):
    response = owner_client.get(reverse("ledger:transfer_create"))

    assertContains(response, "you have fewer than two that are open")
    assertNotContains(response, 'name="source"')


def test_editing_a_transfer_changes_both_legs(owner_client, owner, checking, savings, euros):
    transfer = make_transfer(owner, checking, savings, 10_000)
    page = owner_client.get(reverse("ledger:transfer_edit", args=[transfer.pk]))
    assertContains(page, 'value="100.00"')

    response = owner_client.post(
        reverse("ledger:transfer_edit", args=[transfer.pk]),
        transfer_data(checking, euros, amount="60", received="55.5", date="2026-11-20"),
    )

    assert response.status_code == 302
    outgoing, incoming = transfer.legs()
    assert (outgoing.account, outgoing.amount, outgoing.date) == (
        checking,
        -6_000,
        date(2026, 11, 20),
    )
    assert (incoming.account, incoming.amount, incoming.currency, incoming.date) == (
        euros,
        5_550,
        "EUR",
        date(2026, 11, 20),
    )
    assert savings.balance() == Money(0, "USD")
    assert checking.balance() == Money(100_000 - 6_000, "USD")
    assert Transaction.objects.count() == 2


def test_a_refused_transfer_edit_changes_neither_leg(owner_client, owner, checking, savings):
    transfer = make_transfer(owner, checking, savings, 10_000)

    response = owner_client.post(
        reverse("ledger:transfer_edit", args=[transfer.pk]),
        transfer_data(savings, savings, amount="60"),
    )

    assertContains(response, "Choose two different accounts.", status_code=400)
    outgoing, incoming = transfer.legs()
    assert (outgoing.account, outgoing.amount) == (checking, -10_000)
    assert (incoming.account, incoming.amount) == (savings, 10_000)


def test_deleting_one_leg_deletes_both(owner_client, owner, checking, savings):
    transfer = make_transfer(owner, checking, savings, 10_000)
    _outgoing, incoming = transfer.legs()

    response = owner_client.post(reverse("ledger:transaction_delete", args=[incoming.pk]))

    assert response.status_code == 302
    assert not Transfer.objects.exists()
    assert not Transaction.objects.exists()
    assert checking.balance() == Money(100_000, "USD")
    assert savings.balance() == Money(0, "USD")
    assertContains(owner_client.get(response["Location"]), "Transfer deleted from both accounts.")


def test_it_hides_another_households_transfer(outsider_client, owner, checking, savings):
    transfer = make_transfer(owner, checking, savings, 10_000)
    url = reverse("ledger:transfer_edit", args=[transfer.pk])

    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, transfer_data(checking, savings)).status_code == 404
    assert transfer.legs()[0].amount == -10_000
