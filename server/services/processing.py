"""Derived work for contacts whose history changed: warmth first, then nudges.

Everything here is idempotent: running it twice, or after a crash half-way, converges on the
same stored state, so RQ may retry it freely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import Contact, User, utcnow
from server.services import nudge_sync

log = logging.getLogger(__name__)
CHUNK = 1000


def process_contacts(
    session: Session, user: User, contact_ids: Sequence[int], now: datetime | None = None,
    *, commit: bool = True,
) -> int:
    """Rescore these contacts of one user and re-check their nudges; one transaction
    (committed here unless the caller's write owns it: `commit=False`)."""
    started = utcnow()
    now = now or started
    ids = nudge_sync.sync_contacts(session, user, contact_ids, now, rescore=True)
    if not ids:
        return 0
    # Only what we have seen: a write that landed after we started keeps its mark.
    session.execute(
        update(Contact).where(Contact.id.in_(ids), Contact.dirty_at <= started)
        .values(dirty_at=None)
    )
    if commit:
        session.commit()
    return len(ids)


def dirty_contacts(session: Session, limit: int = 50_000) -> dict[int, list[int]]:
    """Contacts with work outstanding, grouped by user."""
    grouped: dict[int, list[int]] = {}
    rows = session.execute(
        select(Contact.user_id, Contact.id).where(Contact.dirty_at.is_not(None))
        .order_by(Contact.user_id, Contact.id).limit(limit)
    )
    for user_id, cid in rows:
        grouped.setdefault(user_id, []).append(cid)
    return grouped


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def all_contact_ids(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(
        select(Contact.id).where(Contact.user_id == user_id, Contact.merged_into_id.is_(None))
        .order_by(Contact.id)))


def all_user_ids(session: Session) -> list[int]:
    return list(session.scalars(select(User.id).order_by(User.id)))


Plan = list[tuple[int, list[int]]]


def full_plan(session: Session, user_id: int | None = None) -> Plan:
    """(user id, contact ids) for one user, or for every user."""
    user_ids = [user_id] if user_id is not None else all_user_ids(session)
    return [(uid, all_contact_ids(session, uid)) for uid in user_ids]


def process_plan(
    session: Session,
    plan: Plan | dict[int, list[int]],
    now: datetime | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Process the contacts chunk by chunk, each chunk its own transaction, so a crash leaves
    whole chunks; ``on_chunk(done, total)`` reports progress after each one."""
    pairs = list(plan.items()) if isinstance(plan, dict) else plan
    total = sum(len(ids) for _, ids in pairs)
    done = 0
    for uid, ids in pairs:
        user = session.get(User, uid)
        if user is None:
            continue
        for chunk in chunks(ids):
            done += process_isolated(session, user, chunk, now)
            if on_chunk is not None:
                on_chunk(done, total)
    return done


def process_isolated(
    session: Session, user: User, contact_ids: Sequence[int], now: datetime | None = None
) -> int:
    """`process_contacts`, but a contact whose data breaks the work is logged and skipped
    (it stays marked dirty) instead of failing its chunk, its user or every user after it."""
    try:
        return process_contacts(session, user, contact_ids, now)
    except Exception:  # noqa: BLE001 - find the culprit one contact at a time
        session.rollback()
        if len(contact_ids) == 1:
            log.exception("derived work for contact %s of user %d failed; it stays marked",
                          contact_ids[0], user.id)
            return 0
    user = session.get(User, user.id) or user
    return sum(process_isolated(session, user, [cid], now) for cid in contact_ids)
