"""Fixtures for the web app's tests: Debian's Chromium driven by Playwright against the
session's live server (tests/conftest.py), users with passwords, and axe-core on every page."""

from __future__ import annotations

import gc
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from server.extensions import db
from server.services.passwords import set_password
from server.services.users import find_user
from tests.conftest import ApiUser, LiveServer, new_user

CHROMIUM = os.environ.get("THRICE_CHROMIUM", "/usr/lib/chromium/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"


def _require(what: str, found: bool) -> None:
    if found:
        return
    if os.environ.get("THRICE_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{what} required but missing")
    pytest.skip(f"{what} missing")


def _running_playwright() -> Any:
    """The Playwright another fixture of this session started (tests/e2e keeps one for the
    whole session), if any: the sync API allows one per thread, so a second would fail."""
    from playwright.sync_api import Playwright

    for obj in gc.get_objects():
        # A stopped one (a test's own `with sync_playwright()` that ended) has a closed pipe.
        if isinstance(obj, Playwright) and obj._impl_obj._connection._closed_error is None:
            return obj
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium of our own, per module (so the sync API is free again between
    modules for the tests that start their own)."""
    _require(f"Chromium at {CHROMIUM}", bool(shutil.which(CHROMIUM)))
    from playwright.sync_api import sync_playwright

    shared = _running_playwright()
    manager = None
    if shared is None:
        manager = sync_playwright()
        shared = manager.start()
    browser = shared.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox"])
    try:
        yield browser
    finally:
        browser.close()
        if manager is not None:
            shared.stop()


@dataclass
class WebUser:
    api: ApiUser
    email: str
    password: str


def web_user(server: LiveServer, timezone: str = "UTC") -> WebUser:
    api = new_user(server.app, timezone=timezone)
    with server.app.app_context():
        user = find_user(db.session, api.email)
        assert user is not None
        set_password(user, PASSWORD)
        db.session.commit()
    return WebUser(api=api, email=api.email, password=PASSWORD)


@pytest.fixture
def account(live_server: LiveServer) -> WebUser:
    return web_user(live_server)


class Pages:
    """A browser tab with the helpers the tests share: sign in, and check every page loaded
    with axe-core (no serious or critical violation) and with no CSP violation."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.csp_errors: list[str] = []
        page.on("console", lambda m: self.csp_errors.append(m.text)
                if "Content Security Policy" in m.text else None)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.check()
        return response

    def sign_in(self, who: WebUser) -> None:
        from playwright.sync_api import expect

        self.page.goto(self.base + "/sign-in")
        self.page.get_by_label("E-mail").fill(who.email)
        self.page.get_by_label("Password").fill(who.password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    def check(self) -> None:
        """axe-core on the page as it is now: no serious or critical violation."""
        _require(f"axe-core at {AXE} (npm ci in tests/web)", AXE.is_file())
        self.page.wait_for_load_state("load")
        # evaluate() runs through the DevTools protocol, so the page's CSP (which rightly
        # refuses an injected <script>) does not stop it.
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target).join(', ')})`)")
        assert result == [], f"{self.page.url}: {result}"
        assert self.csp_errors == [], self.csp_errors


@pytest.fixture
def tab(chromium: Any, live_server: LiveServer) -> Iterator[Pages]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   timezone_id="UTC", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Pages(page, live_server.url)
    finally:
        context.close()


@pytest.fixture
def signed_in(tab: Pages, account: WebUser) -> Pages:
    tab.sign_in(account)
    return tab


def unique(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(3)}"
