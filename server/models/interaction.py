"""Interactions with a contact, and the promise the other side may have made in one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("contact_id", "external_id"),
        Index(None, "contact_id", "occurred_at"),
        Index(None, "user_id", "occurred_at"),
        Index(None, "opportunity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), default=None
    )
    type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime]
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    network: Mapped[str | None] = mapped_column(String(16), default=None)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(500), default=None)
    promise_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    promise_at: Mapped[datetime | None] = mapped_column(default=None)
    promise_date: Mapped[date | None] = mapped_column(Date, default=None)
    promise_days: Mapped[int | None] = mapped_column(Integer, default=None)
    promise_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def promise(self) -> dict[str, object] | None:
        if self.promise_kind is None:
            return None
        out: dict[str, object] = {"kind": self.promise_kind}
        if self.promise_at is not None:
            out["at"] = self.promise_at
        if self.promise_date is not None:
            out["date"] = self.promise_date
        if self.promise_days is not None:
            out["days"] = self.promise_days
        if self.promise_tz is not None:
            out["tz"] = self.promise_tz
        return out
