"""The role matrix, enumerated: every URL of the pages and every API operation that writes
(POST/PUT/PATCH/DELETE) refuses a viewer with 403 (or 404/405) and leaves every table as it was.

Nothing is listed by hand except the exceptions: a new page or operation is walked as soon as
it exists (the pages from Django's resolver, the API from its OpenAPI schema), so it is covered
the day it is added. What a viewer may legitimately do is what is only theirs — their
sign-in, profile, language, MFA, tokens, notices, which household they look at, leaving a
household, accepting an invitation: those are in ``ALLOWED_FOR_VIEWER`` with the reason, and
still must not touch the household's money data.

Also here: members (not owners) cannot manage members, and a removed member loses access on
the very next request, on the pages and in the API.
"""

from __future__ import annotations

import io
import json
from typing import Any
from zipfile import ZipFile

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from spendwise.api.actions import token_create
from spendwise.api.tests import test_api_isolation as api_world
from spendwise.households.models import Membership
from spendwise.testing.factories import join, make_member
from spendwise.tests import test_isolation as page_world

pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}

# URL name → why a viewer may POST to it.
ALLOWED_FOR_VIEWER: dict[str, str] = {
    "identity:sign_in": "signing in (a signed-in visitor is sent on)",
    "identity:sign_up": "signing up (a signed-in visitor is sent on)",
    "identity:sign_out": "signing out of their own session",
    "identity:confirm": "confirming their own e-mail address",
    "identity:resend_code": "a new confirmation code for their own e-mail",
    "identity:forgot_password": "their own password reset",
    "identity:reset_password": "their own password reset",
    "identity:settings": "their own profile: name, time zone, language, currency",
    "set_language": "their own language",
    "tokens:index": "their own API tokens (a viewer's are read-only)",
    "tokens:revoke": "revoking their own API token",
    "notifications:mark_all_read": "their own read marks",
    "portability:delete_account": "deleting their own account (after re-entering the password)",
    "portability:export": "a copy of what they may read",
    "portability:export_archive": "a copy of what they may read",
    "households:switch": "which of their households they look at",
    "households:create": "a new household of their own",
    "households:leave": "leaving a household",
    "households:accept": "accepting an invitation sent to them",
    "mfa:setup": "their own second factor",
    "mfa:disable": "their own second factor",
    "mfa:recovery_codes": "their own recovery codes",
    "mfa:regenerate_recovery_codes": "their own recovery codes",
    "mfa:security": "their own security settings",
    "mfa:sign_in_code": "their own sign-in challenge",
    "audit:security_log": "their own security log",
}

# (method, path) → why a viewer may call it.
API_ALLOWED_FOR_VIEWER: dict[tuple[str, str], str] = {
    ("patch", "/api/v1/me"): "their own profile",
    ("post", "/api/v1/tokens"): "their own API tokens (read-only for a viewer)",
    ("delete", "/api/v1/tokens/{token_id}"): "revoking their own API token",
    ("post", "/api/v1/notifications/read"): "their own read marks",
    ("post", "/api/v1/households"): "a new household of their own",
    ("post", "/api/v1/household/leave"): "leaving a household",
    ("post", "/api/v1/invitations/accept"): "accepting an invitation sent to them",
}

# Pages that answer a POST as a GET (they only read): a viewer gets the page, nothing is written.
READS_ON_POST: dict[str, str] = {}

# Tables that record the request rather than anyone's data: rate-limit windows, sessions,
# idempotency keys, sign-in failures, and the audit/security trail of the attempt itself.
BOOKKEEPING = {
    "sessions.Session",
    "api.RateWindow",
    "api.IdempotencyRecord",
    "identity.AuthFailure",
    "audit.AuditEntry",
    "audit.SecurityEvent",
}
# What a viewer may change when a route is theirs (ALLOWED_FOR_VIEWER): never money data.
PERSONAL = {
    "identity.User",
    "identity.ConfirmationCode",
    "api.ApiToken",
    "notifications.Notification",
    "households.Household",
    "households.Membership",
    "ledger.Category",  # a new household's default categories (its own household)
    "mfa.TotpDevice",
    "mfa.RecoveryCode",
}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-27 12:00:00+00:00", tick=True):
        yield


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):
    settings.FILE_STORAGE = "local"
    settings.FILE_STORAGE_DIR = tmp_path / "files"


