"""begin_immediate (server/sqlite_lock.py) waits for SQLite's write lock in short steps, gives up
with SQLite's own "database is locked" at its timeout, restores the busy timeout, and raises any
other error at once; and concurrent saves through the API all land."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from server import extensions
from server.extensions import db
from server.models import ApiToken, Contact, Profile
from server.sqlite_lock import BUSY_TIMEOUT_MS, begin_immediate
from tests.conftest import ApiUser, LiveServer, new_user


def _connect(path: Path) -> sqlite3.Connection:
    """A connection set up as the app sets up its own (autocommit, WAL, 30 s busy timeout)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _busy_timeout(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA busy_timeout").fetchone()[0]


class Recorder:
    """A sqlite3 connection as begin_immediate sees it, recording each statement it runs, how
    it ended, and (for BEGIN IMMEDIATE) the busy timeout in force and whether the holder had
    released the lock by then."""

    def __init__(self, conn: sqlite3.Connection, released: threading.Event | None = None
                 ) -> None:
        self.conn = conn
        self.released = released
        self.refused = threading.Event()  # a BEGIN IMMEDIATE was refused
        self.log: list[tuple[str, str, int | None, bool]] = []

    def execute(self, sql: str) -> Any:
        timeout = _busy_timeout(self.conn) if sql == "BEGIN IMMEDIATE" else None
        was_released = self.released is not None and self.released.is_set()
        try:
            result = self.conn.execute(sql)
        except sqlite3.Error as exc:
            self.log.append((sql, type(exc).__name__, timeout, was_released))
            if sql == "BEGIN IMMEDIATE":
                self.refused.set()
            raise
        self.log.append((sql, "ok", timeout, was_released))
        return result

    def attempts(self) -> list[tuple[str, str, int | None, bool]]:
        return [entry for entry in self.log if entry[0] == "BEGIN IMMEDIATE"]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "lock.sqlite3"
    setup = _connect(path)
    setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    setup.close()
    yield path


@pytest.fixture
def holder(database: Path) -> Iterator[sqlite3.Connection]:
    """A second connection holding the write lock (BEGIN IMMEDIATE and a pending write)."""
    conn = _connect(database)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t (v) VALUES ('held')")
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


@pytest.fixture
def waiter(database: Path) -> Iterator[sqlite3.Connection]:
    conn = _connect(database)
    yield conn
    conn.close()


def test_it_waits_for_the_holder_and_takes_the_lock_once_released(holder, waiter):
    released = threading.Event()
    recorder = Recorder(waiter, released)

    def release() -> None:
        assert recorder.refused.wait(timeout=10)  # the waiter met the held lock
        time.sleep(0.1)  # and keeps trying meanwhile
        released.set()  # set before the COMMIT: the lock cannot be free while this is unset
        holder.execute("COMMIT")

    thread = threading.Thread(target=release)
    thread.start()
    try:
        begin_immediate(recorder, timeout=5)
    finally:
        thread.join(timeout=10)
    assert released.is_set()
    attempts = recorder.attempts()
    # It tried while the lock was held (and was refused at once: no SQLite busy handler), then
    # succeeded only after the release.
    assert attempts[0] == ("BEGIN IMMEDIATE", "OperationalError", 0, False)
    assert len(attempts) >= 2
    assert all(result == "OperationalError" for _, result, _, _ in attempts[:-1])
    assert attempts[-1][1] == "ok" and attempts[-1][3] is True
    assert {timeout for _, _, timeout, _ in attempts} == {0}  # busy_timeout=0 while retrying
    assert waiter.in_transaction
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    # The lock is really ours: a write goes through and the holder's commit is visible.
    waiter.execute("INSERT INTO t (v) VALUES ('mine')")
    waiter.execute("COMMIT")
    assert [v for (v,) in waiter.execute("SELECT v FROM t ORDER BY id")] == ["held", "mine"]


def test_it_gives_up_with_sqlite_busy_at_its_timeout_and_restores_the_busy_timeout(holder,
                                                                                    waiter):
    recorder = Recorder(waiter)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError) as caught:
        begin_immediate(recorder, timeout=0.2)
    elapsed = time.monotonic() - started
    assert caught.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert caught.value.sqlite_errorname == "SQLITE_BUSY"
    assert "database is locked" in str(caught.value)
    assert elapsed >= 0.2  # it gave up at its deadline, not before
    assert elapsed < 10  # and not after SQLite's own 30 s busy timeout
    assert len(recorder.attempts()) > 1  # it retried
    assert not waiter.in_transaction
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    assert holder.in_transaction  # the holder was never disturbed


