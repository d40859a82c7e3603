"""Where derived work (warmth, nudges) runs: in-process without Redis, on RQ workers with it.

Writers stamp the touched contacts' `dirty_at` inside their own
transaction, so the intent survives a Redis outage; after the commit the work is either run
right away (inline mode) or enqueued (redis mode). The catch-up sweep (`tasks.catch_up`,
every minute) processes whatever is still marked.

Bulk imports in inline mode are the exception to "right away": scoring and re-checking the
nudges of 1000 contacts costs about as much as importing them, so a batch that touches more
than `SYNC_LIMIT` contacts is handed to a background thread of this process (`_Drainer`) and
the response does not wait for it. The thread works in chunks of `DRAIN_CHUNK` contacts with
`tasks.process_contacts_job`, and only once no import has arrived for `QUIET` seconds in any
of the server's worker processes (they share the time through a marker file in the instance
folder), so it neither holds SQLite's write lock against the next batch nor competes for the
CPU with it: ingest first, scoring right after. The
contacts keep their `dirty_at` marks until it is done, so the periodic catch-up sweep finishes
whatever a crash or a restart loses. Single-contact writes (POST /contacts, interactions,
PATCH) and small batches stay synchronous: SPEC §5.2 promises that, without Redis, a read
right after a write sees its nudges. With Redis, bulk work is enqueued like any other.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, current_app, g

from server.config import Settings

log = logging.getLogger(__name__)
SYNC_LIMIT = 100  # contacts: a bulk write touching more is scored in the background (inline)
DRAIN_CHUNK = 250  # contacts per background transaction: short write locks
QUIET = 1.0  # seconds without a bulk write before the background thread starts a chunk
# The catch-up sweep leaves marked contacts to the background thread while a bulk import is
# running (and for this long after its last batch): doing them twice would slow the import.
BULK_GRACE = 30.0


@dataclass
class QueueBackend:
    mode: str  # "inline" or "redis"
    redis_url: str | None = None
    _redis: object | None = field(default=None, repr=False)

    def connection(self):  # noqa: ANN201 - redis.Redis
        from redis import Redis

        if self._redis is None:
            self._redis = Redis.from_url(
                self.redis_url or "", socket_connect_timeout=1, socket_timeout=2
            )
        return self._redis


def init_queue(app: Flask, settings: Settings) -> None:
    inline = settings.inline_jobs if settings.inline_jobs is not None else not settings.redis_url
    queue_backend = QueueBackend(mode="inline" if inline else "redis",
                                 redis_url=settings.redis_url)
    app.extensions["thrice_queue"] = queue_backend

    @app.after_request
    def _dispatch(response: Response) -> Response:
        touched: dict[int, set[int]] = g.pop("thrice_touched", {})
        deferrable: dict[int, set[int]] = g.pop("thrice_touched_bulk", {})
        users: set[int] = g.pop("thrice_users_changed", set())
        for user_id in users:
            touched.pop(user_id, None)
            deferrable.pop(user_id, None)
            dispatch_user(user_id)
        for user_id, ids in deferrable.items():
            ids -= touched.get(user_id, set())
            if queue_backend.mode == "inline" and len(ids) > SYNC_LIMIT:
                _drainer.submit(app, user_id, sorted(ids))
            else:
                touched.setdefault(user_id, set()).update(ids)
        for user_id, ids in touched.items():
            dispatch_contacts(user_id, sorted(ids))
        return response


def backend() -> QueueBackend:
    return current_app.extensions["thrice_queue"]


def queue_health() -> str:
    """'inline', 'redis' (reachable) or 'down'."""
    qb = backend()
    if qb.mode == "inline":
        return "inline"
    try:
        qb.connection().ping()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any Redis failure means the queue is down
        return "down"
    return "redis"


def note_bulk_started() -> None:
    """A bulk write begins: background scoring holds off (it also does when one ends)."""
    _drainer.activity(_activity_marker())


def note_touched(user_id: int, contact_ids: Iterable[int], *, deferrable: bool = False) -> None:
    """Remember contacts whose derived data must be recomputed after this request commits.

    `deferrable`: a bulk write, whose work may run after the response (see the module doc).
    """
    if deferrable:
        _drainer.activity(_activity_marker())
    key = "thrice_touched_bulk" if deferrable else "thrice_touched"
    touched: dict[int, set[int]] = g.setdefault(key, {})
    touched.setdefault(user_id, set()).update(contact_ids)


def bulk_import_active() -> bool:
    """A bulk import wrote in this instance within BULK_GRACE seconds (inline mode only)."""
    marker = _activity_marker()
    if marker is None:
        return False
    try:
        return time.time() - os.stat(marker).st_mtime < BULK_GRACE
    except OSError:
        return False


def _activity_marker() -> str | None:
    """A file shared by this server's worker processes (gunicorn runs several)."""
    if backend().mode != "inline":
        return None
    return os.path.join(current_app.instance_path, "bulk-activity")


