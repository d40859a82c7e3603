"""Shared machinery of the rule families: the indexed history, verdicts and step resolution.

A rule family is a function ``(History) -> list[Verdict]``. A ``Verdict`` says, for one key,
what the nudge should be now: ``live`` (wanted; create or keep), ``completed`` / ``cancelled`` /
``superseded`` / ``expired`` (close it if it exists; never create it), ``stale`` (would already
be expired: not created), or ``final`` (it exists in a final state: leave it alone). Chained
steps read the verdict of their predecessor, so one pass settles a whole chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from server.domain import business_time as bt
from server.domain.interaction_types import (
    ACTIVE_STATUSES,
    INBOUND,
    TWO_WAY,
    WEIGHTS,
)
from server.domain.nudges.lifecycle import expires_at
from server.domain.nudges.messages import compose
from server.domain.nudges.model import (
    FINAL_STATES,
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    NudgeSpec,
    OpportunityCtx,
    UserCtx,
    nudge_key,
)
from server.domain.nudges.tiers import tier_of

FUTURE_TOLERANCE: Final = timedelta(minutes=5)
# Direct follow-ups: what "follow up" means in §5.3 (a like is not a follow-up).
DIRECT_OUT: Final[frozenset[str]] = frozenset({"email_sent", "message_sent", "call_attempt"})
# Anything that means the other side was heard from (or spoken with).
RESPONSE: Final[frozenset[str]] = INBOUND | TWO_WAY
CONVERSATION: Final[frozenset[str]] = frozenset({"call", "meeting"})
MANAGER_ROLES: Final[frozenset[str]] = frozenset({"hiring_manager", "department_manager"})
GATEKEEPER_ROLES: Final[frozenset[str]] = frozenset({"recruiter", "hr", "assistant"})
MEANINGFUL: Final = 1.0  # R9: a touch of weight ≥ 1 in either direction


def ordered(i: InteractionCtx) -> tuple[datetime, int]:
    return (i.occurred_at, i.id)


@dataclass(frozen=True)
class Verdict:
    spec: NudgeSpec
    outcome: str  # live | completed | cancelled | superseded | expired | stale | final
    at: datetime | None = None
    interaction_id: int | None = None
    reason: str | None = None
    by_key: str | None = None
    existing: NudgeCtx | None = None

    @property
    def is_live(self) -> bool:
        return self.outcome == "live"

    @property
    def due_at(self) -> datetime:
        return self.existing.due_at if self.existing is not None else self.spec.due_at

    @property
    def done_at(self) -> datetime | None:
        """When the step was done (completed, or dismissed as handled offline); else None."""
        if self.outcome == "completed":
            return self.at
        ex = self.existing
        if self.outcome == "final" and ex is not None and (
            ex.state == "completed"
            or (ex.state == "dismissed" and ex.closed_reason == "handled_offline")
        ):
            return ex.closed_at or ex.due_at
        return None

    @property
    def ended_at(self) -> datetime | None:
        """When the step stopped for good (any closing), None while live."""
        if self.outcome == "live":
            return None
        if self.outcome == "final" and self.existing is not None:
            return self.existing.closed_at or self.existing.due_at
        return self.at

    @property
    def consumed(self) -> int | None:
        """The interaction that satisfied this step (it cannot satisfy a later one)."""
        if self.outcome == "completed":
            return self.interaction_id
        if self.outcome == "final" and self.existing is not None:
            return self.existing.completed_by_interaction_id
        return None

    def chain_anchor(self) -> datetime | None:
        """§5.2: the next step counts from this due time if done by then, else from done time."""
        done = self.done_at
        if done is None:
            return None
        return self.due_at if done <= self.due_at else done


@dataclass(frozen=True)
class Stop:
    """Why a step should close instead of staying live."""

    at: datetime
    outcome: str  # cancelled | superseded
    reason: str
    by_key: str | None = None


class History:
    """The user's history, indexed for the rules. Interactions dated after now + 5 min are
    not history yet and are ignored (the due-time re-check picks them up)."""

    def __init__(
        self,
        user: UserCtx,
        contacts: Iterable[ContactCtx],
        interactions: Iterable[InteractionCtx],
        opportunities: Iterable[OpportunityCtx],
        existing: Iterable[NudgeCtx],
        now: datetime,
    ) -> None:
        self.user = user
        self.now = bt.ensure_utc(now)
        self.contacts: dict[int, ContactCtx] = {c.id: c for c in contacts}
        self.opps: dict[int, OpportunityCtx] = {o.id: o for o in opportunities}
        horizon = self.now + FUTURE_TOLERANCE
        self.interactions: list[InteractionCtx] = sorted(
            (i for i in interactions if i.occurred_at <= horizon), key=ordered
        )
        self.by_contact: dict[int, list[InteractionCtx]] = defaultdict(list)
        self.by_opp: dict[int, list[InteractionCtx]] = defaultdict(list)
        for i in self.interactions:
            self.by_contact[i.contact_id].append(i)
            if i.opportunity_id is not None:
                self.by_opp[i.opportunity_id].append(i)
        self.existing: dict[str, NudgeCtx] = {n.key: n for n in existing}
        self.existing_by_rule: dict[str, list[NudgeCtx]] = defaultdict(list)
        for n in self.existing.values():
            self.existing_by_rule[n.rule].append(n)
        self.links: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
        for o in self.opps.values():
            for cid, role in o.contacts:
                self.links[cid].append((o.id, role))

    # --- zones -----------------------------------------------------------------------------
    def contact_zone(self, contact_id: int | None, promise_tz: str | None = None) -> str:
        """Promise tz, else the contact's timezone, else the user's (§5.1)."""
        if promise_tz:
            return promise_tz
        c = self.contacts.get(contact_id) if contact_id is not None else None
        return (c.tz if c is not None and c.tz else None) or self.user.tz

    # --- people and opportunities ----------------------------------------------------------
    def suppression(self, contact_id: int | None) -> str | None:
        """Why every nudge of this contact is suppressed, or None."""
        if contact_id is None:
            return None
        c = self.contacts.get(contact_id)
        if c is None:
            return "contact_missing"
        if c.do_not_contact:
            return "do_not_contact"
        if c.archived:
            return "archived"
        if c.merged:
            return "merged"
        return None

    def role_on(self, opportunity_id: int | None, contact_id: int) -> str:
        """The role on the opportunity link when given, else the contact's role."""
        if opportunity_id is not None:
            for oid, role in self.links.get(contact_id, ()):
                if oid == opportunity_id and role:
                    return role
        c = self.contacts.get(contact_id)
        return c.role if c is not None else "other"

    def members(self, opportunity_id: int | None) -> frozenset[int]:
        """Contacts linked to the opportunity plus those with interactions on it."""
        if opportunity_id is None:
            return frozenset()
        o = self.opps.get(opportunity_id)
        linked = {cid for cid, _ in o.contacts} if o is not None else set()
        logged = {i.contact_id for i in self.by_opp.get(opportunity_id, ())}
        return frozenset(linked | logged)

    def managers(self, opportunity_id: int) -> list[int]:
        """Hiring then department managers of the opportunity (linked, or with interactions
        on it, such as the manager who interviewed the user), by id."""
        if opportunity_id not in self.opps:
            return []
        found = [
            (0 if self.role_on(opportunity_id, cid) == "hiring_manager" else 1, cid)
            for cid in self.members(opportunity_id)
            if cid in self.contacts and self.role_on(opportunity_id, cid) in MANAGER_ROLES
            and self.suppression(cid) is None
        ]
        return [cid for _, cid in sorted(found)]

    def stops_ladder(self, no: InteractionCtx) -> bool:
        """A no that ends the follow-up (§5.3 R4): final, or from a hiring/department manager.
        Any other no (a recruiter's, hr's, an assistant's quick answer) is the article's
        premature no: the other rules keep going and R5/R6 answer it."""
        return no.final or self.role_on(no.opportunity_id, no.contact_id) in MANAGER_ROLES

    def on_active_opportunity(self, contact_id: int) -> bool:
        return any(
            (o := self.opps.get(oid)) is not None and o.status in ACTIVE_STATUSES
            for oid, _ in self.links.get(contact_id, ())
        )

    def touched(self, contact_id: int) -> bool:
        return any(i.type != "note" for i in self.by_contact.get(contact_id, ()))

    def tier(self, contact_id: int) -> str | None:
        """§5.2, via the one shared ``tier_of``."""
        c = self.contacts[contact_id]
        return tier_of(on_active_opportunity=self.on_active_opportunity(contact_id),
                       warmth=c.warmth, starred=c.starred, touched=self.touched(contact_id))

    def subject(self, opportunity_id: int | None, default: str = "what we discussed") -> str:
        o = self.opps.get(opportunity_id) if opportunity_id is not None else None
        if o is None:
            return default
        return f"the {o.title} role at {o.company}"

    # --- searches --------------------------------------------------------------------------
    def first_after(
        self,
        items: Sequence[InteractionCtx],
        after: datetime,
        pred: Callable[[InteractionCtx], bool],
        *,
        inclusive: bool = False,
        exclude: Iterable[int] = (),
    ) -> InteractionCtx | None:
        skip = set(exclude)
        for i in items:
            late = i.occurred_at >= after if inclusive else i.occurred_at > after
            if late and i.id not in skip and pred(i):
                return i
        return None

    def last_meaningful(self, contact_id: int) -> InteractionCtx | None:
        for i in reversed(self.by_contact.get(contact_id, ())):
            if WEIGHTS.get(i.type, 0.0) >= MEANINGFUL:
                return i
        return None

    # --- resolution ------------------------------------------------------------------------
    def resolve(
        self,
        spec: NudgeSpec,
        done: InteractionCtx | None = None,
        stop: Stop | None = None,
        *,
        done_at: datetime | None = None,
    ) -> Verdict:
        """The verdict for one key: existing final wins; then expiry (existing) / staleness
        (new) if it came before anything else; then the earlier of satisfaction and stop;
        else live.

        ``done_at`` completes without an interaction (a condition such as "a manager is now
        linked").
        """
        ex = self.existing.get(spec.key)
        if ex is not None and ex.state in FINAL_STATES:
            return Verdict(spec, "final", existing=ex)
        done_time = done.occurred_at if done is not None else done_at
        base = ex.snoozed_until if ex is not None and ex.state == "snoozed" and \
            ex.snoozed_until is not None else spec.due_at
        expiry = expires_at(spec.priority, base, self.user)
        first = min((t for t in (done_time, stop.at if stop else None) if t is not None),
                    default=None)
        # A step that expired before anything happened stays expired: a follow-up two years
        # later does not satisfy it, it starts something new.
        if self.now >= expiry and (first is None or expiry < first):
            return Verdict(spec, "expired" if ex is not None else "stale", at=expiry,
                           reason="expired", existing=ex)
        if done_time is not None and (stop is None or done_time <= stop.at):
            return Verdict(
                spec, "completed", at=done_time,
                interaction_id=done.id if done is not None else None, existing=ex,
            )
        if stop is not None:
            return Verdict(
                spec, stop.outcome, at=stop.at, reason=stop.reason, by_key=stop.by_key,
                existing=ex,
            )
        return Verdict(spec, "live", existing=ex)

    def earliest(self, *stops: Stop | None) -> Stop | None:
        real = [s for s in stops if s is not None]
        return min(real, key=lambda s: s.at) if real else None

    def condition_stop(self, reason: str) -> Stop:
        return Stop(self.now, "cancelled", reason)

    def written_for(self, key: str, due: datetime) -> datetime:
        """The moment a nudge's message is written for: its due time, or its creation when it
        was created already overdue (stable once stored, so the text never churns)."""
        ex = self.existing.get(key)
        if ex is not None:
            return max(due, ex.created_at) if ex.created_at is not None else due
        return max(due, self.now)


