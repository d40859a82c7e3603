"""RQ job functions. Each takes ids, is idempotent and safe to retry, and logs its job id.

The same functions run in-process when Redis is not configured.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from rq import get_current_job

from server.extensions import db
from server.jobs.bulk_activity import bulk_import_active
from server.jobs.context import job_app_context
from server.models import User, utcnow
from server.services import nudge_sync
from server.services.mail.sync import sync_users
from server.services.notify import ledger
from server.services.notify.run import run_due
from server.services.processing import (
    all_contact_ids,
    all_user_ids,
    chunks,
    dirty_contacts,
    full_plan,
    process_contacts,
    process_plan,
)

log = logging.getLogger("thrice.jobs")


def _job_id() -> str:
    job = get_current_job()
    return job.id if job is not None else "inline"


def progress_key(job_id: str) -> str:
    return f"thrice:progress:{job_id}"


def _progress(done: int, total: int) -> None:
    # A key of its own rather than job.meta: a meta write racing the job's own bookkeeping
    # could leave a job hash holding nothing but meta, which RQ then refuses to load.
    job = get_current_job()
    if job is not None:
        job.connection.set(progress_key(job.id), json.dumps({"done": done, "total": total}),
                           ex=24 * 3600)


def process_contacts_job(user_id: int, contact_ids: Sequence[int]) -> int:
    """Warmth + nudges for contacts whose history changed (enqueued after every write)."""
    with job_app_context():
        user = db.session.get(User, user_id)
        if user is None:
            return 0
        done = 0
        for chunk in chunks(list(contact_ids)):
            done += process_contacts(db.session, user, chunk)
        log.info("job %s: processed %d contacts of user %d", _job_id(), done, user_id)
        db.session.remove()
        return done


def process_user_job(user_id: int) -> int:
    """Everything of one user (after a settings change: zone, weekend, pause)."""
    with job_app_context():
        ids = all_contact_ids(db.session, user_id)
    return process_contacts_job(user_id, ids)


def recompute_all(user_id: int | None = None, now_iso: str | None = None) -> int:
    """Full recompute in chunks of contacts inside this one job (batch, don't fan out).

    Each chunk commits on its own: a worker killed mid-way leaves finished chunks complete and
    the current one rolled back, and the retry simply does the work again.
    """
    now = datetime.fromisoformat(now_iso) if now_iso else None
    with job_app_context():
        session = db.session
        plan = full_plan(session, user_id)
        _progress(0, sum(len(ids) for _, ids in plan))
        done = process_plan(session, plan, now, on_chunk=_progress)
        log.info("job %s: recomputed %d contacts", _job_id(), done)
        session.remove()
        return done


def catch_up() -> int:
    """Finish whatever a failed enqueue or a dead worker left marked dirty."""
    with job_app_context():
        if bulk_import_active():
            log.info("job %s: a bulk import is running; its own background work scores its "
                     "contacts, catch-up waits", _job_id())
            return 0
        session = db.session
        done = process_plan(session, dirty_contacts(session))
        if done:
            log.info("job %s: caught up %d contacts", _job_id(), done)
        session.remove()
        return done


def nudge_sweep(user_id: int | None = None) -> int:
    """Time-driven nudge transitions (due, expiry, R9–R11) for every user, or for one."""
    with job_app_context():
        session = db.session
        now = utcnow()
        users = all_user_ids(session) if user_id is None else [user_id]
        for uid in users:
            try:
                user = session.get(User, uid)
                if user is not None:
                    nudge_sync.sweep_user(session, user, now)
                    session.commit()
            except Exception:  # noqa: BLE001 - one user's bad data never stops the others'
                session.rollback()
                log.exception("job %s: the nudge sweep of user %d failed", _job_id(), uid)
        session.remove()
        return len(users)


def notify_due() -> int:
    """Reminders due now (the daily digests, P1/P2 pushes, retries), every minute.

    It first records that the schedule ran, for GET /health: when this job stops running
    (no cron, no worker), health turns degraded 5 minutes after its last run.
    """
    with job_app_context() as app:
        session = db.session
        now = utcnow()
        ledger.record_tick(session, now)
        report = run_due(session, app.config["THRICE"], now)
        if report.digests or report.pushes or report.failed:
            log.info("job %s: %s", _job_id(), report.summary())
        session.remove()
        return report.digests + report.pushes


def mail_sync() -> int:
    """Read every connected mailbox (SPEC §12), every 5 minutes; users are isolated."""
    with job_app_context() as app:
        results = sync_users(db.session, app.config["THRICE"].secret_key)
        for uid, result in results.items():
            if isinstance(result, str):
                log.warning("job %s: mail sync of user %d: %s", _job_id(), uid, result)
        db.session.remove()
        return len(results)
