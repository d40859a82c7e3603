"""Wires the web app into create_app: session cookie, sign-in, rate limits, the blueprint."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import generate_csrf

from server.web import (  # noqa: F401 - their routes
    app_shell,
    auth,
    contacts,
    imports,
    pipeline,
    settings,
    today,
)
from server.web.blueprint import bp, login_manager


class SessionCookie(SecureCookieSessionInterface):
    """HttpOnly and SameSite=Lax always; Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def _secret_key(instance_path: str) -> str:
    """A key kept in the instance folder, made once: sessions survive restarts and every
    worker process of one server shares it."""
    path = Path(instance_path, "web_secret_key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        key = secrets.token_urlsafe(48)
        out.write(key)
    return key


def register_web(app: Flask) -> None:
    settings_key = getattr(app.config["THRICE"], "secret_key", None)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings_key or _secret_key(app.instance_path)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session's life
    app.session_interface = SessionCookie()
    # Every form is a FlaskForm (its CSRF token checked on submit); the API's bearer-token
    # requests are not forms, so no app-wide CSRFProtect stands in their way.
    app.jinja_env.globals["csrf_token"] = generate_csrf
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    # Failed sign-ins are counted in this process's memory (auth.py): one server process
    # (thrice serve's default) sees them all; behind several, each counts its own.
    app.extensions["web_limiter"] = Limiter(get_remote_address, app=app, default_limits=[],
                                            storage_uri="memory://", headers_enabled=False)
    app.register_blueprint(bp)
