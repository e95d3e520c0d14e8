"""The API's shared behaviour: authentication, scopes, errors, idempotency, rate limits."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from spendwise.api.actions import token_create
from spendwise.api.models import ApiToken, IdempotencyRecord
from spendwise.ledger.models import Transaction
from spendwise.testing.factories import make_account

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def rw_token(owner) -> str:
    return token_create(actor=owner, name="phone", scope="read_write")[1]


@pytest.fixture
def ro_token(owner) -> str:
    return token_create(actor=owner, name="dashboard screen", scope="read")[1]


def post(client: Client, path: str, body: dict, **extra) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json", **extra)


def expense(account, **changes) -> dict:
    return {
        "kind": "expense",
        "date": "2026-11-20",
        "amount": "12.50",
        "account_id": account.pk,
        "payee": "Corner Café",
        **changes,
    }


def test_a_token_reads_and_writes_as_its_household(client, owner, rw_token):
    account = make_account(owner, "Checking", opening=10000)
    response = post(client, "/transactions", expense(account), **bearer(rw_token))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == {"amount": "-12.50", "currency": "USD"}
    listed = client.get(f"{API}/accounts", **bearer(rw_token)).json()
    assert listed["items"][0]["balance"] == {"amount": "87.50", "currency": "USD"}
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert token.secret_hash not in rw_token  # stored hashed, shown once


def test_a_read_only_token_cannot_write(client, owner, ro_token):
    account = make_account(owner, "Checking")
    assert client.get(f"{API}/accounts", **bearer(ro_token)).status_code == 200
    response = post(client, "/transactions", expense(account), **bearer(ro_token))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token is read-only.",
        "code": "forbidden",
        "errors": [],
    }
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("text", ["sw_nothere_x", "sw_garbage", "not-a-token", ""])
def test_unknown_and_malformed_tokens_are_401(client, owner, text):
    response = client.get(f"{API}/accounts", **bearer(text))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_revoked_token_stops_working_at_once(client, owner, rw_token):
    assert client.get(f"{API}/me", **bearer(rw_token)).status_code == 200
    response = client.delete(f"{API}/tokens/{ApiToken.objects.get().pk}", **bearer(rw_token))
    assert response.status_code == 204
    assert client.get(f"{API}/me", **bearer(rw_token)).status_code == 401


def test_a_removed_member_loses_token_access(client, owner, rw_token):
    owner.delete()
    assert client.get(f"{API}/me", **bearer(rw_token)).status_code == 401


def test_the_session_works_and_unsafe_methods_need_csrf(owner, owner_client):
    account = make_account(owner, "Checking")
    assert owner_client.get(f"{API}/me").json()["email"] == owner.user.email
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner.user)
    response = post(strict, "/transactions", expense(account))
    assert response.status_code == 403
    assert not Transaction.objects.exists()
    strict.get("/transactions/")  # the page sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    response = post(strict, "/transactions", expense(account), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_anonymous_is_401_with_the_error_shape(client):
    response = client.get(f"{API}/accounts")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "errors"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 12.5}, "amount"),  # a JSON number is refused: floats lose cents
        ({"amount": "12.345"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"date": "2026-02-30"}, "date"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_input_is_a_4xx_with_the_field_and_writes_nothing(
    client, owner, rw_token, change, field
):
    account = make_account(owner, "Checking")
    response = post(client, "/transactions", expense(account, **change), **bearer(rw_token))
    assert response.status_code in (400, 422)
    body = response.json()
    assert any(field in (error["field"] or "") for error in body["errors"]), body
    assert not Transaction.objects.exists()


def test_another_households_account_is_404(client, owner, outsider, rw_token):
    theirs = make_account(outsider, "Theirs")
    response = post(client, "/transactions", expense(theirs), **bearer(rw_token))
    assert response.status_code == 404
    assert client.get(f"{API}/accounts/{theirs.pk}", **bearer(rw_token)).status_code == 404
    assert not Transaction.objects.exists()


def test_a_retried_post_with_the_same_key_writes_once_and_replays(client, owner, rw_token):
    account = make_account(owner, "Checking")
    key = {"HTTP_IDEMPOTENCY_KEY": "retry-1"}
    first = post(client, "/transactions", expense(account), **bearer(rw_token), **key)
    again = post(client, "/transactions", expense(account), **bearer(rw_token), **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Transaction.objects.count() == 1
    other = post(
        client, "/transactions", expense(account, amount="1.00"), **bearer(rw_token), **key
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Transaction.objects.count() == 1


def _reservation(token: str, key: str, body: dict) -> IdempotencyRecord:
    """The row a first request leaves when it dies before committing: reserved, no answer."""
    caller = "auth:" + hashlib.sha256(f"Bearer {token}".encode()).hexdigest()[:40]
    raw = f"{API}/transactions".encode() + b"\n" + json.dumps(body).encode()
    digest = hashlib.sha256(raw).hexdigest()
    return IdempotencyRecord.objects.create(caller=caller, key=key, request_hash=digest)


def test_a_retry_takes_over_a_reservation_whose_first_request_died(client, owner, rw_token):
    account = make_account(owner, "Checking")
    body = expense(account)
    _reservation(rw_token, "died-1", body)
    retried = post(client, "/transactions", body, **bearer(rw_token), HTTP_IDEMPOTENCY_KEY="died-1")
    assert retried.status_code == 201, retried.content
    again = post(client, "/transactions", body, **bearer(rw_token), HTTP_IDEMPOTENCY_KEY="died-1")
    assert again["Idempotent-Replayed"] == "true"
    assert Transaction.objects.count() == 1
    assert IdempotencyRecord.objects.get(key="died-1").status == 201


@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_request_runs_gets_409_and_writes_nothing(client, owner, rw_token):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE SKIP LOCKED) need PostgreSQL")
    account = make_account(owner, "Checking")
    body = expense(account)
    record = _reservation(rw_token, "running-1", body)
    locked, release = threading.Event(), threading.Event()

    def first_request_running() -> None:
        # The first request holds its reservation's row lock for as long as it runs.
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.select_for_update().get(pk=record.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=first_request_running)
    holder.start()
    try:
        assert locked.wait(10)
        retry = post(
            client, "/transactions", body, **bearer(rw_token), HTTP_IDEMPOTENCY_KEY="running-1"
        )
        assert retry.status_code == 409
        assert retry.json()["code"] == "conflict"
        assert retry["Retry-After"] == "1"
        assert not Transaction.objects.exists()
    finally:
        release.set()
        holder.join()


def test_rate_limits_answer_429_with_retry_after(client, owner, rw_token, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [client.get(f"{API}/me", **bearer(rw_token)).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    response = client.get(f"{API}/me", **bearer(rw_token))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["code"] == "rate_limited"


def test_keyset_pages_walk_every_transaction_once(client, owner, rw_token):
    account = make_account(owner, "Checking")
    for day in range(1, 8):
        for _ in range(3):
            post(
                client,
                "/transactions",
                expense(account, date=f"2026-11-{day:02d}"),
                **bearer(rw_token),
            )
    seen, cursor = [], ""
    while True:
        page = client.get(
            f"{API}/transactions", {"limit": 4, "cursor": cursor}, **bearer(rw_token)
        ).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(Transaction.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 21
    bad = client.get(f"{API}/transactions", {"cursor": "%%%"}, **bearer(rw_token))
    assert bad.status_code == 400


def test_the_schema_and_docs_are_served(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "SpendWise API"
    operation = schema["paths"]["/api/v1/transactions"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "422", "429"} <= set(operation["responses"])
    assert client.get(f"{API}/docs").status_code == 200
