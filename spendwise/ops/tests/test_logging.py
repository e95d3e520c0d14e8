"""The log lines: request ids, one line per request, slow queries, and nothing secret in them."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from spendwise.households.models import Membership
from spendwise.ops import slow_queries
from spendwise.ops.logging import JsonFormatter, PlainFormatter, pseudonym, request_id
from spendwise.ops.tests.log_capture import LogLines, assert_valid_emf
from spendwise.testing.factories import make_account, make_entry

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TRACE_ROOT = "1-67891233-abcdef012345678912345678"
TRACE_SELF = "1-67891234-12456789abcdef012345678"


# --- the format -----------------------------------------------------------------------------
def log_once(**env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process with the production settings that logs one warning."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))}
    environment.update(
        {"SECRET_KEY": "a-long-enough-secret-key-for-these-tests-0123456789", "DEBUG": "false"},
        **env,
        DJANGO_SETTINGS_MODULE="spendwise.settings",
    )
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('spendwise.check').warning('hello %s', 'there', extra={'rows': 3})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_writes_json_lines_on_stdout_unless_debugging_or_told_otherwise():
    production = log_once()
    debugging = log_once(DEBUG="true")
    told = log_once(LOG_FORMAT="plain")

    line = json.loads(production.stdout)
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "spendwise.check",
        "hello there",
    )
    assert line["rows"] == 3
    assert line["request_id"] is None
    for plain in (debugging, told):
        assert plain.returncode == 0, plain.stderr
        assert plain.stdout.strip().endswith("WARNING spendwise.check hello there rows=3")


def test_it_refuses_an_unknown_log_format_or_a_bad_environment_name():
    unknown = log_once(LOG_FORMAT="xml")
    spaced = log_once(METRICS_ENVIRONMENT="my prod")

    assert "LOG_FORMAT='xml' must be one of: json, plain" in unknown.stderr
    assert "METRICS_ENVIRONMENT='my prod'" in spaced.stderr
    assert unknown.returncode and spaced.returncode


# --- request ids ----------------------------------------------------------------------------
def test_it_takes_the_request_id_from_x_request_id(client: Client, log_lines: LogLines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-42.a:b_c")

    assert response["X-Request-Id"] == "req-42.a:b_c"
    [line] = log_lines.requests()
    assert line["request_id"] == "req-42.a:b_c"
    assert line["route"] == "healthz"  # answered by a middleware, before URL resolution


def test_it_takes_the_root_of_the_load_balancers_trace_header(client: Client, log_lines: LogLines):
    response = client.get(
        "/healthz",
        HTTP_X_AMZN_TRACE_ID=f"Self={TRACE_SELF};Root={TRACE_ROOT}",
    )

    assert response["X-Request-Id"] == TRACE_ROOT
    assert log_lines.requests()[0]["request_id"] == TRACE_ROOT


def test_the_load_balancers_trace_header_wins_over_a_clients_x_request_id(client: Client):
    # Behind CloudFront every viewer header reaches the app: a client must not pick its log id.
    response = client.get(
        "/healthz", HTTP_X_REQUEST_ID="chosen-by-client", HTTP_X_AMZN_TRACE_ID=f"Root={TRACE_ROOT}"
    )

    assert response["X-Request-Id"] == TRACE_ROOT


@pytest.mark.parametrize(
    "given",
    ["", "has space", 'quote"{}', "x" * 65, "line\\nbreak", "é"],
)
def test_it_generates_an_id_instead_of_an_unsafe_or_missing_one(
    client: Client, log_lines: LogLines, given: str
):
    first = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-Id"]
    second = client.get("/healthz", HTTP_X_AMZN_TRACE_ID=f"Root={given}")["X-Request-Id"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second
    assert [line["request_id"] for line in log_lines.requests()] == [first, second]


def test_every_line_of_a_request_carries_its_id_and_none_outside_one(
    owner_client: Client, checking, log_lines: LogLines
):
    # A refused form: Django logs "Bad Request" after the middleware chain has returned.
    response = owner_client.post(
        reverse("ledger:transaction_create"),
        {"kind": "expense", "date": "2026-11-10", "amount": "lots", "account": checking.pk},
        HTTP_X_REQUEST_ID="refused-1",
    )
    logging.getLogger("spendwise.tests").warning("after the request")

    assert response.status_code == 400
    lines = log_lines.parsed()
    bad_request = [line for line in lines if line["logger"] == "django.request"]
    assert bad_request and bad_request[0]["message"].startswith("Bad Request")
    assert {line["request_id"] for line in lines[:-1]} == {"refused-1"}
    assert lines[-1]["request_id"] is None
    assert request_id.get() is None


# --- the request line -----------------------------------------------------------------------
def test_it_writes_one_line_per_request_with_route_status_and_hashed_ids(
    owner_client: Client, owner: Membership, log_lines: LogLines
):
    response = owner_client.get(reverse("ledger:transactions") + "?q=rent&amount=12.50")

    assert response.status_code == 200
    [line] = log_lines.requests()
    assert line["method"] == "GET"
    assert line["path"] == "/transactions/"  # no query string
    assert line["route"] == "ledger:transactions"
    assert line["status"] == 200
    assert 0 <= line["duration_ms"] < 60_000
    assert line["user"] == pseudonym("user", owner.user.pk)
    assert line["household"] == pseudonym("household", owner.household.pk)
    assert re.fullmatch(r"[0-9a-f]{16}", line["user"])
    assert line["user"] != line["household"]
    assert line["level"] == "INFO"
    assert "owner@example.com" not in json.dumps(line)


def test_the_user_hash_is_keyed_with_the_secret_key(settings, owner: Membership):
    before = pseudonym("user", owner.user.pk)
    settings.SECRET_KEY = "another-secret-key-of-enough-length-0123456789"

    assert pseudonym("user", owner.user.pk) != before
    assert pseudonym("user", owner.user.pk) == pseudonym("user", owner.user.pk)


def test_it_logs_the_route_of_refusals_and_of_unknown_paths(
    owner_client: Client, outsider: Membership, client: Client, log_lines: LogLines
):
    theirs = make_entry(outsider, make_account(outsider, "Theirs"), 500)
    owner_client.get(reverse("ledger:transaction_edit", args=[theirs.pk]))
    client.get("/no/such/page/")
    client.get("/transactions/")  # signed out: sent to sign in
    client.get("/static/css/app.css")

    routes = [(line["route"], line["status"], line["user"]) for line in log_lines.requests()]
    assert routes[0][:2] == ("ledger:transaction_edit", 404)
    assert routes[1] == ("unmatched", 404, None)
    assert routes[2] == ("ledger:transactions", 302, None)
    assert routes[3] == ("static", 200, None)
    assert log_lines.requests()[0]["path"] == f"/transactions/{theirs.pk}/edit/"


def test_it_replaces_text_captured_from_the_path_by_the_parameters_name(
    owner_client: Client, log_lines: LogLines
):
    owner_client.get("/files/eyJrIjoiYWJjIn0:1tXyZ:signature-part/")

    [line] = log_lines.requests()
    assert line["route"] == "attachments:file"
    assert line["path"] == "/files/<token>/"


def test_it_writes_the_plain_format_for_a_terminal():
    record = logging.LogRecord(
        "spendwise.request", logging.INFO, __file__, 1, "GET /x/ 200", None, None
    )
    record.status = 200
    token = request_id.set("abc")
    try:
        text = PlainFormatter().format(record)
    finally:
        request_id.reset(token)

    assert text.endswith("INFO spendwise.request [abc] GET /x/ 200 status=200")


def test_json_lines_carry_the_exception_and_never_an_objects_text(owner: Membership):
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord(
            "spendwise.x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info()
        )
    record.on = date(2026, 3, 1)
    record.amount = Decimal("98765.43")
    record.person = owner.user
    record.request = RequestFactory().get("/transactions/?q=98765.43")

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "failed here"
    assert line["level"] == "ERROR"
    assert "ValueError: broken" in line["exception"]
    assert line["on"] == "2026-03-01"
    assert (line["amount"], line["person"]) == ("<Decimal>", "<User>")
    assert "request" not in line
    assert line["request_id"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


# --- slow queries ---------------------------------------------------------------------------
@pytest.fixture
def sleep_function():
    """``pg_sleep(seconds)`` on SQLite too, so the same statement is slow on both."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function("pg_sleep", 1, time.sleep)


