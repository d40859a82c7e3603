"""R5 premature no and R6 go to the hiring manager (SPEC §5.3). All in the user's zone.

R5, for a ``no_received``:
- N1 (P2): 10:00 (preferred time) of the next working day: thank them, ask for feedback and
  whom else to talk to. Completed by a direct outbound/call/meeting with the sender after the no.
  A no without an opportunity gets N1 too (a networking contact's "we're not hiring" deserves
  the same thank-you and question), and nothing else from R5/R6.
- N3 (P3): the no's date + 30 at 10:00, rolled: one re-ask; completed by the next such
  follow-up to the sender not used by N1. Not for a final no (``final`` flag, or the
  opportunity closed_lost, which cancels a live N3).
- Both stop when a later no from the same sender on the same opportunity supersedes them, an
  interview on the opportunity (or, without one, with the sender) follows the no (the door
  reopened), or the opportunity reaches an offer / closed_won.

R6 (P2), each only if no direct outbound (other than the interview thank-you, R4 F1) went to a
hiring/department manager of the opportunity in the 14 days before the trigger:
- (a) step N2: a recruiter, hr or assistant said a non-final no on the opportunity. Created at
  once with the no (not after N1 is done): N1 thanks the gatekeeper, N2 goes around them. Due
  N1's due date + 1 working day at 10:00. Stops like N3, and when a manager of the opportunity
  says no or anyone says a final no after it.
- (b) step null: a gatekeeper on an active opportunity got ≥ 2 follow-ups (direct outbounds
  since their last response) and 10 working days of silence counted from the first; created
  when that is true, due 10:00 of the next working day.
- (c) step null: an opportunity in ``applied`` with no interaction with it or its contacts for
  7 days (since the later of the last one and ``status_changed_at``); due 10:00 next working
  day after those 7 days.
With a manager known (linked, or with interactions on the opportunity) the nudge is on the
manager ("write to … directly") and completed by a direct outbound/call/meeting with any manager
after the trigger. Without one, it is a contact-less "find the hiring manager" nudge (channel
social: the search happens on the company's pages and LinkedIn), completed (no interaction) as
soon as a manager is linked; the "write" nudge for the same root then appears. (b)/(c) are not
created while another R6 nudge of the opportunity is live.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.nudges.context import (
    CONVERSATION,
    DIRECT_OUT,
    GATEKEEPER_ROLES,
    RESPONSE,
    History,
    Stop,
    Verdict,
    build_spec,
    reach,
)
from server.domain.nudges.messages import Day
from server.domain.nudges.model import InteractionCtx, nudge_key

FOLLOW_UP = DIRECT_OUT | CONVERSATION
MANAGER_QUIET = timedelta(days=14)
SILENCE_WORKING_DAYS = 10
APPLIED_QUIET_DAYS = 7
MIDNIGHT = time(0, 0)


def _no_stop(hist: History, no: InteractionCtx) -> Stop | None:
    stops: list[Stop | None] = []
    if no.opportunity_id is not None:
        o = hist.opps[no.opportunity_id]
        later = [i for i in hist.by_opp.get(no.opportunity_id, ())
                 if (i.occurred_at, i.id) > (no.occurred_at, no.id)]
        if o.status in ("offer", "closed_won"):
            stops.append(Stop(o.status_changed_at or hist.now, "cancelled", "an offer came in"))
    else:
        later = [i for i in hist.by_contact.get(no.contact_id, ())
                 if (i.occurred_at, i.id) > (no.occurred_at, no.id)
                 and i.opportunity_id is None]
    nxt = next((i for i in later if i.type == "no_received" and i.contact_id == no.contact_id),
               None)
    if nxt is not None:
        stops.append(Stop(nxt.occurred_at, "superseded", "a newer no replaces it",
                          nudge_key("R5", "N1", nxt.contact_id, f"i{nxt.id}")))
    iv = next((i for i in later if i.type == "interview"), None)
    if iv is not None:
        stops.append(Stop(iv.occurred_at, "cancelled", "the door reopened: a new interview"))
    return hist.earliest(*stops)


def _closing_no(hist: History, no: InteractionCtx) -> Stop | None:
    """A later final no, or a later no from a manager, on the opportunity: going around the
    gatekeeper is moot."""
    assert no.opportunity_id is not None
    nxt = next((i for i in hist.by_opp.get(no.opportunity_id, ())
                if (i.occurred_at, i.id) > (no.occurred_at, no.id)
                and i.type == "no_received" and hist.stops_ladder(i)), None)
    if nxt is None:
        return None
    return Stop(nxt.occurred_at, "cancelled",
                "they said no for good" if nxt.final else "the hiring manager said no")


def _manager_touched(hist: History, opp_id: int, start: datetime, end: datetime,
                     skip: frozenset[int]) -> bool:
    managers = set(hist.managers(opp_id))
    return any(
        i.type in DIRECT_OUT and start <= i.occurred_at <= end and i.id not in skip
        for cid in managers for i in hist.by_contact.get(cid, ())
    )


def _escalation(
    hist: History, *, opp_id: int, step: str | None, root: str, due: datetime,
    trigger_at: datetime, why: str, gatekeeper: str, stop: Stop | None, skip: frozenset[int],
) -> list[Verdict]:
    """The 'write to the manager' or 'find the hiring manager' verdicts for one trigger."""
    subject = hist.subject(opp_id)
    managers = hist.managers(opp_id)
    out: list[Verdict] = []
    find = build_spec(hist, rule="R6", step=step, contact_id=None, opportunity_id=opp_id,
                      priority="P2", due=due, channel="social", template="R6:find",
                      first=gatekeeper or "the application", subject=subject,
                      fields={"why": why}, anchor=root, root=f"{root}:find")
    if not managers:
        out.append(hist.resolve(find, None, stop))
        return out
    if find.key in hist.existing:
        out.append(hist.resolve(find, None, stop, done_at=hist.now))
    hm = managers[0]
    contact = hist.contacts[hm]
    write = build_spec(hist, rule="R6", step=step, contact_id=hm, opportunity_id=opp_id,
                       priority="P2", due=due, channel=reach(contact, ("email", "message")),
                       template="R6:write", first=contact.short_name, subject=subject,
                       fields={"gatekeeper": gatekeeper or "the team", "why": why},
                       anchor=root, root=root)
    wrote = next(
        (i for i in sorted((i for cid in managers for i in hist.by_contact.get(cid, ())),
                           key=lambda i: (i.occurred_at, i.id))
         if i.type in FOLLOW_UP and i.occurred_at > trigger_at and i.id not in skip), None)
    out.append(hist.resolve(write, wrote, stop))
    return out


def _n1_due(hist: History, no: InteractionCtx) -> datetime:
    user, tz = hist.user, hist.user.tz
    return bt.at_local(bt.next_working_day_after(no.occurred_at, tz, user.weekend),
                       user.preferred_time, tz)


def _answerable(hist: History, no: InteractionCtx) -> bool:
    return (no.type == "no_received" and hist.suppression(no.contact_id) is None
            and (no.opportunity_id is None or no.opportunity_id in hist.opps))


def _final_stop(hist: History, no: InteractionCtx, stop: Stop | None) -> Stop | None:
    """The R5 stop, plus the opportunity turning closed_lost (the no became final)."""
    o = hist.opps[no.opportunity_id] if no.opportunity_id is not None else None
    if o is not None and o.status == "closed_lost":
        return hist.earliest(stop, Stop(o.status_changed_at or hist.now, "cancelled",
                                        "the no became final"))
    return stop


def no_verdicts(hist: History) -> list[Verdict]:
    """R5 N1 and N3 for every no."""
    out: list[Verdict] = []
    user, tz = hist.user, hist.user.tz
    for no in hist.interactions:
        if not _answerable(hist, no):
            continue
        o = hist.opps.get(no.opportunity_id) if no.opportunity_id is not None else None
        sender = hist.contacts[no.contact_id]
        stop = _no_stop(hist, no)
        subject = hist.subject(no.opportunity_id)
        no_day = bt.local_date(no.occurred_at, tz)
        fields: dict[str, object] = {
            "no_day": Day(no_day),
            "about": f" about {subject}" if o is not None else "",
            "at_company": f" at {o.company}" if o is not None else "",
            "company": o.company if o is not None else "your team",
        }
        to_sender = sorted(
            (i for i in hist.by_contact.get(no.contact_id, ())
             if i.type in FOLLOW_UP and (i.occurred_at, i.id) > (no.occurred_at, no.id)),
            key=lambda i: (i.occurred_at, i.id))
        root = f"i{no.id}"
        channel = reach(sender, ("email", "message", "call"))
        n1 = hist.resolve(build_spec(
            hist, rule="R5", step="N1", contact_id=no.contact_id,
            opportunity_id=no.opportunity_id, priority="P2", due=_n1_due(hist, no),
            channel=channel, template="R5:N1", first=sender.short_name, subject=subject,
            fields=fields, anchor=root, root=root,
        ), to_sender[0] if to_sender else None, stop)
        out.append(n1)
        if o is None or no.final:
            continue
        n3_due = bt.at_rolled(no_day + timedelta(days=30), user.preferred_time, tz,
                              user.weekend)
        later = [i for i in to_sender if i.id != n1.consumed
                 and (n1.done_at is None or i.occurred_at >= n1.done_at)]
        out.append(hist.resolve(build_spec(
            hist, rule="R5", step="N3", contact_id=no.contact_id, opportunity_id=o.id,
            priority="P3", due=n3_due, channel=channel, template="R5:N3",
            first=sender.short_name, subject=subject, fields=fields, anchor=root, root=root,
        ), later[0] if later else None, _final_stop(hist, no, stop)))
    return out


def escalation_verdicts(hist: History, thanks: frozenset[int] = frozenset()) -> list[Verdict]:
    """R6 (a), (b) and (c). ``thanks``: the outbounds that completed an interview thank-you
    (R4 F1); thanking the manager for the interview is not going around the gatekeeper, so
    they neither complete nor prevent an R6 nudge."""
    out: list[Verdict] = []
    user, tz = hist.user, hist.user.tz
    for no in hist.interactions:
        if not _answerable(hist, no) or no.opportunity_id is None or no.final:
            continue
        o = hist.opps[no.opportunity_id]
        role = hist.role_on(o.id, no.contact_id)
        if role not in GATEKEEPER_ROLES:
            continue
        if _manager_touched(hist, o.id, no.occurred_at - MANAGER_QUIET, no.occurred_at, thanks):
            continue
        sender = hist.contacts[no.contact_id]
        subject = hist.subject(o.id)
        n1_day = bt.local_date(_n1_due(hist, no), tz)
        due = bt.at_local(bt.add_working_days(n1_day, 1, user.weekend), user.preferred_time, tz)
        stop = _final_stop(hist, no, _no_stop(hist, no))
        out.extend(_escalation(
            hist, opp_id=o.id, step="N2", root=f"i{no.id}", due=due, trigger_at=no.occurred_at,
            why=f"{sender.short_name} ({role}) said no on {subject}",
            gatekeeper=sender.short_name, stop=hist.earliest(stop, _closing_no(hist, no)),
            skip=thanks,
        ))
    out.extend(_silence_verdicts(hist, out, thanks))
    out.extend(_applied_verdicts(hist, out, thanks))
    return out


def _live_r6(verdicts: list[Verdict], opp_id: int) -> bool:
    return any(v.spec.rule == "R6" and v.spec.opportunity_id == opp_id and v.is_live
               for v in verdicts)


def _opp_stop(hist: History, opp_id: int, allowed: frozenset[str]) -> Stop | None:
    o = hist.opps[opp_id]
    if o.status not in allowed:
        return Stop(o.status_changed_at or hist.now, "cancelled", f"opportunity is {o.status}")
    return None


def _runs(items: list[InteractionCtx]) -> list[tuple[list[InteractionCtx], InteractionCtx | None]]:
    """Direct outbounds split by responses: (outbounds of the run, the response ending it)."""
    runs: list[tuple[list[InteractionCtx], InteractionCtx | None]] = []
    cur: list[InteractionCtx] = []
    for i in items:
        if i.type in RESPONSE:
            if cur:
                runs.append((cur, i))
            cur = []
        elif i.type in DIRECT_OUT:
            cur.append(i)
    if cur:
        runs.append((cur, None))
    return runs


def _silence_verdicts(hist: History, so_far: list[Verdict],
                      skip: frozenset[int]) -> list[Verdict]:
    """R6 (b)."""
    out: list[Verdict] = []
    user, tz = hist.user, hist.user.tz
    for o in sorted(hist.opps.values(), key=lambda o: o.id):
        for gid, _ in o.contacts:
            if (gid not in hist.contacts or hist.role_on(o.id, gid) not in GATEKEEPER_ROLES
                    or hist.suppression(gid) is not None):
                continue
            for run, reply in _runs(hist.by_contact.get(gid, [])):
                if len(run) < 2:
                    continue
                first, second = run[0], run[1]
                root = f"o{o.id}:i{second.id}"
                key_exists = any(n.rule == "R6" and n.anchor == root
                                 for n in hist.existing.values())
                quiet_until = bt.add_working_days(bt.local_date(first.occurred_at, tz),
                                                  SILENCE_WORKING_DAYS, user.weekend)
                met = max(bt.at_local(quiet_until + timedelta(days=1), MIDNIGHT, tz),
                          second.occurred_at)
                if not key_exists and (
                    hist.now < met or (reply is not None and reply.occurred_at < met)
                    or o.status not in ACTIVE_STATUSES or _live_r6(so_far + out, o.id)
                    or _manager_touched(hist, o.id, met - MANAGER_QUIET, met, skip)
                ):
                    continue
                due_day = bt.next_working_day(
                    max(quiet_until, bt.local_date(second.occurred_at, tz)), user.weekend)
                stop = hist.earliest(
                    Stop(reply.occurred_at, "cancelled", "they replied") if reply else None,
                    _opp_stop(hist, o.id, ACTIVE_STATUSES),
                )
                g = hist.contacts[gid]
                out.extend(_escalation(
                    hist, opp_id=o.id, step=None, root=root,
                    due=bt.at_local(due_day, user.preferred_time, tz), trigger_at=met,
                    why=(f"{g.short_name} has not answered {len(run)} follow-ups in "
                         f"{SILENCE_WORKING_DAYS} working days"),
                    gatekeeper=g.short_name, stop=stop, skip=skip,
                ))
    return out


def _applied_verdicts(hist: History, so_far: list[Verdict],
                      skip: frozenset[int]) -> list[Verdict]:
    """R6 (c)."""
    out: list[Verdict] = []
    user, tz = hist.user, hist.user.tz
    for o in sorted(hist.opps.values(), key=lambda o: o.id):
        base = o.status_changed_at or o.created_at
        if base is None:
            continue
        members = hist.members(o.id)
        touches = [i for cid in members for i in hist.by_contact.get(cid, ())
                   if i.type != "note"]
        touches += [i for i in hist.by_opp.get(o.id, ()) if i.contact_id not in members]
        touches.sort(key=lambda i: (i.occurred_at, i.id))
        last = touches[-1] if touches and touches[-1].occurred_at >= base else None
        root = _applied_root(o.id, last, base)
        start = last.occurred_at if last is not None else base
        met = bt.add_days_local(start, APPLIED_QUIET_DAYS, tz)
        key_exists = any(n.rule == "R6" and n.anchor == root for n in hist.existing.values())
        if not key_exists and (o.status != "applied" or hist.now < met
                               or _live_r6(so_far + out, o.id)
                               or _manager_touched(hist, o.id, met - MANAGER_QUIET, met, skip)):
            continue
        due = bt.at_local(bt.next_working_day_after(met, tz, user.weekend),
                          user.preferred_time, tz)
        stop = _opp_stop(hist, o.id, frozenset({"applied"}))
        out.extend(_escalation(
            hist, opp_id=o.id, step=None, root=root, due=due, trigger_at=met,
            why=f"no contact on {hist.subject(o.id)} for {APPLIED_QUIET_DAYS} days since "
                "you applied",
            gatekeeper="", stop=stop, skip=skip,
        ))
    return out


def _applied_root(opp_id: int, last: InteractionCtx | None, base: datetime) -> str:
    return f"o{opp_id}:c:i{last.id}" if last is not None else \
        f"o{opp_id}:c:s{int(base.timestamp())}"
