"""The iCalendar feed of a user's nudges (GET /nudges.ics?feed=...)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.nudges.model import LIVE_STATE_LIST as LIVE
from server.errors import ApiError
from server.models import Contact, Nudge, User, utcnow
from server.services.nudges import EFFECTIVE_DUE
from server.services.users import ensure_feed_token

# Feed tokens are secrets.token_urlsafe: anything else is unknown without asking the database
# (PostgreSQL refuses a NUL byte in a text parameter outright).
_FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,200}")


def feed_user(session: Session, feed: str) -> User:
    user = session.scalar(select(User).where(User.feed_token == feed)) \
        if _FEED_TOKEN.fullmatch(feed or "") else None
    if user is None:
        raise ApiError(403, "Unknown calendar feed token; copy calendar_url from GET /me again.")
    return user


def rotate_feed_token(user: User) -> str:
    """A new feed token: the old calendar URL stops working with the commit (SPEC §6)."""
    user.feed_token = None
    return ensure_feed_token(user)


# RFC 5545 TEXT allows no control character but HTAB: line breaks (CRLF, a bare CR or LF, and
# Unicode's NEL, LS, PS) become the escaped "\n"; every other C0 or C1 control, and DEL, is
# dropped, so a name or message can never end a property or start another.
_NEWLINE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SPECIAL = re.compile(r"[\\;,]")
_HOST = re.compile(r"[^A-Za-z0-9.-]")


def _ics_text(value: str) -> str:
    escaped = _SPECIAL.sub(lambda m: "\\" + m[0], value)
    return _CONTROL.sub("", _NEWLINE.sub("\\\\n", escaped))


def uid_host(host: str) -> str:
    """The request's host, reduced to what a UID's domain part may hold."""
    return _HOST.sub("", host.split(":")[0])[:253] or "thrice"


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on lines starting with a space."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 75:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return out


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def ics_feed(session: Session, user: User, host: str) -> str:
    now = utcnow()
    rows = list(session.scalars(select(Nudge).where(
        Nudge.user_id == user.id, Nudge.visible.is_(True), Nudge.state.in_(LIVE))
        .order_by(EFFECTIVE_DUE)))
    names = dict(session.execute(select(Contact.id, Contact.name).where(
        Contact.id.in_({n.contact_id for n in rows if n.contact_id is not None}))).all()) \
        if rows else {}
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Thrice//Follow-up nudges//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:Thrice follow-ups"]
    for n in rows:
        start = n.snoozed_until if n.state == "snoozed" and n.snoozed_until else n.due_at
        who = names.get(n.contact_id, "") if n.contact_id else "pipeline"
        lines += [
            "BEGIN:VEVENT",
            f"UID:nudge-{n.id}@{uid_host(host)}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(start)}",
            f"DTEND:{_stamp(start + timedelta(minutes=15))}",
            f"SUMMARY:{_ics_text(f'{n.priority} follow up: {who}'.strip())}",
            f"DESCRIPTION:{_ics_text(n.reason + chr(10) + chr(10) + n.message)}",
            f"CATEGORIES:{n.rule}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"


def feed_url(base: str, token: str) -> str:
    """The iCalendar feed's full address, from this server's public base URL."""
    return f"{base.rstrip('/')}/api/v1/nudges.ics?feed={token}"
