"""Redis restarts while a `thrice worker` runs: the worker reconnects and does the new work.

(Redis down with the API still saving, cron's catch-up, and a SIGKILLed work-horse are covered
in tests/jobs/test_jobs.py.) The private redis-server keeps nothing on disk, so the restart
also loses the worker's registration and every queue: only reconnecting makes it work again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Contact
from tests.conftest import _make_app, new_user
from tests.jobs.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def _state(app: Any, contact_id: int) -> tuple[int | None, Any]:
    with app.app_context():
        row = db.session.execute(select(Contact.warmth_score, Contact.dirty_at)
                                 .where(Contact.id == contact_id)).one()
        db.session.remove()
        return row[0], row[1]


def test_worker_reconnects_after_a_redis_restart(
    database_url: str, private_redis: Any, processes: Any, tmp_path: Path
) -> None:
    app = _make_app(database_url, tmp_path, redis_url=private_redis.url, inline_jobs=False)
    worker = processes.thrice("worker", app, tmp_path / "worker.log")
    u = new_user(app)
    first = u.post("/contacts", json={"name": "Before"}).get_json()["id"]
    assert u.post(f"/contacts/{first}/interactions", json={"type": "call"}).status_code == 201
    wait_for(lambda: _state(app, first)[1] is None and _state(app, first)[0], 60,
             "the worker to score before the restart")

    private_redis.stop()
    private_redis.start()
    assert worker.poll() is None, "the worker died with its Redis connection"

    second = u.post("/contacts", json={"name": "After"}).get_json()["id"]
    r = u.post(f"/contacts/{second}/interactions", json={"type": "reply_received"})
    assert r.status_code == 201
    assert u.get("/health").get_json()["queue"] == "redis"
    assert _state(app, second)[1] is not None  # queued, not scored in the request
    score = wait_for(lambda: _state(app, second)[1] is None and _state(app, second)[0], 90,
                     "the same worker to reconnect and score")
    assert score == u.get(f"/contacts/{second}/warmth").get_json()["score"] > 0
    assert worker.poll() is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about Redis, not the DB
def test_cron_outlives_a_redis_outage_and_catches_up(
    database_url: str, private_redis: Any, processes: Any, tmp_path: Path
) -> None:
    """RQ's CronScheduler exits on a Redis error; `thrice cron` must wait and start it again,
    so the work saved during the outage is swept up without anyone restarting it."""
    app = _make_app(database_url, tmp_path, redis_url=private_redis.url, inline_jobs=False)
    cron_log = tmp_path / "cron.log"
    cron = processes.thrice("cron", app, cron_log)
    wait_for(lambda: "Enqueued job catch_up" in cron_log.read_text(), 30, "cron to start")
    private_redis.stop()

    u = new_user(app)
    cid = u.post("/contacts", json={"name": "During"}).get_json()["id"]
    assert u.post(f"/contacts/{cid}/interactions", json={"type": "call"}).status_code == 201
    assert _state(app, cid)[1] is not None  # saved, scoring left for the catch-up
    # The scheduler notices when it next wakes (its interval jobs run every minute).
    wait_for(lambda: "Redis unavailable" in cron_log.read_text(), 120,
             "cron to hit the outage")
    assert cron.poll() is None, "thrice cron exited on the Redis outage"

    private_redis.start()
    processes.thrice("worker", app, tmp_path / "worker.log")
    wait_for(lambda: _state(app, cid)[1] is None, 90, "catch-up after the restart")
    assert _state(app, cid)[0] == u.get(f"/contacts/{cid}/warmth").get_json()["score"]
    assert cron.poll() is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # about Redis, not the DB
def test_worker_survives_redis_dying_in_the_middle_of_a_job(
    database_url: str, private_redis: Any, processes: Any, tmp_path: Path
) -> None:
    """RQ's own worker quits when Redis drops while a job runs; `thrice worker` starts a
    fresh one once Redis is back, in the same process."""
    from redis import Redis
    from rq import Queue

    app = _make_app(database_url, tmp_path, redis_url=private_redis.url, inline_jobs=False)
    log = tmp_path / "worker.log"
    worker = processes.thrice("worker", app, log)
    Queue("default", connection=Redis.from_url(private_redis.url)).enqueue("time.sleep", 3)
    wait_for(lambda: "time.sleep(3)" in log.read_text(), 30, "the slow job to start")
    private_redis.stop()
    wait_for(lambda: "Redis unavailable" in log.read_text()
             or "stopped unexpectedly" in log.read_text(), 30, "the worker to notice")
    assert worker.poll() is None, "thrice worker exited with its Redis connection"
    private_redis.start()

    u = new_user(app)
    cid = u.post("/contacts", json={"name": "After"}).get_json()["id"]
    assert u.post(f"/contacts/{cid}/interactions", json={"type": "call"}).status_code == 201
    score = wait_for(lambda: _state(app, cid)[1] is None and _state(app, cid)[0], 90,
                     "the restarted worker to score")
    assert score > 0 and worker.poll() is None
