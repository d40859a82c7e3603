"""GET|PATCH|DELETE /me and GET /me/export: the signed-in user's settings and data."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView

from server.api.auth import current_user
from server.api.blueprint import Blueprint
from server.extensions import db
from server.models import User
from server.schemas.user import MeOut, MePatch
from server.services.users import (
    apply_settings,
    ensure_feed_token,
    erase_user,
    export_user,
    mark_all_dirty,
    me_view,
)

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")


def calendar_url(user: User) -> str:
    base = current_app.config["THRICE"].public_url or request.host_url.rstrip("/")
    return f"{base}/api/v1/nudges.ics?feed={ensure_feed_token(user)}"


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
        apply_settings(user, data)
        url = calendar_url(user)
        mark_all_dirty(db.session, user)
        db.session.commit()
        from server.jobs.dispatch import note_user_changed

        note_user_changed(user.id)
        return me_view(user, url)

    @blp.response(204)
    def delete(self) -> None:
        erase_user(db.session, current_user())


@blp.route("/export")
class Export(MethodView):
    @blp.response(200)
    def get(self) -> dict[str, Any]:
        return export_user(db.session, current_user())
