"""Where derived work (warmth, nudges) runs: in-process without Redis, on RQ workers with it.

Writers mark the touched contacts `warmth_pending` / `nudges_pending` inside their own
transaction, so the intent survives a Redis outage; after the commit the work is either run
right away (inline mode) or enqueued (redis mode). The catch-up sweep re-enqueues whatever is
still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app, g

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

    @app.teardown_request
    def _drop_pending(_exc: BaseException | None) -> None:
        g.pop("thrice_touched", None)


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
