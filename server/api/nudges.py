"""Nudges (§5, §6): the popup's list, the badge summary, actions and the iCalendar feed."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from server.api.auth import current_user, current_user_id
from server.api.blueprint import Blueprint, prebuilt
from server.api.docs import ERROR
from server.extensions import db
from server.models import utcnow
from server.rawsql import request_connection
from server.schemas.common import page_of
from server.schemas.nudge import (
    CompleteIn,
    DismissIn,
    FeedQuery,
    NudgeOut,
    NudgeQuery,
    SnoozeIn,
    SummaryOut,
)
from server.services import nudges as svc
from server.services.contacts import get_contact
from server.services.interactions import log_interaction

blp = Blueprint("nudges", __name__, url_prefix="/api/v1", description="Follow-up nudges")
NudgePage = page_of(NudgeOut, "NudgePage")


def _one(row: Any) -> dict[str, Any]:
    return svc.views(db.session, [row], utcnow())[0]


@blp.route("/nudges")
class Nudges(MethodView):
    @blp.arguments(NudgeQuery, location="query")
    @blp.response(200, NudgePage)
    def get(self, args: dict[str, Any]) -> Response:
        items, next_cursor = svc.list_nudges(db.session, current_user(), args)
        return prebuilt({"items": items, "next": next_cursor})


@blp.route("/nudges/summary")
class Summary(MethodView):
    @blp.response(200, SummaryOut)
    def get(self) -> Response:
        return prebuilt(svc.summary(request_connection(db.engine), current_user_id()))


@blp.route("/nudges/<id:nudge_id>")
class NudgeItem(MethodView):
    @blp.response(200, NudgeOut)
    def get(self, nudge_id: int) -> dict[str, Any]:
        return _one(svc.get_nudge(db.session, current_user(), nudge_id))


@blp.route("/nudges/<id:nudge_id>/complete")
class Complete(MethodView):
    @blp.arguments(CompleteIn, required=False)
    @blp.response(200, NudgeOut)
    @blp.alt_response(409, schema=ERROR, description="The nudge is no longer live")
    def post(self, data: dict[str, Any], nudge_id: int) -> dict[str, Any]:
        user = current_user()
        row = svc.get_nudge(db.session, user, nudge_id)
        if row.state not in svc.LIVE:
            svc.act(db.session, user, row, "complete", data)  # raises the 409
        interaction_id = None
        if data.get("interaction") and row.contact_id is not None:
            payload = dict(data["interaction"])
            payload.setdefault("opportunity_id", row.opportunity_id)
            contact = get_contact(db.session, user, row.contact_id)
            interaction_id = log_interaction(db.session, user, contact, payload).id
            row = svc.get_nudge(db.session, user, nudge_id)
            if row.state not in svc.LIVE:
                return _one(row)  # the logged interaction already settled it
        return _one(svc.act(db.session, user, row, "complete", data, interaction_id))


@blp.route("/nudges/<id:nudge_id>/snooze")
class Snooze(MethodView):
    @blp.arguments(SnoozeIn)
    @blp.response(200, NudgeOut)
    @blp.alt_response(409, schema=ERROR, description="The nudge is no longer live")
    def post(self, data: dict[str, Any], nudge_id: int) -> dict[str, Any]:
        user = current_user()
        return _one(svc.act(db.session, user, svc.get_nudge(db.session, user, nudge_id),
                            "snooze", data))


@blp.route("/nudges/<id:nudge_id>/dismiss")
class Dismiss(MethodView):
    @blp.arguments(DismissIn, required=False)
    @blp.response(200, NudgeOut)
    @blp.alt_response(409, schema=ERROR, description="The nudge is no longer live")
    def post(self, data: dict[str, Any], nudge_id: int) -> dict[str, Any]:
        user = current_user()
        return _one(svc.act(db.session, user, svc.get_nudge(db.session, user, nudge_id),
                            "dismiss", data))


@blp.route("/nudges.ics")
class Calendar(MethodView):
    @blp.doc(security=[])
    @blp.arguments(FeedQuery, location="query")
    @blp.response(200, content_type="text/calendar")
    @blp.alt_response(403, schema=ERROR, description="Unknown feed token")
    def get(self, args: dict[str, Any]) -> Response:
        user = svc.feed_user(db.session, args["feed"])
        body = svc.ics_feed(db.session, user, request.host.split(":")[0] or "thrice")
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": 'inline; filename="thrice.ics"'})
