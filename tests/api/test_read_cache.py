"""The popup's list and the token check are kept between requests on SQLite while nothing
changes (server/read_cache.py), and never show anything stale: any commit by any connection or
process, time passing a due time or a snooze, and a revoked token all take effect on the very
next request."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

import server.services.tokens as tokens
from server.extensions import db
from server.models import ApiToken, Contact, Nudge
from server.read_cache import AnswerCache, ChangeWatch, Kept
from tests.api.test_extension_requests import _due_nudges
from tests.conftest import new_user


class StatementCount:
    """Counts the statements the app's engine runs against the nudges table."""

    def __init__(self) -> None:
        self.opened = 0

    def __call__(self, _conn, _cursor, statement: str, *_args: Any) -> None:
        if "FROM nudges" in statement:
            self.opened += 1


@pytest.fixture
def opened(user) -> Iterator[StatementCount]:
    count = StatementCount()
    engine = user.app.extensions["thrice_db"].engine
    event.listen(engine, "before_cursor_execute", count)
    yield count
    event.remove(engine, "before_cursor_execute", count)


def _kept_here(user) -> bool:  # noqa: ANN001
    return user.app.extensions["thrice_db"].engine.dialect.name == "sqlite"


def test_an_unchanged_list_is_answered_without_the_database(user, opened):
    _due_nudges(user, 3)
    first = user.get("/nudges").get_json()
    before = opened.opened
    again = [user.get("/nudges").get_json() for _ in range(5)]
    assert all(page == first for page in again)
    if _kept_here(user):
        assert opened.opened == before  # all five kept
    else:  # PostgreSQL has no change counter: every request reads
        assert opened.opened == before + 5
    # Each query is kept on its own.
    assert len(user.get("/nudges?limit=1").get_json()["items"]) == 1


def test_the_read_cache_can_be_turned_off(user, opened):
    _due_nudges(user, 1)
    user.get("/nudges")
    before = opened.opened
    user.app.config["THRICE_READ_CACHE"] = False
    try:
        user.get("/nudges")
        user.get("/nudges")
    finally:
        user.app.config.pop("THRICE_READ_CACHE")
    assert opened.opened == before + 2


def test_a_commit_from_this_process_shows_at_once(user):
    ids = _due_nudges(user, 2)
    assert len(user.get("/nudges").get_json()["items"]) == 2
    with user.app.app_context():  # a different connection of the same process
        contact = db.session.get(Contact, ids[0])
        contact.name = "Renamed Person"
        db.session.commit()
    names = {n["contact"]["name"] for n in user.get("/nudges").get_json()["items"]}
    assert "Renamed Person" in names
    # ... and so does an action through the API (another path, another connection).
    nudge_id = user.get("/nudges").get_json()["items"][0]["id"]
    assert user.post(f"/nudges/{nudge_id}/dismiss", json={}).status_code == 200
    assert len(user.get("/nudges").get_json()["items"]) == 1


def test_a_commit_from_another_process_shows_at_once(sqlite_app):
    user = new_user(sqlite_app, None, "UTC")  # only SQLite keeps answers
    _due_nudges(user, 2)
    assert len(user.get("/nudges").get_json()["items"]) == 2
    path = user.app.extensions["thrice_db"].engine.url.database
    script = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "c.execute('UPDATE nudges SET visible = 0 WHERE user_id = ?', (int(sys.argv[2]),)); "
              "c.commit()")
    subprocess.run([sys.executable, "-c", script, path, str(user.id)], check=True, timeout=30)
    assert user.get("/nudges").get_json()["items"] == []


def test_a_nudge_falling_due_shows_without_any_write(user):
    """Time alone changes the list: a kept page ends at the next due time or snooze end."""
    ids = _due_nudges(user, 1)
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    with user.app.app_context():
        db.session.add(Nudge(user_id=user.id, contact_id=ids[0], key="soon", rule="R9",
                             priority="P2", due_at=soon, notify_at=soon, state="scheduled",
                             visible=True, message="m", reason="r"))
        row = db.session.scalars(select(Nudge).where(Nudge.user_id == user.id,
                                                     Nudge.key != "soon")).one()
        row.state, row.snoozed_until = "snoozed", soon + timedelta(seconds=0.5)
        db.session.commit()
    assert user.get("/nudges").get_json()["items"] == []
    assert user.get("/nudges").get_json()["items"] == []  # kept
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
    assert [n["rule"] for n in user.get("/nudges").get_json()["items"]] == ["R9"]
    time.sleep(0.55)
    assert len(user.get("/nudges").get_json()["items"]) == 2


def test_a_revoked_token_is_refused_at_once(user):
    _due_nudges(user, 1)
    assert user.get("/nudges").status_code == 200
    assert user.get("/nudges").status_code == 200  # kept
    with user.app.app_context():
        token_id = db.session.scalars(
            select(ApiToken.id).where(ApiToken.user_id == user.id)).one()
    assert user.delete(f"/tokens/{token_id}").status_code == 204
    answer = user.get("/nudges")
    assert answer.status_code == 401
    assert answer.get_json()["message"] == "The token is unknown or revoked; create a new one."


def test_kept_answers_still_record_the_tokens_use(user, monkeypatch):
    monkeypatch.setattr(tokens, "TOUCH_EVERY", timedelta(seconds=1))
    _due_nudges(user, 1)
    user.get("/nudges")

    def last_used() -> datetime:
        with user.app.app_context():
            return db.session.scalars(
                select(ApiToken.last_used_at).where(ApiToken.user_id == user.id)).one()

    first = last_used()
    user.get("/nudges")
    assert last_used() == first
    time.sleep(1.1)
    user.get("/nudges")  # a kept page ends when the token's use is due to be recorded
    assert last_used() > first


def test_users_never_share_a_kept_page(make_user):
    alice, bob = make_user(), make_user()
    _due_nudges(alice, 2)
    assert len(alice.get("/nudges").get_json()["items"]) == 2
    assert bob.get("/nudges").get_json() == {"items": [], "next": None}
    assert len(alice.get("/nudges").get_json()["items"]) == 2


def test_the_change_watch_sees_every_other_connections_commit(tmp_path):
    from sqlalchemy import create_engine

    path = tmp_path / "watch.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    watch = ChangeWatch(engine)
    start = watch.version()
    with engine.connect() as conn:  # reads change nothing
        conn.exec_driver_sql("SELECT count(*) FROM t").all()
    assert watch.version() == start
    with engine.begin() as conn:  # a pooled connection of this process
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    second = watch.version()
    assert second != start
    other = sqlite3.connect(path)  # another connection, as another process would have
    other.execute("INSERT INTO t VALUES (2)")
    other.commit()
    other.close()
    assert watch.version() != second
    watch._pid = -1  # as after a fork: it opens a connection of its own again
    assert isinstance(watch.version(), int)
    engine.dispose()


def test_the_answer_cache_keeps_the_recent_and_drops_the_stale():
    cache = AnswerCache(size=2)
    now = datetime.now(UTC)
    cache.put("a", Kept(1, None, b"a"))
    cache.put("b", Kept(1, now + timedelta(seconds=5), b"b"))
    assert cache.get("a", 1, now).value == b"a"
    assert cache.get("a", 2, now) is None  # the database changed
    assert cache.get("a", 1, now) is None  # ... and it is gone
    assert cache.get("b", 1, now + timedelta(seconds=5)) is None  # its time is up
    for key in "cde":
        cache.put(key, Kept(1, None, key.encode()))
    assert cache.get("c", 1, now) is None and cache.get("e", 1, now) is not None  # bounded