def test_it_logs_a_slow_query_with_its_duration_and_without_its_parameters(
    settings, log_lines: LogLines, sleep_function
):
    settings.SLOW_QUERY_MS = 20
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s), %s", [0.05, "someone@example.com"])
        cursor.execute("SELECT 1")

    [line] = log_lines.of("spendwise.db.slow")
    assert line["level"] == "WARNING"
    assert line["duration_ms"] >= 20
    assert line["sql"] == "SELECT pg_sleep(%s), %s"
    assert line["sql_truncated"] is False
    assert line["database"] == "default"
    assert "someone@example.com" not in json.dumps(line)
    assert "0.05" not in json.dumps(line)


def test_it_cuts_a_long_statement_and_stays_quiet_when_off(settings, log_lines: LogLines):
    long_sql = "SELECT " + ", ".join(f"{n} AS c{n}" for n in range(600))
    settings.SLOW_QUERY_MS = 0.000_001  # every statement is "slow"
    with connection.cursor() as cursor:
        cursor.execute(long_sql)
    settings.SLOW_QUERY_MS = 0  # off
    with connection.cursor() as cursor:
        cursor.execute(long_sql)

    [line] = log_lines.of("spendwise.db.slow")
    assert len(line["sql"]) == slow_queries.SQL_MAX_CHARS
    assert long_sql.startswith(line["sql"])
    assert line["sql_truncated"] is True


