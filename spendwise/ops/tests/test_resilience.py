"""The fault drills (spendwise/ops/faults.py), short form: one stack, four faults under load.

`make test-resilience` runs the same drills longer and prints the table; here each fault runs
for a few seconds and the test asserts what a client and the database would see: fast 503s
with ``Retry-After`` (JSON for /api/, HTML for pages), no 500, no hang, every acknowledged
write stored exactly once, the rollup equal to the transactions, the app recovered by itself.

nginx and the PostgreSQL server programs must be installed (scripts/ensure-system-deps); when
one is missing the tests are skipped loudly, and with ``CI=true`` they fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from spendwise.ops.faults import SHORT, Drill, Report, report_table
from spendwise.ops.stack import NginxNotFoundError, StackConfig, find_nginx
from spendwise.ops.tests.stack_tools import unavailable
from spendwise.testing.postgres import PostgresNotFoundError, find_postgres_binaries


@pytest.fixture(scope="module")
def drill() -> Iterator[Drill]:
    try:
        find_nginx(StackConfig())
        find_postgres_binaries()
    except (NginxNotFoundError, PostgresNotFoundError) as exc:
        unavailable(str(exc))
    with Drill.started() as started:
        yield started


def run(drill: Drill, fault: str) -> Report:
    report = drill.run(fault, SHORT)
    print("\n" + report_table([report]))  # shown with -s, and in the failure's output
    return report


def assert_proper_503s(report: Report) -> None:
    for answer in report.unavailable:
        assert answer.header("Retry-After").isdigit()
        if answer.kind == "read_page":
            assert answer.header("Content-Type").startswith("text/html")
            assert b"briefly unavailable" in answer.body
        else:
            assert answer.header("Content-Type") == "application/json"
            assert json.loads(answer.body)["code"] == "unavailable"


def test_it_answers_fast_503s_while_postgres_restarts_and_keeps_every_acknowledged_write(
    drill: Drill,
) -> None:
    report = run(drill, "postgres_restart")

    assert report.problems == []
    assert report.unavailable, "no request met the outage"
    assert {a.kind for a in report.unavailable} == {"write", "read_api", "read_page"}
    assert_proper_503s(report)
    assert report.slowest_503 < 2.0
    assert report.acknowledged and not report.lost
    assert report.recovered_after is not None


def test_it_waits_briefly_then_answers_503_when_the_connections_run_out(drill: Drill) -> None:
    report = run(drill, "connections_exhausted")

    assert report.problems == []
    assert report.unavailable
    assert_proper_503s(report)
    # A request waited for a free slot (DB_CONNECT_WAIT_MS) before it gave up.
    assert max(a.seconds for a in report.unavailable) >= 0.9
    assert not report.lost


def test_a_request_stuck_on_a_lock_times_out_with_a_503_and_a_log_line(drill: Drill) -> None:
    report = run(drill, "slow_database")

    assert report.problems == []  # includes: each 503's request id is in a timeout log line
    assert report.unavailable
    assert_proper_503s(report)
    assert all(0.9 <= a.seconds < 3.0 for a in report.unavailable)
    assert "logged timeouts: lock_timeout=1000ms" in report.notes
    logged = [
        line
        for line in drill.app_log_lines()
        if line.get("logger") == "spendwise.db" and line.get("timeout") == "lock_timeout"
    ]
    assert logged[0]["status"] == 503
    assert logged[0]["sqlstate"] == "55P03"


def test_nginx_routes_around_a_killed_instance_and_no_acknowledged_write_is_lost(
    drill: Drill,
) -> None:
    report = run(drill, "instance_kill")

    assert report.problems == []  # includes: no read failed while web-1 was down
    assert report.acknowledged and not report.lost and not report.duplicated
    upstreams = {a.header("X-Upstream") for a in report.answers}
    assert drill.config.address("web-2") in upstreams
