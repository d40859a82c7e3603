"""Answers kept between requests for as long as SQLite says nothing has changed.

The popup asks for its list, and every request for its token's user, far more often than
anything changes (SPEC §9 sets the popup's throughput at 60 % of a bare Flask endpoint). On
SQLite, `PRAGMA data_version` on a connection changes whenever any *other* connection, in any
process, commits to the database. `ChangeWatch` keeps a connection of its own that never
writes, so one cheap statement tells whether anything at all was committed since an answer was
made: no write path has to remember to invalidate anything, and nothing can be missed. What
changes with time alone (a nudge falling due) is handled by each answer's own limit
(`Kept.until`).

A kept answer is used only when the version is the one read *before* the answer was computed,
so a commit racing with the computation makes it stale at once rather than kept.
PostgreSQL has no such counter, so nothing is kept there.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine


class ChangeWatch:
    """`version()` changes whenever anything is committed to the SQLite database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._pid = -1
        self._fairy: Any = None

    def _connection(self) -> Any:
        if self._pid != os.getpid():  # a fork (gunicorn --preload) must not share it
            fairy = self.engine.raw_connection()
            fairy.detach()  # ours for good: the pool never hands it to a writer
            self._fairy, self._pid = fairy, os.getpid()
        return self._fairy.dbapi_connection

    def version(self) -> int:
        with self._lock:
            return int(self._connection().execute("PRAGMA data_version").fetchone()[0])


@dataclass(frozen=True, slots=True)
class Kept:
    version: int  # ChangeWatch.version() read before the answer was computed
    until: datetime | None  # when time alone changes the answer
    value: Any


class AnswerCache:
    """A bounded, least-recently-used store of `Kept` answers."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()

    def get(self, key: Hashable, version: int, now: datetime) -> Kept | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept.version != version or (kept.until is not None and now >= kept.until):
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: Kept) -> None:
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


class ReadCache:
    """The app's kept answers and the watch that says when they are stale (SQLite only).

    `lookup(key, now)` answers (hit, value, version); on a miss the caller computes the value
    and hands `version` back to `keep`, so a commit that raced the computation is never kept.
    """

    def __init__(self, engine: Engine) -> None:
        self.watch = ChangeWatch(engine) if engine.dialect.name == "sqlite" else None
        self.answers = AnswerCache()

    @property
    def enabled(self) -> bool:
        return self.watch is not None

    def lookup(self, key: Hashable, now: datetime) -> tuple[bool, Any, int]:
        assert self.watch is not None
        version = self.watch.version()
        kept = self.answers.get(key, version, now)
        if kept is None:
            return False, None, version
        return True, kept.value, version

    def keep(self, key: Hashable, version: int, until: datetime | None, value: Any) -> None:
        self.answers.put(key, Kept(version, until, value))
