"""Two-step sign-in with the local provider, through the real pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.households.models import Membership
from spendwise.identity.models import AuthFailure
from spendwise.mfa.models import RecoveryCode, TotpDevice
from spendwise.mfa.tests.helpers import code_at, enter_code, set_up_app, sign_in

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_sets_up_the_app_and_signs_in_with_password_then_code(clock, owner: Membership):
    client = Client()
    client.force_login(owner.user)
    page = client.get(reverse("mfa:setup")).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, allowed by the CSP's img-src
    secret, codes = set_up_app(client)
    device = TotpDevice.objects.get(user=owner.user)
    assert device.secret == secret
    assert RecoveryCode.objects.filter(user=owner.user, used_at=None).count() == 10
    # Stored hashed: no code appears in the table.
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
    # The codes are shown once.
    assert client.get(reverse("mfa:recovery_codes"))["Location"] == reverse("mfa:security")

    client = Client()
    response = sign_in(client, owner.user.email, next="/transactions/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:sign_in_code"))
    assert not signed_in(client)  # the password alone signs nobody in
    assert client.get(reverse("web:dashboard")).status_code == 302

    clock.shift(60)  # a later code than the set-up's
    response = enter_code(client, code_at(secret), next="/transactions/")
    assert response.status_code == 302
    assert response["Location"] == "/transactions/"
    assert signed_in(client)
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_wrong_code_is_refused_and_signs_nobody_in(owner: Membership):
    client = Client()
    client.force_login(owner.user)
    secret, _ = set_up_app(client)
    client = Client()
    sign_in(client, owner.user.email)
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    response = enter_code(client, wrong)
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)
    assert AuthFailure.objects.filter(key__startswith="mfa:account:").count() == 1


def test_a_wrong_password_never_reaches_the_code_step(owner: Membership):
    client = Client()
    client.force_login(owner.user)
    set_up_app(client)
    client = Client()
    response = sign_in(client, owner.user.email, password="not-the-password-1")
    assert response.status_code == 200
    assert client.get(reverse("mfa:sign_in_code"))["Location"] == reverse("identity:sign_in")


def test_a_code_cannot_be_replayed_within_its_window(clock, owner: Membership):
    client = Client()
    client.force_login(owner.user)
    secret, _ = set_up_app(client)
    clock.shift(120)
    code = code_at(secret)
    first = Client()
    sign_in(first, owner.user.email)
    assert enter_code(first, code).status_code == 302
    assert signed_in(first)

    second = Client()  # someone who saw the code over the person's shoulder
    sign_in(second, owner.user.email)
    response = enter_code(second, code)
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert not signed_in(second)
    # The previous step's code is older than the one used: refused as well.
    assert enter_code(second, code_at(secret, -1)).status_code == 400
    # The next code works.
    assert enter_code(second, code_at(secret, 1)).status_code == 302
    assert signed_in(second)


def test_a_recovery_code_signs_in_once(owner: Membership):
    client = Client()
    client.force_login(owner.user)
    _, codes = set_up_app(client)

    client = Client()
    sign_in(client, owner.user.email)
    response = enter_code(client, codes[0].upper().replace("-", " "), follow=True)
    assert response.status_code == 200
    assert signed_in(client)
    assert "9 are left" in response.content.decode()
    assert RecoveryCode.objects.filter(user=owner.user, used_at=None).count() == 9

    client = Client()
    sign_in(client, owner.user.email)
    response = enter_code(client, codes[0])
    assert response.status_code == 400
    assert not signed_in(client)


def test_the_pending_sign_in_expires(clock, owner: Membership):
    client = Client()
    client.force_login(owner.user)
    secret, _ = set_up_app(client)
    client = Client()
    sign_in(client, owner.user.email)
    clock.shift(6 * 60)
    response = enter_code(client, code_at(secret))
    assert response["Location"] == reverse("identity:sign_in")
    assert not signed_in(client)


def test_too_many_wrong_codes_are_throttled(clock, owner: Membership, settings):
    settings.AUTH_THROTTLE_MAX_FAILURES = 3
    client = Client()
    client.force_login(owner.user)
    secret, _ = set_up_app(client)
    client = Client()
    sign_in(client, owner.user.email)
    for _ in range(3):
        assert enter_code(client, "000000").status_code == 400
    clock.shift(60)  # a fresh, right code is refused too
    sign_in(client, owner.user.email)
    response = enter_code(client, code_at(secret))
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert not signed_in(client)


def test_setting_up_needs_a_right_code_and_saves_nothing_otherwise(owner_client: Client, owner):
    owner_client.get(reverse("mfa:setup"))
    response = owner_client.post(reverse("mfa:setup"), {"code": "12345"})
    assert response.status_code == 400
    response = owner_client.post(reverse("mfa:setup"), {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TotpDevice.objects.filter(user=owner.user).exists()
    assert not RecoveryCode.objects.filter(user=owner.user).exists()


def test_it_regenerates_recovery_codes_with_a_current_code(clock, owner_client: Client, owner):
    secret, old = set_up_app(owner_client)
    clock.shift(60)
    response = owner_client.post(
        reverse("mfa:regenerate_recovery_codes"), {"code": code_at(secret)}
    )
    assert response["Location"] == reverse("mfa:recovery_codes")
    page = owner_client.get(reverse("mfa:recovery_codes")).content.decode()
    assert old[0] not in page
    assert RecoveryCode.objects.filter(user=owner.user).count() == 10
    client = Client()
    sign_in(client, owner.user.email)
    assert enter_code(client, old[1]).status_code == 400  # the old codes are gone


def test_turning_off_needs_a_code_or_the_password(owner_client: Client, owner):
    set_up_app(owner_client)
    response = owner_client.post(reverse("mfa:disable"), {"password": "wrong-password-1"})
    assert response.status_code == 400
    assert "password is not right" in response.content.decode()
    response = owner_client.post(reverse("mfa:disable"), {})
    assert response.status_code == 400
    assert TotpDevice.objects.filter(user=owner.user).exists()

    from spendwise.testing.factories import PASSWORD

    response = owner_client.post(reverse("mfa:disable"), {"password": PASSWORD})
    assert response["Location"] == reverse("mfa:security")
    assert not TotpDevice.objects.filter(user=owner.user).exists()
    assert not RecoveryCode.objects.filter(user=owner.user).exists()
    client = Client()
    assert sign_in(client, owner.user.email).status_code == 302
    assert signed_in(client)  # the password alone is enough again


def test_the_security_page_shows_the_state(owner_client: Client, owner):
    page = owner_client.get(reverse("mfa:security")).content.decode()
    assert "Set up two-step sign-in" in page
    set_up_app(owner_client)
    page = owner_client.get(reverse("mfa:security")).content.decode()
    assert "10 recovery codes left" in page
    assert "Turn off two-step sign-in" in page
