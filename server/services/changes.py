"""What a write leaves to do: warmth and nudges for the contacts it touched (SPEC §5.2).

Writers stamp the touched contacts' `dirty_at` and call `touched()` inside their own
transaction, before its commit. Where jobs run in-process (no Redis), the work runs right
there, in the same transaction, inside a savepoint: one write transaction per request, a read
right after the write sees its nudges, and a failure of the derived work leaves the write saved
and the contacts marked for the catch-up sweep. Otherwise the contacts wait in the session's
`info` until the jobs layer takes them after the commit (`take_pending`) and enqueues them; a
bulk import's contacts always wait there, since scoring a thousand of them would double the
import's time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from server.models import Contact, User, utcnow
from server.services.processing import process_contacts

log = logging.getLogger(__name__)
INLINE_JOBS = "THRICE_INLINE_JOBS"  # app config: derived work runs in-process
_PENDING = "thrice_pending"


@dataclass
class Pending:
    """Derived work waiting for the commit: per user, contacts, bulk contacts, everything."""

    contacts: dict[int, set[int]] = field(default_factory=dict)
    bulk: dict[int, set[int]] = field(default_factory=dict)
    users: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.contacts or self.bulk or self.users)


def runs_inline() -> bool:
    return bool(current_app.config.get(INLINE_JOBS, True))


def _pending(session: Session) -> Pending:
    found = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = Pending()
    return found


def touched(session: Session, user: User, contact_ids: Iterable[int], *,
            bulk: bool = False, stamp: bool = False) -> None:
    """These contacts' history or rule inputs changed. Their `dirty_at` must be stamped in
    this transaction: by the caller, or here with `stamp` (for writes that change no contact
    row, such as an opportunity's)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return
    if stamp:
        session.execute(update(Contact).where(Contact.id.in_(ids)).values(dirty_at=utcnow()))
    if bulk or not runs_inline():
        target = _pending(session).bulk if bulk else _pending(session).contacts
        target.setdefault(user.id, set()).update(ids)
        return
    try:
        with session.begin_nested():
            process_contacts(session, user, ids, commit=False)
    except Exception:  # noqa: BLE001 - the write stands; catch-up retries the marked contacts
        log.exception("derived work for contacts %s of user %d failed; left for the catch-up "
                      "sweep", ids, user.id)


def user_changed(session: Session, user: User) -> None:
    """Settings that move due times (zone, weekend, pause): every nudge of the user, after
    the commit (the jobs layer runs or enqueues it)."""
    _pending(session).users.add(user.id)


def take_pending(session: Session) -> Pending:
    """The work left for after the commit, once (the jobs layer's after-request hook)."""
    return session.info.pop(_PENDING, None) or Pending()
