"""History rows cannot be changed or deleted: by the models, and on PostgreSQL by a trigger.
And bulk writes (imports) leave one summarising entry, not one per row."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from spendwise.audit import record
from spendwise.audit.models import AppendOnlyError, AuditEntry, SecurityEvent
from spendwise.households.models import Membership
from spendwise.imports.models import ImportBatch
from spendwise.imports.tests.conftest import import_file
from spendwise.ledger.models import Account, Transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(owner: Membership) -> AuditEntry:
    return record(household=owner.household, summary="something happened")


def test_it_refuses_to_change_or_delete_an_entry_through_the_model(entry: AuditEntry):
    entry.summary = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "something happened"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET summary = 'rewritten'",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_securityevent SET kind = 'sign_in'",
        "DELETE FROM audit_securityevent",
    ],
)
def test_it_refuses_raw_sql_updates_and_deletes_on_postgresql(
    entry: AuditEntry, client: Client, statement: str
):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (the suite's database)")
    client.post(reverse("identity:sign_in"), {"email": "owner@example.com", "password": "x"})
    assert SecurityEvent.objects.exists()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).summary == "something happened"


def test_it_keeps_the_history_when_the_household_is_deleted(owner: Membership, checking: Account):
    household_id = owner.household_id
    before = AuditEntry.objects.filter(household_id=household_id).count()
    owner.household.delete()
    assert AuditEntry.objects.filter(household_id=household_id).count() > before


def test_it_summarises_an_import_and_its_undo_in_one_entry_each(
    owner_client: Client, owner: Membership, checking: Account
):
    before = AuditEntry.objects.filter(model="ledger.transaction").count()
    import_file(owner_client, checking, "checking.qif")
    batch = ImportBatch.objects.get()
    imported = Transaction.objects.filter(household=owner.household).count()
    assert imported > 1
    owner_client.post(reverse("imports:undo", args=[batch.pk]), {"include_changed": "1"})
    assert not Transaction.objects.filter(household=owner.household).exists()

    committed, undone = AuditEntry.objects.filter(model="imports.importbatch").order_by("id")
    assert committed.summary == f"import #{batch.pk} committed: {imported} transactions"
    assert undone.summary == f"import #{batch.pk} undone: {imported} transactions deleted"
    assert committed.actor_id == owner.user_id and committed.action == "bulk"
    # no per-row entries for the bulk insert or the undo
    assert AuditEntry.objects.filter(model="ledger.transaction").count() == before
