"""Events reach a real receiver only when the scheduled job runs, signed, retried with
backoff, signed twice during a secret rotation's grace period, and never sent twice."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from spendwise.budgets.models import BudgetAlert
from spendwise.imports.actions import draft_create, import_commit
from spendwise.ledger.models import Transaction
from spendwise.testing.factories import make_entry, make_transfer, set_budget
from spendwise.webhooks import actions
from spendwise.webhooks.delivery import MAX_ATTEMPTS, RETRY_DELAYS, deliver_due
from spendwise.webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEvent
from spendwise.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True) as traveller:
        yield traveller


def entry_form(account_pk: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "expense",
        "date": "2026-11-10",
        "amount": "12.50",
        "account": account_pk,
        "category": "",
        "payee": "Corner shop",
        "tags": "",
        "note": "",
    }
    return data | overrides


def test_a_transaction_added_on_the_page_is_sent_signed_by_the_scheduled_job(
    owner_client, owner, checking, hook, make_endpoint
):
    endpoint = make_endpoint()

    response = owner_client.post(reverse("ledger:transaction_create"), entry_form(checking.pk))

    assert response.status_code == 302
    assert hook.requests == []  # nothing is sent inside the person's request
    call_command("run_scheduled", "--date", "2026-11-27")

    (received,) = hook.requests
    row = Transaction.objects.get()
    assert received.valid == {endpoint.secret: True}
    assert received.headers["X-SpendWise-Event"] == "transaction.created"
    delivery = WebhookDelivery.objects.get()
    assert received.headers["X-SpendWise-Delivery"] == str(delivery.public_id)
    assert received.headers["X-SpendWise-Timestamp"].isdigit()
    body = received.body
    assert body["type"] == "transaction.created"
    assert body["id"] == str(delivery.event.public_id)
    assert body["household_id"] == owner.household_id
    assert body["data"] | {"id": None} == {
        "id": None,
        "account_id": checking.pk,
        "kind": "expense",
        "date": "2026-11-10",
        "amount": {"amount": "-12.50", "currency": "USD"},
        "category_id": None,
        "payee": "Corner shop",
        "note": "",
        "transfer_id": None,
    }
    assert body["data"]["id"] == row.pk
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.duration_ms is not None


def test_edits_and_deletes_on_the_pages_are_sent_in_order(
    owner_client, owner, checking, hook, make_endpoint
):
    make_endpoint()
    row = make_entry(owner, checking, 500)
    owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]), entry_form(checking.pk, amount="7.00")
    )
    owner_client.post(reverse("ledger:transaction_delete", args=[row.pk]))

    deliver_due()

    events = sorted(hook.requests, key=lambda r: r.body["created_at"])
    assert [r.body["type"] for r in events] == [
        "transaction.created",
        "transaction.updated",
        "transaction.deleted",
    ]
    assert events[1].body["data"]["amount"] == {"amount": "-7.00", "currency": "USD"}
    assert {r.body["data"]["id"] for r in events} == {row.pk}


def test_an_endpoint_gets_only_the_events_it_chose(owner, checking, hook, make_endpoint):
    make_endpoint(events=(EventType.TRANSACTION_DELETED,))
    row = make_entry(owner, checking, 500)
    assert WebhookEvent.objects.count() == 0  # nobody asked for "created": nothing written

    from spendwise.ledger.actions import transaction_delete

    transaction_delete(actor=owner, row=row)
    deliver_due()

    assert [r.body["type"] for r in hook.requests] == ["transaction.deleted"]


def test_a_transfer_deleted_sends_both_legs(owner, checking, savings, hook, make_endpoint):
    make_endpoint(events=(EventType.TRANSACTION_DELETED,))
    transfer = make_transfer(owner, checking, savings, 2500)
    from spendwise.ledger.actions import transaction_delete

    transaction_delete(actor=owner, row=transfer.transactions.earliest("id"))
    deliver_due()

    assert sorted(r.body["data"]["amount"]["amount"] for r in hook.requests) == ["-25.00", "25.00"]


def test_a_change_rolled_back_sends_nothing(owner, checking, hook, make_endpoint):
    make_endpoint()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_entry(owner, checking, 500)
        raise RuntimeError("rolled back")

    assert WebhookEvent.objects.count() == 0
    assert deliver_due().delivered == 0
    assert hook.requests == []


def test_an_invalid_form_sends_nothing(owner_client, checking, hook, make_endpoint):
    make_endpoint()
    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_form(checking.pk, amount="lots")
    )

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_an_import_sends_one_event_with_its_count_not_one_per_row(
    owner, checking, hook, make_endpoint
):
    make_endpoint()
    statement = (
        b"!Type:Bank\nD11/03/2026\nT-12.34\nPCafe\n^\nD11/04/2026\nT-5.00\nPBakery\n^\n"
        b"D11/05/2026\nT100.00\nPSalary\n^\n"
    )
    batch = import_commit(
        actor=owner,
        draft=draft_create(actor=owner, account=checking, file_name="nov.qif", content=statement),
    )
    deliver_due()

    (received,) = hook.requests
    assert received.body["type"] == "import.finished"
    assert received.body["data"]["import_id"] == batch.pk
    assert received.body["data"]["rows_imported"] == 3
    assert received.body["data"]["account_id"] == checking.pk
    assert Transaction.objects.count() == 3


def test_a_budget_crossing_a_threshold_is_sent_once(
    owner, checking, hook, make_endpoint, django_capture_on_commit_callbacks
):
    set_budget(owner, "Groceries", 10_000, date(2026, 11, 1))
    make_endpoint(events=(EventType.BUDGET_THRESHOLD_CROSSED,))

    for minor, day in ((8_500, 20), (100, 21)):
        with django_capture_on_commit_callbacks(execute=True):  # alerts follow the commit
            make_entry(owner, checking, minor, category_name="Groceries", on=date(2026, 11, day))
    deliver_due()

    assert BudgetAlert.objects.count() == 1
    (received,) = hook.requests
    data = received.body["data"]
    assert received.body["type"] == "budget.threshold_crossed"
    assert (data["name"], data["month"], data["threshold"]) == ("Food › Groceries", "2026-11", 80)
    assert data["spent"] == {"amount": "85.00", "currency": "USD"}
    assert data["available"] == {"amount": "100.00", "currency": "USD"}
    assert data["percent"] == 85


def test_a_500_is_retried_with_backoff_then_delivered(
    owner, checking, hook, make_endpoint, frozen_now
):
    make_endpoint()
    hook.statuses.extend([500])
    make_entry(owner, checking, 500)

    summary = deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (summary.retrying, delivery.status, delivery.attempts) == (1, "pending", 1)
    assert delivery.response_code == 500
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) <= wait <= timedelta(seconds=67)
    assert deliver_due().retrying == 0  # not due yet: nothing sent
    assert len(hook.requests) == 1

    frozen_now.shift(timedelta(minutes=2))
    assert deliver_due().delivered == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)
    first, second = hook.requests
    assert first.raw == second.raw  # the same event, byte for byte
    assert first.headers["X-SpendWise-Delivery"] == second.headers["X-SpendWise-Delivery"]
    assert all(r.valid == {hook.secrets[0]: True} for r in hook.requests)


def test_it_gives_up_after_the_last_retry(owner, checking, hook, make_endpoint, frozen_now):
    make_endpoint()
    hook.statuses.extend([503] * MAX_ATTEMPTS)
    make_entry(owner, checking, 500)

    deliver_due()
    for delay in RETRY_DELAYS:
        frozen_now.shift(delay * 1.11)
        deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 6, None)
    assert len(hook.requests) == MAX_ATTEMPTS
    frozen_now.shift(timedelta(days=2))
    deliver_due()
    assert len(hook.requests) == MAX_ATTEMPTS


def test_an_endpoint_that_does_not_answer_is_retried(owner, checking, make_endpoint):
    endpoint = make_endpoint()
    # A closed port: nobody listens there.
    with Receiver() as gone:
        url = gone.url
    actions.endpoint_update(actor=owner, endpoint=endpoint, url=url)
    make_entry(owner, checking, 500)

    assert deliver_due().retrying == 1

    delivery = WebhookDelivery.objects.get()
    assert delivery.response_code is None
    assert delivery.error
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()


def test_both_secrets_sign_during_the_grace_period_after_a_rotation(
    owner, hook, make_endpoint, frozen_now
):
    endpoint = make_endpoint()
    old = endpoint.secret
    rotated = actions.secret_rotate(actor=owner, endpoint=endpoint)
    hook.secrets.append(rotated.secret)
    assert rotated.secret != old

    actions.ping_send(actor=owner, endpoint=rotated)
    deliver_due()
    frozen_now.shift(timedelta(hours=24, minutes=1))
    actions.ping_send(actor=owner, endpoint=rotated)
    deliver_due()

    during, after = hook.requests
    assert during.valid == {old: True, rotated.secret: True}
    assert len(during.signatures) == 2
    assert after.valid == {old: False, rotated.secret: True}
    assert len(after.signatures) == 1


def test_a_ping_goes_to_its_endpoint_alone_whatever_it_subscribes_to(owner, hook, make_endpoint):
    endpoint = make_endpoint(events=(EventType.IMPORT_FINISHED,))
    other = make_endpoint(events=(EventType.IMPORT_FINISHED,))

    actions.ping_send(actor=owner, endpoint=endpoint)
    deliver_due()

    (received,) = hook.requests
    assert received.body["type"] == "ping"
    assert received.body["data"]["endpoint_id"] == endpoint.pk
    assert received.valid[endpoint.secret] and not received.valid[other.secret]


def test_a_delivery_to_an_endpoint_turned_off_meanwhile_is_not_sent(
    owner, checking, hook, make_endpoint
):
    endpoint = make_endpoint()
    make_entry(owner, checking, 500)
    actions.endpoint_update(actor=owner, endpoint=endpoint, active=False)

    deliver_due()

    assert hook.requests == []
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_an_address_that_turned_private_is_not_contacted(owner, hook, make_endpoint, monkeypatch):
    """DNS rebinding: the host name was public when saved, is private when sending."""
    endpoint = make_endpoint()
    answers = {"hooks.example.com": "93.184.215.14"}

    def resolve(host, port, **kwargs):
        return [(2, 1, 6, "", (answers[host], port))]

    monkeypatch.setattr("spendwise.webhooks.addresses.socket.getaddrinfo", resolve)
    actions.endpoint_update(actor=owner, endpoint=endpoint, url="https://hooks.example.com/in")
    answers["hooks.example.com"] = "10.0.0.7"
    actions.ping_send(actor=owner, endpoint=endpoint)

    deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert "10.0.0.7" in delivery.error
    assert delivery.response_code is None
    assert hook.requests == []


# --- two deliverers at once ---------------------------------------------------------------------
@pytest.fixture
def postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite locks the whole file)")


def test_two_deliverers_at_once_send_each_delivery_once(postgres_only, owner, hook, make_endpoint):
    endpoint = make_endpoint()
    for _ in range(12):
        actions.ping_send(actor=owner, endpoint=endpoint)
    hook.delay = 0.05  # each send takes a while: the two runs overlap
    together = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        try:
            together.wait()
            results.append(deliver_due())
        except BaseException as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(not isinstance(r, BaseException) for r in results), results
    assert sum(r.delivered for r in results) == 12  # type: ignore[attr-defined]
    assert all(r.delivered > 0 for r in results)  # type: ignore[attr-defined]
    ids = [r.headers["X-SpendWise-Delivery"] for r in hook.requests]
    assert len(ids) == len(set(ids)) == 12
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}


def test_a_delivery_locked_by_another_run_is_skipped_not_waited_for(
    postgres_only, owner, hook, make_endpoint
):
    endpoint = make_endpoint()
    actions.ping_send(actor=owner, endpoint=endpoint)
    held = WebhookDelivery.objects.get()
    actions.ping_send(actor=owner, endpoint=endpoint)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        summary = deliver_due()
    finally:
        release.set()
        holder.join(timeout=30)

    assert summary.delivered == 1
    assert deliver_due().delivered == 1
    assert len(hook.requests) == 2


def test_wiping_a_household_sends_nothing_and_leaves_nothing(
    owner, checking, savings, make_endpoint
):
    from spendwise.portability.actions import wipe_household

    make_endpoint()
    make_entry(owner, checking, 500)
    make_transfer(owner, checking, savings, 700)

    with transaction.atomic():
        wipe_household(owner.household)

    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
