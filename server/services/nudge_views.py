"""Plain-dict view of a nudge."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, case, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from server.models import Nudge
from server.models.base import UTCDateTime

# What a nudge's view shows of it, in order (plus `contact`).
VIEW_FIELDS = ("id", "rule", "step", "contact_id", "opportunity_id", "priority", "due_at",
               "notify_at", "state", "visible", "message", "reason", "channel", "snooze_count",
               "snoozed_until", "completed_by_interaction_id", "created_at", "updated_at")


def nudge_view(n: Nudge, names: dict[int, str], emails: dict[int, str | None] | None = None,
               state: str | None = None) -> dict[str, Any]:
    view = {name: getattr(n, name) for name in VIEW_FIELDS}
    if state:
        view["state"] = state
    view["contact"] = None if n.contact_id is None else {
        "id": n.contact_id, "name": names.get(n.contact_id, ""),
        "email": (emails or {}).get(n.contact_id)}
    return view


def row_view(row: tuple[Any, ...], state: str, name: str | None,
             emails: list[str] | None) -> dict[str, Any]:
    """`nudge_view` of a row holding VIEW_FIELDS in order, with its contact's name and e-mails
    (the popup's list reads those in the same query)."""
    view = dict(zip(VIEW_FIELDS, row, strict=False))
    view["state"] = state
    cid = view["contact_id"]
    view["contact"] = None if cid is None else {
        "id": cid, "name": name or "", "email": (emails or [None])[0]}
    return view


def _sql(literal: str) -> ColumnElement[Any]:
    """A constant written into the statement itself (ours, never user input), so the popup's
    statement binds only its real parameters."""
    return literal_column(literal, type_=String)


def _key(name: str) -> ColumnElement[Any]:
    return _sql(f"'{name}'")


def _sqlite_iso(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A UTC datetime as `iso_z` writes it, from SQLite's stored 'YYYY-MM-DD HH:MM:SS.ffffff':
    'YYYY-MM-DDTHH:MM:SSZ', with '.ffffff' before the Z unless it is zero. NULL stays NULL."""
    with_t = func.replace(column, _sql("' '"), _sql("'T'"), type_=String)
    return func.replace(with_t + _sql("'Z'"), _sql("'.000000Z'"), _sql("'Z'"), type_=String)


def _sqlite_bool(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.json(case((column.is_(None), _sql("'null'")), (column.is_(True), _sql("'true'")),
                          else_=_sql("'false'")))


def sqlite_view_json(state: str, contact: tuple[ColumnElement[Any], ColumnElement[Any]]
                     ) -> ColumnElement[Any]:
    """SQLite's JSON text of `row_view` (SQLite only): the nudge's VIEW_FIELDS in order, `state`
    as given, and its contact from the (name, e-mails) columns. json() wraps the computed
    values so SQLite embeds them as JSON rather than as text."""
    name, emails = contact
    args: list[Any] = []
    for key in VIEW_FIELDS:
        column = Nudge.__table__.c[key]
        if key == "state":
            value: Any = _key(state)
        elif isinstance(column.type, UTCDateTime):
            value = _sqlite_iso(column)
        elif isinstance(column.type, Boolean):
            value = _sqlite_bool(column)
        else:
            value = column
        args += [_key(key), value]
    contact_json = func.json_object(
        _key("id"), Nudge.contact_id, _key("name"), func.coalesce(name, _sql("''")),
        _key("email"), func.json_extract(emails, _sql("'$[0]'")))
    args += [_key("contact"),
             func.json(case((Nudge.contact_id.is_(None), _sql("'null'")), else_=contact_json))]
    return func.json_object(*args, type_=String)
