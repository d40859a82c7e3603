"""API tokens: 256-bit random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from server.models import ApiToken, User, utcnow

TOKEN_PREFIX = "thr_"
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200  # ours are 47 characters; anything much longer is not one


def hash_token(token: str) -> str:
    # A slow password hash would cost every request; a 256-bit random secret needs none.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw))
    session.add(token)
    session.flush()
    return token, raw


__all__ = ["hash_token", "issue_token", "utcnow"]
