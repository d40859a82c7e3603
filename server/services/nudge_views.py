"""Plain-dict view of a nudge, from a row of its view columns and its contact's name and
e-mails (`services.nudges` selects them in one statement for every list)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row

from server.domain.nudges.lifecycle import state_at
from server.models import Nudge

# What a nudge's view shows of it, in order (plus `contact`).
VIEW_FIELDS = ("id", "rule", "step", "contact_id", "opportunity_id", "priority", "due_at",
               "notify_at", "state", "visible", "message", "reason", "channel", "snooze_count",
               "snoozed_until", "completed_by_interaction_id", "created_at", "updated_at")
VIEW_COLUMNS = tuple(getattr(Nudge, name) for name in VIEW_FIELDS)
_STATE = VIEW_FIELDS.index("state")
_DUE = VIEW_FIELDS.index("due_at")
_UNTIL = VIEW_FIELDS.index("snoozed_until")


def row_view(row: Row[Any] | tuple[Any, ...], now: datetime) -> dict[str, Any]:
    """The view of a row holding VIEW_FIELDS in order, then its contact's name and e-mails;
    `state` is the state at `now` (a scheduled nudge past due reads as due, §5.2)."""
    view = dict(zip(VIEW_FIELDS, row, strict=False))
    view["state"] = state_at(row[_STATE], row[_DUE], row[_UNTIL], now)
    name, emails = row[-2], row[-1]
    cid = view["contact_id"]
    view["contact"] = None if cid is None else {
        "id": cid, "name": name or "", "email": (emails or [None])[0]}
    return view