def test_every_connection_has_the_slow_query_log_once():
    connection.ensure_connection()
    connection.close()
    connection.ensure_connection()  # connection_created again on the same wrapper

    assert connection.execute_wrappers.count(slow_queries.log_slow_query) == 1


# --- nothing secret -------------------------------------------------------------------------
EMAIL = "quentin.observer@example.com"
PASSWORD = "Zebra-crossing-marmalade-77"
WRONG_PASSWORD = "Zebra-crossing-marmalade-78"
MEMO = "Birthday present for Ottoline"
PAYEE = "Fabergé Atelier"
AMOUNT = "98765.43"
AMOUNT_SPELLINGS = ["98765.43", "9876543", "98,765.43", "98765,43", "98.765,43", "98 765,43"]


def test_it_logs_no_password_e_mail_amount_or_memo(client: Client, settings, log_lines: LogLines):
    settings.SLOW_QUERY_MS = 0.000_001  # log every SQL statement too: none may carry a value
    client.post(reverse("identity:sign_up"), {"email": EMAIL, "password": PASSWORD})
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    client.post(reverse("identity:confirm"), {"email": EMAIL, "code": code})
    client.post(reverse("identity:sign_out"))
    client.post(reverse("identity:sign_in"), {"email": EMAIL, "password": WRONG_PASSWORD})
    response = client.post(reverse("identity:sign_in"), {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    member = Membership.objects.get(user__email=EMAIL)
    account = make_account(member, "Everyday")
    response = client.post(
        reverse("ledger:transaction_create"),
        {
            "kind": "expense",
            "date": "2026-11-10",
            "amount": AMOUNT,
            "account": account.pk,
            "category": "",
            "payee": PAYEE,
            "tags": "",
            "note": MEMO,
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("ledger:transactions"))
    assert "98,765.43" in listing.content.decode()  # the page shows it; the logs must not

    text = "\n".join(log_lines.text)
    secrets = [PASSWORD, WRONG_PASSWORD, EMAIL, "quentin.observer", MEMO, "Ottoline", PAYEE,
               "Faberg", code, *AMOUNT_SPELLINGS]  # fmt: skip
    assert [secret for secret in secrets if secret in text] == []
    requests = log_lines.requests()
    assert [line["route"] for line in requests] == [
        "identity:sign_up",
        "identity:confirm",
        "identity:sign_out",
        "identity:sign_in",
        "identity:sign_in",
        "ledger:transaction_create",
        "ledger:transactions",
    ]
    for line in requests:
        assert_valid_emf(line)
    assert log_lines.metrics("SignInFailures")
    assert log_lines.of("spendwise.db.slow")  # the statements were logged, without values
