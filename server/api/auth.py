"""Bearer-token authentication for /api/v1 (everything but health and the ICS feed)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, g, request
from sqlalchemy.exc import SQLAlchemyError

from server.api.errors import ApiError
from server.extensions import db
from server.models import User, utcnow
from server.services.tokens import find_token, needs_touch, touch_statement

log = logging.getLogger(__name__)
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/nudges.ics"})


def current_user() -> User:
    return g.user


def register_auth(app: Flask) -> None:
    @app.before_request
    def _authenticate() -> None:
        path = request.path
        if not path.startswith("/api/v1/") or path in PUBLIC_PATHS or request.method == "OPTIONS":
            return
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise ApiError(401, "Send 'Authorization: Bearer <token>'; create one with "
                                "'thrice user create EMAIL'.")
        found = find_token(db.session, raw.strip())
        if found is None:
            raise ApiError(401, "The token is unknown or revoked; create a new one.")
        token, user = found
        g.user = user
        g.token_id = token.id
        now = utcnow()
        if needs_touch(token, now):
            _touch(token.id, now)


def _touch(token_id: int, now: datetime) -> None:
    # In the request's own session (a second connection would wait on this one's SQLite write
    # lock); losing one last_used_at update under contention is harmless.
    try:
        db.session.execute(touch_statement(token_id, now))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not record token use", exc_info=True)
