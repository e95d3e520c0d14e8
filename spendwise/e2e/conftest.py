"""Browser end-to-end fixtures: Debian's Chromium driven by Playwright against the live app.

* ``browser``: one headless Chromium per test module, found on PATH (``/usr/bin/chromium``,
  installed by ``scripts/ensure-system-deps``; never ``playwright install``). Without it the
  tests skip with a loud reason, and with ``CI=true`` they fail instead.
* ``app_url``: pytest-django's ``live_server`` (a thread of this process, on the test
  PostgreSQL). Over plain HTTP the session and CSRF cookies must not be Secure.
* ``open_page``: a new page in a fresh context with a viewport (``DESKTOP`` or ``PHONE``) and a
  colour scheme; every console error (a Content-Security-Policy refusal shows up as one) and
  every uncaught page error fails the test.

Playwright's sync API runs an event loop in this thread, so Django's "async unsafe" guard would
refuse the ORM calls made in this thread while Playwright runs: the ``browser`` fixture switches
it off while Chromium runs, one test module at a time (the app itself serves from the live
server's own thread).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spendwise.e2e.browser import Viewport, chromium_or_reason, in_ci

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(
    os.environ.get(
        "SPENDWISE_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots"
    )
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for one test module (skipped loudly without it, failed with CI=true).

    Per module, not per session: while Playwright runs, this thread has a running event loop,
    which the rest of the suite (``asyncio.run``, Django's async guard) must not inherit.
    """
    executable, reason = chromium_or_reason()
    if executable is None:
        if in_ci():
            pytest.fail(f"Chromium is needed here (CI=true): {reason}", pytrace=False)
        pytest.skip(f"CHROMIUM UNAVAILABLE, browser tests not run: {reason}")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # See the module docstring: the ORM calls of the tests run beside Playwright's loop.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def app_url(settings: Any, live_server: Any) -> str:
    """The app on http://127.0.0.1:<port>, cookies not Secure (plain HTTP), mail kept in memory."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return str(live_server.url)


@dataclass
class PageProblems:
    """Console errors and uncaught exceptions seen by a page: a test ends with none."""

    messages: list[str]


@pytest.fixture
def open_page(browser: Any, app_url: str) -> Iterator[Callable[..., Any]]:
    """``open_page(viewport, scheme, bypass_csp=False)``: a page in a new browser context.

    ``bypass_csp`` lets axe-core be injected as a script tag (the app's CSP forbids inline
    scripts); journeys keep the CSP so that a violation fails them.
    """
    contexts: list[Any] = []
    problems = PageProblems(messages=[])

    def open_(viewport: Viewport, scheme: str, *, bypass_csp: bool = False) -> Any:
        context = browser.new_context(
            base_url=app_url,
            viewport={"width": viewport.width, "height": viewport.height},
            device_scale_factor=viewport.scale,
            is_mobile=viewport.mobile,
            has_touch=viewport.mobile,
            color_scheme=scheme,
            # Charts honour it and draw at once: screenshots show them whole, not mid-animation.
            reduced_motion="reduce",
            locale="en-US",
            timezone_id="UTC",
            bypass_csp=bypass_csp,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.messages.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.messages.append(f"page error: {error}"))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems.messages == [], "the browser reported errors:\n" + "\n".join(problems.messages)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where the run saves its screenshots (git-ignored var/screenshots/ unless overridden)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
