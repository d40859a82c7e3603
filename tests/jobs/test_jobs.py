"""Warmth jobs through a real Redis and real `thrice worker` / `thrice cron` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import queues, tasks
from server.models import Contact, Interaction
from tests.conftest import new_user
from tests.jobs.conftest import wait_for

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _contact_state(app, contact_id: int) -> tuple[int | None, object]:
    with app.app_context():
        row = db.session.execute(
            select(Contact.warmth_score, Contact.dirty_at).where(Contact.id == contact_id)).one()
        db.session.remove()
        return row[0], row[1]


def test_inline_mode_scores_before_the_response(app):
    u = new_user(app)
    cid = u.post("/contacts", json={"name": "Ada"}).get_json()["id"]
    assert u.post(f"/contacts/{cid}/interactions", json={"type": "email_sent"}).status_code == 201
    warmth = u.get(f"/contacts/{cid}").get_json()["warmth"]
    assert warmth["score"] == 8 and warmth["band"] == "cold"
    assert _contact_state(app, cid)[1] is None  # nothing left for the catch-up sweep


def test_write_enqueues_and_a_real_worker_scores(redis_app, processes, tmp_path: Path):
    u = new_user(redis_app)
    cid = u.post("/contacts", json={"name": "Bo"}).get_json()["id"]
    r = u.post(f"/contacts/{cid}/interactions", json={"type": "reply_received"})
    assert r.status_code == 201
    assert u.get("/health").get_json()["queue"] == "redis"
    conn = Redis.from_url(redis_app.config["THRICE"].redis_url)
    assert Queue(queues.SCORES, connection=conn).count >= 1
    score, dirty = _contact_state(redis_app, cid)
    assert score == 0 and dirty is not None  # scored at creation; the reply waits for a worker

    processes.thrice("worker", redis_app, tmp_path / "worker.log")
    score = wait_for(lambda: _contact_state(redis_app, cid)[0], 30, "the worker to score")
    assert score == u.get(f"/contacts/{cid}/warmth").get_json()["score"] > 0
    assert _contact_state(redis_app, cid)[1] is None


def test_a_new_contact_needs_no_job(redis_app):
    """Saving a person with no history stores its final state at once (its warmth is that of no
    events, and no rule can fire yet): nothing is enqueued and nothing is left dirty."""
    u = new_user(redis_app)
    conn = Redis.from_url(redis_app.config["THRICE"].redis_url)
    before = Queue(queues.SCORES, connection=conn).count
    created = u.post("/contacts", json={"name": "Di", "profiles": [{"url": "https://x.com/di"}]})
    assert created.status_code == 201
    assert created.get_json()["warmth"]["score"] == 0
    assert _contact_state(redis_app, created.get_json()["id"]) == (0, None)
    assert Queue(queues.SCORES, connection=conn).count == before
    # A manager can get R7's warm-up nudge, so that save goes to the workers.
    manager = u.post("/contacts", json={"name": "Ed", "role": "hiring_manager",
                                        "profiles": [{"url": "https://x.com/ed"}]})
    assert manager.status_code == 201
    assert Queue(queues.SCORES, connection=conn).count == before + 1


def test_redis_down_saves_everything_and_cron_catches_up(
    database_url, private_redis, processes, tmp_path: Path
):
    from tests.conftest import _make_app

    app = _make_app(database_url, tmp_path, redis_url=private_redis.url, inline_jobs=False)
    u = new_user(app)
    private_redis.stop()

    created = u.post("/contacts", json={"name": "Cy", "profiles": [{"url": "https://x.com/cy"}]})
    assert created.status_code == 201
    cid = created.get_json()["id"]
    assert u.post(f"/contacts/{cid}/interactions", json={"type": "call"}).status_code == 201
    health = u.get("/health")
    assert health.get_json()["queue"] == "down"
    assert u.get(f"/contacts/{cid}/interactions").get_json()["items"][0]["type"] == "call"
    score, dirty = _contact_state(app, cid)
    assert score == 0 and dirty is not None  # the call is not scored yet

    private_redis.start()
    processes.thrice("cron", app, tmp_path / "cron.log")
    processes.thrice("worker", app, tmp_path / "worker.log")
    wait_for(lambda: _contact_state(app, cid)[1] is None, 60, "catch-up to finish")
    assert _contact_state(app, cid)[0] == u.get(f"/contacts/{cid}/warmth").get_json()["score"]


def _seed(app, contacts: int, per_contact: int) -> int:
    u = new_user(app)
    with app.app_context():
        session = db.session
        session.execute(Contact.__table__.insert(), [
            {"user_id": u.id, "name": f"P{i}", "emails": [], "phones": [], "tags": [],
             "role": "other", "starred": False, "do_not_contact": False, "source": "api",
             "archived": False, "created_at": NOW, "updated_at": NOW}
            for i in range(contacts)
        ])
        ids = list(session.scalars(select(Contact.id).where(Contact.user_id == u.id)))
        session.execute(Interaction.__table__.insert(), [
            {"user_id": u.id, "contact_id": cid, "type": t, "occurred_at": NOW - timedelta(days=d),
             "final": False, "created_at": NOW, "updated_at": NOW}
            for cid in ids
            for d, t in zip(range(per_contact), ["email_sent", "reply_received"] * 50, strict=False)
        ])
        session.commit()
        session.remove()
    return u.id


def _scored_at_now(app) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.warmth_computed_at == NOW))
        db.session.remove()
        return int(n or 0)


def _work_horses(worker_pid: int) -> list[int]:
    """Children of the worker that lead their own process group: RQ's work-horses (the
    scheduler child stays in the worker's group)."""
    horses = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ppid, pgrp = int(fields[1]), int(fields[2])
            if ppid == worker_pid and pgrp == int(entry):
                horses.append(int(entry))
    return horses


