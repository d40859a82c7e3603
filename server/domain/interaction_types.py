"""The interaction vocabulary of SPEC §4.1, shared by warmth, nudge rules, schemas and importers.

Pure data: no Flask, SQLAlchemy or RQ here.
"""

from __future__ import annotations

from typing import Final

OUTBOUND_WEIGHTS: Final[dict[str, float]] = {
    "social_follow": 0.25,
    "social_like": 0.5,
    "social_comment": 1.0,
    "message_sent": 1.0,
    "email_sent": 1.0,
    "call_attempt": 0.5,
}
INBOUND_WEIGHTS: Final[dict[str, float]] = {
    "social_like_received": 1.0,
    "social_comment_received": 2.0,
    "reply_received": 3.0,
    "message_received": 3.0,
    "promise_made": 3.0,
    "no_received": 1.5,
}
TWO_WAY_WEIGHTS: Final[dict[str, float]] = {
    "call": 4.0,
    "meeting": 5.0,
    "interview": 6.0,
}
NOTE: Final = "note"

WEIGHTS: Final[dict[str, float]] = {
    **OUTBOUND_WEIGHTS,
    **INBOUND_WEIGHTS,
    **TWO_WAY_WEIGHTS,
    NOTE: 0.0,
}
INTERACTION_TYPES: Final[tuple[str, ...]] = tuple(WEIGHTS)
OUTBOUND: Final[frozenset[str]] = frozenset(OUTBOUND_WEIGHTS)
INBOUND: Final[frozenset[str]] = frozenset(INBOUND_WEIGHTS)
TWO_WAY: Final[frozenset[str]] = frozenset(TWO_WAY_WEIGHTS)
SOCIAL: Final[frozenset[str]] = frozenset(
    {"social_follow", "social_like", "social_comment", "social_like_received",
     "social_comment_received"}
)
# Types whose `ends_at` is meaningful (an interview or meeting has a duration).
TIMED: Final[frozenset[str]] = frozenset({"interview", "meeting", "call"})

NETWORKS: Final[tuple[str, ...]] = ("linkedin", "x", "instagram", "facebook", "github", "other")
ROLES: Final[tuple[str, ...]] = (
    "hiring_manager", "department_manager", "recruiter", "hr", "assistant", "referrer", "peer",
    "other",
)
SOURCES: Final[tuple[str, ...]] = ("extension", "import", "api")
OPPORTUNITY_STATUSES: Final[tuple[str, ...]] = (
    "targeting", "applied", "interviewing", "offer", "closed_won", "closed_lost", "on_hold",
)
ACTIVE_STATUSES: Final[frozenset[str]] = frozenset(
    {"targeting", "applied", "interviewing", "offer"}
)
CLOSED_STATUSES: Final[frozenset[str]] = frozenset({"closed_won", "closed_lost"})
PROMISE_KINDS: Final[tuple[str, ...]] = ("call_at", "by_date", "wait_days")


def direction(interaction_type: str) -> str:
    """'outbound', 'inbound', 'two_way' or 'note'."""
    if interaction_type in OUTBOUND:
        return "outbound"
    if interaction_type in INBOUND:
        return "inbound"
    if interaction_type in TWO_WAY:
        return "two_way"
    return "note"
