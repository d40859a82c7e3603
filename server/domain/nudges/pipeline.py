"""R11 pipeline digest (SPEC §5.3). User's zone, P4, ``contact_id`` None.

The digest time is Monday 09:00 in the user's zone (rolled onto the first working day when
Monday is a weekend day of the user). Its one definition is here:

    pipeline_week_start(now, tz, weekend=DEFAULT_WEEKEND) -> datetime
        # the latest digest time at or before now
    first_digest_at(first_opportunity_at, tz, weekend=DEFAULT_WEEKEND) -> datetime
        # the first digest time strictly after the user's first opportunity was created
    digest_due_at(now, tz, first_opportunity_at, weekend=DEFAULT_WEEKEND) -> datetime | None
        # the digest in force at now, or None (no opportunity yet, or before the first digest)

From that time on, a user with at least one opportunity and fewer than 5 warm (≥ 40)
hiring-manager/department-manager/recruiter contacts on active opportunities gets one digest
for that week (root ``w{monday}``), due then. There is never a digest dated before the user's
first opportunity existed: the first one is the next Monday 09:00 after the earliest
opportunity's ``created_at`` (opportunities without one do not date it). It names up to three
cooling decision-makers (warmth < 40, biggest recent drop first, then warmest). The next
week's digest supersedes a live older one; a digest is cancelled when the pipeline is healthy
again. The adapter should run ``reconcile`` for every user once ``digest_due_at`` passes a
time it has not checked yet (the periodic sweep does).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from server.domain import business_time as bt
from server.domain.interaction_types import ACTIVE_STATUSES
from server.domain.nudges.context import (
    History,
    Stop,
    Verdict,
    build_spec,
    spec_from_existing,
)
from server.domain.nudges.model import LIVE_STATES, nudge_key

DECISION_ROLES = frozenset({"hiring_manager", "department_manager", "recruiter"})
TARGET = 5
WARM = 40
MONDAY_MORNING = time(9, 0)
NAMED = 3


def _digest_of_week(monday: date, tz: str, weekend: Iterable[int]) -> datetime:
    return bt.at_rolled(monday, MONDAY_MORNING, tz, weekend)


def _week(now: datetime, tz: str, weekend: Iterable[int]) -> tuple[date, datetime]:
    """(the week's Monday, its digest time) of the latest digest time at or before now."""
    today = bt.local_date(now, tz)
    monday = today - timedelta(days=today.isoweekday() - 1)
    due = _digest_of_week(monday, tz, weekend)
    if due > bt.ensure_utc(now):
        monday -= timedelta(days=7)
        due = _digest_of_week(monday, tz, weekend)
    return monday, due


def pipeline_week_start(now: datetime, tz: str,
                        weekend: Iterable[int] = bt.DEFAULT_WEEKEND) -> datetime:
    """The latest digest time (Monday 09:00 local, rolled) at or before ``now``."""
    return _week(now, tz, weekend)[1]


def first_digest_at(first_opportunity_at: datetime, tz: str,
                    weekend: Iterable[int] = bt.DEFAULT_WEEKEND) -> datetime:
    """The first digest time strictly after the user's first opportunity was created."""
    t = bt.ensure_utc(first_opportunity_at)
    monday, due = _week(t, tz, weekend)
    return _digest_of_week(monday + timedelta(days=7), tz, weekend) if due <= t else due


def digest_due_at(now: datetime, tz: str, first_opportunity_at: datetime | None,
                  weekend: Iterable[int] = bt.DEFAULT_WEEKEND) -> datetime | None:
    """The digest time in force at ``now``, or None when there is none yet."""
    if first_opportunity_at is None:
        return None
    due = pipeline_week_start(now, tz, weekend)
    return due if due >= first_digest_at(first_opportunity_at, tz, weekend) else None


def pipeline_verdicts(hist: History) -> list[Verdict]:
    if not hist.opps:
        return []
    user = hist.user
    created = [o.created_at for o in hist.opps.values() if o.created_at is not None]
    if created and digest_due_at(hist.now, user.tz, min(created), user.weekend) is None:
        return []  # never a digest dated before the first opportunity existed
    week, due = _week(hist.now, user.tz, user.weekend)
    root = f"w{week.isoformat()}"
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
                due, "superseded", "this week's digest replaces it", key)))
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
    spec = build_spec(hist, rule="R11", step=None, contact_id=None, opportunity_id=None,
                      priority="P4", due=due, channel="email", template="R11", first=names,
                      subject="your search", fields={"count": len(warm), "names": names},
                      anchor=root, root=root)
    stop = Stop(hist.now, "cancelled", "the pipeline is warm again") if healthy else None
    out.append(hist.resolve(spec, None, stop))
    return out
