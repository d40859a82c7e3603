"""Suggestions read from mail: listed, accepted (logged like a manual log), rejected."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import ApiError, not_found
from server.models import Contact, Suggestion, User, utcnow
from server.schemas.interaction import InteractionIn
from server.services.interactions import Logged, add_interaction
from server.services.pagination import decode_cursor, encode_cursor

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_AS_POSTED = InteractionIn()


def get_suggestion(session: Session, user: User, suggestion_id: int) -> Suggestion:
    found = session.get(Suggestion, suggestion_id)
    if found is None or found.user_id != user.id:
        raise not_found("Suggestion")
    return found


def list_suggestions(session: Session, user: User,
                     args: dict[str, Any]) -> tuple[list[Suggestion], str | None]:
    """Newest first, keyset-paginated on id."""
    stmt = select(Suggestion).where(Suggestion.user_id == user.id)
    if args.get("state", PENDING) != "all":
        stmt = stmt.where(Suggestion.state == args.get("state", PENDING))
    if args.get("cursor"):
        (last_id,) = decode_cursor(args["cursor"], 1)
        if not isinstance(last_id, int):
            raise ApiError(422, "The request has invalid fields.",
                           {"query": {"cursor": ["Not a cursor from this API."]}})
        stmt = stmt.where(Suggestion.id < last_id)
    limit = args.get("limit", 50)
    rows = list(session.scalars(stmt.order_by(Suggestion.id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].id])


def contact_names(session: Session, rows: list[Suggestion]) -> dict[int, str]:
    ids = {r.contact_id for r in rows}
    if not ids:
        return {}
    return dict(session.execute(  # type: ignore[arg-type]
        select(Contact.id, Contact.name).where(Contact.id.in_(ids))).all())


def _open(suggestion: Suggestion) -> None:
    if suggestion.state != PENDING:
        raise ApiError(409, f"This suggestion was already {suggestion.state}.")


def accept_suggestion(session: Session, user: User, suggestion: Suggestion) -> Logged:
    """Log what the suggestion says exactly as POST /contacts/{id}/interactions would."""
    _open(suggestion)
    contact = session.get(Contact, suggestion.contact_id)
    if contact is None:
        raise not_found("Contact")
    body = dict(suggestion.value)
    if suggestion.opportunity_id is not None:
        body["opportunity_id"] = suggestion.opportunity_id
    try:
        data = _AS_POSTED.load(body)
    except ValidationError as exc:  # e.g. a date the schema's bounds refuse
        raise ApiError(422, "This suggestion cannot be logged as it is.",
                       {"json": exc.messages}) from exc
    logged = add_interaction(session, user, contact, data)
    suggestion.state = ACCEPTED
    suggestion.resolved_at = utcnow()
    session.commit()
    return logged


def reject_suggestion(session: Session, suggestion: Suggestion) -> Suggestion:
    _open(suggestion)
    suggestion.state = REJECTED
    suggestion.resolved_at = utcnow()
    session.commit()
    return suggestion
