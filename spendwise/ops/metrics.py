"""Metrics as log lines in CloudWatch's Embedded Metric Format (EMF): CloudWatch Logs turns
each line into metric values in the ``SpendWise`` namespace, so no agent and no PutMetricData.

A line is an ordinary JSON log line (``spendwise.ops.logging.JsonFormatter``) with an ``_aws``
member that names the metrics and dimensions, and those as top-level members::

    {"time": …, "logger": "spendwise.request", …, "Route": "ledger:transactions",
     "StatusClass": "2xx", "Requests": 1, "Latency": 12.5,
     "_aws": {"Timestamp": 1767225600000, "CloudWatchMetrics": [{"Namespace": "SpendWise",
       "Dimensions": [["Route", "StatusClass"], ["StatusClass"]],
       "Metrics": [{"Name": "Requests", "Unit": "Count"},
                   {"Name": "Latency", "Unit": "Milliseconds"}]}]}}

The request metrics ride on the request's own log line (one ``json.dumps`` per request); the
others are lines of their own on the ``spendwise.metrics`` logger. ``METRICS_ENABLED`` turns
them all off, ``METRICS_BY_ROUTE`` the per-route request metrics; ``METRICS_ENVIRONMENT`` adds
an ``Environment`` dimension to every metric.
Metric names, units and dimensions are listed in docs/observability.md.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

NAMESPACE = "SpendWise"

logger = logging.getLogger("spendwise.metrics")


def _members(
    dimensions: dict[str, str],
    values: dict[str, tuple[float, str]],
    dimension_sets: list[list[str]],
) -> dict[str, Any]:
    """The EMF members: dimension values, metric values (name → (value, unit)), ``_aws``."""
    environment = settings.METRICS_ENVIRONMENT
    if environment:
        dimensions = {**dimensions, "Environment": environment}
        dimension_sets = [[*names, "Environment"] for names in dimension_sets]
    members: dict[str, Any] = dict(dimensions)
    members.update((name, value) for name, (value, _) in values.items())
    members["_aws"] = {
        "Timestamp": int(time.time() * 1000),
        "CloudWatchMetrics": [
            {
                "Namespace": NAMESPACE,
                "Dimensions": dimension_sets,
                "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in values.items()],
            }
        ],
    }
    return members


def status_class(status: int) -> str:
    """``"2xx"``, ``"4xx"``, ``"5xx"`` … for an HTTP status code."""
    return f"{status // 100}xx"


def request(*, route: str, status: int, duration_ms: float) -> dict[str, Any]:
    """``Requests`` (Count) and ``Latency`` (Milliseconds) by ``Route`` and ``StatusClass``
    (unless ``METRICS_BY_ROUTE`` is off), and by ``StatusClass`` alone, for alarms over the
    whole site: the members to add to the request's log line, or ``{}`` when metrics are off."""
    if not settings.METRICS_ENABLED:
        return {}
    by_route = [["Route", "StatusClass"]] if settings.METRICS_BY_ROUTE else []
    return _members(
        {"Route": route, "StatusClass": status_class(status)},
        {"Requests": (1, "Count"), "Latency": (duration_ms, "Milliseconds")},
        [*by_route, ["StatusClass"]],
    )


def sign_in_failure(*, step: str) -> None:
    """One ``SignInFailures`` (Count) by ``Step``: ``sign_in`` (a wrong e-mail or password,
    also when confirming the password before a dangerous action) or ``code`` (a wrong e-mailed
    confirmation or reset code)."""
    if not settings.METRICS_ENABLED:
        return
    members = _members({"Step": step}, {"SignInFailures": (1, "Count")}, [["Step"]])
    logger.info("sign-in failure", extra=members)


def import_rows(*, rows: int, file_format: str) -> None:
    """``ImportRows`` (Count): transactions written by one committed import, by ``Format``
    (``csv``, ``ofx``, ``qif`` …)."""
    if not settings.METRICS_ENABLED:
        return
    members = _members({"Format": file_format}, {"ImportRows": (rows, "Count")}, [["Format"]])
    logger.info("import committed", extra=members)
