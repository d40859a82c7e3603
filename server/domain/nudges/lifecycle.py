"""Nudge lifecycle of SPEC §5.2: states, expiry, user actions, visibility and ordering.

Pure functions over ``NudgeCtx``/``UserCtx``; user actions return a ``Transition`` (the new
field values) plus ``effects`` for the adapter to apply in the same transaction.

Public API::

    is_live(state) -> bool
    effective_state(nudge, now) -> str            # 'due' is read-time truth
    state_at(state, due_at, snoozed_until, now) -> str  # the same, of stored columns
    effective_due(nudge) -> datetime              # snoozed_until when snoozed, else due_at
    expires_at(priority, base, user) -> datetime  # base = due_at, or until after a snooze
    nudge_expires_at(nudge, user) -> datetime
    snooze_until(preset, now, user) -> datetime   # preset ∈ SNOOZE_PRESETS
    parse_until(until, user, now) -> datetime     # explicit until (naive = user's wall clock)
    complete(nudge, now, interaction_id=None) -> Transition
    snooze(nudge, now, user, *, preset=None, until=None) -> Transition
    dismiss(nudge, now, reason) -> Transition     # reason ∈ DISMISS_REASONS
    sort_key(priority, due_at, warmth) -> tuple   # priority, due_at, warmth descending
    assign_visibility(live, now, user, shown_today) -> VisibilityResult
    shown_today(nudges, now, user) -> int

Raises ``LifecycleError`` for an action on a nudge that is not live or a bad argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Final

from server.domain import business_time as bt
from server.domain.nudges.model import LIVE_STATES, PRIORITY_RANK, NudgeCtx, UserCtx

SNOOZE_PRESETS: Final[tuple[str, ...]] = ("3h", "tomorrow", "next_monday", "7d")
DISMISS_REASONS: Final[tuple[str, ...]] = (
    "handled_offline", "not_relevant", "wrong_person", "position_filled", "do_not_contact",
)
MAX_SNOOZES_URGENT: Final = 4  # P1/P2 expire at the 4th snooze
DAILY_VISIBLE_CAP: Final = 10
MORNING: Final = time(9, 0)


class LifecycleError(ValueError):
    """An action that the lifecycle does not allow (the API answers 409/422)."""


def is_live(state: str) -> bool:
    return state in LIVE_STATES


def effective_due(nudge: NudgeCtx) -> datetime:
    if nudge.state == "snoozed" and nudge.snoozed_until is not None:
        return nudge.snoozed_until
    return nudge.due_at


def state_at(state: str, due_at: datetime, snoozed_until: datetime | None,
             now: datetime) -> str:
    """A scheduled nudge past due_at, or a snoozed one past until, reads as 'due'."""
    if state == "scheduled" and due_at <= now:
        return "due"
    if state == "snoozed" and (snoozed_until or due_at) <= now:
        return "due"
    return state


def effective_state(nudge: NudgeCtx, now: datetime) -> str:
    return state_at(nudge.state, nudge.due_at, nudge.snoozed_until, now)


def expires_at(priority: str, base: datetime, user: UserCtx) -> datetime:
    """P1 + 3 working days (same local time), P2 + 7 d, P3 + 14 d, P4 + 30 d (calendar days)."""
    if priority == "P1":
        local = bt.ensure_utc(base).astimezone(bt.zone(user.tz))
        d = bt.add_working_days(local.date(), 3, user.weekend)
        return bt.at_local(d, local.time(), user.tz)
    days = {"P2": 7, "P3": 14, "P4": 30}[priority]
    return bt.add_days_local(base, days, user.tz)


def nudge_expires_at(nudge: NudgeCtx, user: UserCtx) -> datetime:
    return expires_at(nudge.priority, effective_due(nudge), user)


def snooze_until(preset: str, now: datetime, user: UserCtx) -> datetime:
    """+3 h (absolute), tomorrow 09:00, next Monday 09:00 (user's zone), +7 d (wall clock)."""
    if preset == "3h":
        return bt.add_hours(now, 3)
    if preset == "tomorrow":
        return bt.at_local(bt.local_date(now, user.tz) + timedelta(days=1), MORNING, user.tz)
    if preset == "next_monday":
        today = bt.local_date(now, user.tz)
        return bt.at_local(today + timedelta(days=8 - today.isoweekday()), MORNING, user.tz)
    if preset == "7d":
        return bt.add_days_local(now, 7, user.tz)
    raise LifecycleError(f"unknown snooze preset {preset!r}")


def parse_until(until: datetime, user: UserCtx, now: datetime) -> datetime:
    """An explicit snooze target; a naive datetime is the user's wall-clock time."""
    if until.tzinfo is None:
        until = bt.at_local(until.date(), until.time(), user.tz)
    until = bt.ensure_utc(until)
    if until <= now:
        raise LifecycleError("snooze target must be in the future")
    return until


@dataclass(frozen=True)
class Effect:
    """A side effect of a user action, applied by the adapter.

    kind: ``close_opportunity`` (set ``opportunity_id``'s status to ``status``),
    ``set_do_not_contact`` (flag ``contact_id``), ``cancel_contact_nudges`` (cancel every other
    live nudge of ``contact_id`` with ``reason``; reconcile would do it too).
    """

    kind: str
    contact_id: int | None = None
    opportunity_id: int | None = None
    status: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Transition:
    """New field values for the nudge; fields left None are unchanged."""

    state: str
    closed_at: datetime | None = None
    closed_reason: str | None = None
    completed_by_interaction_id: int | None = None
    snoozed_until: datetime | None = None
    snooze_count: int | None = None
    notify_at: datetime | None = None
    expires_at: datetime | None = None
    visible: bool | None = None
    effects: tuple[Effect, ...] = field(default=())


def _require_live(nudge: NudgeCtx) -> None:
    if not is_live(nudge.state):
        raise LifecycleError(f"nudge {nudge.id} is {nudge.state}; only live nudges can change")


def complete(nudge: NudgeCtx, now: datetime, interaction_id: int | None = None) -> Transition:
    _require_live(nudge)
    return Transition(
        state="completed", closed_at=now, completed_by_interaction_id=interaction_id,
        visible=False,
    )


def snooze(
    nudge: NudgeCtx,
    now: datetime,
    user: UserCtx,
    *,
    preset: str | None = None,
    until: datetime | None = None,
) -> Transition:
    """Snooze by preset or explicit until; the 4th snooze of a P1/P2 expires it instead."""
    _require_live(nudge)
    if (preset is None) == (until is None):
        raise LifecycleError("give exactly one of preset or until")
    target = snooze_until(preset, now, user) if preset is not None else parse_until(
        until, user, now  # type: ignore[arg-type]
    )
    count = nudge.snooze_count + 1
    if nudge.priority in ("P1", "P2") and count >= MAX_SNOOZES_URGENT:
        return Transition(
            state="expired", closed_at=now, closed_reason="snoozed_too_often",
            snooze_count=count, visible=False,
        )
    return Transition(
        state="snoozed",
        snoozed_until=target,
        snooze_count=count,
        notify_at=bt.notify_at(target, user.tz, user.wake_start, user.wake_end),
        expires_at=expires_at(nudge.priority, target, user),
    )


def dismiss(nudge: NudgeCtx, now: datetime, reason: str) -> Transition:
    _require_live(nudge)
    if reason not in DISMISS_REASONS:
        raise LifecycleError(f"unknown dismiss reason {reason!r}")
    effects: tuple[Effect, ...] = ()
    if reason == "position_filled" and nudge.opportunity_id is not None:
        effects = (Effect("close_opportunity", opportunity_id=nudge.opportunity_id,
                          status="closed_lost"),)
    elif reason == "do_not_contact" and nudge.contact_id is not None:
        effects = (
            Effect("set_do_not_contact", contact_id=nudge.contact_id),
            Effect("cancel_contact_nudges", contact_id=nudge.contact_id, reason="do_not_contact"),
        )
    return Transition(
        state="dismissed", closed_at=now, closed_reason=reason, visible=False, effects=effects
    )


def sort_key(priority: str, due_at: datetime, warmth: int | None) -> tuple[int, datetime, int]:
    """The list order of §5.2: priority, due_at, warmth descending."""
    return (PRIORITY_RANK[priority], due_at, -(warmth or 0))


@dataclass(frozen=True)
class VisItem:
    """A live nudge as visibility sees it (existing or about to be created)."""

    key: str
    contact_id: int | None
    opportunity_id: int | None
    priority: str
    due_at: datetime  # the effective due (snoozed_until when snoozed)
    visible: bool
    warmth: int | None = None


@dataclass(frozen=True)
class VisibilityResult:
    visible: frozenset[str]
    newly_visible: frozenset[str]  # keys turning visible now (the adapter sets visible_since)
    overflow: frozenset[str]  # contact winners held back by the daily cap


def _group(item: VisItem) -> tuple[str, int | str]:
    # Contact-less nudges (R11 digest, "find the hiring manager") group by opportunity, else
    # stand alone, so they never hide each other needlessly.
    if item.contact_id is not None:
        return ("c", item.contact_id)
    if item.opportunity_id is not None:
        return ("o", item.opportunity_id)
    return ("k", item.key)


def shown_today(nudges: Iterable[NudgeCtx], now: datetime, user: UserCtx) -> int:
    """Non-P1 nudges whose visible_since falls on the user's local today."""
    today = bt.local_date(now, user.tz)
    return sum(
        1
        for n in nudges
        if n.priority != "P1"
        and n.visible_since is not None
        and bt.local_date(n.visible_since, user.tz) == today
    )


def assign_visibility(
    live: Sequence[VisItem], now: datetime, user: UserCtx, shown_today: int
) -> VisibilityResult:
    """One visible live nudge per contact, at most 10 newly visible per local day (P1 exempt).

    The per-contact winner is the lowest priority number, then earliest due (key breaks ties).
    Winners already visible stay visible; new winners are admitted in list order until the
    day's budget is spent, the rest wait for tomorrow's budget.
    """
    del now  # the budget is per day via shown_today; kept in the signature for clarity
    winners: dict[tuple[str, int | str], VisItem] = {}
    for item in live:
        g = _group(item)
        cur = winners.get(g)
        if cur is None or (PRIORITY_RANK[item.priority], item.due_at, item.key) < (
            PRIORITY_RANK[cur.priority], cur.due_at, cur.key
        ):
            winners[g] = item
    visible: set[str] = set()
    new: set[str] = set()
    overflow: set[str] = set()
    budget = max(0, DAILY_VISIBLE_CAP - shown_today)
    candidates = sorted(
        winners.values(), key=lambda i: (*sort_key(i.priority, i.due_at, i.warmth), i.key)
    )
    for item in candidates:
        if item.visible:
            visible.add(item.key)
        elif item.priority == "P1":
            visible.add(item.key)
            new.add(item.key)
        elif budget > 0:
            budget -= 1
            visible.add(item.key)
            new.add(item.key)
        else:
            overflow.add(item.key)
    return VisibilityResult(frozenset(visible), frozenset(new), frozenset(overflow))
