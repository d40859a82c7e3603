"""API tokens: 256-bit random, shown once, stored as SHA-256; checking one on each request."""

from __future__ import annotations

import copy
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, make_transient_to_detached

from server.extensions import LOCK_WAIT, READ_ONLY
from server.models import ApiToken, User, utcnow

log = logging.getLogger(__name__)
TOKEN_PREFIX = "thr_"
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200  # ours are 47 characters; anything much longer is not one

_USER_COLUMNS = tuple(User.__table__.c)
_FIND = (select(ApiToken.id, ApiToken.last_used_at, *_USER_COLUMNS)
         .join(User, User.id == ApiToken.user_id)
         .where(ApiToken.token_hash == bindparam("token_hash")))
_TOUCH = update(ApiToken).where(ApiToken.id == bindparam("token_id")).values(
    last_used_at=bindparam("now", type_=ApiToken.last_used_at.type))


def hash_token(token: str) -> str:
    # A slow password hash would cost every request; a 256-bit random secret needs none.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw))
    session.add(token)
    session.flush()
    return token, raw


@dataclass(frozen=True, slots=True)
class TokenCheck:
    user_id: int
    touch_due: datetime  # when the token's use is next to be recorded
    touched: bool = False  # its use was recorded (committed) by this check
    user_row: dict[str, Any] = field(default_factory=dict)  # the user's columns, as read

    def user_in(self, session: Session) -> User:
        """The token's user as a persistent object of `session`, from the columns read with
        the token: no second query (inside a write request it would hold the write lock)."""
        user = User(**copy.deepcopy(self.user_row))  # kept answers share the row
        make_transient_to_detached(user)
        return session.merge(user, load=False)


def check_token(session: Session, raw: str, now: datetime | None = None) -> TokenCheck | None:
    """The token's user, recording the token's use when a minute has passed, or None.

    Both run outside the request's own transaction: the check on a read-only connection (on
    SQLite a write request would otherwise hold the write lock from here on), the record in
    a transaction of its own that gives up at once when another writer holds the lock, so a
    read never waits for it (missing one record of use is harmless; the next request retries).
    """
    now = now or utcnow()
    engine = session.get_bind()
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        found = conn.execute(_FIND, {"token_hash": hash_token(raw)}).first()
        conn.rollback()
    if found is None:
        return None
    token_id, last_used_at = found[0], found[1]
    row = {column.key: value for column, value in zip(_USER_COLUMNS, found[2:], strict=True)}
    user_id = row["id"]
    touched = False
    if last_used_at is None or now - last_used_at >= TOUCH_EVERY:
        try:
            with engine.connect().execution_options(**{LOCK_WAIT: 0}) as conn:
                conn.execute(_TOUCH, {"token_id": token_id, "now": now})
                conn.commit()
            last_used_at, touched = now, True
        except SQLAlchemyError as exc:
            log.info("token use not recorded this time (%s)", str(exc).splitlines()[0])
            last_used_at = now - TOUCH_EVERY  # due again on the next request
    return TokenCheck(int(user_id), last_used_at + TOUCH_EVERY, touched, row)
