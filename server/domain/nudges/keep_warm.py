"""R9 keep warm and R10 cooling (SPEC §5.3). User's zone.

R9: for a touched contact with a tier (§5.2) and no live R1–R8 nudge: last meaningful touch (weight
≥ 1, either direction) + 14 d (tier A), 30 d (B), 90 d (C), or the contact's own ``cadence_days``
when set, at the preferred time (10:00), rolled; P3 for tier A, else P4. The key is rooted on that
touch, so every meaningful touch starts a new R9: the previous live one is completed by the touch
when it was outbound or two-way, cancelled when it was inbound (they got in touch). A live R9 is
cancelled when an R1–R8 nudge becomes live for the contact. Without any meaningful touch there is no
R9.

R10: a contact on an active opportunity or starred whose warmth fell from ≥ 40
(``previous_warmth``) to < 40 (``warmth``), unless its R9 is due within 7 days: due at once
(the creation instant), P3, rooted on the contact's last interaction (one R10 per quiet
spell, however often warmth is recomputed). Completed by the next
meaningful outbound/two-way touch; cancelled if warmth is back at ≥ 40 or the contact is no
longer on an active opportunity nor starred.
"""

from __future__ import annotations

from datetime import timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import INBOUND, WEIGHTS
from server.domain.nudges.context import (
    MEANINGFUL,
    History,
    Stop,
    Verdict,
    anchor_interaction_id,
    build_spec,
    reach,
    spec_from_existing,
)
from server.domain.nudges.messages import Day
from server.domain.nudges.model import LIVE_STATES, ContactCtx, InteractionCtx, NudgeSpec
from server.domain.nudges.tiers import TIER_DAYS

WARM = 40
R10_LEAD = timedelta(days=7)
CHANNELS = ("email", "message", "call")


def own_cadence(contact: ContactCtx) -> int | None:
    """The contact's own keep-warm cadence in days, if the user set a usable one."""
    days = contact.cadence_days
    return days if days is not None and days >= 1 else None


def cadence_days(contact: ContactCtx, tier: str) -> int:
    """R9's interval: the contact's own cadence, else the tier's default."""
    return own_cadence(contact) or TIER_DAYS[tier]


def _touch_after(hist: History, cid: int, anchor_id: int | None) -> InteractionCtx | None:
    """The first meaningful touch after the anchor interaction (None if none)."""
    items = hist.by_contact.get(cid, [])
    idx = next((k for k, i in enumerate(items) if i.id == anchor_id), None)
    if idx is None:
        return None
    return next((i for i in items[idx + 1:] if WEIGHTS.get(i.type, 0.0) >= MEANINGFUL), None)


def _resolve_old(hist: History, spec: NudgeSpec, cid: int, anchor_id: int | None) -> Verdict:
    """A superseded R9 key: its touch was followed by a newer one (or deleted)."""
    if anchor_id is None or all(i.id != anchor_id for i in hist.by_contact.get(cid, [])):
        return hist.resolve(spec, None, Stop(hist.now, "cancelled", "its touch was removed"))
    touch = _touch_after(hist, cid, anchor_id)
    if touch is None:
        return hist.resolve(spec, None, Stop(hist.now, "cancelled", "no longer applies"))
    if touch.type in INBOUND:
        return hist.resolve(spec, None, Stop(touch.occurred_at, "cancelled", "they got in touch"))
    return hist.resolve(spec, touch)


