"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Fixtures for any journey in this folder:

* ``browser`` (package): one headless Chromium for all the tests of this folder.
* ``page`` (per test): a fresh context (1366x768, locale id-ID) whose ``base_url`` is the
  live server, so ``page.goto("/loket/")`` works; a full-page screenshot of the final state
  lands in ``tests/artifacts/<test name>.png`` at teardown, also when the test fails.
* ``log_in``: ``log_in(user, device)`` walks the login with password and TOTP, keyboard only.

The TOTP device (``totp_device``) and codes (``totp_token``) are the shared ones of tests/conftest.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright

from akun.models import User
from tests.conftest import PASSWORD, REQUIRE_SERVICES, totp_token

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, and this closed
# network refuses those connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
HERE = Path(__file__).resolve().parent

# pytest-django's live server binds "localhost" unless told otherwise; pytest-socket only
# allows 127.0.0.1 and ::1, so pin the IPv4 loopback (``--liveserver`` still wins).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium for all the tests of this folder, started after the test database exists.

    Package scope rather than session scope: Playwright's sync API leaves an asyncio loop
    running in the main thread from start() to stop(), so the browser must stop as soon as
    the last browser test is done, or every later test runs "inside" that loop (and its
    subprocesses inherit DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rejects).
    Two consequences for Django while it runs, both handled here:

    * Django refuses sync DB calls in an "async context": DJANGO_ALLOW_ASYNC_UNSAFE is set
      from the browser's start to its end, not for any other test.
    * Django's connections are thread-critical locals; with a running loop the main thread
      sees a second, context-local set of connection objects. Those lack the snapshot of
      the migrated database that serialized rollback restores (the seeded agreement, the
      role groups), so it is copied over; they are closed before the loop stops, so the
      test database can be dropped at the end.
    """
    if not Path(CHROMIUM).exists():
        message = f"Chromium tidak ditemukan di {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    snapshots = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(
    browser: Browser,
    live_server: object,
    transactional_db: None,
    django_db_serialized_rollback: None,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh browser context per test against the live server.

    The live server runs in another thread, so the test needs a transactional database;
    serialized rollback restores what migrations seeded (the agreement, the role groups)
    after each test's flush.
    """
    context = browser.new_context(
        base_url=str(live_server), viewport={"width": 1366, "height": 768}, locale="id-ID",
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            context.close()


@pytest.fixture
def log_in(page: Page) -> Callable[..., None]:
    """Password, Enter, TOTP code, Enter, from the portal's root; keyboard only."""

    def walk(user: User, device: TOTPDevice, *, start: str = "/") -> None:
        page.goto(start)
        expect(page).to_have_url(re.compile(r"/masuk/"))
        expect(page.get_by_label("Nama pengguna")).to_be_focused()
        page.keyboard.type(user.username)
        page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/masuk/kode/"))
        page.get_by_label(re.compile("Kode dari aplikasi autentikator")).fill(totp_token(device))
        page.keyboard.press("Enter")
        expect(page).not_to_have_url(re.compile(r"/masuk/"))

    return walk
