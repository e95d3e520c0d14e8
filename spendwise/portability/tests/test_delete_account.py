"""Delete my account: after the password again, nothing of theirs is left — in any table or in
storage — and nobody else's data is touched."""

from __future__ import annotations

import io
import json
from typing import Any
from zipfile import ZipFile

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from spendwise.attachments.models import Attachment
from spendwise.attachments.storage import MissingFile
from spendwise.households.models import Household, Membership, Role
from spendwise.identity.models import AuthFailure, User
from spendwise.identity.providers import IdentityError
from spendwise.ledger.models import Account, Transaction
from spendwise.portability import actions
from spendwise.testing.factories import (
    PASSWORD,
    add_viewer,
    join,
    make_account,
    make_entry,
    make_member,
)

from .conftest import export_bytes, fill_household

pytestmark = pytest.mark.django_db

DELETE = reverse("portability:delete_account")


def every_row() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (many-to-many link tables too), by table; except the audit
    and security logs, which keep their history forever by design (docs/audit.md)."""
    return {
        model._meta.db_table: sorted(model._default_manager.values(), key=repr)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "audit"
    }


def counts() -> dict[str, int]:
    return {table: len(rows) for table, rows in every_row().items()}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other(db):
    """Someone else, with a full household of their own."""
    member = make_member("other@example.com")
    fill_household(member, prefix="Other ")
    return member


def test_it_deletes_every_row_and_file_of_a_household_of_one(
    other, storage, django_capture_on_commit_callbacks
):
    before = every_row()  # the other person's world, and nothing of the leaver's yet
    leaver = make_member("leaver@example.com")
    fill_household(leaver)
    keys = list(Attachment.objects.filter(household=leaver.household).values_list("key", flat=True))
    household_id = leaver.household_id
    assert len(keys) == 3
    assert counts() != {table: len(rows) for table, rows in before.items()}
    client = client_of(leaver.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:sign_in")
    # Row for row, the database is what it was before the leaver arrived.
    assert every_row() == before
    assert not Household.objects.filter(pk=household_id).exists()
    assert not User.objects.filter(email="leaver@example.com").exists()
    for key in keys:
        with pytest.raises(MissingFile):
            storage.open(key)
    assert not (storage.root / f"households/{household_id}").exists()
    # The other person's receipts are all still there.
    for attachment in Attachment.objects.filter(household=other.household):
        assert storage.open(attachment.key)


def test_the_other_persons_export_is_the_same_before_and_after(
    other, django_capture_on_commit_callbacks
):
    leaver = make_member("leaver@example.com")
    fill_household(leaver)
    exported = export_bytes(other.household)

    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_account(user=leaver.user)

    def without_time(archive: bytes) -> dict[str, Any]:
        with ZipFile(io.BytesIO(archive)) as opened:
            data: dict[str, Any] = json.loads(opened.read("spendwise.json"))
        del data["exported_at"]
        return data

    assert without_time(export_bytes(other.household)) == without_time(exported)


def test_it_signs_the_person_out(other):
    leaver = make_member("leaver@example.com")
    client = client_of(leaver.user)

    client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))


def test_in_a_shared_household_only_the_membership_and_the_user_go(owner, checking):
    partner = make_member("partner@example.com")
    shared = join(owner, partner, role=Role.MEMBER)
    written = make_entry(shared, checking, 1234, note="partner's coffee")
    own_household = partner.household_id
    transactions_before = Transaction.objects.filter(household=owner.household).count()

    summary = actions.delete_account(user=partner.user)

    assert summary == actions.DeletionSummary(households_deleted=1, households_left=1)
    assert not Household.objects.filter(pk=own_household).exists()
    assert Transaction.objects.filter(household=owner.household).count() == transactions_before
    written.refresh_from_db()
    assert written.created_by is None and written.note == "partner's coffee"
    assert list(
        Membership.objects.filter(household=owner.household).values_list("user__email", "role")
    ) == [("owner@example.com", "owner")]


def test_when_the_only_owner_leaves_a_member_becomes_owner(owner, checking):
    viewer = add_viewer(owner, "viewer@example.com")
    partner = make_member("partner@example.com")
    join(owner, partner, role=Role.MEMBER)

    actions.delete_account(user=owner.user)

    assert Household.objects.filter(pk=owner.household_id).exists()
    roles = dict(
        Membership.objects.filter(household=owner.household_id).values_list("user__email", "role")
    )
    assert roles == {"partner@example.com": "owner", viewer.user.email: "viewer"}
    assert Transaction.objects.filter(household=owner.household_id).count() == 0  # none yet
    assert Account.objects.filter(pk=checking.pk).exists()


def test_a_wrong_password_deletes_nothing(other, owner):
    client = client_of(owner.user)
    before = counts()
    response = client.post(DELETE, {"password": "not it", "confirm": "on"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was deleted." in page
    assert "That password is not right." in page
    after = counts()
    # Only the failed attempt is recorded (for throttling).
    assert after.pop(AuthFailure._meta.db_table) > before.pop(AuthFailure._meta.db_table)
    assert after == before


def test_it_needs_the_box_ticked(owner):
    response = client_of(owner.user).post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    assert User.objects.filter(pk=owner.user_id).exists()


def test_guessing_the_password_is_throttled(settings, owner):
    settings.AUTH_THROTTLE_MAX_FAILURES = 2
    client = client_of(owner.user)
    for _ in range(2):
        client.post(DELETE, {"password": "guess", "confirm": "on"})

    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert User.objects.filter(pk=owner.user_id).exists()


def test_the_identity_provider_refusing_keeps_everything(owner, checking):
    make_entry(owner, checking, 500)
    before = counts()

    def provider_down(user):
        raise IdentityError("The sign-in service is not answering; try again later.")

    with pytest.raises(IdentityError, match="not answering"):
        actions.delete_account(user=owner.user, remove_identity=provider_down)
    assert counts() == before


def test_the_page_says_what_goes_and_what_stays(owner):
    partner = make_member("partner@example.com")
    join(owner, partner, role=Role.MEMBER)
    make_account(partner, "Partner's own")

    page = client_of(partner.user).get(DELETE).content.decode()

    assert "partner@example.com" in page
    assert "<strong>owner&#x27;s household</strong> is shared with 1 other member" in page
    assert "<strong>partner&#x27;s household</strong> and all its data" in page


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))


def test_settings_link_to_export_import_and_delete(owner_client):
    page = owner_client.get(reverse("identity:settings")).content.decode()
    for name in ("portability:export", "portability:restore", "portability:delete_account"):
        assert f'href="{reverse(name)}"' in page
