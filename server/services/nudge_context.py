"""Rows → the pure nudge engine's context objects (server.domain.nudges.model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from server.domain.interaction_types import NOTE
from server.domain.nudges.model import (
    ContactCtx,
    InteractionCtx,
    NudgeCtx,
    OpportunityCtx,
    PromiseCtx,
    UserCtx,
)
from server.domain.warmth import WarmthEvent
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


# The contact columns `contact_ctx` reads (besides warmth, which only scoring changes): a write
# that changes none of them, and no profile, leaves every rule's verdict as it was.
RULE_INPUT_COLUMNS = frozenset({
    "name", "first_name", "role", "timezone", "starred", "do_not_contact", "archived",
    "merged_into_id", "emails", "phones", "cadence_days"})


def contact_ctx(c: Any, networks: frozenset[str]) -> ContactCtx:
    """The rules' view of a contact row (an ORM Contact or a row of CONTACT_COLUMNS)."""
    return ContactCtx(
        id=c.id, name=c.name, first_name=c.first_name, role=c.role, tz=c.timezone,
        starred=c.starred, do_not_contact=c.do_not_contact, archived=c.archived,
        merged=c.merged_into_id is not None, warmth=c.warmth_score,
        previous_warmth=c.previous_warmth, networks=networks, has_email=bool(c.emails),
        has_phone=bool(c.phones), cadence_days=c.cadence_days,
    )


CONTACT_COLUMNS = tuple(getattr(Contact, name) for name in (
    "id", *sorted(RULE_INPUT_COLUMNS), "warmth_score", "previous_warmth"))
INTERACTION_COLUMNS = (
    Interaction.id, Interaction.contact_id, Interaction.type, Interaction.occurred_at,
    Interaction.opportunity_id, Interaction.ends_at, Interaction.network, Interaction.final,
    Interaction.promise_kind, Interaction.promise_at, Interaction.promise_date,
    Interaction.promise_days, Interaction.promise_tz)


def interaction_ctx(i: Any) -> InteractionCtx:
    """The rules' view of an interaction row (ORM or a row of INTERACTION_COLUMNS)."""
    promise = None
    if i.promise_kind is not None:
        promise = PromiseCtx(kind=i.promise_kind, at=i.promise_at,
                             date=i.promise_date, days=i.promise_days, tz=i.promise_tz)
    return InteractionCtx(
        id=i.id, contact_id=i.contact_id, type=i.type, occurred_at=i.occurred_at,
        opportunity_id=i.opportunity_id, ends_at=i.ends_at, network=i.network, final=i.final,
        promise=promise,
    )


NUDGE_COLUMNS = tuple(Nudge.__table__.c)


def nudge_ctx(n: Any) -> NudgeCtx:
    """The rules' view of a stored nudge (an ORM Nudge or a row of NUDGE_COLUMNS)."""
    return NudgeCtx(
        id=n.id, key=n.key, rule=n.rule, step=n.step, contact_id=n.contact_id,
        opportunity_id=n.opportunity_id, priority=n.priority, state=n.state, due_at=n.due_at,
        notify_at=n.notify_at, snoozed_until=n.snoozed_until, snooze_count=n.snooze_count,
        created_at=n.created_at, closed_at=n.closed_at, closed_reason=n.closed_reason,
        completed_by_interaction_id=n.completed_by_interaction_id, visible=n.visible,
        visible_since=n.visible_since, anchor=n.anchor, message=n.message, reason=n.reason,
        channel=n.channel, expires_at=n.expires_at,
    )


