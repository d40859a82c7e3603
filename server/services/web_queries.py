"""Reads the web app's pages need that the API has no endpoint for (no rules here)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import not_found
from server.models import ApiToken, Contact, Interaction, Opportunity, User


def opportunity_timeline(session: Session, opp: Opportunity) -> list[Interaction]:
    return list(session.scalars(select(Interaction).where(
        Interaction.opportunity_id == opp.id).order_by(
        Interaction.occurred_at.desc(), Interaction.id.desc())))


def contact_names(session: Session, user: User, limit: int = 2000) -> list[tuple[int, str]]:
    """(id, name) of the user's live contacts, by name: the choices of a contact picker."""
    return [(cid, name) for cid, name in session.execute(
        select(Contact.id, Contact.name).where(
            Contact.user_id == user.id, Contact.merged_into_id.is_(None),
            Contact.archived.is_(False)).order_by(Contact.name, Contact.id).limit(limit))]


def all_opportunities(session: Session, user: User) -> list[Opportunity]:
    return list(session.scalars(select(Opportunity).where(Opportunity.user_id == user.id)
                                .order_by(Opportunity.updated_at.desc(), Opportunity.id)))


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id)))


def revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise not_found("Token")
    session.delete(token)
    session.commit()

