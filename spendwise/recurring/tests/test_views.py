"""The recurring pages as a person uses them, and who may open them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spendwise.ledger.models import Transaction
from spendwise.recurring.actions import run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.testing.factories import category, make_account, make_entry, make_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_27_november_2026():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=False):
        yield


def form_data(account, **overrides):
    data = {
        "name": "Rent", "kind": "expense", "account": str(account.pk), "to_account": "",
        "amount": "1,200.00", "received": "", "category": "", "payee": "Landlord Ltd",
        "note": "", "frequency": "monthly", "interval": "1", "day_of_month": "1",
        "start_date": "2026-12-01", "end_date": "", "auto_post": "on", "active": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_shows_an_empty_state_first(owner_client: Client):
    page = owner_client.get(reverse("recurring:schedules")).content.decode()
    assert "No recurring transactions yet" in page
    assert reverse("recurring:schedule_create") in page


def test_it_creates_a_schedule_and_lists_it(owner, owner_client: Client, checking):
    form = owner_client.get(reverse("recurring:schedule_create"))
    assert form.status_code == 200
    assert 'value="2026-11-27"' in form.content.decode()  # starts today by default

    response = owner_client.post(
        reverse("recurring:schedule_create"),
        form_data(checking, category=str(category(owner, "Rent").pk)),
    )

    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.amount, schedule.day_of_month, schedule.next_date) == (
        120000,
        1,
        date(2026, 12, 1),
    )
    assert schedule.payee is not None and schedule.payee.name == "Landlord Ltd"
    page = owner_client.get(reverse("recurring:schedules")).content.decode()
    assert "Rent" in page
    assert "Every month on the 1st" in page
    assert "Dec 1, 2026" in page
    assert "-$1,200.00" in page
    assert "Automatic" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "abc"}, "is not an amount"),
        ({"amount": "0"}, "greater than zero"),
        ({"amount": "12.345"}, "at most 2 decimal places"),
        ({"kind": "transfer"}, "Choose the account the money goes to"),
        ({"end_date": "2026-11-01"}, "must not be before the start date"),
        ({"interval": "0"}, "greater than or equal to 1"),
        ({"start_date": ""}, "This field is required"),
        ({"category": "salary"}, "is an income category"),
    ],
)
def test_invalid_input_is_shown_again_with_a_400_and_writes_nothing(
    owner, owner_client: Client, checking, overrides, message
):
    if overrides.get("category") == "salary":
        overrides["category"] = str(category(owner, "Salary").pk)
    response = owner_client.post(
        reverse("recurring:schedule_create"), form_data(checking, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Schedule.objects.exists()


def test_a_transfer_to_the_same_account_is_refused(owner_client: Client, checking):
    response = owner_client.post(
        reverse("recurring:schedule_create"),
        form_data(checking, kind="transfer", to_account=str(checking.pk)),
    )
    assert response.status_code == 400
    assert "Choose two different accounts." in response.content.decode()
    assert not Schedule.objects.exists()


def test_another_households_account_is_not_a_valid_choice(owner_client: Client, outsider, checking):
    theirs = make_account(outsider, "Theirs")
    response = owner_client.post(reverse("recurring:schedule_create"), form_data(theirs))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Schedule.objects.exists()


def test_it_edits_a_schedule(owner, owner_client: Client, checking, savings):
    schedule = make_schedule(owner, checking, 120000, start=date(2026, 12, 1))
    page = owner_client.get(reverse("recurring:schedule_edit", args=[schedule.pk]))
    assert 'value="1200.00"' in page.content.decode()
    response = owner_client.post(
        reverse("recurring:schedule_edit", args=[schedule.pk]),
        form_data(
            checking, name="Save", kind="transfer", to_account=str(savings.pk), amount="250",
            frequency="weekly", interval="2", auto_post="",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.name, schedule.kind, schedule.to_account, schedule.amount) == (
        "Save",
        "transfer",
        savings,
        25000,
    )
    assert (schedule.interval, schedule.auto_post, schedule.payee) == (2, False, None)
    assert (
        "Every 2 weeks on Tuesday"
        in owner_client.get(reverse("recurring:schedules")).content.decode()
    )


def test_saving_a_renamed_schedule_says_its_new_name(owner, owner_client: Client, checking):
    schedule = make_schedule(owner, checking, 120000, name="Rent", start=date(2026, 12, 1))

    response = owner_client.post(
        reverse("recurring:schedule_edit", args=[schedule.pk]),
        form_data(checking, name="Flat rent"),
        follow=True,
    )

    assert "“Flat rent” is saved." in response.content.decode()


def test_deleting_keeps_the_posted_transactions(owner, owner_client: Client, checking):
    schedule = make_schedule(owner, checking, 1000, start=date(2026, 10, 1))
    run_due(date(2026, 11, 27))
    assert (
        owner_client.get(reverse("recurring:schedule_delete", args=[schedule.pk])).status_code
        == 405
    )
    response = owner_client.post(
        reverse("recurring:schedule_delete", args=[schedule.pk]), follow=True
    )
    assert "The transactions it posted are kept." in response.content.decode()
    assert not Schedule.objects.exists()
    assert Transaction.objects.filter(account=checking).count() == 2


def pending_bill(owner, checking):
    bill = make_schedule(owner, checking, 8000, name="Electricity", start=date(2026, 11, 20),
                         auto_post=False)  # fmt: skip
    run_due(date(2026, 11, 27))
    return bill.occurrences.get()


def test_confirming_without_javascript_posts_once_and_goes_back(owner, owner_client, checking):
    occurrence = pending_bill(owner, checking)
    url = reverse("recurring:occurrence_confirm", args=[occurrence.pk])
    response = owner_client.post(url, {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    owner_client.post(url, {"next": "https://evil.example/"})  # posted already; no open redirect
    assert list(Transaction.objects.values_list("amount", "date")) == [(-8000, date(2026, 11, 20))]
    again = owner_client.post(url, {"next": "https://evil.example/"})
    assert again["Location"] == reverse("recurring:schedules")


def test_confirming_with_htmx_returns_the_refreshed_table(owner, owner_client, checking):
    occurrence = pending_bill(owner, checking)
    response = owner_client.post(
        reverse("recurring:occurrence_confirm", args=[occurrence.pk]), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(
        '<section class="card recurring-upcoming" id="recurring-upcoming"'
    )
    assert "“Electricity” of Nov 20, 2026 is posted." in page
    assert "To confirm" not in page
    assert Transaction.objects.count() == 1


def test_skipping_posts_nothing(owner, owner_client, checking):
    occurrence = pending_bill(owner, checking)
    response = owner_client.post(
        reverse("recurring:occurrence_skip", args=[occurrence.pk]), follow=True
    )
    assert "is skipped." in response.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status == "skipped"
    assert not Transaction.objects.exists()


def test_a_refused_confirmation_says_why(owner, owner_client, checking):
    occurrence = pending_bill(owner, checking)
    owner_client.post(reverse("recurring:occurrence_skip", args=[occurrence.pk]))
    response = owner_client.post(
        reverse("recurring:occurrence_confirm", args=[occurrence.pk]), follow=True
    )
    assert "This one was skipped." in response.content.decode()
    assert not Transaction.objects.exists()


def test_the_list_shows_what_waits_for_confirmation(owner, owner_client, checking):
    pending_bill(owner, checking)
    page = owner_client.get(reverse("recurring:schedules")).content.decode()
    assert "You confirm" in page
    assert "1 to confirm" in page
    assert "Confirm</button>" in page and "Skip</button>" in page


# --- who may do what ----------------------------------------------------------------------
def recurring_object_urls() -> list[str]:
    resolver = get_resolver()
    (recurring,) = [
        p
        for p in resolver.url_patterns
        if isinstance(p, URLResolver) and p.namespace == "recurring"
    ]
    return [
        f"recurring:{p.name}"
        for p in recurring.url_patterns
        if isinstance(p, URLPattern) and p.pattern.regex.groupindex
    ]


def test_every_recurring_url_with_an_id_is_covered_below():
    assert sorted(recurring_object_urls()) == sorted(
        ["recurring:schedule_edit", "recurring:schedule_delete",
         "recurring:occurrence_confirm", "recurring:occurrence_skip"]
    )  # fmt: skip


@pytest.mark.parametrize("url_name", recurring_object_urls())
def test_another_households_schedule_is_a_404_everywhere(
    url_name, owner, outsider_client: Client, checking
):
    occurrence = pending_bill(owner, checking)
    pk = occurrence.pk if url_name.startswith("recurring:occurrence") else occurrence.schedule_id
    url = reverse(url_name, args=[pk])
    hostile = form_data(checking, name="Hijacked")
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, hostile).status_code == 404
    assert outsider_client.post(url, hostile, HTTP_HX_REQUEST="true").status_code == 404
    assert Schedule.objects.get().name == "Electricity"
    assert Occurrence.objects.get().status == "pending"
    assert not Transaction.objects.exists()


def test_the_outsider_sees_none_of_it(owner, outsider_client: Client, checking):
    pending_bill(owner, checking)
    page = outsider_client.get(reverse("recurring:schedules")).content.decode()
    assert "Electricity" not in page
    assert "No recurring transactions yet" in page


def test_a_viewer_sees_the_list_but_cannot_change_anything(owner, viewer_client, checking):
    occurrence = pending_bill(owner, checking)
    schedule = occurrence.schedule
    page = viewer_client.get(reverse("recurring:schedules")).content.decode()
    assert "Electricity" in page
    assert "Confirm</button>" not in page
    assert reverse("recurring:schedule_create") not in page

    for response in (
        viewer_client.get(reverse("recurring:schedule_create")),
        viewer_client.post(reverse("recurring:schedule_create"), form_data(checking)),
        viewer_client.get(reverse("recurring:schedule_edit", args=[schedule.pk])),
        viewer_client.post(reverse("recurring:schedule_edit", args=[schedule.pk]),
                           form_data(checking, name="Changed")),
        viewer_client.post(reverse("recurring:schedule_delete", args=[schedule.pk])),
        viewer_client.post(reverse("recurring:occurrence_confirm", args=[occurrence.pk])),
        viewer_client.post(reverse("recurring:occurrence_skip", args=[occurrence.pk])),
    ):  # fmt: skip
        assert response.status_code == 403
        assert "Your role in this household cannot make changes." in response.content.decode()
    assert list(Schedule.objects.values_list("name", flat=True)) == ["Electricity"]
    assert Occurrence.objects.get().status == "pending"
    assert not Transaction.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client: Client):
    response = client.get(reverse("recurring:schedules"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign_in"))


def test_an_entry_made_by_hand_is_not_touched_by_a_schedule(owner, checking):
    """Schedules only ever add their own rows."""
    make_entry(owner, checking, 500, on=date(2026, 11, 1))
    make_schedule(owner, checking, 1000, start=date(2026, 11, 1))
    run_due(date(2026, 11, 27))
    assert sorted(Transaction.objects.values_list("amount", flat=True)) == [-1000, -500]
