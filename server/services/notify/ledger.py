"""The notifications ledger: claim a slot before sending, record how it went, retry failures.

A claim is a row inserted under the unique (user, channel, slot) constraint and committed
before anything leaves: of two schedulers, or a retry racing a first attempt, exactly one
inserts it and sends. Every later change of the row is conditional on its state and its
attempt number, so a process whose claim was recovered by another cannot overwrite it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain import reminders
from server.models import Notification, SchedulerState

EMAIL = "email"
PUSH = "push"
SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"
SCHEDULE = "schedule"  # the scheduler_state row every scheduled tick writes
HISTORY = 50

INTERRUPTED_BEFORE = "interrupted before anything was sent (the process stopped); retried"
INTERRUPTED_DURING = ("interrupted while the message was being handed over (the process "
                      "stopped); it may have arrived, so it is not sent again")


def claim(session: Session, user_id: int, channel: str, slot: str, nudge_ids: Sequence[int],
          now: datetime, *, state: str = SENDING, error: str | None = None
          ) -> Notification | None:
    """The new claim, committed; None if the slot is taken already. A slot decided at once
    (skipped, or failed for good with ``error``) is claimed in that state."""
    row = Notification(user_id=user_id, channel=channel, slot=slot, nudge_ids=list(nudge_ids),
                       state=state, attempts=1, created_at=now, claimed_at=now,
                       delivered=[], error=error, failed_at=now if state == FAILED else None)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return row


def is_claimed(session: Session, user_id: int, channel: str, slot: str) -> bool:
    return session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.channel == channel,
        Notification.slot == slot)) is not None


def claimed_slots(session: Session, user_id: int, channel: str,
                  slots: Sequence[str]) -> set[str]:
    if not slots:
        return set()
    return set(session.scalars(select(Notification.slot).where(
        Notification.user_id == user_id, Notification.channel == channel,
        Notification.slot.in_(slots))))


def _owned(row: Notification) -> Any:
    """The row as long as this attempt still owns it."""
    return update(Notification).where(Notification.id == row.id, Notification.state == SENDING,
                                      Notification.attempts == row.attempts)


def _apply(session: Session, row: Notification, values: dict[str, Any]) -> bool:
    done = session.execute(_owned(row).values(**values)).rowcount == 1
    session.commit()
    if done:
        for name, value in values.items():
            setattr(row, name, value)
    return done


def hand_over(session: Session, row: Notification, now: datetime) -> bool:
    """Record that the message may arrive from now on; False if the claim was lost."""
    return _apply(session, row, {"handed_over_at": now})


def sent(session: Session, row: Notification, now: datetime, *,
         nudge_ids: Sequence[int] | None = None, delivered: Sequence[str] = ()) -> bool:
    values: dict[str, Any] = {"state": SENT, "sent_at": now, "next_attempt_at": None,
                              "delivered": list(delivered)}
    if nudge_ids is not None:
        values["nudge_ids"] = list(nudge_ids)
    return _apply(session, row, values)


def failed(session: Session, row: Notification, now: datetime, error: str, *,
           nudge_ids: Sequence[int] | None = None, delivered: Sequence[str] = ()) -> bool:
    """A failed attempt: retried on the backoff schedule, or given up after the last one."""
    values: dict[str, Any] = {"state": FAILED, "error": error[:2000], "failed_at": now,
                              "next_attempt_at": reminders.retry_at(row.attempts, now),
                              "handed_over_at": None, "delivered": list(delivered)}
    if nudge_ids is not None:
        values["nudge_ids"] = list(nudge_ids)
    return _apply(session, row, values)


def skipped(session: Session, row: Notification, now: datetime, why: str) -> bool:
    return _apply(session, row, {"state": SKIPPED, "error": why, "next_attempt_at": None})


def recover_stale(session: Session, now: datetime,
                  user_ids: Sequence[int] | None = None) -> int:
    """Claims left in `sending` by a process that died: retried if nothing was handed over
    yet, given up otherwise (a second copy is worse than a missing one). Returns how many."""
    stmt = select(Notification).where(Notification.state == SENDING,
                                      Notification.claimed_at <= now - reminders.STALE_CLAIM)
    if user_ids is not None:
        stmt = stmt.where(Notification.user_id.in_(list(user_ids)))
    rows = list(session.scalars(stmt))
    recovered = 0
    for row in rows:
        before = row.handed_over_at is None
        recovered += _apply(session, row, {
            "state": FAILED, "failed_at": now, "handed_over_at": None,
            "error": INTERRUPTED_BEFORE if before else INTERRUPTED_DURING,
            "next_attempt_at": reminders.retry_at(row.attempts, now) if before else None})
    session.commit()
    return recovered


def due_retries(session: Session, now: datetime,
                user_ids: Sequence[int] | None = None) -> Iterator[Notification]:
    """Failed rows whose next attempt has come, each claimed again (attempts + 1) before it is
    yielded; a row another process claimed first is left to it."""
    stmt = select(Notification.id).where(Notification.state == FAILED,
                                         Notification.next_attempt_at <= now)
    if user_ids is not None:
        stmt = stmt.where(Notification.user_id.in_(list(user_ids)))
    ids = list(session.scalars(stmt.order_by(Notification.next_attempt_at, Notification.id)))
    session.commit()
    for row_id in ids:
        taken = session.execute(
            update(Notification).where(Notification.id == row_id, Notification.state == FAILED,
                                       Notification.next_attempt_at <= now)
            .values(state=SENDING, attempts=Notification.attempts + 1, claimed_at=now,
                    handed_over_at=None, next_attempt_at=None)).rowcount == 1
        session.commit()
        if taken:
            row = session.get(Notification, row_id, populate_existing=True)
            session.commit()
            if row is not None:
                yield row


def record_tick(session: Session, now: datetime, name: str = SCHEDULE) -> None:
    """The schedule ran at ``now`` (an upsert that two schedulers may race)."""
    stmt = update(SchedulerState).where(SchedulerState.name == name).values(last_run_at=now)
    if session.execute(stmt).rowcount == 0:
        try:
            with session.begin_nested():
                session.add(SchedulerState(name=name, last_run_at=now))
        except IntegrityError:
            session.execute(stmt)
    session.commit()


def last_tick(session: Session, name: str = SCHEDULE) -> datetime | None:
    return session.scalar(select(SchedulerState.last_run_at).where(SchedulerState.name == name))


def status(session: Session, user_id: int) -> dict[str, Any]:
    """GET /me/notifications: the last send, the last failure and the last 50 sends."""
    history = list(session.execute(
        select(Notification.channel, Notification.sent_at, Notification.nudge_ids)
        .where(Notification.user_id == user_id, Notification.state == SENT)
        .order_by(Notification.sent_at.desc(), Notification.id.desc()).limit(HISTORY)))
    failure = session.execute(
        select(Notification.channel, Notification.failed_at, Notification.error,
               Notification.next_attempt_at, Notification.state)
        .where(Notification.user_id == user_id, Notification.failed_at.is_not(None))
        .order_by(Notification.failed_at.desc(), Notification.id.desc()).limit(1)).first()
    return {
        "last_sent_at": history[0][1] if history else None,
        "last_error": None if failure is None else {
            "channel": failure[0], "at": failure[1], "error": failure[2] or "",
            "retry_at": failure[3] if failure[4] == FAILED else None},
        "sent": [{"channel": channel, "at": at, "nudge_ids": list(ids or [])}
                 for channel, at, ids in history],
    }
