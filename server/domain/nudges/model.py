"""Inputs and outputs of the nudge engine: frozen dataclasses the adapter fills from rows.

Everything here is plain data. Instants are aware UTC datetimes; zones are IANA names.

Inputs
------
``UserCtx``
    ``weekend`` uses ISO weekday numbers (Mon=1 … Sun=7) like ``users.weekend``;
    ``preferred_time`` is the "10:00" of every "at 10:00" in §5.3 (default 10:00).
``ContactCtx``
    ``warmth``/``previous_warmth``: the current score and the score stored before the most recent
    recompute (R10 fires on a crossing from ≥ 40 to < 40). ``networks``: networks the contact
    has a profile on. ``merged``: true for a contact merged into another
    (``merged_into_id is not None``). ``has_email``/``has_phone`` pick a channel.
    ``cadence_days``: the user's own keep-warm cadence for this contact (R9 uses it instead of
    the tier's 14/30/90 days when set; values below 1 count as unset).
``InteractionCtx`` / ``PromiseCtx``
    One interaction row; ``promise`` is set for ``promise_made`` rows that carry one.
``OpportunityCtx``
    ``contacts`` is ``((contact_id, role_on_opportunity_or_None), ...)``.
``NudgeCtx``
    A stored nudge. ``closed_at`` is when it reached a final state and must be stored exactly as
    the ``at`` of the plan item that closed it (chained steps are anchored on it);
    ``closed_reason`` holds the dismiss or cancel reason.

Output
------
``NudgeSpec``: one desired nudge. ``key`` is the idempotency key, deterministic:
``"{rule}:{step or '-'}:c{contact_id or '-'}:{root}"`` where ``root`` is the interaction (``i345``)
or condition (``x``, ``w2025-03-10``…) the chain starts from. ``anchor`` is what the due time is
computed from: ``i{interaction_id}`` for a first step, the previous step's key for a chained step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final, Literal

from server.domain.business_time import DEFAULT_WAKE_END, DEFAULT_WAKE_START, DEFAULT_WEEKEND

Priority = Literal["P1", "P2", "P3", "P4"]
Channel = Literal["call", "email", "message", "social"]
State = Literal[
    "scheduled", "due", "snoozed", "completed", "dismissed", "cancelled", "superseded", "expired"
]

LIVE_STATES: Final[frozenset[str]] = frozenset({"scheduled", "due", "snoozed"})
# The same in a fixed order, for SQL `IN (...)` lists (a stable statement cache key).
LIVE_STATE_LIST: Final[tuple[str, ...]] = tuple(sorted(LIVE_STATES))
FINAL_STATES: Final[frozenset[str]] = frozenset(
    {"completed", "dismissed", "cancelled", "superseded", "expired"}
)
STATES: Final[tuple[str, ...]] = (
    "scheduled", "due", "snoozed", "completed", "dismissed", "cancelled", "superseded", "expired",
)
PRIORITY_RANK: Final[dict[str, int]] = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}


@dataclass(frozen=True)
class UserCtx:
    id: int
    tz: str = "UTC"
    weekend: frozenset[int] = DEFAULT_WEEKEND
    wake_start: time = DEFAULT_WAKE_START
    wake_end: time = DEFAULT_WAKE_END
    preferred_time: time = time(10, 0)
    display_name: str = ""
    nudges_paused: bool = False


@dataclass(frozen=True)
class ContactCtx:
    id: int
    name: str
    first_name: str | None = None
    role: str = "other"
    tz: str | None = None
    starred: bool = False
    do_not_contact: bool = False
    archived: bool = False
    merged: bool = False
    warmth: int | None = None
    previous_warmth: int | None = None
    networks: frozenset[str] = frozenset()
    has_email: bool = False
    has_phone: bool = False
    cadence_days: int | None = None

    @property
    def short_name(self) -> str:
        """First name for messages; the first word of the name when none was stored."""
        if self.first_name:
            return self.first_name
        return self.name.split()[0] if self.name.strip() else self.name


@dataclass(frozen=True)
class PromiseCtx:
    kind: Literal["call_at", "by_date", "wait_days"]
    at: datetime | None = None
    date: date | None = None
    days: int | None = None
    tz: str | None = None


@dataclass(frozen=True)
class InteractionCtx:
    id: int
    contact_id: int
    type: str
    occurred_at: datetime
    opportunity_id: int | None = None
    ends_at: datetime | None = None
    network: str | None = None
    final: bool = False
    promise: PromiseCtx | None = None


@dataclass(frozen=True)
class OpportunityCtx:
    id: int
    company: str
    title: str
    status: str
    contacts: tuple[tuple[int, str | None], ...] = ()
    created_at: datetime | None = None
    status_changed_at: datetime | None = None


@dataclass(frozen=True)
class NudgeCtx:
    id: int
    key: str
    rule: str
    step: str | None
    contact_id: int | None
    opportunity_id: int | None
    priority: str
    state: str
    due_at: datetime
    notify_at: datetime | None = None
    snoozed_until: datetime | None = None
    snooze_count: int = 0
    created_at: datetime | None = None
    closed_at: datetime | None = None
    closed_reason: str | None = None
    completed_by_interaction_id: int | None = None
    visible: bool = False
    visible_since: datetime | None = None
    anchor: str | None = None
    message: str = ""
    reason: str = ""
    channel: str = "email"
    expires_at: datetime | None = None


@dataclass(frozen=True)
class NudgeSpec:
    key: str
    rule: str
    step: str | None
    contact_id: int | None
    opportunity_id: int | None
    priority: str
    due_at: datetime
    notify_at: datetime
    channel: str
    message: str
    reason: str
    anchor: str
    expires_at: datetime | None = field(default=None, compare=True)


def nudge_key(rule: str, step: str | None, contact_id: int | None, root: str) -> str:
    """The deterministic idempotency key (user scope is the adapter's unique constraint)."""
    who = f"c{contact_id}" if contact_id is not None else "c-"
    return f"{rule}:{step or '-'}:{who}:{root}"
