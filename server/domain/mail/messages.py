"""One e-mail message, parsed from its raw bytes, and the interactions it stands for.

Headers are read at once; the body (HTML to text, quoted text cut) only when asked for: most
of a mailbox comes from strangers, whose messages are never read further than the From line.
"""

from __future__ import annotations

import email
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from functools import cached_property

from server.domain.mail.text import html_to_text, new_text

REPLY_RECEIVED = "reply_received"
EMAIL_SENT = "email_sent"
# Mail no person wrote: auto-replies (RFC 3834), bulk and list mail.
_LIST_HEADERS = ("x-autoreply", "x-autorespond", "list-id", "list-unsubscribe")
_BULK = frozenset({"bulk", "list", "junk", "auto_reply"})


@dataclass
class MailMessage:
    message_id: str
    date: datetime | None
    sender: str
    recipients: tuple[str, ...]
    subject: str
    automated: bool
    parsed: Message = field(repr=False)

    @cached_property
    def text(self) -> str:
        """The new text only (see text.new_text)."""
        return new_text(_body(self.parsed))


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, ValueError, UnicodeDecodeError):  # a broken encoded-word
        return str(value)


def _addresses(msg: Message, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        values.extend(str(v) for v in msg.get_all(name, []))
    return [addr.strip().lower() for _n, addr in getaddresses(values) if "@" in addr]


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", "replace")


def _body(msg: Message) -> str:
    html: Message | None = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return _decoded(part)
        if kind == "text/html" and html is None:
            html = part
    return html_to_text(_decoded(html)) if html is not None else ""


def _date(msg: Message) -> datetime | None:
    raw = msg.get("date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _automated(msg: Message) -> bool:
    if str(msg.get("auto-submitted", "no")).strip().lower() != "no":
        return True
    if str(msg.get("precedence", "")).strip().lower() in _BULK:
        return True
    return any(msg.get(name) for name in _LIST_HEADERS)


def parse_message(raw: bytes) -> MailMessage:
    msg = email.message_from_bytes(raw)
    message_id = str(msg.get("message-id", "")).strip()
    if not message_id:  # no Message-ID: a stable stand-in, so re-reading still adds nothing
        message_id = "<sha256:" + hashlib.sha256(raw).hexdigest() + ">"
    senders = _addresses(msg, "from")
    return MailMessage(
        message_id=message_id[:500],
        date=_date(msg),
        sender=senders[0] if senders else "",
        recipients=tuple(dict.fromkeys(_addresses(msg, "to", "cc"))),
        subject=_header(msg, "subject"),
        automated=_automated(msg),
        parsed=msg,
    )


def correspondents(message: MailMessage, mine: frozenset[str]) -> list[tuple[str, str]]:
    """(address, interaction type) for each other party: a message from one of `mine` is
    `email_sent` to each recipient; any other is `reply_received` from its sender."""
    if message.sender in mine:
        return [(addr, EMAIL_SENT) for addr in message.recipients if addr not in mine]
    if not message.sender:
        return []
    return [(message.sender, REPLY_RECEIVED)]
