"""Logging, editing and deleting interactions (and the promises inside them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain.interaction_types import ACTIVE_STATUSES, NOTE
from server.domain.logs import ABOUT_A_JOB, needs_a_choice, opportunity_for_log
from server.errors import ApiError, field_error, not_found
from server.models import Contact, Interaction, Opportunity, OpportunityContact, User, utcnow
from server.services.changes import touched
from server.services.pagination import cursor_time, decode_cursor, encode_cursor

PROMISE_COLUMNS = {"at": "promise_at", "date": "promise_date", "days": "promise_days",
                   "tz": "promise_tz"}


def get_interaction(session: Session, user: User, interaction_id: int) -> Interaction:
    found = session.get(Interaction, interaction_id)
    if found is None or found.user_id != user.id:
        raise not_found("Interaction")
    return found


def _check_opportunity(session: Session, user: User, opportunity_id: int | None) -> None:
    if opportunity_id is None:
        return
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.user_id != user.id:
        raise field_error("opportunity_id", "No such opportunity.")


def _apply(interaction: Interaction, data: dict[str, Any]) -> None:
    for name in ("type", "occurred_at", "ends_at", "opportunity_id", "notes", "network",
                 "final", "external_id"):
        if name in data:
            setattr(interaction, name, data[name])
    if "promise" in data:
        promise = data["promise"] or {}
        interaction.promise_kind = promise.get("kind")
        for key, column in PROMISE_COLUMNS.items():
            setattr(interaction, column, promise.get(key))
    # `final` only means something on a "no" (§2).
    interaction.final = bool(interaction.final) and interaction.type == "no_received"


def _check_times(interaction: Interaction) -> None:
    # occurred_at may be defaulted (now) or kept from before, so the schema can't check this.
    if interaction.ends_at is not None and interaction.ends_at < interaction.occurred_at:
        raise field_error("ends_at", "Must not be before occurred_at.")


def refresh_last_touch(session: Session, contact: Contact) -> None:
    contact.last_touch_at = session.scalar(
        select(func.max(Interaction.occurred_at)).where(
            Interaction.contact_id == contact.id,
            Interaction.type != NOTE,
            Interaction.occurred_at <= utcnow(),
        )
    )


def _mark(contact: Contact) -> None:
    contact.dirty_at = utcnow()


@dataclass
class Logged:
    """A logged interaction, and what was decided about its opportunity when none was sent:
    `attached` (it was the contact's only active one) or the `choices` the client may ask
    the user about (several were possible; it stays unattached)."""

    interaction: Interaction
    attached: bool = False
    choices: list[Opportunity] = field(default_factory=list)


def log_interaction(
    session: Session, user: User, contact: Contact, data: dict[str, Any]
) -> Logged:
    logged = add_interaction(session, user, contact, data)
    session.commit()
    return logged


def add_interaction(
    session: Session, user: User, contact: Contact, data: dict[str, Any]
) -> Logged:
    """Log an interaction in the caller's transaction (the derived work runs in it too)."""
    _check_opportunity(session, user, data.get("opportunity_id"))
    now = utcnow()
    interaction = Interaction(user_id=user.id, contact_id=contact.id, occurred_at=now,
                              created_at=now, updated_at=now)
    _apply(interaction, data)
    _check_times(interaction)
    logged = Logged(interaction)
    if "opportunity_id" not in data:  # an explicit null means "about no opportunity"
        _place(session, contact, logged)
    if interaction.external_id:
        existing = session.scalar(select(Interaction.id).where(
            Interaction.contact_id == contact.id,
            Interaction.external_id == interaction.external_id))
        if existing is not None:
            raise ApiError(409, "An interaction with this external_id is already logged.",
                           {"json": {"external_id": [f"Already logged as {existing}."]}})
    session.add(interaction)
    _mark(contact)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise ApiError(409, "An interaction with this external_id is already logged.") from exc
    refresh_last_touch(session, contact)
    touched(session, user, [contact.id])
    return logged


def _place(session: Session, contact: Contact, logged: Logged) -> None:
    """Attach a log about a job to the contact's only active opportunity (domain.logs)."""
    kind = logged.interaction.type
    if kind not in ABOUT_A_JOB:
        return
    active = list(session.scalars(
        select(Opportunity).join(OpportunityContact,
                                 OpportunityContact.opportunity_id == Opportunity.id)
        .where(OpportunityContact.contact_id == contact.id,
               Opportunity.status.in_(sorted(ACTIVE_STATUSES)))
        .order_by(Opportunity.id)))
    ids = [o.id for o in active]
    chosen = opportunity_for_log(kind, ids)
    if chosen is not None:
        logged.interaction.opportunity_id = chosen
        logged.attached = True
    elif needs_a_choice(kind, ids):
        logged.choices = active


def update_interaction(
    session: Session, user: User, interaction: Interaction, data: dict[str, Any]
) -> Interaction:
    _check_opportunity(session, user, data.get("opportunity_id"))
    _apply(interaction, data)
    _check_times(interaction)
    interaction.updated_at = utcnow()
    # Flush before anything else queries: an autoflush would raise the conflict outside the try.
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise ApiError(409, "An interaction with this external_id is already logged.",
                       {"json": {"external_id": ["Already logged for this contact."]}}) from exc
    contact = session.get(Contact, interaction.contact_id)
    assert contact is not None
    _mark(contact)
    refresh_last_touch(session, contact)
    touched(session, user, [contact.id])
    session.commit()
    return interaction


def delete_interaction(session: Session, user: User, interaction: Interaction) -> None:
    contact = session.get(Contact, interaction.contact_id)
    session.delete(interaction)
    session.flush()
    if contact is not None:
        _mark(contact)
        refresh_last_touch(session, contact)
        touched(session, user, [contact.id])
    session.commit()


def list_interactions(
    session: Session, contact: Contact, args: dict[str, Any]
) -> tuple[list[Interaction], str | None]:
    """Newest first, keyset-paginated on (occurred_at, id)."""
    stmt = select(Interaction).where(Interaction.contact_id == contact.id)
    if args.get("type"):
        stmt = stmt.where(Interaction.type == args["type"])
    if args.get("cursor"):
        raw, last_id = decode_cursor(args["cursor"], 2)
        try:
            at = cursor_time(raw)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ApiError(422, "The request has invalid fields.",
                           {"query": {"cursor": ["Not a cursor from this API."]}}) from exc
        stmt = stmt.where(or_(Interaction.occurred_at < at,
                              and_(Interaction.occurred_at == at, Interaction.id < last_id)))
    limit = args.get("limit", 50)
    rows = list(session.scalars(
        stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].occurred_at.isoformat(), rows[-1].id])
