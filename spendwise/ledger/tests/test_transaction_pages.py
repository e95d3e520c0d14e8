"""The transaction list: quick add (plain and HTMX), edit, delete, filters and keyset paging."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.ledger.actions import tags_for_names
from spendwise.ledger.models import Account, Tag, Transaction
from spendwise.money import Money
from spendwise.testing.factories import category, demote_to_viewer, make_entry, make_transfer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def entry_data(account: Account, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "expense",
        "date": "2026-11-10",
        "amount": "12.50",
        "account": account.pk,
        "category": "",
        "payee": "Corner shop",
        "tags": "",
        "note": "",
    }
    data.update(overrides)
    return data


def row_ids(content: bytes) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="txn-\d+" data-id="(\d+)"', content.decode())]


def older_link(content: bytes) -> str | None:
    match = re.search(r'href="([^"]*cursor=[^"]*)"', content.decode())
    return html.unescape(match.group(1)) if match else None


# --- adding ---------------------------------------------------------------------------------
def test_it_adds_an_expense_and_lowers_the_balance(owner_client, checking):
    response = owner_client.post(reverse("ledger:transaction_create"), entry_data(checking))

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:transactions")
    listing = owner_client.get(response["Location"])
    assertContains(listing, "Expense of $12.50 added.")
    assertContains(listing, "Corner shop")
    assert checking.balance() == Money(100_000 - 1_250, "USD")
    accounts = owner_client.get(reverse("ledger:accounts"))
    assertContains(accounts, "$987.50")


def test_it_adds_income_and_raises_the_balance(owner_client, owner, checking):
    data = entry_data(
        checking, kind="income", amount="2,000.00", category=category(owner, "Salary").pk
    )
    response = owner_client.post(reverse("ledger:transaction_create"), data)

    assert response.status_code == 302
    assert checking.balance() == Money(100_000 + 200_000, "USD")
    row = Transaction.objects.get()
    assert (row.kind, row.amount, str(row.category)) == ("income", 200_000, "Salary")


def test_it_reads_amounts_in_the_persons_locale(owner_client, owner, checking):
    owner.user.locale = "vi"
    owner.user.save()

    owner_client.post(reverse("ledger:transaction_create"), entry_data(checking, amount="1.234,5"))

    assert Transaction.objects.get().amount == -123_450


def test_it_keeps_the_tags_and_payee_typed(owner_client, checking):
    owner_client.post(
        reverse("ledger:transaction_create"),
        entry_data(checking, tags="holiday, Food ,holiday", payee="  Corner   shop "),
    )

    row = Transaction.objects.get()
    assert sorted(tag.name for tag in row.tags.all()) == ["Food", "holiday"]
    assert str(row.payee) == "Corner shop"


def test_it_reuses_the_households_tags_whatever_their_case(
    owner, checking, django_assert_num_queries
):
    first = make_entry(owner, checking, 100, tags=("Holiday", "work"))
    names = [f"tag {number}" for number in range(20)]
    make_entry(owner, checking, 100, tags=tuple(names))

    second = make_entry(owner, checking, 200, tags=("holiday", "WORK", "new"))

    assert {tag.pk for tag in first.tags.all()} < {tag.pk for tag in second.tags.all()}
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(
        ["Holiday", "work", "new", *names]
    )
    with django_assert_num_queries(1):  # one query, not one per name
        assert [tag.name for tag in tags_for_names(owner.household, names)] == names


def test_it_returns_the_quick_add_fragment_with_the_new_row_for_htmx(owner_client, owner, checking):
    data = entry_data(checking, category=category(owner, "Groceries").pk, tags="weekly")
    response = owner_client.post(reverse("ledger:transaction_create"), data, **HTMX)

    assert response.status_code == 200
    row = Transaction.objects.get()
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="quick-add"' in content
    assert 'hx-swap-oob="afterbegin:#transaction-rows"' in content
    assert row_ids(response.content) == [row.pk]
    assertContains(response, "Food › Groceries")
    assertContains(response, "weekly")
    assertContains(response, "-$12.50")
    assertContains(response, "Added: expense of $12.50 — Corner shop.")
    # A fresh form for the next entry, keeping the account and the date.
    assert 'name="amount" value=' not in content
    assert 'value="2026-11-10"' in content


def test_it_shows_the_quick_add_errors_in_the_htmx_fragment(owner_client, checking):
    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_data(checking, amount="12.3.4"), **HTMX
    )

    assertContains(response, "“12.3.4” is not an amount.", status_code=400)
    assert "<html" not in response.content.decode()
    assert not Transaction.objects.exists()


def test_it_defaults_the_quick_add_date_to_the_persons_today(owner_client, owner, checking):
    owner.user.time_zone = "Asia/Ho_Chi_Minh"
    owner.user.save()

    # 20:00 UTC on 28 February is already 1 March in Hanoi.
    with time_machine.travel(datetime(2026, 2, 28, 20, 0, tzinfo=UTC), tick=False):
        response = owner_client.get(reverse("ledger:transactions"))

    assertContains(response, 'value="2026-03-01"')


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "12.3.4", "“12.3.4” is not an amount."),
        ("amount", "12.345", "USD amounts have at most 2 decimal places."),
        ("amount", "-5", "Enter an amount greater than zero."),
        ("amount", "", "This field is required."),
        ("amount", "1e999999", "“1e999999” is not an amount."),
        ("amount", "99999999999999999", "That amount is too large."),
        ("date", "2026-02-30", "Enter a valid date."),
        ("kind", "transfer", "Select a valid choice."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_bad_input_with_a_message_and_writes_nothing(
    owner_client, checking, field, value, message, headers
):
    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_data(checking, **{field: value}), **headers
    )

    assertContains(response, message, status_code=400)
    assert not Transaction.objects.exists()
    assert checking.balance() == Money(100_000, "USD")


def test_it_refuses_another_households_account_posted_by_hand(
    owner_client, checking, outsiders_account
):
    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_data(outsiders_account)
    )

    assertContains(response, "Select a valid choice", status_code=400)
    assert not Transaction.objects.exists()
    assert outsiders_account.balance() == Money(5_000, "USD")


def test_it_refuses_another_households_category_posted_by_hand(owner_client, checking, outsider):
    theirs = category(outsider, "Groceries")

    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_data(checking, category=theirs.pk)
    )

    assertContains(response, "Select a valid choice", status_code=400)
    assert not Transaction.objects.exists()


def test_it_refuses_an_income_category_on_an_expense(owner_client, owner, checking):
    data = entry_data(checking, category=category(owner, "Salary").pk)

    response = owner_client.post(reverse("ledger:transaction_create"), data)

    assertContains(response, "“Salary” is an income category.", status_code=400)
    assert not Transaction.objects.exists()


def test_it_refuses_a_viewer_with_403_and_writes_nothing(owner_client, owner, checking):
    demote_to_viewer(owner)

    for headers in ({}, HTMX):
        response = owner_client.post(
            reverse("ledger:transaction_create"), entry_data(checking), **headers
        )
        assertContains(
            response, "Your role in this household cannot make changes.", status_code=403
        )
    assert not Transaction.objects.exists()


def test_it_hides_the_quick_add_from_a_viewer(owner_client, owner, checking):
    make_entry(owner, checking, 500)
    demote_to_viewer(owner)

    response = owner_client.get(reverse("ledger:transactions"))

    assertNotContains(response, 'id="quick-add"')
    assertNotContains(response, "Delete")
    assertContains(response, "-$5.00")


# --- editing and deleting -------------------------------------------------------------------
def test_it_edits_an_expense(owner_client, owner, checking, savings):
    row = make_entry(owner, checking, 1_000, payee="Bakery", tags=("bread",))
    page = owner_client.get(reverse("ledger:transaction_edit", args=[row.pk]))
    assertContains(page, 'value="10.00"')
    assertContains(page, 'value="bread"')

    response = owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]),
        entry_data(savings, amount="7.25", payee="Baker", date="2026-11-12", tags=""),
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.account, row.amount, row.date, str(row.payee)) == (
        savings,
        -725,
        date(2026, 11, 12),
        "Baker",
    )
    assert not row.tags.exists()
    assert checking.balance() == Money(100_000, "USD")
    assert savings.balance() == Money(-725, "USD")


def test_it_keeps_the_row_unchanged_when_an_edit_is_invalid(owner_client, owner, checking):
    row = make_entry(owner, checking, 1_000)

    response = owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]),
        entry_data(checking, amount="abc", date="2026-02-30"),
    )

    assertContains(response, "Enter a valid date.", status_code=400)
    assertContains(response, "“abc” is not an amount.", status_code=400)
    row.refresh_from_db()
    assert (row.amount, row.date) == (-1_000, date(2026, 11, 10))


def test_it_sends_a_transfer_leg_to_the_transfer_form(owner_client, owner, checking, savings):
    transfer = make_transfer(owner, checking, savings, 2_000)
    outgoing, _incoming = transfer.legs()

    response = owner_client.get(reverse("ledger:transaction_edit", args=[outgoing.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:transfer_edit", args=[transfer.pk])


def test_it_deletes_a_transaction_with_a_post(owner_client, owner, checking):
    row = make_entry(owner, checking, 1_000)
    delete_url = reverse("ledger:transaction_delete", args=[row.pk])

    assert owner_client.get(delete_url).status_code == 405
    response = owner_client.post(delete_url, {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:transactions")
    assert not Transaction.objects.exists()
    assert checking.balance() == Money(100_000, "USD")


def test_it_refuses_a_viewers_delete(owner_client, owner, checking):
    row = make_entry(owner, checking, 1_000)
    demote_to_viewer(owner)

    response = owner_client.post(reverse("ledger:transaction_delete", args=[row.pk]))

    assertContains(response, "Your role in this household cannot make changes.", status_code=403)
    assert Transaction.objects.filter(pk=row.pk).exists()


def test_it_hides_another_households_transaction(outsider_client, owner, checking):
    row = make_entry(owner, checking, 1_000)

    assert outsider_client.get(reverse("ledger:transaction_edit", args=[row.pk])).status_code == 404
    response = outsider_client.post(reverse("ledger:transaction_delete", args=[row.pk]))
    assert response.status_code == 404
    assert Transaction.objects.filter(pk=row.pk).exists()


# --- the list: empty states, filters, paging ------------------------------------------------
def test_it_asks_for_an_account_first(owner_client):
    response = owner_client.get(reverse("ledger:transactions"))

    assertContains(response, "Add an account first")
    assertContains(response, reverse("ledger:account_create"))
    assertNotContains(response, 'id="quick-add"')


def test_it_invites_the_first_expense_when_there_are_accounts(owner_client, checking):
    response = owner_client.get(reverse("ledger:transactions"))

    assertContains(response, "No transactions yet. Add your first expense")
    assertContains(response, 'id="quick-add"')


def test_it_describes_transfer_rows_and_links_them_to_the_transfer_form(
    owner_client, owner, checking, savings
):
    transfer = make_transfer(owner, checking, savings, 2_000)

    response = owner_client.get(reverse("ledger:transactions"))

    assertContains(response, "Transfer to Savings")
    assertContains(response, "Transfer from Checking")
    assertContains(response, reverse("ledger:transfer_edit", args=[transfer.pk]), count=2)


@pytest.fixture
def filter_rows(owner, checking, savings):
    rows = {
        "groceries": make_entry(
            owner, checking, 1_000, category_name="Groceries", note="apples", payee="Market"
        ),
        "restaurant": make_entry(owner, checking, 2_500, category_name="Restaurants"),
        "food": make_entry(owner, savings, 500, category_name="Food"),
        "rent": make_entry(owner, checking, 80_000, category_name="Rent", tags=("home",)),
        "salary": make_entry(owner, checking, 200_000, kind="income", category_name="Salary"),
    }
    make_transfer(owner, checking, savings, 3_000)
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category={Food}", {"groceries", "restaurant", "food"}),
        ("category={Groceries}", {"groceries"}),
        ("amount_min=10&amount_max=25", {"groceries", "restaurant"}),
        ("amount_min=-800", {"rent", "salary"}),
        ("text=APPLE", {"groceries"}),
        ("text=market", {"groceries"}),
        ("tag={home}", {"rent"}),
        ("kind=income", {"salary"}),
        ("kind=expense&account={Savings}", {"food"}),
    ],
)
def test_it_filters_the_list(owner_client, owner, filter_rows, query, expected):
    from spendwise.ledger.models import Tag

    ids = {
        "Food": category(owner, "Food").pk,
        "Groceries": category(owner, "Groceries").pk,
        "home": Tag.objects.get(name="home").pk,
        "Savings": Account.objects.get(name="Savings").pk,
    }
    response = owner_client.get(f"{reverse('ledger:transactions')}?{query.format(**ids)}")

    assert response.status_code == 200
    assert set(row_ids(response.content)) == {filter_rows[name].pk for name in expected}


def test_it_says_when_no_row_matches_the_filters(owner_client, filter_rows):
    response = owner_client.get(f"{reverse('ledger:transactions')}?text=nothing-like-this")

    assertContains(response, "No transactions match these filters.")
    assert row_ids(response.content) == []


def test_it_ignores_invalid_filter_values_with_a_note(owner_client, filter_rows, outsider):
    theirs = category(outsider, "Food")
    query = f"date_from=2026-02-30&amount_min=abc&category={theirs.pk}&kind=expense"

    response = owner_client.get(f"{reverse('ledger:transactions')}?{query}")

    assertContains(response, "Some filters were ignored")
    assertContains(response, "Enter a valid date.")
    assertContains(response, "“abc” is not an amount.")
    assertContains(response, "Select a valid choice.")
    # The valid filter still applies: every expense, no income, no transfers.
    assert set(row_ids(response.content)) == {
        filter_rows[name].pk for name in ("groceries", "restaurant", "food", "rent")
    }


def test_it_ignores_a_cursor_that_is_not_ours(owner_client, filter_rows):
    response = owner_client.get(
        f"{reverse('ledger:transactions')}?cursor=2026-01-01_99999999999999999999999"
    )

    assert response.status_code == 200
    assert row_ids(response.content) == []
    response = owner_client.get(f"{reverse('ledger:transactions')}?cursor=garbage")
    assert len(row_ids(response.content)) == 7


@pytest.fixture
def many_rows(owner, checking):
    """120 rows on 3 dates: 40 ties per date, so paging must order by (date, id)."""
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(3)]
    for number in range(120):
        make_entry(owner, checking, 100 + number, on=days[number % 3])
    return list(Transaction.objects.order_by("-date", "-id").values_list("pk", flat=True))


def test_keyset_paging_walks_every_row_once_in_order(owner_client, settings, many_rows):
    settings.TRANSACTIONS_PAGE_SIZE = 25
    url: str | None = reverse("ledger:transactions")
    seen: list[int] = []
    pages = 0
    while url:
        response = owner_client.get(url)
        assert response.status_code == 200
        seen += row_ids(response.content)
        url = older_link(response.content)
        pages += 1

    assert seen == many_rows
    assert pages == 5


def test_htmx_older_button_appends_rows_until_the_end(owner_client, settings, many_rows):
    settings.TRANSACTIONS_PAGE_SIZE = 50
    first = owner_client.get(reverse("ledger:transactions"))
    seen = row_ids(first.content)
    url = older_link(first.content)
    assert 'hx-target="closest tr"' in first.content.decode()

    while url:
        response = owner_client.get(url, **HTMX)
        content = response.content.decode()
        assert "<html" not in content and content.lstrip().startswith("<tr")
        seen += row_ids(response.content)
        url = older_link(response.content)

    assert seen == many_rows
    assert response["Vary"].endswith("HX-Request") or "HX-Request" in response["Vary"]


def test_the_older_link_keeps_the_filters(owner_client, owner, settings, many_rows, checking):
    settings.TRANSACTIONS_PAGE_SIZE = 10
    response = owner_client.get(
        f"{reverse('ledger:transactions')}?kind=expense&account={checking.pk}&text="
    )

    link = older_link(response.content)
    assert link is not None
    query = parse_qs(urlsplit(link).query, keep_blank_values=True)
    # The filters come along, empty ones are left out.
    assert set(query) == {"kind", "account", "cursor"}
    assert (query["kind"], query["account"]) == (["expense"], [str(checking.pk)])
    following = owner_client.get(link)
    assertContains(following, "← Newest")
    assert len(row_ids(following.content)) == 10


def test_each_row_links_to_its_own_pages(owner_client, owner, checking, savings):
    entry = make_entry(owner, checking, 1_000, tags=("home",))
    transfer = make_transfer(owner, checking, savings, 2_000)
    outgoing, incoming = transfer.legs()
    home = Tag.objects.get(name="home")

    for headers in ({}, HTMX):
        content = owner_client.get(reverse("ledger:transactions"), **headers).content.decode()

        for row, edit_url in (
            (entry, reverse("ledger:transaction_edit", args=[entry.pk])),
            (outgoing, reverse("ledger:transfer_edit", args=[transfer.pk])),
            (incoming, reverse("ledger:transfer_edit", args=[transfer.pk])),
        ):
            html_row = content.split(f'<tr id="txn-{row.pk}"')[1].split("</tr>")[0]
            assert f'href="{edit_url}"' in html_row
            delete_url = reverse("ledger:transaction_delete", args=[row.pk])
            assert f'action="{delete_url}"' in html_row
            account_url = reverse("ledger:account_detail", args=[row.account_id])
            assert f'href="{account_url}"' in html_row
            assert 'name="csrfmiddlewaretoken"' in html_row
        tag_url = f"{reverse('ledger:transactions')}?tag={home.pk}"
        assert f'href="{tag_url}"' in content


def test_the_list_costs_the_same_queries_for_few_or_many_rows(
    owner_client, owner, checking, savings
):
    def queries_for_list() -> tuple[int, int]:
        counts = []
        for headers in ({}, HTMX):
            with CaptureQueriesContext(connection) as queries:
                assert (
                    owner_client.get(reverse("ledger:transactions"), **headers).status_code == 200
                )
            counts.append(len(queries))
        return counts[0], counts[1]

    make_entry(owner, checking, 100, category_name="Groceries", payee="Market", tags=("a",))
    make_transfer(owner, checking, savings, 100)
    few = queries_for_list()
    for number in range(30):
        make_entry(
            owner, savings if number % 2 else checking, 100 + number,
            category_name=("Groceries", "Rent", "Coffee")[number % 3],
            payee=f"Payee {number}", tags=(f"tag {number}", "shared"),
        )  # fmt: skip
        make_transfer(owner, checking, savings, 100 + number)

    assert queries_for_list() == few


def test_it_needs_a_signed_in_person(client, checking):
    response = client.get(reverse("ledger:transactions"))

    assert response.status_code == 302
    assert reverse("identity:sign_in") in response["Location"]


def test_it_refuses_a_date_far_in_the_past_or_future(owner, checking):
    from datetime import date

    from spendwise.errors import DomainError
    from spendwise.testing.factories import make_entry

    for day in (date(1899, 12, 31), date(9999, 12, 31)):
        with pytest.raises(DomainError, match="Enter a date between 1900 and"):
            make_entry(owner, checking, 100, on=day)
    assert not Transaction.objects.exists()
