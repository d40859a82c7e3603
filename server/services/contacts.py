"""Contact use cases: save (create-or-update by canonical URL), patch, delete, e-mail index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain.nudges.new_contact import rules_can_fire_for_new_contact
from server.domain.urls import ProfileRef, canonicalize
from server.domain.warmth import compute_warmth
from server.errors import ApiError, not_found
from server.models import Contact, ContactEmail, Profile, User, utcnow
from server.services.changes import touched
from server.services.contact_fields import (
    FLAG_FIELDS,
    LIST_FIELDS,
    SCALAR_FIELDS,
    canonical_profiles,
    first_name_of,
    normalise_phone,
    union,
)
from server.services.nudge_context import RULE_INPUT_COLUMNS, contact_ctx
from server.services.warmth import warmth_columns

SAVE_ATTEMPTS = 3


def phone_region() -> str | None:
    return current_app.config["THRICE"].phone_region


def get_contact(session: Session, user: User, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.user_id != user.id:
        raise not_found("Contact")
    return contact


def find_by_urls(session: Session, user_id: int, urls: Sequence[str]) -> Contact | None:
    if not urls:
        return None
    row = session.execute(
        select(Contact)
        .join(Profile, Profile.contact_id == Contact.id)
        .where(Profile.user_id == user_id, Profile.url.in_(list(urls)))
        .order_by(Contact.merged_into_id.is_not(None), Contact.id)
        .limit(1)
    ).scalar_one_or_none()
    while row is not None and row.merged_into_id is not None:
        row = session.get(Contact, row.merged_into_id)
    return row


def lock_contact(session: Session, contact_id: int) -> Contact:
    """Re-read a contact under a row lock (PostgreSQL; SQLite writers are serialised anyway),
    so concurrent upserts merge their lists one after the other instead of losing updates."""
    return session.scalars(
        select(Contact).where(Contact.id == contact_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


_APP_REGION: Any = object()  # _clean's default: the app's configured region


def _clean(data: dict[str, Any], region: str | None = _APP_REGION) -> dict[str, Any]:
    out = dict(data)
    if "phones" in out:
        if region is _APP_REGION:
            region = phone_region()
        out["phones"] = union([], (normalise_phone(p, region) for p in out["phones"]))
    if "emails" in out:
        out["emails"] = union([], out["emails"], fold=True)
    if "tags" in out:
        out["tags"] = union([], (t.strip() for t in out["tags"] if t.strip()))
    if out.get("name") is not None and not out.get("first_name"):
        out["first_name"] = first_name_of(out["name"])
    return out


def sync_email_index(session: Session, contact: Contact) -> None:
    wanted = {e.casefold() for e in contact.emails}
    have = set(
        session.scalars(select(ContactEmail.email).where(ContactEmail.contact_id == contact.id))
    )
    gone = have - wanted
    if gone:
        session.execute(
            delete(ContactEmail).where(
                ContactEmail.contact_id == contact.id, ContactEmail.email.in_(gone)
            )
        )
    for email in wanted - have:
        session.add(ContactEmail(contact_id=contact.id, email=email, user_id=contact.user_id))


def attach_profiles(session: Session, contact: Contact, refs: Sequence[ProfileRef]) -> bool:
    """Add the profiles this contact doesn't have; a URL owned by another contact stays there."""
    have = {p.url for p in contact.profiles}
    refs = [r for r in refs if r.url not in have]
    if not refs:  # a re-save of a known profile: nothing to look up
        return False
    owned = dict(
        session.execute(
            select(Profile.url, Profile.contact_id).where(
                Profile.user_id == contact.user_id, Profile.url.in_([r.url for r in refs])
            )
        ).all()
    )
    added = False
    for ref in refs:
        if ref.url in owned:
            continue
        contact.profiles.append(
            Profile(user_id=contact.user_id, network=ref.network, url=ref.url, handle=ref.handle)
        )
        added = True
    return added


def _refuse_taken_urls(session: Session, contact: Contact, sent: list[dict[str, Any]]) -> None:
    """PATCH sets exactly what is sent, so a profile URL that belongs to another contact (a URL
    is one person's) is a conflict, not something to skip silently."""
    urls = [canonicalize(item["url"]).url for item in sent]  # all valid: checked before
    owners = dict(session.execute(select(Profile.url, Profile.contact_id).where(
        Profile.user_id == contact.user_id, Profile.url.in_(urls))).all())
    taken = {str(i): {"url": [f"{url} belongs to contact {owners[url]}; merge the two "
                              f"(POST /api/v1/contacts/{contact.id}/merge) to keep both."]}
             for i, url in enumerate(urls) if owners.get(url) not in (None, contact.id)}
    if taken:
        raise ApiError(409, "A profile URL belongs to another contact.",
                       {"json": {"profiles": taken}})


