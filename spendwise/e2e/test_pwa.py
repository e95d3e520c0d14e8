"""The installable app in Chromium: the service worker registers for the whole site, and with
the network gone a page turns into the offline page; the theme setting beats the device's."""

from __future__ import annotations

import re
from typing import Any

from spendwise.e2e.browser import DESKTOP, PHONE
from spendwise.identity.models import User
from spendwise.testing.factories import PASSWORD, make_member

LIGHT_BG = "rgb(248, 250, 252)"  # app.css --bg, light
DARK_BG = "rgb(11, 17, 32)"  # app.css --bg, dark


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def background(page: Any) -> str:
    return str(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))


def test_the_worker_registers_for_the_site_and_shows_the_offline_page(open_page: Any) -> None:
    page = open_page(PHONE, "light")
    page.goto("/sign-in/")

    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == page.url.split("/sign-in/")[0] + "/"
    cached = page.evaluate(
        "async () => { const names = await caches.keys();"
        " const cache = await caches.open(names[0]);"
        " return (await cache.keys()).map((request) => new URL(request.url).pathname); }"
    )
    assert "/static/css/app.css" in cached and "/offline/" in cached
    assert not any(path.startswith("/api/") for path in cached)

    page.context.set_offline(True)
    page.goto("/transactions/")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    assert background(page) == LIGHT_BG  # its stylesheet came from the cache
    page.context.set_offline(False)


def test_a_chosen_dark_theme_wins_over_a_light_device(open_page: Any) -> None:
    member = make_member("night@example.com")
    User.objects.filter(pk=member.user.pk).update(theme="dark")
    page = open_page(DESKTOP, "light")

    page.goto("/sign-in/")
    assert background(page) == LIGHT_BG  # signed out: the device decides

    sign_in(page, "night@example.com")
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert background(page) == DARK_BG


def test_a_chosen_light_theme_wins_over_a_dark_device(open_page: Any) -> None:
    member = make_member("day@example.com")
    User.objects.filter(pk=member.user.pk).update(theme="light")
    page = open_page(PHONE, "dark")

    page.goto("/sign-in/")
    assert background(page) == DARK_BG

    sign_in(page, "day@example.com")
    assert background(page) == LIGHT_BG
