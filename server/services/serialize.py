"""Plain-dict views of models for responses (the schemas document them for OpenAPI)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.nudges.tiers import tier_of as domain_tier_of
from server.models import Contact, Interaction, Opportunity, OpportunityContact


def active_opportunity_contacts(session: Session, contact_ids: Iterable[int]) -> set[int]:
    ids = list(contact_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(OpportunityContact.contact_id)
            .join(Opportunity, Opportunity.id == OpportunityContact.opportunity_id)
            .where(
                OpportunityContact.contact_id.in_(ids),
                Opportunity.status.in_(sorted(ACTIVE_STATUSES)),
            )
        )
    )


def tier_of(contact: Contact, on_active_opportunity: bool) -> str | None:
    """The contact's tier (§5.2), as the rules see it."""
    return domain_tier_of(on_active_opportunity=on_active_opportunity,
                          warmth=contact.warmth_score, starred=contact.starred,
                          touched=contact.last_touch_at is not None)


def warmth_view(contact: Contact) -> dict[str, Any] | None:
    if contact.warmth_computed_at is None:
        return None
    return {
        "score": contact.warmth_score,
        "band": contact.warmth_band,
        "reason": contact.warmth_reason or "",
        "computed_at": contact.warmth_computed_at,
    }


def contact_view(contact: Contact, tier: str | None) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "first_name": contact.first_name,
        "headline": contact.headline,
        "company": contact.company,
        "title": contact.title,
        "location": contact.location,
        "timezone": contact.timezone,
        "emails": contact.emails or [],
        "phones": contact.phones or [],
        "role": contact.role,
        "notes": contact.notes,
        "cadence_days": contact.cadence_days,
        "avatar_url": contact.avatar_url,
        "tags": contact.tags or [],
        "starred": contact.starred,
        "do_not_contact": contact.do_not_contact,
        "source": contact.source,
        "archived": contact.archived,
        "merged_into_id": contact.merged_into_id,
        "profiles": [
            {"network": p.network, "url": p.url, "handle": p.handle} for p in contact.profiles
        ],
        "warmth": warmth_view(contact),
        "tier": tier,
        "last_touch_at": contact.last_touch_at,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def contact_views(session: Session, contacts: Sequence[Contact]) -> list[dict[str, Any]]:
    active = active_opportunity_contacts(session, (c.id for c in contacts))
    return [contact_view(c, tier_of(c, c.id in active)) for c in contacts]


def one_contact_view(session: Session, contact: Contact) -> dict[str, Any]:
    return contact_views(session, [contact])[0]


def interaction_view(i: Interaction) -> dict[str, Any]:
    return {
        "id": i.id,
        "contact_id": i.contact_id,
        "opportunity_id": i.opportunity_id,
        "type": i.type,
        "occurred_at": i.occurred_at,
        "ends_at": i.ends_at,
        "notes": i.notes,
        "network": i.network,
        "final": i.final,
        "external_id": i.external_id,
        "promise": i.promise,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def logged_view(logged: Any) -> dict[str, Any]:
    """A new interaction's view, saying what was decided about its opportunity (Logged)."""
    view = interaction_view(logged.interaction)
    view["opportunity_attached"] = logged.attached
    view["opportunity_choices"] = [
        {"id": o.id, "company": o.company, "title": o.title, "status": o.status}
        for o in logged.choices]
    return view


def opportunity_view(o: Opportunity, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": o.id,
        "company": o.company,
        "title": o.title,
        "url": o.url,
        "status": o.status,
        "notes": o.notes,
        "contacts": [
            {"contact_id": link.contact_id, "role": link.role,
             "name": names.get(link.contact_id, "")}
            for link in o.links
        ],
        "status_changed_at": o.status_changed_at,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }
