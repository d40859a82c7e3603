"""Business-time arithmetic of SPEC §5.1, the calendar every nudge rule computes with.

Pure: stdlib and zoneinfo only. Conventions:

- Instants are aware ``datetime`` objects; every function returns UTC (``datetime.UTC``) and
  rejects naive input, so a local wall-clock time can never leak into storage.
- A *zone* is an IANA name (``"America/New_York"``) or a ``ZoneInfo``; ``None`` means UTC.
- Wall-clock construction (``at_local``) is DST-safe: a local time that does not exist (the
  spring-forward gap) moves forward by the size of the gap (02:30 → 03:30), an ambiguous one
  (the autumn overlap) takes the first occurrence (``fold=0``).
- ``weekend`` is a set of **ISO weekday numbers** (Mon=1 … Sun=7), the same numbering as the
  ``users.weekend`` column; the default is ``{6, 7}`` (Sat+Sun). Working days are the others.
- Business hours are 09:00–17:00 local, end exclusive.

Public API::

    zone(tz) -> ZoneInfo
    ensure_utc(t) -> datetime
    add_hours(t, hours) -> datetime                       # "+N hours" is absolute
    add_days_local(t, days, tz) -> datetime               # same wall-clock time N days later
    local_date(t, tz) -> date;  local_time(t, tz) -> time
    at_local(d, hm, tz) -> datetime                       # "D at HH:MM in zone"
    is_working_day(d, weekend) -> bool
    next_working_day(d, weekend) -> date                  # first working day strictly after d
    next_working_day_after(t, tz, weekend) -> date        # ... strictly after t's local date
    add_working_days(d, n, weekend) -> date               # n working days strictly after d
    at_rolled(d, hm, tz, weekend) -> datetime             # "D at HH:MM, rolled"
    next_slot(t, hm, tz, weekend) -> datetime             # first HH:MM of a working day >= t
    in_business_hours(t, tz, weekend) -> bool
    roll(t, tz, weekend) -> datetime
    notify_at(due, tz, wake_start, wake_end) -> datetime  # due moved forward into wake window
    next_weekday_at(t, iso_weekday, hm, tz) -> datetime   # first such wall-clock time > t
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

DEFAULT_WEEKEND: Final[frozenset[int]] = frozenset({6, 7})
BUSINESS_START: Final = time(9, 0)
BUSINESS_END: Final = time(17, 0)
DEFAULT_WAKE_START: Final = time(8, 0)
DEFAULT_WAKE_END: Final = time(21, 0)

Zone = str | tzinfo | None


def zone(tz: Zone) -> tzinfo:
    """The tzinfo for an IANA name, a tzinfo, or None (UTC)."""
    if tz is None:
        return UTC
    if isinstance(tz, str):
        return ZoneInfo(tz)
    return tz


def ensure_utc(t: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are a programming error, not 'probably UTC'."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t!r}: instants must be timezone-aware")
    return t.astimezone(UTC)


def add_hours(t: datetime, hours: float) -> datetime:
    """Absolute arithmetic: "+3 h" across a DST change is still 3 elapsed hours."""
    return ensure_utc(t) + timedelta(hours=hours)


def local_date(t: datetime, tz: Zone) -> date:
    return ensure_utc(t).astimezone(zone(tz)).date()


def local_time(t: datetime, tz: Zone) -> time:
    return ensure_utc(t).astimezone(zone(tz)).time().replace(tzinfo=None)


def at_local(d: date, hm: time, tz: Zone) -> datetime:
    """The UTC instant of wall-clock ``d hm`` in ``tz``.

    fold=0 is exactly the rule we want from zoneinfo: in a gap it applies the pre-transition
    offset, which lands after the gap (moved forward); in an overlap it picks the first instant.
    """
    naive = datetime.combine(d, hm.replace(tzinfo=None))
    return naive.replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


def add_days_local(t: datetime, days: int, tz: Zone) -> datetime:
    """The same local wall-clock time ``days`` calendar days later (DST-safe)."""
    local = ensure_utc(t).astimezone(zone(tz))
    return at_local(local.date() + timedelta(days=days), local.time(), tz)


def _check_weekend(weekend: Iterable[int]) -> frozenset[int]:
    days = frozenset(weekend)
    if days >= frozenset(range(1, 8)):
        raise ValueError("a week needs at least one working day")
    return days


def is_working_day(d: date, weekend: Iterable[int] = DEFAULT_WEEKEND) -> bool:
    return d.isoweekday() not in frozenset(weekend)


def next_working_day(d: date, weekend: Iterable[int] = DEFAULT_WEEKEND) -> date:
    """The first working day strictly after ``d``."""
    days = _check_weekend(weekend)
    d += timedelta(days=1)
    while d.isoweekday() in days:
        d += timedelta(days=1)
    return d


def next_working_day_after(t: datetime, tz: Zone, weekend: Iterable[int] = DEFAULT_WEEKEND) -> date:
    """The first working day strictly after the local date of instant ``t``."""
    return next_working_day(local_date(t, tz), weekend)


def add_working_days(d: date, n: int, weekend: Iterable[int] = DEFAULT_WEEKEND) -> date:
    """Count ``n`` (≥ 0) working days strictly after ``d``; n = 0 returns ``d`` itself."""
    if n < 0:
        raise ValueError("n must be >= 0")
    for _ in range(n):
        d = next_working_day(d, weekend)
    return d


def at_rolled(d: date, hm: time, tz: Zone, weekend: Iterable[int] = DEFAULT_WEEKEND) -> datetime:
    """"D at HH:MM, rolled": D itself if it is a working day, else the next working day after D."""
    if not is_working_day(d, weekend):
        d = next_working_day(d, weekend)
    return at_local(d, hm, tz)


def next_slot(t: datetime, hm: time, tz: Zone,
              weekend: Iterable[int] = DEFAULT_WEEKEND) -> datetime:
    """The first ``hm`` on a working day at or after instant ``t`` (a step that follows an
    event at the preferred time, never before the event itself)."""
    t = ensure_utc(t)
    d = local_date(t, tz)
    candidate = at_rolled(d, hm, tz, weekend)
    if candidate < t:
        candidate = at_local(next_working_day(d, weekend), hm, tz)
    return candidate


def in_business_hours(t: datetime, tz: Zone, weekend: Iterable[int] = DEFAULT_WEEKEND) -> bool:
    local = ensure_utc(t).astimezone(zone(tz))
    if not is_working_day(local.date(), weekend):
        return False
    return BUSINESS_START <= local.time().replace(tzinfo=None) < BUSINESS_END


def roll(t: datetime, tz: Zone, weekend: Iterable[int] = DEFAULT_WEEKEND) -> datetime:
    """``t`` inside business hours, else 09:00 of the first working day whose 09:00 is after t."""
    t = ensure_utc(t)
    if in_business_hours(t, tz, weekend):
        return t
    days = _check_weekend(weekend)
    d = local_date(t, tz)
    while True:
        if d.isoweekday() not in days:
            opening = at_local(d, BUSINESS_START, tz)
            if opening > t:
                return opening
        d += timedelta(days=1)


def notify_at(
    due: datetime,
    tz: Zone,
    wake_start: time = DEFAULT_WAKE_START,
    wake_end: time = DEFAULT_WAKE_END,
) -> datetime:
    """``due`` moved forward (never earlier) into the user's wake window [start, end).

    A window whose start is after its end wraps midnight (22:00–06:00); start == end means the
    user is always awake.
    """
    due = ensure_utc(due)
    start, end = wake_start.replace(tzinfo=None), wake_end.replace(tzinfo=None)
    if start == end:
        return due
    local = due.astimezone(zone(tz))
    now_t = local.time().replace(tzinfo=None)
    awake = start <= now_t < end if start < end else (now_t >= start or now_t < end)
    if awake:
        return due
    d = local.date() if now_t < start else local.date() + timedelta(days=1)
    return at_local(d, start, tz)


def next_weekday_at(t: datetime, iso_weekday: int, hm: time, tz: Zone) -> datetime:
    """The first local ``iso_weekday`` at ``hm`` strictly after instant ``t``."""
    t = ensure_utc(t)
    d = local_date(t, tz)
    d += timedelta(days=(iso_weekday - d.isoweekday()) % 7)
    candidate = at_local(d, hm, tz)
    while candidate <= t:
        d += timedelta(days=7)
        candidate = at_local(d, hm, tz)
    return candidate
