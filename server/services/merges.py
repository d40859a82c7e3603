"""Duplicate handling (§3): suggestions are never applied silently; a merge unions everything."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from server.api.errors import ApiError, field_error
from server.domain.nudges.model import LIVE_STATE_LIST
from server.jobs.dispatch import note_touched
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
from server.services.contacts import merge_fields, sync_email_index
from server.services.serialize import contact_views

NAME_SIMILARITY = 0.88
MAX_SUGGESTIONS = 200


def _fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
                    .replace(".", " ").replace(",", " ").split())


def _pairs_by_key(groups: Iterable[Sequence[int]]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for ids in groups:
        for a, b in combinations(sorted(set(ids)), 2):
            pairs.add((a, b))
    return pairs


def suggestions(session: Session, user: User) -> list[dict[str, Any]]:
    contacts = list(session.scalars(select(Contact).where(
        Contact.user_id == user.id, Contact.merged_into_id.is_(None))))
    by_id = {c.id: c for c in contacts}
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    by_email: dict[str, list[int]] = defaultdict(list)
    for email, cid in session.execute(
        select(ContactEmail.email, ContactEmail.contact_id).where(ContactEmail.user_id == user.id)
    ):
        if cid in by_id:
            by_email[email].append(cid)
    for email, ids in by_email.items():
        for pair in _pairs_by_key([ids]):
            reasons[pair].append(f"same e-mail {email}")

    by_phone: dict[str, list[int]] = defaultdict(list)
    for c in contacts:
        for phone in c.phones or []:
            digits = "".join(ch for ch in phone if ch.isdigit())
            if len(digits) >= 7:
                by_phone[digits].append(c.id)
    for phone, ids in by_phone.items():
        for pair in _pairs_by_key([ids]):
            reasons[pair].append(f"same phone {phone}")

    # Fuzzy names are compared only within one company (blocking keeps this near-linear).
    by_company: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        by_company[_fold(c.company)].append(c)
    for company, members in by_company.items():
        if len(members) > 500:
            continue
        for a, b in combinations(members, 2):
            na, nb = _fold(a.name), _fold(b.name)
            if not na or not nb:
                continue
            if na == nb or SequenceMatcher(None, na, nb).ratio() >= NAME_SIMILARITY:
                pair = (min(a.id, b.id), max(a.id, b.id))
                label = f"similar name at {a.company}" if company else "same name"
                reasons[pair].append(label)

    dismissed = set(session.execute(
        select(DismissedMergeSuggestion.contact_a, DismissedMergeSuggestion.contact_b)
        .where(DismissedMergeSuggestion.user_id == user.id)).all())
    pairs = sorted(p for p in reasons if p not in dismissed)[:MAX_SUGGESTIONS]
    needed = [by_id[i] for i in sorted({i for p in pairs for i in p})]
    views = {v["id"]: v for v in contact_views(session, needed)}
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
    from server.services.interactions import refresh_last_touch

    refresh_last_touch(session, target)
    sync_email_index(session, target)
    target.updated_at = now
    target.dirty_at = utcnow()
    session.commit()
    note_touched(user.id, [target.id])
    return target
