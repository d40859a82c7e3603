"""When reminders leave the server (SPEC §13): pure rules, no I/O.

- The daily digest goes at the user's preferred local time (wall clock in the user's zone,
  DST-safe as in §5.1: a missing time moves forward, an ambiguous one takes the first). Its
  slot is the local date, so there is at most one per local day. A digest not sent within
  `DIGEST_MAX_LATE` of its time (the schedule was down) is skipped: it would arrive in the
  night, or next to the next one.
- Push goes for P1 and P2 nudges once their `notify_at` has come, at most `PUSH_MAX_LATE`
  after it: a schedule that was down for days, or push URLs set today, must not fire a burst
  of stale alerts (the digest and the popup still list them).
- A failed send is retried after 1, 5, 15 and 60 minutes, then given up for that slot.
- A claim left in `sending` for `STALE_CLAIM` belongs to a process that died.
- The schedule is stale (GET /health says degraded) when it has not run for
  `SCHEDULE_STALE_AFTER`, or never has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from server.domain.business_time import Zone, at_local, ensure_utc, local_date, zone
from server.domain.nudges.lifecycle import state_at
from server.domain.nudges.model import PRIORITY_RANK

PUSH_PRIORITIES: Final[tuple[str, ...]] = ("P1", "P2")
PUSH_MAX_LATE: Final = timedelta(hours=24)
DIGEST_MAX_LATE: Final = timedelta(hours=12)
DIGEST_HORIZON: Final = timedelta(days=7)
BACKOFF: Final[tuple[timedelta, ...]] = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60))
STALE_CLAIM: Final = timedelta(minutes=10)
SCHEDULE_STALE_AFTER: Final = timedelta(minutes=5)


def _hm(value: str | time) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def digest_time(d: date, preferred_time: str | time, tz: Zone) -> datetime:
    """The UTC instant of local date ``d`` at the preferred time."""
    return at_local(d, _hm(preferred_time), tz)


def due_digest_date(now: datetime, tz: Zone, preferred_time: str | time) -> date | None:
    """The local date whose digest is due at ``now``, or None: today's once its time has come,
    else yesterday's while it is less than DIGEST_MAX_LATE late (a 23:30 digest that the
    schedule reaches at 00:10)."""
    now = ensure_utc(now)
    today = local_date(now, tz)
    for d in (today, today - timedelta(days=1)):
        at = digest_time(d, preferred_time, tz)
        if at <= now:
            return d if now - at < DIGEST_MAX_LATE else None
    return None


def digest_slot(d: date) -> str:
    return d.isoformat()


def push_window(now: datetime) -> tuple[datetime, datetime]:
    """The `notify_at` range [start, end] whose P1/P2 nudges get a push at ``now``."""
    now = ensure_utc(now)
    return now - PUSH_MAX_LATE, now


def wants_push(priority: str, notify_at: datetime, now: datetime) -> bool:
    start, end = push_window(now)
    return priority in PUSH_PRIORITIES and start <= ensure_utc(notify_at) <= end


def retry_at(attempts: int, failed_at: datetime) -> datetime | None:
    """When to try again after the ``attempts``-th attempt failed; None: give up."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return ensure_utc(failed_at) + BACKOFF[attempts - 1]


def claim_is_stale(claimed_at: datetime, now: datetime) -> bool:
    return ensure_utc(now) - ensure_utc(claimed_at) >= STALE_CLAIM


def schedule_is_stale(last_run_at: datetime | None, now: datetime) -> bool:
    return last_run_at is None or ensure_utc(now) - ensure_utc(last_run_at) > SCHEDULE_STALE_AFTER


@dataclass(frozen=True)
class DigestItem:
    """A live, visible nudge as the digest shows it."""

    nudge_id: int
    contact_id: int | None
    contact_name: str
    priority: str
    state: str
    due_at: datetime
    snoozed_until: datetime | None
    message: str
    reason: str

    @property
    def when(self) -> datetime:
        """When it is (or was) due: the snooze's end for a snoozed nudge."""
        if self.state == "snoozed" and self.snoozed_until is not None:
            return self.snoozed_until
        return self.due_at


@dataclass(frozen=True)
class Digest:
    due: tuple[DigestItem, ...]
    upcoming: tuple[DigestItem, ...]

    def __bool__(self) -> bool:
        return bool(self.due or self.upcoming)

    @property
    def nudge_ids(self) -> list[int]:
        return [item.nudge_id for item in (*self.due, *self.upcoming)]


def _order(item: DigestItem) -> tuple[int, datetime, int]:
    return PRIORITY_RANK.get(item.priority, 9), item.when, item.nudge_id


def split_digest(items: Iterable[DigestItem], now: datetime) -> Digest:
    """What is due at ``now`` (§5.2's read-time truth) and what comes up within
    DIGEST_HORIZON; each in list order (priority, then due time)."""
    now = ensure_utc(now)
    due: list[DigestItem] = []
    upcoming: list[DigestItem] = []
    for item in items:
        if state_at(item.state, item.due_at, item.snoozed_until, now) == "due":
            due.append(item)
        elif item.when <= now + DIGEST_HORIZON:
            upcoming.append(item)
    return Digest(due=tuple(sorted(due, key=_order)), upcoming=tuple(sorted(upcoming, key=_order)))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def digest_subject(digest: Digest) -> str:
    if digest.due:
        head = _count(len(digest.due), "follow-up due", "follow-ups due")
        tail = f", {len(digest.upcoming)} coming up" if digest.upcoming else ""
        return f"Thrice: {head} today{tail}"
    return f"Thrice: {_count(len(digest.upcoming), 'follow-up', 'follow-ups')} coming up this week"


def local_label(t: datetime, tz: Zone, today: date | None = None) -> str:
    """'today 10:00', 'tomorrow 09:30', 'Wed 12 Mar 10:00' in the user's zone."""
    local = ensure_utc(t).astimezone(zone(tz))
    clock = f"{local:%H:%M}"
    if today is not None:
        if local.date() == today:
            return f"today {clock}"
        if local.date() == today + timedelta(days=1):
            return f"tomorrow {clock}"
        if local.date() == today - timedelta(days=1):
            return f"yesterday {clock}"
    return f"{local:%a} {local.day} {local:%b} {clock}"


def contact_link(base_url: str, contact_id: int | None) -> str:
    """The web app's page for the nudge: its contact, or the home page for a pipeline digest."""
    base = base_url.rstrip("/")
    return f"{base}/contacts/{contact_id}" if contact_id is not None else f"{base}/"


def push_title(priority: str, contact_name: str) -> str:
    who = contact_name.strip() or "your pipeline"
    return f"{priority} follow-up: {who}"


def push_body(message: str, link: str, limit: int = 1000) -> str:
    text = message.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"{text}\n\n{link}" if text else link