def keep_warm_verdicts(hist: History, earlier: list[Verdict]) -> list[Verdict]:
    out: list[Verdict] = []
    user, tz = hist.user, hist.user.tz
    live_by_contact: dict[int, list[Verdict]] = {}
    for v in earlier:
        if v.is_live and v.spec.contact_id is not None and v.spec.rule != "R9":
            live_by_contact.setdefault(v.spec.contact_id, []).append(v)
    r9_due: dict[int, Verdict] = {}
    for cid in sorted(hist.contacts):
        if hist.suppression(cid) is not None or not hist.touched(cid):
            continue
        contact = hist.contacts[cid]
        tier = hist.tier(cid)
        last = hist.last_meaningful(cid)
        current_key = None
        if tier is not None and last is not None:
            days = cadence_days(contact, tier)
            due = bt.at_rolled(bt.local_date(last.occurred_at, tz) + timedelta(days=days),
                               user.preferred_time, tz, user.weekend)
            link = next((oid for oid, _ in hist.links.get(cid, ())
                         if hist.opps[oid].status in ("targeting", "applied", "interviewing",
                                                      "offer")), None)
            subject = hist.subject(link if link is not None else last.opportunity_id,
                                   default="your last conversation")
            cadence = (f"you asked to check in with them every {days} days"
                       if own_cadence(contact) else
                       f"tier {tier} contacts get a check-in every {days} days")
            spec = build_spec(hist, rule="R9", step=None, contact_id=cid, opportunity_id=None,
                              priority="P3" if tier == "A" else "P4", due=due,
                              channel=reach(contact, CHANNELS), template="R9",
                              first=contact.short_name, subject=subject,
                              fields={"cadence": cadence,
                                      "last": Day(bt.local_date(last.occurred_at, tz), on=False)},
                              anchor=f"i{last.id}", root=f"i{last.id}")
            current_key = spec.key
            covered = live_by_contact.get(cid)
            stop = Stop(hist.now, "cancelled", "a follow-up nudge covers this contact") \
                if covered else None
            # While another rule is active there is nothing to create.
            if not covered or spec.key in hist.existing:
                v = hist.resolve(spec, None, stop)
                out.append(v)
                r9_due[cid] = v
        for n in hist.existing_by_rule.get("R9", []):
            if n.contact_id != cid or n.key == current_key or n.state not in LIVE_STATES:
                continue
            out.append(_resolve_old(hist, spec_from_existing(hist, n), cid,
                                    anchor_interaction_id(n.anchor)))
        out.extend(_cooling(hist, cid, r9_due.get(cid)))
    return out


def _cooling(hist: History, cid: int, r9: Verdict | None) -> list[Verdict]:
    contact = hist.contacts[cid]
    eligible = hist.on_active_opportunity(cid) or contact.starred
    warm_again = contact.warmth is not None and contact.warmth >= WARM
    out: list[Verdict] = []
    live = [n for n in hist.existing_by_rule.get("R10", [])
            if n.contact_id == cid and n.state in LIVE_STATES]
    for n in live:
        stop = None
        if warm_again:
            stop = Stop(hist.now, "cancelled", "warm again")
        elif not eligible:
            stop = Stop(hist.now, "cancelled", "no longer on an active opportunity or starred")
        created = n.created_at or n.due_at
        root_id = anchor_interaction_id(n.anchor)
        touch = next((i for i in hist.by_contact.get(cid, [])
                      if i.occurred_at >= created and i.id != root_id and i.type not in INBOUND
                      and WEIGHTS.get(i.type, 0.0) >= MEANINGFUL), None)
        out.append(hist.resolve(spec_from_existing(hist, n), touch, stop))
    if any(v.is_live for v in out) or not eligible:
        return out
    prev, cur = contact.previous_warmth, contact.warmth
    if prev is None or cur is None or not (prev >= WARM > cur):
        return out
    if r9 is not None and r9.is_live and r9.spec.due_at <= hist.now + R10_LEAD:
        return out
    # Warmth only falls by decay, so a crossing belongs to the quiet spell after the last
    # touch: rooting on that touch fires once per spell however often warmth is recomputed.
    last = next(i for i in reversed(hist.by_contact[cid]) if i.type != "note")
    answered = {v.consumed for v in out} | {
        n.completed_by_interaction_id for n in hist.existing_by_rule.get("R10", [])
        if n.contact_id == cid}
    if last.id in answered:
        return out  # the touch that answered the last cooling alarm is not a new spell
    root = f"i{last.id}"
    link = next((oid for oid, _ in hist.links.get(cid, ())
                 if hist.opps[oid].status in ("targeting", "applied", "interviewing", "offer")),
                None)
    spec = build_spec(hist, rule="R10", step=None, contact_id=cid, opportunity_id=link,
                      priority="P3", due=hist.now, channel=reach(contact, CHANNELS),
                      template="R10", first=contact.short_name,
                      subject=hist.subject(link, default="staying in touch"),
                      fields={"previous": prev, "warmth": cur}, anchor=root, root=root)
    if spec.key in hist.existing:
        return out  # this spell's crossing was already handled
    out.append(hist.resolve(spec))
    return out
