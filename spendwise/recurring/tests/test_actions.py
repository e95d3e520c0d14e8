"""Schedules, the scheduled run, confirming and skipping: what ends up in the ledger."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from spendwise.errors import DomainError, PermissionDenied
from spendwise.households.models import Role
from spendwise.ledger import actions as ledger
from spendwise.ledger.models import Payee, Transaction, Transfer
from spendwise.money import Money
from spendwise.recurring import actions
from spendwise.recurring.actions import ScheduleInput, run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.recurring.rules import LAST_DAY
from spendwise.testing.factories import category, make_account, make_member, make_schedule

pytestmark = pytest.mark.django_db

D = date


def rows(account):
    return list(
        Transaction.objects.filter(account=account)
        .order_by("date", "id")
        .values_list("date", "amount", "kind")
    )


# --- run_due ----------------------------------------------------------------------------------
def test_it_posts_what_is_due_with_the_right_signs_dates_and_categories(owner, checking):
    rent = make_schedule(
        owner, checking, 120000, name="Rent", start=D(2026, 9, 1), day_of_month=1,
        category_name="Rent", payee_name="Landlord Ltd",
    )  # fmt: skip
    salary = make_schedule(
        owner, checking, 500000, name="Salary", kind="income", start=D(2026, 9, 1),
        day_of_month=LAST_DAY, category_name="Salary",
    )  # fmt: skip

    summary = run_due(D(2026, 11, 27))

    assert (summary.processed, summary.posted, summary.pending, summary.failed) == (2, 5, 0, 0)
    assert rows(checking) == [
        (D(2026, 9, 1), -120000, "expense"),
        (D(2026, 9, 30), 500000, "income"),
        (D(2026, 10, 1), -120000, "expense"),
        (D(2026, 10, 31), 500000, "income"),
        (D(2026, 11, 1), -120000, "expense"),
    ]
    posted_rent = Transaction.objects.filter(category=category(owner, "Rent"))
    assert posted_rent.count() == 3
    assert {t.payee.name for t in posted_rent if t.payee} == {"Landlord Ltd"}
    assert {t.created_by_id for t in posted_rent} == {owner.user_id}
    assert checking.balance() == Money(checking.opening_balance - 3 * 120000 + 2 * 500000, "USD")
    rent.refresh_from_db()
    salary.refresh_from_db()
    assert rent.next_date == D(2026, 12, 1)
    assert salary.next_date == D(2026, 11, 30)
    assert list(rent.occurrences.values_list("date", "status")) == [
        (D(2026, 9, 1), "posted"),
        (D(2026, 10, 1), "posted"),
        (D(2026, 11, 1), "posted"),
    ]
    assert all(o.transaction is not None for o in rent.occurrences.all())


def test_running_twice_posts_nothing_twice(owner, checking):
    make_schedule(owner, checking, 999, name="Gym", frequency="weekly", start=D(2026, 11, 2))
    first = run_due(D(2026, 11, 27))
    second = run_due(D(2026, 11, 27))
    assert first.posted == 4  # 2, 9, 16 and 23 November
    assert (second.processed, second.posted) == (0, 0)
    assert [r[0] for r in rows(checking)] == [
        D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23)
    ]  # fmt: skip
    assert run_due(D(2026, 11, 30)).posted == 1  # the 30th, the day it comes due


def test_it_stops_at_the_end_date(owner, checking):
    phone = make_schedule(
        owner, checking, 2500, name="Phone", start=D(2026, 8, 15), end_date=D(2026, 10, 15)
    )
    run_due(D(2026, 11, 27))
    assert [r[0] for r in rows(checking)] == [D(2026, 8, 15), D(2026, 9, 15), D(2026, 10, 15)]
    phone.refresh_from_db()
    assert phone.next_date is None
    assert run_due(D(2027, 6, 1)).processed == 0


def test_a_paused_schedule_posts_nothing(owner, checking):
    make_schedule(owner, checking, 2500, active=False)
    assert run_due(D(2026, 11, 27)).processed == 0
    assert rows(checking) == []


def test_a_long_catch_up_continues_on_the_next_run(owner, checking, monkeypatch):
    monkeypatch.setattr(actions, "MAX_CATCH_UP", 3)
    coffee = make_schedule(owner, checking, 400, name="Coffee", frequency="daily",
                           start=D(2026, 11, 20))  # fmt: skip
    assert run_due(D(2026, 11, 24)).posted == 3
    coffee.refresh_from_db()
    assert coffee.next_date == D(2026, 11, 23)
    assert run_due(D(2026, 11, 24)).posted == 2
    assert len(rows(checking)) == 5


def test_transfer_schedules_post_a_linked_pair(owner, checking, savings):
    make_schedule(
        owner, checking, 30000, name="Save", kind="transfer", to_account=savings,
        start=D(2026, 11, 5),
    )  # fmt: skip
    run_due(D(2026, 11, 27))
    transfer = Transfer.objects.get()
    outgoing, incoming = transfer.legs()
    assert (outgoing.account, outgoing.amount, outgoing.date) == (checking, -30000, D(2026, 11, 5))
    assert (incoming.account, incoming.amount) == (savings, 30000)
    assert Occurrence.objects.get().transfer == transfer
    assert savings.balance() == Money(30000, "USD")


def test_a_transfer_across_currencies_posts_the_amount_received(owner, checking):
    dong = make_account(owner, "Wallet VND", currency="VND")
    make_schedule(
        owner, checking, 10000, name="Send home", kind="transfer", to_account=dong,
        received=2_500_000, start=D(2026, 11, 5),
    )  # fmt: skip
    run_due(D(2026, 11, 27))
    outgoing, incoming = Transfer.objects.get().legs()
    assert (outgoing.amount, outgoing.currency) == (-10000, "USD")
    assert (incoming.amount, incoming.currency) == (2_500_000, "VND")


def test_one_failing_schedule_does_not_block_another(owner, checking, savings, caplog):
    broken = make_schedule(owner, savings, 1000, name="From savings", start=D(2026, 11, 1))
    fine = make_schedule(owner, checking, 2000, name="From checking", start=D(2026, 11, 1))
    ledger.account_update(
        actor=owner, account=savings, name="Savings", kind="savings", opening_balance=0,
        archived=True,
    )  # fmt: skip

    with caplog.at_level(logging.ERROR, logger="spendwise.recurring.actions"):
        summary = run_due(D(2026, 11, 27))

    assert (summary.processed, summary.posted, summary.failed) == (1, 1, 1)
    assert rows(checking) == [(D(2026, 11, 1), -2000, "expense")]
    assert rows(savings) == []
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.next_date == D(2026, 11, 1)  # unchanged: retried next time
    assert broken.last_error == "This account is archived."
    assert not broken.occurrences.exists()
    assert fine.next_date == D(2026, 12, 1)
    assert f"schedule {broken.pk} could not be posted" in caplog.text
    assert "This account is archived." in caplog.text

    ledger.account_update(
        actor=owner, account=savings, name="Savings", kind="savings", opening_balance=0,
        archived=False,
    )  # fmt: skip
    assert run_due(D(2026, 11, 27)).posted == 1
    broken.refresh_from_db()
    assert broken.last_error == ""
    assert rows(savings) == [(D(2026, 11, 1), -1000, "expense")]


def test_postings_fall_back_to_an_owner_when_the_author_can_no_longer_write(owner, checking):
    member = make_member("partner@example.com")
    member.household = owner.household
    member.role = Role.MEMBER
    member.save()
    make_schedule(member, checking, 1500, start=D(2026, 11, 1))
    member.role = Role.VIEWER
    member.save()
    run_due(D(2026, 11, 27))
    assert Transaction.objects.get().created_by == owner.user


def test_the_database_refuses_a_date_handled_twice(owner, checking):
    """The last line of defence: a run holding a stale copy of a schedule posts nothing."""
    schedule = make_schedule(owner, checking, 1000, start=D(2026, 11, 1))
    stale = Schedule.objects.select_related("account", "payee", "category").get(pk=schedule.pk)
    run_due(D(2026, 11, 27))
    with pytest.raises(IntegrityError), transaction.atomic():
        actions._run_one(stale, D(2026, 11, 27), actions.RunSummary())
    assert len(rows(checking)) == 1
    assert Occurrence.objects.count() == 1


# --- confirm and skip -------------------------------------------------------------------------
def test_confirm_mode_waits_and_confirming_posts_exactly_once(owner, checking):
    bill = make_schedule(
        owner, checking, 8000, name="Electricity", start=D(2026, 10, 20), auto_post=False,
        category_name="Utilities",
    )  # fmt: skip
    summary = run_due(D(2026, 11, 27))
    assert (summary.posted, summary.pending) == (0, 2)
    assert rows(checking) == []
    october, november = bill.occurrences.order_by("date")
    assert (october.status, november.status) == ("pending", "pending")

    actions.occurrence_confirm(actor=owner, occurrence=october)
    actions.occurrence_confirm(actor=owner, occurrence=october)  # a double click

    assert rows(checking) == [(D(2026, 10, 20), -8000, "expense")]
    october.refresh_from_db()
    assert october.status == "posted"
    assert october.transaction == Transaction.objects.get()
    assert october.transaction.category == category(owner, "Utilities")
    assert run_due(D(2026, 11, 27)).pending == 0  # not queued again


def test_skipping_posts_nothing_and_cannot_be_confirmed_later(owner, checking):
    bill = make_schedule(owner, checking, 8000, start=D(2026, 11, 20), auto_post=False)
    run_due(D(2026, 11, 27))
    occurrence = bill.occurrences.get()
    actions.occurrence_skip(actor=owner, occurrence=occurrence)
    occurrence.refresh_from_db()
    assert occurrence.status == "skipped"
    with pytest.raises(DomainError, match="skipped"):
        actions.occurrence_confirm(actor=owner, occurrence=occurrence)
    assert rows(checking) == []


def test_a_posted_occurrence_cannot_be_skipped(owner, checking):
    make_schedule(owner, checking, 8000, start=D(2026, 11, 20))
    run_due(D(2026, 11, 27))
    with pytest.raises(DomainError, match="already posted"):
        actions.occurrence_skip(actor=owner, occurrence=Occurrence.objects.get())
    assert Occurrence.objects.get().status == "posted"


def test_a_viewer_cannot_confirm_skip_or_change_schedules(owner, viewer, checking):
    bill = make_schedule(owner, checking, 8000, start=D(2026, 11, 20), auto_post=False)
    run_due(D(2026, 11, 27))
    occurrence = bill.occurrences.get()
    with pytest.raises(PermissionDenied):
        actions.occurrence_confirm(actor=viewer, occurrence=occurrence)
    with pytest.raises(PermissionDenied):
        actions.occurrence_skip(actor=viewer, occurrence=occurrence)
    with pytest.raises(PermissionDenied):
        actions.schedule_delete(actor=viewer, schedule=bill)
    with pytest.raises(PermissionDenied):
        make_schedule(viewer, checking, 100)
    assert Schedule.objects.count() == 1
    assert Occurrence.objects.get().status == "pending"


# --- schedules --------------------------------------------------------------------------------
def _input(account, **overrides):
    values = {
        "name": "Rent", "kind": "expense", "account": account,
        "amount": Money(1000, account.currency), "frequency": "monthly",
        "start_date": D(2026, 11, 1),
    }  # fmt: skip
    return ScheduleInput(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": Money(0, "USD")}, "amount"),
        ({"amount": Money(1000, "EUR")}, "amount"),
        ({"kind": "transfer"}, "to_account"),
        ({"kind": "transfer", "to_account": "same"}, "to_account"),
        ({"kind": "income", "category": "Groceries"}, "category"),
        ({"category": "Salary"}, "category"),
        ({"end_date": D(2026, 10, 31)}, "end_date"),
        ({"frequency": "weekly", "interval": 0}, "interval"),
        ({"day_of_month": 32}, "day_of_month"),
        ({"name": "  "}, "name"),
    ],
)
def test_it_refuses_an_invalid_schedule(owner, checking, overrides, field):
    if overrides.get("to_account") == "same":
        overrides["to_account"] = checking
    if "category" in overrides:
        overrides["category"] = category(owner, overrides["category"])
    with pytest.raises(DomainError) as refused:
        actions.schedule_create(actor=owner, data=_input(checking, **overrides))
    assert refused.value.field == field
    assert not Schedule.objects.exists()


def test_a_transfer_between_currencies_needs_the_amount_received(owner, checking):
    euros = make_account(owner, "Euro account", currency="EUR")
    with pytest.raises(DomainError, match="received in EUR"):
        actions.schedule_create(
            actor=owner, data=_input(checking, kind="transfer", to_account=euros)
        )


def test_it_refuses_another_households_account(owner, outsider, checking):
    theirs = make_account(outsider, "Theirs")
    with pytest.raises(DomainError, match="does not exist"):
        actions.schedule_create(actor=owner, data=_input(theirs))
    assert not Schedule.objects.exists()


def test_a_monthly_schedule_without_a_day_uses_the_start_dates_day(owner, checking):
    schedule = actions.schedule_create(
        actor=owner, data=_input(checking, start_date=D(2026, 11, 30))
    )
    assert schedule.day_of_month == 30
    assert schedule.next_date == D(2026, 11, 30)
    assert schedule.describe == "Every month on the 30th (or the month's last day)"


def test_editing_moves_the_next_date_after_the_last_handled_one(owner, checking):
    schedule = make_schedule(owner, checking, 1000, start=D(2026, 9, 10))
    run_due(D(2026, 11, 27))  # 10 Sep, 10 Oct, 10 Nov
    actions.schedule_update(
        actor=owner, schedule=schedule,
        data=_input(checking, start_date=D(2026, 9, 1), day_of_month=LAST_DAY,
                    amount=Money(1500, "USD")),
    )  # fmt: skip
    schedule.refresh_from_db()
    assert schedule.next_date == D(2026, 11, 30)  # not 30 Sep or 31 Oct again
    assert schedule.amount == 1500
    run_due(D(2026, 11, 30))
    assert [r[:2] for r in rows(checking)][-1] == (D(2026, 11, 30), -1500)
    assert len(rows(checking)) == 4


def test_resuming_a_paused_schedule_does_not_post_the_dates_it_missed(owner, checking):
    schedule = make_schedule(owner, checking, 1000, start=D(2026, 6, 10), active=False)
    actions.schedule_update(
        actor=owner, schedule=schedule, data=_input(checking, start_date=D(2026, 6, 10)),
        today=D(2026, 11, 27),
    )  # fmt: skip
    schedule.refresh_from_db()
    assert schedule.active
    assert schedule.next_date == D(2026, 12, 10)
    assert run_due(D(2026, 11, 27)).posted == 0


def test_a_schedule_on_an_archived_account_can_be_paused_but_not_resumed(owner, savings):
    schedule = make_schedule(owner, savings, 1000, start=D(2026, 12, 1))
    ledger.account_update(
        actor=owner, account=savings, name="Savings", kind="savings", opening_balance=0,
        archived=True,
    )  # fmt: skip
    savings.refresh_from_db()
    with pytest.raises(DomainError, match="archived"):
        actions.schedule_update(actor=owner, schedule=schedule, data=_input(savings))
    actions.schedule_update(actor=owner, schedule=schedule, data=_input(savings, active=False))
    schedule.refresh_from_db()
    assert not schedule.active


def test_deleting_a_schedule_keeps_what_it_posted(owner, checking):
    schedule = make_schedule(owner, checking, 1000, start=D(2026, 10, 1), payee_name="Landlord")
    run_due(D(2026, 11, 27))
    actions.schedule_delete(actor=owner, schedule=schedule)
    assert not Schedule.objects.exists()
    assert not Occurrence.objects.exists()
    assert len(rows(checking)) == 2
    assert Payee.objects.filter(name="Landlord").exists()


def test_it_refuses_a_start_more_than_a_year_back_or_an_absurd_end(owner, checking):
    with pytest.raises(DomainError, match="no more than a year in the past"):
        make_schedule(owner, checking, 400, start=D(2025, 11, 1))
    with pytest.raises(DomainError, match="Enter a date between 1900 and"):
        make_schedule(owner, checking, 400, start=D(2026, 11, 1), end_date=D(9999, 1, 1))
    assert not Schedule.objects.exists()
