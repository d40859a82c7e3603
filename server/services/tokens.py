"""API tokens: 256-bit random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import ApiToken, User, utcnow

TOKEN_PREFIX = "thr_"
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    # A slow password hash would cost every request; a 256-bit random secret needs none.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw))
    session.add(token)
    session.flush()
    return token, raw


def find_token(session: Session, raw: str) -> tuple[ApiToken, User] | None:
    if not raw or len(raw) > 200:
        return None
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(raw))
    ).first()
    return None if row is None else (row[0], row[1])


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch_statement(token_id: int, now: datetime):  # noqa: ANN201 - an SQLAlchemy Update
    return update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)


__all__ = ["find_token", "hash_token", "issue_token", "needs_touch", "touch_statement", "utcnow"]
