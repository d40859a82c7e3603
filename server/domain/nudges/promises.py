"""R1–R3: what the other side promised (SPEC §5.3).

- R1 missed call: ``call_at``; due roll(at + 3 h), or at + 3 h when ``at`` itself was outside
  business hours and at + 3 h is on a working day, on the same local date, 08:00–20:00 (both
  inclusive). Cancelled by any inbound/two-way from the contact or anyone on the opportunity at
  or after at − 30 min; completed by a direct outbound (email, message, call attempt) to the
  contact at or after ``at``.
- R2 date passed: ``by_date d``; due (d + 1) at preferred time (10:00), rolled.
- R3 day eight: ``wait_days n``; d = d0 + n where d0 is the local date of the latest interview
  in the same thread on or before the promise's local date (else the promise's own date); then
  as R2. R2/R3 are cancelled by any inbound before the user follows up (they got back), and
  completed by a direct outbound to the contact, or a call/meeting with anyone in scope, at or
  after the end of d.
- Any later promise in the same thread (same contact, or same opportunity) supersedes an
  earlier promise's nudge; a closed opportunity cancels it (at ``status_changed_at``).
- A premature no (not final, not from a hiring/department manager) from someone other than
  the one who promised is not an answer to the promise: the recruiter's "give us a week" still
  gets its day-eight call when hr sends a quick no (R5/R6 answer the no).

Zone: the promise's tz, else the contact's, else the user's. Channel: R1 call; R2 email, else
call; R3 call, else email ("call with a very patient tone on day eight").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import CLOSED_STATUSES
from server.domain.nudges.context import (
    CONVERSATION,
    DIRECT_OUT,
    RESPONSE,
    History,
    Stop,
    Verdict,
    build_spec,
    reach,
)
from server.domain.nudges.messages import Clock, Day
from server.domain.nudges.model import InteractionCtx, nudge_key

EARLY_CALL = timedelta(minutes=30)
R1_WINDOW = (time(8, 0), time(20, 0))


def r1_due(at: datetime, tz: str, weekend: frozenset[int]) -> datetime:
    later = bt.add_hours(at, 3)
    if not bt.in_business_hours(at, tz, weekend):
        same_day = bt.local_date(later, tz) == bt.local_date(at, tz)
        lt = bt.local_time(later, tz)
        if (same_day and bt.is_working_day(bt.local_date(later, tz), weekend)
                and R1_WINDOW[0] <= lt <= R1_WINDOW[1]):
            return later
    return bt.roll(later, tz, weekend)


def r2_due(d: date, tz: str, weekend: frozenset[int], preferred: time) -> datetime:
    return bt.at_rolled(d + timedelta(days=1), preferred, tz, weekend)


def _span(days: int) -> str:
    if days == 7:
        return "a week"
    return "a day" if days == 1 else f"{days} days"


def promise_rule(i: InteractionCtx) -> str | None:
    """'R1' | 'R2' | 'R3' for a usable promise, else None."""
    p = i.promise
    if i.type != "promise_made" or p is None:
        return None
    if p.kind == "call_at" and p.at is not None:
        return "R1"
    if p.kind == "by_date" and p.date is not None:
        return "R2"
    if p.kind == "wait_days" and p.days is not None and p.days >= 0:
        return "R3"
    return None


def promise_key(i: InteractionCtx) -> str:
    return nudge_key(promise_rule(i) or "R2", None, i.contact_id, f"i{i.id}")


def same_thread(a: InteractionCtx, b: InteractionCtx) -> bool:
    return a.contact_id == b.contact_id or (
        a.opportunity_id is not None and a.opportunity_id == b.opportunity_id
    )


def _scope_items(hist: History, p: InteractionCtx) -> list[InteractionCtx]:
    scope = {p.contact_id} | hist.members(p.opportunity_id)
    items = [i for cid in scope for i in hist.by_contact.get(cid, ())]
    return sorted(items, key=lambda i: (i.occurred_at, i.id))


def interview_day(hist: History, p: InteractionCtx, tz: str) -> date:
    """d0 of R3: the latest interview in p's thread on or before the promise's local date."""
    return _interview_day(hist, p, tz)[0]


def _interview_day(hist: History, p: InteractionCtx, tz: str) -> tuple[date, bool]:
    """d0 and whether it is an interview's date (else the promise's own date)."""
    pd = bt.local_date(p.occurred_at, tz)
    best: date | None = None
    for i in _scope_items(hist, p):
        if i.type == "interview" and same_thread(p, i):
            d = bt.local_date(i.occurred_at, tz)
            if d <= pd:
                best = d
    return (best, True) if best is not None else (pd, False)


def _stops(hist: History, p: InteractionCtx, items: list[InteractionCtx],
           response_from: datetime, conversation_done_from: datetime | None) -> Stop | None:
    after_p = [i for i in items if (i.occurred_at, i.id) > (p.occurred_at, p.id)]
    sup = next((i for i in after_p if promise_rule(i) and same_thread(p, i)), None)
    supersede = Stop(sup.occurred_at, "superseded", "a newer promise replaces it",
                     promise_key(sup)) if sup else None
    cancel = None
    for i in after_p:
        if i.type not in RESPONSE or i.occurred_at < response_from or promise_rule(i):
            continue
        if (i.type == "no_received" and i.contact_id != p.contact_id
                and not hist.stops_ladder(i)):
            continue  # someone else's premature no does not answer this promise
        if (conversation_done_from is not None and i.type in CONVERSATION
                and i.occurred_at >= conversation_done_from):
            continue  # talking after the date passed is the follow-up itself
        cancel = Stop(i.occurred_at, "cancelled",
                      "they called" if i.type in ("call", "meeting") else "they got back to you")
        break
    closed = None
    o = hist.opps.get(p.opportunity_id) if p.opportunity_id is not None else None
    if o is not None and o.status in CLOSED_STATUSES:
        closed = Stop(o.status_changed_at or hist.now, "cancelled", "opportunity closed")
    return hist.earliest(supersede, cancel, closed)


def promise_verdicts(hist: History) -> dict[int, Verdict]:
    """Verdicts keyed by the promise interaction's id."""
    out: dict[int, Verdict] = {}
    user = hist.user
    for p in hist.interactions:
        rule = promise_rule(p)
        if rule is None or hist.suppression(p.contact_id) is not None:
            continue
        pr = p.promise
        assert pr is not None
        contact = hist.contacts[p.contact_id]
        tz = hist.contact_zone(p.contact_id, pr.tz)
        items = _scope_items(hist, p)
        subject = hist.subject(p.opportunity_id)
        first = contact.short_name
        fields: dict[str, object]
        if rule == "R1":
            assert pr.at is not None
            due = r1_due(pr.at, tz, user.weekend)
            stop = _stops(hist, p, items, pr.at - EARLY_CALL, None)
            done = hist.first_after(
                hist.by_contact[p.contact_id], pr.at,
                lambda i: i.type in DIRECT_OUT, inclusive=True,
            )
            fields = {"when": Clock(pr.at, tz)}
            channel = "call"
        else:
            if rule == "R2":
                assert pr.date is not None
                d = pr.date
                fields = {"by": Day(d, on=False)}
                channel = reach(contact, ("email", "call"))
            else:
                assert pr.days is not None
                d0, after_interview = _interview_day(hist, p, tz)
                d = d0 + timedelta(days=pr.days)
                fields = {
                    "after": Day(d0), "span": _span(pr.days),
                    "met": "my interview" if after_interview else "we spoke",
                    "met_reason": "your interview" if after_interview else "your conversation",
                    "why_wait": " to meet the other candidates" if after_interview else "",
                }
                channel = reach(contact, ("call", "email"))
            due = r2_due(d, tz, user.weekend, user.preferred_time)
            end_of_d = bt.at_local(d + timedelta(days=1), time(0, 0), tz)
            stop = _stops(hist, p, items, p.occurred_at, end_of_d)
            scope = {p.contact_id} | hist.members(p.opportunity_id)
            done = hist.first_after(
                items, end_of_d,
                lambda i, c=p.contact_id, scope=scope: (i.type in DIRECT_OUT and i.contact_id == c)
                or (i.type in CONVERSATION and i.contact_id in scope),
                inclusive=True,
            )
        spec = build_spec(
            hist, rule=rule, step=None, contact_id=p.contact_id,
            opportunity_id=p.opportunity_id, priority="P1", due=due, channel=channel,
            template=rule, first=first, subject=subject, fields=fields,
            anchor=f"i{p.id}", root=f"i{p.id}",
        )
        out[p.id] = hist.resolve(spec, done, stop)
    return out