def row_counts(*, leave_out: set[str] = frozenset()) -> dict[str, int]:  # type: ignore[assignment]
    """Rows of every model of every app (and every many-to-many table)."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in BOOKKEEPING or label in leave_out:
            continue
        counts[label] = model._default_manager.count()
    return counts


def all_rows(household: Any) -> dict[str, Any]:
    """The owner's household as the isolation test sees it, row by row (values, not counts)."""
    return page_world.snapshot(household)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", "{}")
    return buffer.getvalue()


def page_payload(world: dict[str, Any]) -> dict[str, Any]:
    """A form that would be valid for a writer, whatever the page: the isolation test's, plus
    the fields of the forms that have other names (accounts' kinds, members, settle-up), and
    fresh uploads (a file is read once)."""
    settlement = world["settlement"]
    return {
        **page_world.hostile_payload(world),
        "email": "someone@example.com",
        "role": "owner",
        "payer": str(settlement.payer_id),
        "payee": str(settlement.payee_id),
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "file": SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n" + bytes(32)),
        "archive": SimpleUploadedFile("export.zip", _zip(), content_type="application/zip"),
    }


# The same field means different things on a few pages.
PAYLOAD_FOR: dict[str, dict[str, str]] = {
    "ledger:account_create": {"kind": "checking"},
    "ledger:account_edit": {"kind": "checking"},
}


def client_of(member: Membership) -> Client:
    client = Client()
    client.force_login(member.user)
    session = client.session
    session["household_id"] = member.household_id
    session.save()
    return client


# --- pages --------------------------------------------------------------------------------------
def page_urls() -> list[str]:
    return sorted(name for name, _ in page_world.url_patterns())


def _url(name: str, world: dict[str, Any]) -> str:
    pattern = dict(page_world.url_patterns())[name]
    params = list(pattern.pattern.regex.groupindex)
    if not params:
        return reverse(name)
    if name not in page_world.TARGETS:
        pytest.fail(f"Add {name} to TARGETS in spendwise/tests/test_isolation.py")
    (param,) = params
    return reverse(name, kwargs={param: world[page_world.TARGETS[name]].pk})


def test_every_allowed_route_exists():
    """An exception for a route that is gone would hide nothing, but would rot."""
    names = set(page_urls())
    stale = {name for name in ALLOWED_FOR_VIEWER if name not in names}
    # Other engineers' apps may not be installed in every checkout; only ours must exist.
    assert not {n for n in stale if n.split(":")[0] in {"households", "identity", "tokens"}}


@pytest.mark.parametrize("url_name", page_urls())
def test_a_viewer_cannot_write_through_any_page(url_name, owner, viewer):
    world = page_world.build_world(owner)
    url = _url(url_name, world)
    client = client_of(viewer)

    def payload() -> dict[str, Any]:
        return {**page_payload(world), **PAYLOAD_FOR.get(url_name, {})}

    before_rows = all_rows(owner.household)
    if url_name in ALLOWED_FOR_VIEWER:
        before = row_counts(leave_out=PERSONAL)
        answers = [client.post(url, payload()).status_code]
        assert all(status < 500 for status in answers), answers
        assert row_counts(leave_out=PERSONAL) == before
        return
    before = row_counts()
    answers = [
        client.post(url, payload()).status_code,
        client.post(url, payload(), HTTP_HX_REQUEST="true").status_code,
    ]
    allowed = {200, 403, 404, 405} if url_name in READS_ON_POST else {403, 404, 405}
    assert set(answers) <= allowed, (url_name, answers)
    assert row_counts() == before
    assert all_rows(owner.household) == before_rows


