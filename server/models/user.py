"""Users and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.models.base import Base, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    wake_start: Mapped[str] = mapped_column(String(5), default="08:00")
    wake_end: Mapped[str] = mapped_column(String(5), default="21:00")
    preferred_time: Mapped[str] = mapped_column(String(5), default="10:00")
    # ISO weekday numbers (Mon=1 … Sun=7) that are not working days.
    weekend: Mapped[list[int]] = mapped_column(JSON, default=lambda: [6, 7])
    nudges_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Reminders that arrive (§13): the daily e-mail, opt-in, and Apprise URLs for P1/P2 pushes.
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    push_urls: Mapped[list[str]] = mapped_column(JSON, default=list,
                                                 server_default=text("'[]'"))
    # Read-only capability for the iCalendar feed; shown in GET /me, so it cannot be hashed.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # When the weekly pipeline digest (R11) was last evaluated, so the sweep does it once.
    pipeline_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    # The web app's sign-in (§10): a slow salted hash (services.passwords); none, no sign-in.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the 256-bit random token: fast to check on every request, useless if leaked.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="tokens")