def note_user_changed(user_id: int) -> None:
    """Settings that change due times (zone, weekend, pause) re-evaluate all the user's nudges."""
    g.setdefault("thrice_users_changed", set()).add(user_id)


def _enqueue(queue_name: str, func: Callable[..., object], *args: object) -> bool:
    from rq import Queue

    from server.jobs.queues import JOB_TIMEOUT, RETRY

    try:
        Queue(queue_name, connection=backend().connection()).enqueue(
            func, *args, retry=RETRY, job_timeout=JOB_TIMEOUT, result_ttl=600, failure_ttl=86400
        )
    except Exception:  # noqa: BLE001 - Redis down: the dirty marks stay, catch-up finishes it
        log.warning("could not enqueue %s%s; left for the catch-up sweep", func.__name__, args,
                    exc_info=True)
        return False
    return True


def _run_inline(func: Callable[..., object], *args: object) -> None:
    from server.extensions import db

    try:
        func(*args)
    except Exception:  # noqa: BLE001 - the write is saved; catch-up retries the derived work
        db.session.rollback()
        log.exception("in-process job %s%s failed; left for the catch-up sweep",
                      func.__name__, args)


def dispatch_contacts(user_id: int, contact_ids: list[int]) -> None:
    from server.jobs import queues, tasks

    if backend().mode == "inline":
        _run_inline(tasks.process_contacts_job, user_id, contact_ids)
    else:
        _enqueue(queues.SCORES, tasks.process_contacts_job, user_id, contact_ids)


def dispatch_user(user_id: int) -> None:
    from server.jobs import queues, tasks

    if backend().mode == "inline":
        _run_inline(tasks.process_user_job, user_id)
    else:
        _enqueue(queues.SCORES, tasks.process_user_job, user_id)


class _Drainer:
    """This process's background thread for bulk imports' derived work (inline mode only)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Flask, int, list[int]]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._last_activity = 0.0
        self._marker: str | None = None

    def activity(self, marker: str | None) -> None:
        """A bulk write happened: note it here and, for the server's other worker processes,
        in the marker file's modification time."""
        self._last_activity = time.time()
        if marker is not None:
            try:
                os.utime(marker)
            except FileNotFoundError:
                with contextlib.suppress(OSError):
                    Path(marker).touch()
            except OSError:
                pass
            self._marker = marker

    def submit(self, app: Flask, user_id: int, contact_ids: list[int]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                # Started lazily, in the process that serves requests (gunicorn forks workers
                # from its master; a thread doesn't survive a fork).
                self._queue = queue.Queue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="thrice-bulk-drainer",
                                                daemon=True)
                self._thread.start()
            self._queue.put((app, user_id, contact_ids))

    def _last(self) -> float:
        last = self._last_activity
        if self._marker is not None:
            with contextlib.suppress(OSError):
                last = max(last, os.stat(self._marker).st_mtime)
        return last

    def _wait_quiet(self) -> None:
        while (left := self._last() + QUIET - time.time()) > 0:
            time.sleep(min(left, QUIET))

    def _run(self) -> None:
        from server.jobs import tasks
        from server.services.processing import chunks

        while True:
            app, user_id, ids = self._queue.get()
            for chunk in chunks(ids, DRAIN_CHUNK):
                self._wait_quiet()
                with app.app_context():
                    _run_inline(tasks.process_contacts_job, user_id, chunk)
            self._queue.task_done()

    def join(self) -> None:
        """Wait until every submitted batch is processed (tests, orderly shutdown)."""
        self._queue.join()


_drainer = _Drainer()
