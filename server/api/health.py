"""GET /api/v1/health: liveness of the database, the job queue and the schedule (no auth).

`database` is "ok", "down" (it cannot be reached or read), or why it cannot store anything:
"full" (the disk, or SQLite's size limit), "readonly" (the file, its folder or the server is
read-only) or "ioerror" (the disk fails). Anything but "ok" answers 503, so a monitor that
watches the status code sees a database that reads but cannot save.

`scheduler.last_run_at` is when the periodic schedule (`thrice cron` and a worker, or the one
`thrice serve` runs without Redis) last ran; when that is more than 5 minutes ago, or never,
`status` is "degraded" with a 200: the API works, but no reminder will go out.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from server.api.blueprint import Blueprint
from server.api.errors import FULL, IOERROR, READONLY, storage_problem
from server.domain.reminders import schedule_is_stale
from server.extensions import LOCK_WAIT, db
from server.jobs.dispatch import queue_health
from server.models import utcnow
from server.schemas.fields import UtcDateTimeOut
from server.services.notify.ledger import last_tick

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Service health")

DATABASE_STATES = ("ok", "down", FULL, READONLY, IOERROR)
# Below this much free space next to the SQLite file the next commit may fail: report it now.
MIN_FREE_BYTES = 1 << 20
# The write probe waits this long for SQLite's write lock; a writer holding it proves the
# database writable, so a busy lock counts as "ok".
PROBE_LOCK_WAIT = 0.5


class SchedulerOut(Schema):
    last_run_at = UtcDateTimeOut(allow_none=True, metadata={
        "description": "When the periodic schedule last ran; null if it never has. More "
                       "than 5 minutes ago makes the status degraded: reminders stall."})


class HealthOut(Schema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded", "down")))
    database = fields.String(validate=validate.OneOf(DATABASE_STATES),
                             metadata={"description": "ok, down, or why nothing can be saved: "
                                                      "full, readonly, ioerror"})
    queue = fields.String(validate=validate.OneOf(("redis", "inline", "down")))
    scheduler = fields.Nested(SchedulerOut)


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut)
    def get(self) -> tuple[dict[str, Any], int]:
        database = database_state()
        queue = queue_health()
        last_run = schedule_last_run() if database != "down" else None
        if database == "down":
            status = "down"
        elif database != "ok" or queue == "down" or schedule_is_stale(last_run, utcnow()):
            status = "degraded"
        else:
            status = "ok"
        return {"status": status, "database": database, "queue": queue,
                "scheduler": {"last_run_at": last_run}}, 200 if database == "ok" else 503


def database_state() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except (SQLAlchemyError, sqlite3.Error) as exc:
        db.session.rollback()
        return storage_problem(exc) or "down"
    try:
        if db.is_sqlite:
            return _sqlite_state(db.engine)
        return _postgres_state()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        db.session.rollback()
        return storage_problem(exc) or "down"


def schedule_last_run() -> datetime | None:
    try:
        return last_tick(db.session)
    except (SQLAlchemyError, sqlite3.Error):
        db.session.rollback()
        return None


def _sqlite_state(engine: Engine) -> str:
    with engine.connect().execution_options(**{LOCK_WAIT: PROBE_LOCK_WAIT}) as conn:
        # Asked of sqlite3 itself: through SQLAlchemy the statement would begin a transaction.
        listed = conn.connection.driver_connection.execute("PRAGMA database_list").fetchall()
        path = next((row[2] for row in listed if row[1] == "main"), "")
        if path and _free_bytes(Path(path).parent) < MIN_FREE_BYTES:
            return FULL
        # Can it store one more page? A table created and rolled back needs a new page
        # (SQLITE_FULL at the size limit) and a writable file (SQLITE_READONLY), and leaves
        # nothing behind.
        try:
            transaction = conn.begin()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            return storage_problem(exc) or "ok"  # busy: someone is writing right now
        try:
            conn.exec_driver_sql("CREATE TABLE thrice_health_probe (x INTEGER)")
        except (SQLAlchemyError, sqlite3.Error) as exc:
            return storage_problem(exc) or "down"
        finally:
            transaction.rollback()
    return "ok"


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return MIN_FREE_BYTES  # not a place we can measure: let the probe decide


def _postgres_state() -> str:
    # A standby, or a server put in read-only mode, answers every write with SQLSTATE 25006.
    read_only = db.session.execute(text("SHOW transaction_read_only")).scalar()
    return READONLY if read_only == "on" else "ok"
