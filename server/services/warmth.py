"""Reading interaction history set-wise and storing warmth (§4) on contacts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from server.domain.interaction_types import NOTE
from server.domain.warmth import (
    FUTURE_TOLERANCE,
    WINDOW_DAYS,
    Warmth,
    WarmthEvent,
    compute_warmth,
    compute_warmth_many,
)
from server.models import Contact, Interaction, User, utcnow

# One day of slack so events at the window edge are read and the pure code decides.
_READ_WINDOW = timedelta(days=WINDOW_DAYS + 1)


def load_events(
    session: Session, contact_ids: Sequence[int], now: datetime
) -> dict[int, list[WarmthEvent]]:
    """Windowed events per contact, plus each contact's earliest event (it sets the tenure)."""
    events: dict[int, list[WarmthEvent]] = defaultdict(list)
    if not contact_ids:
        return events
    ids = list(contact_ids)
    rows = session.execute(
        select(Interaction.contact_id, Interaction.type, Interaction.occurred_at).where(
            Interaction.contact_id.in_(ids),
            Interaction.type != NOTE,
            Interaction.occurred_at >= now - _READ_WINDOW,
            Interaction.occurred_at <= now + FUTURE_TOLERANCE,
        )
    )
    for cid, type_, occurred in rows:
        events[cid].append(WarmthEvent(type_, occurred))
    earliest = session.execute(
        select(Interaction.contact_id, func.min(Interaction.occurred_at))
        .where(
            Interaction.contact_id.in_(ids),
            Interaction.type != NOTE,
            Interaction.occurred_at < now - _READ_WINDOW,
        )
        .group_by(Interaction.contact_id)
    )
    for cid, occurred in earliest:
        if occurred is not None:
            # Outside the window an event adds nothing but tenure, so any counted type will do.
            events[cid].append(WarmthEvent("email_sent", occurred))
    return events


def warmth_at(
    session: Session, user: User, contact: Contact, at: datetime | None
) -> dict[str, Any]:
    now = at or utcnow()
    events = load_events(session, [contact.id], now).get(contact.id, [])
    result = compute_warmth(events, now, user.timezone)
    return {**result.as_dict(), "at": now, "computed_at": result.computed_at}


def rescore(session: Session, user: User, events_by_contact: dict[int, list[WarmthEvent]],
            current: dict[int, int | None], now: datetime) -> dict[int, Warmth]:
    """Recompute and store warmth for these contacts of one user, from all their events;
    `current`: each one's stored score (kept as the previous one, for R10)."""
    results = compute_warmth_many(events_by_contact, now, user.timezone)
    store(session, results, current)
    return results


def warmth_columns(w: Warmth, previous: int | None) -> dict[str, Any]:
    """The contact columns that hold a computed warmth."""
    return {
        "warmth_score": w.score,
        "warmth_band": w.band,
        "warmth_reason": w.reason[:300],
        "warmth_components": {"O": round(w.O, 4), "I": round(w.I, 4), "B": round(w.B, 4),
                              "T": round(w.T, 4), "S": round(w.S, 4)},
        "warmth_computed_at": w.computed_at,
        "previous_warmth": previous,
    }


_STORE = (
    update(Contact.__table__)
    .where(Contact.__table__.c.id == bindparam("cid"))
    .values(
        warmth_score=bindparam("warmth_score"),
        warmth_band=bindparam("warmth_band"),
        warmth_reason=bindparam("warmth_reason"),
        warmth_components=bindparam("warmth_components"),
        warmth_computed_at=bindparam("warmth_computed_at"),
        previous_warmth=bindparam("previous_warmth"),
    )
)


def store(session: Session, results: dict[int, Warmth], current: dict[int, int | None]) -> None:
    if results:
        session.execute(_STORE, [{"cid": cid, **warmth_columns(w, current.get(cid))}
                                 for cid, w in results.items()])