def test_after_a_wait_and_a_timeout_the_busy_timeout_is_30_s_again(database, holder, waiter):
    waiter.execute("PRAGMA busy_timeout=1234")  # whatever it was, begin_immediate leaves 30 s
    with pytest.raises(sqlite3.OperationalError):
        begin_immediate(waiter, timeout=0.05)
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    holder.execute("COMMIT")
    begin_immediate(waiter, timeout=5)
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    waiter.execute("COMMIT")
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS


def test_a_transaction_already_open_is_refused_at_once(waiter):
    waiter.execute("BEGIN")
    recorder = Recorder(waiter)
    with pytest.raises(sqlite3.OperationalError, match="within a transaction") as caught:
        begin_immediate(recorder, timeout=30)
    assert caught.value.sqlite_errorcode == sqlite3.SQLITE_ERROR
    assert [result for _, result, _, _ in recorder.attempts()] == ["OperationalError"]
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    waiter.execute("ROLLBACK")


def test_a_file_that_is_not_a_database_is_refused_at_once(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not an SQLite database" * 100)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        recorder = Recorder(conn)
        with pytest.raises(sqlite3.DatabaseError) as caught:
            begin_immediate(recorder, timeout=30)
        assert caught.value.sqlite_errorcode == sqlite3.SQLITE_NOTADB
        assert [result for _, result, _, _ in recorder.attempts()] == ["DatabaseError"]
        assert _busy_timeout(conn) == BUSY_TIMEOUT_MS
    finally:
        conn.close()


def test_a_nested_begin_meeting_a_held_lock_is_busy_as_in_sqlite(holder, waiter):
    """SQLite takes the write lock before it notices the open transaction, so it reports
    SQLITE_BUSY (and its own busy handler would wait): begin_immediate waits out its timeout,
    and once the lock is free the nesting error comes at once."""
    waiter.execute("BEGIN")
    with pytest.raises(sqlite3.OperationalError) as caught:
        begin_immediate(waiter, timeout=0.1)
    assert caught.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    holder.execute("COMMIT")
    recorder = Recorder(waiter)
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        begin_immediate(recorder, timeout=30)
    assert len(recorder.attempts()) == 1
    assert _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    waiter.execute("ROLLBACK")


def test_a_closed_connection_is_refused_at_once(waiter):
    waiter.close()
    recorder = Recorder(waiter)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        begin_immediate(recorder, timeout=30)
    assert len(recorder.log) == 1  # nothing retried


def test_without_contention_it_takes_the_lock_at_the_first_try(waiter):
    recorder = Recorder(waiter)
    begin_immediate(recorder, timeout=0)
    assert [result for _, result, _, _ in recorder.attempts()] == ["ok"]
    assert waiter.in_transaction and _busy_timeout(waiter) == BUSY_TIMEOUT_MS
    waiter.execute("ROLLBACK")


# --- through the API -----------------------------------------------------------------------

THREADS = 2
SAVES = 30


def _count(app: Flask, model: Any, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.user_id == user_id))


def test_concurrent_new_contact_saves_all_land(app, user: ApiUser, monkeypatch):
    locks: list[float] = []
    real = extensions.begin_immediate

    def counted(dbapi_connection: Any, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
        locks.append(timeout)
        real(dbapi_connection, timeout)

    monkeypatch.setattr(extensions, "begin_immediate", counted)
    run = secrets.token_hex(4)
    start = threading.Barrier(THREADS)

    def saver(t: int) -> list[tuple[int, int | None]]:
        client = app.test_client()
        start.wait(timeout=30)
        out = []
        for i in range(SAVES):
            r = client.post("/api/v1/contacts", headers=user.headers, json={
                "name": f"Thread {t} Person {i}", "emails": [f"p{t}.{i}.{run}@example.com"],
                "profiles": [{"url": f"https://linkedin.com/in/c-{run}-{t}-{i}"}]})
            out.append((r.status_code, (r.get_json() or {}).get("id")))
        return out

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [answer for answers in pool.map(saver, range(THREADS)) for answer in answers]
    during = list(locks)  # the requests' (the checks below read outside any request)

    assert [code for code, _ in results] == [201] * THREADS * SAVES
    assert len({cid for _, cid in results}) == THREADS * SAVES
    assert _count(app, Contact, user.id) == THREADS * SAVES
    assert _count(app, Profile, user.id) == THREADS * SAVES
    if app.extensions["thrice_db"].engine.dialect.name == "sqlite":
        # Each save took the write lock once, with the request's bounded wait.
        assert len(during) >= THREADS * SAVES
        # Each waited at most the request's bound (what is left of it after queueing behind
        # this process's other writers), or not at all (recording a token's use).
        assert all(0 <= wait <= extensions.REQUEST_LOCK_WAIT for wait in during)


@pytest.fixture
def locked(sqlite_app: Flask) -> Iterator[sqlite3.Connection]:
    """Another connection holding the app database's write lock."""
    conn = _connect(Path(sqlite_app.extensions["thrice_db"].engine.url.database))
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def _last_used(app: Flask, user_id: int) -> Any:
    with app.app_context():
        return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user_id))


