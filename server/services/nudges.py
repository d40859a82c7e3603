"""Nudge reads and user actions (complete, snooze, dismiss) and the iCalendar feed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from server.domain.nudges import lifecycle
from server.domain.nudges.completion import asked_interaction
from server.domain.nudges.lifecycle import LifecycleError, Transition
from server.domain.nudges.model import LIVE_STATE_LIST
from server.errors import ApiError, not_found
from server.models import Contact, Nudge, Opportunity, User, utcnow
from server.services.changes import touched
from server.services.interactions import add_interaction
from server.services.nudge_context import nudge_ctx, user_ctx
from server.services.nudge_views import VIEW_COLUMNS, row_view
from server.services.pagination import decode_cursor, encode_cursor

LIVE = LIVE_STATE_LIST
OVERDUE_AFTER = timedelta(hours=24)
# Spelt as the partial index on visible nudges is (`visible = 1`/`= true`, not `IS 1`), so the
# databases see that a query asking for them may use it.
VISIBLE = Nudge.visible == True  # noqa: E712
EFFECTIVE_DUE = case((Nudge.state == "snoozed", Nudge.snoozed_until), else_=Nudge.due_at)


def _is_due(now: datetime):  # noqa: ANN202 - a SQL boolean expression
    return or_(Nudge.state == "due",
               and_(Nudge.state == "scheduled", Nudge.due_at <= now),
               and_(Nudge.state == "snoozed", Nudge.snoozed_until <= now))


def _state_filter(state: str, now: datetime):  # noqa: ANN202
    if state == "due":
        return and_(_is_due(now), VISIBLE)
    if state == "scheduled":
        return and_(Nudge.state == "scheduled", Nudge.due_at > now)
    if state == "snoozed":
        return and_(Nudge.state == "snoozed", Nudge.snoozed_until > now)
    return Nudge.state == state


def _view_query() -> Select[Any]:
    """A nudge's view columns with its contact's name and e-mails: one statement for every
    list, the single nudge and both databases (`nudge_views.row_view` turns a row into the
    view)."""
    return (select(*VIEW_COLUMNS, Contact.name, Contact.emails)
            .select_from(Nudge).outerjoin(Contact, Contact.id == Nudge.contact_id))


def _views(session: Session, stmt: Select[Any], now: datetime) -> list[dict[str, Any]]:
    return [row_view(row, now) for row in session.execute(stmt)]


def one_view(session: Session, nudge_id: int, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return _views(session, _view_query().where(Nudge.id == nudge_id), now)[0]


def all_views(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every nudge of the user, in any state, oldest first (the export)."""
    now = utcnow()
    return _views(session, _view_query().where(Nudge.user_id == user_id).order_by(Nudge.id), now)


def list_nudges(
    session: Session, user_id: int, args: dict[str, Any], now: datetime | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The user's nudges in list order (priority, due time, warmth descending); `state=due`
    is the popup's list of visible due nudges."""
    now = now or utcnow()
    stmt = _view_query().where(Nudge.user_id == user_id)
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
    items = _views(session, stmt.order_by(
        Nudge.priority, EFFECTIVE_DUE, func.coalesce(Contact.warmth_score, 0).desc(), Nudge.id)
        .offset(offset).limit(limit + 1), now)
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor([offset + limit])
    return items, next_cursor


def next_due_change(session: Session, user_id: int, now: datetime) -> datetime | None:
    """When time alone next changes the user's lists: the earliest future due time of a
    scheduled nudge or snooze end (everything else that changes them is a write)."""
    return session.scalar(
        select(func.min(EFFECTIVE_DUE))
        .where(Nudge.user_id == user_id,
               or_(and_(Nudge.state == "scheduled", Nudge.due_at > now),
                   and_(Nudge.state == "snoozed", Nudge.snoozed_until > now))))


def summary(session: Session, user_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The badge's counts and when the next nudge falls due: one aggregate over the user's
    visible nudges (the extension polls it)."""
    now = now or utcnow()
    due, overdue, next_due = session.execute(select(
        func.count(case((_is_due(now), 1))),
        # Overdue: visible due nudges more than 24 h past their (effective) due time (§5.2).
        func.count(case((and_(_is_due(now), EFFECTIVE_DUE < now - OVERDUE_AFTER), 1))),  # noqa: SIM300
        # Visible only, like the counts (§5.2): the badge must not announce a nudge the popup
        # will not show (held back by the daily cap, behind another of the contact's, paused).
        func.min(case((and_(Nudge.state.in_(LIVE), EFFECTIVE_DUE > now), EFFECTIVE_DUE))),  # noqa: SIM300
    ).where(Nudge.user_id == user_id, VISIBLE)).one()
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
                session.flush()
                touched(session, user, [link.contact_id for link in opp.links], stamp=True)
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
        # Chained steps hang off this one: re-check its contact.
        session.flush()
        touched(session, user, [row.contact_id], stamp=True)


def complete(session: Session, user: User, row: Nudge, data: dict[str, Any]) -> Nudge:
    """Done: log the interaction the nudge asked for (or the one the request names; none with
    `log: false`), so warmth and the later steps see it, then close the nudge, in one
    transaction. A logged interaction that satisfies the nudge closes it by itself."""
    _refuse_unless_live(row)
    payload = data.get("interaction")
    if payload is None and data.get("log", True):
        asked = asked_interaction(nudge_ctx(row))
        payload = None if asked is None else {"type": asked.type, "network": asked.network}
    interaction_id = None
    if payload is not None and row.contact_id is not None:
        payload = {**payload}
        payload.setdefault("opportunity_id", row.opportunity_id)
        contact = session.get(Contact, row.contact_id)
        assert contact is not None
        interaction_id = add_interaction(session, user, contact, payload).interaction.id
        if row.state not in LIVE:  # the rules saw the interaction and completed the nudge
            session.commit()
            return row
    return act(session, user, row, "complete", data, interaction_id)


def _refuse_unless_live(row: Nudge) -> None:
    if row.state not in LIVE:
        raise ApiError(409, f"This nudge is {row.state}; only scheduled, due or snoozed "
                            "nudges can be completed, snoozed or dismissed.")


def act(session: Session, user: User, row: Nudge, action: str, data: dict[str, Any],
        interaction_id: int | None = None) -> Nudge:
    now = utcnow()
    ctx = nudge_ctx(row)
    _refuse_unless_live(row)
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
