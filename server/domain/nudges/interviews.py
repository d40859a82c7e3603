"""R4 thrice: the follow-up ladder after every interview (SPEC §5.3).

- F1 thank-you (P1, email, user's zone): ends_at + 2 h (ends_at defaults to occurred_at + 1 h)
  if that is on the interview's user-local date and ≤ 18:00, else 09:00 next working day.
- F2 (P2): day eight = interview's local date + 8 at the preferred time (10:00), rolled. When a
  by_date or wait_days promise in the interview's thread was made on/after it, that promise's
  R2/R3 nudge (P1) takes F2's place: no R4 F2 is created, a live one is superseded.
- F3 (P2): F2's date + 7, F4 (P3): F3's date + 14, at 10:00, rolled; each created once the
  previous step is done and anchored per §5.2 (its due time if done by then, else done time).
- A follow-up is a direct outbound (email, message, call attempt) or a call/meeting with any
  contact on the opportunity after the interview started; one follow-up satisfies one step,
  in ladder order. An outbound that answered a no (it completed an R5 step) is not one: the
  thank-you to hr for their no is not the thank-you to the manager.
- The ladder stops (live steps cancelled) at an offer, a closed opportunity, a final no, or a
  no from a hiring/department manager in the thread after the interview. A premature no (a
  non-final no from a recruiter, hr, an assistant or anyone else who is not a manager) does not
  stop it: the manager still gets the ladder, R5 answers the no and R6 (a) points at the
  manager. A later interview in the same thread supersedes it with its own ladder.

Zone for F2–F4: the replacing promise's tz, else the interviewer's, else the user's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import CLOSED_STATUSES
from server.domain.nudges.context import (
    CONVERSATION,
    DIRECT_OUT,
    History,
    Stop,
    Verdict,
    build_spec,
    reach,
)
from server.domain.nudges.messages import Day
from server.domain.nudges.model import InteractionCtx, NudgeSpec, nudge_key
from server.domain.nudges.promises import promise_rule, same_thread

THANKS_DELAY = timedelta(hours=2)
THANKS_LATEST = time(18, 0)
MORNING = time(9, 0)
DEFAULT_LENGTH = timedelta(hours=1)
FOLLOW_UP = DIRECT_OUT | CONVERSATION


def f1_due(iv: InteractionCtx, tz: str, weekend: frozenset[int]) -> datetime:
    ends = iv.ends_at or iv.occurred_at + DEFAULT_LENGTH
    cand = ends + THANKS_DELAY
    day = bt.local_date(iv.occurred_at, tz)
    if bt.local_date(cand, tz) == day and bt.local_time(cand, tz) <= THANKS_LATEST:
        return cand
    return bt.at_local(bt.next_working_day(day, weekend), MORNING, tz)


def _ladder_stop(hist: History, iv: InteractionCtx, scope: set[int]) -> Stop | None:
    stops: list[Stop | None] = []
    o = hist.opps.get(iv.opportunity_id) if iv.opportunity_id is not None else None
    if o is not None and o.status in CLOSED_STATUSES | {"offer"}:
        why = "an offer came in" if o.status in ("offer", "closed_won") else "opportunity closed"
        stops.append(Stop(o.status_changed_at or hist.now, "cancelled", why))
    later = [i for cid in scope for i in hist.by_contact.get(cid, ())
             if (i.occurred_at, i.id) > (iv.occurred_at, iv.id)]
    later.sort(key=lambda i: (i.occurred_at, i.id))
    nxt = next((i for i in later if i.type == "interview" and same_thread(iv, i)), None)
    if nxt is not None:
        stops.append(Stop(nxt.occurred_at, "superseded", "a later interview starts a new ladder",
                          nudge_key("R4", "F1", nxt.contact_id, f"i{nxt.id}")))
    no = next((i for i in later if i.type == "no_received" and (
        iv.opportunity_id is None or i.opportunity_id == iv.opportunity_id)
        and same_thread(iv, i) and hist.stops_ladder(i)), None)
    if no is not None:
        stops.append(Stop(no.occurred_at, "cancelled",
                          "they said no for good" if no.final
                          else "the hiring manager said no (see R5)"))
    return hist.earliest(*stops)


def interview_verdicts(hist: History, promises: dict[int, Verdict],
                       answered: frozenset[int] = frozenset()) -> list[Verdict]:
    """``answered``: interactions that completed an R5 step (replies to a no)."""
    out: list[Verdict] = []
    user = hist.user
    for iv in hist.interactions:
        if iv.type != "interview" or hist.suppression(iv.contact_id) is not None:
            continue
        contact = hist.contacts[iv.contact_id]
        scope = {iv.contact_id} | set(hist.members(iv.opportunity_id))
        items = sorted((i for cid in scope for i in hist.by_contact.get(cid, ())),
                       key=lambda i: (i.occurred_at, i.id))
        followups = [i for i in items if i.type in FOLLOW_UP and i.id not in answered
                     and (i.occurred_at, i.id) > (iv.occurred_at, iv.id)]
        stop = _ladder_stop(hist, iv, scope)
        subject = hist.subject(iv.opportunity_id)
        first = contact.short_name
        opp = iv.opportunity_id
        root = f"i{iv.id}"

        def spec(step: str, prio: str, due: datetime, channel: str, anchor: str,
                 first: str = first, subject: str = subject, root: str = root,
                 day: date | None = None, opp: int | None = opp,
                 cid: int = iv.contact_id) -> NudgeSpec:
            fields = {"interview": Day(day)} if day is not None else {}
            return build_spec(hist, rule="R4", step=step, contact_id=cid, opportunity_id=opp,
                              priority=prio, due=due, channel=channel, template=f"R4:{step}",
                              first=first, subject=subject, fields=fields, anchor=anchor,
                              root=root)

        def next_followup(after: datetime, consumed: set[int],
                          followups: list[InteractionCtx] = followups) -> InteractionCtx | None:
            return next((i for i in followups if i.occurred_at >= after
                         and i.id not in consumed), None)

        consumed: set[int] = set()
        # F1, in the user's zone.
        uday = bt.local_date(iv.occurred_at, user.tz)
        f1_spec = spec("F1", "P1", f1_due(iv, user.tz, user.weekend), "email", root, day=uday)
        f1 = hist.resolve(f1_spec, next_followup(iv.occurred_at, consumed), stop)
        out.append(f1)
        if f1.consumed is not None:
            consumed.add(f1.consumed)

        # F2 slot: the latest R2/R3 promise in the thread made on/after the interview.
        slot_promise: InteractionCtx | None = None
        for i in items:
            if (promise_rule(i) in ("R2", "R3") and same_thread(iv, i)
                    and (i.occurred_at, i.id) >= (iv.occurred_at, iv.id)
                    and (stop is None or stop.outcome != "superseded" or i.occurred_at < stop.at)
                    and i.id in promises):
                slot_promise = i
        ctz = hist.contact_zone(iv.contact_id)
        day0 = bt.local_date(iv.occurred_at, ctz)
        f2_spec = spec("F2", "P2", bt.at_rolled(day0 + timedelta(days=8), user.preferred_time,
                                                 ctz, user.weekend),
                       reach(contact, ("email", "call", "message")), root,
                       day=day0)
        if slot_promise is not None:
            slot = promises[slot_promise.id]
            ex = hist.existing.get(f2_spec.key)
            if ex is not None:
                out.append(hist.resolve(f2_spec, None, Stop(
                    slot_promise.occurred_at, "superseded", "the promise sets day eight",
                    slot.spec.key)))
            assert slot_promise.promise is not None
            tz = hist.contact_zone(iv.contact_id, slot_promise.promise.tz)
        else:
            slot = hist.resolve(f2_spec, next_followup(iv.occurred_at, consumed), stop)
            out.append(slot)
            tz = ctz
        if slot.consumed is not None:
            consumed.add(slot.consumed)

        prev = slot
        for step, prio, gap in (("F3", "P2", 7), ("F4", "P3", 14)):
            anchor = prev.chain_anchor()
            if anchor is None:
                break
            due = bt.at_rolled(bt.local_date(anchor, tz) + timedelta(days=gap),
                               user.preferred_time, tz, user.weekend)
            s = spec(step, prio, due, reach(contact, ("email", "call", "message")),
                     prev.spec.key)
            after = prev.done_at or anchor
            v = hist.resolve(s, next_followup(after, consumed), stop)
            out.append(v)
            if v.consumed is not None:
                consumed.add(v.consumed)
            prev = v
    return out
