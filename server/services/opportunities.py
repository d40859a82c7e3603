"""Opportunities and the contacts linked to them.

An opportunity's `url` is stored canonical (server.domain.job_urls) and is unique per user:
saving a job that is already tracked updates it instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from server.domain.job_urls import InvalidJobUrl, canonical_job_url
from server.errors import ApiError, field_error, not_found
from server.models import Contact, Opportunity, OpportunityContact, User, utcnow
from server.services.changes import touched
from server.services.pagination import decode_cursor, encode_cursor

JOB_URL_LOCK = 0x746A  # advisory-lock namespace for saves of job URLs ("tj")
# Fields a save of a known job overwrites when it carries them (nothing is erased).
SAVE_FIELDS = ("company", "title", "notes", "status")


def canonical_url(raw: str, location: str = "json") -> str:
    """The canonical job URL, or a 422 naming `url` in `location` (json or query)."""
    try:
        return canonical_job_url(raw).url
    except InvalidJobUrl as exc:
        raise ApiError(422, "The request has invalid fields.",
                       {location: {"url": [str(exc)]}}) from exc


def find_by_url(session: Session, user: User, url: str) -> Opportunity | None:
    """The user's opportunity for this canonical URL.

    Rows written before URLs were canonicalised may hold another form of it; they are few (one
    user's opportunities), so they are canonicalised here rather than by a migration.
    """
    exact = session.scalars(
        select(Opportunity).where(Opportunity.user_id == user.id, Opportunity.url == url)
        .order_by(Opportunity.id).limit(1)
    ).first()
    if exact is not None:
        return exact
    older = session.execute(
        select(Opportunity.id, Opportunity.url)
        .where(Opportunity.user_id == user.id, Opportunity.url.is_not(None))
        .order_by(Opportunity.id)
    ).all()
    for opp_id, stored in older:
        try:
            if canonical_job_url(stored).url == url:
                return session.get(Opportunity, opp_id)
        except InvalidJobUrl:
            continue
    return None


def lookup_opportunity(session: Session, user: User, raw_url: str) -> Opportunity:
    opp = find_by_url(session, user, canonical_url(raw_url, "query"))
    if opp is None:
        raise not_found("Opportunity")
    return opp


def _serialise_url_writes(session: Session, user: User) -> None:
    """One save of a job URL at a time per user, so two saves of one job never both insert.
    SQLite's writers are serialised already (BEGIN IMMEDIATE before the first read)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k1, :k2)"),
                        {"k1": JOB_URL_LOCK, "k2": user.id})


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


def save_opportunity(
    session: Session, user: User, data: dict[str, Any]
) -> tuple[Opportunity, bool]:
    """Create an opportunity, or update the one that has its URL: (opportunity, created).

    A known job keeps its status unless the save names one, gains the contacts it lists
    (links are never removed here) and takes the other fields the save carries.
    """
    if data.get("url") is not None:
        data["url"] = canonical_url(data["url"])
        _serialise_url_writes(session, user)
        existing = find_by_url(session, user, data["url"])
        if existing is not None:
            return _update_saved(session, user, existing, data), False
    return create_opportunity(session, user, data), True


def _update_saved(
    session: Session, user: User, opp: Opportunity, data: dict[str, Any]
) -> Opportunity:
    links = data.get("contacts", [])
    _check_contacts(session, user, links)
    before = set(contact_ids(opp))
    _link(opp, links)
    now = utcnow()
    if "status" in data and data["status"] != opp.status:
        opp.status_changed_at = now
    for name in SAVE_FIELDS:
        if data.get(name) is not None:
            setattr(opp, name, data[name])
    opp.url = data["url"]  # an older row's URL becomes canonical
    opp.updated_at = now
    session.flush()
    touched(session, user, before | set(contact_ids(opp)), stamp=True)
    session.commit()
    return opp


def create_opportunity(session: Session, user: User, data: dict[str, Any]) -> Opportunity:
    """A new opportunity (save_opportunity first looks for one with the same URL)."""
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
    if data.get("url") is not None:
        data["url"] = canonical_url(data["url"])
        _serialise_url_writes(session, user)
        other = find_by_url(session, user, data["url"])
        if other is not None and other.id != opp.id:
            raise field_error("url", f"Opportunity {other.id} already has this URL.", code=409)
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
