"""Settings › Webhooks: owners add, edit, test, rotate and delete endpoints and read the
delivery log; members and viewers are refused (403) and nothing is written."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.households.models import Role
from spendwise.testing.factories import join, make_member
from spendwise.webhooks import actions
from spendwise.webhooks.delivery import deliver_due
from spendwise.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


def form(url: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "url": url,
        "description": "Home automation",
        "events": ["transaction.created", "import.finished"],
        "active": "on",
    }
    return data | overrides


def test_it_adds_an_endpoint_and_shows_its_secret_once(owner_client, owner, hook):
    response = owner_client.post(reverse("webhooks:create"), form(hook.url))

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.household_id == owner.household_id
    assert endpoint.events == ["transaction.created", "import.finished"]
    assert endpoint.secret.startswith("whsec_")
    assertContains(response, endpoint.secret)
    assertContains(response, "shown only this once")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    for page in (reverse("webhooks:index"), reverse("webhooks:detail", args=[endpoint.pk])):
        shown = owner_client.get(page)
        assertContains(shown, hook.url)
        assertNotContains(shown, endpoint.secret)


def test_it_refuses_a_private_address_and_writes_nothing(owner_client):
    response = owner_client.post(reverse("webhooks:create"), form("https://192.168.1.20/hook"))

    assert response.status_code == 400
    assertContains(response, "private, local or reserved", status_code=400)
    assert WebhookEndpoint.objects.count() == 0


def test_it_refuses_a_form_without_events(owner_client, hook):
    response = owner_client.post(reverse("webhooks:create"), form(hook.url, events=[]))

    assert response.status_code == 400
    assert WebhookEndpoint.objects.count() == 0


def test_it_edits_an_endpoint(owner_client, make_endpoint):
    endpoint = make_endpoint()
    response = owner_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        form(endpoint.url, events=["transaction.deleted"], active="", description="Off now"),
    )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.active, endpoint.description) == (
        ["transaction.deleted"],
        False,
        "Off now",
    )


def test_the_test_button_queues_a_ping_for_the_next_scheduled_run(
    owner_client, make_endpoint, hook
):
    endpoint = make_endpoint()

    response = owner_client.post(reverse("webhooks:test", args=[endpoint.pk]), follow=True)

    assertContains(response, "Test event queued")
    assertContains(response, "next scheduled run")
    assert hook.requests == []
    assert WebhookDelivery.objects.get().status == "pending"
    deliver_due()
    (received,) = hook.requests
    assert received.body["type"] == "ping"
    assert received.valid == {endpoint.secret: True}
    log = owner_client.get(reverse("webhooks:detail", args=[endpoint.pk]))
    assertContains(log, 'data-status="delivered"')
    assertContains(log, "<code>ping</code>", html=False)


def test_rotating_shows_the_new_secret_once(owner_client, make_endpoint):
    endpoint = make_endpoint()
    old = endpoint.secret

    response = owner_client.post(reverse("webhooks:rotate", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    assertContains(response, endpoint.secret)
    assertContains(response, "next 24 hours")
    assertNotContains(response, old)


def test_it_deletes_an_endpoint_with_its_log(owner_client, owner, make_endpoint):
    endpoint = make_endpoint()
    actions.ping_send(actor=owner, endpoint=endpoint)

    response = owner_client.post(reverse("webhooks:delete", args=[endpoint.pk]))

    assert response.status_code == 302
    assert WebhookEndpoint.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_the_delivery_log_is_paginated_newest_first(owner_client, owner, make_endpoint):
    endpoint = make_endpoint()
    for _ in range(30):
        actions.ping_send(actor=owner, endpoint=endpoint)
    newest = WebhookDelivery.objects.latest("id")
    oldest = WebhookDelivery.objects.earliest("id")
    url = reverse("webhooks:detail", args=[endpoint.pk])

    first = owner_client.get(url)
    second = owner_client.get(url, {"page": 2})

    assert first.content.decode().count('data-status="pending"') == 25
    assert second.content.decode().count('data-status="pending"') == 5
    assertContains(first, str(newest.public_id))
    assertContains(second, str(oldest.public_id))
    assertContains(first, "Page 1 of 2")


@pytest.fixture
def member_client(owner, client):
    member = make_member("member@example.com")
    join(owner, member, Role.MEMBER)
    client.force_login(member.user)
    session = client.session
    session["household_id"] = owner.household_id
    session.save()
    return client


@pytest.mark.parametrize("who", ["member_client", "viewer_client"])
def test_members_and_viewers_are_refused_and_nothing_is_written(who, request, make_endpoint):
    client = request.getfixturevalue(who)
    endpoint = make_endpoint()
    before = list(WebhookEndpoint.objects.values())
    pk = endpoint.pk

    answers = [
        client.get(reverse("webhooks:index")).status_code,
        client.get(reverse("webhooks:detail", args=[pk])).status_code,
        client.post(reverse("webhooks:create"), form("https://93.184.215.14/")).status_code,
        client.post(
            reverse("webhooks:edit", args=[pk]), form("https://93.184.215.14/")
        ).status_code,
        client.post(reverse("webhooks:rotate", args=[pk])).status_code,
        client.post(reverse("webhooks:test", args=[pk])).status_code,
        client.post(reverse("webhooks:delete", args=[pk])).status_code,
    ]

    assert answers == [403] * 7
    assert list(WebhookEndpoint.objects.values()) == before
    assert WebhookEvent.objects.count() == 0
