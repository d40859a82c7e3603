"""`run_due`: send whatever reminder is due at a moment, for every user who asked for one.

Called every minute by the schedule (server/jobs/tasks.py) and by `thrice notify run`. Safe
to run twice at once and to run again: each digest and each push is claimed in the ledger
before it is sent. No database transaction stays open while a message is on its way (SQLite
would hold its write lock for the whole SMTP conversation). One user's failure is recorded
and logged, and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.config import Settings
from server.domain import reminders
from server.domain.nudges.model import LIVE_STATE_LIST
from server.models import Contact, Notification, Nudge, User
from server.services.notify import digest, ledger, push, smtp
from server.services.nudges import VISIBLE

log = logging.getLogger("thrice.notify")
LOCAL_APP_URL = "http://127.0.0.1:5000"
DEFAULT_SENDER = "Thrice <thrice@localhost>"


@dataclass
class RunReport:
    """What one run did; `failed` holds (user id, channel, error)."""

    digests: int = 0
    pushes: int = 0
    skipped: int = 0
    failed: list[tuple[int, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.digests} digest(s) and {self.pushes} push(es) sent, {self.skipped} "
                f"skipped, {len(self.failed)} failed")


@dataclass(frozen=True)
class Mailer:
    """The server's e-mail settings, or the reason there are none."""

    server: smtp.SmtpServer | None
    sender: str
    ca_file: str | None
    problem: str | None = None


def mailer(settings: Settings) -> Mailer:
    if not settings.smtp_url:
        return Mailer(None, "", None, "e-mail is not configured on this server "
                                      "(THRICE_SMTP_URL is not set)")
    try:
        server = smtp.parse_smtp_url(settings.smtp_url)
    except smtp.MailError as exc:
        return Mailer(None, "", None, str(exc))
    sender = settings.mail_from or (
        server.username if server.username and "@" in server.username else DEFAULT_SENDER)
    return Mailer(server, sender, settings.smtp_ca_file)


def app_url(settings: Settings) -> str:
    return settings.public_url or LOCAL_APP_URL


def run_due(session: Session, settings: Settings, now: datetime,
            user_ids: Sequence[int] | None = None) -> RunReport:
    """Send every digest and push due at ``now`` (all users, or only ``user_ids``), then the
    retries whose time has come."""
    report = RunReport()
    mail = mailer(settings)
    ledger.recover_stale(session, now, user_ids)
    stmt = select(User).where(User.nudges_paused.is_(False)).order_by(User.id)
    if user_ids is not None:
        stmt = stmt.where(User.id.in_(list(user_ids)))
    users = [u for u in session.scalars(stmt) if u.daily_digest or u.push_urls]
    session.commit()
    for user in users:
        try:
            if user.daily_digest:
                _digest(session, settings, mail, user, now, report)
            if user.push_urls:
                _pushes(session, settings, user, now, report)
        except Exception as exc:  # noqa: BLE001 - one user's trouble never stops the others'
            session.rollback()
            report.failed.append((user.id, "run", str(exc)))
            log.exception("reminders of user %d failed", user.id)
    for row in ledger.due_retries(session, now, user_ids):
        try:
            _retry(session, settings, mail, row, now, report)
        except Exception as exc:  # noqa: BLE001
            session.rollback()
            ledger.failed(session, row, now, f"internal error: {exc}")
            report.failed.append((row.user_id, row.channel, str(exc)))
            log.exception("retry of notification %d failed", row.id)
    return report


def _digest(session: Session, settings: Settings, mail: Mailer, user: User, now: datetime,
            report: RunReport) -> None:
    day = reminders.due_digest_date(now, user.timezone, user.preferred_time)
    if day is None:
        return
    slot = reminders.digest_slot(day)
    if ledger.is_claimed(session, user.id, ledger.EMAIL, slot):
        session.commit()
        return
    if mail.server is None:
        # Turned on while e-mail worked, then the settings went: the user's settings page
        # says why nothing came, once a day (not retried: no attempt can work).
        problem = mail.problem or "e-mail is not configured on this server"
        if ledger.claim(session, user.id, ledger.EMAIL, slot, [], now, state=ledger.FAILED,
                        error=problem) is not None:
            report.failed.append((user.id, ledger.EMAIL, problem))
            log.warning("user %d wants a daily digest but %s", user.id, problem)
        return
    content = digest.collect(session, user, now)
    session.commit()
    if not content:
        # Nothing due or coming up: no e-mail, and the day is decided.
        if ledger.claim(session, user.id, ledger.EMAIL, slot, [], now,
                        state=ledger.SKIPPED) is not None:
            report.skipped += 1
        return
    row = ledger.claim(session, user.id, ledger.EMAIL, slot, content.nudge_ids, now)
    if row is not None:
        _send_digest(session, settings, mail, user, row, content, now, report)


