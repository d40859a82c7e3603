"""Where derived work (warmth, nudges) runs after a request: in-process or on RQ workers.

Services do the work of a single write inside the write's own transaction when jobs run
in-process (`services.changes`); what they leave pending (everything, with Redis; bulk imports
and settings changes, without) is dispatched here once the request's transaction is over.

Bulk imports in inline mode: scoring and re-checking the nudges of 1000 contacts costs about as
much as importing them, so a batch that touches more than `SYNC_LIMIT` contacts is handed to a
background thread of this process (`_Drainer`) and the response does not wait for it. The
thread works in chunks of `DRAIN_CHUNK` contacts, and only once no import has arrived for
`QUIET` seconds in any of the server's worker processes (`bulk_activity`), so it neither holds
SQLite's write lock against the next batch nor competes for the CPU with it: ingest first,
scoring right after. The contacts keep their `dirty_at` marks until it is done, so the
periodic catch-up sweep finishes whatever a crash or a restart loses. With Redis, bulk work is
enqueued like any other.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, current_app
from redis import Redis
from rq import Queue

from server.config import Settings
from server.extensions import db
from server.jobs import bulk_activity, queues, tasks
from server.services.changes import INLINE_JOBS, take_pending
from server.services.processing import chunks

log = logging.getLogger(__name__)
SYNC_LIMIT = 100  # contacts: a bulk write touching more is scored in the background (inline)
DRAIN_CHUNK = 250  # contacts per background transaction: short write locks
QUIET = 1.0  # seconds without a bulk write before the background thread starts a chunk


@dataclass
class QueueBackend:
    mode: str  # "inline" or "redis"
    redis_url: str | None = None
    _redis: Redis | None = field(default=None, repr=False)

    def connection(self) -> Redis:
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
    app.config[INLINE_JOBS] = inline

    @app.after_request
    def _dispatch(response: Response) -> Response:
        pending = take_pending(db.session)
        if not pending:
            return response
        for user_id in pending.users:
            pending.contacts.pop(user_id, None)
            pending.bulk.pop(user_id, None)
            dispatch_user(user_id)
        for user_id, ids in pending.bulk.items():
            ids -= pending.contacts.get(user_id, set())
            if queue_backend.mode == "inline" and len(ids) > SYNC_LIMIT:
                bulk_activity.touch(bulk_activity.marker())
                _drainer.submit(app, user_id, sorted(ids))
            else:
                pending.contacts.setdefault(user_id, set()).update(ids)
        for user_id, ids in pending.contacts.items():
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
        qb.connection().ping()
    except Exception:  # noqa: BLE001 - any Redis failure means the queue is down
        return "down"
    return "redis"


def note_bulk_started() -> None:
    """A bulk write begins: background scoring holds off (it also does when one ends)."""
    _drainer.activity()
    bulk_activity.touch(bulk_activity.marker())


def _enqueue(queue_name: str, func: Callable[..., object], *args: object) -> bool:
    try:
        Queue(queue_name, connection=backend().connection()).enqueue(
            func, *args, retry=queues.RETRY, job_timeout=queues.JOB_TIMEOUT, result_ttl=600,
            failure_ttl=86400)
    except Exception:  # noqa: BLE001 - Redis down: the dirty marks stay, catch-up finishes it
        log.warning("could not enqueue %s%s; left for the catch-up sweep", func.__name__, args,
                    exc_info=True)
        return False
    return True


def _run_inline(func: Callable[..., object], *args: object) -> None:
    try:
        func(*args)
    except Exception:  # noqa: BLE001 - the write is saved; catch-up retries the derived work
        db.session.rollback()
        log.exception("in-process job %s%s failed; left for the catch-up sweep",
                      func.__name__, args)


def dispatch_contacts(user_id: int, contact_ids: list[int]) -> None:
    if backend().mode == "inline":
        _run_inline(tasks.process_contacts_job, user_id, contact_ids)
    else:
        _enqueue(queues.SCORES, tasks.process_contacts_job, user_id, contact_ids)


def dispatch_user(user_id: int) -> None:
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

    def activity(self) -> None:
        self._last_activity = time.time()

    def submit(self, app: Flask, user_id: int, contact_ids: list[int]) -> None:
        self._marker = bulk_activity.marker()
        self.activity()
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
        return max(self._last_activity, bulk_activity.last_activity(self._marker))

    def _wait_quiet(self) -> None:
        while (left := self._last() + QUIET - time.time()) > 0:
            time.sleep(min(left, QUIET))

    def _run(self) -> None:
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
