"""Business-time arithmetic (SPEC §5.1) and the §5.4 rows that are pure time arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain import business_time as bt
from tests.domain.nudge_builders import LA, NY, at, utc

WEEKEND = bt.DEFAULT_WEEKEND


def test_add_hours_is_absolute_across_dst() -> None:
    # Sat 2025-03-08 23:30 EST + 3 h = 03:30 EDT (only 2 wall-clock hours... plus the gap)
    start = at("2025-03-08T23:30", NY)
    assert bt.add_hours(start, 3) - start == timedelta(hours=3)
    assert bt.local_time(bt.add_hours(start, 3), NY) == time(3, 30)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        bt.ensure_utc(datetime(2025, 3, 7, 12, 0))
    with pytest.raises(ValueError):
        bt.roll(datetime(2025, 3, 7, 12, 0), NY)


def test_results_are_utc() -> None:
    assert bt.at_local(date(2025, 3, 7), time(10), NY).tzinfo is UTC
    assert bt.roll(at("2025-03-07T20:00", NY), NY).tzinfo is UTC


def test_missing_local_time_moves_forward() -> None:
    # 2025-03-09 02:30 does not exist in New York: it becomes 03:30 EDT (07:30Z).
    assert bt.at_local(date(2025, 3, 9), time(2, 30), NY) == utc("2025-03-09T07:30Z")


def test_ambiguous_local_time_takes_the_first() -> None:
    # 2025-11-02 01:30 happens twice in New York: first at EDT (05:30Z), then EST (06:30Z).
    assert bt.at_local(date(2025, 11, 2), time(1, 30), NY) == utc("2025-11-02T05:30Z")


def test_add_days_local_keeps_wall_clock_across_dst() -> None:
    t = at("2025-03-08T10:00", NY)
    assert bt.add_days_local(t, 2, NY) == at("2025-03-10T10:00", NY)
    assert bt.add_days_local(t, 2, NY) - t == timedelta(hours=47)


def test_working_days_follow_the_users_weekend() -> None:
    assert bt.is_working_day(date(2025, 3, 7))  # Friday
    assert not bt.is_working_day(date(2025, 3, 8))  # Saturday
    fri_sat = frozenset({5, 6})  # ISO: Friday, Saturday
    assert not bt.is_working_day(date(2025, 3, 7), fri_sat)
    assert bt.is_working_day(date(2025, 3, 9), fri_sat)  # Sunday works there
    assert bt.next_working_day(date(2025, 3, 6), fri_sat) == date(2025, 3, 9)
    with pytest.raises(ValueError):
        bt.next_working_day(date(2025, 3, 6), frozenset(range(1, 8)))


def test_next_working_day_is_strictly_after_the_local_date() -> None:
    # Friday 23:00 in New York is already Saturday in UTC; the local date decides.
    t = at("2025-03-07T23:00", NY)
    assert bt.next_working_day_after(t, NY) == date(2025, 3, 10)
    assert bt.next_working_day_after(at("2025-03-04T08:00", NY), NY) == date(2025, 3, 5)
    assert bt.next_working_day_after(t, "UTC") == date(2025, 3, 10)  # Sat → Mon


def test_add_working_days_counts_strictly_after() -> None:
    assert bt.add_working_days(date(2025, 3, 3), 3) == date(2025, 3, 6)  # Mon → Thu
    assert bt.add_working_days(date(2025, 3, 6), 3) == date(2025, 3, 11)  # Thu → Tue
    assert bt.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)  # Sat → Mon
    assert bt.add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 8)


def test_at_rolled() -> None:
    assert bt.at_rolled(date(2025, 3, 7), time(10), NY) == utc("2025-03-07T15:00Z")
    # Saturday rolls to Monday, where DST has started: 10:00 EDT = 14:00Z.
    assert bt.at_rolled(date(2025, 3, 8), time(10), NY) == utc("2025-03-10T14:00Z")


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2025-03-07T09:00", at("2025-03-07T09:00", NY)),  # opening is inside
        ("2025-03-07T16:59", at("2025-03-07T16:59", NY)),
        ("2025-03-07T17:00", at("2025-03-10T09:00", NY)),  # end is exclusive
        ("2025-03-07T08:59", at("2025-03-07T09:00", NY)),
        ("2025-03-08T12:00", at("2025-03-10T09:00", NY)),
        ("2025-03-10T03:00", at("2025-03-10T09:00", NY)),
    ],
)
def test_roll(local: str, expected: datetime) -> None:
    assert bt.roll(at(local, NY), NY) == expected


def test_in_business_hours() -> None:
    assert bt.in_business_hours(at("2025-03-07T09:00", NY), NY)
    assert not bt.in_business_hours(at("2025-03-07T17:00", NY), NY)
    assert not bt.in_business_hours(at("2025-03-08T12:00", NY), NY)


def test_notify_at_tokyo_row() -> None:
    # §5.4: due 2025-03-12T18:00Z, user Asia/Tokyo → 2025-03-12T23:00Z (08:00 JST).
    assert bt.notify_at(utc("2025-03-12T18:00Z"), "Asia/Tokyo") == utc("2025-03-12T23:00Z")


def test_notify_at_inside_window_and_after_it() -> None:
    due = at("2025-03-12T12:00", LA)
    assert bt.notify_at(due, LA) == due
    assert bt.notify_at(at("2025-03-12T21:00", LA), LA) == at("2025-03-13T08:00", LA)
    assert bt.notify_at(at("2025-03-12T07:59", LA), LA) == at("2025-03-12T08:00", LA)


def test_notify_at_window_wrapping_midnight() -> None:
    start, end = time(22, 0), time(6, 0)  # a night-shift worker
    assert bt.notify_at(at("2025-03-12T23:00", LA), LA, start, end) == at("2025-03-12T23:00", LA)
    assert bt.notify_at(at("2025-03-12T05:00", LA), LA, start, end) == at("2025-03-12T05:00", LA)
    assert bt.notify_at(at("2025-03-12T12:00", LA), LA, start, end) == at("2025-03-12T22:00", LA)


def test_weekday_helpers() -> None:
    t = at("2025-03-12T12:00", NY)  # Wednesday
    assert bt.next_weekday_at(t, 1, time(9), NY) == at("2025-03-17T09:00", NY)
    monday_9 = at("2025-03-10T09:00", NY)
    assert bt.next_weekday_at(monday_9, 1, time(9), NY) == at("2025-03-17T09:00", NY)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
)
zones = st.sampled_from(["UTC", NY, LA, "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney"])
weekends = st.sampled_from([frozenset({6, 7}), frozenset({5, 6}), frozenset({7}), frozenset()])


@given(instants, zones, weekends)
def test_roll_is_never_earlier_and_lands_in_business_hours(t, tz, weekend) -> None:
    r = bt.roll(t, tz, weekend)
    assert r >= t
    assert bt.in_business_hours(r, tz, weekend)
    if bt.in_business_hours(t, tz, weekend):
        assert r == t


@given(instants, zones, st.sampled_from([(time(8), time(21)), (time(22), time(6))]))
def test_notify_at_is_never_earlier_and_inside_the_window(t, tz, window) -> None:
    n = bt.notify_at(t, tz, *window)
    assert n >= t
    assert n - t < timedelta(days=1, hours=2)
    assert bt.notify_at(n, tz, *window) == n  # already inside: unchanged


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)),
       st.integers(0, 30), weekends)
def test_add_working_days_lands_on_working_days(d, n, weekend) -> None:
    out = bt.add_working_days(d, n, weekend)
    assert out >= d
    if n:
        assert bt.is_working_day(out, weekend)
        between = [d + timedelta(days=k) for k in range(1, (out - d).days + 1)]
        assert sum(bt.is_working_day(x, weekend) for x in between) == n
