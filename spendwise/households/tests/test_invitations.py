"""Inviting by e-mail, the pending list, and accepting (or not) an invitation link."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spendwise.households.actions import invitation_create
from spendwise.households.models import Invitation, Membership, Role
from spendwise.testing.factories import join, make_member

pytestmark = pytest.mark.django_db


def _invite(owner_client: Client, email: str, role: str = "member", capture: Any = None) -> Any:
    with capture(execute=True):
        return owner_client.post(reverse("households:invite"), {"email": email, "role": role})


def _link_of(mail) -> str:
    match = re.search(r"http://[^/]+(/invitations/[^\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_it_emails_a_link_and_lists_the_invitation_as_pending(
    owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = _invite(
        owner_client, "Partner@Example.com", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["partner@example.com"]
    assert "/invitations/" in mail.body
    page = owner_client.get(reverse("households:members")).content.decode()
    assert "partner@example.com" in page and "Pending invitations" in page
    invitation = Invitation.objects.get()
    # Only a hash of the link's secret is kept.
    assert invitation.token_hash not in mail.body


def test_the_invitee_accepts_after_signing_in_and_gets_the_role(
    client_in, owner, owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(
        owner_client, "partner@example.com", "viewer", capture=django_capture_on_commit_callbacks
    )
    link = _link_of(mailoutbox[0])
    partner = make_member("partner@example.com")

    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200
    assert "sign-in/?next=" in page.content.decode().replace("&amp;", "&")

    client = client_in(partner)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    joined = Membership.objects.get(household=owner.household, user=partner.user)
    assert joined.role == Role.VIEWER
    # and the session now acts in the household joined
    assert client.get(reverse("households:members")).context["household"] == owner.household
    assert Invitation.objects.get().accepted_by == partner.user


def test_a_signed_out_visitor_who_signs_up_comes_back_to_the_invitation(
    owner_client, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(owner_client, "new@example.com", capture=django_capture_on_commit_callbacks)
    link = _link_of(mailoutbox[0])
    visitor = Client()
    visitor.get(link)
    newcomer = make_member("new@example.com")
    visitor.force_login(newcomer.user)  # as signing up, confirming and signing in end
    landing = visitor.get(reverse("web:dashboard"))
    assert landing.status_code == 302 and landing["Location"] == link


def test_it_refuses_another_email_and_writes_nothing(
    owner, owner_client, outsider, outsider_client, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(owner_client, "partner@example.com", capture=django_capture_on_commit_callbacks)
    link = _link_of(mailoutbox[0])
    assert outsider_client.get(link).status_code == 404
    assert outsider_client.post(link).status_code == 404
    assert not Membership.objects.filter(household=owner.household, user=outsider.user).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_works_once(client_in, owner, django_capture_on_commit_callbacks):
    _, token = invitation_create(actor=owner, email="partner@example.com", role="member")
    partner = make_member("partner@example.com")
    client = client_in(partner)
    link = reverse("households:accept", args=[token])
    assert client.post(link).status_code == 302
    again = client.post(link)
    assert again.status_code == 409
    assert "already accepted" in again.content.decode()
    assert Membership.objects.filter(household=owner.household, user=partner.user).count() == 1


def test_an_invitation_expires_after_seven_days(client_in, owner):
    with time_machine.travel("2026-11-01 12:00:00+00:00"):
        _, token = invitation_create(actor=owner, email="partner@example.com", role="member")
    partner = make_member("partner@example.com")
    with time_machine.travel("2026-11-08 12:00:01+00:00"):
        response = client_in(partner).post(reverse("households:accept", args=[token]))
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(household=owner.household, user=partner.user).exists()


def test_a_revoked_invitation_cannot_be_accepted(client_in, owner, owner_client):
    invitation, token = invitation_create(actor=owner, email="partner@example.com", role="member")
    response = owner_client.post(reverse("households:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    partner = make_member("partner@example.com")
    assert client_in(partner).post(reverse("households:accept", args=[token])).status_code == 409
    page = owner_client.get(reverse("households:members")).content.decode()
    assert f'id="invitation-{invitation.pk}"' not in page


def test_a_tampered_link_is_not_found(client_in, owner):
    invitation_create(actor=owner, email="partner@example.com", role="member")
    partner = make_member("partner@example.com")
    response = client_in(partner).post(reverse("households:accept", args=["made-up:token"]))
    assert response.status_code == 404


def test_members_and_viewers_cannot_invite(client_in, owner, viewer_client, mailoutbox):
    member = join(owner, make_member("member@example.com"))
    for client in (client_in(member), viewer_client):
        response = client.post(
            reverse("households:invite"), {"email": "x@example.com", "role": "owner"}
        )
        assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_refuses_a_bad_email_or_an_existing_member_with_400(owner_client, viewer):
    for email in ("not-an-email", "viewer@example.com"):
        response = owner_client.post(
            reverse("households:invite"), {"email": email, "role": "member"}
        )
        assert response.status_code == 400
    assert not Invitation.objects.exists()
