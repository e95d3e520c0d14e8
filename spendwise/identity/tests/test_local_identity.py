"""The local identity provider through the pages: sign-up → code → confirm → sign in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from spendwise.households.models import Membership, Role
from spendwise.identity.models import AuthFailure, User
from spendwise.ledger.models import Category
from spendwise.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db
EMAIL = "new.person@example.com"
STRONG = "violet-teapot-marathon-42"


def sent_code() -> str:
    match = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def sign_up(client: Client, email: str = EMAIL, password: str = STRONG):
    return client.post(reverse("identity:sign_up"), {"email": email, "password": password})


def test_it_signs_up_confirms_and_signs_in(client: Client):
    response = sign_up(client, "New.Person@Example.com")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert mail.outbox[-1].to == [EMAIL]
    user = User.objects.get(email=EMAIL)
    assert not user.is_confirmed
    assert not Membership.objects.filter(user=user).exists()

    response = client.post(reverse("identity:confirm"), {"email": EMAIL, "code": sent_code()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_confirmed
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert Category.objects.filter(household=membership.household, name="Groceries").exists()

    response = client.post(reverse("identity:sign_in"), {"email": EMAIL, "password": STRONG})
    assert response.status_code == 302
    page = client.get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert "Add your first account" in page.content.decode()


def test_it_refuses_a_weak_password_and_creates_nothing(client: Client):
    response = sign_up(client, password="12345678")
    assert response.status_code == 200
    assert (
        "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    )
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


def test_it_refuses_a_wrong_code_and_leaves_the_user_unconfirmed(client: Client):
    sign_up(client)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("identity:confirm"), {"email": EMAIL, "code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not User.objects.get(email=EMAIL).is_confirmed


def test_a_resent_code_replaces_the_old_one(client: Client):
    sign_up(client)
    first = sent_code()
    client.post(reverse("identity:resend_code"), {"email": EMAIL})
    second = sent_code()
    assert len(mail.outbox) == 2
    if first != second:
        response = client.post(reverse("identity:confirm"), {"email": EMAIL, "code": first})
        assert "That code is not right" in response.content.decode()
    client.post(reverse("identity:confirm"), {"email": EMAIL, "code": second})
    assert User.objects.get(email=EMAIL).is_confirmed


def test_an_unconfirmed_user_is_sent_to_confirm_instead_of_signed_in(client: Client):
    sign_up(client)
    response = client.post(reverse("identity:sign_in"), {"email": EMAIL, "password": STRONG})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:confirm"))
    assert "_auth_user_id" not in client.session


def test_signing_up_with_a_taken_address_reveals_nothing_and_changes_nothing(client: Client):
    member = make_member("taken@example.com")
    response = sign_up(client, "taken@example.com", "another-long-password-9")
    assert response.status_code == 302  # same answer as for a new address
    assert "already have a SpendWise account" in mail.outbox[-1].body
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


def test_it_throttles_repeated_failed_sign_ins_per_account(client: Client, settings):
    settings.AUTH_THROTTLE_MAX_FAILURES = 3
    make_member("victim@example.com")
    for _ in range(3):
        response = client.post(
            reverse("identity:sign_in"), {"email": "victim@example.com", "password": "nope-nope"}
        )
        assert "not right" in response.content.decode()
    # Even the right password is refused while throttled, with a clear message.
    response = client.post(
        reverse("identity:sign_in"), {"email": "victim@example.com", "password": PASSWORD}
    )
    assert "Too many failed attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_throttles_per_ip_across_accounts(client: Client, settings):
    settings.AUTH_THROTTLE_MAX_FAILURES = 3
    for index in range(3):
        client.post(
            reverse("identity:sign_in"), {"email": f"guess{index}@example.com", "password": "x"}
        )
    make_member("other@example.com")
    response = client.post(
        reverse("identity:sign_in"), {"email": "other@example.com", "password": PASSWORD}
    )
    assert "Too many failed attempts" in response.content.decode()
    assert AuthFailure.objects.filter(key__startswith="sign_in:ip:").count() == 3


def test_it_throttles_code_guessing(client: Client, settings):
    settings.AUTH_THROTTLE_MAX_FAILURES = 3
    sign_up(client)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("identity:confirm"), {"email": EMAIL, "code": wrong})
    response = client.post(reverse("identity:confirm"), {"email": EMAIL, "code": code})
    assert "Too many failed attempts" in response.content.decode()
    assert not User.objects.get(email=EMAIL).is_confirmed


def test_it_resets_a_forgotten_password_with_a_code(client: Client):
    member = make_member("forgetful@example.com")
    response = client.post(reverse("identity:forgot_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    code = sent_code()
    response = client.post(
        reverse("identity:reset_password"),
        {"email": "forgetful@example.com", "code": code, "password": STRONG},
    )
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password(STRONG)
    # The code is single-use.
    response = client.post(
        reverse("identity:reset_password"),
        {"email": "forgetful@example.com", "code": code, "password": "yet-another-password-7"},
    )
    assert "That code is not right" in response.content.decode()


def test_forgot_password_for_an_unknown_address_looks_the_same_and_sends_nothing(client: Client):
    response = client.post(reverse("identity:forgot_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_out_ends_the_session(owner_client: Client):
    assert owner_client.get(reverse("web:dashboard")).status_code == 200
    response = owner_client.post(reverse("identity:sign_out"))
    assert response.status_code == 302
    assert owner_client.get(reverse("web:dashboard")).status_code == 302


def test_sign_out_refuses_get(owner_client: Client):
    assert owner_client.get(reverse("identity:sign_out")).status_code == 405


def test_sign_in_does_not_redirect_to_another_site(client: Client):
    make_member("safe@example.com")
    response = client.post(
        reverse("identity:sign_in"),
        {"email": "safe@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:dashboard")


def test_the_profile_page_saves_valid_settings_and_refuses_bad_ones(owner_client: Client, owner):
    url = reverse("identity:settings")
    good = {
        "display_name": "Lan",
        "home_currency": "vnd",
        "time_zone": "Asia/Ho_Chi_Minh",
        "locale": "vi",
        "month_start_day": "25",
    }
    assert owner_client.post(url, good).status_code == 302
    owner.user.refresh_from_db()
    assert (owner.user.home_currency, owner.user.month_start_day) == ("VND", 25)
    for field, value in [
        ("month_start_day", "29"),
        ("home_currency", "XYZ"),
        ("time_zone", "Mars/Base"),
    ]:
        response = owner_client.post(url, {**good, field: value})
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.time_zone == "Asia/Ho_Chi_Minh"
