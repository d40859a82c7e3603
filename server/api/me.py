"""GET|PATCH|DELETE /me, GET /me/export, POST /me/calendar/rotate and GET /me/notifications:
the signed-in user's settings, data and reminders."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.extensions import db
from server.models import User
from server.schemas.user import CalendarOut, MeOut, MePatch, NotificationsOut
from server.services.calendar_feed import feed_url, rotate_feed_token
from server.services.changes import user_changed
from server.services.notify import ledger
from server.services.notify.run import mailer
from server.services.users import (
    apply_settings,
    ensure_feed_token,
    erase_user,
    export_user,
    mark_all_dirty,
    me_view,
)

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")
# Settings that move no due time: changing only these re-checks no nudge.
_REMINDER_SETTINGS = frozenset({"daily_digest", "push_urls"})


def calendar_url(user: User) -> str:
    return _feed_url(ensure_feed_token(user))


def _feed_url(token: str) -> str:
    return feed_url(current_app.config["THRICE"].public_url or request.host_url, token)


@blp.route("")
class Me(MethodView):
    @blp.response(200, MeOut)
    def get(self) -> dict[str, Any]:
        user = current_user()
        had_token = bool(user.feed_token)
        url = calendar_url(user)
        if not had_token:
            db.session.commit()
        return me_view(user, url)

    @blp.arguments(MePatch, required=False)  # no body changes nothing
    @blp.response(200, MeOut)
    def patch(self, data: dict[str, Any]) -> dict[str, Any]:
        user = current_user()
        apply_settings(user, data, mailer(current_app.config["THRICE"]).problem)
        url = calendar_url(user)
        if not set(data) <= _REMINDER_SETTINGS:
            mark_all_dirty(db.session, user)
            user_changed(db.session, user)
        db.session.commit()
        return me_view(user, url)

    @blp.response(204)
    def delete(self) -> None:
        erase_user(db.session, current_user())


@blp.route("/export")
class Export(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        return export_user(db.session, current_user())


@blp.route("/calendar/rotate")
class RotateCalendar(MethodView):
    @blp.response(200, CalendarOut)
    def post(self) -> dict[str, str]:
        """Replace the calendar feed token: the old calendar_url answers 403 from now on."""
        user = current_user()
        url = _feed_url(rotate_feed_token(user))
        db.session.commit()
        return {"calendar_url": url}


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.response(200, NotificationsOut)
    def get(self) -> dict[str, Any]:
        """Reminders that left the server: the last send, the last failure with its error
        (and when it is retried), and the last 50 sends."""
        return ledger.status(db.session, current_user().id)
