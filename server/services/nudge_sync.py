"""Database adapter of the nudge engine (§5): feed the pure rules, apply their plan.

``sync_contacts`` runs after every change to a contact's history (inside the processing job);
``sweep_user`` runs every minute for the time-driven transitions. Both are idempotent: the
engine's plan for unchanged inputs is empty, and keys are unique per user.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain import business_time as bt
from server.domain.nudges.engine import Plan, reconcile
from server.domain.nudges.lifecycle import DAILY_VISIBLE_CAP
from server.domain.nudges.model import LIVE_STATE_LIST as LIVE
from server.domain.nudges.model import NudgeCtx
from server.domain.nudges.pipeline import digest_due_at
from server.models import Nudge, Opportunity, User
from server.services.nudge_context import Scope, user_ctx
from server.services.warmth import rescore

PIPELINE_RULE = "R11"
ATTEMPTS = 3
log = logging.getLogger(__name__)


def sync_contacts(
    session: Session, user: User, contact_ids: Sequence[int] | None, now: datetime,
    *, rescore: bool = False,
) -> list[int]:
    """Reconcile the nudges of these contacts (None: all of the user's, digest included),
    rescoring their warmth first with `rescore`; answers the ids of the user's contacts
    among them (one read of their history serves both)."""
    for attempt in range(ATTEMPTS):
        try:
            with session.begin_nested():
                scope = Scope(session, user, contact_ids)
                ids = scope.own_ids()
                if rescore and ids:
                    _rescore(session, user, scope, ids, now)
                _reconcile(session, user, scope, now)
                return ids
        except IntegrityError:
            # A concurrent job created one of our keys first; re-read and reconcile again.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _rescore(session: Session, user: User, scope: Scope, ids: list[int], now: datetime) -> None:
    current = {c.id: c.warmth for c in scope.contacts}
    results = rescore(session, user, {cid: scope.events(cid) for cid in ids}, current, now)
    scope.with_warmth({cid: (w.score, current.get(cid)) for cid, w in results.items()})


def _reconcile(session: Session, user: User, scope: Scope, now: datetime) -> Plan:
    existing = scope.existing
    if not scope.full:
        # The weekly digest is about every contact: only a full evaluation may touch it.
        # Contact-less nudges of the opportunities in scope ("find the hiring manager") are
        # evaluated here like any other: hiding them would re-create (a unique-key violation)
        # instead of keeping or completing them.
        opp_ids = {o.id for o in scope.opportunities}
        existing = [n for n in existing if n.contact_id is not None or (
            n.rule != PIPELINE_RULE and n.opportunity_id in opp_ids)]
    plan = reconcile(scope.user, scope.contacts, scope.interactions, scope.opportunities,
                     existing, now)
    if not scope.full:
        plan = replace(plan, create=tuple(c for c in plan.create
                                          if c.spec.rule != PIPELINE_RULE))
    apply_plan(session, user.id, scope.existing, plan, now)
    return plan


def apply_plan(
    session: Session, user_id: int, existing: Sequence[NudgeCtx], plan: Plan, now: datetime
) -> None:
    """Store the plan with set statements: one insert for the new nudges, one update per
    stored nudge that changes."""
    if plan.create:
        session.execute(insert(Nudge), [{
            "user_id": user_id, "key": c.spec.key, "rule": c.spec.rule, "step": c.spec.step,
            "anchor": c.spec.anchor, "contact_id": c.spec.contact_id,
            "opportunity_id": c.spec.opportunity_id, "priority": c.spec.priority,
            "due_at": c.spec.due_at, "notify_at": c.spec.notify_at,
            "expires_at": c.spec.expires_at, "state": c.state, "visible": c.visible,
            "visible_since": now if c.visible else None, "message": c.spec.message,
            "reason": c.spec.reason, "channel": c.spec.channel, "snooze_count": 0,
            "created_at": now, "updated_at": now} for c in plan.create])
    ids = {n.key: n.id for n in existing}
    changes: dict[str, dict[str, Any]] = {}
    for state, items in (("completed", plan.complete), ("cancelled", plan.cancel),
                         ("superseded", plan.supersede), ("expired", plan.expire)):
        for x in items:
            changes.setdefault(x.key, {}).update(
                state=state, closed_at=x.at, visible=False,
                closed_reason=(f"superseded by {x.by_key}" if state == "superseded"
                               else x.reason))
            if state == "completed":
                changes[x.key]["completed_by_interaction_id"] = x.interaction_id
    for u in plan.update:
        changes.setdefault(u.key, {}).update(u.changes)
    for key, visible in plan.visibility:
        changes.setdefault(key, {})["visible"] = visible
        if visible:
            changes[key]["visible_since"] = now
    for key, values in changes.items():
        session.execute(update(Nudge).where(Nudge.id == ids[key])
                        .values(**values, updated_at=now))


def sweep_user(session: Session, user: User, now: datetime) -> None:
    """Time-driven work: persist due states, then re-check what became due or expired, and
    the Monday pipeline digest."""
    session.execute(
        update(Nudge).where(Nudge.user_id == user.id, Nudge.state == "scheduled",
                            Nudge.due_at <= now)
        .values(state="due", updated_at=now)
    )
    # A woken snooze stays 'snoozed' in storage (reads show it as due): its until is what its
    # expiry and place in the list count from, and the engine only knows that of a snoozed row.
    # Touch it once so this sweep re-checks its contact.
    session.execute(
        update(Nudge).where(Nudge.user_id == user.id, Nudge.state == "snoozed",
                            Nudge.snoozed_until <= now, Nudge.updated_at < Nudge.snoozed_until)
        .values(updated_at=now)
    )
    contact_ids = set(session.scalars(
        select(Nudge.contact_id).where(
            Nudge.user_id == user.id, Nudge.contact_id.is_not(None),
            Nudge.state.in_(LIVE),
            or_(Nudge.expires_at <= now,
                and_(Nudge.state.in_(("due", "snoozed")),
                     Nudge.updated_at >= now - timedelta(minutes=2))))))
    contact_ids |= _held_back(session, user, now)
    if _digest_due(session, user, now):
        _sync_isolated(session, user, None, now)
        user.pipeline_checked_at = now
    elif contact_ids:
        _sync_isolated(session, user, sorted(contact_ids), now)


def _sync_isolated(
    session: Session, user: User, contact_ids: Sequence[int] | None, now: datetime
) -> None:
    """`sync_contacts`, but a contact whose data breaks the rules is logged and skipped
    instead of stopping the user's other nudges (each try runs in a savepoint)."""
    try:
        with session.begin_nested():
            sync_contacts(session, user, contact_ids, now)
        return
    except Exception:  # noqa: BLE001 - narrowed down below, one contact at a time
        if contact_ids is not None and len(contact_ids) == 1:
            log.exception("nudges of contact %s of user %d failed", contact_ids[0], user.id)
            return
    ids = contact_ids if contact_ids is not None else sorted(Scope.all_ids(session, user))
    for cid in ids:
        _sync_isolated(session, user, [cid], now)


def _held_back(session: Session, user: User, now: datetime) -> set[int]:
    """Contacts whose nudge the daily cap held back, once the user's day has room again:
    nothing else re-checks a nudge that was already due when it overflowed (§5.2: "the
    overflow the next day")."""
    if user.nudges_paused:
        return set()
    tz = user.timezone or "UTC"
    day_start = bt.at_local(bt.local_date(now, tz), time(0, 0), tz)
    shown = session.scalar(select(func.count()).select_from(Nudge).where(
        Nudge.user_id == user.id, Nudge.priority != "P1", Nudge.visible_since >= day_start))
    if (shown or 0) >= DAILY_VISIBLE_CAP:
        return set()
    shown_contacts = select(Nudge.contact_id).where(
        Nudge.user_id == user.id, Nudge.visible.is_(True), Nudge.state.in_(LIVE),
        Nudge.contact_id.is_not(None))
    return set(session.scalars(select(Nudge.contact_id).where(
        Nudge.user_id == user.id, Nudge.state.in_(LIVE), Nudge.visible.is_(False),
        Nudge.contact_id.is_not(None), Nudge.contact_id.not_in(shown_contacts)).distinct()))


def _digest_due(session: Session, user: User, now: datetime) -> bool:
    """This week's pipeline check has not run yet. Not only on Mondays: a sweep that missed
    Monday (cron down, a new user) still checks the week; never before the first digest after
    the user's first opportunity (the domain dates both)."""
    first = session.scalar(select(func.min(Opportunity.created_at))
                           .where(Opportunity.user_id == user.id))
    ctx = user_ctx(user)
    due = digest_due_at(now, ctx.tz, first, ctx.weekend)
    checked = user.pipeline_checked_at
    return due is not None and (checked is None or checked < due)
