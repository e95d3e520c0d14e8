"""Helpers for the tests of the logs: the lines a test produced, formatted exactly as production
writes them (LOG_FORMAT=json), and a check of the Embedded Metric Format."""

from __future__ import annotations

import json
import logging
from typing import Any

from spendwise.ops.logging import JsonFormatter

# The units CloudWatch accepts for a metric (the EMF specification's MetricDefinition.Unit).
EMF_UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
}  # fmt: skip


class LogLines(logging.Handler):
    """Every record reaching the root logger, as the JSON line the console handler writes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(self.format(record))

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text]

    def of(self, logger: str) -> list[dict[str, Any]]:
        return [line for line in self.parsed() if line["logger"] == logger]

    def requests(self) -> list[dict[str, Any]]:
        return self.of("spendwise.request")

    def metrics(self, name: str) -> list[dict[str, Any]]:
        """The lines that carry the metric ``name`` in their EMF metadata."""
        return [
            line
            for line in self.parsed()
            if any(
                metric["Name"] == name
                for directive in line.get("_aws", {}).get("CloudWatchMetrics", [])
                for metric in directive["Metrics"]
            )
        ]


def assert_valid_emf(line: dict[str, Any]) -> None:
    """``line`` follows CloudWatch's Embedded Metric Format specification: an ``_aws`` object
    with an integer millisecond ``Timestamp`` and metric directives whose dimensions are
    top-level strings and whose metrics are top-level numbers with a known unit."""
    meta = line["_aws"]
    assert isinstance(meta["Timestamp"], int)
    assert meta["Timestamp"] > 1_600_000_000_000  # milliseconds, not seconds
    assert meta["CloudWatchMetrics"]
    for directive in meta["CloudWatchMetrics"]:
        assert directive["Namespace"] == "SpendWise"
        for dimension_set in directive["Dimensions"]:
            assert 1 <= len(dimension_set) <= 30
            for name in dimension_set:
                value = line[name]
                assert isinstance(value, str) and value.strip() and value.isascii(), name
        assert 1 <= len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            assert set(metric) <= {"Name", "Unit", "StorageResolution"}
            assert metric["Unit"] in EMF_UNITS
            value = line[metric["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool)
