"""Builders for the nudge tests: a small mutable world that feeds the pure engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.nudges.engine import Plan, evaluate, reconcile
from server.domain.nudges.model import (
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    NudgeSpec,
    OpportunityCtx,
    PromiseCtx,
    UserCtx,
)

NY = "America/New_York"
LA = "America/Los_Angeles"


def utc(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def at(s: str, tz: str) -> datetime:
    """A wall-clock time in a zone, as a UTC instant."""
    return datetime.fromisoformat(s).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


class World:
    def __init__(self, tz: str = "UTC", **user: Any) -> None:
        self.user = UserCtx(id=1, tz=tz, display_name="Sam Seeker", **user)
        self.contacts: dict[int, ContactCtx] = {}
        self.opps: dict[int, OpportunityCtx] = {}
        self.interactions: list[InteractionCtx] = []
        self.nudges: list[NudgeCtx] = []
        self._ids = 100

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def contact(self, name: str = "Dana Reyes", **kw: Any) -> int:
        cid = kw.pop("id", None) or len(self.contacts) + 1
        kw.setdefault("has_email", True)
        self.contacts[cid] = ContactCtx(id=cid, name=name, **kw)
        return cid

    def set_contact(self, cid: int, **kw: Any) -> None:
        self.contacts[cid] = replace(self.contacts[cid], **kw)

    def opp(self, *links: tuple[int, str | None], status: str = "interviewing",
            company: str = "Acme", title: str = "Staff Engineer",
            changed: datetime | None = None) -> int:
        oid = len(self.opps) + 1
        self.opps[oid] = OpportunityCtx(
            id=oid, company=company, title=title, status=status, contacts=tuple(links),
            created_at=changed or utc("2025-01-01T00:00Z"),
            status_changed_at=changed or utc("2025-01-01T00:00Z"),
        )
        return oid

    def set_opp(self, oid: int, **kw: Any) -> None:
        self.opps[oid] = replace(self.opps[oid], **kw)

    def log(self, cid: int, type_: str, when: datetime, **kw: Any) -> int:
        iid = self._id()
        self.interactions.append(InteractionCtx(id=iid, contact_id=cid, type=type_,
                                                occurred_at=when, **kw))
        return iid

    def promise(self, cid: int, when: datetime, *, kind: str, opp: int | None = None,
                on: datetime | None = None, day: date | None = None, days: int | None = None,
                tz: str | None = None) -> int:
        return self.log(cid, "promise_made", when, opportunity_id=opp,
                        promise=PromiseCtx(kind=kind, at=on, date=day, days=days, tz=tz))

    def remove(self, iid: int) -> None:
        self.interactions = [i for i in self.interactions if i.id != iid]

    # --- engine ----------------------------------------------------------------------------
    def args(self) -> tuple[Any, ...]:
        return (self.user, list(self.contacts.values()), self.interactions,
                list(self.opps.values()), self.nudges)

    def evaluate(self, now: datetime) -> list[NudgeSpec]:
        return evaluate(*self.args(), now)

    def specs(self, now: datetime, rule: str | None = None) -> dict[str, NudgeSpec]:
        return {s.key: s for s in self.evaluate(now) if rule is None or s.rule == rule}

    def reconcile(self, now: datetime) -> Plan:
        return reconcile(*self.args(), now)

    def run(self, now: datetime) -> Plan:
        plan = self.reconcile(now)
        self.nudges = apply_plan(self.nudges, plan, now)
        return plan

    def nudge(self, key: str) -> NudgeCtx:
        return next(n for n in self.nudges if n.key == key)

    def live(self) -> list[NudgeCtx]:
        return [n for n in self.nudges if n.state in ("scheduled", "due", "snoozed")]

    def set_nudge(self, key: str, **kw: Any) -> None:
        self.nudges = [replace(n, **kw) if n.key == key else n for n in self.nudges]


def apply_plan(existing: Iterable[NudgeCtx], plan: Plan, now: datetime,
               first_id: int | None = None) -> list[NudgeCtx]:
    """What the storage adapter (services.nudge_sync.apply_plan) does with a plan, on plain
    data: the domain tests step a history through time with it."""
    rows = {n.key: n for n in existing}
    next_id = first_id if first_id is not None else max((n.id for n in rows.values()),
                                                        default=0) + 1
    for c in plan.create:
        s = c.spec
        rows[s.key] = NudgeCtx(
            id=next_id, key=s.key, rule=s.rule, step=s.step, contact_id=s.contact_id,
            opportunity_id=s.opportunity_id, priority=s.priority, state=c.state,
            due_at=s.due_at, notify_at=s.notify_at, created_at=now, visible=c.visible,
            visible_since=now if c.visible else None, anchor=s.anchor, message=s.message,
            reason=s.reason, channel=s.channel, expires_at=s.expires_at,
        )
        next_id += 1
    for state, items in (("completed", plan.complete), ("cancelled", plan.cancel),
                         ("superseded", plan.supersede), ("expired", plan.expire)):
        for x in items:
            n = rows[x.key]
            rows[x.key] = replace(
                n, state=state, closed_at=x.at, visible=False,
                closed_reason=x.reason if state != "superseded" else f"superseded by {x.by_key}",
                completed_by_interaction_id=x.interaction_id if state == "completed" else None,
            )
    for u in plan.update:
        rows[u.key] = replace(rows[u.key], **u.changes)
    for key, visible in plan.visibility:
        n = rows[key]
        rows[key] = replace(n, visible=visible,
                            visible_since=now if visible else n.visible_since)
    return sorted(rows.values(), key=lambda n: n.id)
