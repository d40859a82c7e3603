"""Bearer-token authentication for /api/v1 (everything but health and the ICS feed)."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, g, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from server.api.errors import ApiError
from server.extensions import db
from server.models import ApiToken, User, utcnow
from server.rawsql import (
    RawConnection,
    Statement,
    release_request_connection,
    request_connection,
)
from server.services.tokens import MAX_TOKEN_LENGTH, TOUCH_EVERY, hash_token

log = logging.getLogger(__name__)
PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/nudges.ics"})


_TOKEN = Statement(select(ApiToken.id, ApiToken.user_id, ApiToken.last_used_at)
                   .where(ApiToken.token_hash == bindparam("token_hash")))
_TOUCH = Statement(update(ApiToken).where(ApiToken.id == bindparam("token_id"))
                   .values(last_used_at=bindparam("now", type_=ApiToken.last_used_at.type)))


def current_user() -> User:
    """The token's user, loaded into the request's session on first use (the hot endpoints
    need only `current_user_id()` and never pay for it)."""
    user = g.get("user")
    if user is None:
        release_request_connection()  # the ORM session has its own from here on
        user = db.session.get(User, g.user_id)
        if user is None:  # erased since the token was checked
            raise ApiError(401, "The token is unknown or revoked; create a new one.")
        g.user = user
    return user


def current_user_id() -> int:
    return int(g.user_id)


def bearer_token(header: str) -> str | None:
    """The token of an 'Authorization: Bearer <token>' header, if it could be one."""
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return raw


def token_user(conn: RawConnection, raw: str) -> tuple[int, datetime] | None:
    """The id of the token's user and when its use is next to be recorded (it is recorded
    now when due), or None for an unknown token."""
    found = conn.first(_TOKEN, token_hash=hash_token(raw))
    if found is None:
        return None
    token_id, user_id, last_used_at = found
    now = utcnow()
    if last_used_at is None or now - last_used_at >= TOUCH_EVERY:
        _touch(conn, token_id, now)
        last_used_at = now
    return int(user_id), last_used_at + TOUCH_EVERY


def check_token(conn: RawConnection, raw: str) -> int | None:
    """The id of the token's user (recording the token's use now and then), or None."""
    found = token_user(conn, raw)
    return None if found is None else found[0]


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
        token = bearer_token(header)
        user_id = None if token is None else check_token(request_connection(db.engine), token)
        if user_id is None:
            raise ApiError(401, "The token is unknown or revoked; create a new one.")
        g.user_id = user_id


def _touch(conn: RawConnection, token_id: int, now: datetime) -> None:
    # Losing one last_used_at update under contention is harmless.
    try:
        conn.begin_write()
        conn.execute(_TOUCH, token_id=token_id, now=now)
        conn.commit()
    except SQLAlchemyError:
        conn.rollback()
        log.warning("could not record token use", exc_info=True)
