"""Which rules match a transaction and what they change — plain Python, no Django.

A rule matches when every condition it has matches (AND); a rule without conditions matches
nothing. Rules are tried in order and **the first matching rule wins per action**: the first
matching rule that sets a category sets it, the first that renames the payee renames it, the
first that adds tags adds them; later rules still fill the actions earlier ones left unset.
Conditions always look at the transaction as it came in, never at what an earlier rule changed,
so one rule's rename cannot make another rule match.

Text is compared without regard to case or repeated spaces. Patterns are regular expressions
(the ``regex`` module, case-insensitive), at most ``MAX_PATTERN_LENGTH`` characters, run on at
most ``MAX_SUBJECT_LENGTH`` characters with a ``MATCH_TIMEOUT`` so that a catastrophic pattern
cannot stall a request: a search that times out counts as no match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex

MAX_PATTERN_LENGTH = 200
MAX_SUBJECT_LENGTH = 500
MATCH_TIMEOUT = 0.05  # seconds per search

CONTAINS, EQUALS, MATCHES = "contains", "equals", "matches"
TEXT_OPERATORS = (CONTAINS, EQUALS, MATCHES)

EXPENSE, INCOME = "expense", "income"

# Inputs that make backtracking patterns such as (a+)+$ or (.*a){20} explode: a pattern that
# cannot get through these within the timeout is refused when the rule is saved.
_ADVERSARIAL = ("a" * 40 + "!", "ab" * 40 + "!", "0" * 40 + "!", " " * 40 + "!", "a " * 40 + "!")


class PatternError(ValueError):
    """A pattern that cannot be used; ``str(error)`` is the message for the person."""


def normalise(text: str) -> str:
    """Case- and space-insensitive form used by *contains* and *equals*."""
    return " ".join(text.split()).casefold()


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile a rule's pattern or raise ``PatternError`` with a message a person can act on."""
    if not pattern.strip():
        raise PatternError("Enter a pattern.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"Keep the pattern to {MAX_PATTERN_LENGTH} characters or fewer.")
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except (regex.error, OverflowError, RecursionError) as error:
        raise PatternError(f"This is not a valid pattern: {error}.") from None


def check_pattern(pattern: str) -> regex.Pattern[str]:
    """``compile_pattern``, and refuse a pattern that backtracks catastrophically on inputs
    made to provoke it (checked when a rule is saved; matching has its own timeout)."""
    compiled = compile_pattern(pattern)
    # and runs of the pattern's own letters and digits, which is where a pattern backtracks
    own = list(dict.fromkeys(c for c in pattern if c.isalnum()))[:8]
    for sample in (*_ADVERSARIAL, *(c * 40 + "!" for c in own)):
        try:
            compiled.search(sample, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise PatternError(
                "This pattern takes too long to check (nested repetition such as (a+)+). "
                "Simplify it."
            ) from None
    return compiled


@dataclass(frozen=True, slots=True)
class TextCondition:
    """``operator`` is contains, equals or matches; ``value`` as the person typed it."""

    operator: str
    value: str
    pattern: regex.Pattern[str] | None = None

    @classmethod
    def build(cls, operator: str, value: str) -> TextCondition:
        if operator not in TEXT_OPERATORS:
            raise PatternError(f"Unknown comparison “{operator}”.")
        if operator == MATCHES:
            return cls(operator, value, compile_pattern(value))
        return cls(operator, normalise(value))

    def test(self, text: str) -> bool:
        if self.pattern is not None:
            try:
                found = self.pattern.search(text[:MAX_SUBJECT_LENGTH], timeout=MATCH_TIMEOUT)
            except TimeoutError:
                return False
            return found is not None
        subject = normalise(text)
        return self.value in subject if self.operator == CONTAINS else self.value == subject


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule as the matcher sees it. Amount bounds are magnitudes in minor units of
    ``currency``: a transaction in another currency never matches an amount condition."""

    id: int
    payee: TextCondition | None = None
    note: TextCondition | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    currency: str = ""
    account_id: int | None = None
    # actions
    category_id: int | None = None
    category_kind: str | None = None  # expense or income: set only on transactions of that kind
    rename_payee: str = ""
    tag_names: tuple[str, ...] = ()

    @property
    def has_condition(self) -> bool:
        return (
            self.payee is not None
            or self.note is not None
            or self.amount_min is not None
            or self.amount_max is not None
            or self.account_id is not None
        )


@dataclass(frozen=True, slots=True)
class Subject:
    """A transaction as the matcher sees it: ``amount_minor`` signed as stored (+ in, - out)."""

    payee: str
    note: str
    amount_minor: int
    currency: str
    account_id: int | None

    @property
    def kind(self) -> str:
        return INCOME if self.amount_minor > 0 else EXPENSE


@dataclass(slots=True)
class Outcome:
    """What the rules change; ``None`` / empty for an action no rule took. ``rule_ids`` lists,
    in order, the rules whose actions were used."""

    category_id: int | None = None
    payee_name: str | None = None
    tag_names: list[str] = field(default_factory=list)
    rule_ids: list[int] = field(default_factory=list)


def matches(rule: RuleSpec, subject: Subject) -> bool:
    """Every condition of ``rule`` holds for ``subject`` (and it has at least one)."""
    if not rule.has_condition:
        return False
    if rule.account_id is not None and rule.account_id != subject.account_id:
        return False
    if rule.amount_min is not None or rule.amount_max is not None:
        magnitude = abs(subject.amount_minor)
        if subject.currency != rule.currency:
            return False
        if rule.amount_min is not None and magnitude < rule.amount_min:
            return False
        if rule.amount_max is not None and magnitude > rule.amount_max:
            return False
    if rule.payee is not None and not rule.payee.test(subject.payee):
        return False
    return rule.note is None or rule.note.test(subject.note)


def decide(rules: Sequence[RuleSpec], subject: Subject) -> Outcome:
    """The actions ``rules`` (in order) take on ``subject``: first match wins per action."""
    outcome = Outcome()
    for rule in rules:
        if not matches(rule, subject):
            continue
        used = False
        if (
            outcome.category_id is None
            and rule.category_id is not None
            and rule.category_kind == subject.kind
        ):
            outcome.category_id, used = rule.category_id, True
        if outcome.payee_name is None and rule.rename_payee:
            outcome.payee_name, used = rule.rename_payee, True
        if not outcome.tag_names and rule.tag_names:
            outcome.tag_names, used = list(rule.tag_names), True
        if used:
            outcome.rule_ids.append(rule.id)
    return outcome


def merge_tags(existing: Iterable[str], added: Iterable[str]) -> list[str]:
    """``existing`` followed by the ``added`` names it lacks (compared without case)."""
    merged = list(existing)
    seen = {name.casefold() for name in merged}
    for name in added:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            merged.append(name)
    return merged
