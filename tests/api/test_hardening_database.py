"""Issue 12, hardening: a database that cannot store anything (full, read-only) is told apart
from a busy or restarting one, in the error a request gets and in GET /health.

Real failures, not mocks: SQLite's `PRAGMA max_page_count` makes it answer SQLITE_FULL exactly
as a full disk does; `mode=ro` makes it answer SQLITE_READONLY (chmod would not stop root); a
PostgreSQL session with `default_transaction_read_only` answers SQLSTATE 25006 like a standby.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import make_url

import server.extensions as extensions
from server import create_app
from server.config import Settings
from server.extensions import db
from server.models import utcnow
from server.services.notify import ledger
from tests.api.helpers import assert_error
from tests.conftest import _make_app, new_user

BIG_NOTES = "n" * 10_000  # several new pages, whatever the free space in the last one


@pytest.fixture
def sqlite_file_app(tmp_path: Path) -> Flask:
    app = _make_app(f"sqlite:///{tmp_path / 'thrice.sqlite3'}", tmp_path, read_cache=False)
    with app.app_context():
        # The schedule just ran: health's status speaks of the database alone here.
        ledger.record_tick(db.session, utcnow())
    return app


def db_path(app: Flask) -> str:
    return str(make_url(app.config["DATABASE_URL"]).database)


def cap_pages(app: Flask, extra: int) -> Any:
    """Every new connection may grow the file by `extra` pages at most; returns the undo."""
    with sqlite3.connect(db_path(app)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0

    def _limit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra}")

    with app.app_context():
        engine = db.engine
        event.listen(engine, "connect", _limit)
        engine.dispose()

    def undo() -> None:
        event.remove(engine, "connect", _limit)
        engine.dispose()

    return undo


def health(app: Flask) -> tuple[int, dict[str, Any]]:
    r = app.test_client().get("/api/v1/health")
    body = r.get_json()
    assert "last_run_at" in body.pop("scheduler")
    return r.status_code, body


def test_a_full_sqlite_database_answers_507_and_health_says_full(sqlite_file_app, caplog):
    app = sqlite_file_app
    user = new_user(app)
    assert user.post("/contacts", json={"name": "Before"}).status_code == 201
    assert health(app) == (200, {"status": "ok", "database": "ok", "queue": "inline"})
    undo = cap_pages(app, 0)
    try:
        with caplog.at_level(logging.ERROR, logger="server.api.errors"):
            r = user.post("/contacts", json={"name": "No Room", "notes": BIG_NOTES})
        body = assert_error(r, 507)
        assert "disk is full" in body["message"] and "nothing was saved" in body["message"]
        assert "Retry-After" not in r.headers
        assert any(rec.levelno == logging.ERROR and "full" in rec.getMessage()
                   for rec in caplog.records)
        # Reads still work; nothing half-written is visible.
        names = [c["name"] for c in user.get("/contacts").get_json()["items"]]
        assert names == ["Before"]
        assert health(app) == (503, {"status": "degraded", "database": "full",
                                     "queue": "inline"})
    finally:
        undo()
    assert health(app)[1]["database"] == "ok"
    assert user.post("/contacts", json={"name": "After", "notes": BIG_NOTES}).status_code == 201


def test_a_read_only_sqlite_database_answers_503_and_health_says_readonly(sqlite_file_app,
                                                                         tmp_path):
    user = new_user(sqlite_file_app)
    assert user.post("/contacts", json={"name": "Written"}).status_code == 201
    read_only = create_app(Settings(database_url=f"sqlite:///file:{db_path(sqlite_file_app)}"
                                                 "?mode=ro&uri=true",
                                    instance_path=str(tmp_path), inline_jobs=True,
                                    log_level="WARNING", read_cache=False))
    read_only.config["TESTING"] = True
    user.app = read_only
    assert [c["name"] for c in user.get("/contacts").get_json()["items"]] == ["Written"]
    r = user.post("/contacts", json={"name": "Refused"})
    body = assert_error(r, 503)
    assert "cannot be written" in body["message"]
    assert health(read_only) == (503, {"status": "degraded", "database": "readonly",
                                       "queue": "inline"})
    with read_only.app_context():
        db.engine.dispose()


def test_a_busy_sqlite_lock_is_still_503_with_retry_after(sqlite_file_app, monkeypatch,
                                                         caplog):
    app = sqlite_file_app
    user = new_user(app)
    monkeypatch.setattr(extensions, "REQUEST_LOCK_WAIT", 0.2)
    holder = sqlite3.connect(db_path(app), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.WARNING, logger="server.api.errors"):
            r = user.post("/contacts", json={"name": "Waits"})
        body = assert_error(r, 503)
        assert r.headers["Retry-After"] == "5"
        assert "try again" in body["message"]
        assert not any(rec.levelno >= logging.ERROR for rec in caplog.records)
        # A writer holding the lock shows the database is writable: health stays ok.
        assert health(app) == (200, {"status": "ok", "database": "ok", "queue": "inline"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert user.post("/contacts", json={"name": "Waits"}).status_code == 201


def test_a_read_only_postgresql_answers_503_and_health_says_readonly(pg_url, pg_app, tmp_path):
    user = new_user(pg_app)
    assert user.post("/contacts", json={"name": "Stored"}).status_code == 201
    url = make_url(pg_url).update_query_dict(
        {"options": "-c default_transaction_read_only=on"}).render_as_string(hide_password=False)
    read_only = create_app(Settings(database_url=url, instance_path=str(tmp_path),
                                    inline_jobs=True, log_level="WARNING"))
    read_only.config["TESTING"] = True
    user.app = read_only
    assert [c["name"] for c in user.get("/contacts").get_json()["items"]] == ["Stored"]
    body = assert_error(user.post("/contacts", json={"name": "Refused"}), 503)
    assert "cannot be written" in body["message"]
    assert health(read_only) == (503, {"status": "degraded", "database": "readonly",
                                       "queue": "inline"})
    with read_only.app_context():
        db.engine.dispose()


def test_health_documents_its_states(client):
    doc = client.get("/api/openapi.json").get_json()
    schema = doc["components"]["schemas"]["HealthOut"]
    assert set(schema["properties"]["database"]["enum"]) == {"ok", "down", "full", "readonly",
                                                             "ioerror"}
    assert "507" in doc["paths"]["/api/v1/contacts"]["post"]["responses"]
    assert "413" in doc["paths"]["/api/v1/contacts/bulk"]["post"]["responses"]
