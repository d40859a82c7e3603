"""Sign-in in the browser: a wrong password, the rate limit on failures, sign out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Pages, WebUser


@pytest.fixture
def fresh_limits(live_server) -> Iterator[None]:
    """Failures from 127.0.0.1 count for every test of the session: start and end clean."""
    live_server.app.extensions["web_limiter"].reset()
    yield
    live_server.app.extensions["web_limiter"].reset()


def _try(tab: Pages, email: str, password: str) -> None:
    tab.page.get_by_label("E-mail").fill(email)
    tab.page.get_by_label("Password").fill(password)
    tab.page.get_by_role("button", name="Sign in").click()


def test_pages_ask_to_sign_in_and_a_wrong_password_is_refused(tab: Pages, account: WebUser,
                                                              fresh_limits):
    tab.goto("/pipeline")
    assert "/sign-in" in tab.page.url
    expect(tab.page.get_by_role("heading", name="Sign in to Thrice")).to_be_visible()
    _try(tab, account.email, "not the password")
    expect(tab.page.get_by_text("The e-mail or the password is wrong.")).to_be_visible()
    expect(tab.page.get_by_label("E-mail")).to_have_value(account.email)  # input kept
    tab.check()
    _try(tab, account.email, account.password)
    # Back where the user was going.
    expect(tab.page.get_by_role("heading", name="Pipeline")).to_be_visible()
    cookie = next(c for c in tab.page.context.cookies() if c["name"] == "session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    tab.page.get_by_role("button", name="Sign out").click()
    expect(tab.page.get_by_role("heading", name="Sign in to Thrice")).to_be_visible()
    tab.page.goto(tab.base + "/")
    assert "/sign-in" in tab.page.url


def test_five_failures_a_minute_lock_the_e_mail_out(tab: Pages, account: WebUser, fresh_limits):
    tab.goto("/sign-in")
    for _ in range(5):
        _try(tab, account.email, "guessing")
        expect(tab.page.get_by_text("The e-mail or the password is wrong.")).to_be_visible()
    # The right password no longer helps this minute.
    _try(tab, account.email, account.password)
    expect(tab.page.get_by_text("Too many failed sign-ins")).to_be_visible()
    expect(tab.page.get_by_role("heading", name="Sign in to Thrice")).to_be_visible()
