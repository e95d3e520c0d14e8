"""Every ledger page: another household's object is a 404, a stranger is sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from spendwise.ledger import urls
from spendwise.ledger.models import Account, Category, Payee, Transaction, Transfer
from spendwise.testing.factories import category, make_account, make_entry, make_transfer

pytestmark = pytest.mark.django_db

ROUTES_WITH_PK = {
    "transaction_edit": "entry",
    "transaction_delete": "entry",
    "transfer_edit": "transfer",
    "account_detail": "account",
    "account_edit": "account",
    "account_delete": "account",
    "category_edit": "category",
    "payee_edit": "payee",
}

GET_ONLY = {"account_detail"}


@pytest.fixture
def owners_objects(owner):
    checking = make_account(owner, "Checking", opening=1_000)
    savings = make_account(owner, "Savings")
    entry = make_entry(owner, checking, 500, payee="Market", category_name="Groceries")
    return {
        "entry": entry,
        "transfer": make_transfer(owner, checking, savings, 100),
        "account": savings,
        "category": category(owner, "Food"),
        "payee": Payee.objects.get(household=owner.household),
    }


def snapshot() -> tuple[object, ...]:
    return (
        list(Transaction.objects.order_by("pk").values_list("pk", "amount", "account_id", "date")),
        list(Transfer.objects.values_list("pk", flat=True)),
        list(Account.objects.order_by("pk").values_list("pk", "name", "archived")),
        list(Category.objects.order_by("pk").values_list("pk", "name", "parent_id")),
        list(Payee.objects.order_by("pk").values_list("pk", "name")),
    )


def test_every_route_with_an_id_is_listed_here():
    names = {pattern.name for pattern in urls.urlpatterns if "<int:pk>" in str(pattern.pattern)}

    assert names == set(ROUTES_WITH_PK)


@pytest.mark.parametrize("name", sorted(ROUTES_WITH_PK))
def test_another_households_object_is_a_404_and_stays_as_it_was(
    outsider_client, owners_objects, name
):
    url = reverse(f"ledger:{name}", args=[owners_objects[ROUTES_WITH_PK[name]].pk])
    before = snapshot()

    get = outsider_client.get(url)
    post = outsider_client.post(url, {"name": "Mine", "amount": "1", "archived": "on"})

    # A method a page does not take is refused before anything is looked up.
    assert get.status_code == (405 if name.endswith("_delete") else 404)
    assert post.status_code == (405 if name in GET_ONLY else 404)
    assert snapshot() == before


@pytest.mark.parametrize("name", [pattern.name for pattern in urls.urlpatterns])
def test_every_page_sends_a_stranger_to_sign_in(client, owners_objects, name):
    kind = ROUTES_WITH_PK.get(name)
    url = reverse(f"ledger:{name}", args=[owners_objects[kind].pk] if kind else [])
    before = snapshot()

    response = client.post(url) if name.endswith("_delete") else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", [p.name for p in urls.urlpatterns if not (p.name or "").endswith("_delete")]
)
def test_every_page_renders_for_its_owner(owner_client, owners_objects, name):
    kind = ROUTES_WITH_PK.get(name)
    url = reverse(f"ledger:{name}", args=[owners_objects[kind].pk] if kind else [])

    response = owner_client.get(url)

    assert response.status_code == 200, (name, response.status_code)
