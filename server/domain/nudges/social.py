"""R7 social warm-up of a hiring or department manager (SPEC §5.3). User's zone, P3.

- Network: the first of x, instagram, facebook, linkedin the manager has a profile on (the
  article: people are less guarded on X and Instagram than on LinkedIn). The ladder starts only
  if there is no ``social_follow`` on that network (a follow without ``network`` counts for
  every network; an imported LinkedIn connection is such a follow).
- S1 follow: due at creation; completed by a follow on that network.
- S2 engage (up to 3 rounds, keys ``…:{network}:1..3``): round 1 on the date of S1's anchor
  + 2 d, each next round on the previous one's anchor date + 7 d, always at the preferred time
  (10:00) in the user's zone, rolled onto a working day: never at the clock time of the previous
  completion, never on a weekend day; completed by a social_like or social_comment to the
  contact on that network (or without network).
- S3 short direct note (channel message): once S1 is done, due at the earlier of S1's anchor
  date + 14 d at 10:00, rolled, and the first 10:00 on a working day at or after the second
  engagement was done; completed by a direct outbound.
- Any inbound or two-way interaction from the contact after S1 was created stops the ladder.
Roles come from the opportunity link or, failing that, the contact.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.nudges.context import (
    DIRECT_OUT,
    MANAGER_ROLES,
    RESPONSE,
    History,
    Stop,
    Verdict,
    build_spec,
)
from server.domain.nudges.messages import network_name
from server.domain.nudges.model import InteractionCtx, NudgeSpec, nudge_key

WARM_UP_NETWORKS = ("x", "instagram", "facebook", "linkedin")
ENGAGE = frozenset({"social_like", "social_comment"})
ROUNDS = 3


def _is_manager(hist: History, cid: int) -> bool:
    if hist.contacts[cid].role in MANAGER_ROLES:
        return True
    return any(role in MANAGER_ROLES for _, role in hist.links.get(cid, ()))


def _on(net: str, i: InteractionCtx) -> bool:
    return i.network is None or i.network == net


def _at_ten(hist: History, d: date) -> datetime:
    """D at the preferred time (10:00) in the user's zone, rolled onto a working day."""
    user = hist.user
    return bt.at_rolled(d, user.preferred_time, user.tz, user.weekend)


def social_verdicts(hist: History) -> list[Verdict]:
    out: list[Verdict] = []
    user = hist.user
    for cid in sorted(hist.contacts):
        contact = hist.contacts[cid]
        if hist.suppression(cid) is not None or not _is_manager(hist, cid):
            continue
        net = next((n for n in WARM_UP_NETWORKS if n in contact.networks), None)
        if net is None:
            continue
        items = hist.by_contact.get(cid, [])
        s1_key = nudge_key("R7", "S1", cid, net)
        ex1 = hist.existing.get(s1_key)
        follow = next((i for i in items if i.type == "social_follow" and _on(net, i)), None)
        if ex1 is None and follow is not None:
            continue
        created = (ex1.created_at or ex1.due_at) if ex1 is not None else hist.now
        link = next((oid for oid, _ in hist.links.get(cid, ())
                     if hist.opps[oid].status in ACTIVE_STATUSES), None)
        subject = hist.subject(link, default="your search")
        inbound = next((i for i in items if i.type in RESPONSE and i.occurred_at > created), None)
        stop = Stop(inbound.occurred_at, "cancelled", "they responded") if inbound else None
        fields = {"network": network_name(net)}

        def spec(step: str, due: datetime, root: str, anchor: str, channel: str = "social",
                 round_no: int = 0, cid: int = cid, link: int | None = link,
                 subject: str = subject, fields: dict[str, str] = fields,
                 first: str = contact.short_name) -> NudgeSpec:
            return build_spec(hist, rule="R7", step=step, contact_id=cid, opportunity_id=link,
                              priority="P3", due=due, channel=channel, template=f"R7:{step}",
                              first=first, subject=subject,
                              fields={"round": round_no, **fields}, anchor=anchor, root=root)

        s1 = hist.resolve(spec("S1", ex1.due_at if ex1 else hist.now, net, net), follow, stop)
        out.append(s1)
        s1_anchor = s1.chain_anchor()
        if s1_anchor is None:
            continue
        prev = s1
        consumed: set[int] = set()
        second_done: datetime | None = None
        for k in range(1, ROUNDS + 1):
            base = prev.chain_anchor()
            if base is None:
                break
            due = _at_ten(hist, bt.local_date(base, user.tz) + timedelta(days=2 if k == 1 else 7))
            after = prev.done_at or base
            done = next((i for i in items if i.type in ENGAGE and _on(net, i)
                         and i.occurred_at >= after and i.id not in consumed), None)
            v = hist.resolve(spec("S2", due, f"{net}:{k}", prev.spec.key, round_no=k), done, stop)
            out.append(v)
            if v.consumed is not None:
                consumed.add(v.consumed)
            if k == 2 and v.done_at is not None:
                second_done = v.done_at
            prev = v
        s3_due = _at_ten(hist, bt.local_date(s1_anchor, user.tz) + timedelta(days=14))
        if second_done is not None:
            s3_due = min(s3_due, bt.next_slot(second_done, user.preferred_time, user.tz,
                                              user.weekend))
        s1_done = s1.done_at or s1_anchor
        note = next((i for i in items if i.type in DIRECT_OUT and i.occurred_at >= s1_done),
                    None)
        out.append(hist.resolve(spec("S3", s3_due, net, s1.spec.key, channel="message"),
                                note, stop))
    return out
