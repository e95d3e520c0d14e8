"""Schemathesis over the whole OpenAPI schema, in-process through the WSGI application.

For every operation it sends valid and invalid parameters and bodies (Hypothesis), as a
read-write token of a household with data, and checks that nothing answers 5xx, that every
answer's status is documented and that every body matches its documented schema: "never a
500 for any input". Ids in paths and bodies are swapped for the household's real ones, so
the handlers get past their loaders and meet the generated values.

Bounded to stay fast: ``MAX_EXAMPLES`` per operation, no shrinking, no example database.
A failure prints the request that reproduces it (``curl``-like).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from spendwise.api.actions import token_create
from spendwise.api.main import api
from spendwise.api.tests.test_api_isolation import (
    OBJECTS,
    body_schema,
    build_world,
    operation,
    operations,
    plausible_body,
    resolve,
)
from spendwise.households.models import Membership
from spendwise.wsgi import application

# A deeper hunt: SPENDWISE_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest …/test_api_fuzz.py
MAX_EXAMPLES = int(os.environ.get("SPENDWISE_FUZZ_EXAMPLES", "15"))

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application  # calls go through the WSGI application, in this process


@pytest.fixture
def world(owner: Membership, settings: Any) -> Iterator[dict[str, Any]]:
    """The owner's household with one of everything, and a read-write token for it.

    The requests run in this thread on the test's database connection: Django would close
    that connection after each request (the test client avoids it the same way).
    """
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
            objects = build_world(owner)
            objects["token"] = token_create(actor=owner, name="fuzz", scope="read_write")[1]
            yield objects
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# A schedule may start at most a year back: move generated dates into the years around
# "today" (2026-11-27), keeping their month and day, so schedules get created and run.
SCHEDULE_YEARS = {"start_date": "2027", "end_date": "2028"}


def steer(case: schemathesis.Case, world: dict[str, Any]) -> None:
    """Point integer ids at the household's objects, and schedule dates near today, so the
    handlers get past their loaders and meet the generated values (anything not an integer
    or not a date stays as generated: it must be a 4xx)."""
    for name, value in list((case.path_parameters or {}).items()):
        if name in OBJECTS and (isinstance(value, int) or str(value).isdigit()):
            case.path_parameters[name] = world[OBJECTS[name]].pk
    if not isinstance(case.body, dict):
        return
    for name, value in list(case.body.items()):
        if name in OBJECTS and isinstance(value, int) and not isinstance(value, bool):
            case.body[name] = world[OBJECTS[name]].pk
        elif name in SCHEDULE_YEARS and isinstance(value, str) and len(value) == 10:
            case.body[name] = SCHEDULE_YEARS[name] + value[4:]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gets_a_server_error_or_an_undocumented_answer(
    case: schemathesis.Case, world: dict[str, Any]
) -> None:
    steer(case, world)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )


# --- NUL characters -----------------------------------------------------------------------------
# PostgreSQL refuses a NUL in text, and random text rarely holds one: every string input of
# every operation gets one, deterministically.
def _is_text(node: dict[str, Any]) -> bool:
    options = [resolve(option) for option in node.get("anyOf", [node])]
    return any(
        o.get("type") == "string" or resolve(o.get("items", {})).get("type") == "string"
        for o in options
    )


def text_inputs() -> list[tuple[str, str, str, str]]:
    """(method, path, "query" or "body", name) of every string parameter and body field."""
    found = []
    for method, path in operations():
        for param in operation(method, path).get("parameters", []):
            if param["in"] == "query" and _is_text(param["schema"]):
                found.append((method, path, "query", param["name"]))
        schema = body_schema(method, path) or {}
        for name, node in schema.get("properties", {}).items():
            if _is_text(resolve(node)):
                found.append((method, path, "body", name))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", text_inputs(), ids=lambda t: f"{t[0].upper()} {t[1]} {t[2]}.{t[3]}"
)
def test_a_nul_character_in_any_text_is_a_4xx(target: tuple[str, str, str, str], world):
    method, path, where, name = target
    url = path
    for param in operation(method, path).get("parameters", []):
        if param["in"] == "path":
            url = url.replace(f"{{{param['name']}}}", str(world[OBJECTS[param["name"]]].pk))
    body = plausible_body(method, path, world)
    query = ""
    if where == "query":
        query = "?" + urlencode({name: "a\x00b"})
    else:
        assert body is not None
        body[name] = ["a\x00b"] if isinstance(body.get(name), list) else "a\x00b"
    response = Client().generic(
        method.upper(),
        url + query,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['token']}",
    )
    assert 400 <= response.status_code < 500, response.content
