"""The web app manifest and its icons: what a browser needs to offer "Install SpendWise"."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from spendwise.pwa import icons

pytestmark = pytest.mark.django_db


def test_it_serves_the_manifest_with_its_own_content_type(client: Client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "SpendWise"
    assert manifest["short_name"] == "SpendWise"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#ffffff"
    assert manifest["background_color"] == "#f8fafc"


def test_it_lists_png_icons_of_192_and_512_pixels_a_maskable_one_and_an_svg(client: Client):
    manifest = client.get(reverse("pwa:manifest")).json()

    described = {
        (icon["sizes"], icon["type"], icon.get("purpose", "any")): icon["src"]
        for icon in manifest["icons"]
    }
    assert set(described) == {
        ("any", "image/svg+xml", "any"),
        ("192x192", "image/png", "any"),
        ("512x512", "image/png", "any"),
        ("512x512", "image/png", "maskable"),
    }
    for (sizes, kind, _purpose), src in described.items():
        assert src.startswith("/static/pwa/")
        path = finders.find(src.removeprefix("/static/"))
        assert path, f"{src} is not a static file"
        with open(path, "rb") as handle:
            data = handle.read()
        if kind == "image/png":
            width, height = icons.png_size(data)
            assert f"{width}x{height}" == sizes
        else:
            assert data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_the_committed_icons_are_what_the_generator_draws():
    stale = [
        name
        for name, data in icons.icon_files().items()
        if (icons.STATIC_DIR / name).read_bytes() != data
    ]

    assert stale == [], "run: python -m spendwise.pwa.icons"


def test_the_apple_touch_icon_is_180_pixels_and_opaque():
    data = (icons.STATIC_DIR / "apple-touch-icon.png").read_bytes()

    assert icons.png_size(data) == (180, 180)
    assert data == icons.render_png(180, full_bleed=True, scale=0.9)


def test_pages_link_the_manifest_icons_and_theme_colours(owner_client: Client, client: Client):
    for page in (
        owner_client.get(reverse("web:dashboard")).content.decode(),
        client.get(reverse("identity:sign_in")).content.decode(),
    ):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
        assert '<link rel="apple-touch-icon" href="/static/pwa/apple-touch-icon.png">' in page
        assert '<link rel="icon" href="/static/pwa/icon.svg" type="image/svg+xml">' in page


def test_signed_out_pages_give_a_theme_colour_for_light_and_for_dark(client: Client):
    page = client.get(reverse("identity:sign_in")).content.decode()

    light = '<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)">'
    dark = '<meta name="theme-color" content="#111827" media="(prefers-color-scheme: dark)">'
    assert light in page and dark in page
