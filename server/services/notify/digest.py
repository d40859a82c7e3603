"""The daily digest: what is due and coming up for one user, as a plain-text and HTML e-mail
rendered from the package's Jinja templates (server/templates/mail)."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import reminders
from server.domain.business_time import local_date
from server.domain.nudges.model import LIVE_STATE_LIST
from server.domain.reminders import Digest, DigestItem
from server.models import Contact, Nudge, User
from server.services.nudges import EFFECTIVE_DUE, VISIBLE

MAX_ITEMS = 30  # per section; the rest is "and N more" with a link to the app

_TEMPLATES = Environment(
    loader=PackageLoader("server", "templates/mail"),
    # Names, messages and reasons are the user's (or their contacts') text: escaped in HTML.
    autoescape=select_autoescape(enabled_extensions=("html",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def collect(session: Session, user: User, now: datetime) -> Digest:
    """The user's visible live nudges due by now + the digest's horizon."""
    rows = session.execute(
        select(Nudge.id, Nudge.contact_id, Contact.name, Nudge.priority, Nudge.state,
               Nudge.due_at, Nudge.snoozed_until, Nudge.message, Nudge.reason)
        .select_from(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id)
        .where(Nudge.user_id == user.id, VISIBLE, Nudge.state.in_(LIVE_STATE_LIST),
               EFFECTIVE_DUE <= now + reminders.DIGEST_HORIZON))  # noqa: SIM300
    return reminders.split_digest(
        (DigestItem(nudge_id=r[0], contact_id=r[1], contact_name=r[2] or "", priority=r[3],
                    state=r[4], due_at=r[5], snoozed_until=r[6], message=r[7] or "",
                    reason=r[8] or "") for r in rows), now)


def _entries(items: tuple[DigestItem, ...], tz: str, today: date,
             base_url: str) -> list[dict[str, Any]]:
    return [{"name": item.contact_name or "Your pipeline", "priority": item.priority,
             "when": reminders.local_label(item.when, tz, today), "message": item.message,
             "reason": item.reason, "link": reminders.contact_link(base_url, item.contact_id)}
            for item in items[:MAX_ITEMS]]


def render(digest: Digest, user: User, now: datetime, base_url: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the digest."""
    today = local_date(now, user.timezone)
    context = {
        "name": user.display_name,
        "day": f"{today:%A} {today.day} {today:%B %Y}",
        "due": _entries(digest.due, user.timezone, today, base_url),
        "upcoming": _entries(digest.upcoming, user.timezone, today, base_url),
        "more_due": max(0, len(digest.due) - MAX_ITEMS),
        "more_upcoming": max(0, len(digest.upcoming) - MAX_ITEMS),
        "app_url": base_url.rstrip("/") + "/",
        "settings_url": base_url.rstrip("/") + "/settings",
    }
    text = _TEMPLATES.get_template("digest.txt").render(context)
    html = _TEMPLATES.get_template("digest.html").render(context)
    return reminders.digest_subject(digest), text, html


def message(*, sender: str, recipient: str, subject: str, text: str, html: str,
            message_id: str, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    # The same id on every attempt of a slot: a mail system that somehow got it twice can
    # tell the copies apart from two digests.
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def message_id(user_id: int, slot: str, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "thrice.invalid"
    return f"<thrice-digest-{user_id}-{slot}@{domain}>"
