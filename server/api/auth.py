"""Bearer-token authentication for /api/v1 (everything but health and the ICS feed)."""

from __future__ import annotations

from flask import Flask, g, request

from server.errors import ApiError
from server.extensions import db
from server.models import User, utcnow
from server.services.tokens import MAX_TOKEN_LENGTH, TokenCheck, check_token, hash_token

PUBLIC_PATHS = frozenset({"/api/v1/health", "/api/v1/nudges.ics"})
NO_TOKEN = ("Send 'Authorization: Bearer <token>'; create one with 'thrice user create EMAIL'.")
BAD_TOKEN = "The token is unknown or revoked; create a new one."


def current_user() -> User:
    """The token's user, in the request's session (from the columns read with the token)."""
    user = g.get("user")
    if user is None:
        user = g.user = g.token_check.user_in(db.session)
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


def _checked(raw: str) -> TokenCheck | None:
    """check_token, kept (on SQLite) while nothing is committed and until the token's use is
    due to be recorded: a revoked token or an erased user is a commit, so it is refused at
    once (server.read_cache)."""
    now = utcnow()
    cache = db.read_cache()
    if cache is None:
        return check_token(db.session, raw, now)
    key = ("token", hash_token(raw))
    hit, value, version = cache.lookup(key, now)
    if hit:
        return value
    found = check_token(db.session, raw, now)
    # Recording the token's use is a commit, which makes `version` stale: the next request
    # computes the answer again (with nothing to record) and keeps that one.
    if found is not None and not found.touched:
        cache.keep(key, version, found.touch_due, found)
    return found


def register_auth(app: Flask) -> None:
    @app.before_request
    def _authenticate() -> None:
        path = request.path
        if not path.startswith("/api/v1/") or path in PUBLIC_PATHS or request.method == "OPTIONS":
            return
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise ApiError(401, NO_TOKEN)
        token = bearer_token(header)
        found = None if token is None else _checked(token)
        if found is None:
            raise ApiError(401, BAD_TOKEN)
        g.user_id = found.user_id
        g.token_check = found
