"""Two scheduled runs at the same time (two containers, say) post each date exactly once.

Real threads, each with its own database connection, on committed data
(``transactional_db``): row locks only mean something on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection, connections, transaction

from spendwise.ledger.models import Transaction
from spendwise.recurring.actions import RunSummary, run_due
from spendwise.recurring.models import Occurrence, Schedule
from spendwise.testing.factories import make_schedule

TODAY = date(2026, 11, 27)


@pytest.fixture
def postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite locks the whole file)")


def in_thread(target, *args):
    """Run ``target`` in a thread with its own connection, closed when it ends."""
    result: dict[str, object] = {}

    def body() -> None:
        try:
            result["value"] = target(*args)
        except BaseException as exc:  # surfaced by the test, not lost in the thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, result


def test_two_runs_at_once_post_each_occurrence_exactly_once(postgres_only, owner, checking):
    for number in range(8):  # 3 due dates each, in September, October and November
        # Two to a day: postings of both runs meet on the same account and day.
        start = date(2026, 9, 1 + number // 2)
        make_schedule(owner, checking, 100 + number, name=f"Bill {number}", start=start)
    together = threading.Barrier(2)

    def run() -> RunSummary:
        together.wait()
        return run_due(TODAY)

    threads = [in_thread(run) for _ in range(2)]
    for thread, _ in threads:
        thread.join(timeout=60)
    results = [result for _, result in threads]
    assert [r.get("error") for r in results] == [None, None]

    summaries: list[RunSummary] = [r["value"] for r in results]
    assert sum(s.posted for s in summaries) == 24
    assert sum(s.processed for s in summaries) == 8
    assert Transaction.objects.count() == 24
    per_date = Counter(Transaction.objects.values_list("amount", "date"))
    assert set(per_date.values()) == {1}
    assert Occurrence.objects.filter(status="posted").count() == 24
    assert set(Schedule.objects.values_list("next_date", flat=True)) == {
        date(2026, 12, 1 + number // 2) for number in range(8)
    }


def test_a_schedule_held_by_another_run_is_skipped_not_waited_for(postgres_only, owner, checking):
    held = make_schedule(owner, checking, 111, name="Held", start=date(2026, 11, 1))
    free = make_schedule(owner, checking, 222, name="Free", start=date(2026, 11, 1))
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Schedule.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=30)

    holder, holder_result = in_thread(hold)
    assert locked.wait(timeout=30)
    try:
        summary = run_due(TODAY)  # would hang here if it waited for the lock
    finally:
        release.set()
        holder.join(timeout=30)
    assert "error" not in holder_result

    assert (summary.processed, summary.posted, summary.skipped) == (1, 1, 1)
    assert list(Transaction.objects.values_list("amount", flat=True)) == [-222]
    assert run_due(TODAY).posted == 1  # the next run picks up the one that was held
    assert sorted(Transaction.objects.values_list("amount", flat=True)) == [-222, -111]
    held.refresh_from_db()
    free.refresh_from_db()
    assert held.next_date == free.next_date == date(2026, 12, 1)
