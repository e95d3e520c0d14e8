"""``make bench``: page latency at 10k, 100k and 1M transactions against the raw-SQL floor.

Run inside a throw-away PostgreSQL (``python -m spendwise.testing.postgres -- …``, which
``make bench`` does). For each size it generates one household's ten years of transactions,
then requests every measured page through Django's full request path (middleware, session,
templates) with the test client, ``BENCH_REPEAT`` times after a warm-up, and prints p50/p95.

Two floors, each timed the same way on the same connection in the same run:

* ``sql`` — hand-written SQL that computes the page's numbers straight from the transactions
  table (``bench.scenario.naive_floors``): the least a page without the rollup would pay.
  ``ratio_p95_vs_sql = p95(page) / p95(sql)``; below 1 the page beats raw SQL on the rows.
* ``replay`` — the SQL the page itself sends for its numbers (captured while it renders once,
  minus the session and user lookups), replayed raw: ``p95(page) / p95(replay)`` is what
  Django, Python and the templates add on top of the database work.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings_test")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.generate import generate  # noqa: E402
from bench.scenario import naive_floors, prepare_pages  # noqa: E402

DEFAULT_SIZES = "10000,100000,1000000"
FLOOR_TABLES = ("ledger_", "budgets_", "recurring_", "reports_")


@dataclass(frozen=True)
class Measure:
    page: str
    p50_ms: float
    p95_ms: float
    sql_p95_ms: float
    replay_p95_ms: float
    queries: int

    @property
    def ratio(self) -> float:
        return self.p95_ms / self.sql_p95_ms if self.sql_p95_ms else float("nan")

    @property
    def overhead(self) -> float:
        return self.p95_ms / self.replay_p95_ms if self.replay_p95_ms else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def measure_page(client: Client, name: str, url: str, naive: list[str], repeat: int) -> Measure:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{name}: {url} answered {response.status_code}")
    replayed = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        and any(table in q["sql"] for table in FLOOR_TABLES)
    ]
    query_count = len(captured.captured_queries)
    page_ms = timed(lambda: client.get(url), repeat)
    sql_ms = timed(lambda: run_sql(naive), repeat)
    replay_ms = timed(lambda: run_sql(replayed), repeat)
    reset_queries()
    return Measure(
        name,
        statistics.median(page_ms),
        percentile(page_ms, 0.95),
        percentile(sql_ms, 0.95),
        percentile(replay_ms, 0.95),
        query_count,
    )


def main() -> int:
    if connection.vendor != "postgresql":
        print("make bench needs PostgreSQL: run it through `make bench`.", file=sys.stderr)
        return 2
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", DEFAULT_SIZES).split(",") if s]
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    today = date.today()
    summaries = []
    for size in sizes:
        data = generate(f"bench{size}@example.com", size, end=today)
        print(
            f"\n== {size:,} transactions: inserted {data.rows:,} rows in "
            f"{data.insert_seconds:.1f} s ({data.rows_per_second:,.0f} rows/s), "
            f"rollup rebuilt in {data.rollup_seconds:.1f} s"
        )
        client = Client()
        client.force_login(data.member.user)
        pages = prepare_pages(data.member, today)
        floors = naive_floors(data.member, today)
        print(
            f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'sql p95':>9}{'vs sql':>8}"
            f"{'replay p95':>11}{'vs replay':>10}{'queries':>9}"
        )
        results = []
        for name, url in pages:
            result = measure_page(client, name, url, floors[name], repeat)
            results.append(result)
            print(
                f"{name:<28}{result.p50_ms:>9.1f}{result.p95_ms:>9.1f}{result.sql_p95_ms:>9.1f}"
                f"{result.ratio:>8.2f}{result.replay_p95_ms:>11.1f}{result.overhead:>10.2f}"
                f"{result.queries:>9}"
            )
        reports = [r for r in results if r.page.startswith("report")]
        worst = max(reports, key=lambda r: r.ratio)
        dashboard = next(r for r in results if r.page == "dashboard")
        line = (
            f"size={size} ratio_p95_vs_sql={worst.ratio:.2f} (worst report: {worst.page}) "
            f"dashboard_p95_ms={dashboard.p95_ms:.1f}"
        )
        summaries.append(line)
        print(line)
    print("\n== summary")
    for line in summaries:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
