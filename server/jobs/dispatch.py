"""Where derived work (warmth, nudges) runs: in-process without Redis, on RQ workers with it.

Writers stamp the touched contacts' `dirty_at` inside their own
transaction, so the intent survives a Redis outage; after the commit the work is either run
right away (inline mode) or enqueued (redis mode). The catch-up sweep re-enqueues whatever is
still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g

from server.config import Settings

log = logging.getLogger(__name__)


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
    backend = QueueBackend(mode="inline" if inline else "redis", redis_url=settings.redis_url)
    app.extensions["thrice_queue"] = backend

    @app.after_request
    def _dispatch(response: Response) -> Response:
        touched: dict[int, set[int]] = g.pop("thrice_touched", {})
        users: set[int] = g.pop("thrice_users_changed", set())
        for user_id in users:
            touched.pop(user_id, None)
            dispatch_user(user_id)
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


def note_touched(user_id: int, contact_ids: Iterable[int]) -> None:
    """Remember contacts whose derived data must be recomputed after this request commits."""
    touched: dict[int, set[int]] = g.setdefault("thrice_touched", {})
    touched.setdefault(user_id, set()).update(contact_ids)


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