def test_sigkilled_work_horse_leaves_whole_chunks_and_the_job_is_retried(
    redis_app, processes, tmp_path: Path
):
    total = 6000
    _seed(redis_app, total, 6)
    conn = Redis.from_url(redis_app.config["THRICE"].redis_url)
    job = Queue(queues.DEFAULT, connection=conn).enqueue(
        tasks.recompute_all, None, NOW.isoformat(), retry=queues.RETRY,
        job_timeout=queues.FULL_RECOMPUTE_TIMEOUT)
    worker = processes.thrice("worker", redis_app, tmp_path / "worker.log")

    def mid_batch() -> bool:
        raw = conn.get(tasks.progress_key(job.id))
        progress = json.loads(raw) if raw else {}
        return 0 < progress.get("done", 0) < total

    wait_for(mid_batch, 60, "the recompute to be half-way")
    horses = wait_for(lambda: _work_horses(worker.pid), 5, "the work-horse process")
    for pid in horses:
        os.kill(pid, signal.SIGKILL)
    # Chunks commit atomically: right after the kill only whole chunks are stored.
    assert _scored_at_now(redis_app) % 1000 == 0

    wait_for(lambda: Job.fetch(job.id, connection=conn).get_status() == "finished", 90,
             "the retried job to finish")
    assert _scored_at_now(redis_app) == total
    assert Job.fetch(job.id, connection=conn).retries_left < 3


def _run_cli(app, *args: str, redis: bool) -> subprocess.CompletedProcess:
    settings = app.config["THRICE"]
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "THRICE_INSTANCE_PATH": settings.instance_path,
           "REDIS_URL": settings.redis_url if redis else "", "THRICE_LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_rescore_in_process_with_progress(redis_app):
    _seed(redis_app, 1500, 2)
    result = _run_cli(redis_app, "rescore", redis=False)
    assert result.returncode == 0, result.stderr
    assert "rescored 1500 contacts" in result.stdout
    with redis_app.app_context():
        unscored = db.session.scalar(select(func.count()).select_from(Contact).where(
            Contact.warmth_computed_at.is_(None)))
        db.session.remove()
    assert unscored == 0


def test_rescore_through_redis_follows_the_worker(redis_app, processes, tmp_path: Path):
    _seed(redis_app, 1200, 2)
    processes.thrice("worker", redis_app, tmp_path / "worker.log")
    result = _run_cli(redis_app, "rescore", redis=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "enqueued full recompute as job" in result.stdout
    assert "rescored 1200 contacts" in result.stdout
