"""The installable app: web app manifest, service worker and offline page. No sign-in needed:
none of them shows anything of a household."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import condition, require_GET

from spendwise.pwa.precache import WORKER_SOURCE, static_precache

# Browser chrome around the app: the header's colour (app.css --surface), light and dark.
THEME_COLOR_LIGHT = "#ffffff"
THEME_COLOR_DARK = "#111827"
BACKGROUND_COLOR = "#f8fafc"  # app.css --bg (light): the splash screen while the app starts
API_PREFIX = "/api/"


def web_app_manifest() -> dict[str, Any]:
    """The manifest's members (https://www.w3.org/TR/appmanifest/), icon URLs hashed."""
    return {
        "id": "/",
        "name": "SpendWise",
        "short_name": "SpendWise",
        "description": gettext("Track, understand and control your personal finances."),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR_LIGHT,
        "background_color": BACKGROUND_COLOR,
        "categories": ["finance"],
        "icons": [
            {"src": static("pwa/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pwa/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        web_app_manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def _worker_etag(request: HttpRequest) -> str:
    return static_precache().version


def service_worker_source() -> str:
    """The worker's JavaScript: its configuration line, then ``service_worker.js``."""
    precache = static_precache()
    config = {
        "version": precache.version,
        "precache": precache.urls,
        "offline": reverse("pwa:offline"),
        "static": settings.STATIC_URL,
        "api": API_PREFIX,
    }
    return f"var CONFIG = {json.dumps(config, indent=2)};\n" + WORKER_SOURCE.read_text()


@require_GET
@condition(etag_func=_worker_etag)
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(service_worker_source(), content_type="text/javascript; charset=utf-8")
    # Browsers must ask every time (an unchanged worker costs a 304), or a deploy goes unseen.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the worker when a page cannot be fetched. Stored in the browser's cache, so it
    is the same for everyone: no names, no money, no CSRF token."""
    return render(request, "pwa/offline.html")
