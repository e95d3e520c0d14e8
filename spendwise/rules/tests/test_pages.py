"""The rule pages: list, add, edit, delete, reorder, apply to existing transactions; the
"Apply my rules" box of the entry form and the category suggestion fragment."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from spendwise.ledger import rollup
from spendwise.ledger.models import Transaction
from spendwise.rules.matching import MAX_PATTERN_LENGTH
from spendwise.rules.models import Rule
from spendwise.rules.queries import plan_for_existing
from spendwise.rules.tests.conftest import make_rule
from spendwise.testing.factories import category, make_entry, make_transfer

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST = reverse("rules:list")
CREATE = reverse("rules:create")
APPLY_ALL = reverse("rules:apply_all")


def rule_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Netflix",
        "payee_match": "contains",
        "payee_value": "netflix",
        "note_match": "",
        "note_value": "",
        "amount_min": "",
        "amount_max": "",
        "account": "",
        "set_category": "",
        "rename_payee": "Netflix",
        "add_tags": "",
    }
    data.update(overrides)
    return data


def payee_of(row: Transaction) -> str | None:
    return row.payee.name if row.payee else None


def rules_of(member) -> list[tuple]:
    return list(
        Rule.objects.filter(household=member.household)
        .order_by("position", "id")
        .values_list("name", "position")
    )


# --- list -----------------------------------------------------------------------------------------
def test_it_explains_rules_when_there_are_none(owner_client: Client):
    response = owner_client.get(LIST)
    assertContains(response, "No rules yet")
    assertContains(response, "Add your first rule")


def test_it_lists_rules_in_order_with_what_they_do(owner, owner_client: Client):
    make_rule(
        owner,
        "Streaming",
        payee_match="matches",
        payee_value=r"^netflix",
        category_name="Subscriptions",
        tag_names=("tv",),
    )
    make_rule(owner, "Coffee", note_match="contains", note_value="latte", rename_payee="Cafe")
    page = owner_client.get(LIST).content.decode()
    assert page.index("Streaming") < page.index("Coffee")
    assert "payee matches the pattern <code>^netflix</code>" in page
    assert "category → Entertainment › Subscriptions" in page
    assert "note contains <code>latte</code>" in page
    assert "payee → Cafe" in page


def test_the_nav_links_to_rules(owner_client: Client):
    assertContains(owner_client.get(LIST), f'<a href="{LIST}" aria-current="page">Rules</a>')


# --- add and edit ---------------------------------------------------------------------------------
def test_it_adds_a_rule_with_every_condition_and_action(owner, checking, owner_client: Client):
    response = owner_client.post(
        CREATE,
        rule_data(
            note_match="equals",
            note_value="monthly plan",
            amount_min="10",
            amount_max="20.50",
            account=checking.pk,
            set_category=category(owner, "Subscriptions").pk,
            add_tags="tv, family",
        ),
    )
    assert response.status_code == 302 and response["Location"] == LIST
    rule = Rule.objects.get(household=owner.household)
    assert (rule.payee_match, rule.payee_value, rule.note_match, rule.note_value) == (
        "contains",
        "netflix",
        "equals",
        "monthly plan",
    )
    assert (rule.amount_min, rule.amount_max, rule.currency) == (1000, 2050, "USD")
    assert rule.account == checking and rule.set_category == category(owner, "Subscriptions")
    assert (rule.rename_payee, rule.add_tags) == ("Netflix", "tv, family")
    assertContains(owner_client.get(LIST), "Rule “Netflix” saved.")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"payee_match": "matches", "payee_value": "(unclosed"}, "This is not a valid pattern"),
        (
            {"payee_match": "matches", "payee_value": "x" * (MAX_PATTERN_LENGTH + 1)},
            f"Keep the pattern to {MAX_PATTERN_LENGTH} characters or fewer.",
        ),
        ({"note_match": "matches", "note_value": r"(a|aa)+$"}, "This pattern takes too long"),
        ({"payee_match": "", "payee_value": ""}, "Add at least one condition"),
        ({"rename_payee": ""}, "Add at least one action"),
        ({"payee_value": "  "}, "Enter the text to look for."),
        (
            {"note_match": "contains", "note_value": "x" * (MAX_PATTERN_LENGTH + 1)},
            f"Keep the text to {MAX_PATTERN_LENGTH} characters or fewer.",
        ),
        ({"payee_match": "", "payee_value": "netflix"}, "Choose how the payee is compared."),
        ({"amount_min": "30", "amount_max": "20"}, "The minimum is larger than the maximum."),
        ({"amount_min": "-5"}, "Enter an amount of zero or more."),
        ({"amount_min": "lots"}, "is not an amount"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_it_refuses_an_invalid_rule_and_writes_nothing(
    owner, owner_client: Client, overrides, message
):
    response = owner_client.post(CREATE, rule_data(**overrides))
    assert response.status_code == 400
    assertContains(response, "Nothing was saved", status_code=400)
    assertContains(response, message, status_code=400)
    assert not Rule.objects.exists()


def test_it_refuses_another_households_category_or_account(owner, outsider, owner_client: Client):
    from spendwise.testing.factories import make_account

    theirs = make_account(outsider, "Theirs")
    response = owner_client.post(
        CREATE,
        rule_data(account=theirs.pk, set_category=category(outsider, "Groceries").pk),
    )
    assert response.status_code == 400
    assertContains(response, "Select a valid choice", status_code=400)
    assert not Rule.objects.exists()


def test_it_edits_a_rule(owner, owner_client: Client):
    rule = make_rule(owner, payee_match="contains", payee_value="netflix", rename_payee="N")
    url = reverse("rules:edit", args=[rule.pk])
    page = owner_client.get(url)
    assertContains(page, 'value="netflix"')
    response = owner_client.post(
        url, rule_data(name="Streaming", payee_match="equals", payee_value="NETFLIX.COM")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.payee_match, rule.payee_value) == ("Streaming", "equals", "NETFLIX.COM")


def test_an_invalid_edit_changes_nothing(owner, owner_client: Client):
    rule = make_rule(owner, payee_match="contains", payee_value="netflix", rename_payee="N")
    response = owner_client.post(
        reverse("rules:edit", args=[rule.pk]),
        rule_data(payee_match="matches", payee_value="[oops"),
    )
    assert response.status_code == 400
    rule.refresh_from_db()
    assert (rule.payee_match, rule.payee_value) == ("contains", "netflix")


def test_it_deletes_a_rule(owner, owner_client: Client):
    rule = make_rule(owner, payee_match="contains", payee_value="netflix", rename_payee="N")
    response = owner_client.post(reverse("rules:delete", args=[rule.pk]))
    assert response.status_code == 302
    assert not Rule.objects.exists()


# --- order ----------------------------------------------------------------------------------------
def test_new_rules_go_last_and_move_up_and_down(owner, owner_client: Client):
    a, b, c = (
        make_rule(owner, name, payee_match="contains", payee_value=name, rename_payee="x")
        for name in ("A", "B", "C")
    )
    assert [name for name, _ in rules_of(owner)] == ["A", "B", "C"]

    owner_client.post(reverse("rules:move", args=[c.pk]), {"direction": "up"})
    assert rules_of(owner) == [("A", 0), ("C", 1), ("B", 2)]

    response = owner_client.post(
        reverse("rules:move", args=[a.pk]), {"direction": "down"}, headers=HTMX
    )
    assert response.status_code == 200
    assert rules_of(owner) == [("C", 0), ("A", 1), ("B", 2)]
    page = response.content.decode()
    assert 'id="rule-table"' in page and page.index(">C<") < page.index(">A<") < page.index(">B<")

    # the ends stay where they are
    owner_client.post(reverse("rules:move", args=[b.pk]), {"direction": "down"})
    assert [name for name, _ in rules_of(owner)] == ["C", "A", "B"]


def test_a_move_needs_a_direction(owner, owner_client: Client):
    rule = make_rule(owner, payee_match="contains", payee_value="x", rename_payee="y")
    response = owner_client.post(reverse("rules:move", args=[rule.pk]), {"direction": "sideways"})
    assert response.status_code == 400


# --- apply to existing transactions ---------------------------------------------------------------
@pytest.fixture
def history(owner, checking, savings):
    """Three Netflix charges (one already right), a shop, a transfer and an income."""
    return {
        "old": make_entry(
            owner,
            checking,
            1599,
            on=date(2026, 9, 3),
            payee="NETFLIX.COM 11",
            category_name="Going out",
        ),
        "new": make_entry(owner, checking, 1599, on=date(2026, 10, 3), payee="NETFLIX.COM 12"),
        "done": make_entry(
            owner,
            checking,
            1599,
            on=date(2026, 11, 3),
            payee="Netflix",
            category_name="Subscriptions",
            tags=("tv",),
        ),
        "shop": make_entry(owner, checking, 2500, on=date(2026, 11, 4), payee="Corner shop"),
        "transfer": make_transfer(owner, checking, savings, 10000),
        "salary": make_entry(
            owner, checking, 300000, kind="income", payee="Employer", category_name="Salary"
        ),
    }


def state_of(owner) -> list[tuple]:
    return sorted(
        (
            t.pk,
            t.category_id,
            t.payee.name if t.payee else None,
            sorted(tag.name for tag in t.tags.all()),
        )
        for t in Transaction.objects.filter(household=owner.household)
        .select_related("payee")
        .prefetch_related("tags")
    )


@pytest.fixture
def netflix_rule(owner):
    return make_rule(
        owner,
        payee_match="contains",
        payee_value="netflix",
        category_name="Subscriptions",
        rename_payee="Netflix",
        tag_names=("tv",),
    )


def test_the_preview_lists_the_changes_and_changes_nothing(
    owner, history, netflix_rule, owner_client: Client
):
    before = state_of(owner)
    response = owner_client.get(APPLY_ALL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 5 transactions would change" in page  # the transfer's legs are not looked at
    assert "2 new categories" in page and "2 payees renamed" in page and "2 with tags added" in page
    assert "<del>NETFLIX.COM 11</del> → <ins>Netflix</ins>" in page
    assert "<del>Entertainment › Going out</del> → <ins>Entertainment › Subscriptions</ins>" in page
    assert "<del>(none)</del> → <ins>Entertainment › Subscriptions</ins>" in page
    assert "Employer" not in page
    assert state_of(owner) == before


def test_confirming_changes_exactly_the_previewed_rows_and_keeps_the_rollup_exact(
    owner, history, netflix_rule, owner_client: Client
):
    subscriptions = category(owner, "Subscriptions")
    preview = owner_client.get(APPLY_ALL)
    digest = preview.context["plan"].digest
    previewed = {c.transaction_id for c in preview.context["plan"].changes}
    assert previewed == {history["old"].pk, history["new"].pk}
    before = {row[0]: row for row in state_of(owner)}

    response = owner_client.post(APPLY_ALL, {"expected": digest})

    assert response.status_code == 302 and response["Location"] == LIST
    after = {row[0]: row for row in state_of(owner)}
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert changed == previewed
    for key in ("old", "new"):
        assert after[history[key].pk][1:] == (subscriptions.pk, "Netflix", ["tv"])
    assert rollup.differences(owner.household.pk) == []
    assertContains(owner_client.get(LIST), "Rules applied: 2 transactions changed.")
    # nothing left to do
    assertContains(owner_client.get(APPLY_ALL), "Nothing would change")


def test_a_confirmation_after_the_data_changed_writes_nothing(
    owner, checking, history, netflix_rule, owner_client: Client
):
    digest = owner_client.get(APPLY_ALL).context["plan"].digest
    make_entry(owner, checking, 1599, payee="Netflix again")
    before = state_of(owner)

    response = owner_client.post(APPLY_ALL, {"expected": digest})

    assert response.status_code == 409
    assertContains(response, "changed since the preview", status_code=409)
    assertContains(response, "3 of 6 transactions would change", status_code=409)
    assert state_of(owner) == before


def test_one_rule_can_be_applied_on_its_own(owner, history, netflix_rule, owner_client: Client):
    make_rule(owner, "Shops", payee_match="contains", payee_value="shop", tag_names=("local",))
    # the Netflix rule comes first, but applying "Shops" alone looks at that rule only
    shops = Rule.objects.get(name="Shops")
    url = reverse("rules:apply", args=[shops.pk])
    preview = owner_client.get(url)
    assertContains(preview, "1 of 5 transactions would change")
    owner_client.post(url, {"expected": preview.context["plan"].digest})
    assert list(history["shop"].tags.values_list("name", flat=True)) == ["local"]
    assert Transaction.objects.get(pk=history["new"].pk).category_id is None
    assert rollup.differences(owner.household.pk) == []


def test_the_preview_is_capped_but_counts_everything(
    owner, checking, owner_client: Client, monkeypatch
):
    from spendwise.rules import views

    monkeypatch.setattr(views, "PREVIEW_ROWS", 2)
    for day in range(1, 6):
        make_entry(owner, checking, 100, on=date(2026, 10, day), payee="Shop")
    make_rule(owner, payee_match="equals", payee_value="shop", category_name="Groceries")
    response = owner_client.get(APPLY_ALL)
    assertContains(response, "5 of 5 transactions would change")
    assertContains(response, "The newest 2 changes (3 more are not listed but will change too)")
    assert len(response.context["rows"]) == 2


# --- roles ----------------------------------------------------------------------------------------
def test_a_viewer_sees_the_rules_but_cannot_change_them(
    owner, viewer_client: Client, history, netflix_rule
):
    page = viewer_client.get(LIST)
    assertContains(page, "Netflix")
    assertNotContains(page, reverse("rules:edit", args=[netflix_rule.pk]))
    before, rules_before = state_of(owner), rules_of(owner)
    digest = plan_for_existing(owner.household).digest  # a confirmation that would apply
    answers = [
        viewer_client.get(CREATE).status_code,
        viewer_client.post(CREATE, rule_data()).status_code,
        viewer_client.get(reverse("rules:edit", args=[netflix_rule.pk])).status_code,
        viewer_client.post(reverse("rules:edit", args=[netflix_rule.pk]), rule_data()).status_code,
        viewer_client.post(reverse("rules:delete", args=[netflix_rule.pk])).status_code,
        viewer_client.post(
            reverse("rules:move", args=[netflix_rule.pk]), {"direction": "up"}
        ).status_code,
        viewer_client.get(APPLY_ALL).status_code,
        viewer_client.post(APPLY_ALL, {"expected": digest}).status_code,
        viewer_client.post(
            reverse("rules:apply", args=[netflix_rule.pk]), {"expected": digest}
        ).status_code,
    ]
    assert answers == [403] * len(answers)
    assert state_of(owner) == before and rules_of(owner) == rules_before


# --- the entry form's hooks -----------------------------------------------------------------------
def entry_data(account, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "expense",
        "date": "2026-11-10",
        "amount": "15.99",
        "account": account.pk,
        "category": "",
        "payee": "NETFLIX.COM 8841",
        "tags": "family",
        "note": "",
    }
    data.update(overrides)
    return data


def test_apply_my_rules_fills_the_category_renames_the_payee_and_adds_tags(
    owner, checking, netflix_rule, owner_client: Client
):
    response = owner_client.post(
        reverse("ledger:transaction_create"), entry_data(checking, apply_rules="on"), headers=HTMX
    )
    assert response.status_code == 200
    row = Transaction.objects.get(household=owner.household)
    assert row.category == category(owner, "Subscriptions")
    assert payee_of(row) == "Netflix"
    assert sorted(row.tags.values_list("name", flat=True)) == ["family", "tv"]
    assert rollup.differences(owner.household.pk) == []


def test_apply_my_rules_keeps_the_category_the_person_chose(
    owner, checking, netflix_rule, owner_client: Client
):
    owner_client.post(
        reverse("ledger:transaction_create"),
        entry_data(checking, apply_rules="on", category=category(owner, "Going out").pk),
    )
    row = Transaction.objects.get(household=owner.household)
    assert row.category == category(owner, "Going out")
    assert payee_of(row) == "Netflix"


def test_without_the_box_rules_are_not_applied(owner, checking, netflix_rule, owner_client: Client):
    owner_client.post(reverse("ledger:transaction_create"), entry_data(checking))
    row = Transaction.objects.get(household=owner.household)
    assert row.category is None and payee_of(row) == "NETFLIX.COM 8841"
    assert list(row.tags.values_list("name", flat=True)) == ["family"]


def test_apply_my_rules_works_when_editing(owner, checking, netflix_rule, owner_client: Client):
    row = make_entry(owner, checking, 1599, payee="NETFLIX.COM 8841")
    owner_client.post(
        reverse("ledger:transaction_edit", args=[row.pk]), entry_data(checking, apply_rules="on")
    )
    row.refresh_from_db()
    assert (row.category, payee_of(row)) == (category(owner, "Subscriptions"), "Netflix")
    assert rollup.differences(owner.household.pk) == []


def test_the_entry_form_asks_for_suggestions_and_offers_the_box(owner, checking, owner_client):
    page = owner_client.get(reverse("ledger:transactions")).content.decode()
    assert f'hx-get="{reverse("rules:suggest")}"' in page
    assert 'hx-trigger="change"' in page and 'hx-target="#category-suggestion"' in page
    assert '<span id="category-suggestion" class="category-suggestion"' in page
    assert "Apply my rules" in page
    assert "rules/suggest" in page and ".js" in page


# --- suggestions ----------------------------------------------------------------------------------
def test_the_suggestion_fragment_offers_the_learnt_category(owner, checking, owner_client):
    for day in range(1, 4):
        make_entry(
            owner,
            checking,
            2000,
            on=date(2026, 10, day),
            payee="Fresh Market",
            category_name="Groceries",
        )
    groceries = category(owner, "Groceries")
    response = owner_client.get(
        reverse("rules:suggest"),
        {"payee": "fresh market", "note": "", "kind": "expense"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Suggested: <strong>Food › Groceries</strong>" in body
    assert f'data-use-category="{groceries.pk}"' in body and ">Use</button>" in body


def test_the_suggestion_fragment_is_empty_when_unsure(owner, checking, owner_client):
    make_entry(owner, checking, 2000, payee="Fresh Market", category_name="Groceries")
    for params in (
        {"payee": "Somewhere new", "kind": "expense"},
        {"payee": "Fresh Market", "kind": "income"},
        {"payee": "Fresh Market", "kind": "nonsense"},
    ):
        response = owner_client.get(reverse("rules:suggest"), params)
        assert response.status_code == 200 and response.content.decode().strip() == ""


def test_suggestions_come_only_from_the_households_own_history(owner, checking, outsider_client):
    make_entry(owner, checking, 2000, payee="Fresh Market", category_name="Groceries")
    response = outsider_client.get(reverse("rules:suggest"), {"payee": "Fresh Market"})
    assert response.content.decode().strip() == ""
