"""Periodic jobs without Redis: a process beside the gunicorn master runs the same schedule.

With Redis, `thrice cron` drives the schedule instead; this keeps `thrice serve` alone a
complete system on the embedded defaults.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from typing import Any

from croniter import croniter

from server import create_app
from server.jobs.context import set_worker_app
from server.jobs.schedule import SCHEDULE

log = logging.getLogger(__name__)


def _cron_due(expr: str, last: datetime | None, now: datetime) -> bool:
    base = last or now.replace(second=0, microsecond=0)
    return croniter(expr, base).get_next(datetime) <= now


def run_forever(stop: threading.Event, tick: float = 5.0, parent: int | None = None) -> None:
    last_run: dict[str, datetime] = {}
    while not stop.is_set():
        if parent is not None and os.getppid() != parent:
            return  # the server went away without telling us
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


def main(parent: int) -> None:
    """Entry point of the schedule process (`python -m server.jobs.inline_schedule PID`)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    set_worker_app(create_app())
    run_forever(stop, parent=parent)


def gunicorn_hooks() -> dict[str, Any]:
    """Run the schedule in a separate process next to the gunicorn master.

    Not a thread in the master: gunicorn forks its workers from the master, and a fork taken
    while that thread held the import lock (or any other lock) deadlocks the worker. Not
    multiprocessing either: forked workers would inherit its child bookkeeping.
    """
    holder: dict[str, subprocess.Popen[bytes]] = {}

    def when_ready(_server: Any) -> None:
        holder["proc"] = subprocess.Popen(
            [sys.executable, "-m", "server.jobs.inline_schedule", str(os.getpid())])

    def on_exit(_server: Any) -> None:
        proc = holder.pop("proc", None)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    return {"when_ready": when_ready, "on_exit": on_exit}


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("THRICE_LOG_LEVEL", "INFO"))
    main(int(sys.argv[1]))