def build_spec(
    hist: History,
    *,
    rule: str,
    step: str | None,
    contact_id: int | None,
    opportunity_id: int | None,
    priority: str,
    due: datetime,
    channel: str,
    template: str,
    first: str,
    subject: str,
    fields: Mapping[str, object] | None = None,
    anchor: str,
    root: str,
) -> NudgeSpec:
    """A spec with its key, text (in the channel's shape, written for its due moment),
    notify_at (wake window) and expires_at filled in."""
    user = hist.user
    key = nudge_key(rule, step, contact_id, root)
    text = compose(template, channel=channel, me=user.display_name, first=first,
                   subject=subject, ref=hist.written_for(key, due), tz=user.tz,
                   **(fields or {}))
    return NudgeSpec(
        key=key,
        rule=rule,
        step=step,
        contact_id=contact_id,
        opportunity_id=opportunity_id,
        priority=priority,
        due_at=due,
        notify_at=bt.notify_at(due, user.tz, user.wake_start, user.wake_end),
        channel=channel,
        message=text.message,
        reason=text.reason,
        anchor=anchor,
        expires_at=expires_at(priority, due, user),
    )


def reach(contact: ContactCtx | None, prefer: Sequence[str]) -> str:
    """The first preferred channel the contact can be reached on (email if nothing fits)."""
    for ch in prefer:
        if contact is None:
            break
        if (ch == "email" and contact.has_email) or (ch == "call" and contact.has_phone) or (
            ch == "message" and contact.networks
        ):
            return ch
    return prefer[0] if prefer else "email"


def spec_from_existing(hist: History, n: NudgeCtx) -> NudgeSpec:
    """A stored nudge as a spec, for verdicts on keys a rule no longer generates itself."""
    user = hist.user
    return NudgeSpec(
        key=n.key, rule=n.rule, step=n.step, contact_id=n.contact_id,
        opportunity_id=n.opportunity_id, priority=n.priority, due_at=n.due_at,
        notify_at=bt.notify_at(n.due_at, user.tz, user.wake_start, user.wake_end),
        channel=n.channel, message=n.message, reason=n.reason, anchor=n.anchor or "",
        expires_at=expires_at(n.priority, n.due_at, user),
    )


def anchor_interaction_id(anchor: str | None) -> int | None:
    """The interaction id of an ``i123`` anchor, else None."""
    if anchor and anchor.startswith("i") and anchor[1:].isdigit():
        return int(anchor[1:])
    return None
