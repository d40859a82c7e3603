"""Relationship warmth (SPEC §4.2): a 0–100 score from a contact's interactions.

Pure: stdlib and zoneinfo only. Everything is a function of (events, now, user timezone), so the
score can be recomputed anywhere (API, jobs, imports) and always agrees.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from server.domain.interaction_types import (
    INBOUND_WEIGHTS,
    OUTBOUND_WEIGHTS,
    TWO_WAY_WEIGHTS,
)

K = TypeVar("K", bound=Hashable)

HALF_LIFE_DAYS: Final = 30
SATURATION_K: Final = 12
WINDOW_DAYS: Final = 365
RECIPROCITY: Final = 0.5
TWO_WAY_SHARE: Final = 0.5  # a two-way event counts half towards O and half towards I
TENURE_BONUS: Final = 0.10
TENURE_FULL_DAYS: Final = 365
ONE_SIDED_CAP: Final = 19
FUTURE_TOLERANCE: Final = timedelta(minutes=5)
DAILY_CAPS: Final[dict[str, int]] = {"social_like": 1, "social_follow": 1}
DEFAULT_DAILY_CAP: Final = 2  # every other outbound type

BANDS: Final[tuple[tuple[int, str], ...]] = ((70, "hot"), (40, "warm"), (20, "cool"), (0, "cold"))

_SECONDS_PER_DAY: Final = 86400.0
_HALF_LIFE_SECONDS: Final = HALF_LIFE_DAYS * _SECONDS_PER_DAY
_WINDOW: Final = timedelta(days=WINDOW_DAYS)
_TENURE_FULL_SECONDS: Final = TENURE_FULL_DAYS * _SECONDS_PER_DAY

_OUT, _IN, _TWO = 0, 1, 2
# One lookup per event: weight and direction. `note` and unknown types are absent on purpose.
_KIND: Final[dict[str, tuple[float, int]]] = {
    **{t: (w, _OUT) for t, w in OUTBOUND_WEIGHTS.items()},
    **{t: (w, _IN) for t, w in INBOUND_WEIGHTS.items()},
    **{t: (w, _TWO) for t, w in TWO_WAY_WEIGHTS.items()},
}
_CAP: Final[dict[str, int]] = {t: DAILY_CAPS.get(t, DEFAULT_DAILY_CAP) for t in OUTBOUND_WEIGHTS}

_PHRASES: Final[dict[str, str]] = {
    # inbound ("replied" is the SPEC §4.2 example wording)
    "reply_received": "replied",
    "message_received": "they messaged you",
    "promise_made": "they promised something",
    "no_received": "they said no",
    "social_like_received": "they liked your post",
    "social_comment_received": "they commented on your post",
    # two-way
    "call": "call",
    "meeting": "meeting",
    "interview": "interview",
    # outbound
    "email_sent": "you emailed",
    "message_sent": "you messaged them",
    "call_attempt": "you tried to call",
    "social_comment": "you commented on their post",
    "social_like": "you liked their post",
    "social_follow": "you followed them on social",
}


@dataclass(frozen=True, slots=True)
class WarmthEvent:
    type: str
    occurred_at: datetime  # aware


@dataclass(frozen=True, slots=True)
class Warmth:
    score: int
    band: str
    O: float  # noqa: E741 - the SPEC's own symbol
    I: float  # noqa: E741
    B: float
    T: float
    S: float
    reason: str
    computed_at: datetime

    def as_dict(self) -> dict:
        """JSON-ready form for the API."""
        return {
            "score": self.score,
            "band": self.band,
            "O": round(self.O, 4),
            "I": round(self.I, 4),
            "B": round(self.B, 4),
            "T": round(self.T, 4),
            "S": round(self.S, 4),
            "reason": self.reason,
            "computed_at": _iso_z(self.computed_at),
        }


def band_for(score: int) -> str:
    """cold 0–19, cool 20–39, warm 40–69, hot 70–100."""
    for floor_, name in BANDS:
        if score >= floor_:
            return name
    return "cold"


def compute_warmth(
    events: Iterable[WarmthEvent], now: datetime, tz: str | ZoneInfo = "UTC"
) -> Warmth:
    """Warmth of one contact at `now`; `tz` is the user's zone (it defines the capping days)."""
    now = _utc(now)
    return _compute(events, now, now + FUTURE_TOLERANCE, now - _WINDOW, _zone(tz))


def compute_warmth_many(
    events_by_contact: Mapping[K, Sequence[WarmthEvent]],
    now: datetime,
    tz: str | ZoneInfo = "UTC",
) -> dict[K, Warmth]:
    """Batch form of compute_warmth: the per-call set-up is done once."""
    now = _utc(now)
    future_limit, window_start, zone = now + FUTURE_TOLERANCE, now - _WINDOW, _zone(tz)
    return {
        key: _compute(events, now, future_limit, window_start, zone)
        for key, events in events_by_contact.items()
    }


