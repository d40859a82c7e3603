"""Periodic jobs without Redis: a thread in the gunicorn master runs the same schedule.

With Redis, `thrice cron` drives the schedule instead; this keeps `thrice serve` alone a
complete system on the embedded defaults.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)


def _cron_due(expr: str, last: datetime | None, now: datetime) -> bool:
    from croniter import croniter

    base = last or now.replace(second=0, microsecond=0)
    return croniter(expr, base).get_next(datetime) <= now


def run_forever(stop: threading.Event, tick: float = 5.0) -> None:
    from server.jobs.schedule import SCHEDULE

    last_run: dict[str, datetime] = {}
    while not stop.is_set():
        now = datetime.now(UTC)
        for item in SCHEDULE:
            name = item.func.__name__
            last = last_run.get(name)
            if item.interval is not None:
                due = last is None or (now - last).total_seconds() >= item.interval
            else:
                due = item.cron is not None and _cron_due(item.cron, last, now)
                if last is None and not due:
                    last_run[name] = now  # cron jobs wait for their first slot
            if due:
                last_run[name] = now
                try:
                    item.func()
                except Exception:  # noqa: BLE001 - keep the schedule alive; next tick retries
                    log.exception("periodic job %s failed", name)
        stop.wait(tick)


def gunicorn_hooks() -> dict[str, Any]:
    stop = threading.Event()

    def when_ready(_server: Any) -> None:
        threading.Thread(target=run_forever, args=(stop,), name="thrice-schedule",
                         daemon=True).start()

    def on_exit(_server: Any) -> None:
        stop.set()

    return {"when_ready": when_ready, "on_exit": on_exit}

