"""Raw messages → interactions with known contacts, and suggestions from what they wrote.

The one path for every source (IMAP sync, an uploaded .mbox): each interaction is logged by
`add_interaction`, as a manual log would be, so warmth and the nudge rules see it the same way.
The caller owns the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.mail.detect import suggest
from server.domain.mail.found import NO, PROMISE, Found
from server.domain.mail.messages import REPLY_RECEIVED, MailMessage, correspondents, parse_message
from server.errors import ApiError
from server.models import Contact, ContactEmail, MailAccount, Suggestion, User, utcnow
from server.services.interactions import add_interaction

NOTES_LIMIT = 500
log = logging.getLogger(__name__)


@dataclass
class Counts:
    messages_read: int = 0
    interactions_added: int = 0
    suggestions_added: int = 0

    def add(self, other: Counts) -> None:
        self.messages_read += other.messages_read
        self.interactions_added += other.interactions_added
        self.suggestions_added += other.suggestions_added

    def as_dict(self) -> dict[str, int]:
        return {"messages_read": self.messages_read,
                "interactions_added": self.interactions_added,
                "suggestions_added": self.suggestions_added}


def _iso(value: datetime | date) -> str:
    return value.isoformat()


def suggestion_value(found: Found, message_date: datetime, evidence: str,
                     zone: str) -> dict[str, Any]:
    """The interaction body accepting it would log: exactly a manual log's JSON."""
    base: dict[str, Any] = {"occurred_at": _iso(message_date), "notes": evidence}
    if found.kind == NO:
        return {**base, "type": "no_received", "final": found.final}
    if found.kind == PROMISE:
        promise: dict[str, Any] = {"kind": found.promise_kind, "tz": zone}
        if found.at is not None:
            promise["at"] = _iso(found.at.astimezone(ZoneInfo("UTC")))
        if found.on is not None:
            promise["date"] = _iso(found.on)
        if found.days is not None:
            promise["days"] = found.days
        return {**base, "type": "promise_made", "promise": promise}
    assert found.at is not None
    return {**base, "type": "interview", "occurred_at": _iso(found.at.astimezone(ZoneInfo("UTC")))}


class Ingest:
    """Reads messages for one user; `counts` says what it did."""

    def __init__(self, session: Session, user: User, mine: Iterable[str]) -> None:
        self.session = session
        self.user = user
        self.mine = frozenset(a.strip().lower() for a in mine if a and "@" in a)
        # The user's address book by e-mail, loaded once: a mailbox is mostly strangers.
        self.index: dict[str, int] = dict(session.execute(  # type: ignore[arg-type]
            select(ContactEmail.email, ContactEmail.contact_id)
            .where(ContactEmail.user_id == user.id)).all())
        self.counts = Counts()

    def add_raw(self, raw: bytes) -> None:
        try:
            message = parse_message(raw)
        except Exception:  # noqa: BLE001 - one mangled message must not stop a mailbox
            log.warning("user %d: an unreadable message was skipped", self.user.id)
            self.counts.messages_read += 1
            return
        self.add(message)

    def add(self, message: MailMessage) -> None:
        self.counts.messages_read += 1
        for address, kind in correspondents(message, self.mine):
            contact_id = self.index.get(address)
            if contact_id is None:
                continue
            contact = self.session.get(Contact, contact_id)
            if contact is None or contact.merged_into_id is not None:
                continue
            self._log(message, contact, kind)

    def _log(self, message: MailMessage, contact: Contact, kind: str) -> None:
        occurred = message.date or utcnow()
        data: dict[str, Any] = {"type": kind, "occurred_at": occurred,
                                "external_id": message.message_id,
                                "notes": message.subject[:NOTES_LIMIT] or None}
        try:
            logged = add_interaction(self.session, self.user, contact, data)
        except ApiError as exc:
            if exc.code == 409:  # read before: the Message-ID is already this contact's
                return
            raise
        self.counts.interactions_added += 1
        if kind != REPLY_RECEIVED:
            return
        zone = contact.timezone or self.user.timezone or "UTC"
        interaction = logged.interaction
        for found in suggest(message, ZoneInfo(zone), self.user.weekend):
            self.session.add(Suggestion(
                user_id=self.user.id, contact_id=contact.id,
                opportunity_id=interaction.opportunity_id,
                source_interaction_id=interaction.id, kind=found.kind,
                evidence=found.evidence[:2000],
                value=suggestion_value(found, occurred, found.evidence[:2000], zone),
                confidence=found.confidence, state="pending"))
            self.counts.suggestions_added += 1
        self.session.flush()


def import_messages(session: Session, user: User, raws: Iterable[bytes],
                    me: Iterable[str] = ()) -> Counts:
    """Messages handed over whole (an .mbox upload): read like a sync, one transaction.
    Mail from the user's e-mail, their mailbox's user name or `me` is theirs."""
    account = session.scalar(select(MailAccount).where(MailAccount.user_id == user.id))
    ingest = Ingest(session, user, {user.email, *me, account.username if account else ""})
    for raw in raws:
        ingest.add_raw(raw)
    session.commit()
    return ingest.counts
