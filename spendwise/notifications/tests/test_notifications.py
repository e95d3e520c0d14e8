"""The notifications page, "mark all read" and the unread count for the header."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from spendwise.households.models import Membership, Role
from spendwise.notifications.actions import notify
from spendwise.notifications.context_processors import unread
from spendwise.notifications.models import Notification
from spendwise.notifications.queries import unread_count
from spendwise.testing.factories import make_member

pytestmark = pytest.mark.django_db

INDEX = reverse("notifications:index")


def at(day: int, title: str, **kwargs) -> Notification:
    with time_machine.travel(datetime(2026, 12, day, 12, tzinfo=UTC), tick=False):
        return notify(title=title, **kwargs)


def test_it_lists_the_households_notifications_newest_first(owner, outsider, owner_client: Client):
    at(1, "Older household notice", household=owner.household, body="Spent $80.00.")
    at(3, "Newest household notice", household=owner.household, link="/budgets/?month=2026-12")
    at(2, "Just for the owner", household=owner.household, user=owner.user)
    at(2, "Someone else's notice", household=outsider.household)

    page = owner_client.get(INDEX).content.decode()

    newest = page.index("Newest household notice")
    assert newest < page.index("Just for the owner") < page.index("Older household notice")
    assert "Someone else" not in page
    assert '<a href="/budgets/?month=2026-12">Newest household notice</a>' in page
    assert "Spent $80.00." in page
    assert "Dec 3, 2026" in page
    assert "Mark all read" in page


def test_a_members_own_notice_is_hidden_from_the_others(owner, owner_client: Client):
    partner = make_member("partner@example.com")
    Membership.objects.create(household=owner.household, user=partner.user, role=Role.MEMBER)
    notify(household=owner.household, title="For the partner only", user=partner.user)

    assert "For the partner only" not in owner_client.get(INDEX).content.decode()
    assert unread_count(owner.user, owner.household) == 0
    assert unread_count(partner.user, owner.household) == 1


def test_it_marks_all_read(owner, outsider, owner_client: Client):
    notify(household=owner.household, title="One")
    notify(household=owner.household, title="Two", user=owner.user)
    theirs = notify(household=outsider.household, title="Theirs")
    assert unread_count(owner.user, owner.household) == 2

    response = owner_client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "Marked 2 notifications read." in response.content.decode()
    assert unread_count(owner.user, owner.household) == 0
    assert not Notification.objects.filter(household=owner.household, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Mark all read" not in response.content.decode()


def test_a_viewer_may_mark_notifications_read(owner, owner_client: Client):
    owner.role = Role.VIEWER
    owner.save()
    notify(household=owner.household, title="One")
    owner_client.post(reverse("notifications:mark_all_read"))
    assert unread_count(owner.user, owner.household) == 0


def test_marking_read_needs_a_post(owner, owner_client: Client):
    notify(household=owner.household, title="One")
    assert owner_client.get(reverse("notifications:mark_all_read")).status_code == 405
    assert unread_count(owner.user, owner.household) == 1


def test_it_explains_the_empty_page(owner_client: Client):
    page = owner_client.get(INDEX).content.decode()
    assert "No notifications" in page and "Budget alerts appear here" in page


def test_the_context_processor_gives_the_unread_count(owner, outsider):
    notify(household=owner.household, title="One")
    notify(household=owner.household, title="Two")
    notify(household=outsider.household, title="Theirs")
    request = RequestFactory().get("/")
    request.user = owner.user
    request.household = owner.household  # type: ignore[attr-defined]

    assert unread(request)["unread_notifications"] == 2
    request.household = None  # type: ignore[attr-defined]
    assert unread(request)["unread_notifications"] == 0


def test_signed_out_visitors_are_sent_to_sign_in(client: Client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert reverse("identity:sign_in") in response["Location"]


def test_only_links_to_this_site_are_shown(owner, owner_client: Client):
    notify(household=owner.household, title="Odd link", link="javascript:alert(1)")
    notify(household=owner.household, title="Other host", link="//evil.example/")
    page = owner_client.get(INDEX).content.decode()
    assert "javascript:" not in page and "evil.example" not in page
    assert "Odd link" in page and "Other host" in page
