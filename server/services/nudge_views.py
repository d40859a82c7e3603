"""Plain-dict view of a nudge."""

from __future__ import annotations

from typing import Any

from server.models import Nudge

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
