"""Settings: profile and time, reminders, API tokens, the calendar URL, the extension."""

from __future__ import annotations

from datetime import datetime, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from server.errors import ApiError
from server.extensions import db
from server.models import User
from server.schemas.mail import SECURITY, MailIn
from server.schemas.user import MePatch, TokenIn
from server.services.calendar_feed import feed_url, rotate_feed_token
from server.services.changes import user_changed
from server.services.mail.account import delete_account, find_account, save_account
from server.services.mail.sync import sync_user
from server.services.notify.run import mailer
from server.services.tokens import issue_token
from server.services.users import apply_settings, ensure_feed_token, mark_all_dirty
from server.services.web_queries import revoke_token, tokens_of
from server.web.blueprint import add_errors, bp, load, me

WEEKDAYS = [(1, "Monday"), (2, "Tuesday"), (3, "Wednesday"), (4, "Thursday"), (5, "Friday"),
            (6, "Saturday"), (7, "Sunday")]
# Settings that move no due time: changing only these re-checks no nudge (as PATCH /me).
REMINDER_SETTINGS = frozenset({"daily_digest", "push_urls"})


@cache
def zones() -> list[str]:
    return sorted(available_timezones() - {"localtime", "Factory"})


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[Optional(), Length(max=200)])
    timezone = SelectField("Time zone", validators=[DataRequired()])
    wake_start = TimeField("Wake window starts", validators=[DataRequired()])
    wake_end = TimeField("Wake window ends", validators=[DataRequired()])
    preferred_time = TimeField("Preferred time", validators=[DataRequired()])
    weekend = Checkboxes("Weekend days", coerce=int, choices=WEEKDAYS)
    nudges_paused = BooleanField("Pause nudges")


class RemindersForm(FlaskForm):
    daily_digest = BooleanField("Daily digest e-mail")
    push_urls = TextAreaField("Push URLs (one a line)", validators=[Optional(),
                                                                    Length(max=20_000)])


class MailForm(FlaskForm):
    host = StringField("IMAP server", validators=[DataRequired(), Length(max=255)])
    port = IntegerField("Port", default=993, validators=[DataRequired(), NumberRange(1, 65535)])
    security = SelectField("Security", choices=[(s, s.upper() if s != "none" else "None")
                                                for s in SECURITY], default="ssl")
    username = StringField("Mail user name", validators=[DataRequired(), Length(max=255)])
    password = PasswordField("Mail password", validators=[DataRequired(), Length(max=1000)])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class PlainForm(FlaskForm):
    pass


def _calendar_url(user: User) -> str:
    base = current_app.config["THRICE"].public_url or request.host_url
    return feed_url(base, ensure_feed_token(user))


def _profile_form(user: User) -> ProfileForm:
    form = ProfileForm(prefix="p") if request.method == "POST" else ProfileForm(
        prefix="p", display_name=user.display_name, timezone=user.timezone,
        weekend=list(user.weekend or []), nudges_paused=user.nudges_paused)
    if request.method != "POST":
        form.wake_start.data = _time(user.wake_start)
        form.wake_end.data = _time(user.wake_end)
        form.preferred_time.data = _time(user.preferred_time)
    form.timezone.choices = [(z, z) for z in zones()]
    return form


def _time(hhmm: str) -> time:
    return datetime.strptime(hhmm, "%H:%M").time()


def _page(forms: dict[str, FlaskForm] | None = None, new_token: str | None = None,
          status: int = 200) -> tuple[str, int]:
    user = me()
    forms = forms or {}
    url = _calendar_url(user)
    db.session.commit()  # a first feed token is kept
    reminders = forms.get("reminders") or RemindersForm(
        prefix="r", daily_digest=user.daily_digest, push_urls="\n".join(user.push_urls or []))
    return render_template(
        "web/settings.html", user=user, profile=forms.get("profile") or _profile_form(user),
        reminders=reminders, token_form=forms.get("token") or TokenForm(prefix="t"),
        plain=PlainForm(), tokens=tokens_of(db.session, user), new_token=new_token,
        calendar_url=url, mail_problem=mailer(current_app.config["THRICE"]).problem,
        mailbox=find_account(db.session, user),
        mail_form=forms.get("mail") or MailForm(prefix="m")), status


