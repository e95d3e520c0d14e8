"""``/api/v1/webhooks``: the same actions as the pages, owners only; the secret only in the
answers that make one."""

from __future__ import annotations

import pytest

from spendwise.api.tests.conftest import api_client
from spendwise.households.models import Role
from spendwise.testing.factories import join, make_member
from spendwise.webhooks.delivery import deliver_due
from spendwise.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return api_client(owner)


def test_it_creates_lists_changes_and_deletes_an_endpoint(api, hook):
    created = api.post("/webhooks", {"url": hook.url, "events": ["transaction.created"]})

    assert created.status_code == 201, created.content
    body = created.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert (body["id"], body["events"]) == (endpoint.pk, ["transaction.created"])
    assert body["active"] is True
    listed = api.get("/webhooks").json()
    assert [e["id"] for e in listed] == [endpoint.pk]
    assert "secret" not in listed[0]

    changed = api.send("PATCH", f"/webhooks/{endpoint.pk}", {"active": False})
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert changed.json()["url"] == hook.url

    assert api.delete(f"/webhooks/{endpoint.pk}").status_code == 204
    assert WebhookEndpoint.objects.count() == 0


def test_it_refuses_a_private_address_with_a_json_error(api):
    response = api.post("/webhooks", {"url": "https://10.0.0.8/", "events": ["import.finished"]})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "url"
    assert WebhookEndpoint.objects.count() == 0


def test_it_refuses_an_unknown_event(api, hook):
    response = api.post("/webhooks", {"url": hook.url, "events": ["everything"]})

    assert response.status_code == 400
    assert WebhookEndpoint.objects.count() == 0


def test_test_send_rotation_and_the_delivery_log(api, make_endpoint, hook):
    endpoint = make_endpoint()
    old = endpoint.secret

    rotated = api.post(f"/webhooks/{endpoint.pk}/rotate-secret")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != old and rotated.json()["previous_secret_signs_until"]
    hook.secrets.append(new)
    for _ in range(3):
        assert api.post(f"/webhooks/{endpoint.pk}/test").status_code == 202
    deliver_due()

    assert all(r.valid == {old: True, new: True} for r in hook.requests)
    first = api.get(f"/webhooks/{endpoint.pk}/deliveries", limit=2).json()
    assert [d["status"] for d in first["items"]] == ["delivered", "delivered"]
    assert first["items"][0]["event_type"] == "ping"
    assert first["items"][0]["response_code"] == 200
    rest = api.get(f"/webhooks/{endpoint.pk}/deliveries", limit=2, cursor=first["next_cursor"])
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None
    ids = [d["id"] for d in first["items"] + rest.json()["items"]]
    assert sorted(ids) == sorted(r.headers["X-SpendWise-Delivery"] for r in hook.requests)


def test_a_members_token_is_refused(owner, make_endpoint):
    endpoint = make_endpoint()
    secret = endpoint.secret
    member = make_member("member@example.com")
    join(owner, member, Role.MEMBER)
    # The member's token acts in the owner's household: its membership there.
    from spendwise.households.models import Membership

    api = api_client(Membership.objects.get(user=member.user, household=owner.household))

    assert api.get("/webhooks").status_code == 403
    assert api.get(f"/webhooks/{endpoint.pk}/deliveries").status_code == 403
    assert api.post(f"/webhooks/{endpoint.pk}/rotate-secret").status_code == 403
    assert WebhookEndpoint.objects.get().secret == secret
