"""Process-wide extensions, created unbound and bound in create_app()."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from server.sqlite_lock import BUSY_TIMEOUT_MS, begin_immediate

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if has_request_context() and request.method in _SAFE_METHODS:
            conn.exec_driver_sql("BEGIN")
        else:
            begin_immediate(conn.connection.driver_connection)


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
            from server.rawsql import release_request_connection

            release_request_connection()
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

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session outside the request's, committed on success (used by jobs)."""
        session = self._bound().factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


db = Database()
