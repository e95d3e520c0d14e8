"""Accounts: list with balances, create, edit, delete, and the balance on a chosen day."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.ledger.models import Account
from spendwise.testing.factories import demote_to_viewer, make_account, make_entry, make_transfer

pytestmark = pytest.mark.django_db


def account_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Wallet",
        "kind": "cash",
        "currency": "USD",
        "opening_balance": "1,234.56",
    }
    data.update(overrides)
    return data


def test_it_creates_an_account_with_an_opening_balance(owner_client, owner):
    response = owner_client.post(reverse("ledger:account_create"), account_data())

    account = Account.objects.get(household=owner.household)
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:account_detail", args=[account.pk])
    assert (account.name, account.kind, account.currency, account.opening_balance) == (
        "Wallet",
        "cash",
        "USD",
        123_456,
    )
    detail = owner_client.get(response["Location"])
    assertContains(detail, "$1,234.56")
    assertContains(detail, "Account “Wallet” added.")


def test_it_offers_the_home_currency_for_a_new_account(owner_client, owner):
    owner.user.home_currency = "VND"
    owner.user.save()

    response = owner_client.get(reverse("ledger:account_create"))

    assertContains(response, 'value="VND"')


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"currency": "VND", "opening_balance": "1.5"}, "VND amounts have no decimal places."),
        ({"currency": "XYZ"}, "“XYZ” is not an ISO 4217 currency code."),
        ({"opening_balance": "12.3.4"}, "“12.3.4” is not an amount."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_it_refuses_a_bad_account_and_writes_nothing(owner_client, owner, overrides, message):
    response = owner_client.post(reverse("ledger:account_create"), account_data(**overrides))

    assertContains(response, message, status_code=400)
    assert not Account.objects.filter(household=owner.household).exists()


def test_it_reads_a_lower_case_currency_and_a_blank_opening_balance(owner_client, owner):
    owner_client.post(
        reverse("ledger:account_create"), account_data(currency="eur", opening_balance="")
    )

    account = Account.objects.get(household=owner.household)
    assert (account.currency, account.opening_balance) == ("EUR", 0)


def test_it_refuses_a_second_account_with_the_same_name(owner_client, checking):
    response = owner_client.post(reverse("ledger:account_create"), account_data(name="checking"))

    assertContains(response, "You already have an account with this name.", status_code=400)
    assert Account.objects.count() == 1


def test_it_lists_accounts_with_balances_and_archived_ones_apart(
    owner_client, owner, checking, savings
):
    make_entry(owner, checking, 2_500)
    old = make_account(owner, "Old card", kind="credit_card", opening=-4_000)
    old.archived = True
    old.save()

    response = owner_client.get(reverse("ledger:accounts"))

    content = response.content.decode()
    active, archived = content.split('id="archived-title"')
    assert "Checking" in active and "$975.00" in active and "Savings" in active
    assert "Old card" not in active
    assert "Old card" in archived and "Credit card" in archived and "-$40.00" in archived
    assertContains(response, "Total in USD")


def test_it_invites_the_first_account(owner_client):
    response = owner_client.get(reverse("ledger:accounts"))

    assertContains(response, "Add your first account")


def test_it_edits_an_account_but_never_its_currency(owner_client, checking):
    response = owner_client.post(
        reverse("ledger:account_edit", args=[checking.pk]),
        account_data(
            name="Main", kind="savings", currency="EUR", opening_balance="50", archived="on"
        ),
    )

    assert response.status_code == 302
    checking.refresh_from_db()
    assert (checking.name, checking.kind, checking.currency) == ("Main", "savings", "USD")
    assert (checking.opening_balance, checking.archived) == (5_000, True)
    page = owner_client.get(reverse("ledger:account_edit", args=[checking.pk]))
    assertContains(page, 'name="currency" value="USD"')
    assertContains(page, "disabled")


def test_it_refuses_to_delete_an_account_with_transactions(owner_client, owner, checking):
    make_entry(owner, checking, 1_000)

    response = owner_client.post(reverse("ledger:account_delete", args=[checking.pk]))

    assertContains(response, "This account has transactions. Archive it instead", status_code=400)
    assert Account.objects.filter(pk=checking.pk).exists()


def test_it_deletes_an_account_without_transactions(owner_client, checking):
    response = owner_client.post(reverse("ledger:account_delete", args=[checking.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:accounts")
    assert not Account.objects.filter(pk=checking.pk).exists()


def test_it_refuses_a_viewers_account_changes(owner_client, owner, checking):
    demote_to_viewer(owner)

    created = owner_client.post(reverse("ledger:account_create"), account_data())
    edited = owner_client.post(
        reverse("ledger:account_edit", args=[checking.pk]), account_data(name="Renamed")
    )
    deleted = owner_client.post(reverse("ledger:account_delete", args=[checking.pk]))

    for response in (created, edited, deleted):
        assertContains(
            response, "Your role in this household cannot make changes.", status_code=403
        )
    checking.refresh_from_db()
    assert checking.name == "Checking"
    assert Account.objects.filter(household=owner.household).count() == 1


def test_it_shows_the_balance_now_and_on_a_chosen_day(owner_client, owner, checking, savings):
    make_entry(owner, checking, 1_000, on=date(2026, 1, 10))
    make_entry(owner, checking, 5_000, kind="income", on=date(2026, 1, 31))
    make_entry(owner, checking, 2_000, on=date(2026, 2, 1))
    make_transfer(owner, savings, checking, 300, on=date(2026, 2, 2))
    make_entry(owner, savings, 999, payee="Elsewhere")

    response = owner_client.get(
        reverse("ledger:account_detail", args=[checking.pk]) + "?on=2026-01-31"
    )

    assertContains(response, '<div class="value" data-testid="balance">$1,023.00</div>', html=False)
    assertContains(response, "$1,040.00")  # 1000 - 10 + 50 at the end of 31 January
    assertContains(response, "Transfer from Savings")
    assertNotContains(response, "Elsewhere")


def test_it_explains_a_bad_balance_date_instead_of_failing(owner_client, checking):
    response = owner_client.get(
        reverse("ledger:account_detail", args=[checking.pk]) + "?on=2026-02-30"
    )

    assertContains(response, "Enter a valid date.")
    assertNotContains(response, 'data-testid="balance-on"')


def test_it_hides_another_households_account(outsider_client, checking):
    for name in ("ledger:account_detail", "ledger:account_edit"):
        assert outsider_client.get(reverse(name, args=[checking.pk])).status_code == 404
    response = outsider_client.post(reverse("ledger:account_delete", args=[checking.pk]))
    assert response.status_code == 404
    assert Account.objects.filter(pk=checking.pk).exists()
