"""Listing contacts: filters, sort orders and keyset pagination."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.models import Contact, Profile, User
from server.models.base import UTCDateTime
from server.services.pagination import decode_cursor, encode_cursor

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _sort_spec(sort: str) -> tuple[Any, bool, Callable[[Any], Any], Callable[[Any], Any]]:
    """(sort expression, descending, value from a row, value from a cursor)."""
    def as_dt(v: Any) -> datetime:
        return datetime.fromisoformat(v)

    def dt_out(v: datetime | None) -> str:
        return (v or EPOCH).isoformat()

    if sort == "name":
        return func.lower(Contact.name), False, lambda c: c.name.lower(), str
    if sort == "warmth":
        return (func.coalesce(Contact.warmth_score, -1), True,
                lambda c: -1 if c.warmth_score is None else c.warmth_score, int)
    if sort == "last_touch":
        expr = func.coalesce(Contact.last_touch_at, literal(EPOCH, UTCDateTime()))
        return expr, True, lambda c: dt_out(c.last_touch_at), as_dt
    if sort == "created":
        return Contact.created_at, True, lambda c: dt_out(c.created_at), as_dt
    return Contact.updated_at, True, lambda c: dt_out(c.updated_at), as_dt


def _like(value: str) -> str:
    return value.casefold()


def list_contacts(
    session: Session, user: User, args: dict[str, Any]
) -> tuple[list[Contact], str | None]:
    stmt = select(Contact).where(Contact.user_id == user.id, Contact.merged_into_id.is_(None))
    if not args.get("archived", False):
        stmt = stmt.where(Contact.archived.is_(False))
    else:
        stmt = stmt.where(Contact.archived.is_(True))
    if q := (args.get("q") or "").strip():
        needle = _like(q)
        fields = [Contact.name, Contact.company, Contact.title, Contact.headline,
                  Contact.location, cast(Contact.emails, String)]
        handles = select(Profile.contact_id).where(
            Profile.user_id == user.id,
            func.lower(Profile.handle).contains(needle, autoescape=True),
        )
        stmt = stmt.where(
            or_(*(func.lower(f).contains(needle, autoescape=True) for f in fields),
                Contact.id.in_(handles))
        )
    if role := args.get("role"):
        stmt = stmt.where(Contact.role == role)
    if band := args.get("band"):
        cond: ColumnElement[bool] = Contact.warmth_band == band
        stmt = stmt.where(or_(cond, Contact.warmth_band.is_(None)) if band == "cold" else cond)
    if tag := args.get("tag"):
        # Tags are a JSON array; its text contains the JSON-encoded tag exactly once per match.
        stmt = stmt.where(cast(Contact.tags, String).contains(json.dumps(tag), autoescape=True))
    if "starred" in args:
        stmt = stmt.where(Contact.starred.is_(args["starred"]))

    expr, desc, row_value, cursor_value = _sort_spec(args.get("sort", "updated"))
    if cursor := args.get("cursor"):
        raw_value, last_id = decode_cursor(cursor, 2)
        try:
            value = cursor_value(raw_value)
        except (TypeError, ValueError) as exc:
            raise ApiError(422, "The request has invalid fields.",
                           {"query": {"cursor": ["Not a cursor for this sort order."]}}) from exc
        if desc:
            stmt = stmt.where(or_(expr < value, and_(expr == value, Contact.id < last_id)))
        else:
            stmt = stmt.where(or_(expr > value, and_(expr == value, Contact.id > last_id)))
    order = (expr.desc(), Contact.id.desc()) if desc else (expr.asc(), Contact.id.asc())
    limit = args.get("limit", 50)
    rows = list(session.scalars(stmt.order_by(*order).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([row_value(last), last.id])
    return rows, next_cursor
