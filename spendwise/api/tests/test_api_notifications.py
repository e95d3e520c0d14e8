"""``/api/v1/notifications``: what I can see, newest first, and "mark all read"."""

from __future__ import annotations

import pytest

from spendwise.api.tests.conftest import api_client
from spendwise.notifications.actions import notify
from spendwise.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_it_lists_mine_and_the_households_newest_first_in_pages(owner, viewer, outsider, api):
    for number in range(5):
        notify(household=owner.household, title=f"Notice {number}", link="/budgets/")
    notify(household=owner.household, title="For the viewer only", user=viewer.user)
    notify(household=outsider.household, title="Not ours")
    first = api.get("/notifications", limit=3).json()
    assert [item["title"] for item in first["items"]] == ["Notice 4", "Notice 3", "Notice 2"]
    assert first["unread_count"] == 5
    assert first["items"][0]["link"] == "/budgets/"
    rest = api.get("/notifications", limit=3, cursor=first["next_cursor"]).json()
    assert [item["title"] for item in rest["items"]] == ["Notice 1", "Notice 0"]
    assert rest["next_cursor"] is None


def test_mark_all_read_reads_only_what_i_can_see(owner, viewer, api):
    notify(household=owner.household, title="Budget alert")
    mine_only = notify(household=owner.household, title="Private", user=viewer.user)
    response = api.post("/notifications/read")
    assert response.json() == {"marked": 1}
    assert api.get("/notifications", unread="true").json()["items"] == []
    assert [item["read"] for item in api.get("/notifications").json()["items"]] == [True]
    mine_only.refresh_from_db()
    assert mine_only.read_at is None


def test_a_viewer_may_mark_read_but_a_read_only_token_may_not(owner, viewer_client):
    notify(household=owner.household, title="Budget alert")
    read_only = api_client(owner, scope="read")
    assert read_only.post("/notifications/read").status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    # Reading is not a change to the household's money: the page lets viewers do it too.
    response = viewer_client.post("/api/v1/notifications/read")
    assert response.json() == {"marked": 1}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_cursor_we_did_not_issue_is_a_400(api):
    assert api.get("/notifications", cursor="bm90LWEtY3Vyc29y").status_code == 400
