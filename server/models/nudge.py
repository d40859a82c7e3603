"""Follow-up nudges (§5): one row per idempotency key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class Nudge(Base):
    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index(None, "user_id", "state", "due_at"),
        Index(None, "contact_id"),
        # Partial (migration 0003): the visible nudges and those shown lately are few, so the
        # popup's list, the badge and the daily cap cost the same on any account size.
        Index(None, "user_id", "priority", sqlite_where=text("visible = 1"),
              postgresql_where=text("visible = true")),
        Index(None, "user_id", "visible_since", sqlite_where=text("visible_since IS NOT NULL"),
              postgresql_where=text("visible_since IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), default=None
    )
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), default=None
    )
    key: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(4))
    step: Mapped[str | None] = mapped_column(String(4), default=None)
    anchor: Mapped[str | None] = mapped_column(String(120), default=None)
    priority: Mapped[str] = mapped_column(String(2))
    due_at: Mapped[datetime]
    notify_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="scheduled")
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    visible_since: Mapped[datetime | None] = mapped_column(default=None)
    message: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    channel: Mapped[str] = mapped_column(String(8), default="email")
    snooze_count: Mapped[int] = mapped_column(Integer, default=0)
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_by_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"), default=None
    )
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