def _apply(form: FlaskForm, data: dict[str, Any]) -> bool:
    user = me()
    try:
        checked = load(MePatch(), data)
        apply_settings(user, checked, mailer(current_app.config["THRICE"]).problem)
    except ApiError as exc:
        db.session.rollback()
        add_errors(form, exc.errors or exc.message, {"wake_window": "wake_start"})
        return False
    if not set(checked) <= REMINDER_SETTINGS:
        mark_all_dirty(db.session, user)
        user_changed(db.session, user)
    db.session.commit()
    return True


@bp.route("/settings")
def settings() -> tuple[str, int]:
    return _page()


@bp.route("/settings/profile", methods=["POST"])
def settings_profile() -> Response | tuple[str, int]:
    form = _profile_form(me())
    if form.validate_on_submit():
        data = {"display_name": form.display_name.data or "", "timezone": form.timezone.data,
                "wake_window": {"start": form.wake_start.data.strftime("%H:%M"),
                                "end": form.wake_end.data.strftime("%H:%M")},
                "preferred_time": form.preferred_time.data.strftime("%H:%M"),
                "weekend": list(form.weekend.data or []),
                "nudges_paused": bool(form.nudges_paused.data)}
        if _apply(form, data):
            return redirect(url_for("web.settings", saved=1))
    return _page({"profile": form}, status=422)


@bp.route("/settings/reminders", methods=["POST"])
def settings_reminders() -> Response | tuple[str, int]:
    form = RemindersForm(prefix="r")
    if form.validate_on_submit():
        urls = [u.strip() for u in (form.push_urls.data or "").splitlines() if u.strip()]
        if _apply(form, {"daily_digest": bool(form.daily_digest.data), "push_urls": urls}):
            return redirect(url_for("web.settings", saved=1))
    return _page({"reminders": form}, status=422)


@bp.route("/settings/tokens", methods=["POST"])
def create_token() -> tuple[str, int]:
    form = TokenForm(prefix="t")
    if form.validate_on_submit():
        try:
            data = load(TokenIn(), {"name": form.name.data})
        except ApiError as exc:
            add_errors(form, exc.errors)
        else:
            _, raw = issue_token(db.session, me(), data["name"])
            db.session.commit()
            return _page(new_token=raw)  # shown once, never stored in the clear
    return _page({"token": form}, status=422)


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int) -> Response:
    if not PlainForm().validate_on_submit():
        abort(400)
    revoke_token(db.session, me(), token_id)
    return redirect(url_for("web.settings"))


@bp.route("/settings/calendar/rotate", methods=["POST"])
def rotate_calendar() -> Response:
    if PlainForm().validate_on_submit():
        rotate_feed_token(me())
        db.session.commit()
    return redirect(url_for("web.settings"))


def _secret() -> str | None:
    return getattr(current_app.config["THRICE"], "secret_key", None)


@bp.route("/settings/mail", methods=["POST"])
def settings_mail() -> Response | tuple[str, int]:
    form = MailForm(prefix="m")
    if form.validate_on_submit():
        data = {"host": form.host.data, "port": form.port.data, "security": form.security.data,
                "username": form.username.data, "password": form.password.data}
        try:
            save_account(db.session, me(), load(MailIn(), data), _secret())
            return redirect(url_for("web.settings", saved=1))
        except ApiError as exc:
            db.session.rollback()
            add_errors(form, exc.errors or exc.message)
    return _page({"mail": form}, status=422)


@bp.route("/settings/mail/<action>", methods=["POST"])
def mail_action(action: str) -> Response:
    if action not in {"sync", "disconnect"} or not PlainForm().validate_on_submit():
        return redirect(url_for("web.settings"))
    if action == "sync":
        sync_user(db.session, me(), _secret())
    else:
        delete_account(db.session, me())
    return redirect(url_for("web.settings"))
