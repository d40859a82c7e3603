"""Users: creation, settings, export and erasure."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from server.errors import field_error
from server.models import (
    ApiToken,
    Contact,
    ContactEmail,
    DismissedMergeSuggestion,
    Interaction,
    Notification,
    Nudge,
    Opportunity,
    OpportunityContact,
    Profile,
    User,
    utcnow,
)
from server.services.notify.push import checked_push_urls
from server.services.nudges import all_views
from server.services.serialize import contact_views, interaction_view, opportunity_view


def create_user(session: Session, email: str, timezone: str = "UTC",
                display_name: str | None = None) -> User:
    """A new user. Without a display name it stays empty and messages are signed without one:
    a name made up from the e-mail ("jsmith82") would sign the user's messages to recruiters."""
    user = User(email=email.strip().lower(), timezone=timezone,
                display_name=(display_name or "").strip(), weekend=[6, 7],
                feed_token=secrets.token_urlsafe(24))
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def ensure_feed_token(user: User) -> str:
    if not user.feed_token:
        user.feed_token = secrets.token_urlsafe(24)
    return user.feed_token


def me_view(user: User, calendar_url: str) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "timezone": user.timezone,
        "wake_window": {"start": user.wake_start, "end": user.wake_end},
        "preferred_time": user.preferred_time,
        "weekend": sorted(user.weekend or []),
        "nudges_paused": user.nudges_paused,
        "daily_digest": user.daily_digest,
        "push_urls": list(user.push_urls or []),
        "calendar_url": calendar_url,
        "created_at": user.created_at,
    }


def apply_settings(user: User, data: dict[str, Any], mail_problem: str | None = None) -> None:
    """Set what ``data`` holds; ``mail_problem`` says why this server cannot send e-mail
    (then the daily digest cannot be turned on). Nothing changes when a value is refused."""
    if data.get("daily_digest") and mail_problem:
        raise field_error("daily_digest", f"This server cannot send e-mail yet: {mail_problem}.")
    if "push_urls" in data:
        user.push_urls = checked_push_urls(data["push_urls"])
    if "daily_digest" in data:
        user.daily_digest = data["daily_digest"]
    for name in ("display_name", "timezone", "preferred_time", "nudges_paused"):
        if name in data:
            setattr(user, name, data[name])
    if "wake_window" in data:
        user.wake_start = data["wake_window"]["start"]
        user.wake_end = data["wake_window"]["end"]
    if "weekend" in data:
        user.weekend = sorted(set(data["weekend"]))


def export_user(session: Session, user: User) -> dict[str, Any]:
    contacts = list(session.scalars(
        select(Contact).where(Contact.user_id == user.id).order_by(Contact.id)))
    interactions = session.scalars(
        select(Interaction).where(Interaction.user_id == user.id).order_by(Interaction.id))
    opportunities = list(session.scalars(
        select(Opportunity).where(Opportunity.user_id == user.id).order_by(Opportunity.id)))
    names = {c.id: c.name for c in contacts}
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
    return {
        "format": "thrice-export/1",
        "user": me_view(user, ""),
        "tokens": [{"id": t.id, "name": t.name, "created_at": t.created_at,
                    "last_used_at": t.last_used_at} for t in tokens],
        "contacts": contact_views(session, contacts),
        "interactions": [interaction_view(i) for i in interactions],
        "opportunities": [opportunity_view(o, names) for o in opportunities],
        "nudges": all_views(session, user.id),
    }


def erase_user(session: Session, user: User) -> None:
    """Delete every row of the user explicitly (SQLite may run without FK cascades)."""
    uid = user.id
    contact_ids = select(Contact.id).where(Contact.user_id == uid)
    opp_ids = select(Opportunity.id).where(Opportunity.user_id == uid)
    session.execute(delete(Notification).where(Notification.user_id == uid))
    session.execute(delete(Nudge).where(Nudge.user_id == uid))
    session.execute(delete(Interaction).where(Interaction.user_id == uid))
    session.execute(delete(OpportunityContact).where(OpportunityContact.opportunity_id.in_(opp_ids)))
    session.execute(delete(Opportunity).where(Opportunity.user_id == uid))
    session.execute(delete(Profile).where(Profile.user_id == uid))
    session.execute(delete(ContactEmail).where(ContactEmail.user_id == uid))
    session.execute(delete(DismissedMergeSuggestion).where(DismissedMergeSuggestion.user_id == uid))
    session.execute(
        Contact.__table__.update().where(Contact.user_id == uid).values(merged_into_id=None))
    session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
    session.execute(delete(ApiToken).where(ApiToken.user_id == uid))
    session.execute(delete(User).where(User.id == uid))
    session.commit()


def mark_all_dirty(session: Session, user: User) -> None:
    """Settings that move due times (zone, weekend, pause) concern every contact."""
    session.execute(update(Contact).where(Contact.user_id == user.id).values(dirty_at=utcnow()))
