"""Nudges (§5, §6): the popup's list, the badge summary, actions and the iCalendar feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, request
from flask.views import MethodView

from server.api.auth import current_user, current_user_id
from server.api.blueprint import Blueprint, prebuilt, prebuilt_bytes
from server.api.docs import ERROR
from server.extensions import db
from server.models import utcnow
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
from server.services import calendar_feed
from server.services import nudges as svc

blp = Blueprint("nudges", __name__, url_prefix="/api/v1", description="Follow-up nudges")
NudgePage = page_of(NudgeOut, "NudgePage")


def _one(row: Any) -> dict[str, Any]:
    return svc.one_view(db.session, row.id)


def _page(user_id: int, args: dict[str, Any], now: datetime) -> Response:
    items, next_cursor = svc.list_nudges(db.session, user_id, args, now)
    return prebuilt({"items": items, "next": next_cursor})


@blp.route("/nudges")
class Nudges(MethodView):
    @blp.arguments(NudgeQuery, location="query")
    @blp.response(200, NudgePage)
    def get(self, args: dict[str, Any]) -> Response:
        user_id, now = current_user_id(), utcnow()
        cache = db.read_cache()
        if cache is None:
            return _page(user_id, args, now)
        # The popup polls its list: on SQLite it is kept while nothing is committed, and
        # until time alone changes it (server.read_cache).
        key = ("nudges", user_id, tuple(sorted(args.items())))
        hit, kept, version = cache.lookup(key, now)
        if hit:
            return prebuilt_bytes(kept)
        response = _page(user_id, args, now)
        cache.keep(key, version, svc.next_due_change(db.session, user_id, now),
                   response.get_data())
        return response


@blp.route("/nudges/summary")
class Summary(MethodView):
    @blp.response(200, SummaryOut)
    def get(self) -> Response:
        return prebuilt(svc.summary(db.session, current_user_id()))


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
        return _one(svc.complete(db.session, user, svc.get_nudge(db.session, user, nudge_id),
                                 data))


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
        user = calendar_feed.feed_user(db.session, args["feed"])
        body = calendar_feed.ics_feed(db.session, user, request.host.split(":")[0] or "thrice")
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": 'inline; filename="thrice.ics"'})
