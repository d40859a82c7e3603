"""Nudge reads and user actions (complete, snooze, dismiss) and the iCalendar feed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from server.api.errors import ApiError, not_found
from server.domain.nudges import lifecycle
from server.domain.nudges.lifecycle import LifecycleError, Transition
from server.domain.nudges.model import LIVE_STATE_LIST
from server.jobs.dispatch import note_touched
from server.json_provider import PrebuiltJson, dumps_bytes
from server.models import Contact, Nudge, Opportunity, User, utcnow
from server.rawsql import RawConnection, Statement
from server.services.nudge_context import nudge_ctx, user_ctx
from server.services.nudge_views import VIEW_FIELDS, nudge_view, row_view, sqlite_view_json
from server.services.pagination import decode_cursor, encode_cursor

LIVE = LIVE_STATE_LIST
OVERDUE_AFTER = timedelta(hours=24)
EFFECTIVE_DUE = case((Nudge.state == "snoozed", Nudge.snoozed_until), else_=Nudge.due_at)


def _is_due(now: datetime):  # noqa: ANN202 - a SQL boolean expression
    return or_(Nudge.state == "due",
               and_(Nudge.state == "scheduled", Nudge.due_at <= now),
               and_(Nudge.state == "snoozed", Nudge.snoozed_until <= now))


def _state_filter(state: str, now: datetime):  # noqa: ANN202
    if state == "due":
        return and_(_is_due(now), Nudge.visible.is_(True))
    if state == "scheduled":
        return and_(Nudge.state == "scheduled", Nudge.due_at > now)
    if state == "snoozed":
        return and_(Nudge.state == "snoozed", Nudge.snoozed_until > now)
    return Nudge.state == state


def views(session: Session, rows: list[Nudge], now: datetime) -> list[dict[str, Any]]:
    ids = {n.contact_id for n in rows if n.contact_id is not None}
    names: dict[int, str] = {}
    emails: dict[int, str | None] = {}
    if ids:
        for cid, name, mails in session.execute(
                select(Contact.id, Contact.name, Contact.emails).where(Contact.id.in_(ids))):
            names[cid] = name
            emails[cid] = (mails or [None])[0]
    return [nudge_view(n, names, emails, lifecycle.effective_state(nudge_ctx(n), now))
            for n in rows]


def list_nudges(
    session: Session, user: User, args: dict[str, Any]
) -> tuple[list[dict[str, Any]], str | None]:
    now = utcnow()
    stmt = (select(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id)
            .where(Nudge.user_id == user.id))
    if args["state"] != "all":
        stmt = stmt.where(_state_filter(args["state"], now))
    for name in ("contact_id", "opportunity_id", "rule"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Nudge, name) == args[name])
    offset = 0
    if args.get("cursor"):
        offset = decode_cursor(args["cursor"], 1)[0]
        if offset < 0:
            raise ApiError(422, "The request has invalid fields.",
                           {"query": {"cursor": ["Not a cursor from this API."]}})
    limit = args.get("limit", 50)
    rows = list(session.scalars(
        stmt.order_by(Nudge.priority, EFFECTIVE_DUE, func.coalesce(Contact.warmth_score, 0).desc(),
                      Nudge.id)
        .offset(offset).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([offset + limit])
    return views(session, rows, now), next_cursor


_NOW = bindparam("now", type_=Nudge.due_at.type)


def _due_page_query(*columns: Any) -> Any:
    """The popup's page (`list_nudges` with state=due, no cursor or filter) selecting columns."""
    return (select(*columns)
            .select_from(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id)
            .where(Nudge.user_id == bindparam("user_id"), _state_filter("due", _NOW))  # type: ignore[arg-type]
            .order_by(Nudge.priority, EFFECTIVE_DUE,
                      func.coalesce(Contact.warmth_score, 0).desc(), Nudge.id)
            .limit(bindparam("limit", type_=Integer)))


_DUE_PAGE = Statement(
    _due_page_query(*(Nudge.__table__.c[key] for key in VIEW_FIELDS), Contact.name,
                    Contact.emails),
    iso_datetimes=True,
)
# On SQLite each row comes back as its view's JSON text, built by SQLite's JSON functions:
# the rows' conversion to Python values and back to JSON was half the popup's time.
_DUE_PAGE_JSON = Statement(_due_page_query(sqlite_view_json(
    state="due", contact=(Contact.name, Contact.emails))))
_SQLITE_JSON = (3, 38)  # json_object() and friends are built in from SQLite 3.38


_NEXT_DUE_CHANGE = Statement(
    select(func.min(EFFECTIVE_DUE))
    .where(Nudge.user_id == bindparam("user_id"), Nudge.visible.is_(True),
           or_(and_(Nudge.state == "scheduled", Nudge.due_at > _NOW),
               and_(Nudge.state == "snoozed", Nudge.snoozed_until > _NOW))))


def next_due_change(conn: RawConnection, user_id: int, now: datetime) -> datetime | None:
    """When time alone next changes the user's due list: the earliest future due time of a
    visible scheduled nudge or snooze end (everything else that changes it is a write)."""
    found = conn.first(_NEXT_DUE_CHANGE, user_id=user_id, now=now)
    return None if found is None else found[0]


