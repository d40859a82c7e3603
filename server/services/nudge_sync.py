"""Database adapter of the nudge engine (§5): feeds the pure rules, applies their plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from server.models import User


def sync_contacts(
    session: Session, user: User, contact_ids: Sequence[int], now: datetime
) -> None:
    """Re-evaluate the nudges of these contacts (filled in with the nudge engine)."""
    return None


def sweep_user(session: Session, user: User, now: datetime) -> None:
    """Time-driven transitions for one user: due, expiry, keep-warm, pipeline digest."""
    return None