# --- the API ------------------------------------------------------------------------------------
def unsafe_operations() -> list[tuple[str, str]]:
    return api_world.unsafe_operations()


def _api_call(client: Client, method: str, path: str, world: dict[str, Any]) -> Any:
    url = path
    query: list[str] = []
    for param in api_world.operation(method, path).get("parameters", []):
        name = param["name"]
        if param["in"] == "path":
            url = url.replace(f"{{{name}}}", str(world[api_world.OBJECTS[name]].pk))
        elif name in api_world.OBJECTS:
            query.append(f"{name}={world[api_world.OBJECTS[name]].pk}")
        elif param.get("required"):
            query.append(f"{name}={api_world.plausible(name, param['schema'], world)}")
    body = api_world.plausible_body(method, path, world)
    if api_world.is_multipart(method, path):
        form = {k: v for k, v in (body or {}).items() if v is not None and k != "file"}
        form["file"] = SimpleUploadedFile("statement.csv", api_world.STATEMENT)
        return client.post(url, form)
    return client.generic(
        method.upper(),
        f"{url}?{'&'.join(query)}" if query else url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def test_every_allowed_api_operation_exists():
    known = set(unsafe_operations())
    mine = {op for op in API_ALLOWED_FOR_VIEWER if "household" in op[1] or "invitation" in op[1]}
    assert mine <= known


@pytest.mark.parametrize("op", unsafe_operations(), ids=api_world.ids)
def test_a_viewer_cannot_write_through_any_api_operation(op, owner):
    """With the browser session (the token's case is in test_api_isolation.py)."""
    world = api_world.build_world(owner)
    viewer = page_world_viewer(owner)
    client = client_of(viewer)
    if op in API_ALLOWED_FOR_VIEWER:
        before = row_counts(leave_out=PERSONAL)
        response = _api_call(client, op[0], op[1], world)
        assert response.status_code < 500, response.content
        assert row_counts(leave_out=PERSONAL) == before
        return
    before = row_counts()
    response = _api_call(client, op[0], op[1], world)
    assert response.status_code in (403, 404), (op, response.status_code, response.content)
    assert response.json()["code"] in ("forbidden", "not_found")
    assert row_counts() == before


def page_world_viewer(owner: Membership) -> Membership:
    from spendwise.testing.factories import add_viewer

    return add_viewer(owner)


# --- members and removal ------------------------------------------------------------------------
MANAGE_MEMBERS = [
    "households:invite",
    "households:invitation_revoke",
    "households:member_role",
    "households:member_remove",
]


@pytest.mark.parametrize("url_name", MANAGE_MEMBERS)
def test_a_member_cannot_manage_members(url_name, owner):
    world = page_world.build_world(owner)
    member = join(owner, make_member("member@example.com"))
    before = row_counts()
    response = client_of(member).post(
        _url(url_name, world), {"email": "x@example.com", "role": "owner"}
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_a_removed_member_loses_access_at_once(owner, owner_client):
    world = page_world.build_world(owner)
    member = join(owner, make_member("member@example.com"))
    client = client_of(member)
    token = token_create(actor=member, name="script", scope="read_write")[1]
    object_urls = [
        _url(name, world)
        for name in page_world.object_urls()
        if not name.startswith("households:accept") and name in page_world.TARGETS
    ]
    assert (
        client.get(reverse("ledger:account_detail", args=[world["account"].pk])).status_code == 200
    )

    assert (
        owner_client.post(reverse("households:member_remove", args=[member.pk])).status_code == 302
    )

    for url in object_urls:
        assert client.get(url).status_code in (404, 405), url
    dashboard = client.get(reverse("web:dashboard"))
    assert page_world.SECRET not in dashboard.content.decode()
    api = Client()
    assert api.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert (
        client.get(
            f"/api/v1/accounts/{world['account'].pk}", HTTP_X_HOUSEHOLD=str(owner.household_id)
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/accounts/{world['account'].pk}").status_code == 404
