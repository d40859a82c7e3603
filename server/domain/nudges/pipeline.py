"""R11 pipeline digest (SPEC §5.3). User's zone, P4, ``contact_id`` None.

From Monday 09:00 (the latest Monday 09:00 at or before now, user-local), a user with at least
one opportunity and fewer than 5 warm (≥ 40) hiring-manager/department-manager/recruiter
contacts on active opportunities gets one digest for that week (root ``w{monday}``), due that
Monday 09:00. It names up to three cooling decision-makers (warmth < 40, biggest recent drop
first, then warmest). The next week's digest supersedes a live older one; a digest is
cancelled when the pipeline is healthy again. The adapter should run ``reconcile`` for every
user around Monday 09:00 local (the periodic sweep does).
"""

from __future__ import annotations

from datetime import time

from server.domain import business_time as bt
from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.nudges.context import (
    History,
    Stop,
    Verdict,
    build_spec,
    spec_from_existing,
)
from server.domain.nudges.messages import compose
from server.domain.nudges.model import LIVE_STATES, nudge_key

DECISION_ROLES = frozenset({"hiring_manager", "department_manager", "recruiter"})
TARGET = 5
WARM = 40
MONDAY_MORNING = time(9, 0)
NAMED = 3


def pipeline_verdicts(hist: History) -> list[Verdict]:
    if not hist.opps:
        return []
    user = hist.user
    monday = bt.last_weekday_at(hist.now, 1, MONDAY_MORNING, user.tz)
    root = f"w{bt.local_date(monday, user.tz).isoformat()}"
    key = nudge_key("R11", None, None, root)
    people: dict[int, str] = {}
    for o in hist.opps.values():
        if o.status not in ACTIVE_STATUSES:
            continue
        for cid, _ in o.contacts:
            if (cid in hist.contacts and hist.suppression(cid) is None
                    and hist.role_on(o.id, cid) in DECISION_ROLES):
                people[cid] = o.company
    warm = [cid for cid in people if (hist.contacts[cid].warmth or 0) >= WARM]
    healthy = len(warm) >= TARGET
    out: list[Verdict] = []
    for n in hist.existing_by_rule.get("R11", []):
        if n.key != key and n.state in LIVE_STATES:
            out.append(hist.resolve(spec_from_existing(hist, n), None, Stop(
                monday, "superseded", "this week's digest replaces it", key)))
    if healthy and key not in hist.existing:
        return out
    cooling = sorted(
        (cid for cid in people if (hist.contacts[cid].warmth or 0) < WARM),
        key=lambda cid: (
            -((hist.contacts[cid].previous_warmth or 0) - (hist.contacts[cid].warmth or 0)),
            -(hist.contacts[cid].warmth or 0),
            cid,
        ),
    )[:NAMED]
    names = ", ".join(f"{hist.contacts[c].short_name} ({people[c]})" for c in cooling) or \
        "the hiring managers of your active opportunities"
    text = compose("R11", me=user.display_name, first=names, subject="your search",
                   count=len(warm), names=names)
    spec = build_spec(hist, rule="R11", step=None, contact_id=None, opportunity_id=None,
                      priority="P4", due=monday, channel="email", message=text.message,
                      reason=text.reason, anchor=root, root=root)
    stop = Stop(hist.now, "cancelled", "the pipeline is warm again") if healthy else None
    out.append(hist.resolve(spec, None, stop))
    return out
