"""Budget alerts: once per budget, month and threshold, in the app and by e-mail on request."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from spendwise.budgets.alerts import check_budget_alerts
from spendwise.budgets.models import BudgetAlert
from spendwise.identity.models import User
from spendwise.ledger import actions as ledger_actions
from spendwise.ledger.rollup import Entry
from spendwise.notifications.models import Notification
from spendwise.testing.factories import join, make_account, make_entry, make_member, set_budget

pytestmark = pytest.mark.django_db

DEC = date(2026, 12, 1)


@pytest.fixture
def spend(owner, checking, django_capture_on_commit_callbacks):
    """Record an expense and run what happens once it is committed (alerts, e-mails)."""

    def record(minor: int, on: date, category_name: str | None = "Groceries", account=None):
        with django_capture_on_commit_callbacks(execute=True):
            return make_entry(owner, account or checking, minor, on=on, category_name=category_name)

    return record


def titles(owner) -> list[str]:
    return list(
        Notification.objects.filter(household=owner.household)
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_it_alerts_once_at_80_and_once_more_at_100_and_again_next_month(owner, spend):
    set_budget(owner, "Food", 10000, DEC)

    spend(7900, date(2026, 12, 2))
    assert titles(owner) == []

    spend(100, date(2026, 12, 3))  # 80.00 of 100.00
    assert titles(owner) == ["Food budget: 80 % used in December 2026"]
    note = Notification.objects.get()
    assert note.body == "Spent $80.00 of $100.00 (80 %). $20.00 left."
    assert note.link == reverse("budgets:index") + "?month=2026-12"
    assert note.user is None and note.kind == "budget_alert"

    spend(500, date(2026, 12, 4))  # 85 %: no second 80 % alert
    assert len(titles(owner)) == 1

    spend(1500, date(2026, 12, 5))  # 100 %
    assert titles(owner) == [
        "Food budget: 80 % used in December 2026",
        "Food budget: 100 % used in December 2026",
    ]

    spend(3000, date(2026, 12, 6))  # 130 %: every threshold has been raised already
    assert len(titles(owner)) == 2

    spend(9000, date(2027, 1, 6))  # January: 90 % of the repeating 100.00
    assert titles(owner)[2:] == ["Food budget: 80 % used in January 2027"]
    assert sorted(BudgetAlert.objects.values_list("month", "threshold")) == [
        (DEC, 80),
        (DEC, 100),
        (date(2027, 1, 1), 80),
    ]


def test_spending_counts_towards_the_category_its_parent_and_the_overall_budget(owner, spend):
    set_budget(owner, "Groceries", 10000, DEC)
    set_budget(owner, "Food", 20000, DEC)
    set_budget(owner, None, 12000, DEC)
    set_budget(owner, "Transport", 1000, DEC)

    spend(10000, date(2026, 12, 2))

    assert sorted(titles(owner)) == [
        "Food › Groceries budget: 100 % used in December 2026",
        "Food › Groceries budget: 80 % used in December 2026",
        "Overall budget: 80 % used in December 2026",
    ]


def test_spending_in_another_currency_raises_no_alert(owner, spend):
    set_budget(owner, None, 1000, DEC)
    spend(5000, date(2026, 12, 2), account=make_account(owner, "Euro card", currency="EUR"))
    assert titles(owner) == []
    spend(5000, date(2026, 12, 2), category_name=None)  # uncategorised counts overall
    assert titles(owner) == [
        "Overall budget: 80 % used in December 2026",
        "Overall budget: 100 % used in December 2026",
    ]


def test_income_raises_no_alert(owner, checking, django_capture_on_commit_callbacks):
    set_budget(owner, None, 1000, DEC)
    with django_capture_on_commit_callbacks(execute=True):
        make_entry(owner, checking, 5000, kind="income", on=date(2026, 12, 2))
    assert titles(owner) == []


def test_it_follows_the_month_start_day(owner, spend):
    owner.user.month_start_day = 25
    owner.user.save()
    set_budget(owner, None, 10000, DEC)
    spend(9000, date(2026, 11, 24))  # "November": no budget that month
    assert titles(owner) == []
    spend(9000, date(2026, 11, 25))  # "December"
    assert titles(owner) == ["Overall budget: 80 % used in December 2026"]


def test_it_emails_only_members_who_opted_in(owner, outsider, spend):
    partner = join(owner, make_member("partner@example.com"))
    quiet = join(owner, make_member("quiet@example.com"))
    opted_in = [owner.user.pk, partner.user.pk, outsider.user.pk]  # outsider: not a member
    User.objects.filter(pk__in=opted_in).update(budget_alert_emails=True)
    set_budget(owner, "Food", 10000, DEC)

    spend(8000, date(2026, 12, 2))

    assert sorted(message.to[0] for message in mail.outbox) == [
        "owner@example.com",
        "partner@example.com",
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert mail.outbox[0].subject == "Food budget: 80 % used in December 2026"
    assert "Spent $80.00 of $100.00 (80 %)." in mail.outbox[0].body
    assert "/budgets/?month=2026-12" in mail.outbox[0].body
    assert quiet.user.email not in [message.to[0] for message in mail.outbox]


def test_nobody_is_emailed_without_opting_in(owner, spend):
    set_budget(owner, "Food", 10000, DEC)
    spend(8000, date(2026, 12, 2))
    assert len(titles(owner)) == 1
    assert mail.outbox == []


def test_a_failing_email_is_logged_and_the_alert_stays(owner, spend, monkeypatch, caplog):
    User.objects.filter(pk=owner.user.pk).update(budget_alert_emails=True)
    set_budget(owner, "Food", 10000, DEC)

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with caplog.at_level(logging.ERROR, logger="spendwise.budgets.alerts"):
        spend(8000, date(2026, 12, 2))

    assert titles(owner) == ["Food budget: 80 % used in December 2026"]
    assert "Budget alert e-mail to user" in caplog.text


def test_an_alert_already_raised_is_not_raised_again(owner, checking):
    """The unique (budget, month, threshold) row decides, e.g. when two writers race."""
    budget = set_budget(owner, "Food", 10000, DEC)
    row = make_entry(owner, checking, 9000, on=date(2026, 12, 2), category_name="Groceries")
    entries = [Entry.of(row)]

    first = check_budget_alerts(household_id=owner.household_id, entries=entries)
    second = check_budget_alerts(household_id=owner.household_id, entries=entries)

    assert [alert.threshold for alert in first] == [80]
    assert second == []
    assert BudgetAlert.objects.filter(budget=budget).count() == 1
    assert Notification.objects.count() == 1


def test_deleting_spending_does_not_raise_alerts(
    owner, checking, django_capture_on_commit_callbacks
):
    set_budget(owner, "Food", 10000, DEC)
    row = make_entry(owner, checking, 5000, on=date(2026, 12, 2), category_name="Groceries")
    with django_capture_on_commit_callbacks(execute=True):
        ledger_actions.transaction_delete(actor=owner, row=row)
    assert titles(owner) == []


def test_the_settings_page_saves_the_email_opt_in(owner, owner_client: Client):
    page = owner_client.get(reverse("identity:settings")).content.decode()
    assert "E-mail me budget alerts" in page
    user = owner.user
    response = owner_client.post(
        reverse("identity:settings"),
        {
            "display_name": "",
            "home_currency": user.home_currency,
            "time_zone": user.time_zone,
            "locale": user.locale,
            "month_start_day": user.month_start_day,
            "budget_alert_emails": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.budget_alert_emails is True