def test_recording_a_tokens_use_never_makes_a_read_wait(sqlite_app: Flask):
    user = new_user(sqlite_app)
    assert user.get("/nudges").status_code == 200
    with sqlite_app.app_context():  # the token's use is due to be recorded again
        db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                           .values(last_used_at=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
    before = _last_used(sqlite_app, user.id)
    holder = _connect(Path(sqlite_app.extensions["thrice_db"].engine.url.database))
    holder.execute("BEGIN IMMEDIATE")
    # Released only once the read is answered: a read that waited for the lock would
    # record the use after the release; one that skipped it records nothing.
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        answer = user.get("/nudges")
    finally:
        release.join()
        holder.close()
    assert answer.status_code == 200
    assert _last_used(sqlite_app, user.id) == before  # skipped, not waited for
    assert user.get("/nudges").status_code == 200
    assert _last_used(sqlite_app, user.id) > before  # recorded once the lock is free


def test_a_write_that_cannot_get_the_lock_answers_503_with_retry_after(
        sqlite_app: Flask, monkeypatch):
    user = new_user(sqlite_app)
    assert user.get("/nudges").status_code == 200  # the token's use is recorded: no touch
    monkeypatch.setitem(sqlite_app.config, "THRICE_LOCK_WAIT", 0.3)
    holder = _connect(Path(sqlite_app.extensions["thrice_db"].engine.url.database))
    holder.execute("BEGIN IMMEDIATE")
    try:
        answer = user.post("/contacts", json={"name": "Blocked Person"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    assert answer.get_json()["code"] == 503 and "try again" in answer.get_json()["message"]
    assert user.get("/contacts").get_json()["items"] == []  # nothing half-saved
    assert user.post("/contacts", json={"name": "Blocked Person"}).status_code == 201


@pytest.mark.parametrize("write", ["new contact", "known contact", "interaction", "nudge"])
def test_a_write_request_takes_the_write_lock_once(sqlite_app: Flask, monkeypatch, write):
    """The derived work (warmth, nudges) runs inside the write's own transaction: one wait
    for the lock, one commit."""
    user = new_user(sqlite_app)
    cid = user.post("/contacts", json={"name": "Lock Once", "role": "hiring_manager",
                                       "profiles": [{"url": "https://x.com/lockonce"}]}
                    ).get_json()["id"]
    nudge = user.get(f"/nudges?state=all&contact_id={cid}").get_json()["items"][0]
    calls: list[float] = []
    real = extensions.begin_immediate
    monkeypatch.setattr(extensions, "begin_immediate",
                        lambda conn, timeout: (calls.append(timeout), real(conn, timeout))[1])
    if write == "new contact":
        answer = user.post("/contacts", json={"name": "New", "role": "department_manager",
                                              "profiles": [{"url": "https://x.com/new1"}]})
    elif write == "known contact":
        answer = user.post("/contacts", json={"name": "Lock Once", "starred": True,
                                              "profiles": [{"url": "https://x.com/lockonce"}]})
    elif write == "interaction":
        answer = user.post(f"/contacts/{cid}/interactions", json={"type": "reply_received"})
    else:
        answer = user.post(f"/nudges/{nudge['id']}/complete", json={})
    assert answer.status_code in (200, 201), answer.get_json()
    assert len(calls) == 1 and extensions.REQUEST_LOCK_WAIT - 1 < calls[0] <= (
        extensions.REQUEST_LOCK_WAIT)
    # ... and the derived work is done: a read right after sees it.
    with sqlite_app.app_context():
        assert db.session.get(Contact, cid).dirty_at is None


def test_concurrent_saves_over_http_all_land(live_server: LiveServer):
    import json
    import urllib.request

    user = live_server.new_user()
    run = secrets.token_hex(4)
    start = threading.Barrier(THREADS)

    def saver(t: int) -> list[int]:
        start.wait(timeout=30)
        codes = []
        for i in range(SAVES):
            request = urllib.request.Request(
                f"{live_server.url}/api/v1/contacts", method="POST",
                headers={**user.headers, "Content-Type": "application/json"},
                data=json.dumps({"name": f"Http {t}.{i}", "profiles": [
                    {"url": f"https://github.com/h-{run}-{t}-{i}"}]}).encode())
            with urllib.request.urlopen(request, timeout=30) as response:
                codes.append(response.status)
        return codes

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        codes = [code for batch in pool.map(saver, range(THREADS)) for code in batch]
    assert codes == [201] * THREADS * SAVES
    assert _count(live_server.app, Contact, user.id) == THREADS * SAVES
