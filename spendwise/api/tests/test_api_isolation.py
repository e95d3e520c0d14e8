"""Household isolation and roles of the JSON API, enumerated from its OpenAPI schema.

Every operation of ``/api/v1/openapi.json`` that names an object (a path parameter, or an
``…_id`` in its query or body) answers 404 to a member of another household holding a
read-write token, and the owner's household is left exactly as it was. A viewer's read-write
token and a read-only token get 403 on every unsafe operation and write nothing.

A new operation is walked without being listed here; one with a parameter name that
``OBJECTS`` cannot map fails ``test_every_object_parameter_is_mapped``, so no operation can
escape by being forgotten.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from spendwise.api.actions import token_create
from spendwise.api.main import api
from spendwise.api.models import ApiToken
from spendwise.budgets.models import Budget, BudgetAlert, BudgetAmount
from spendwise.currency.actions import rate_set
from spendwise.currency.models import ExchangeRate
from spendwise.households.actions import invitation_create, settlement_create
from spendwise.households.models import Household, Invitation, Membership, Role, Settlement
from spendwise.identity.models import User
from spendwise.imports.actions import draft_create, draft_map, import_commit
from spendwise.imports.models import ImportBatch, ImportDraft, ImportLine, ImportMapping
from spendwise.imports.preview import csv_settings
from spendwise.ledger.models import (
    Account,
    Category,
    DailyTotal,
    Payee,
    Tag,
    Transaction,
    Transfer,
)
from spendwise.money import Money
from spendwise.notifications.actions import notify
from spendwise.notifications.models import Notification
from spendwise.recurring.actions import run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.rules.actions import RuleInput, rule_create
from spendwise.rules.models import Rule
from spendwise.testing.factories import (
    add_viewer,
    category,
    demote_to_viewer,
    join,
    make_account,
    make_entry,
    make_member,
    make_schedule,
    make_transfer,
    set_budget,
)
from spendwise.webhooks.actions import endpoint_create
from spendwise.webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "Zebra-Owner-Secret"
UNSAFE = {"post", "put", "patch", "delete"}
DOCUMENTED_ERRORS = {"400", "401", "403", "404", "409", "422", "429"}
# As served at /api/v1/openapi.json (JSON: every response status a string).
SCHEMA: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema()))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
        yield


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the schema."""
    return sorted((method, path) for path, item in SCHEMA["paths"].items() for method in item)


