"""The service worker: served from the root, never cached by HTTP, precaches the hashed assets
the pages use, and the offline page it falls back to."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from spendwise.pwa import precache as precache_module
from spendwise.pwa.precache import static_precache
from spendwise.pwa.views import service_worker_source
from spendwise.testing.factories import make_account, make_entry

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production uses whitenoise's subclass (compression on top); the manifest is the same.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def worker_config(source: str) -> dict:
    first_line, _rest = source.split(";\n", 1)
    config: dict = json.loads(first_line.removeprefix("var CONFIG = "))
    return config


def assets_of(page: str) -> set[str]:
    """The stylesheet and script URLs a page references."""
    return set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)) | set(
        re.findall(r'<script src="([^"]+)"', page)
    )


def test_it_serves_the_worker_from_the_root_uncached_by_http(client: Client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert reverse("pwa:service_worker") == "/sw.js"  # scope "/" without Service-Worker-Allowed
    assert "Service-Worker-Allowed" not in response


def test_an_unchanged_worker_costs_a_304(client: Client):
    etag = client.get("/sw.js")["ETag"]

    again = client.get("/sw.js", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert static_precache().version in etag


def test_its_precache_holds_the_hashed_css_and_js_the_dashboard_uses(
    owner, owner_client: Client, tmp_path
):
    checking = make_account(owner, "Checking", opening=100_000)
    make_entry(owner, checking, 4550, category_name="Groceries")
    (tmp_path / "static").mkdir()
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
        page = owner_client.get(reverse("web:dashboard")).content.decode()
        config = worker_config(owner_client.get("/sw.js").content.decode())
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())

    assets = assets_of(page)
    hashed = {"/static/" + manifest["paths"][name] for name in manifest["paths"]}
    assert {
        "/static/" + manifest["paths"]["css/app.css"],
        "/static/" + manifest["paths"]["js/app.js"],
        "/static/" + manifest["paths"]["vendor/htmx.min.js"],
        "/static/" + manifest["paths"]["pwa/register.js"],
    } <= assets
    assert assets <= set(config["precache"])
    assert set(config["precache"]) <= hashed  # only hashed names: they can be cached for ever
    assert not any(url.endswith(".map") for url in config["precache"])
    assert config["offline"] == "/offline/"


def test_a_deployed_precache_is_worked_out_once_per_process(tmp_path, monkeypatch):
    (tmp_path / "static").mkdir()
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
        first = static_precache()
        # Hashed files cannot change under a running process: no second read of anything.
        monkeypatch.setattr(precache_module, "_compute", pytest.fail)
        again = static_precache()

    assert again is first
    assert any(url.startswith("/static/css/app.") for url in first.urls)


def test_a_changed_asset_changes_the_cache_version(tmp_path, settings):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    stylesheet = source / "css" / "extra.css"
    stylesheet.write_text("p { color: red; }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, source]
    before = static_precache()

    stylesheet.write_text("p { color: blue; }")
    after = static_precache()

    assert "/static/css/extra.css" in after.urls
    assert before.version != after.version


def test_it_keeps_static_files_and_the_offline_page_and_nothing_else():
    source = service_worker_source()
    config = worker_config(source)

    assert config["static"] == "/static/"
    assert config["api"] == "/api/"
    # Only static responses are ever put in the cache; pages are network-only.
    assert source.count("cache.put(") == 1
    assert 'request.method !== "GET"' in source


def test_the_offline_page_renders_without_anything_personal(owner, owner_client: Client):
    checking = make_account(owner, "Checking", opening=123_456)

    response = owner_client.get(reverse("pwa:offline"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in page
    assert "Try again" in page
    assert "csrfmiddlewaretoken" not in page and "X-CSRFToken" not in page
    assert checking.name not in page and "1,234.56" not in page
    assert owner.user.email not in page


def test_pages_allow_our_own_worker_and_manifest(client: Client):
    policy = client.get(reverse("identity:sign_in"))["Content-Security-Policy"]

    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_pages_load_the_registration_script_with_the_workers_url(client: Client):
    page = client.get(reverse("identity:sign_in")).content.decode()

    assert (
        '<script src="/static/pwa/register.js" data-service-worker="/sw.js" defer></script>' in page
    )
