"""R8 no reply: chase an unanswered email or message up to three times (SPEC §5.3).

- A *run* is the contact's email_sent/message_sent interactions between two responses
  (any inbound or two-way interaction). A response cancels the live steps of the run before it
  ("they replied").
- Outside R1–R5: outbounds up to the end of the contact's R1–R5 nudges (any rule R1–R5 on the
  contact or on an opportunity the contact belongs to; all of it while one is live) are theirs.
- The ladder's anchor is the first remaining outbound of the run. FU1: +3 working days at
  the preferred time (10:00); FU2: FU1's date + 7 at 10:00, rolled; FU3: FU2's date + 14,
  rolled; each chained per §5.2 and completed by the next direct outbound (email, message or
  call attempt) to the contact. After FU3 is done: stop. A ladder that ended without finishing
  (a step expired, was dismissed, or was already stale when first seen, e.g. imported
  history) lets a later outbound of the same run start a new ladder.

Zone: the contact's timezone, else the user's. Channel: that of the anchor (email | message).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from server.domain import business_time as bt
from server.domain.nudges.context import DIRECT_OUT, RESPONSE, History, Stop, Verdict, build_spec
from server.domain.nudges.messages import Day
from server.domain.nudges.model import InteractionCtx

CHASED = frozenset({"email_sent", "message_sent"})
COVERING_RULES = frozenset({"R1", "R2", "R3", "R4", "R5"})
NEVER = datetime.max.replace(tzinfo=bt.UTC)
STEPS = (("FU1", 0), ("FU2", 7), ("FU3", 14))


def _cover_until(hist: History, contact_id: int, earlier: list[Verdict]) -> datetime | None:
    opps = {oid for oid, _ in hist.links.get(contact_id, ())}
    opps |= {i.opportunity_id for i in hist.by_contact.get(contact_id, ())
             if i.opportunity_id is not None}
    until: datetime | None = None
    for v in earlier:
        if v.spec.rule not in COVERING_RULES:
            continue
        if v.spec.contact_id != contact_id and v.spec.opportunity_id not in opps:
            continue
        end = NEVER if v.is_live else v.ended_at
        if end is not None and (until is None or end > until):
            until = end
    return until


def reply_verdicts(hist: History, earlier: list[Verdict]) -> list[Verdict]:
    out: list[Verdict] = []
    for cid, items in sorted(hist.by_contact.items()):
        if cid not in hist.contacts or hist.suppression(cid) is not None:
            continue
        contact = hist.contacts[cid]
        tz = hist.contact_zone(cid)
        covered = _cover_until(hist, cid, earlier)
        run: list[InteractionCtx] = []
        runs: list[tuple[list[InteractionCtx], InteractionCtx | None]] = []
        for i in items:
            if i.type in RESPONSE:
                if run:
                    runs.append((run, i))
                run = []
            elif i.type in DIRECT_OUT:
                run.append(i)
        if run:
            runs.append((run, None))
        for outbounds, reply in runs:
            stop = Stop(reply.occurred_at, "cancelled", "they replied") if reply else None
            consumed: set[int] = set()
            start_after = covered
            while True:
                anchor = next((i for i in outbounds if i.type in CHASED and i.id not in consumed
                               and (start_after is None or i.occurred_at > start_after)), None)
                if anchor is None:
                    break
                consumed.add(anchor.id)
                verdicts = _ladder(hist, contact.short_name, tz, anchor, outbounds, consumed,
                                   stop)
                out.extend(verdicts)
                last = verdicts[-1]
                if last.is_live or (last.spec.step == "FU3" and last.done_at is not None):
                    break
                start_after = last.ended_at
                if start_after is None:
                    break
    return out


def _ladder(hist: History, first: str, tz: str, anchor: InteractionCtx,
            outbounds: list[InteractionCtx], consumed: set[int], stop: Stop | None,
            ) -> list[Verdict]:
    user = hist.user
    medium = "email" if anchor.type == "email_sent" else "message"
    subject = hist.subject(anchor.opportunity_id, default="reconnecting")
    sent = Day(bt.local_date(anchor.occurred_at, tz), on=False, prefix="from ")
    out: list[Verdict] = []
    prev: Verdict | None = None
    after: datetime = anchor.occurred_at
    for step, gap in STEPS:
        if prev is None:
            day = bt.add_working_days(bt.local_date(anchor.occurred_at, tz), 3, user.weekend)
            due = bt.at_local(day, user.preferred_time, tz)
            prev_key = f"i{anchor.id}"
        else:
            base = prev.chain_anchor()
            if base is None:
                break
            due = bt.at_rolled(bt.local_date(base, tz) + timedelta(days=gap),
                               user.preferred_time, tz, user.weekend)
            prev_key = prev.spec.key
            after = prev.done_at or base
        spec = build_spec(hist, rule="R8", step=step, contact_id=anchor.contact_id,
                          opportunity_id=anchor.opportunity_id, priority="P3", due=due,
                          channel=medium, template=f"R8:{step}", first=first,
                          subject=subject, fields={"medium": medium, "sent": sent},
                          anchor=prev_key, root=f"i{anchor.id}")
        done = next((i for i in outbounds if i.id not in consumed
                     and (i.occurred_at, i.id) > (after, anchor.id if prev is None else -1)),
                    None)
        v = hist.resolve(spec, done, stop)
        if v.consumed is not None:
            consumed.add(v.consumed)
        out.append(v)
        prev = v
    return out