def operation(method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = SCHEMA["paths"][path][method]
    return found


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = dict(SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
    return node


def body_schema(method: str, path: str) -> dict[str, Any] | None:
    body = operation(method, path).get("requestBody")
    if not body:
        return None
    content: dict[str, Any] = body["content"]
    media = content.get("application/json") or content["multipart/form-data"]
    return resolve(media["schema"])


def is_multipart(method: str, path: str) -> bool:
    """A form with a file (``POST /imports``), not a JSON body."""
    body: dict[str, Any] = operation(method, path).get("requestBody") or {}
    return "multipart/form-data" in body.get("content", {})


# A statement any account in USD can import: one new row.
STATEMENT = b"Date,Payee,Amount\n2026-11-12,Hijacked,-1.00\n"


# --- the owner's world --------------------------------------------------------------------------
def build_world(owner: Membership) -> dict[str, Any]:
    """One of everything in the owner's household, with names nobody else may see."""
    checking = make_account(owner, f"{SECRET} Checking", opening=100_000)
    savings = make_account(owner, f"{SECRET} Savings", kind="savings")
    expense = make_entry(
        owner,
        checking,
        1234,
        on=date(2026, 11, 20),
        category_name="Groceries",
        payee=f"{SECRET} Shop",
        tags=(f"{SECRET}-tag",),
        note=f"{SECRET} note",
    )
    transfer = make_transfer(owner, checking, savings, 5000, on=date(2026, 11, 21))
    schedule = make_schedule(
        owner, checking, 999, name=f"{SECRET} Rent", start=date(2026, 11, 1), auto_post=False
    )
    run_due(date(2026, 11, 27))  # leaves one occurrence waiting for confirmation
    budget = set_budget(owner, "Food", 10000, date(2026, 11, 1))
    notify(household=owner.household, title=f"{SECRET} alert", link="/budgets/")
    token, _ = token_create(actor=owner, name=f"{SECRET} token", scope="read_write")
    groceries = category(owner, "Groceries")
    rule = rule_create(
        actor=owner,
        data=RuleInput(
            name=f"{SECRET} rule",
            currency="USD",
            payee_match="contains",
            payee_value="Shop",
            set_category=groceries,
        ),
    )
    draft = draft_create(
        actor=owner,
        account=checking,
        file_name=f"{SECRET}.csv",
        content=f"Date,Payee,Amount\n2026-11-10,{SECRET} Cafe,-3.50\n".encode(),
    )
    settings_now = csv_settings(draft)
    assert settings_now is not None
    draft = draft_map(actor=owner, draft=draft, mapping=settings_now.mapping)
    batch = import_commit(actor=owner, draft=draft)
    rate = rate_set(
        actor=owner, day=date(2026, 11, 20), base="EUR", quote="USD", rate=Decimal("1.0765")
    )
    partner = join(owner, make_member("zebra-partner@example.com"))
    invitation, _ = invitation_create(actor=owner, email="zebra-invitee@example.com", role="member")
    settlement = settlement_create(
        actor=owner,
        payer=partner.user,
        payee=owner.user,
        amount=Money(500, "USD"),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )
    webhook = endpoint_create(
        actor=owner,
        url="https://93.184.215.14/hook",  # public: no loopback allowed here
        events=["transaction.created", "transaction.deleted"],
        description=f"{SECRET} hook",
    )
    return {
        "webhook_endpoint": webhook,
        "member": partner,
        "owner_user": owner.user,
        "partner_user": partner.user,
        "invitation": invitation,
        "settlement": settlement,
        "account": checking,
        "other_account": savings,
        "category": groceries,
        "parent_category": category(owner, "Food"),
        "payee": expense.payee,
        "tag": expense.tags.get(),
        "transaction": expense,
        "transfer": transfer,
        "budget": budget,
        "schedule": schedule,
        "occurrence": schedule.occurrences.get(),
        "api_token": token,
        "rule": rule,
        "import_batch": batch,
        "exchange_rate": rate,
    }


# Parameter name (path, query or body) → the object of the world it names.
OBJECTS: dict[str, str] = {
    "account_id": "account",
    "source_account_id": "account",
    "destination_account_id": "other_account",
    "to_account_id": "other_account",
    "category_id": "parent_category",  # top-level: reports drill into those only
    "default_category_id": "category",
    "parent_id": "parent_category",
    "payee_id": "payee",
    "tag_id": "tag",
    "transaction_id": "transaction",
    "transfer_id": "transfer",
    "budget_id": "budget",
    "schedule_id": "schedule",
    "occurrence_id": "occurrence",
    "token_id": "api_token",
    "rule_id": "rule",
    "set_category_id": "category",
    "batch_id": "import_batch",
    "rate_id": "exchange_rate",
    "endpoint_id": "webhook_endpoint",
    "member_id": "member",
    "invitation_id": "invitation",
    "settlement_id": "settlement",
    "paid_by_user_id": "owner_user",
    "payer_user_id": "partner_user",
    "payee_user_id": "owner_user",
}

# Plausible values by property name, for the parts of a body that do not name an object.
VALUES: dict[str, Any] = {
    "name": "Hijacked",
    "amount": "1.00",
    "opening_balance": "1.00",
    "received": None,
    "currency": "USD",
    "date": "2026-11-20",
    "start_date": "2026-12-01",
    "end_date": None,
    "month": "2026-11",
    "colour": "#000000",
    "payee": "Hijacked",
    "note": "hijacked",
    "tags": ["hijacked"],
    "thresholds": [80, 100],
    "day_of_month": 1,
    "interval": 1,
    "time_zone": "Europe/Paris",
    "home_currency": "EUR",
    "display_name": "Hijacked",
    "locale": "vi",
    "month_start_day": 25,
    "scope": "read",
    "amount_min": "1.00",
    "amount_max": None,
    "base": "EUR",
    "quote": "USD",
    "rate": "1.1",
    "to": "USD",  # the currency of "currency": converting needs no rate
    "digest": "stale",
}


def object_parameters(method: str, path: str) -> list[str]:
    """Names of the operation's path parameters and of ``…_id`` query and body fields."""
    names = [
        param["name"]
        for param in operation(method, path).get("parameters", [])
        if param["in"] == "path" or param["name"].endswith("_id")
    ]
    schema = body_schema(method, path)
    if schema:
        names += [name for name in schema.get("properties", {}) if name.endswith("_id")]
    return names


def plausible(name: str, node: dict[str, Any], world: dict[str, Any]) -> Any:
    node = resolve(node)
    if name in OBJECTS:
        return world[OBJECTS[name]].pk
    if name in VALUES:
        return VALUES[name]
    options = [resolve(option) for option in node.get("anyOf", [node])]
    option = next((o for o in options if o.get("type") != "null"), options[0])
    if "enum" in option:
        return option["enum"][0]
    if "default" in node:
        return node["default"]
    kinds = {"boolean": False, "integer": 1, "array": [], "string": "hijacked"}
    if option.get("format") == "date":
        return "2026-11-20"
    if option.get("type") in kinds:
        return kinds[option["type"]]
    pytest.fail(f"Add a plausible value for {name!r} ({node}) to VALUES")


def plausible_body(method: str, path: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """A body that would be valid for a writer of the owner's household."""
    schema = body_schema(method, path)
    if schema is None:
        return None
    body = {name: plausible(name, node, world) for name, node in schema["properties"].items()}
    if body.get("kind") == "expense":
        body.pop("to_account_id", None)  # only transfers go to a second account
    return body


def call(
    client: Client,
    method: str,
    path: str,
    world: dict[str, Any],
    token: str,
    *,
    with_ids: bool = True,
) -> Any:
    """Call the operation with the world's ids in its path (and, ``with_ids``, in its query
    and body), its other required query parameters, and a plausible body."""
    url = path
    query: dict[str, Any] = {}
    for param in operation(method, path).get("parameters", []):
        name = param["name"]
        if param["in"] == "path":
            url = url.replace(f"{{{name}}}", str(world[OBJECTS[name]].pk))
        elif name in OBJECTS:
            if with_ids:
                query[name] = world[OBJECTS[name]].pk
        elif param.get("required"):
            query[name] = plausible(name, param["schema"], world)
    body = plausible_body(method, path, world) if with_ids else None
    if is_multipart(method, path):
        form = {k: v for k, v in (body or {}).items() if v is not None and k != "file"}
        form["file"] = SimpleUploadedFile("statement.csv", STATEMENT)
        return client.post(url, form, HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.generic(
        method.upper(),
        f"{url}?{urlencode(query)}" if query else url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def rows(queryset: Any, *exclude: str) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in row.items() if k not in exclude} for row in queryset.values()),
        key=lambda row: row["id"],
    )


def snapshot(household: Household) -> dict[str, list[Any]]:
    """Every row the API can touch that belongs to ``household`` or its members."""
    models = [
        Account,
        Budget,
        Category,
        Payee,
        Tag,
        Transaction,
        Transfer,
        Schedule,
        DailyTotal,
        Rule,
        ImportBatch,
        ImportDraft,
        ImportMapping,
        ExchangeRate,
        WebhookEndpoint,
        WebhookEvent,
        Invitation,
        Settlement,
    ]
    members = User.objects.filter(memberships__household=household)
    state: dict[str, list[Any]] = {
        m.__name__: rows(m._default_manager.filter(household=household)) for m in models
    }
    state |= {
        "BudgetAmount": rows(BudgetAmount.objects.filter(budget__household=household)),
        "BudgetAlert": rows(BudgetAlert.objects.filter(budget__household=household)),
        "Occurrence": rows(Occurrence.objects.filter(schedule__household=household)),
        "ImportLine": rows(ImportLine.objects.filter(batch__household=household)),
        "Notification": rows(Notification.objects.filter(household=household)),
        "Membership": rows(Membership.objects.filter(household=household)),
        "User": rows(members, "last_login"),
        # Using a token stamps it; that is not a change to anyone's data.
        "ApiToken": rows(ApiToken.objects.filter(household=household), "last_used_at"),
        "tags": sorted(
            Transaction.tags.through.objects.filter(transaction__household=household).values_list(
                "transaction_id", "tag_id"
            )
        ),
    }
    return state


def object_operations() -> list[tuple[str, str]]:
    return [(m, p) for m, p in operations() if object_parameters(m, p)]


def unsafe_operations() -> list[tuple[str, str]]:
    return [(m, p) for m, p in operations() if m in UNSAFE]


def ids(value: tuple[str, str]) -> str:
    return f"{value[0].upper()} {value[1]}"


# --- the schema ---------------------------------------------------------------------------------
def test_the_served_schema_is_the_one_walked_here(client: Client):
    served = client.get("/api/v1/openapi.json").json()
    assert sorted((m, p) for p, item in served["paths"].items() for m in item) == operations()


def test_every_object_parameter_is_mapped():
    unmapped = {
        (ids(op), name)
        for op in operations()
        for name in object_parameters(*op)
        if name not in OBJECTS
    }
    assert not unmapped, "Map each parameter to an object of build_world in OBJECTS"


@pytest.mark.parametrize("op", operations(), ids=ids)
def test_every_operation_documents_every_error(op):
    documented = set(operation(*op)["responses"])
    assert documented >= DOCUMENTED_ERRORS, DOCUMENTED_ERRORS - documented


# --- another household --------------------------------------------------------------------------
@pytest.fixture
def outsider_token(outsider: Membership) -> str:
    return token_create(actor=outsider, name="outsider", scope="read_write")[1]


@pytest.mark.parametrize("op", object_operations(), ids=ids)
def test_another_households_object_is_a_404_and_stays_unchanged(op, owner, outsider_token):
    world = build_world(owner)
    before = snapshot(owner.household)
    response = call(Client(), op[0], op[1], world, outsider_token)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert SECRET not in response.content.decode()
    assert snapshot(owner.household) == before


@pytest.mark.parametrize(
    "op", [(m, p) for m, p in operations() if m == "get" and "{" not in p], ids=ids
)
def test_lists_and_reports_show_nothing_of_another_household(op, owner, outsider_token):
    build_world(owner)
    response = call(Client(), op[0], op[1], {}, outsider_token, with_ids=False)
    assert response.status_code == 200, response.content
    assert SECRET not in response.content.decode()


def test_the_owner_can_reach_every_object_operation(owner):
    """The 404s above are about ownership, not broken operations or bodies."""
    world = build_world(owner)
    token = token_create(actor=owner, name="owner", scope="read_write")[1]
    for op in object_operations():
        if op[0] == "delete":
            continue  # would remove what the next operation needs
        response = call(Client(), op[0], op[1], world, token)
        assert response.status_code != 404, (ids(op), response.content)
        assert response.status_code < 500, (ids(op), response.content)


# --- roles and scopes ---------------------------------------------------------------------------
# A person's own profile, tokens and notices are not the household's money: a viewer may
# change them, as on the pages (settings, token page, "mark all read").
PERSONAL = {
    ("patch", "/api/v1/me"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{token_id}"),
    ("post", "/api/v1/notifications/read"),
    # Households: creating one of your own, leaving one, accepting an invitation to you.
    ("post", "/api/v1/households"),
    ("post", "/api/v1/household/leave"),
    ("post", "/api/v1/invitations/accept"),
}


def household_money(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k not in ("User", "ApiToken", "Notification")}


@pytest.mark.parametrize("op", unsafe_operations(), ids=ids)
def test_a_viewers_token_is_refused_every_write(op, owner):
    world = build_world(owner)
    viewer = add_viewer(owner)
    # A token made while a member, kept after becoming a viewer.
    viewer.role = Role.MEMBER
    viewer.save(update_fields=["role"])
    token_text = token_create(actor=viewer, name="viewer", scope="read_write")[1]
    demote_to_viewer(viewer)
    before = snapshot(owner.household)
    response = call(Client(), op[0], op[1], world, token_text)
    if op in PERSONAL:
        assert response.status_code < 500, response.content
        after, expected = household_money(snapshot(owner.household)), household_money(before)
        if op == ("post", "/api/v1/household/leave"):  # the viewer's own membership goes
            assert [m["user_id"] for m in expected.pop("Membership")] == [
                m["user_id"] for m in after.pop("Membership")
            ] + [viewer.user_id]
        assert after == expected
        return
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden"
    assert snapshot(owner.household) == before


@pytest.mark.parametrize("op", unsafe_operations(), ids=ids)
def test_a_read_only_token_is_refused_every_write(op, owner):
    world = build_world(owner)
    token_text = token_create(actor=owner, name="read only", scope="read")[1]
    before = snapshot(owner.household)
    response = call(Client(), op[0], op[1], world, token_text)
    assert response.status_code == 403, response.content
    assert response.json() == {
        "detail": "This token is read-only.",
        "code": "forbidden",
        "errors": [],
    }
    assert snapshot(owner.household) == before
