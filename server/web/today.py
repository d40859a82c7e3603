"""Today: the visible due nudges with their actions, and what comes up in the next 7 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField

from server.domain.nudges.lifecycle import DISMISS_REASONS, SNOOZE_PRESETS
from server.extensions import db
from server.models import utcnow
from server.schemas.nudge import DismissIn, SnoozeIn
from server.services import nudges as nudge_svc
from server.services.mail.suggestions import (
    accept_suggestion,
    contact_names,
    get_suggestion,
    list_suggestions,
    reject_suggestion,
)
from server.web.blueprint import bp, load, me, safe_next

PRESET_LABELS = {"3h": "3 hours", "tomorrow": "Tomorrow 09:00",
                 "next_monday": "Next Monday 09:00", "7d": "A week"}


class ActionForm(FlaskForm):
    preset = SelectField("Until", choices=[(p, PRESET_LABELS[p]) for p in SNOOZE_PRESETS],
                         default="tomorrow")
    reason = SelectField("Reason", choices=[(r, r.replace("_", " ").capitalize())
                                            for r in DISMISS_REASONS], default="handled_offline")


def due_nudges(args: dict[str, Any]) -> list[dict[str, Any]]:
    items, _ = nudge_svc.list_nudges(db.session, me().id, {"limit": 200, **args})
    return items


def coming_up(days: int = 7) -> list[dict[str, Any]]:
    horizon = utcnow() + timedelta(days=days)
    items = due_nudges({"state": "scheduled"})
    return sorted((n for n in items if n["visible"] and n["due_at"] <= horizon),
                  key=lambda n: n["due_at"])


def pending_suggestions() -> tuple[list[Any], dict[int, str]]:
    rows, _ = list_suggestions(db.session, me(), {"state": "pending", "limit": 50})
    return rows, contact_names(db.session, rows)


@bp.route("/")
def today() -> str:
    suggestions, names = pending_suggestions()
    return render_template("web/today.html", nudges=due_nudges({"state": "due"}),
                           upcoming=coming_up(), form=ActionForm(), suggestions=suggestions,
                           names=names)


@bp.route("/suggestions/<int:suggestion_id>/<action>", methods=["POST"])
def suggestion_action(suggestion_id: int, action: str) -> Response:
    if action not in {"accept", "ignore"}:
        abort(404)
    user = me()
    found = get_suggestion(db.session, user, suggestion_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "accept":
        accept_suggestion(db.session, user, found)
    else:
        reject_suggestion(db.session, found)
    return redirect(url_for("web.today"))


@bp.route("/nudges/<int:nudge_id>/<action>", methods=["POST"])
def nudge_action(nudge_id: int, action: str) -> Response:
    if action not in {"done", "snooze", "dismiss"}:
        abort(404)
    user = me()
    row = nudge_svc.get_nudge(db.session, user, nudge_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "done":
        nudge_svc.complete(db.session, user, row, {})
    elif action == "snooze":
        nudge_svc.act(db.session, user, row, "snooze",
                      load(SnoozeIn(), {"preset": form.preset.data}))
    else:
        nudge_svc.act(db.session, user, row, "dismiss",
                      load(DismissIn(), {"reason": form.reason.data}))
    return redirect(safe_next(url_for("web.today")))
