"""The month-start load scenario (bench/load/locustfile.py) requests only URLs that exist.

bench/ is outside the test paths, so without this a renamed URL would only show up as 404s in
the next ``make bench-load``. The locustfile is imported in a child interpreter: importing
Locust monkey-patches the standard library with gevent, which must not leak into this process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve, reverse

from bench.load.forms import post_form

ROOT = Path(__file__).resolve().parents[3]

DESCRIBE = """
import json, inspect
from bench.load import locustfile as lf
tasks = {t.__name__: t.locust_task_weight for t in lf.MonthStartUser.tasks}
print(json.dumps({"routes": lf.ROUTES, "weights": lf.WEIGHTS, "reports": lf.REPORTS,
                  "tasks": tasks}))
"""


@pytest.fixture(scope="module")
def scenario() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    described: dict = json.loads(result.stdout.strip().splitlines()[-1])
    return described


def test_it_requests_only_paths_that_resolve_to_the_named_url(scenario: dict) -> None:
    for name, path in scenario["routes"].items():
        assert resolve(path).view_name == name, path
        parameter = [1] if "/drafts/" in path else []
        assert reverse(name, args=parameter) == path


def test_it_weights_every_task_as_declared(scenario: dict) -> None:
    assert scenario["tasks"] == scenario["weights"]
    # A month start: the dashboard is the most opened page, the import the least.
    weights = scenario["weights"]
    assert max(weights, key=weights.get) == "dashboard"
    assert weights["import_statement"] == min(weights.values())
    assert set(scenario["reports"]) <= set(scenario["routes"])


def test_it_fills_a_form_as_the_browser_would() -> None:
    html = """
    <form method="post" action="/sign-out/"><input name="csrfmiddlewaretoken" value="x"></form>
    <form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="email" value="a@b.c"><input type="checkbox" name="keep" checked>
      <input type="checkbox" name="skip"><button name="go" type="submit">Go</button>
      <select name="category"><option value="">None</option>
        <optgroup label="Expense"><option value="3" selected>Food</option></optgroup>
        <optgroup label="Income"><option value="9">Salary</option></optgroup></select>
    </form>"""
    form = post_form(html)
    assert form is not None
    assert form.data() == {
        "csrfmiddlewaretoken": "t",
        "email": "a@b.c",
        "keep": "on",
        "category": "3",
    }
    assert form.options["category"] == [("", ""), ("Expense", "3"), ("Income", "9")]
    sign_out = post_form(html, "/sign-out/")
    assert sign_out is not None
    assert sign_out.data() == {"csrfmiddlewaretoken": "x"}
