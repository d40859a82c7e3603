"""Mail-in fixtures: apps that hold a THRICE_SECRET_KEY, and a real Dovecot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import _make_app
from tests.mail import dovecot

SECRET = "test-secret-key-for-mail"


@pytest.fixture(scope="session")
def mail_sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance: Path = tmp_path_factory.mktemp("mail-sqlite")
    return _make_app(f"sqlite:///{instance / 'thrice.sqlite3'}", instance, secret_key=SECRET)


@pytest.fixture(scope="session")
def mail_pg_app(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return _make_app(pg_url, tmp_path_factory.mktemp("mail-pg"), secret_key=SECRET)


@pytest.fixture(params=["sqlite", "postgresql"])
def mail_app(request: pytest.FixtureRequest) -> Flask:
    return request.getfixturevalue(
        "mail_sqlite_app" if request.param == "sqlite" else "mail_pg_app")


def _server(users: list[str], with_sent: bool) -> Iterator[dovecot.Dovecot]:
    if not dovecot.available():
        if dovecot.REQUIRE:
            pytest.fail("THRICE_REQUIRE_DOVECOT=1 but dovecot is not installed")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    server = dovecot.start(users, with_sent=with_sent)
    yield server
    server.stop()


@pytest.fixture
def imap() -> Iterator[dovecot.Dovecot]:
    """A fresh server per test: each test owns its mailboxes and UIDs."""
    yield from _server([f"box{i}@example.com" for i in range(3)], with_sent=True)


@pytest.fixture
def imap_without_sent() -> Iterator[dovecot.Dovecot]:
    yield from _server(["box0@example.com"], with_sent=False)
