"""Nudges (§5, §6): the popup's list, the badge summary, actions and the iCalendar feed."""

from __future__ import annotations

from server.api.blueprint import Blueprint

blp = Blueprint("nudges", __name__, url_prefix="/api/v1", description="Follow-up nudges")