def merge_fields(contact: Contact, data: dict[str, Any]) -> set[str]:
    """Upsert semantics of §3: non-empty incoming values win, nothing is erased. Answers the
    names of the fields that changed."""
    changed: set[str] = set()
    for name in SCALAR_FIELDS:
        value = data.get(name)
        if value not in (None, "") and getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.add(name)
    for name in FLAG_FIELDS:
        if data.get(name) is True and not getattr(contact, name):
            setattr(contact, name, True)
            changed.add(name)
    for name, fold in (("emails", True), ("phones", False), ("tags", False)):
        if data.get(name):
            merged = union(getattr(contact, name) or [], data[name], fold=fold)
            if merged != (getattr(contact, name) or []):
                setattr(contact, name, merged)
                changed.add(name)
    return changed


def new_contact_values(
    user_id: int, data: dict[str, Any], source: str, now: datetime
) -> dict[str, Any]:
    """The columns of a contact created from saved data (`source` when the data names none)."""
    values: dict[str, Any] = {name: data.get(name) for name in SCALAR_FIELDS}
    values["role"] = data.get("role") or "other"
    values.update({name: bool(data.get(name, False)) for name in FLAG_FIELDS})
    values.update({name: list(data.get(name) or []) for name in LIST_FIELDS})
    values.update(
        user_id=user_id, name=data["name"], source=data.get("source") or source,
        import_key=data.get("import_key"), merged_into_id=None, last_touch_at=None,
        created_at=now, updated_at=now, dirty_at=now,
    )
    return values


def save_contact(
    session: Session, user: User, data: dict[str, Any], source: str = "api"
) -> tuple[Contact, bool]:
    """Create, or update the contact that owns one of the canonical profile URLs (§3).

    Concurrent saves of one URL race on the (user, url) unique constraint; the loser rolls back
    and retries, and then finds the winner's contact.
    """
    data = _clean(data)
    refs = canonical_profiles(data.get("profiles") or [])
    urls = [r.url for r in refs]
    for attempt in range(SAVE_ATTEMPTS):
        try:
            existing = find_by_urls(session, user.id, urls)
            if existing is not None:
                _update_saved(session, user, existing, data, refs)
                return existing, False
            return _create_saved(session, user, data, refs, source), True
        except IntegrityError:
            session.rollback()
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise ApiError(409, "The contact changed concurrently; retry the request.")


def _update_saved(session: Session, user: User, contact: Contact, data: dict[str, Any],
                  refs: Sequence[ProfileRef]) -> None:
    if session.get_bind().dialect.name != "sqlite":
        # Concurrent upserts merge their lists one after the other (SQLite's writers are
        # serialised by the write lock taken before the read).
        contact = lock_contact(session, contact.id)
    changed = merge_fields(contact, data)
    added = attach_profiles(session, contact, refs)
    if changed or added:
        now = utcnow()
        contact.updated_at = now
        if added or changed & RULE_INPUT_COLUMNS:
            contact.dirty_at = now
    if "emails" in changed:
        session.flush()
        sync_email_index(session, contact)
    if added or changed & RULE_INPUT_COLUMNS:
        touched(session, user, [contact.id])
    session.commit()


def _create_saved(session: Session, user: User, data: dict[str, Any],
                  refs: Sequence[ProfileRef], source: str) -> Contact:
    """A new contact has no history: its warmth (that of no events) is stored at once, and
    only when a rule can fire for it is the rest of the derived work done."""
    now = utcnow()
    contact = Contact(**new_contact_values(user.id, data, source, now))
    for name, value in warmth_columns(compute_warmth([], now), None).items():
        setattr(contact, name, value)
    networks = frozenset(r.network for r in refs)
    needs_rules = rules_can_fire_for_new_contact(contact_ctx(contact, networks))
    if not needs_rules:
        contact.dirty_at = None
    # Straight inserts: a concurrent save that took one of these URLs since we looked trips
    # the (user, url) unique constraint, and the retry updates its contact.
    contact.profiles = [
        Profile(user_id=user.id, network=r.network, url=r.url, handle=r.handle) for r in refs
    ]
    session.add(contact)
    session.flush()
    session.add_all(ContactEmail(contact_id=contact.id, email=email, user_id=user.id)
                    for email in dict.fromkeys(e.casefold() for e in contact.emails))
    if needs_rules:
        touched(session, user, [contact.id])
    session.commit()
    return contact


def patch_contact(session: Session, user: User, contact: Contact, data: dict[str, Any]) -> Contact:
    """PATCH sets exactly what is sent (unlike the save upsert, it may clear fields)."""
    data = _clean(data)
    sent = data.pop("profiles", None)
    refs = canonical_profiles(sent) if sent is not None else None
    if refs:
        _refuse_taken_urls(session, contact, sent)
    for name, value in data.items():
        setattr(contact, name, value)
    if refs is not None:
        wanted = {r.url for r in refs}
        for profile in list(contact.profiles):
            if profile.url not in wanted:
                contact.profiles.remove(profile)
        session.flush()
        attach_profiles(session, contact, refs)
    contact.updated_at = utcnow()
    contact.dirty_at = utcnow()
    session.flush()
    sync_email_index(session, contact)
    touched(session, user, [contact.id])
    session.commit()
    return contact


def delete_contact(session: Session, contact: Contact) -> None:
    session.delete(contact)
    session.commit()
