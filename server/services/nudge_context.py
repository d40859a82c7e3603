"""Rows → the pure nudge engine's context objects (server.domain.nudges.model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from server.domain.nudges.model import (
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    OpportunityCtx,
    PromiseCtx,
    UserCtx,
)
from server.models import (
    Contact,
    Interaction,
    Nudge,
    Opportunity,
    OpportunityContact,
    Profile,
    User,
)


def user_ctx(user: User) -> UserCtx:
    return UserCtx(
        id=user.id,
        tz=user.timezone or "UTC",
        # An empty list is a real setting (every day a working day), not "unset".
        weekend=frozenset(user.weekend if user.weekend is not None else (6, 7)),
        wake_start=time.fromisoformat(user.wake_start),
        wake_end=time.fromisoformat(user.wake_end),
        preferred_time=time.fromisoformat(user.preferred_time),
        display_name=user.display_name or "",
        nudges_paused=user.nudges_paused,
    )


def contact_ctx(c: Contact, networks: frozenset[str]) -> ContactCtx:
    return ContactCtx(
        id=c.id, name=c.name, first_name=c.first_name, role=c.role, tz=c.timezone,
        starred=c.starred, do_not_contact=c.do_not_contact, archived=c.archived,
        merged=c.merged_into_id is not None, warmth=c.warmth_score,
        previous_warmth=c.previous_warmth, networks=networks, has_email=bool(c.emails),
        has_phone=bool(c.phones),
    )


def interaction_ctx(i: Interaction) -> InteractionCtx:
    promise = None
    if i.promise_kind is not None:
        promise = PromiseCtx(kind=i.promise_kind, at=i.promise_at,  # type: ignore[arg-type]
                             date=i.promise_date, days=i.promise_days, tz=i.promise_tz)
    return InteractionCtx(
        id=i.id, contact_id=i.contact_id, type=i.type, occurred_at=i.occurred_at,
        opportunity_id=i.opportunity_id, ends_at=i.ends_at, network=i.network, final=i.final,
        promise=promise,
    )


def nudge_ctx(n: Nudge) -> NudgeCtx:
    return NudgeCtx(
        id=n.id, key=n.key, rule=n.rule, step=n.step, contact_id=n.contact_id,
        opportunity_id=n.opportunity_id, priority=n.priority, state=n.state, due_at=n.due_at,
        notify_at=n.notify_at, snoozed_until=n.snoozed_until, snooze_count=n.snooze_count,
        created_at=n.created_at, closed_at=n.closed_at, closed_reason=n.closed_reason,
        completed_by_interaction_id=n.completed_by_interaction_id, visible=n.visible,
        visible_since=n.visible_since, anchor=n.anchor, message=n.message, reason=n.reason,
        channel=n.channel, expires_at=n.expires_at,
    )


def opportunity_ctx(o: Opportunity) -> OpportunityCtx:
    return OpportunityCtx(
        id=o.id, company=o.company, title=o.title, status=o.status,
        contacts=tuple((link.contact_id, link.role) for link in o.links),
        created_at=o.created_at, status_changed_at=o.status_changed_at,
    )


class Scope:
    """Everything the rules need about some contacts of one user (and whom they work with)."""

    def __init__(self, session: Session, user: User, contact_ids: Iterable[int] | None) -> None:
        self.full = contact_ids is None
        uid = user.id
        if self.full:
            opps = list(session.scalars(select(Opportunity).where(Opportunity.user_id == uid)))
            contacts = list(session.scalars(select(Contact).where(Contact.user_id == uid)))
        else:
            wanted = set(contact_ids)  # type: ignore[arg-type]
            opp_ids = set(session.scalars(select(OpportunityContact.opportunity_id).where(
                OpportunityContact.contact_id.in_(wanted))))
            # An interaction may name an opportunity the contact is not linked to (a "no" from
            # someone who was never added to it): its rules need that opportunity too.
            opp_ids |= set(session.scalars(select(Interaction.opportunity_id).where(
                Interaction.contact_id.in_(wanted), Interaction.opportunity_id.is_not(None))))
            opps = list(session.scalars(select(Opportunity).where(
                Opportunity.user_id == uid, Opportunity.id.in_(opp_ids)))) if opp_ids else []
            # Colleagues on the same opportunity matter (R4's "any contact on it", R6's manager).
            wanted |= {link.contact_id for o in opps for link in o.links}
            contacts = list(session.scalars(select(Contact).where(
                Contact.user_id == uid, Contact.id.in_(wanted))))
        ids = [c.id for c in contacts]
        networks: dict[int, set[str]] = {}
        for cid, network in session.execute(
                select(Profile.contact_id, Profile.network).where(Profile.contact_id.in_(ids))):
            networks.setdefault(cid, set()).add(network)
        self.contact_ids = set(ids)
        self.user = user_ctx(user)
        self.contacts = [contact_ctx(c, frozenset(networks.get(c.id, ()))) for c in contacts]
        self.interactions = [interaction_ctx(i) for i in session.scalars(
            select(Interaction).where(Interaction.contact_id.in_(ids)))] if ids else []
        self.opportunities = [opportunity_ctx(o) for o in opps]
        self.rows = self._existing(session, uid, ids)
        self.existing = [nudge_ctx(n) for n in self.rows.values()]

    def _existing(self, session: Session, uid: int, ids: Sequence[int]) -> dict[str, Nudge]:
        """The scope's nudges in any state (the contacts', and the contact-less ones of its
        opportunities), plus the user's nudges shown lately: the ten-a-day cap counts them.

        Not every live nudge of the user: a full recompute syncs chunk after chunk, and
        re-reading them all for each chunk made it quadratic in the number of contacts.
        """
        if self.full:
            rows = session.scalars(select(Nudge).where(Nudge.user_id == uid))
        else:
            opp_ids = [o.id for o in self.opportunities]
            conditions = [Nudge.contact_id.in_(list(ids))]
            if opp_ids:
                conditions.append(and_(Nudge.contact_id.is_(None),
                                       Nudge.opportunity_id.in_(opp_ids)))
            rows = session.scalars(select(Nudge).where(Nudge.user_id == uid, or_(*conditions)))
        recent = session.scalars(select(Nudge).where(
            Nudge.user_id == uid, Nudge.visible_since.is_not(None),
            Nudge.visible_since >= _start_of_yesterday()))
        out = {n.key: n for n in rows}
        out.update({n.key: n for n in recent})
        return out


def _start_of_yesterday() -> datetime:
    from datetime import UTC, timedelta

    now = datetime.now(UTC)
    return (now - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
