"""The nudge engine: every rule family over one user's history, and the plan that gets the
stored nudges there (SPEC §5).

Public API::

    evaluate(user, contacts, interactions, opportunities, existing, now) -> list[NudgeSpec]
    reconcile(user, contacts, interactions, opportunities, existing, now) -> Plan

``evaluate`` returns the desired live nudges (existing keys included). ``reconcile`` compares
them with ``existing`` (every stored nudge of the user, any state) and returns a ``Plan``:

- ``create``: specs whose key is not stored in any state (a key is never re-created), with the
  initial ``state`` (``due`` when already due, else ``scheduled``) and ``visible``.
- ``complete`` (with the satisfying ``interaction_id``, or None for condition completions),
  ``cancel`` (``reason``), ``supersede`` (``by_key``), ``expire``: live nudges to close. Each
  carries ``at``: store it as ``closed_at`` (chained steps are anchored on it).
- ``update``: live nudges whose due_at/notify_at/expires_at/priority/message/reason/channel/
  opportunity_id changed (a snoozed nudge keeps its until; notify_at/expires_at follow it).
- ``visibility``: (key, visible) for stored nudges whose ``visible`` flag flips; set
  ``visible_since = now`` when it turns on. Closed nudges are always invisible.

Apply everything in one transaction; reconciling again with the same inputs and ``now`` then
yields an empty plan. Pass the user's whole history: stored nudges of contacts missing from
``contacts`` are left untouched, live ones of contacts that are present but no longer produced
by any rule are cancelled. With ``nudges_paused`` nothing is created or closed; visible nudges
are hidden until the pause ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from server.domain import business_time as bt
from server.domain.interaction_types import CLOSED_STATUSES
from server.domain.nudges.context import History, Verdict
from server.domain.nudges.interviews import interview_verdicts
from server.domain.nudges.keep_warm import keep_warm_verdicts
from server.domain.nudges.lifecycle import (
    VisItem,
    assign_visibility,
    effective_due,
    expires_at,
    shown_today,
    state_at,
)
from server.domain.nudges.model import (
    FINAL_STATES,
    LIVE_STATES,
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    NudgeSpec,
    OpportunityCtx,
    UserCtx,
)
from server.domain.nudges.pipeline import pipeline_verdicts
from server.domain.nudges.promises import promise_verdicts
from server.domain.nudges.rejections import escalation_verdicts, no_verdicts
from server.domain.nudges.replies import reply_verdicts
from server.domain.nudges.social import social_verdicts

UPDATABLE = ("due_at", "notify_at", "expires_at", "priority", "message", "reason", "channel",
             "opportunity_id")


@dataclass(frozen=True)
class Create:
    spec: NudgeSpec
    state: str
    visible: bool


@dataclass(frozen=True)
class Close:
    """complete / cancel / supersede / expire one stored nudge."""

    id: int
    key: str
    at: datetime
    interaction_id: int | None = None
    reason: str | None = None
    by_key: str | None = None


@dataclass(frozen=True)
class Update:
    id: int
    key: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    create: tuple[Create, ...] = ()
    complete: tuple[Close, ...] = ()
    cancel: tuple[Close, ...] = ()
    supersede: tuple[Close, ...] = ()
    expire: tuple[Close, ...] = ()
    update: tuple[Update, ...] = ()
    visibility: tuple[tuple[str, bool], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.create or self.complete or self.cancel or self.supersede
                    or self.expire or self.update or self.visibility)


def collect(hist: History) -> list[Verdict]:
    """All verdicts, one per key (the first rule to speak about a key wins)."""
    promises = promise_verdicts(hist)
    nos = no_verdicts(hist)
    # A reply to a no (it completed an R5 step) is not an interview follow-up, and the
    # interview thank-you (R4 F1) is not going around the gatekeeper (R6).
    answered = frozenset(v.consumed for v in nos if v.consumed is not None)
    interviews = interview_verdicts(hist, promises, answered)
    thanks = frozenset(v.consumed for v in interviews
                       if v.spec.step == "F1" and v.consumed is not None)
    verdicts: list[Verdict] = list(promises.values())
    verdicts += interviews
    verdicts += nos
    verdicts += escalation_verdicts(hist, thanks)
    verdicts += social_verdicts(hist)
    verdicts += reply_verdicts(hist, verdicts)
    verdicts += keep_warm_verdicts(hist, verdicts)
    verdicts += pipeline_verdicts(hist)
    seen: set[str] = set()
    unique: list[Verdict] = []
    for v in verdicts:
        if v.spec.key not in seen:
            seen.add(v.spec.key)
            unique.append(v)
    return unique


def evaluate(
    user: UserCtx,
    contacts: Iterable[ContactCtx],
    interactions: Iterable[InteractionCtx],
    opportunities: Iterable[OpportunityCtx],
    existing: Iterable[NudgeCtx],
    now: datetime,
) -> list[NudgeSpec]:
    """The desired live nudges (new and already stored), in list order."""
    if user.nudges_paused:
        return []
    hist = History(user, contacts, interactions, opportunities, existing, now)
    return [v.spec for v in collect(hist) if v.is_live]


def _orphan_reason(hist: History, n: NudgeCtx) -> str:
    why = hist.suppression(n.contact_id)
    if why is not None:
        return why
    o = hist.opps.get(n.opportunity_id) if n.opportunity_id is not None else None
    if o is not None and o.status in CLOSED_STATUSES:
        return "opportunity closed"
    return "no longer applies"


def _changes(n: NudgeCtx, spec: NudgeSpec, user: UserCtx) -> dict[str, Any]:
    want: dict[str, Any] = {f: getattr(spec, f) for f in UPDATABLE}
    if n.state == "snoozed" and n.snoozed_until is not None:
        want["notify_at"] = bt.notify_at(n.snoozed_until, user.tz, user.wake_start, user.wake_end)
        want["expires_at"] = expires_at(spec.priority, n.snoozed_until, user)
    return {f: v for f, v in want.items() if getattr(n, f) != v}


def reconcile(
    user: UserCtx,
    contacts: Iterable[ContactCtx],
    interactions: Iterable[InteractionCtx],
    opportunities: Iterable[OpportunityCtx],
    existing: Iterable[NudgeCtx],
    now: datetime,
) -> Plan:
    existing = list(existing)
    contacts = list(contacts)
    if user.nudges_paused:
        hide = tuple((n.key, False) for n in existing if n.visible)
        return Plan(visibility=hide)
    hist = History(user, contacts, interactions, opportunities, existing, now)
    verdicts = collect(hist)
    by_key = {v.spec.key: v for v in verdicts}
    creates: list[Create] = []
    closes: dict[str, list[Close]] = {k: [] for k in ("completed", "cancelled", "superseded",
                                                      "expired")}
    updates: list[Update] = []
    for v in verdicts:
        n = hist.existing.get(v.spec.key)
        if n is None:
            if v.is_live:
                state = state_at("scheduled", v.spec.due_at, None, hist.now)
                creates.append(Create(v.spec, state, False))
            continue
        if n.state in FINAL_STATES:
            continue
        if v.outcome in closes:
            assert v.at is not None
            closes[v.outcome].append(Close(n.id, n.key, v.at, v.interaction_id, v.reason,
                                           v.by_key))
        elif v.is_live:
            changes = _changes(n, v.spec, user)
            if changes:
                updates.append(Update(n.id, n.key, changes))
    in_scope = set(hist.contacts)
    for n in existing:
        if n.state in LIVE_STATES and n.key not in by_key and (
                n.contact_id is None or n.contact_id in in_scope):
            closes["cancelled"].append(Close(n.id, n.key, hist.now,
                                             reason=_orphan_reason(hist, n)))
    closed = {c.key for cs in closes.values() for c in cs}
    creates, visibility = _visibility(hist, existing, creates, updates, closed)
    return Plan(
        create=tuple(creates),
        complete=tuple(closes["completed"]),
        cancel=tuple(closes["cancelled"]),
        supersede=tuple(closes["superseded"]),
        expire=tuple(closes["expired"]),
        update=tuple(updates),
        visibility=visibility,
    )


def _visibility(
    hist: History, existing: Sequence[NudgeCtx], creates: list[Create],
    updates: list[Update], closed: set[str],
) -> tuple[list[Create], tuple[tuple[str, bool], ...]]:
    changed = {u.key: u.changes for u in updates}
    items: list[VisItem] = []
    for n in existing:
        if n.state not in LIVE_STATES or n.key in closed:
            continue
        ch = changed.get(n.key, {})
        upd = replace(n, **{k: v for k, v in ch.items() if k in ("due_at", "priority")})
        items.append(VisItem(n.key, n.contact_id, ch.get("opportunity_id", n.opportunity_id),
                             upd.priority, effective_due(upd), n.visible,
                             _warmth(hist, n.contact_id)))
    for c in creates:
        s = c.spec
        items.append(VisItem(s.key, s.contact_id, s.opportunity_id, s.priority, s.due_at, False,
                             _warmth(hist, s.contact_id)))
    result = assign_visibility(items, hist.now, hist.user,
                               shown_today(existing, hist.now, hist.user))
    out_creates = [replace(c, visible=c.spec.key in result.visible) for c in creates]
    flips: list[tuple[str, bool]] = []
    for n in existing:
        if n.state in LIVE_STATES and n.key not in closed:
            want = n.key in result.visible
            if want != n.visible:
                flips.append((n.key, want))
        elif n.visible:
            flips.append((n.key, False))
    return out_creates, tuple(sorted(flips))


def _warmth(hist: History, contact_id: int | None) -> int | None:
    c = hist.contacts.get(contact_id) if contact_id is not None else None
    return c.warmth if c is not None else None