def due_page(conn: RawConnection, user_id: int, limit: int,
             now: datetime | None = None) -> dict[str, Any] | PrebuiltJson:
    """The popup's list: `list_nudges` with state=due and no cursor or filter, in one raw query
    (it is the most requested read; SPEC §9)."""
    now = now or utcnow()
    if conn.dialect.name == "sqlite" and conn.dialect.dbapi.sqlite_version_info >= _SQLITE_JSON:
        texts = conn.rows(_DUE_PAGE_JSON, user_id=user_id, now=now, limit=limit + 1)
        more = len(texts) > limit
        items = ",".join(text for text, in texts[:limit])
        cursor = dumps_bytes(encode_cursor([limit]) if more else None)
        return PrebuiltJson(b'{"items":[%s],"next":%s}' % (items.encode(), cursor))
    rows = conn.rows(_DUE_PAGE, user_id=user_id, now=now, limit=limit + 1)
    next_cursor = encode_cursor([limit]) if len(rows) > limit else None
    items = [row_view(row, "due", row[-2], row[-1]) for row in rows[:limit]]
    return {"items": items, "next": next_cursor}


_OVERDUE_BEFORE = bindparam("overdue_before", type_=Nudge.due_at.type)
_SUMMARY = Statement(
    select(
        func.count(case((_is_due(_NOW), 1))),
        # Overdue: visible due nudges more than 24 h past their (effective) due time (§5.2).
        func.count(case((and_(_is_due(_NOW), EFFECTIVE_DUE < _OVERDUE_BEFORE), 1))),
        # Visible only, like the counts (§5.2): the badge must not announce a nudge the popup
        # will not show (held back by the daily cap, behind another of the contact's, paused).
        func.min(case((and_(or_(*(Nudge.state == state for state in LIVE)),
                             EFFECTIVE_DUE > _NOW), EFFECTIVE_DUE))),
    ).where(Nudge.user_id == bindparam("user_id"), Nudge.visible.is_(True)),
    iso_datetimes=True,
)


def summary(conn: RawConnection, user_id: int) -> dict[str, Any]:
    """The badge's counts and when the next nudge falls due: one aggregate over the user's
    visible nudges (the extension polls it)."""
    now = utcnow()
    due, overdue, next_due = conn.rows(_SUMMARY, user_id=user_id, now=now,
                                       overdue_before=now - OVERDUE_AFTER)[0]
    return {"due": int(due or 0), "overdue": int(overdue or 0), "next_due_at": next_due}


def get_nudge(session: Session, user: User, nudge_id: int) -> Nudge:
    row = session.get(Nudge, nudge_id)
    if row is None or row.user_id != user.id:
        raise not_found("Nudge")
    return row


def _apply(session: Session, user: User, row: Nudge, t: Transition, now: datetime) -> None:
    row.state = t.state
    for name in ("closed_at", "closed_reason", "completed_by_interaction_id", "snoozed_until",
                 "snooze_count", "notify_at", "expires_at", "visible"):
        value = getattr(t, name)
        if value is not None:
            setattr(row, name, value)
    row.updated_at = now
    for effect in t.effects:
        if effect.kind == "close_opportunity" and effect.opportunity_id is not None:
            opp = session.get(Opportunity, effect.opportunity_id)
            if opp is not None and opp.user_id == user.id and opp.status != effect.status:
                opp.status = effect.status or "closed_lost"
                opp.status_changed_at = opp.updated_at = now
                note_touched(user.id, [link.contact_id for link in opp.links])
        elif effect.kind == "set_do_not_contact" and effect.contact_id is not None:
            contact = session.get(Contact, effect.contact_id)
            if contact is not None and contact.user_id == user.id:
                contact.do_not_contact = True
                contact.updated_at = now
        elif effect.kind == "cancel_contact_nudges" and effect.contact_id is not None:
            session.execute(update(Nudge).where(
                Nudge.user_id == user.id, Nudge.contact_id == effect.contact_id,
                Nudge.state.in_(LIVE), Nudge.id != row.id,
            ).values(state="cancelled", visible=False, closed_at=now,
                     closed_reason=effect.reason or "do_not_contact", updated_at=now))
    if row.contact_id is not None:
        # Chained steps hang off this one; the re-check runs after the commit.
        contact = session.get(Contact, row.contact_id)
        if contact is not None:
            contact.dirty_at = now
        note_touched(user.id, [row.contact_id])


def act(session: Session, user: User, row: Nudge, action: str, data: dict[str, Any],
        interaction_id: int | None = None) -> Nudge:
    now = utcnow()
    ctx = nudge_ctx(row)
    if row.state not in LIVE:
        raise ApiError(409, f"This nudge is {row.state}; only scheduled, due or snoozed "
                            "nudges can be completed, snoozed or dismissed.")
    try:
        if action == "complete":
            t = lifecycle.complete(ctx, now, interaction_id)
        elif action == "snooze":
            t = lifecycle.snooze(ctx, now, user_ctx(user), preset=data.get("preset"),
                                 until=data.get("until"))
        else:
            t = lifecycle.dismiss(ctx, now, data["reason"])
    except LifecycleError as exc:
        # The nudge is live, so what the lifecycle refused is the argument (a past until).
        raise ApiError(422, "The request has invalid fields.",
                       {"json": {"until": [str(exc)]}}) from exc
    _apply(session, user, row, t, now)
    session.commit()
    return row


def feed_user(session: Session, feed: str) -> User:
    user = session.scalar(select(User).where(User.feed_token == feed)) if feed else None
    if user is None:
        raise ApiError(403, "Unknown calendar feed token; copy calendar_url from GET /me again.")
    return user


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


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
            f"UID:nudge-{n.id}@{host}",
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
