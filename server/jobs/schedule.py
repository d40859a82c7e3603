"""The periodic schedule, as data: read by `thrice cron` (RQ's CronScheduler) and by the
in-process scheduler that `thrice serve` runs when there is no Redis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.jobs import queues, tasks


@dataclass(frozen=True)
class Periodic:
    func: Callable[..., object]
    queue: str
    interval: int | None = None  # seconds
    cron: str | None = None      # UTC crontab
    timeout: int = queues.JOB_TIMEOUT


SCHEDULE: tuple[Periodic, ...] = (
    # At least every minute, and at cron start (interval jobs run on registration).
    Periodic(tasks.catch_up, queues.DEFAULT, interval=60),
    Periodic(tasks.nudge_sweep, queues.NUDGES, interval=60),
    # Digests at each user's local time, pushes at notify_at; also GET /health's pulse.
    Periodic(tasks.notify_due, queues.NUDGES, interval=60),
    # Mail in: each connected mailbox, incrementally (a long first read gets the full hour).
    Periodic(tasks.mail_sync, queues.DEFAULT, interval=300,
             timeout=queues.FULL_RECOMPUTE_TIMEOUT),
    Periodic(tasks.recompute_all, queues.DEFAULT, cron="15 3 * * *",
             timeout=queues.FULL_RECOMPUTE_TIMEOUT),
)
