"""Plain-dict view of a nudge."""

from __future__ import annotations

from typing import Any

from server.models import Nudge


def nudge_view(n: Nudge, names: dict[int, str], emails: dict[int, str | None] | None = None,
               state: str | None = None) -> dict[str, Any]:
    contact = None
    if n.contact_id is not None:
        contact = {"id": n.contact_id, "name": names.get(n.contact_id, ""),
                   "email": (emails or {}).get(n.contact_id)}
    return {
        "id": n.id,
        "rule": n.rule,
        "step": n.step,
        "contact_id": n.contact_id,
        "opportunity_id": n.opportunity_id,
        "priority": n.priority,
        "due_at": n.due_at,
        "notify_at": n.notify_at,
        "state": state or n.state,
        "visible": n.visible,
        "message": n.message,
        "reason": n.reason,
        "channel": n.channel,
        "snooze_count": n.snooze_count,
        "snoozed_until": n.snoozed_until,
        "completed_by_interaction_id": n.completed_by_interaction_id,
        "contact": contact,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }
