"""Benchmark: full warmth recompute, in-process vs through Redis + one RQ worker.

    .venv/bin/python scripts/bench/rescore.py [--contacts 100000] [--interactions 1000000]
        [--database-url URL] [--redis-url redis://127.0.0.1:6379/15]

Seeds a fresh database (SQLite in a temp folder by default), runs `recompute_all` in this
process, then enqueues the same job and times one `thrice worker --burst` doing it. Prints
contacts/s for both and the ratio (goal ≥ 0.5: jobs are batched, not one per contact).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from server import create_app
from server.config import Settings
from server.extensions import db
from server.jobs import queues, tasks
from server.migrate import upgrade
from server.models import Contact, Interaction
from server.services.users import create_user

TYPES = ["email_sent", "reply_received", "message_sent", "message_received", "call",
         "social_like", "meeting", "interview", "promise_made", "note"]


def seed(app: Flask, contacts: int, interactions: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        upgrade(db.engine)
        user = create_user(db.session, "bench@example.com", "America/New_York")
        db.session.commit()
        uid = user.id
        t0 = time.perf_counter()
        batch = 20_000
        for start in range(0, contacts, batch):
            db.session.execute(Contact.__table__.insert(), [
                {"user_id": uid, "name": f"Person {i}", "emails": [], "phones": [], "tags": [],
                 "role": "other", "starred": False, "do_not_contact": False, "source": "import",
                 "archived": False, "created_at": now, "updated_at": now}
                for i in range(start, min(start + batch, contacts))
            ])
        first = db.session.scalar(select(func.min(Contact.id)).where(Contact.user_id == uid))
        for start in range(0, interactions, batch):
            db.session.execute(Interaction.__table__.insert(), [
                {"user_id": uid, "contact_id": first + rng.randrange(contacts),
                 "type": rng.choice(TYPES),
                 "occurred_at": now - timedelta(seconds=rng.randrange(400 * 86400)),
                 "final": False, "created_at": now, "updated_at": now}
                for _ in range(start, min(start + batch, interactions))
            ])
        db.session.commit()
        db.session.remove()
        print(f"seeded {contacts:,} contacts and {interactions:,} interactions "
              f"in {time.perf_counter() - t0:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="thrice-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    settings = Settings(database_url=url, instance_path=str(workdir), redis_url=args.redis_url,
                        inline_jobs=True, log_level="WARNING")
    app = create_app(settings)
    seed(app, args.contacts, args.interactions)

    with app.app_context():
        t0 = time.perf_counter()
        n_inline = tasks.recompute_all()
        inline_s = time.perf_counter() - t0
    inline_rate = n_inline / inline_s
    print(f"in-process : {n_inline:,} contacts in {inline_s:.1f}s = {inline_rate:,.0f} contacts/s")

    conn = Redis.from_url(args.redis_url)
    conn.flushdb()
    job = Queue(queues.DEFAULT, connection=conn).enqueue(
        tasks.recompute_all, job_timeout=queues.FULL_RECOMPUTE_TIMEOUT)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": args.redis_url,
           "THRICE_INSTANCE_PATH": str(workdir), "THRICE_LOG_LEVEL": "WARNING"}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "server.cli", "worker", "--burst"], env=env, check=True)
    redis_s = time.perf_counter() - t0
    job.refresh()
    n_redis = int(job.return_value() or 0)
    redis_rate = n_redis / redis_s
    print(f"redis+1 worker: {n_redis:,} contacts in {redis_s:.1f}s = {redis_rate:,.0f} contacts/s "
          f"(worker start-up included)")
    ratio = redis_rate / inline_rate
    verdict = "OK" if ratio >= 0.5 else "MISS"
    print(f"ratio redis/in-process = {ratio:.2f} (goal >= 0.5) -> {verdict}")
    conn.flushdb()


if __name__ == "__main__":
    main()
