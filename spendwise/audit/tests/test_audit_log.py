"""The audit log: what the database holds after real page and API writes, who may read it,
its filters, pages and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.audit import queries, record
from spendwise.audit.models import AuditEntry
from spendwise.households.models import Membership, Role
from spendwise.ledger.models import Account, Transaction
from spendwise.testing.factories import (
    add_viewer,
    category,
    join,
    make_account,
    make_entry,
    make_member,
)

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
CSV = reverse("audit:csv")
API = "/api/v1/audit"


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


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def entries(model: str, **filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=model, **filters).order_by("id"))


# --- what is recorded ---------------------------------------------------------------------------
def test_it_records_a_transaction_created_changed_and_deleted_through_the_form(
    owner_client: Client, owner: Membership, checking: Account
):
    owner_client.post(
        reverse("ledger:transaction_create"),
        entry_data(checking),
        REMOTE_ADDR="203.0.113.9",
    )
    row = Transaction.objects.get()
    owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]),
        entry_data(checking, amount="20.00", note="lunch"),
    )
    owner_client.post(reverse("ledger:transaction_delete", args=[row.pk]))

    created, changed, deleted = entries("ledger.transaction", object_id=str(row.pk))
    assert created.action == "create" and created.household_id == owner.household_id
    assert created.actor_id == owner.user_id and created.actor_label == "owner@example.com"
    assert created.ip == "203.0.113.9"
    assert created.changes["amount"] == [None, -1250]  # integer minor units, signed
    assert created.changes["currency"] == [None, "USD"]
    assert changed.action == "update"
    assert changed.changes == {"amount": [-1250, -2000], "note": ["", "lunch"]}
    assert deleted.action == "delete"
    assert deleted.changes["amount"] == [-2000, None]
    assert deleted.object_label.startswith("2026-11-10")


def test_it_records_a_transactions_tags_before_and_after(owner_client: Client, checking: Account):
    owner_client.post(reverse("ledger:transaction_create"), entry_data(checking, tags="weekly"))
    row = Transaction.objects.get()
    owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]),
        entry_data(checking, tags="weekly, food"),
    )
    tag_changes = [
        entry.changes["tags"]
        for entry in entries("ledger.transaction", object_id=str(row.pk))
        if "tags" in entry.changes
    ]
    assert tag_changes[0] == [[], ["weekly"]]
    assert tag_changes[-1][1] == ["food", "weekly"]


def test_it_writes_nothing_when_a_viewer_is_refused(
    owner: Membership, viewer_client: Client, checking: Account
):
    before = AuditEntry.objects.count()
    response = viewer_client.post(reverse("ledger:transaction_create"), entry_data(checking))
    assert response.status_code == 403
    assert AuditEntry.objects.count() == before


def test_it_records_a_budget_set_through_the_form(owner_client: Client, owner: Membership):
    owner_client.post(
        reverse("budgets:set") + "?month=2026-12",
        {
            "category": category(owner, "Food").pk,
            "amount": "1,234.50",
            "scope": "repeat",
            "thresholds": "80, 100",
        },
    )
    budget = entries("budgets.budget")[0]
    amount = entries("budgets.budgetamount")[0]
    assert budget.action == "create" and budget.household_id == owner.household_id
    assert amount.action == "create" and amount.household_id == owner.household_id
    assert amount.changes["amount"] == [None, 123450]


def test_it_records_a_rule_added_through_the_form(owner_client: Client, owner: Membership):
    owner_client.post(
        reverse("rules:create"),
        {
            "name": "Netflix",
            "payee_match": "contains",
            "payee_value": "netflix",
            "note_match": "",
            "note_value": "",
            "amount_min": "",
            "amount_max": "",
            "account": "",
            "set_category": "",
            "rename_payee": "Netflix",
            "add_tags": "",
        },
    )
    (rule,) = entries("rules.rule")
    assert rule.action == "create" and rule.object_label.startswith("Netflix")
    assert rule.changes["payee_value"] == [None, "netflix"]


def test_it_records_a_members_role_change(owner_client: Client, owner: Membership):
    partner = join(owner, make_member("partner@example.com"), role=Role.MEMBER)
    owner_client.post(reverse("households:member_role", args=[partner.pk]), {"role": "viewer"})

    changed = entries("households.membership", action="update", object_id=str(partner.pk))
    assert [entry.changes for entry in changed] == [{"role": ["member", "viewer"]}]
    assert changed[0].household_id == owner.household_id
    assert changed[0].actor_id == owner.user_id


def test_it_never_writes_secret_fields(owner: Membership):
    owner.user.set_password("another-long-password-1")
    owner.user.display_name = "Olive"
    owner.user.save()
    changed = entries("identity.user", action="update")[-1]
    assert changed.changes == {"display_name": ["", "Olive"]}
    assert "password" not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_it_does_not_audit_the_rollup(owner: Membership, checking: Account):
    make_entry(owner, checking, 500)
    models = set(AuditEntry.objects.values_list("model", flat=True))
    assert "ledger.transaction" in models
    assert not models & {"ledger.dailytotal", "ledger.accountmonth"}


def test_it_records_one_summary_for_a_bulk_write(owner: Membership):
    record(
        household=owner.household,
        model="imports.importbatch",
        object_id=12,
        summary="import #12 committed: 312 transactions",
    )
    (entry,) = entries("imports.importbatch")
    assert entry.action == "bulk" and entry.summary == "import #12 committed: 312 transactions"
    assert entry.actor_id is None  # no request: the system


# --- who may read it ----------------------------------------------------------------------------
def test_it_shows_the_log_to_an_owner_with_before_and_after(
    owner_client: Client, owner: Membership, checking: Account
):
    row = make_entry(owner, checking, 1250, note="old note")
    owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]),
        entry_data(checking, amount="20.00", note="new note", date=row.date.isoformat()),
    )
    page = owner_client.get(LOG)
    assert page.status_code == 200
    assertContains(page, "old note → new note")
    assertContains(page, "-12.50 USD → -20.00 USD")  # minor units shown as amounts
    assertContains(page, "— → Corner shop")  # a foreign key by its name
    assertContains(page, "owner@example.com")
    assertContains(page, f'href="{LOG}"')  # the nav link, for owners


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_it_refuses_the_log_to_members_and_viewers(owner: Membership, role: str):
    other = join(owner, make_member(f"{role}@example.com"), role=role)
    client = Client()
    client.force_login(other.user)
    session = client.session
    session["household_id"] = owner.household_id
    session.save()
    assert client.get(LOG).status_code == 403
    assert client.get(CSV).status_code == 403
    assertNotContains(client.get(reverse("web:dashboard")), f'href="{LOG}"')


def test_it_refuses_the_api_to_a_viewer(owner: Membership):
    viewer = add_viewer(owner)
    client = Client()
    client.force_login(viewer.user)
    assert client.get(API).status_code == 403


def test_it_shows_only_the_households_own_entries(
    owner_client: Client, owner: Membership, outsider: Membership, checking: Account
):
    make_account(outsider, "Outsider secret account")
    page = owner_client.get(LOG)
    assertContains(page, "Checking")
    assertNotContains(page, "Outsider secret account")
    api = owner_client.get(API).json()
    assert {item["object"] for item in api["items"]} & {"Checking"}
    assert not {item["object"] for item in api["items"]} & {"Outsider secret account"}
    export = owner_client.get(CSV)
    assert "Outsider secret account" not in streamed(export)


# --- filters, pages, export ---------------------------------------------------------------------
def test_it_filters_by_kind_action_who_text_and_date(
    owner_client: Client, owner: Membership, checking: Account
):
    make_entry(owner, checking, 100, note="zebra beans")
    make_entry(owner, checking, 200, note="bus ticket")

    def objects(**params: str) -> list[str]:
        return [item["object_id"] for item in owner_client.get(API, params).json()["items"]]

    transactions = objects(model="ledger.transaction", action="create")
    assert len(transactions) == 2
    assert len(objects(q="zebra")) == 1
    assert objects(actor="system") == objects()  # factories run outside a request
    assert objects(date_from="2000-01-01", date_to="2000-01-02") == []
    page = owner_client.get(LOG, {"q": "bus ticket"})
    assertContains(page, "bus ticket")
    assertNotContains(page, "zebra beans")


def test_it_pages_with_an_older_link(owner_client: Client, owner: Membership):
    for n in range(queries.PAGE_SIZE + 5):
        record(household=owner.household, summary=f"bulk change number {n}")
    first = owner_client.get(LOG, {"action": "bulk"})
    assertContains(first, "bulk change number 54")
    assertNotContains(first, "bulk change number 4<")
    older = first.context["older_url"]
    second = owner_client.get(LOG + older)
    assertContains(second, "bulk change number 4<")
    assert second.context["older_url"] is None

    api = owner_client.get(API, {"action": "bulk", "limit": "50"}).json()
    assert len(api["items"]) == 50 and api["next_cursor"]
    rest = owner_client.get(API, {"action": "bulk", "cursor": api["next_cursor"]}).json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None


def test_it_exports_the_filtered_log_as_csv(owner_client: Client, owner: Membership):
    record(household=owner.household, summary="=HYPERLINK(evil)", model="imports.importbatch")
    response = owner_client.get(CSV, {"action": "bulk"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(streamed(response))))
    assert rows[0][:5] == ["id", "time_utc", "who", "ip", "action"]
    assert len(rows) == 2
    assert rows[1][4] == "bulk" and rows[1][5] == "imports.importbatch"
    assert rows[1][8] == "'=HYPERLINK(evil)"  # never a formula in a spreadsheet
    assert date.fromisoformat(rows[1][1][:10])
