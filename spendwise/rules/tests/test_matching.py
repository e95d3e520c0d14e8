"""The matcher on its own: each condition, each action, the order, and pattern safety."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spendwise.rules.matching import (
    MAX_PATTERN_LENGTH,
    Outcome,
    PatternError,
    RuleSpec,
    Subject,
    TextCondition,
    check_pattern,
    decide,
    matches,
    merge_tags,
)


def subject(
    payee: str = "NETFLIX.COM 1234",
    note: str = "monthly plan",
    amount: int = -1599,
    currency: str = "USD",
    account_id: int | None = 1,
) -> Subject:
    return Subject(payee, note, amount, currency, account_id)


def rule(rule_id: int = 1, **fields) -> RuleSpec:
    fields.setdefault("currency", "USD")
    return RuleSpec(id=rule_id, **fields)


# --- conditions -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("operator", "value", "payee", "expected"),
    [
        ("contains", "netflix", "NETFLIX.COM 1234", True),
        ("contains", "spotify", "NETFLIX.COM 1234", False),
        ("contains", "corner  shop", "The Corner Shop", True),  # case and spaces ignored
        ("equals", "corner shop", "Corner   SHOP", True),
        ("equals", "corner", "Corner Shop", False),
        ("matches", r"^net(flix|fl)\b", "NETFLIX.COM", True),
        ("matches", r"^amzn", "Marketplace AMZN", False),
        ("matches", r"\d{4}$", "NETFLIX.COM 1234", True),
    ],
)
def test_it_compares_the_payee(operator, value, payee, expected):
    spec = rule(payee=TextCondition.build(operator, value))
    assert matches(spec, subject(payee=payee)) is expected


@pytest.mark.parametrize(
    ("operator", "value", "note", "expected"),
    [
        ("contains", "PLAN", "monthly plan", True),
        ("equals", "monthly plan", "Monthly Plan", True),
        ("equals", "monthly", "monthly plan", False),
        ("matches", r"month(ly)?", "Monthly plan", True),
        ("matches", r"^yearly", "monthly plan", False),
    ],
)
def test_it_compares_the_note(operator, value, note, expected):
    spec = rule(note=TextCondition.build(operator, value))
    assert matches(spec, subject(note=note)) is expected


@pytest.mark.parametrize(
    ("low", "high", "amount", "expected"),
    [
        (1000, 2000, -1599, True),  # an expense's size
        (1000, 2000, 1599, True),  # an income's size
        (1000, 2000, -999, False),
        (1000, 2000, -2001, False),
        (1599, 1599, -1599, True),  # bounds are inclusive
        (None, 1000, -1599, False),
        (1000, None, -1599, True),
    ],
)
def test_it_compares_the_amounts_magnitude(low, high, amount, expected):
    spec = rule(amount_min=low, amount_max=high)
    assert matches(spec, subject(amount=amount)) is expected


def test_an_amount_condition_never_matches_another_currency():
    spec = rule(amount_min=1000, amount_max=2000, currency="USD")
    assert matches(spec, subject(amount=-1599, currency="EUR")) is False


def test_it_compares_the_account():
    spec = rule(account_id=7)
    assert matches(spec, subject(account_id=7))
    assert not matches(spec, subject(account_id=8))


def test_every_condition_must_match():
    spec = rule(
        payee=TextCondition.build("contains", "netflix"),
        note=TextCondition.build("contains", "plan"),
        amount_max=2000,
        account_id=1,
    )
    assert matches(spec, subject())
    assert not matches(spec, subject(note="gift card"))
    assert not matches(spec, subject(amount=-2500))
    assert not matches(spec, subject(account_id=2))


def test_a_rule_without_conditions_matches_nothing():
    assert not matches(rule(category_id=5, category_kind="expense"), subject())


# --- actions and order ----------------------------------------------------------------------------
NETFLIX = TextCondition.build("contains", "netflix")


def test_it_sets_the_category_renames_the_payee_and_adds_tags():
    spec = rule(
        payee=NETFLIX,
        category_id=5,
        category_kind="expense",
        rename_payee="Netflix",
        tag_names=("streaming", "family"),
    )
    assert decide([spec], subject()) == Outcome(
        category_id=5, payee_name="Netflix", tag_names=["streaming", "family"], rule_ids=[1]
    )


def test_a_category_of_the_other_kind_is_not_set():
    income_category = rule(payee=NETFLIX, category_id=9, category_kind="income")
    assert decide([income_category], subject(amount=-1599)).category_id is None
    assert decide([income_category], subject(amount=1599)).category_id == 9


def test_the_first_matching_rule_wins_per_action():
    first = rule(1, payee=NETFLIX, category_id=5, category_kind="expense")
    second = rule(2, payee=NETFLIX, category_id=6, category_kind="expense", rename_payee="Netflix")
    third = rule(3, payee=NETFLIX, rename_payee="NFLX", tag_names=("tv",))
    outcome = decide([first, second, third], subject())
    assert outcome.category_id == 5  # the first rule's
    assert outcome.payee_name == "Netflix"  # the second fills what the first left unset
    assert outcome.tag_names == ["tv"]
    assert outcome.rule_ids == [1, 2, 3]
    # the other order, the other winner
    assert decide([second, first], subject()).category_id == 6


def test_a_rule_that_changes_nothing_is_not_recorded():
    first = rule(1, payee=NETFLIX, category_id=5, category_kind="expense")
    shadowed = rule(2, payee=NETFLIX, category_id=6, category_kind="expense")
    assert decide([first, shadowed], subject()).rule_ids == [1]


def test_conditions_see_the_payee_as_it_came_in_not_as_renamed():
    rename = rule(1, payee=NETFLIX, rename_payee="Streaming Co")
    later = rule(2, payee=TextCondition.build("contains", "streaming"), tag_names=("x",))
    assert decide([rename, later], subject()).tag_names == []


def test_merge_tags_keeps_the_first_spelling():
    assert merge_tags(["Holiday"], ["holiday", "Work", "work"]) == ["Holiday", "Work"]


# --- patterns -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(unclosed", "This is not a valid pattern"),
        ("[a-", "This is not a valid pattern"),
        ("a" * (MAX_PATTERN_LENGTH + 1), f"Keep the pattern to {MAX_PATTERN_LENGTH} characters"),
        ("   ", "Enter a pattern"),
        (r"(a|aa)+$", "takes too long"),
        (r"^(x|xx)+$", "takes too long"),
        (r"(\w|\w)+$", "takes too long"),
    ],
)
def test_it_refuses_bad_patterns_with_a_clear_message(pattern, message):
    with pytest.raises(PatternError, match=message.replace("(", r"\(")):
        check_pattern(pattern)


def test_a_pattern_of_the_longest_length_is_accepted():
    assert check_pattern("a" * MAX_PATTERN_LENGTH)


def test_a_catastrophic_search_times_out_as_no_match():
    # Saved patterns are checked, but matching has its own guard: it gives up, quickly.
    condition = TextCondition.build("matches", r"(x|xx)+$")
    started = time.monotonic()
    assert condition.test("x" * 400 + "!") is False
    assert time.monotonic() - started < 1


# --- properties -----------------------------------------------------------------------------------
words = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)


@given(before=st.text(max_size=20), needle=words, after=st.text(max_size=20))
def test_contains_matches_any_text_that_holds_the_value(before, needle, after):
    spec = rule(payee=TextCondition.build("contains", needle))
    assert matches(spec, subject(payee=f"{before} {needle} {after}"))


@given(
    low=st.integers(0, 10**6),
    span=st.integers(0, 10**6),
    amount=st.integers(-(10**7), 10**7).filter(bool),
)
def test_an_amount_matches_exactly_when_its_size_is_within_the_bounds(low, span, amount):
    spec = rule(amount_min=low, amount_max=low + span)
    assert matches(spec, subject(amount=amount)) is (low <= abs(amount) <= low + span)


@given(
    categories=st.lists(st.integers(1, 5), min_size=1, max_size=6),
    amount=st.integers(-1000, 1000).filter(bool),
)
def test_the_category_comes_from_the_first_matching_rule_of_the_right_kind(categories, amount):
    kinds = {1: "expense", 2: "expense", 3: "income", 4: "income", 5: "expense"}
    specs = [
        rule(i, account_id=1, category_id=c, category_kind=kinds[c])
        for i, c in enumerate(categories)
    ]
    kind = "income" if amount > 0 else "expense"
    expected = next((c for c in categories if kinds[c] == kind), None)
    assert decide(specs, subject(amount=amount)).category_id == expected
