"""The pure rules of reminders that arrive (server/domain/reminders.py, SPEC §13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain import reminders as r
from server.domain.reminders import Digest, DigestItem

LA, TOKYO, BERLIN = "America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "preferred", "day", "expected"), [
    (LA, "10:00", date(2025, 3, 8), utc(2025, 3, 8, 18)),           # PST
    (LA, "10:00", date(2025, 3, 9), utc(2025, 3, 9, 17)),           # PDT from 02:00 that day
    (LA, "02:30", date(2025, 3, 9), utc(2025, 3, 9, 10, 30)),       # missing: 03:30 PDT
    (TOKYO, "08:00", date(2025, 3, 12), utc(2025, 3, 11, 23)),      # the previous UTC day
    (BERLIN, "02:30", date(2025, 3, 30), utc(2025, 3, 30, 1, 30)),  # missing: 03:30 CEST
    (BERLIN, "02:30", date(2025, 10, 26), utc(2025, 10, 26, 0, 30)),  # twice: the first
    (BERLIN, "10:00", date(2025, 10, 26), utc(2025, 10, 26, 9)),    # CET again
    ("UTC", "00:00", date(2025, 1, 1), utc(2025, 1, 1)),
])
def test_digest_time_is_wall_clock_in_the_users_zone(zone, preferred, day, expected):
    assert r.digest_time(day, preferred, zone) == expected
    assert r.due_digest_date(expected, zone, preferred) == day
    assert r.due_digest_date(expected - timedelta(seconds=1), zone, preferred) != day


def test_yesterdays_digest_is_due_until_it_is_twelve_hours_late():
    # 23:30 in Los Angeles on the 10th is 06:30Z on the 11th.
    assert r.due_digest_date(utc(2025, 3, 11, 7, 10), LA, "23:30") == date(2025, 3, 10)
    assert r.due_digest_date(utc(2025, 3, 11, 18, 29), LA, "23:30") == date(2025, 3, 10)
    assert r.due_digest_date(utc(2025, 3, 11, 18, 30), LA, "23:30") is None
    # Before today's time and more than 12 h after yesterday's: nothing.
    assert r.due_digest_date(utc(2025, 3, 10, 16, 59), LA, "10:00") is None


def test_minute_by_minute_each_local_day_comes_due_exactly_at_its_time():
    """Over both of Berlin's switch days and a Tokyo and Los Angeles week, a scheduler ticking
    every minute sees each local date become due first at that date's preferred time."""
    for zone, preferred, start in ((BERLIN, "02:30", utc(2025, 3, 28)),
                                   (BERLIN, "02:30", utc(2025, 10, 24)),
                                   (LA, "09:15", utc(2025, 11, 1)),
                                   (TOKYO, "07:45", utc(2025, 3, 1))):
        first_due: dict[date, datetime] = {}
        t = start
        while t < start + timedelta(days=4):
            d = r.due_digest_date(t, zone, preferred)
            if d is not None:
                first_due.setdefault(d, t)
            t += timedelta(minutes=1)
        assert len(first_due) >= 3
        for d, seen in first_due.items():
            if seen != start:  # not a day that was already due when the run began
                assert seen == r.digest_time(d, preferred, zone), (zone, d)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                    timezones=st.just(UTC)),
       st.sampled_from([LA, TOKYO, BERLIN, "UTC", "Asia/Kolkata", "Pacific/Chatham"]),
       st.sampled_from(["00:00", "02:30", "08:00", "10:00", "23:59"]))
def test_a_due_digest_is_never_early_nor_more_than_twelve_hours_late(now, zone, preferred):
    d = r.due_digest_date(now, zone, preferred)
    if d is not None:
        at = r.digest_time(d, preferred, zone)
        assert at <= now < at + r.DIGEST_MAX_LATE


