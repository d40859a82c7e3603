"""Duplicate handling (§3): suggestions are never applied silently; a merge unions everything."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from server.domain.nudges.model import LIVE_STATE_LIST
from server.errors import ApiError, field_error
from server.models import (
    Contact,
    ContactEmail,
    DismissedMergeSuggestion,
    Interaction,
    Nudge,
    OpportunityContact,
    Profile,
    User,
    utcnow,
)
from server.services.changes import touched
from server.services.contacts import merge_fields, sync_email_index
from server.services.interactions import refresh_last_touch
from server.services.serialize import contact_views

NAME_SIMILARITY = 0.88
MAX_SUGGESTIONS = 200
# A phone or e-mail that more contacts share is a switchboard or a role address (jobs@, the
# office line), not evidence that they are one person; pairing them all would cost n²/2 pairs
# (4.5 million for 3,000 contacts) in time and memory to produce nothing useful.
MAX_SHARED_KEY = 20
# Names are compared pairwise within one company; a larger company is skipped (n²/2 ratios).
MAX_NAME_BLOCK = 500


def _fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
                    .replace(".", " ").replace(",", " ").split())


def _pairs_of(ids: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Every pair of a small group, nothing for a group above MAX_SHARED_KEY."""
    members = sorted(set(ids))
    if len(members) <= MAX_SHARED_KEY:
        yield from combinations(members, 2)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b)
    # The cheap upper bounds first: most names of one company are nothing alike.
    return (matcher.real_quick_ratio() >= NAME_SIMILARITY
            and matcher.quick_ratio() >= NAME_SIMILARITY
            and matcher.ratio() >= NAME_SIMILARITY)


def suggestions(session: Session, user: User) -> list[dict[str, Any]]:
    # Only the columns the matching needs; full contacts are loaded for the answer alone.
    rows = session.execute(select(Contact.id, Contact.name, Contact.company, Contact.phones)
                           .where(Contact.user_id == user.id,
                                  Contact.merged_into_id.is_(None))).all()
    live = {row.id for row in rows}
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    by_email: dict[str, list[int]] = defaultdict(list)
    for email, cid in session.execute(
        select(ContactEmail.email, ContactEmail.contact_id).where(ContactEmail.user_id == user.id)
    ):
        if cid in live:
            by_email[email].append(cid)
    for email, ids in by_email.items():
        for pair in _pairs_of(ids):
            reasons[pair].append(f"same e-mail {email}")

    by_phone: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        for phone in row.phones or []:
            digits = "".join(ch for ch in phone if ch.isdigit())
            if len(digits) >= 7:
                by_phone[digits].append(row.id)
    for phone, ids in by_phone.items():
        for pair in _pairs_of(ids):
            reasons[pair].append(f"same phone {phone}")

    # Fuzzy names are compared only within one company (blocking keeps this near-linear).
    by_company: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for row in rows:
        name = _fold(row.name)
        if name:
            by_company[_fold(row.company)].append((row.id, name, row.company))
    for company, members in by_company.items():
        if len(members) > MAX_NAME_BLOCK:
            continue
        for (id_a, name_a, company_a), (id_b, name_b, _) in combinations(members, 2):
            if _similar(name_a, name_b):
                label = f"similar name at {company_a}" if company else "same name"
                reasons[(min(id_a, id_b), max(id_a, id_b))].append(label)

    dismissed = set(session.execute(
        select(DismissedMergeSuggestion.contact_a, DismissedMergeSuggestion.contact_b)
        .where(DismissedMergeSuggestion.user_id == user.id)).all())
    pairs = sorted(p for p in reasons if p not in dismissed)[:MAX_SUGGESTIONS]
    needed = sorted({i for p in pairs for i in p})
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(needed))
                                    .order_by(Contact.id))) if needed else []
    views = {v["id"]: v for v in contact_views(session, contacts)}
    return [
        {"contact_ids": list(pair), "reasons": reasons[pair],
         "contacts": [views[pair[0]], views[pair[1]]]}
        for pair in pairs
    ]


def merge_contacts(
    session: Session, user: User, target: Contact, other_ids: Sequence[int]
) -> Contact:
    if target.merged_into_id is not None:
        raise ApiError(409, "This contact was merged into another; merge into that one.")
    others: list[Contact] = []
    for oid in dict.fromkeys(other_ids):
        if oid == target.id:
            raise field_error("other_ids", "A contact cannot be merged into itself.")
        other = session.get(Contact, oid)
        if other is None or other.user_id != user.id:
            raise ApiError(404, "Contact not found.",
                           {"json": {"other_ids": [f"No contact {oid}."]}})
        if other.merged_into_id is not None:
            raise field_error("other_ids", f"Contact {oid} is already merged.")
        others.append(other)

    now = utcnow()
    for other in others:
        merge_fields(target, {
            "name": None, "first_name": target.first_name or other.first_name,
            **{f: getattr(other, f) for f in ("headline", "company", "title", "location",
                                               "timezone", "avatar_url")
               if not getattr(target, f)},
            "notes": None if not other.notes else (
                other.notes if not target.notes else f"{target.notes}\n\n{other.notes}"),
            "emails": other.emails, "phones": other.phones, "tags": other.tags,
            "starred": other.starred, "do_not_contact": other.do_not_contact,
        })
        if target.role == "other" and other.role != "other":
            target.role = other.role
        session.execute(update(Profile).where(Profile.contact_id == other.id)
                        .values(contact_id=target.id))
        taken = set(session.scalars(select(Interaction.external_id).where(
            Interaction.contact_id == target.id, Interaction.external_id.is_not(None))))
        if taken:
            session.execute(delete(Interaction).where(
                Interaction.contact_id == other.id, Interaction.external_id.in_(taken)))
        session.execute(update(Interaction).where(Interaction.contact_id == other.id)
                        .values(contact_id=target.id))
        linked = set(session.scalars(select(OpportunityContact.opportunity_id).where(
            OpportunityContact.contact_id == target.id)))
        for link in session.scalars(select(OpportunityContact).where(
                OpportunityContact.contact_id == other.id)).all():
            if link.opportunity_id in linked:
                session.delete(link)
            else:
                session.execute(update(OpportunityContact).where(
                    OpportunityContact.opportunity_id == link.opportunity_id,
                    OpportunityContact.contact_id == other.id).values(contact_id=target.id))
        # The survivor's nudges are recomputed from the moved history; the old ones retire.
        session.execute(update(Nudge).where(Nudge.contact_id == other.id,
                                            Nudge.state.in_(LIVE_STATE_LIST))
                        .values(state="superseded", visible=False, closed_at=now,
                                closed_reason=f"merged into contact {target.id}"))
        session.execute(delete(ContactEmail).where(ContactEmail.contact_id == other.id))
        other.merged_into_id = target.id
        other.archived = True
        other.updated_at = now
    session.flush()
    session.expire(target, ["profiles"])
    refresh_last_touch(session, target)
    sync_email_index(session, target)
    target.updated_at = now
    target.dirty_at = utcnow()
    touched(session, user, [target.id])
    session.commit()
    return target
