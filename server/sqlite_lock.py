"""Taking SQLite's write lock without SQLite's coarse sleeps.

SQLite's busy handler waits 1 ms, then 2, 5, 10... ms between tries, but a Thrice write holds
the lock for a fraction of a millisecond. With two gunicorn workers saving contacts at once, a
save that found the lock taken slept ten times longer than it had to wait: a quarter of the
workers' time went to sleep under load (docs/performance.md). So every write transaction here
starts with `begin_immediate`, which retries in steps from 20 µs, growing by half up to 1 ms,
for as long as the busy timeout allows; everything else keeps SQLite's own busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

BUSY_TIMEOUT_MS = 30_000
_FIRST_STEP = 20e-6
_LONGEST_STEP = 1e-3


def begin_immediate(dbapi_connection: Any, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """BEGIN IMMEDIATE on a sqlite3 connection; raises sqlite3's "database is locked" as
    SQLite would once `timeout` seconds have passed."""
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        step = _FIRST_STEP
        deadline = time.monotonic() + timeout
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            time.sleep(step)
            step = min(step * 1.5, _LONGEST_STEP)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class WriterGate:
    """One writer at a time per process, in front of SQLite's own lock.

    A gunicorn worker runs several threads; when each of them retried SQLite's lock on its own,
    the one holding it had to win the GIL from the others' retries to finish, and writes slowed
    to a crawl. Threads of one process now queue on a plain lock (no polling), so only one of
    them at a time asks SQLite, which settles who writes between processes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def acquire(self, timeout: float) -> bool:
        return self._lock.acquire(timeout=max(timeout, 0.0)) if timeout > 0 else \
            self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()
