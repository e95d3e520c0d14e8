"""The theme setting: light, dark or as on the device, applied as <html data-theme>."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from spendwise.identity.models import User

pytestmark = pytest.mark.django_db

APP_CSS = settings.BASE_DIR / "spendwise" / "static" / "css" / "app.css"


def profile_post(user: User, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": user.display_name,
        "home_currency": user.home_currency,
        "time_zone": user.time_zone,
        "locale": user.locale,
        "month_start_day": user.month_start_day,
    }
    data.update(changes)
    return data


def test_it_follows_the_device_until_a_theme_is_chosen(owner, owner_client: Client):
    page = owner_client.get(reverse("web:dashboard")).content.decode()

    assert owner.user.theme == "system"
    assert '<html lang="en" data-theme="system">' in page
    assert '<meta name="color-scheme" content="light dark">' in page


def test_it_saves_dark_and_renders_it_on_every_page(owner, owner_client: Client):
    settings_page = owner_client.get(reverse("identity:settings")).content.decode()
    assert '<select name="theme"' in settings_page

    response = owner_client.post(
        reverse("identity:settings"), profile_post(owner.user, theme="dark")
    )

    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.theme == "dark"
    page = owner_client.get(reverse("ledger:transactions")).content.decode()
    assert 'data-theme="dark"' in page
    assert '<meta name="color-scheme" content="dark">' in page
    assert '<meta name="theme-color" content="#111827">' in page
    assert "prefers-color-scheme" not in page


def test_it_saves_light(owner, owner_client: Client):
    owner_client.post(reverse("identity:settings"), profile_post(owner.user, theme="light"))

    owner.user.refresh_from_db()
    assert owner.user.theme == "light"
    page = owner_client.get(reverse("web:dashboard")).content.decode()
    assert 'data-theme="light"' in page
    assert '<meta name="theme-color" content="#ffffff">' in page


def test_it_refuses_an_unknown_theme_and_keeps_the_saved_one(owner, owner_client: Client):
    User.objects.filter(pk=owner.user.pk).update(theme="dark")

    response = owner_client.post(
        reverse("identity:settings"), profile_post(owner.user, theme="purple")
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.theme == "dark"


def test_a_profile_form_posted_without_a_theme_keeps_the_saved_one(owner, owner_client: Client):
    User.objects.filter(pk=owner.user.pk).update(theme="light")

    response = owner_client.post(
        reverse("identity:settings"), profile_post(owner.user, display_name="Lan")
    )

    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert (owner.user.display_name, owner.user.theme) == ("Lan", "light")


def test_signed_out_pages_follow_the_device(client: Client):
    page = client.get(reverse("identity:sign_in")).content.decode()

    assert "data-theme" not in page
    assert '<meta name="color-scheme" content="light dark">' in page


def declarations(css: str, selector: str) -> dict[str, str]:
    """The custom properties set by the rule for ``selector`` (first match)."""
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no rule for {selector}"
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", match.group(1)))


def test_the_css_forces_dark_for_data_theme_dark_with_the_devices_dark_palette():
    css = APP_CSS.read_text()

    forced = declarations(css, ':root[data-theme="dark"]')
    by_device = declarations(css, ':root:not([data-theme="light"])')
    light = declarations(css, ":root")

    assert forced == by_device
    assert forced["--bg"] == "#0b1120" and forced["--text"] == "#e5e7eb"
    # Every colour of the light palette has its dark counterpart.
    assert set(light) - {"--radius", "--gap"} == set(forced)
    assert '@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"])' in css
    assert re.search(r':root\[data-theme="dark"\]\s*\{[^}]*color-scheme: dark;', css)
    assert ':root[data-theme="light"] { color-scheme: light; }' in css
