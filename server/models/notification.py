"""Reminders that left the server (SPEC §13): one row per (user, channel, slot), and the
schedule's pulse.

The unique (user_id, channel, slot) row is a claim taken *before* anything is sent: whoever
inserts it first sends, everyone else (a retry, a second scheduler) finds it taken. A digest's
slot is the user's local date, a push's the nudge id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "channel", "slot"),
        Index(None, "user_id", "sent_at"),
        Index(None, "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # "email" (the digest) or "push"
    slot: Mapped[str] = mapped_column(String(64))
    nudge_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # sending (claimed), sent, failed (next_attempt_at set: will retry; null: gave up),
    # skipped (nothing to say: an empty digest, a nudge closed before its retry).
    state: Mapped[str] = mapped_column(String(8), default="sending")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set (and committed) just before the message is handed to the SMTP server or the push
    # service: a claim left in `sending` without it crashed before anything could arrive and
    # may be retried; with it, the message may have arrived, so it never is.
    handed_over_at: Mapped[datetime | None] = mapped_column(default=None)
    failed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # Push: short hashes of the URLs that took the message, so a retry after a partial failure
    # goes to the others only (the URLs themselves hold secrets: not stored twice).
    delivered: Mapped[list[str]] = mapped_column(JSON, default=list)


class SchedulerState(Base):
    """When a periodic job last ran, per job name: GET /health tells a schedule that stopped."""

    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_at: Mapped[datetime]
