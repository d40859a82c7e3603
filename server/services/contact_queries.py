"""Listing contacts: filters, sort orders and keyset pagination."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from server.errors import ApiError
from server.models import Contact, Profile, User
from server.models.base import UTCDateTime
from server.services.pagination import cursor_time, decode_cursor, encode_cursor

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


MAX_SORT_INT = 2**31 - 1


def _bad_cursor() -> ApiError:
    return ApiError(422, "The request has invalid fields.",
                    {"query": {"cursor": ["Not a cursor for this sort order."]}})


def _dt_out(value: datetime | None) -> str:
    return (value or EPOCH).isoformat()


def _int_in(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_SORT_INT:
        raise ValueError("not a score")
    return value


def _str_in(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value or len(value) > 1000:
        raise ValueError("not a name")
    return value


def _sort_spec(sort: str) -> tuple[Any, bool, Callable[[Any], Any], Callable[[Any], Any]]:
    """(sort expression, descending, cursor value from the expression's value, its inverse).

    The cursor carries the value the database computed for the last row (not one recomputed in
    Python: SQLite's lower() folds ASCII only), so the next page starts exactly after it.
    """
    if sort == "name":
        return func.lower(Contact.name), False, str, _str_in
    if sort == "warmth":
        return func.coalesce(Contact.warmth_score, -1), True, int, _int_in
    if sort == "last_touch":
        expr = func.coalesce(Contact.last_touch_at, literal(EPOCH, UTCDateTime()))
        return expr, True, _dt_out, cursor_time
    if sort == "created":
        return Contact.created_at, True, _dt_out, cursor_time
    return Contact.updated_at, True, _dt_out, cursor_time


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
        except (TypeError, ValueError, OverflowError) as exc:
            raise _bad_cursor() from exc
        if desc:
            stmt = stmt.where(or_(expr < value, and_(expr == value, Contact.id < last_id)))
        else:
            stmt = stmt.where(or_(expr > value, and_(expr == value, Contact.id > last_id)))
    order = (expr.desc(), Contact.id.desc()) if desc else (expr.asc(), Contact.id.asc())
    limit = args.get("limit", 50)
    found = session.execute(stmt.add_columns(expr).order_by(*order).limit(limit + 1)).all()
    rows = [row[0] for row in found]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([row_value(found[limit - 1][1]), rows[-1].id])
    return rows, next_cursor
