"""Process-wide extensions, created unbound and bound in create_app()."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from server.read_cache import ReadCache
from server.sqlite_lock import BUSY_TIMEOUT_MS, WriterGate, begin_immediate

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Execution options of a connection: READ_ONLY begins a plain (deferred) transaction whatever the
# request's method; LOCK_WAIT, the seconds a write transaction may wait for SQLite's write lock
# (0: one try, for writes worth skipping rather than waiting for).
READ_ONLY = "thrice_read_only"
LOCK_WAIT = "thrice_lock_wait"
_CHANGES = "thrice_total_changes"  # the connection's sqlite3 total_changes when it began
_GATED = "thrice_gated"  # this connection holds its process's WriterGate
# A request waits for the write lock at most this long, well before gunicorn's worker timeout:
# then it answers 503 with Retry-After. Jobs and commands wait longer.
REQUEST_LOCK_WAIT = 10.0
JOB_LOCK_WAIT = BUSY_TIMEOUT_MS / 1000


def write_lock_wait() -> float:
    """Seconds this transaction may wait for SQLite's write lock (THRICE_LOCK_WAIT in the
    app's config overrides a request's, for tests)."""
    if has_request_context():
        return float(current_app.config.get("THRICE_LOCK_WAIT", REQUEST_LOCK_WAIT))
    return JOB_LOCK_WAIT


def _configure_sqlite(engine: Engine) -> None:
    """WAL + busy timeout, and BEGIN IMMEDIATE for writes.

    A deferred SQLite transaction that reads and then writes cannot wait for a busy writer (the
    busy handler is skipped to avoid deadlock) and fails with "database is locked"; taking the
    write lock up front makes concurrent writers queue on the busy timeout instead (in short
    steps: see sqlite_lock).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint every ~40 MB of WAL, not every 4 MB: with two workers writing, a
        # checkpoint often cannot finish (the other holds a snapshot), and until one does every
        # commit tries again, with an fdatasync each (docs/performance.md).
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    gate = WriterGate()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        wait = options.get(LOCK_WAIT)
        dbapi_conn = conn.connection.driver_connection
        conn.info[_CHANGES] = dbapi_conn.total_changes
        if options.get(READ_ONLY) or (wait is None and _request_reads_now()):
            conn.exec_driver_sql("BEGIN")
            return
        wait = write_lock_wait() if wait is None else wait
        deadline = time.monotonic() + wait
        if not gate.acquire(wait):
            raise DBAPIError.instance("BEGIN IMMEDIATE", (), _locked(), sqlite3.Error,
                                      dialect=engine.dialect)
        conn.info[_GATED] = True
        try:
            begin_immediate(dbapi_conn, max(deadline - time.monotonic(), 0.0))
        except sqlite3.Error as exc:  # as SQLAlchemy raises the driver's errors everywhere else
            _ungate(conn)
            raise DBAPIError.instance("BEGIN IMMEDIATE", (), exc, sqlite3.Error,
                                      dialect=engine.dialect) from exc

    def _ungate(conn: Any) -> None:
        if conn.info.pop(_GATED, False):
            gate.release()

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        # The request's own write, committed (a transaction that wrote nothing, or a side
        # transaction with options of its own such as the record of a token's use, is not).
        if (has_request_context() and request.method not in _SAFE_METHODS
                and LOCK_WAIT not in conn.get_execution_options()
                and conn.connection.driver_connection.total_changes
                > conn.info.get(_CHANGES, 0)):
            g.thrice_wrote = True
        _ungate(conn)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        _ungate(conn)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        # A connection back in the pool with its transaction still open: never keep the gate.
        if record.info.pop(_GATED, False):
            gate.release()


def _locked() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("database is locked")
    exc.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    return exc


def _request_reads_now() -> bool:
    """This request's next transaction only reads: a safe method, or a write request whose
    write is committed already (its answer is read afterwards: taking the write lock again
    for that would make it wait twice)."""
    if not has_request_context():
        return False
    return request.method in _SAFE_METHODS or bool(g.get("thrice_wrote"))


class _BoundDatabase:
    """One app's engine and its scoped session."""

    def __init__(self, url: str) -> None:
        is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {}
        if is_sqlite:
            if ":memory:" in url or url in {"sqlite://", "sqlite:///"}:
                raise ValueError("use a file for SQLite; in-memory databases are per connection")
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(url, **kwargs)
        if is_sqlite:
            _configure_sqlite(self.engine)
        self.factory: sessionmaker[Session] = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.factory)
        self.read_cache = ReadCache(self.engine)


class Database:
    """A minimal Flask binding for SQLAlchemy 2: one engine per app, one session per context.

    State lives in ``app.extensions`` so several apps (SQLite and PostgreSQL in one test run)
    can coexist in a process.
    """

    def init_app(self, app: Flask, url: str) -> None:
        bound = _BoundDatabase(url)
        app.extensions["thrice_db"] = bound

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            bound.session.remove()

    @staticmethod
    def _bound() -> _BoundDatabase:
        return current_app.extensions["thrice_db"]

    @property
    def session(self) -> scoped_session[Session]:
        return self._bound().session

    @property
    def engine(self) -> Engine:
        return self._bound().engine

    def read_cache(self) -> ReadCache | None:
        """The kept answers (server.read_cache), or None where nothing may be kept: PostgreSQL,
        or THRICE_READ_CACHE off (tests may turn it off in the app's config)."""
        app = current_app
        if not app.config.get("THRICE_READ_CACHE", app.config["THRICE"].read_cache):
            return None
        cache = self._bound().read_cache
        return cache if cache.enabled else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


db = Database()
