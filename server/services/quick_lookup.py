"""GET /contacts/lookup on raw DBAPI: the extension asks it on every profile page it shows.

Same answer as the general path (`find_by_urls` + `one_contact_view`), from three indexed reads:
the contact owning the canonical URL, its profiles, and whether it is on an active opportunity
(its tier). A merged contact (the answer is the survivor) and anything the query schema must
word an error for are left to the general path.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, or_, select

from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.urls import InvalidProfileUrl, canonicalize
from server.models import Contact, Opportunity, OpportunityContact, Profile
from server.rawsql import RawConnection, Statement
from server.schemas.fields import _UNSTORABLE
from server.services.serialize import contact_view, tier_of

MAX_URL = 2048  # LookupQuery.url
# What contact_view and tier_of read, besides the profiles.
_FIELDS = ("id", "name", "first_name", "headline", "company", "title", "location", "timezone",
           "emails", "phones", "role", "notes", "avatar_url", "tags", "starred",
           "do_not_contact", "source", "archived", "merged_into_id", "warmth_score",
           "warmth_band", "warmth_reason", "warmth_computed_at", "last_touch_at", "created_at",
           "updated_at")
_OWNER = Statement(
    select(*(Contact.__table__.c[name] for name in _FIELDS))
    .join(Profile, Profile.contact_id == Contact.id)
    .where(Profile.user_id == bindparam("user_id"), Profile.url == bindparam("url"))
    .order_by(Contact.merged_into_id.is_not(None), Contact.id)
    .limit(1),
    iso_datetimes=True,
)
_PROFILES = Statement(
    select(Profile.network, Profile.url, Profile.handle)
    .where(Profile.contact_id == bindparam("contact_id")).order_by(Profile.id))
_ACTIVE = Statement(
    select(OpportunityContact.contact_id)
    .join(Opportunity, Opportunity.id == OpportunityContact.opportunity_id)
    .where(OpportunityContact.contact_id == bindparam("contact_id"),
           or_(*(Opportunity.status == status for status in sorted(ACTIVE_STATUSES))))
    .limit(1))

NOT_FOUND = object()  # no contact has this URL


def find_view(conn: RawConnection, user_id: int, raw_url: str) -> dict[str, Any] | object | None:
    """The contact's view, NOT_FOUND, or None when the general path must answer."""
    if not 1 <= len(raw_url) <= MAX_URL or _UNSTORABLE.search(raw_url):
        return None
    try:
        url = canonicalize(raw_url).url
    except InvalidProfileUrl:
        return None
    row = conn.first(_OWNER, user_id=user_id, url=url)
    if row is None:
        return NOT_FOUND
    contact = SimpleNamespace(**dict(zip(_FIELDS, row, strict=True)))
    if contact.merged_into_id is not None:
        return None
    contact.profiles = [SimpleNamespace(network=n, url=u, handle=h)
                        for n, u, h in conn.rows(_PROFILES, contact_id=contact.id)]
    active = conn.first(_ACTIVE, contact_id=contact.id) is not None
    return contact_view(contact, tier_of(contact, active))  # type: ignore[arg-type]
