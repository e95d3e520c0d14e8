"""Settings › API tokens: list, create (the token shown once), revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from spendwise.api.actions import token_create
from spendwise.api.models import ApiToken

pytestmark = pytest.mark.django_db
PAGE = reverse("tokens:index")


def test_settings_links_to_the_token_page(owner_client: Client):
    assert PAGE in owner_client.get(reverse("identity:settings")).content.decode()


def test_it_creates_a_token_and_shows_it_once(owner, owner_client: Client):
    response = owner_client.post(PAGE, {"name": "Phone app", "scope": "read_write"})
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'value="(sw_[0-9a-f]{8}_[A-Za-z0-9_-]+)"', page)
    assert match, page
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.user_id) == ("Phone app", "read_write", owner.user.pk)
    assert token.secret_hash not in page
    assert "no-store" in response["Cache-Control"]
    # It works for the API, and the page never shows it again.
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {match.group(1)}")
    assert api.status_code == 200
    again = owner_client.get(PAGE).content.decode()
    assert match.group(1) not in again
    assert "Phone app" in again and f"sw_{token.prefix}_" in again


def test_a_form_without_a_name_is_shown_again_with_a_400(owner_client: Client):
    response = owner_client.post(PAGE, {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_viewer_gets_read_only_tokens_only(viewer, viewer_client: Client):
    refused = viewer_client.post(PAGE, {"name": "Screen", "scope": "read_write"})
    assert refused.status_code == 400
    assert "Your role can only create read-only tokens." in refused.content.decode()
    assert not ApiToken.objects.exists()
    assert viewer_client.post(PAGE, {"name": "Screen", "scope": "read"}).status_code == 200
    assert ApiToken.objects.get().scope == "read"


def test_it_revokes_a_token(owner, owner_client: Client):
    token, text = token_create(actor=owner, name="Old script", scope="read")
    response = owner_client.post(reverse("tokens:revoke", args=[token.pk]), follow=True)
    assert "“Old script” is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 401


def test_someone_elses_token_is_a_404(owner, outsider_client: Client):
    token, _ = token_create(actor=owner, name="Mine", scope="read")
    url = reverse("tokens:revoke", args=[token.pk])
    assert outsider_client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "Mine" not in outsider_client.get(PAGE).content.decode()
