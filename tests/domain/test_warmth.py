"""Warmth score (SPEC §4.2/§4.3): worked examples, edge cases and the four invariants."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.interaction_types import INTERACTION_TYPES, OUTBOUND_WEIGHTS
from server.domain.warmth import (
    HALF_LIFE_DAYS,
    SATURATION_K,
    Warmth,
    WarmthEvent,
    band_for,
    compute_warmth,
    compute_warmth_many,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)


def ev(type_: str, offset: timedelta, now: datetime = NOW) -> WarmthEvent:
    return WarmthEvent(type_, now + offset)


def raw(w: Warmth) -> float:
    return 100 * (1 - math.exp(-w.S / SATURATION_K))


def near(actual: float, expected: float, tol: float = 1e-12) -> bool:
    # Not `x == pytest.approx(...)`: ruff's SIM300 reads the SPEC's capital O/I/B/T/S as constants.
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=tol)


def value(weight: float, age: timedelta) -> float:
    return weight * 2 ** (-(age / DAY) / HALF_LIFE_DAYS)


CASE_31 = [ev("email_sent", -2 * DAY), ev("reply_received", -1 * DAY)]

# (events, now, warmth, band, raw value computed by this implementation, for the record)
WORKED = {
    "none": ([], NOW, 0, "cold", 0.0),
    "email now": ([ev("email_sent", timedelta())], NOW, 8, "cold", 7.9956),
    "31-case": (CASE_31, NOW, 31, "cool", 30.5001),
    "interview+email+call": (
        [
            ev("interview", -3 * DAY),
            ev("email_sent", -3 * DAY + timedelta(hours=4)),
            ev("call", -1 * DAY),
        ],
        NOW, 66, "warm", 65.6726,
    ),
    "31-case 60 d later": (CASE_31, NOW + 60 * DAY, 9, "cold", 8.8310),
    "31-case 120 d later": (CASE_31, NOW + 120 * DAY, 2, "cold", 2.3214),
    "email -5 d, no now": (
        [ev("email_sent", -5 * DAY), ev("no_received", timedelta())], NOW, 21, "cool", 21.0761,
    ),
    "ten likes today": (
        [ev("social_like", -k * MIN) for k in range(10)], NOW, 4, "cold", 4.0811,
    ),
    "weekly call for 52 weeks": (
        [ev("call", -7 * k * DAY) for k in range(52)], NOW, 95, "hot", 95.3225,
    ),
    "meeting 180 d ago": ([ev("meeting", -180 * DAY)], NOW, 1, "cold", 0.8503),
    "four emails, capped": (
        [ev("email_sent", -d * DAY) for d in (0, 3, 10, 24)], NOW, 19, "cold", 24.1869,
    ),
    "email -4 d, promise -2 d": (
        [ev("email_sent", -4 * DAY), ev("promise_made", -2 * DAY)], NOW, 30, "cool", 29.7467,
    ),
}


@pytest.mark.parametrize("case", list(WORKED), ids=list(WORKED))
def test_worked_examples(case: str) -> None:
    events, now, score, band, expected_raw = WORKED[case]
    w = compute_warmth(events, now, "UTC")
    assert (w.score, w.band) == (score, band)
    assert raw(w) == pytest.approx(expected_raw, abs=5e-5)


def test_31_case_components() -> None:
    w = compute_warmth(CASE_31, NOW)
    assert near(w.S, 4.3661, tol=5e-5)
    assert raw(w) == pytest.approx(30.5001, abs=5e-5)  # rounds to 31 only because of T
    assert near(w.T, 1 + 0.10 * 2 / 365)
    assert near(w.O, value(1.0, 2 * DAY))
    assert near(w.I, value(3.0, DAY))
    assert near(w.B, 0.5 * w.O)
    assert w.computed_at == NOW


def test_two_way_counts_half_each_side() -> None:
    w = compute_warmth([ev("meeting", timedelta())], NOW)
    assert (w.O, w.I, w.B, w.T) == (2.5, 2.5, 1.25, 1.0)


# ---- daily caps -----------------------------------------------------------------------------

TOKYO = "Asia/Tokyo"  # UTC+9, no DST: local midnight is 15:00 UTC
LOCAL_MIDNIGHT = datetime(2025, 3, 9, 15, 0, tzinfo=UTC)


def test_daily_cap_uses_user_local_day() -> None:
    before = [LOCAL_MIDNIGHT - timedelta(minutes=m) for m in (50, 30, 1)]  # Tokyo 8 March
    after = [LOCAL_MIDNIGHT, LOCAL_MIDNIGHT + timedelta(minutes=20)]  # Tokyo 9 March
    events = [WarmthEvent("email_sent", t) for t in before + after]

    # Tokyo: two days, keep the 2 most recent of 8 March and both of 9 March.
    tokyo = compute_warmth(events, NOW, TOKYO)
    kept = [before[1], before[2], *after]
    assert near(tokyo.O, sum(value(1.0, NOW - t) for t in kept))

    # UTC: all five fall on 9 March, only the 2 most recent count.
    utc = compute_warmth(events, NOW, "UTC")
    assert near(utc.O, sum(value(1.0, NOW - t) for t in after))
    assert compute_warmth(events, NOW, ZoneInfo(TOKYO)) == tokyo


def test_social_like_and_follow_capped_at_one_per_day() -> None:
    events = [ev(t, -k * MIN) for t in ("social_like", "social_follow") for k in range(3)]
    w = compute_warmth(events, NOW)
    assert near(w.O, 0.5 + 0.25)


def test_each_other_outbound_type_capped_at_two_separately() -> None:
    events = [ev(t, -k * MIN) for t in ("email_sent", "message_sent") for k in range(4)]
    w = compute_warmth(events, NOW)
    expected = 2 * sum(value(1.0, k * MIN) for k in (0, 1))
    assert near(w.O, expected)


def test_inbound_and_two_way_never_capped() -> None:
    events = [ev("reply_received", -k * MIN) for k in range(5)]
    events += [ev("call", -k * MIN) for k in range(5)]
    w = compute_warmth(events, NOW)
    replies = sum(value(3.0, k * MIN) for k in range(5))
    calls = sum(value(4.0, k * MIN) for k in range(5))
    assert near(w.I, replies + calls / 2)
    assert near(w.O, calls / 2)


# ---- filters: future tolerance, window, notes, tenure ----------------------------------------


def test_future_tolerance() -> None:
    counted = compute_warmth([ev("email_sent", 4 * MIN)], NOW)
    assert (counted.O, counted.score, counted.T) == (1.0, 8, 1.0)  # age clamped to 0
    ignored = compute_warmth([ev("email_sent", 6 * MIN)], NOW)
    assert (ignored.O, ignored.score, ignored.T) == (0.0, 0, 1.0)
    assert ignored.reason == "no interactions yet"


def test_window_edge() -> None:
    at_edge = compute_warmth([ev("meeting", -365 * DAY)], NOW)
    assert near(at_edge.O, value(2.5, 365 * DAY))
    assert at_edge.O > 0
    for age in (366 * DAY, 365 * DAY + timedelta(microseconds=1)):
        outside = compute_warmth([ev("meeting", -age)], NOW)
        assert (outside.O, outside.I, outside.score) == (0.0, 0.0, 0)
        assert outside.T == 1.1  # still counts for tenure
        assert outside.reason == "no interactions in the last 365 days"


def test_tenure_counts_events_outside_window() -> None:
    w = compute_warmth([*CASE_31, ev("email_sent", -400 * DAY)], NOW)
    assert w.T == 1.1
    assert near(w.S, compute_warmth(CASE_31, NOW).S / (1 + 0.2 / 365) * 1.1)


def test_tenure_counts_events_dropped_by_daily_cap() -> None:
    day_start = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
    emails = [WarmthEvent("email_sent", day_start + timedelta(hours=h)) for h in (1, 2, 3)]
    w = compute_warmth(emails, NOW)
    assert near(w.O, sum(value(1.0, NOW - e.occurred_at) for e in emails[1:]))
    assert near(w.T, 1 + 0.10 * ((NOW - emails[0].occurred_at) / DAY) / 365)


def test_tenure_ignores_notes_unknown_types_and_far_future() -> None:
    base = compute_warmth(CASE_31, NOW)
    noisy = [
        *CASE_31,
        ev("note", -300 * DAY),
        ev("carrier_pigeon", -300 * DAY),
        ev("note", timedelta()),
        ev("email_sent", 6 * MIN),
    ]
    assert compute_warmth(noisy, NOW) == base


def test_notes_alone_score_nothing() -> None:
    w = compute_warmth([ev("note", -k * DAY) for k in range(5)], NOW)
    assert (w.score, w.S, w.reason) == (0, 0.0, "no interactions yet")


def test_one_sided_cap_lifted_by_any_inbound_or_two_way() -> None:
    emails = [ev("email_sent", -d * DAY) for d in (0, 3, 10, 24)]
    assert compute_warmth(emails, NOW).score == 19
    assert compute_warmth([*emails, ev("social_like_received", -400 * DAY)], NOW).score == 19
    # raw 24.19 -> 26: the old like lifts the cap and adds tenure (T 1.0066 -> 1.0822)
    assert compute_warmth([*emails, ev("social_like_received", -300 * DAY)], NOW).score == 26


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError):
        compute_warmth([], NOW.replace(tzinfo=None))


# ---- reason, bands, serialisation, batch ----------------------------------------------------


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([], "no interactions yet"),
        (CASE_31, "replied 1 day ago; you emailed 2 days ago"),
        ([ev("email_sent", timedelta())], "you emailed just now; no reply yet"),
        (WORKED["four emails, capped"][0], "you emailed just now; no reply yet, capped at 19"),
        (WORKED["interview+email+call"][0], "call 1 day ago; you emailed 2 days ago"),
        ([ev("promise_made", -5 * MIN)], "they promised something 5 minutes ago"),
        ([ev("no_received", -1 * MIN)], "they said no 1 minute ago"),
        ([ev("interview", -3 * timedelta(hours=1))], "interview 3 hours ago"),
        ([ev("social_follow", -20 * DAY)], "you followed them on social 2 weeks ago; no reply yet"),
        ([ev("message_received", -13 * DAY)], "they messaged you 13 days ago"),
        ([ev("call_attempt", 3 * MIN)], "you tried to call just now; no reply yet"),
    ],
)
def test_reason(events: list[WarmthEvent], reason: str) -> None:
    assert compute_warmth(events, NOW).reason == reason


def test_reason_tie_is_order_independent() -> None:
    events = [ev("message_received", -DAY), ev("reply_received", -DAY)]
    assert compute_warmth(events, NOW).reason == compute_warmth(events[::-1], NOW).reason


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "cold"), (19, "cold"), (20, "cool"), (39, "cool"), (40, "warm"), (69, "warm"),
     (70, "hot"), (100, "hot")],
)
def test_band_edges(score: int, band: str) -> None:
    assert band_for(score) == band


def test_as_dict() -> None:
    now = datetime(2025, 3, 10, 13, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 12:00 UTC
    d = compute_warmth(CASE_31, now).as_dict()
    assert d == {
        "score": 31,
        "band": "cool",
        "O": 0.9548,
        "I": 2.9315,
        "B": 0.4774,
        "T": 1.0005,
        "S": 4.3661,
        "reason": "replied 1 day ago; you emailed 2 days ago",
        "computed_at": "2025-03-10T12:00:00Z",
    }


def test_many_matches_single() -> None:
    by_contact = {name: case[0] for name, case in WORKED.items()}
    many = compute_warmth_many(by_contact, NOW, TOKYO)
    assert many == {k: compute_warmth(v, NOW, TOKYO) for k, v in by_contact.items()}


# ---- invariants (hypothesis) ----------------------------------------------------------------

TYPES = st.sampled_from([*INTERACTION_TYPES, "unknown_type"])
ZONES = st.sampled_from(["UTC", TOKYO, "America/New_York", "Australia/Lord_Howe"])
# Seconds relative to NOW. Mixing a wide range with a dense recent one makes same-local-day
# collisions (where the daily caps bite) and window/tolerance edges common.
WIDE = st.integers(-400 * 86400, 600)
DENSE = st.integers(-3 * 86400, 0)
EDGES = st.sampled_from([-365 * 86400, -365 * 86400 - 1, -366 * 86400, 0, 240, 300, 301, 360])


def events_st(offsets: st.SearchStrategy[int]) -> st.SearchStrategy[list[WarmthEvent]]:
    event = st.builds(lambda t, s: ev(t, timedelta(seconds=s)), TYPES, offsets)
    return st.lists(event, max_size=25)


ANY_OFFSET = st.one_of(WIDE, DENSE, EDGES)
PAST_OFFSET = st.one_of(st.integers(-400 * 86400, 0), DENSE)


@given(events_st(ANY_OFFSET), ZONES)
def test_bounds(events: list[WarmthEvent], tz: str) -> None:
    w = compute_warmth(events, NOW, tz)
    assert 0 <= w.score <= 100
    assert w.band == band_for(w.score)
    assert 1.0 <= w.T <= 1.1


@given(events_st(ANY_OFFSET), ZONES, st.data())
def test_order_does_not_matter(events: list[WarmthEvent], tz: str, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(events))
    assert compute_warmth(shuffled, NOW, tz) == compute_warmth(events, NOW, tz)


@given(events_st(ANY_OFFSET), events_st(ANY_OFFSET).filter(bool), ZONES)
def test_adding_events_never_lowers_warmth(
    events: list[WarmthEvent], extra: list[WarmthEvent], tz: str
) -> None:
    before = compute_warmth(events, NOW, tz)
    after = compute_warmth([*events, *extra], NOW, tz)
    assert after.score >= before.score
    assert after.S >= before.S


@given(events_st(PAST_OFFSET), st.integers(0, 500 * 86400), ZONES)
def test_warmth_never_rises_with_time(events: list[WarmthEvent], later: int, tz: str) -> None:
    before = compute_warmth(events, NOW, tz)
    after = compute_warmth(events, NOW + timedelta(seconds=later), tz)
    assert after.score <= before.score
    assert after.S <= before.S


def test_outbound_caps_cover_every_outbound_type() -> None:
    # Guards the vocabulary: a new outbound type must be capped (default 2 per day).
    events = [ev(t, -k * MIN) for t in OUTBOUND_WEIGHTS for k in range(3)]
    w = compute_warmth(events, NOW)
    expected = sum(
        value(weight, k * MIN)
        for t, weight in OUTBOUND_WEIGHTS.items()
        for k in range(1 if t in ("social_like", "social_follow") else 2)
    )
    assert near(w.O, expected)
