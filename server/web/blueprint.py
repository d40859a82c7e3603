"""The web blueprint and what every page needs: the signed-in user, form errors, safe redirects."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from server.errors import ApiError
from server.extensions import db
from server.models import User

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/web-static")
login_manager = LoginManager()
PUBLIC_ENDPOINTS = frozenset({"web.sign_in", "web.static", "web.manifest"})


class SignedIn(UserMixin):
    """The session's user. Its id carries a digest of the password hash, so changing the
    password signs every other session out."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}.{session_stamp(self.user)}"


def session_stamp(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


@login_manager.user_loader
def _load(user_id: str) -> SignedIn | None:
    raw_id, _, stamp = user_id.partition(".")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.password_hash or stamp != session_stamp(user):
        return None
    return SignedIn(user)


def me() -> User:
    return current_user.user  # type: ignore[no-any-return]


@bp.before_request
def _require_sign_in() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> tuple[str, int]:
    return render_template("web/error.html", message=exc.message), exc.code


def safe_next(default: str) -> str:
    """A same-site path to go back to (never another origin)."""
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def add_errors(form: FlaskForm, errors: Any, fields: dict[str, str] | None = None) -> None:
    """Put a service's or schema's field errors on the form's fields (unknown ones on top)."""
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "form"}:
        errors = {k: v for part in errors.values() if isinstance(part, dict)
                  for k, v in part.items()}
    if not isinstance(errors, dict):
        form.form_errors.append(str(errors))
        return
    for key, messages in errors.items():
        if isinstance(messages, dict) and all(str(k).isdigit() for k in messages):
            # A list's items (emails.0, profiles.1.url): the list's own field says it.
            add_errors(form, {key: _texts(messages)}, fields)
            continue
        if isinstance(messages, dict):  # nested (a promise): flatten onto its fields
            add_errors(form, messages, fields)
            continue
        name = (fields or {}).get(key, key)
        field = getattr(form, name, None)
        text = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *text]
        else:
            form.form_errors.extend(text)


def _texts(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [t for value in messages.values() for t in _texts(value)]
    if isinstance(messages, list):
        return [t for value in messages for t in _texts(value)]
    return [str(messages)]


def load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """The API's own validation of what a form gathered: one set of rules."""
    try:
        return schema.load(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        raise ApiError(422, "The form has invalid fields.", {"json": exc.messages}) from exc


def local_to_utc(value: datetime | None, zone: str) -> str | None:
    """A datetime-local field's wall-clock time in the user's zone, as ISO-8601 UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC")).isoformat()
