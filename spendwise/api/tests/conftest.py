"""A JSON client for the API tests: the owner's read-write token on every request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from spendwise.api.actions import token_create
from spendwise.households.models import Membership

API = "/api/v1"


class ApiClient:
    """``client.get("/budgets", month="2026-11")``; bodies are sent as JSON."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{API}{path}", params, **self.headers)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return self.client.generic(
            method, f"{API}{path}", data, content_type="application/json", **self.headers
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self.send("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.send("PUT", path, body)

    def delete(self, path: str) -> Any:
        return self.send("DELETE", path)


def api_client(member: Membership, scope: str = "read_write") -> ApiClient:
    return ApiClient(token_create(actor=member, name="tests", scope=scope)[1])


@pytest.fixture
def api(owner: Membership) -> ApiClient:
    return api_client(owner)
