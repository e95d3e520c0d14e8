"""Household isolation, enumerated: every URL that names an object answers 404 to a member of
another household, for GET and POST, and the object's household is left exactly as it was.
Every page without an object shows the outsider nothing of the owner's data.

A new URL pattern with a parameter fails ``test_every_object_url_is_covered`` until it is
added to ``TARGETS``: no page can escape this test by being forgotten.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zipfile import ZipFile

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spendwise.api.actions import token_create
from spendwise.api.models import ApiToken
from spendwise.attachments.actions import attachment_add
from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import get_storage
from spendwise.budgets.actions import budget_set
from spendwise.budgets.models import Budget, BudgetAmount
from spendwise.currency.actions import rate_set
from spendwise.currency.models import ExchangeRate
from spendwise.households.actions import invitation_create, settlement_create
from spendwise.households.models import Household, Invitation, Membership, Settlement
from spendwise.imports.actions import draft_create, import_commit
from spendwise.imports.models import ImportBatch, ImportDraft, ImportLine, ImportMapping
from spendwise.ledger.models import Account, Category, Payee, Tag, Transaction, Transfer
from spendwise.money import Money
from spendwise.recurring.actions import run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.rules.actions import RuleInput, rule_create
from spendwise.rules.models import Rule
from spendwise.testing.factories import (
    category,
    join,
    make_account,
    make_entry,
    make_member,
    make_schedule,
    make_transfer,
)
from spendwise.webhooks.actions import endpoint_create
from spendwise.webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    """The world below uses fixed dates around November 2026."""
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
        yield


SECRET = "Zebra-Owner-Secret"


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):
    settings.FILE_STORAGE = "local"
    settings.FILE_STORAGE_DIR = tmp_path / "files"


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
    rule = rule_create(
        actor=owner,
        data=RuleInput(
            name=f"{SECRET} rule",
            currency="USD",
            payee_match="contains",
            payee_value="shop",
            set_category=category(owner, "Groceries"),
            rename_payee=f"{SECRET} renamed",
            tag_names=(f"{SECRET}-rule-tag",),
        ),
    )
    receipt = attachment_add(
        actor=owner,
        row=expense,
        name=f"{SECRET} receipt.png",
        data=b"\x89PNG\r\n\x1a\n" + bytes(32),
    )
    link = get_storage().url(receipt.key, filename=receipt.original_name)
    # The household's own exchange rate (global rates are everyone's; own ones are not).
    exchange_rate = rate_set(
        actor=owner, day=date(2026, 11, 1), base="EUR", quote="USD", rate=Decimal("1.0765")
    )
    statement = f"!Type:Bank\nD11/03/2026\nT-12.34\nP{SECRET} imported\n^\n".encode()
    import_batch = import_commit(
        actor=owner,
        draft=draft_create(
            actor=owner, account=checking, file_name=f"{SECRET}.qif", content=statement
        ),
    )
    import_draft = draft_create(
        actor=owner, account=checking, file_name=f"{SECRET} draft.qif", content=statement
    )
    api_token, _ = token_create(actor=owner, name=f"{SECRET} token", scope="read_write")
    webhook = endpoint_create(
        actor=owner,
        url="https://93.184.215.14/hook",  # public: no loopback allowed here
        events=["transaction.created", "transaction.updated", "transaction.deleted"],
        description=f"{SECRET} hook",
    )
    invitation, invitation_token = invitation_create(
        actor=owner, email="zebra-invitee@example.com", role="member"
    )
    settlement = settlement_create(
        actor=owner,
        payer=join(owner, make_member("zebra-partner@example.com")).user,
        payee=owner.user,
        amount=Money(500, "USD"),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    return {
        "member": owner,
        "invitation": invitation,
        # The e-mailed link: its "pk" is the signed token in the URL.
        "invitation_link": SimpleNamespace(pk=invitation_token),
        "settlement": settlement,
        "api_token": api_token,
        "webhook_endpoint": webhook,
        "import_draft": import_draft,
        "import_batch": import_batch,
        "exchange_rate": exchange_rate,
        "attachment": receipt,
        # The local storage's signed file link: its "pk" is the token in the URL.
        "receipt_link": SimpleNamespace(pk=link.rstrip("/").rsplit("/", 1)[1]),
        "rule": rule,
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
    "tokens:revoke": "api_token",
    "imports:mapping": "import_draft",
    "imports:preview": "import_draft",
    "imports:commit": "import_draft",
    "imports:cancel": "import_draft",
    "imports:batch": "import_batch",
    "imports:undo": "import_batch",
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
    "currency:rate_delete": "exchange_rate",
    "attachments:receipts": "transaction",
    "attachments:open": "attachment",
    "attachments:delete": "attachment",
    "attachments:file": "receipt_link",
    "rules:edit": "rule",
    "rules:delete": "rule",
    "rules:move": "rule",
    "rules:apply": "rule",
    "webhooks:detail": "webhook_endpoint",
    "webhooks:edit": "webhook_endpoint",
    "webhooks:delete": "webhook_endpoint",
    "webhooks:rotate": "webhook_endpoint",
    "webhooks:test": "webhook_endpoint",
    "households:invitation_revoke": "invitation",
    "households:accept": "invitation_link",
    "households:member_role": "member",
    "households:member_remove": "member",
    "households:settlement_delete": "settlement",
}


def snapshot(household: Household) -> dict[str, list[dict[str, Any]]]:
    models = [
        Account,
        Budget,
        Category,
        Payee,
        Tag,
        Transaction,
        Transfer,
        Schedule,
        Rule,
        Attachment,
        ImportBatch,
        ImportDraft,
        ImportMapping,
        WebhookEndpoint,
        WebhookEvent,
        Membership,
        Invitation,
        Settlement,
    ]
    state = {
        m.__name__: sorted(
            (m.objects.filter(household=household).values()),  # type: ignore[attr-defined]
            key=lambda row: row["id"],
        )
        for m in models
    }
    state["ApiToken"] = sorted(
        ApiToken.objects.filter(household=household).values(), key=lambda row: row["id"]
    )
    state["ExchangeRate"] = sorted(
        ExchangeRate.objects.filter(household=household).values(), key=lambda row: row["id"]
    )
    state["ImportLine"] = sorted(
        ImportLine.objects.filter(batch__household=household).values(), key=lambda row: row["id"]
    )
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
        "payee_match": "contains",
        "payee_value": "hijacked",
        "set_category": str(world["category"].pk),
        "rename_payee": "Hijacked",
        "direction": "up",
        "expected": "",
    }


def visible_text(response: Any) -> str:
    """What a response shows: its body, a download's content, every file of a zip."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/zip":
        with ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return body.decode()


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
    assert SECRET not in visible_text(response)
    assert snapshot(owner.household) == before


def test_the_owner_can_open_every_object_url(owner, owner_client: Client):
    """The 404s above are about ownership, not broken pages."""
    world = build_world(owner)
    for url_name in object_urls():
        pattern = dict(url_patterns())[url_name]
        (param,) = pattern.pattern.regex.groupindex
        url = reverse(url_name, kwargs={param: world[TARGETS[url_name]].pk})
        assert owner_client.get(url).status_code in (200, 302, 405), url_name
