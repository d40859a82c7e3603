"""Entry points behind `thrice worker`, `thrice cron` and `thrice rescore`."""

from __future__ import annotations

import json
import logging
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rq import Queue, Worker
from rq.cron import CronScheduler
from rq.job import JobStatus

from server import create_app
from server.config import Settings
from server.extensions import db
from server.jobs import queues, tasks
from server.jobs.context import set_worker_app
from server.jobs.schedule import SCHEDULE
from server.services.processing import full_plan, process_plan
from server.services.users import find_user

log = logging.getLogger(__name__)


def _redis_or_exit(settings: Settings) -> Redis:
    if not settings.redis_url:
        raise SystemExit(
            "REDIS_URL is not set: without Redis, `thrice serve` runs the jobs in-process and "
            "no worker is needed. Set REDIS_URL=redis://127.0.0.1:6379/0 to use workers."
        )
    return Redis.from_url(settings.redis_url)


class ThriceWorker(Worker):
    """RQ's worker, remembering whether it was asked to stop (SIGINT/SIGTERM)."""

    stop_requested = False

    def request_stop(self, signum: int, frame: object) -> None:
        self.stop_requested = True
        super().request_stop(signum, frame)


def run_worker(burst: bool = False) -> int:
    settings = Settings.from_env()
    connection = _redis_or_exit(settings)
    set_worker_app(create_app(settings))
    delay = 1.0
    # RQ's worker quits when Redis drops while a job runs; a Thrice worker waits for Redis
    # and starts a fresh RQ worker, so an outage needs nobody to restart anything.
    while True:
        worker = ThriceWorker([Queue(name, connection=connection) for name in queues.ALL],
                        connection=connection)
        try:
            worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level)
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("Redis unavailable; the worker starts again in %.0fs", delay)
        else:
            if burst or worker.stop_requested:
                return 0
            log.warning("the RQ worker stopped unexpectedly; starting again in %.0fs", delay)
        time.sleep(delay)
        delay = min(delay * 2, 30.0)


def run_cron() -> int:
    """RQ's CronScheduler, restarted whenever Redis drops.

    RQ's worker reconnects by itself but its CronScheduler exits on the first Redis error, which
    would leave no catch-up sweep to finish the work saved during the outage; a fresh scheduler
    also re-runs the interval jobs at once, so catch-up starts as soon as Redis is back.
    """
    settings = Settings.from_env()
    connection = _redis_or_exit(settings)
    delay = 1.0
    while True:
        try:
            connection.ping()
            scheduler = CronScheduler(connection=connection, logging_level=settings.log_level)
            for item in SCHEDULE:
                scheduler.register(item.func, queue_name=item.queue, interval=item.interval,
                                   cron=item.cron, job_timeout=item.timeout)
            delay = 1.0
            scheduler.start()  # returns on SIGTERM / Ctrl-C
            return 0
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.error("cron: Redis unavailable (%s); retrying in %.0f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 30.0)


def _progress() -> Progress:
    return Progress(TextColumn("rescoring"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn())


def run_rescore(email: str | None) -> int:
    settings = Settings.from_env()
    app = create_app(settings)
    with app.app_context():
        user_id = None
        if email:
            user = find_user(db.session, email)
            if user is None:
                raise SystemExit(f"no user {email}; create one with `thrice user create`")
            user_id = user.id
        if app.extensions["thrice_queue"].mode == "inline":
            return _rescore_inline(user_id)
    return _rescore_via_redis(settings, user_id)


def _rescore_inline(user_id: int | None) -> int:
    session = db.session
    plan = full_plan(session, user_id)
    started = time.perf_counter()
    with _progress() as bar:
        task = bar.add_task("rescore", total=sum(len(ids) for _, ids in plan), rate="")

        def on_chunk(done: int, _total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=done, rate=f"{rate:,.0f}/s")

        done = process_plan(session, plan, on_chunk=on_chunk)
    print(f"rescored {done} contacts in {time.perf_counter() - started:.1f}s")
    return 0


def _rescore_via_redis(settings: Settings, user_id: int | None) -> int:
    connection = _redis_or_exit(settings)
    job = Queue(queues.DEFAULT, connection=connection).enqueue(
        tasks.recompute_all, user_id, retry=queues.RETRY, job_timeout=queues.FULL_RECOMPUTE_TIMEOUT)
    print(f"enqueued full recompute as job {job.id}; following it (Ctrl-C stops following only)")
    started = time.perf_counter()
    warned = False
    with _progress() as bar:
        task = bar.add_task("rescore", total=None, rate="")
        while True:
            raw = connection.get(tasks.progress_key(job.id))
            if raw:
                progress = json.loads(raw)
                bar.update(task, total=progress["total"], completed=progress["done"])
            status = job.get_status(refresh=True)
            if status == JobStatus.FINISHED:
                break
            if status == JobStatus.FAILED:
                print("the recompute failed; see the worker's log")
                return 1
            if status == JobStatus.QUEUED and not warned and time.perf_counter() - started > 10:
                bar.console.print("still queued: is a worker running? start one with "
                                  "`thrice worker`")
                warned = True
            time.sleep(0.5)
    print(f"rescored {job.return_value()} contacts in {time.perf_counter() - started:.1f}s")
    return 0