class Scope:
    """Everything the rules need about some contacts of one user (and whom they work with),
    read with plain column queries: the contacts, their profiles' networks, every interaction
    of theirs, their opportunities with their links, and the stored nudges in play."""

    def __init__(self, session: Session, user: User, contact_ids: Iterable[int] | None) -> None:
        self.full = contact_ids is None
        uid = user.id
        opp_query = select(Opportunity.id, Opportunity.company, Opportunity.title,
                           Opportunity.status, Opportunity.created_at,
                           Opportunity.status_changed_at).where(Opportunity.user_id == uid)
        contact_query = select(*CONTACT_COLUMNS).where(Contact.user_id == uid)
        if self.full:
            self.requested: set[int] | None = None
            opp_rows = session.execute(opp_query).all()
        else:
            wanted = set(contact_ids)  # type: ignore[arg-type]
            # An interaction may name an opportunity the contact is not linked to (a "no" from
            # someone who was never added to it): its rules need that opportunity too.
            opp_ids = select(OpportunityContact.opportunity_id).where(
                OpportunityContact.contact_id.in_(wanted)).union(
                select(Interaction.opportunity_id).where(
                    Interaction.contact_id.in_(wanted), Interaction.opportunity_id.is_not(None)))
            opp_rows = session.execute(opp_query.where(Opportunity.id.in_(opp_ids))).all()
        links: dict[int, list[tuple[int, str | None]]] = {row.id: [] for row in opp_rows}
        if opp_rows:
            for opp_id, cid, role in session.execute(
                    select(OpportunityContact.opportunity_id, OpportunityContact.contact_id,
                           OpportunityContact.role)
                    .where(OpportunityContact.opportunity_id.in_(list(links)))
                    .order_by(OpportunityContact.contact_id)):
                links[opp_id].append((cid, role))
        if not self.full:
            # Colleagues on the same opportunity matter (R4's "any contact on it", R6's manager).
            self.requested = wanted
            wanted = wanted | {cid for pairs in links.values() for cid, _ in pairs}
            contact_query = contact_query.where(Contact.id.in_(wanted))
        contacts = session.execute(contact_query).all()
        ids = [c.id for c in contacts]
        networks: dict[int, set[str]] = {}
        interactions: list[InteractionCtx] = []
        if ids:
            for cid, network in session.execute(
                    select(Profile.contact_id, Profile.network).where(Profile.contact_id.in_(ids))):
                networks.setdefault(cid, set()).add(network)
            interactions = [interaction_ctx(i) for i in session.execute(
                select(*INTERACTION_COLUMNS).where(Interaction.contact_id.in_(ids)))]
        self.contact_ids = set(ids)
        self.user = user_ctx(user)
        self.contacts = [contact_ctx(c, frozenset(networks.get(c.id, ()))) for c in contacts]
        self.interactions = interactions
        self.opportunities = [OpportunityCtx(
            id=o.id, company=o.company, title=o.title, status=o.status,
            contacts=tuple(links[o.id]), created_at=o.created_at,
            status_changed_at=o.status_changed_at) for o in opp_rows]
        self.existing = self._existing(session, uid, ids)

    @staticmethod
    def all_ids(session: Session, user: User) -> list[int]:
        return list(session.scalars(select(Contact.id).where(Contact.user_id == user.id)))

    def own_ids(self) -> list[int]:
        """The requested contacts that are the user's (all of them for a full scope)."""
        if self.requested is None:
            return sorted(self.contact_ids)
        return sorted(self.requested & self.contact_ids)

    def with_warmth(self, scores: dict[int, tuple[int, int | None]]) -> None:
        """Contacts rescored just now: (score, previous score) by id."""
        self.contacts = [replace(c, warmth=scores[c.id][0], previous_warmth=scores[c.id][1])
                         if c.id in scores else c for c in self.contacts]

    def events(self, contact_id: int) -> list[WarmthEvent]:
        return [WarmthEvent(i.type, i.occurred_at) for i in self.interactions
                if i.contact_id == contact_id and i.type != NOTE]

    def _existing(self, session: Session, uid: int, ids: Sequence[int]) -> list[NudgeCtx]:
        """The scope's nudges in any state (the contacts', and the contact-less ones of its
        opportunities), plus the user's nudges shown lately: the ten-a-day cap counts them.

        Not every live nudge of the user: a full recompute syncs chunk after chunk, and
        re-reading them all for each chunk made it quadratic in the number of contacts.
        """
        query = select(*NUDGE_COLUMNS).where(Nudge.user_id == uid)
        if not self.full:
            opp_ids = [o.id for o in self.opportunities]
            conditions = [Nudge.contact_id.in_(list(ids))]
            if opp_ids:
                conditions.append(and_(Nudge.contact_id.is_(None),
                                       Nudge.opportunity_id.in_(opp_ids)))
            query = query.where(or_(*conditions))
        recent = select(*NUDGE_COLUMNS).where(
            Nudge.user_id == uid, Nudge.visible_since.is_not(None),
            Nudge.visible_since >= _start_of_yesterday())
        out = {n.key: nudge_ctx(n) for n in session.execute(query)}
        out.update({n.key: nudge_ctx(n) for n in session.execute(recent)})
        return list(out.values())


def _start_of_yesterday() -> datetime:
    now = datetime.now(UTC)
    return (now - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
