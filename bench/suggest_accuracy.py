"""``make bench-suggest``: how good are category suggestions on the demo household?

Run inside a throw-away PostgreSQL (``python -m spendwise.testing.postgres -- …``, which the
Makefile target does). Builds the demo household (``seed_demo``, ``BENCH_SUGGEST_MONTHS`` months
of history, 24 by default), sorts its categorised expenses and income by date, trains on the
first 80 % and asks for a suggestion for each of the last 20 % (its payee, note and kind), and
prints, for the full suggester and for the word model alone (no payee look-up):

* accuracy — right suggestions / test rows (no suggestion counts as wrong);
* coverage — test rows that got a suggestion;
* precision — right suggestions / suggestions made;

and the baseline that always suggests the most frequent training category of the row's kind.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings_test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from spendwise.households.models import Membership  # noqa: E402
from spendwise.ledger.management.commands.seed_demo import DEMO_EMAIL  # noqa: E402
from spendwise.ledger.models import Transaction, TransactionKind  # noqa: E402
from spendwise.rules.suggest import CategoryModel, TrainingRow  # noqa: E402

TRAIN_SHARE = 0.8


def demo_rows() -> list[tuple[date, TrainingRow]]:
    """The demo household's categorised expenses and income with their dates, oldest first."""
    call_command("migrate", verbosity=0)
    months = int(os.environ.get("BENCH_SUGGEST_MONTHS", "24"))
    call_command("seed_demo", reset=True, months=months, stdout=io.StringIO())
    member = Membership.objects.select_related("household").get(user__email=DEMO_EMAIL)
    rows = (
        Transaction.objects.filter(
            household=member.household,
            kind__in=(TransactionKind.EXPENSE, TransactionKind.INCOME),
            category__isnull=False,
        )
        .order_by("date", "id")
        .values_list("date", "kind", "category_id", "payee__name", "note")
    )
    return [(day, (kind, category, payee or "", note)) for day, kind, category, payee, note in rows]


def score(
    name: str, predict: Callable[[str, str, str], int | None], test: list[TrainingRow]
) -> None:
    started = time.perf_counter()
    made = right = 0
    for kind, category_id, payee, note in test:
        guess = predict(payee, note, kind)
        if guess is not None:
            made += 1
            right += guess == category_id
    elapsed = time.perf_counter() - started
    total = len(test)
    precision = f"{right / made:7.1%}" if made else "     – "
    print(
        f"{name:<36} accuracy {right / total:7.1%}   coverage {made / total:7.1%}   "
        f"precision {precision}   ({elapsed / total * 1e6:.0f} µs per row)"
    )


def main() -> None:
    dated = demo_rows()
    cut = int(len(dated) * TRAIN_SHARE)
    if not 0 < cut < len(dated):
        sys.exit("Not enough demo transactions to hold any out.")
    train, test = [row for _, row in dated[:cut]], [row for _, row in dated[cut:]]
    print(
        f"demo household: {len(dated)} categorised transactions; training on {len(train)} "
        f"({dated[0][0]} to {dated[cut - 1][0]}), testing on {len(test)} "
        f"({dated[cut][0]} to {dated[-1][0]})"
    )
    started = time.perf_counter()
    full = CategoryModel().learn(train)
    print(f"training: {(time.perf_counter() - started) * 1000:.1f} ms")
    words_only = CategoryModel(by_payee=False).learn(train)
    most_frequent = {
        kind: Counter(c for k, c, _p, _n in train if k == kind).most_common(1)[0][0]
        for kind in {k for k, *_ in train}
    }
    seen_payees = {p.casefold() for _k, _c, p, _n in train}
    new_payee_share = sum(1 for _k, _c, p, _n in test if p.casefold() not in seen_payees) / len(
        test
    )
    print(f"test rows whose payee never appears in training: {new_payee_share:.1%}")
    print()
    score("suggester (payee, then words)", full.suggest, test)
    score("word model alone (no payee look-up)", words_only.suggest, test)
    score(
        "baseline: most frequent category",
        lambda _payee, _note, kind: most_frequent.get(kind),
        test,
    )


if __name__ == "__main__":
    main()
