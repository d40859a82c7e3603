"""Saving a brand-new contact with nothing to derive: one raw transaction, no job.

The extension's "Save contact" is the API's most frequent write (SPEC §9 sets its throughput
at half of a bare Flask endpoint). When the URLs are new, the contact is created with no
history: its warmth is that of no events (computed with the same pure function the jobs
use), and no rule can fire for it (R1-R6 and R8-R11 need interactions or opportunities; R7 needs
a hiring or department manager, which this path leaves to the general one). So the row is
stored complete, with nothing marked dirty and nothing to enqueue, and a read right after sees
exactly what the scoring job would have stored.

Everything else (a known URL, a manager, anything the lean loader does not vouch for, a race on
the unique URL) returns None with nothing written, and `save_contact` handles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.exc import IntegrityError

from server.api.errors import ApiError
from server.domain.nudges.context import MANAGER_ROLES
from server.domain.urls import ProfileRef
from server.models import Contact, ContactEmail, Profile, utcnow
from server.rawsql import RawConnection, Statement
from server.schemas.contact import ContactIn
from server.schemas.fastload import LeanLoader
from server.services.contact_fields import canonical_profiles
from server.services.contacts import _clean, saved_contact_values
from server.services.serialize import contact_view, tier_of

_LEAN = LeanLoader(ContactIn())
_CONTACTS = Contact.__table__
_COLUMNS = tuple(c.key for c in _CONTACTS.c if c.key != "id")
_NEW_ROW = insert(_CONTACTS).values(
    {k: bindparam(k, type_=_CONTACTS.c[k].type) for k in _COLUMNS})
_INSERT_CONTACT = Statement(_NEW_ROW)  # SQLite reports the id itself
_INSERT_CONTACT_RETURNING = Statement(_NEW_ROW.returning(_CONTACTS.c.id))
_INSERT_PROFILE = Statement(insert(Profile.__table__).values(
    user_id=bindparam("user_id"), contact_id=bindparam("contact_id"),
    network=bindparam("network"), url=bindparam("url"), handle=bindparam("handle")))
_INSERT_EMAIL = Statement(insert(ContactEmail.__table__).values(
    user_id=bindparam("user_id"), contact_id=bindparam("contact_id"), email=bindparam("email")))


@dataclass(frozen=True, slots=True)
class NewContact:
    """A validated save of someone new, before the database is asked anything."""

    data: dict[str, Any]
    refs: list[ProfileRef]


def prepare(body: Any, phone_region: str | None) -> NewContact | None:
    """The save in a request's JSON body, validated and canonicalised, or None when the
    general path must handle it (anything the lean loader does not vouch for, a manager).
    `phone_region` is the app's (THRICE_PHONE_REGION), for numbers written without a country
    code."""
    data = _LEAN.load(body)
    if data is None:
        return None
    try:
        data = _clean(data, phone_region)
        refs = canonical_profiles(data.get("profiles") or [])
    except ApiError:
        return None
    if data.get("role") in MANAGER_ROLES:
        return None
    return NewContact(data, refs)


def create(conn: RawConnection, user_id: int, new: NewContact) -> dict[str, Any] | None:
    """Store the contact and answer its view, or None when one of its URLs is known already
    (then nothing was written and the general path must update that contact instead).

    One write transaction, committed here. No SELECT looks for the URLs' owner first: the
    insert trips the unique (user_id, url) instead, which also settles a race with a
    concurrent save, and saves a read per save (under load, each read after another worker's
    commit reloads SQLite's page cache)."""
    now = utcnow()
    values = saved_contact_values(user_id, new.data, "api", now)
    values["dirty_at"] = None
    row = conn.bind(_INSERT_CONTACT if conn.dialect.name == "sqlite"
                    else _INSERT_CONTACT_RETURNING, **values)
    conn.begin_write()
    try:
        contact_id = conn.insert(row)
        for ref in new.refs:
            conn.execute(_INSERT_PROFILE, user_id=user_id, contact_id=contact_id,
                         network=ref.network, url=ref.url, handle=ref.handle)
        for email in dict.fromkeys(e.casefold() for e in values["emails"]):
            conn.execute(_INSERT_EMAIL, user_id=user_id, contact_id=contact_id, email=email)
        conn.commit()
    except IntegrityError:  # a known URL (or one a concurrent save just took)
        conn.rollback()
        return None
    contact = SimpleNamespace(id=contact_id, **values, profiles=[
        SimpleNamespace(network=r.network, url=r.url, handle=r.handle) for r in new.refs])
    return contact_view(contact, tier_of(contact, False))  # type: ignore[arg-type]
