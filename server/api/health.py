"""GET /api/v1/health: liveness of the database and the job queue (no auth)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.api.blueprint import Blueprint
from server.extensions import db
from server.jobs.dispatch import queue_health

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Service health")


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()
    queue = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut)
    def get(self) -> tuple[dict[str, Any], int]:
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except SQLAlchemyError:
            db.session.rollback()
            database = "down"
        queue = queue_health()
        ok = database == "ok"
        status = "ok" if ok and queue != "down" else ("degraded" if ok else "down")
        return {"status": status, "database": database, "queue": queue}, 200 if ok else 503