def test_backoff_then_give_up():
    t = utc(2025, 3, 10, 12)
    assert [r.retry_at(n, t) - t for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
    assert r.retry_at(5, t) is None and r.retry_at(0, t) is None


def test_push_window():
    now = utc(2025, 3, 10, 12)
    assert r.wants_push("P1", now, now) and r.wants_push("P2", now - timedelta(hours=23), now)
    assert not r.wants_push("P3", now, now) and not r.wants_push("P4", now, now)
    assert not r.wants_push("P1", now + timedelta(seconds=1), now)
    assert not r.wants_push("P1", now - timedelta(hours=24, seconds=1), now)


def test_staleness():
    now = utc(2025, 3, 10, 12)
    assert r.schedule_is_stale(None, now)
    assert not r.schedule_is_stale(now - timedelta(minutes=5), now)
    assert r.schedule_is_stale(now - timedelta(minutes=5, seconds=1), now)
    assert not r.claim_is_stale(now - timedelta(minutes=9), now)
    assert r.claim_is_stale(now - timedelta(minutes=10), now)


def item(nudge_id: int, due: datetime, *, priority: str = "P2", state: str = "scheduled",
         until: datetime | None = None) -> DigestItem:
    return DigestItem(nudge_id=nudge_id, contact_id=nudge_id, contact_name=f"C{nudge_id}",
                      priority=priority, state=state, due_at=due, snoozed_until=until,
                      message="m", reason="r")


def test_split_digest_due_upcoming_and_order():
    now = utc(2025, 3, 10, 17)
    digest = r.split_digest([
        item(1, now - timedelta(days=2), priority="P3"),
        item(2, now - timedelta(hours=1), priority="P1"),
        item(3, now + timedelta(days=1), priority="P4"),
        item(4, now + timedelta(days=7)),                       # the horizon's last instant
        item(5, now + timedelta(days=7, seconds=1)),            # beyond it
        item(6, now - timedelta(days=3), state="snoozed", until=now + timedelta(hours=3)),
        item(7, now + timedelta(days=1), state="snoozed", until=now - timedelta(minutes=1)),
        item(8, now + timedelta(days=1), priority="P1"),
    ], now)
    assert [i.nudge_id for i in digest.due] == [2, 7, 1]
    assert [i.nudge_id for i in digest.upcoming] == [8, 6, 4, 3]
    assert digest.nudge_ids == [2, 7, 1, 8, 6, 4, 3]
    assert not Digest((), ()) and digest


def test_subjects():
    now = utc(2025, 3, 10, 17)
    one_due = r.split_digest([item(1, now)], now)
    assert r.digest_subject(one_due) == "Thrice: 1 follow-up due today"
    both = r.split_digest([item(1, now), item(2, now), item(3, now + timedelta(days=1))], now)
    assert r.digest_subject(both) == "Thrice: 2 follow-ups due today, 1 coming up"
    later = r.split_digest([item(3, now + timedelta(days=1))], now)
    assert r.digest_subject(later) == "Thrice: 1 follow-up coming up this week"


def test_labels_and_links():
    today = date(2025, 3, 10)
    assert r.local_label(utc(2025, 3, 10, 17), LA, today) == "today 10:00"
    assert r.local_label(utc(2025, 3, 11, 16, 30), LA, today) == "tomorrow 09:30"
    assert r.local_label(utc(2025, 3, 9, 17), LA, today) == "yesterday 10:00"
    assert r.local_label(utc(2025, 3, 12, 17), LA, today) == "Wed 12 Mar 10:00"
    assert r.contact_link("http://127.0.0.1:5000/", 7) == "http://127.0.0.1:5000/contacts/7"
    assert r.contact_link("https://crm.example.com", None) == "https://crm.example.com/"


def test_push_text():
    assert r.push_title("P1", "Ada Lovelace") == "P1 follow-up: Ada Lovelace"
    assert r.push_title("P2", " ") == "P2 follow-up: your pipeline"
    body = r.push_body("x" * 2000, "https://c/contacts/1", limit=100)
    text, link = body.split("\n\n")
    assert len(text) == 100 and text.endswith("…") and link == "https://c/contacts/1"
    assert r.push_body("", "https://c/") == "https://c/"
