"""POST /contacts/bulk: up to 1000 contacts in one transaction, set-based, per-item results.

Matching order per item: a canonical profile URL, then an e-mail, then the import key (which
is source-prefixed, so it never matches across sources). Interactions carry an external_id and
are only added when (contact, external_id) is new, so re-running an import adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.api.errors import ApiError
from server.jobs.dispatch import note_touched
from server.models import Contact, ContactEmail, Interaction, Profile, User, utcnow
from server.schemas.contact import BulkItemIn
from server.services.contact_fields import canonical_profiles
from server.services.contacts import _clean, merge_fields, new_contact

_ITEM_SCHEMA = BulkItemIn()
ATTEMPTS = 3
BULK_LOCK = 0x7468  # advisory-lock namespace for bulk imports ("th")


class _Index:
    """In-memory view of who owns which URL / e-mail / import key, updated as items land."""

    def __init__(self) -> None:
        self.by_url: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.contacts: dict[int, Contact] = {}
        self.pending: dict[int, Contact] = {}  # id(obj) → new contact before flush

    def match(self, urls: list[str], emails: list[str], key: str | None) -> int | None:
        for url in urls:
            if url in self.by_url:
                return self.by_url[url]
        for email in emails:
            if email in self.by_email:
                return self.by_email[email]
        if key and key in self.by_key:
            return self.by_key[key]
        return None


def _load_index(session: Session, user_id: int, prepared: list[dict[str, Any]]) -> _Index:
    index = _Index()
    urls = {r.url for p in prepared for r in p["refs"]}
    emails = {e.casefold() for p in prepared for e in p["data"].get("emails") or []}
    keys = {p["data"]["import_key"] for p in prepared if p["data"].get("import_key")}
    for chunk in _chunks(sorted(urls)):
        for url, cid in session.execute(
            select(Profile.url, Profile.contact_id).where(
                Profile.user_id == user_id, Profile.url.in_(chunk))
        ):
            index.by_url[url] = cid
    for chunk in _chunks(sorted(emails)):
        for email, cid in session.execute(
            select(ContactEmail.email, ContactEmail.contact_id)
            .where(ContactEmail.user_id == user_id, ContactEmail.email.in_(chunk))
            .order_by(ContactEmail.contact_id)
        ):
            index.by_email.setdefault(email, cid)
    for chunk in _chunks(sorted(keys)):
        for key, cid in session.execute(
            select(Contact.import_key, Contact.id).where(
                Contact.user_id == user_id, Contact.import_key.in_(chunk))
        ):
            index.by_key.setdefault(key, cid)
    ids = set(index.by_url.values()) | set(index.by_email.values()) | set(index.by_key.values())
    for chunk in _chunks(sorted(ids)):
        for contact in session.scalars(select(Contact).where(Contact.id.in_(chunk))):
            index.contacts[contact.id] = contact
    # Follow merges so imports land on the surviving contact.
    for mapping in (index.by_url, index.by_email, index.by_key):
        for k, cid in list(mapping.items()):
            contact = index.contacts.get(cid)
            while contact is not None and contact.merged_into_id is not None:
                contact = session.get(Contact, contact.merged_into_id)
            if contact is not None:
                index.contacts[contact.id] = contact
                mapping[k] = contact.id
    return index


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def _prepare(raw_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    prepared: list[dict[str, Any]] = []
    for i, raw in enumerate(raw_items):
        entry: dict[str, Any] = {"index": i, "errors": None, "data": {}, "refs": []}
        try:
            data = _clean(_ITEM_SCHEMA.load(raw))
            entry["refs"] = canonical_profiles(data.get("profiles") or [])
            entry["data"] = data
        except ValidationError as exc:
            entry["errors"] = exc.messages
        except ApiError as exc:
            entry["errors"] = (exc.errors or {}).get("json", {"_": [exc.message]})
        prepared.append(entry)
    return prepared


def bulk_upsert(
    session: Session, user: User, raw_items: list[dict[str, Any]], *, dry_run: bool = False
) -> dict[str, Any]:
    prepared = _prepare(raw_items)
    for attempt in range(ATTEMPTS):
        try:
            return _apply(session, user, prepared, dry_run)
        except IntegrityError:
            # A concurrent writer took a URL/key between our read and our write: re-read.
            session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _apply(
    session: Session, user: User, prepared: list[dict[str, Any]], dry_run: bool
) -> dict[str, Any]:
    if session.get_bind().dialect.name == "postgresql":
        # One import at a time per user: overlapping batches would otherwise keep colliding on
        # the same URLs. (SQLite already serialises writers with BEGIN IMMEDIATE.)
        session.execute(text("SELECT pg_advisory_xact_lock(:k1, :k2)"),
                        {"k1": BULK_LOCK, "k2": user.id})
    index = _load_index(session, user.id, [p for p in prepared if p["errors"] is None])
    results: list[dict[str, Any]] = []
    touched: dict[int, Contact] = {}
    objects: list[tuple[dict[str, Any], Contact]] = []
    new_emails: list[tuple[Contact, str]] = []
    counts = defaultdict(int)

    for entry in prepared:
        if entry["errors"] is not None:
            results.append({"index": entry["index"], "status": "failed", "id": None,
                            "errors": entry["errors"], "interactions_added": 0})
            counts["failed"] += 1
            continue
        data, refs = entry["data"], entry["refs"]
        urls = [r.url for r in refs]
        emails = [e.casefold() for e in data.get("emails") or []]
        cid = index.match(urls, emails, data.get("import_key"))
        contact = index.contacts.get(cid) if cid is not None else None
        if contact is None and cid is not None:
            contact = index.pending.get(cid)
        if contact is None:
            contact = new_contact(user.id, data, "import")
            session.add(contact)
            status = "created"
            fake_id = -(len(index.pending) + 1)  # placeholder until flush assigns the id
            index.pending[fake_id] = contact
            key_id = fake_id
            changed = True
        else:
            changed = merge_fields(contact, data)
            if data.get("import_key") and not contact.import_key:
                contact.import_key = data["import_key"]
            status = "updated" if changed else "unchanged"
            # A contact created earlier in this batch has no id yet: index it by its placeholder.
            key_id = cid
        known_emails = (
            {e.casefold() for e in contact.emails or []} if status != "created" else set()
        )
        for ref in refs:
            if ref.url not in index.by_url:
                contact.profiles.append(Profile(user_id=user.id, network=ref.network, url=ref.url,
                                                handle=ref.handle))
                index.by_url[ref.url] = key_id
                if status == "unchanged":
                    status = "updated"
                changed = True
        for email in {e.casefold() for e in contact.emails or []} - known_emails:
            new_emails.append((contact, email))
            index.by_email.setdefault(email, key_id)
        for email in emails:
            index.by_email.setdefault(email, key_id)
        if data.get("import_key"):
            index.by_key.setdefault(data["import_key"], key_id)
        if changed:
            contact.updated_at = utcnow()
            contact.dirty_at = utcnow()
        entry["status"] = status
        objects.append((entry, contact))
        if changed:
            touched[id(contact)] = contact

    session.flush()
    for contact, email in new_emails:
        session.add(ContactEmail(contact_id=contact.id, email=email, user_id=user.id))
    added = _add_interactions(session, user.id, objects)

    for entry, contact in objects:
        n = added.get(id(contact), {}).get(entry["index"], 0)
        status = entry["status"]
        if n and status == "unchanged":
            status = "updated"
        if n:
            contact.dirty_at = utcnow()
            touched[id(contact)] = contact
        counts[status] += 1
        results.append({"index": entry["index"], "status": status, "id": contact.id,
                        "errors": None, "interactions_added": n})
    results.sort(key=lambda r: r["index"])
    if dry_run:
        session.rollback()
        for r in results:
            if r["status"] == "created":
                r["id"] = None
    else:
        session.commit()
        note_touched(user.id, [c.id for c in touched.values()])
    return {
        "created": counts["created"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "failed": counts["failed"],
        "dry_run": dry_run,
        "results": results,
    }


def _add_interactions(
    session: Session, user_id: int, objects: list[tuple[dict[str, Any], Contact]]
) -> dict[int, dict[int, int]]:
    """Insert the items' interactions whose (contact, external_id) is new. Returns counts."""
    wanted = [(e, c) for e, c in objects if e["data"].get("interactions")]
    if not wanted:
        return {}
    contact_ids = sorted({c.id for _, c in wanted})
    existing: set[tuple[int, str]] = set()
    for chunk in _chunks(contact_ids):
        existing.update(
            (cid, ext) for cid, ext in session.execute(
                select(Interaction.contact_id, Interaction.external_id).where(
                    Interaction.contact_id.in_(chunk), Interaction.external_id.is_not(None))
            )
        )
    rows: list[dict[str, Any]] = []
    added: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    now = utcnow()
    for entry, contact in wanted:
        for item in entry["data"]["interactions"]:
            key = (contact.id, item["external_id"])
            if key in existing:
                continue
            existing.add(key)
            rows.append({
                "user_id": user_id, "contact_id": contact.id, "type": item["type"],
                "occurred_at": item["occurred_at"], "network": item.get("network"),
                "notes": item.get("notes"), "external_id": item["external_id"],
                "final": False, "created_at": now, "updated_at": now,
            })
            added[id(contact)][entry["index"]] += 1
            if item["type"] != "note" and item["occurred_at"] <= now and (
                contact.last_touch_at is None or item["occurred_at"] > contact.last_touch_at
            ):
                contact.last_touch_at = item["occurred_at"]
    if rows:
        session.execute(Interaction.__table__.insert(), rows)
    return added