def _send_digest(session: Session, settings: Settings, mail: Mailer, user: User,
                 row: Notification, content: reminders.Digest, now: datetime,
                 report: RunReport) -> None:
    assert mail.server is not None
    subject, text, html = digest.render(content, user, now, app_url(settings))
    msg = digest.message(sender=mail.sender, recipient=user.email, subject=subject, text=text,
                         html=html, message_id=digest.message_id(user.id, row.slot, mail.sender),
                         now=now)
    try:
        smtp.send(mail.server, msg, ca_file=mail.ca_file,
                  hand_over=lambda: ledger.hand_over(session, row, now))
    except smtp.HandOverRefused:
        return
    except smtp.MailError as exc:
        ledger.failed(session, row, now, str(exc), nudge_ids=content.nudge_ids)
        report.failed.append((user.id, ledger.EMAIL, str(exc)))
        log.warning("digest of user %d (%s) failed: %s", user.id, row.slot, exc)
        return
    if ledger.sent(session, row, now, nudge_ids=content.nudge_ids):
        report.digests += 1


def _pushes(session: Session, settings: Settings, user: User, now: datetime,
            report: RunReport) -> None:
    start, end = reminders.push_window(now)
    rows = list(session.execute(
        select(Nudge.id, Nudge.contact_id, Contact.name, Nudge.priority, Nudge.message)
        .select_from(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id)
        .where(Nudge.user_id == user.id, Nudge.priority.in_(reminders.PUSH_PRIORITIES),
               Nudge.state.in_(LIVE_STATE_LIST), VISIBLE,
               Nudge.notify_at >= start, Nudge.notify_at <= end)
        .order_by(Nudge.notify_at, Nudge.id)))
    taken = ledger.claimed_slots(session, user.id, ledger.PUSH, [str(r[0]) for r in rows])
    session.commit()
    for nudge_id, contact_id, name, priority, message in rows:
        if str(nudge_id) in taken:
            continue
        row = ledger.claim(session, user.id, ledger.PUSH, str(nudge_id), [nudge_id], now)
        if row is not None:
            _send_push(session, settings, user, row, (contact_id, name or "", priority,
                                                      message or ""), now, report)


def _send_push(session: Session, settings: Settings, user: User, row: Notification,
               nudge: tuple[int | None, str, str, str], now: datetime,
               report: RunReport) -> None:
    contact_id, name, priority, message = nudge
    link = reminders.contact_link(app_url(settings), contact_id)
    result = push.send(list(user.push_urls), reminders.push_title(priority, name),
                       reminders.push_body(message, link), skip=row.delivered,
                       hand_over=lambda: ledger.hand_over(session, row, now))
    delivered = [*row.delivered, *result.delivered]
    if result.errors:
        error = "; ".join(result.errors)
        ledger.failed(session, row, now, error, delivered=delivered)
        report.failed.append((user.id, ledger.PUSH, error))
        log.warning("push of nudge %s to user %d failed: %s", row.slot, user.id, error)
    elif ledger.sent(session, row, now, delivered=delivered):
        report.pushes += 1


def _retry(session: Session, settings: Settings, mail: Mailer, row: Notification,
           now: datetime, report: RunReport) -> None:
    """Another attempt at a failed slot, with what is true now."""
    user = session.get(User, row.user_id)
    if row.channel == ledger.EMAIL:
        if user is None or not user.daily_digest or user.nudges_paused:
            ledger.skipped(session, row, now, "the daily digest was turned off")
            return
        if mail.server is None:
            ledger.failed(session, row, now, mail.problem or "no SMTP server")
            return
        content = digest.collect(session, user, now)
        session.commit()
        if not content:
            ledger.skipped(session, row, now, "nothing left to remind of")
            return
        _send_digest(session, settings, mail, user, row, content, now, report)
        return
    found = session.execute(
        select(Nudge.contact_id, Contact.name, Nudge.priority, Nudge.message, Nudge.state)
        .select_from(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id)
        .where(Nudge.id == (row.nudge_ids or [0])[0], Nudge.user_id == row.user_id)).first()
    session.commit()
    if user is None or not user.push_urls or user.nudges_paused:
        ledger.skipped(session, row, now, "push was turned off")
    elif found is None or found[4] not in LIVE_STATE_LIST:
        ledger.skipped(session, row, now, "the follow-up was closed before it could be pushed")
    else:
        _send_push(session, settings, user, row, (found[0], found[1] or "", found[2],
                                                  found[3] or ""), now, report)