def _compute(
    events: Iterable[WarmthEvent],
    now: datetime,
    future_limit: datetime,
    window_start: datetime,
    zone: ZoneInfo,
) -> Warmth:
    kind_of = _KIND
    half_life = _HALF_LIFE_SECONDS
    earliest: datetime | None = None
    outbound: dict[str, list[tuple[datetime, float]]] = {}
    inbound_v: list[float] = []
    two_way_v: list[float] = []
    # Most recent event of each side, for the reason. Equal instants are broken by
    # (weight, type) so the reason does not depend on the order the events were logged in.
    in_at: datetime | None = None
    in_key: tuple[float, str] = (0.0, "")
    out_at: datetime | None = None
    out_key: tuple[float, str] = (0.0, "")

    for event in events:
        type_ = event.type
        kind = kind_of.get(type_)
        if kind is None:
            continue
        occurred = event.occurred_at
        if occurred > future_limit:
            continue
        if earliest is None or occurred < earliest:
            earliest = occurred
        if occurred < window_start:
            continue
        weight, direction = kind
        seconds = (now - occurred).total_seconds()
        value = weight * 2.0 ** (-seconds / half_life) if seconds > 0 else weight
        if direction == _OUT:
            bucket = outbound.get(type_)
            if bucket is None:
                outbound[type_] = [(occurred, value)]
            else:
                bucket.append((occurred, value))
            if out_at is None or occurred > out_at:
                out_at, out_key = occurred, (weight, type_)
            elif occurred == out_at and (weight, type_) > out_key:
                out_key = (weight, type_)
        else:
            (inbound_v if direction == _IN else two_way_v).append(value)
            if in_at is None or occurred > in_at:
                in_at, in_key = occurred, (weight, type_)
            elif occurred == in_at and (weight, type_) > in_key:
                in_key = (weight, type_)

    outbound_v: list[float] = []
    for type_, bucket in outbound.items():
        cap = _CAP[type_]
        if len(bucket) <= cap:  # cannot exceed the cap on any day: skip the local-date work
            outbound_v.extend(v for _, v in bucket)
        else:
            outbound_v.extend(_capped_values(bucket, cap, zone))

    # fsum is exactly rounded, hence independent of the order the events were logged in.
    two_way = TWO_WAY_SHARE * math.fsum(two_way_v)
    o = math.fsum(outbound_v) + two_way
    i = math.fsum(inbound_v) + two_way
    b = RECIPROCITY * min(o, i)
    if earliest is None:
        t = 1.0
    else:
        # Clamped at 0: a future-dated (within tolerance) first event gives no bonus, not a malus.
        tenure = max(0.0, (now - earliest).total_seconds())
        t = 1.0 + TENURE_BONUS * min(1.0, tenure / _TENURE_FULL_SECONDS)
    s = (o + i + b) * t
    raw = 100.0 * (1.0 - math.exp(-s / SATURATION_K))
    score = math.floor(raw + 0.5)
    one_sided = in_at is None
    capped = one_sided and score > ONE_SIDED_CAP
    if capped:
        score = ONE_SIDED_CAP
    return Warmth(
        score=score,
        band=band_for(score),
        O=o,
        I=i,
        B=b,
        T=t,
        S=s,
        reason=_reason(
            now,
            earliest,
            None if in_at is None else (in_at, in_key[1]),
            None if out_at is None else (out_at, out_key[1]),
            capped,
        ),
        computed_at=now,
    )


def _capped_values(
    bucket: list[tuple[datetime, float]], cap: int, zone: ZoneInfo
) -> list[float]:
    """Values kept after the per-local-day cap: the `cap` most recent events of each day."""
    by_day: dict[object, list[float]] = {}
    for occurred, value in bucket:
        by_day.setdefault(occurred.astimezone(zone).date(), []).append(value)
    kept: list[float] = []
    for values in by_day.values():
        if len(values) > cap:
            # A more recent event never has a smaller value, so the largest are the most recent.
            values.sort(reverse=True)
            del values[cap:]
        kept.extend(values)
    return kept


def _reason(
    now: datetime,
    earliest: datetime | None,
    last_in: tuple[datetime, str] | None,
    last_out: tuple[datetime, str] | None,
    capped: bool,
) -> str:
    if earliest is None:
        return "no interactions yet"
    if last_in is None and last_out is None:
        return f"no interactions in the last {WINDOW_DAYS} days"
    parts: list[str] = []
    if last_in is not None:
        parts.append(f"{_PHRASES[last_in[1]]} {_ago((now - last_in[0]).total_seconds())}")
    if last_out is not None:
        parts.append(f"{_PHRASES[last_out[1]]} {_ago((now - last_out[0]).total_seconds())}")
    if last_in is None:
        parts.append(f"no reply yet, capped at {ONE_SIDED_CAP}" if capped else "no reply yet")
    return "; ".join(parts)


def _ago(seconds: float) -> str:
    if seconds < 60:
        return "just now"  # also a future-dated event within the tolerance
    if seconds < 3600:
        n, unit = int(seconds // 60), "minute"
    elif seconds < 86400:
        n, unit = int(seconds // 3600), "hour"
    elif seconds < 14 * 86400:
        n, unit = int(seconds // 86400), "day"
    else:
        n, unit = int(seconds // 604800), "week"
    return f"{n} {unit} ago" if n == 1 else f"{n} {unit}s ago"


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
