"""Contacts, their social profiles and their e-mail index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.models.base import Base, utcnow


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index(None, "user_id", "updated_at"),
        Index(None, "user_id", "warmth_score"),
        # Partial: only the rows that have one (migration 0002 says why).
        Index(None, "user_id", "import_key", sqlite_where=text("import_key IS NOT NULL"),
              postgresql_where=text("import_key IS NOT NULL")),
        Index(None, "dirty_at", sqlite_where=text("dirty_at IS NOT NULL"),
              postgresql_where=text("dirty_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100), default=None)
    headline: Mapped[str | None] = mapped_column(String(500), default=None)
    company: Mapped[str | None] = mapped_column(String(200), default=None)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(32), default="other")
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    # "Keep in touch every N days": R9 uses it instead of the tier's default.
    cadence_days: Mapped[int | None] = mapped_column(Integer, default=None)
    avatar_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="api")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    import_key: Mapped[str | None] = mapped_column(String(300), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    # Stored warmth (§4), refreshed by the scoring job; dirty_at marks work still to do.
    warmth_score: Mapped[int | None] = mapped_column(Integer, default=None)
    warmth_band: Mapped[str | None] = mapped_column(String(8), default=None)
    warmth_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    warmth_components: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    warmth_computed_at: Mapped[datetime | None] = mapped_column(default=None)
    previous_warmth: Mapped[int | None] = mapped_column(Integer, default=None)
    last_touch_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the history changed and warmth/nudges must be recomputed; cleared by the job
    # only if nothing newer arrived meanwhile (dirty_at <= the job's start).
    dirty_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    profiles: Mapped[list[Profile]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Profile.id",
        lazy="selectin",
    )


class Profile(Base):
    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("user_id", "url"), Index(None, "contact_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2048))
    handle: Mapped[str | None] = mapped_column(String(200), default=None)

    contact: Mapped[Contact] = relationship(back_populates="profiles")


class ContactEmail(Base):
    """Lookup index of contacts by lower-cased e-mail (matching imports, merge suggestions)."""

    __tablename__ = "contact_emails"
    __table_args__ = (Index(None, "user_id", "email"),)

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class DismissedMergeSuggestion(Base):
    __tablename__ = "dismissed_merge_suggestions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    contact_a: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_b: Mapped[int] = mapped_column(Integer, primary_key=True)


__all__ = ["Contact", "ContactEmail", "DismissedMergeSuggestion", "Profile"]
