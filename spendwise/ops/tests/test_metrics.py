"""Metrics in CloudWatch's Embedded Metric Format: requests, sign-in failures, imported rows."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from spendwise.errors import DomainError
from spendwise.households.models import Membership
from spendwise.imports import actions as imports
from spendwise.ledger.models import Account
from spendwise.ops.tests.log_capture import LogLines, assert_valid_emf

pytestmark = pytest.mark.django_db

STATEMENTS = Path(__file__).resolve().parents[2] / "imports" / "tests" / "files"


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this page is broken")


# Only for the test that needs a page failing with a 500 (@pytest.mark.urls(__name__)).
urlpatterns = [path("broken/", broken_view, name="broken")]


def test_the_request_line_is_an_emf_document_by_route_and_status_class(
    owner_client: Client, log_lines: LogLines
):
    before = int(time.time() * 1000)
    owner_client.get(reverse("ledger:transactions"))

    [line] = log_lines.requests()
    assert_valid_emf(line)
    meta = line["_aws"]
    assert before <= meta["Timestamp"] <= int(time.time() * 1000)
    assert meta["CloudWatchMetrics"] == [
        {
            "Namespace": "SpendWise",
            "Dimensions": [["Route", "StatusClass"], ["StatusClass"]],
            "Metrics": [
                {"Name": "Requests", "Unit": "Count"},
                {"Name": "Latency", "Unit": "Milliseconds"},
            ],
        }
    ]
    assert (line["Route"], line["StatusClass"]) == ("ledger:transactions", "2xx")
    assert line["Requests"] == 1
    assert line["Latency"] == line["duration_ms"]


def test_it_counts_refused_and_unknown_requests_as_4xx(client: Client, log_lines: LogLines):
    client.get("/no/such/page/")
    client.post(reverse("identity:sign_out"))  # signed out: redirected
    client.get(reverse("identity:sign_out"))  # GET is refused

    found = [(line["Route"], line["StatusClass"]) for line in log_lines.requests()]
    assert found == [
        ("unmatched", "4xx"),
        ("identity:sign_out", "3xx"),
        ("identity:sign_out", "4xx"),
    ]


@pytest.mark.urls(__name__)
def test_it_counts_a_failing_page_as_5xx(log_lines: LogLines):
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    [line] = log_lines.requests()
    assert_valid_emf(line)
    assert (line["Route"], line["StatusClass"], line["status"]) == ("broken", "5xx", 500)
    [error] = log_lines.of("django.request")
    assert "RuntimeError: this page is broken" in error["exception"]
    assert error["request_id"] == line["request_id"]


def test_it_adds_the_environment_dimension_when_configured(
    settings, owner_client: Client, log_lines: LogLines
):
    settings.METRICS_ENVIRONMENT = "prod"
    owner_client.get(reverse("ledger:transactions"))

    [line] = log_lines.requests()
    assert_valid_emf(line)
    assert line["Environment"] == "prod"
    assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["Route", "StatusClass", "Environment"],
        ["StatusClass", "Environment"],
    ]


def test_it_can_leave_out_the_per_route_metrics(
    settings, owner_client: Client, log_lines: LogLines
):
    settings.METRICS_BY_ROUTE = False
    owner_client.get(reverse("ledger:transactions"))

    [line] = log_lines.requests()
    assert_valid_emf(line)
    assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["StatusClass"]]
    assert line["route"] == "ledger:transactions"  # still on the line for Logs Insights


def test_it_writes_no_metrics_when_turned_off(
    settings, client: Client, owner: Membership, checking: Account, log_lines: LogLines
):
    settings.METRICS_ENABLED = False
    client.get("/healthz")
    client.post(reverse("identity:sign_in"), {"email": "owner@example.com", "password": "wrong"})
    draft = imports.draft_create(
        actor=owner,
        account=checking,
        file_name="checking.ofx",
        content=(STATEMENTS / "checking.ofx").read_bytes(),
    )
    imports.import_commit(actor=owner, draft=draft)

    assert log_lines.requests()
    assert [line for line in log_lines.parsed() if "_aws" in line] == []


def test_it_counts_failed_sign_ins_and_wrong_codes(client: Client, owner, log_lines: LogLines):
    client.post(reverse("identity:sign_in"), {"email": "owner@example.com", "password": "nope"})
    client.post(reverse("identity:sign_in"), {"email": "nobody@example.com", "password": "x"})
    client.post(
        reverse("identity:sign_up"),
        {"email": "new@example.com", "password": "violet-teapot-marathon-42"},
    )
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    client.post(reverse("identity:confirm"), {"email": "new@example.com", "code": wrong})

    failures = log_lines.metrics("SignInFailures")
    assert [line["Step"] for line in failures] == ["sign_in", "sign_in", "code"]
    for line in failures:
        assert_valid_emf(line)
        assert line["SignInFailures"] == 1
        assert line["logger"] == "spendwise.metrics"
        assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Step"]]
        assert line["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
            {"Name": "SignInFailures", "Unit": "Count"}
        ]
    # Each failure is logged inside its request: the same id as the request's own line.
    requests = log_lines.requests()
    assert failures[0]["request_id"] == requests[0]["request_id"]
    assert "nobody@example.com" not in "\n".join(log_lines.text)


def test_a_successful_sign_in_is_not_counted(client: Client, owner, log_lines: LogLines):
    from spendwise.testing.factories import PASSWORD

    response = client.post(
        reverse("identity:sign_in"), {"email": "owner@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert log_lines.metrics("SignInFailures") == []


def test_it_counts_the_rows_of_a_committed_import(
    owner: Membership, checking: Account, log_lines: LogLines
):
    draft = imports.draft_create(
        actor=owner,
        account=checking,
        file_name="checking.ofx",
        content=(STATEMENTS / "checking.ofx").read_bytes(),
    )
    batch = imports.import_commit(actor=owner, draft=draft)

    [line] = log_lines.metrics("ImportRows")
    assert_valid_emf(line)
    assert line["ImportRows"] == batch.rows_imported == 4
    assert line["Format"] == "ofx"
    assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Format"]]
    assert line["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "ImportRows", "Unit": "Count"}
    ]


def test_a_refused_import_is_not_counted(owner: Membership, checking: Account, log_lines: LogLines):
    draft = imports.draft_create(
        actor=owner,
        account=checking,
        file_name="checking.ofx",
        content=(STATEMENTS / "checking.ofx").read_bytes(),
    )
    imports.import_commit(actor=owner, draft=draft)
    with pytest.raises(DomainError):
        imports.import_commit(actor=owner, draft=draft)

    assert len(log_lines.metrics("ImportRows")) == 1
