"""Opportunities and the contacts linked to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import field_error, not_found
from server.models import Contact, Opportunity, OpportunityContact, User, utcnow
from server.services.changes import touched
from server.services.pagination import decode_cursor, encode_cursor


def get_opportunity(session: Session, user: User, opportunity_id: int) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.user_id != user.id:
        raise not_found("Opportunity")
    return opp


def _check_contacts(session: Session, user: User, links: Sequence[dict[str, Any]]) -> None:
    ids = {link["contact_id"] for link in links}
    if not ids:
        return
    found = set(session.scalars(
        select(Contact.id).where(Contact.user_id == user.id, Contact.id.in_(ids))))
    missing = sorted(ids - found)
    if missing:
        raise field_error("contacts", f"No such contact: {', '.join(map(str, missing))}.")


def _link(opp: Opportunity, links: Sequence[dict[str, Any]]) -> None:
    current = {link.contact_id: link for link in opp.links}
    for item in links:
        existing = current.get(item["contact_id"])
        if existing is None:
            new = OpportunityContact(contact_id=item["contact_id"], role=item.get("role"))
            opp.links.append(new)
            current[item["contact_id"]] = new
        elif item.get("role"):
            existing.role = item["role"]


def contact_ids(opp: Opportunity) -> list[int]:
    return [link.contact_id for link in opp.links]


def create_opportunity(session: Session, user: User, data: dict[str, Any]) -> Opportunity:
    links = data.pop("contacts", [])
    _check_contacts(session, user, links)
    now = utcnow()
    opp = Opportunity(user_id=user.id, created_at=now, updated_at=now, status_changed_at=now,
                      **data)
    session.add(opp)
    _link(opp, links)
    session.flush()
    touched(session, user, contact_ids(opp), stamp=True)
    session.commit()
    return opp


def update_opportunity(
    session: Session, user: User, opp: Opportunity, data: dict[str, Any]
) -> Opportunity:
    before = set(contact_ids(opp))
    links = data.pop("contacts", None)
    if links is not None:
        _check_contacts(session, user, links)
        wanted = {item["contact_id"] for item in links}
        for link in list(opp.links):
            if link.contact_id not in wanted:
                opp.links.remove(link)
        _link(opp, links)
    now = utcnow()
    if "status" in data and data["status"] != opp.status:
        opp.status_changed_at = now
    for name, value in data.items():
        setattr(opp, name, value)
    opp.updated_at = now
    session.flush()
    touched(session, user, before | set(contact_ids(opp)), stamp=True)
    session.commit()
    return opp


def add_contact(
    session: Session, user: User, opp: Opportunity, item: dict[str, Any]
) -> Opportunity:
    _check_contacts(session, user, [item])
    _link(opp, [item])
    opp.updated_at = utcnow()
    session.flush()
    touched(session, user, [item["contact_id"]], stamp=True)
    session.commit()
    return opp


def delete_opportunity(session: Session, user: User, opp: Opportunity) -> None:
    ids = contact_ids(opp)
    session.delete(opp)
    session.flush()
    touched(session, user, ids, stamp=True)
    session.commit()


def list_opportunities(
    session: Session, user: User, args: dict[str, Any]
) -> tuple[list[Opportunity], str | None]:
    stmt = select(Opportunity).where(Opportunity.user_id == user.id)
    if args.get("status"):
        stmt = stmt.where(Opportunity.status == args["status"])
    if args.get("cursor"):
        (last_id,) = decode_cursor(args["cursor"], 1)
        stmt = stmt.where(Opportunity.id < last_id)
    limit = args.get("limit", 50)
    rows = list(session.scalars(stmt.order_by(Opportunity.id.desc()).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].id])


def names_for(session: Session, opps: Sequence[Opportunity]) -> dict[int, str]:
    ids = {link.contact_id for o in opps for link in o.links}
    if not ids:
        return {}
    return dict(session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(ids))).all())
