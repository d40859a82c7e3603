"""Shared fixtures: real SQLite and PostgreSQL apps, users with tokens, a live HTTP server.

Database tests use the ``app`` fixture, parametrised over both backends. PostgreSQL comes from
``THRICE_TEST_PG_URL`` (default: the local ``test`` database); each run works in a database of
its own that it creates and drops. Without a reachable server those cases are skipped, unless
``THRICE_REQUIRE_PG=1`` (CI) turns that into a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.config import Settings
from server.extensions import db
from server.migrate import upgrade

# Hypothesis' 200 ms deadline measures the machine, not the code: a loaded CI box (or the first
# call compiling regexes) trips it. Properties here are about results, never about speed.
settings.register_profile("thrice", deadline=None)
settings.load_profile("thrice")

PG_URL = os.environ.get(
    "THRICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("THRICE_REQUIRE_PG") == "1"


def _make_app(database_url: str, instance: Path, **settings: Any) -> Flask:
    options: dict[str, Any] = {"inline_jobs": True, "log_level": "WARNING", **settings}
    app = create_app(Settings(database_url=database_url, instance_path=str(instance), **options))
    app.config["TESTING"] = True
    with app.app_context():
        upgrade(db.engine)
    return app


@pytest.fixture(scope="session")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("sqlite-instance")
    return _make_app(f"sqlite:///{instance / 'thrice.sqlite3'}", instance)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL database for this test session."""
    admin_url = make_url(PG_URL)
    name = f"thrice_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        # pre-ping: the fault tests restart the cluster, which kills pooled connections
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but unreachable at {PG_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_app(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return _make_app(pg_url, tmp_path_factory.mktemp("pg-instance"))


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest) -> Flask:
    return request.getfixturevalue("sqlite_app" if request.param == "sqlite" else "pg_app")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class ApiUser:
    """A user with a token, and a test client that sends it on /api/v1 paths."""

    app: Flask
    id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        return getattr(self.app.test_client(), method)(url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("get", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._call("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self._call("patch", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self._call("put", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._call("delete", path, **kwargs)


def new_user(app: Flask, email: str | None = None, timezone: str = "UTC") -> ApiUser:
    from server.services.tokens import issue_token
    from server.services.users import create_user

    email = email or f"user-{secrets.token_hex(5)}@example.com"
    with app.app_context():
        user = create_user(db.session, email, timezone, display_name="Sam Seeker")
        _, raw = issue_token(db.session, user, "tests")
        db.session.commit()
        return ApiUser(app=app, id=user.id, email=email, token=raw)


@pytest.fixture
def make_user(app: Flask) -> Any:
    def factory(email: str | None = None, timezone: str = "UTC") -> ApiUser:
        return new_user(app, email, timezone)

    return factory


@pytest.fixture
def user(make_user: Any) -> ApiUser:
    return make_user()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    app: Flask
    url: str

    def create_user(self, email: str | None = None, timezone: str = "UTC") -> str:
        """A new user on this server; returns its bearer token."""
        return new_user(self.app, email, timezone).token

    def new_user(self, email: str | None = None, timezone: str = "UTC") -> ApiUser:
        return new_user(self.app, email, timezone)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real HTTP server (werkzeug, threaded) on SQLite with in-process jobs."""
    from werkzeug.serving import make_server

    instance = tmp_path_factory.mktemp("live-instance")
    app = _make_app(f"sqlite:///{instance / 'thrice.sqlite3'}", instance)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{port}")
    server.shutdown()
